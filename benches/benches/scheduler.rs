//! Scheduling throughput of the default profile, scheduler alone: each iteration schedules a
//! batch of pods (PreFilter, Filter over the adaptive window, Score, selectHost, assume) onto
//! a cluster of 500 or 5,000 nodes in four zones, as kube-scheduler's scheduler_perf
//! "SchedulingBasic" does. Figures in reports/performance.md.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use rand::SeedableRng;

use kubesim::api::manifest::parse_manifests;
use kubesim::api::types::{Name, Object, Uid};
use kubesim::scheduler::cache::Cache;
use kubesim::scheduler::config::SchedulerConfig;
use kubesim::scheduler::framework::PodInfo;
use kubesim::scheduler::schedule_one::schedule_pod;

const PODS_PER_ITER: usize = 1000;

fn object(yaml: &str) -> Object {
    parse_manifests(yaml, "bench").unwrap().remove(0).object
}

fn cluster(nodes: usize) -> Cache {
    let mut cache = Cache::new();
    for i in 0..nodes {
        let mut n = object(&format!(
            "apiVersion: v1\nkind: Node\nmetadata: {{name: node-{i}, labels: {{topology.kubernetes.io/zone: zone-{}, kubernetes.io/hostname: node-{i}}}}}\n\
             status: {{allocatable: {{cpu: '32', memory: 128Gi, pods: '110'}}, images: [{{names: ['registry.k8s.io/pause:3.9'], sizeBytes: 300000}}]}}",
            i % 4
        ));
        n.meta.uid = Uid(i as u128 + 1);
        cache.add_node(Arc::new(n));
    }
    cache
}

fn pods() -> Vec<Arc<PodInfo>> {
    let template = object(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default, labels: {app: bench}}\n\
         spec: {containers: [{name: c, image: registry.k8s.io/pause:3.9, resources: {requests: {cpu: 100m, memory: 100Mi}}}]}",
    );
    (0..PODS_PER_ITER)
        .map(|i| {
            let mut p = template.clone();
            p.meta.name = Name::new(format!("p-{i}"));
            p.meta.uid = Uid(1_000_000 + i as u128);
            Arc::new(PodInfo::new(Arc::new(p)))
        })
        .collect()
}

fn bench_scheduling(c: &mut Criterion) {
    let config = SchedulerConfig::default_config();
    let profile = &config.profiles[0];
    let pods = pods();
    let mut group = c.benchmark_group("schedule_default_profile");
    group.sample_size(10);
    group.throughput(Throughput::Elements(PODS_PER_ITER as u64));
    for nodes in [500, 5000] {
        let mut base = cluster(nodes);
        base.update_order();
        group.bench_function(format!("{nodes}_nodes"), |b| {
            b.iter_batched(
                || {
                    let mut cache = Cache::new();
                    for &i in base.order() {
                        cache.add_node(base.snapshot().nodes[i as usize].node.clone());
                    }
                    cache.update_order();
                    cache
                },
                |mut cache| {
                    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
                    let mut next = 0;
                    for p in &pods {
                        let a = schedule_pod(
                            profile,
                            None,
                            cache.snapshot(),
                            cache.order(),
                            &mut next,
                            p,
                            &mut rng,
                            false,
                        );
                        let host = a.result.expect("fits").suggested_host;
                        cache.assume_pod(p.clone(), &host);
                    }
                    cache
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench_scheduling);
criterion_main!(benches);
