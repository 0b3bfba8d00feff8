//! A whole-run figure for the workload controllers at scale: N nodes and a Deployment of P
//! replicas (maxSurge 25 %, maxUnavailable 25 %), created at once and, once it is running,
//! updated to a new image, through the ordinary scenario path: every kubelet, the scheduler,
//! the ReplicaSet and Deployment controllers and the garbage collector.
//! Usage: cargo run --release -p kubesim-benches --bin rollout [NODES] [REPLICAS] [UNTIL]
//! Prints wall time, events, events/s, API requests, when each rollout completed, peak RSS.

use std::path::Path;
use std::time::Instant;

use kubesim::scenario::{RunOptions, Scenario, Simulation};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let nodes: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let replicas: u32 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(30_000);
    let until = args.get(3).cloned().unwrap_or_else(|| "30m".into());
    let yaml = format!(
        r#"name: rollout-{nodes}-{replicas}
until: {until}
cluster:
  nodeGroups:
    - count: {nodes}
      capacity: {{cpu: 64, memory: 256Gi, pods: 110}}
      images: ["nginx:1.9.1", "nginx:1.10.0"]
timeline:
  - at: 1s
    apply:
      apiVersion: apps/v1
      kind: Deployment
      metadata: {{name: web}}
      spec:
        replicas: {replicas}
        selector: {{matchLabels: {{app: web}}}}
        template:
          metadata: {{labels: {{app: web}}}}
          spec:
            containers:
              - name: web
                image: "nginx:1.9.1"
                resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}
  - at: 2s
    kubectl: rollout status deployment/web
  - at: 10m
    kubectl: set image deployment/web web=nginx:1.10.0
  - at: 10m1s
    kubectl: rollout status deployment/web
"#
    );
    let start = Instant::now();
    let scenario =
        Scenario::from_yaml(&yaml, "<rollout>", Path::new(".")).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(scenario, &RunOptions::default());
    let setup = start.elapsed();
    sim.run(|_| {}).unwrap_or_else(|e| panic!("{e}"));
    let wall = start.elapsed();
    let events = sim.cluster().events_processed();
    let summary = sim.summary();
    let done: Vec<String> = sim
        .cluster()
        .trace()
        .rows()
        .iter()
        .filter(|r| r.event == "KubectlOutput" && r.detail.contains("successfully rolled out"))
        .map(|r| kubesim::engine::format_duration(r.time_ns))
        .collect();
    let rss = format!("peak_rss={} MiB", kubesim_benches::peak_rss_mib());
    println!(
        "nodes={nodes} replicas={replicas} simulated={until} wall={:.2}s (setup {:.2}s) events={events} events_per_s={:.0} api_requests={} watch_events={} trace_rows={} rollouts_done_at={done:?} {rss}",
        wall.as_secs_f64(),
        setup.as_secs_f64(),
        events as f64 / wall.as_secs_f64(),
        summary["api"]["requests"],
        summary["api"]["watch_events"],
        summary["trace_rows"],
    );
}
