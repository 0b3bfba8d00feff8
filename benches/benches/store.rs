//! etcd model and API server write paths: raw store puts with watchers draining, and pod
//! creates through the API server with a realistic watch population (a few cluster-wide pod
//! watches plus one node-pinned watch per kubelet).

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kubesim::api::request::{FieldSelector, Request, WatchRequest};
use kubesim::api::server::ApiServer;
use kubesim::api::types::*;
use kubesim::engine::RngStreams;
use kubesim::store::Store;
use kubesim::trace::Trace;

fn store_writes(c: &mut Criterion) {
    let mut group = c.benchmark_group("store");
    const N: u64 = 10_000;
    group.throughput(Throughput::Elements(N));
    group.bench_function("put_with_3_watchers", |b| {
        b.iter_batched(
            || {
                let mut s: Store<Arc<u64>> = Store::new();
                let ws: Vec<_> = (0..3)
                    .map(|_| s.watch("/registry/pods/", 0).unwrap())
                    .collect();
                (s, ws)
            },
            |(mut s, ws)| {
                for i in 0..N {
                    s.put(format!("/registry/pods/default/p-{i}"), Arc::new(i));
                    if i % 64 == 0 {
                        for w in &ws {
                            std::hint::black_box(s.drain_watch(*w));
                        }
                    }
                }
                s
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn pod(i: u64) -> Object {
    Object {
        meta: ObjectMeta {
            name: format!("web-{i}").into(),
            namespace: "default".into(),
            labels: [("app", "web")].into_iter().collect(),
            ..Default::default()
        },
        body: Body::Pod(Pod {
            spec: PodSpec {
                containers: vec![Container::new("app", "nginx:1.25")],
                scheduler_name: "default-scheduler".into(),
                termination_grace_period_seconds: 30,
                ..Default::default()
            },
            status: Default::default(),
        }),
    }
}

fn apiserver_fanout(c: &mut Criterion) {
    let mut group = c.benchmark_group("apiserver");
    const N: u64 = 5_000;
    const NODES: u64 = 5_000;
    group.throughput(Throughput::Elements(N));
    group.bench_function("create_and_bind_pods_5000_kubelet_watches", |b| {
        b.iter_batched(
            || {
                let mut trace = Trace::counters_only();
                let mut s = ApiServer::new(RngStreams::new(1).stream("a"), &mut trace);
                let mut id = 0;
                for _ in 0..4 {
                    id += 1;
                    s.watch(
                        id,
                        WatchRequest {
                            kind: Kind::Pod,
                            namespace: None,
                            label_selector: None,
                            field_selector: None,
                            resource_version: None,
                        },
                    )
                    .unwrap();
                }
                for n in 0..NODES {
                    id += 1;
                    let fs = FieldSelector::node_name(&format!("node-{n}"));
                    s.watch(
                        id,
                        WatchRequest {
                            kind: Kind::Pod,
                            namespace: None,
                            label_selector: None,
                            field_selector: Some(fs),
                            resource_version: None,
                        },
                    )
                    .unwrap();
                }
                (s, trace)
            },
            |(mut s, mut trace)| {
                for i in 0..N {
                    s.handle(0, "bench", Request::Create { object: pod(i) }, &mut trace)
                        .unwrap();
                    let bind = Request::Bind {
                        namespace: "default".into(),
                        name: format!("web-{i}").into(),
                        node: format!("node-{}", i % NODES).into(),
                        uid: None,
                    };
                    s.handle(0, "bench", bind, &mut trace).unwrap();
                    std::hint::black_box(s.take_outbox());
                }
                s
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, store_writes, apiserver_fanout);
criterion_main!(benches);
