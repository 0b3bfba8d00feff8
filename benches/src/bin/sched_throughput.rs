//! A whole-run figure for kube-scheduler alone: N nodes (no kubelets), P pending pods created
//! at time 0, the scheduler with the default profile binding them through the API server.
//! The scheduler's modelled costs are zeroed and its client unthrottled, so the figure is how
//! fast kubesim simulates scheduling, not how fast a default kube-scheduler would go.
//! Usage: cargo run --release -p kubesim-benches --bin sched_throughput [NODES] [PODS]

use std::sync::Arc;
use std::time::Instant;

use kubesim::api::manifest::parse_manifests;
use kubesim::api::request::Request;
use kubesim::api::types::{Name, Object};
use kubesim::cluster::Cluster;
use kubesim::engine::SECOND;
use kubesim::model::Model;
use kubesim::network::CONTROL_PLANE;
use kubesim::scheduler::config::{KubeSchedulerConfiguration, Registry};
use kubesim::scheduler::{Scheduler, SchedulerSetup};

fn object(yaml: &str) -> Object {
    parse_manifests(yaml, "bench").unwrap().remove(0).object
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let nodes: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5000);
    let pods: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let mut model = Model::builtin();
    model.scheduler.attempt_base = 0;
    model.scheduler.attempt_per_node = 0;
    model.scheduler.client_qps = 1e9;
    model.scheduler.client_burst = 1_000_000;
    let mut cluster = Cluster::new(model.clone(), 1, 3600 * SECOND, u64::MAX);
    let start = Instant::now();
    for i in 0..nodes {
        let n = object(&format!(
            "apiVersion: v1\nkind: Node\nmetadata: {{name: node-{i}, labels: {{topology.kubernetes.io/zone: zone-{}, kubernetes.io/hostname: node-{i}}}}}\n\
             status: {{allocatable: {{cpu: '32', memory: 128Gi, pods: '110'}}}}",
            i % 4
        ));
        cluster
            .admin_request("cluster-bootstrap", Request::Create { object: n })
            .unwrap();
    }
    let template = object(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default, labels: {app: bench}}\n\
         spec: {containers: [{name: c, image: registry.k8s.io/pause:3.9, resources: {requests: {cpu: 100m, memory: 100Mi}}}]}",
    );
    for i in 0..pods {
        let mut p = template.clone();
        p.meta.name = Name::new(format!("p-{i}"));
        cluster
            .admin_request("kubectl", Request::Create { object: p })
            .unwrap();
    }
    let (setup, _) = SchedulerSetup::new(
        KubeSchedulerConfiguration::default(),
        Registry::default(),
        model.scheduler.clone(),
        false,
    )
    .unwrap();
    let id = cluster.add_component(
        "kube-scheduler",
        CONTROL_PLANE,
        Box::new(Scheduler::new(Arc::new(setup))),
        None,
    );
    let setup_wall = start.elapsed();
    let run_start = Instant::now();
    // Run until every pod is bound (or an hour of virtual time).
    let target = pods as u64;
    cluster
        .run_until_condition(|c| {
            c.component::<Scheduler>(id)
                .is_some_and(|s| s.stats().scheduled >= target)
        })
        .unwrap();
    let wall = run_start.elapsed();
    let s = cluster.component::<Scheduler>(id).unwrap();
    let scheduled = s.stats().scheduled;
    let rss = kubesim_benches::peak_rss_mib();
    println!(
        "nodes={nodes} pods={pods} scheduled={scheduled} attempts={} wall={:.2}s (setup {:.2}s) pods_per_s={:.0} events={} simulated={:.3}s peak_rss={rss} MiB",
        s.stats().attempts,
        wall.as_secs_f64(),
        setup_wall.as_secs_f64(),
        scheduled as f64 / wall.as_secs_f64(),
        cluster.events_processed(),
        cluster.now() as f64 / 1e9,
    );
}
