//! The event loop's cost per event with trivial handlers: one heap pop and one push, at
//! several queue sizes (a big cluster keeps ~100k timers and messages in flight).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use kubesim::engine::Engine;

fn event_loop(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine/event_loop");
    const EVENTS: u64 = 100_000;
    for pending in [1_000u64, 100_000] {
        group.throughput(Throughput::Elements(EVENTS));
        group.bench_with_input(
            BenchmarkId::new("pending", pending),
            &pending,
            |b, &pending| {
                b.iter_batched(
                    || {
                        let mut e: Engine<u64> = Engine::new(u64::MAX, u64::MAX);
                        for i in 0..pending {
                            e.schedule_at(i * 7 % 1_000, i);
                        }
                        e
                    },
                    |mut e| {
                        // Each handled event schedules one more, a pseudo-random delay ahead.
                        for _ in 0..EVENTS {
                            let (t, x) = e.next_event().unwrap().unwrap();
                            let next = x
                                .wrapping_mul(6364136223846793005)
                                .wrapping_add(1442695040888963407);
                            e.schedule_at(t + (next >> 54), next);
                        }
                        e
                    },
                    criterion::BatchSize::LargeInput,
                )
            },
        );
    }
    group.finish();
}

criterion_group!(benches, event_loop);
criterion_main!(benches);
