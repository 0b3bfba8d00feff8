//! A whole-run figure for a large idle cluster, where node heartbeats are the bulk of the
//! events: N nodes, each with its kubelet renewing its Lease every 10 s and posting node
//! status, and the control plane's node lifecycle controller watching them, for one
//! simulated hour (or the given duration). Runs the ordinary scenario path.
//! Usage: cargo run --release -p kubesim-benches --bin heartbeats [NODES] [DURATION]
//! Prints wall time, events, events/s, API requests and peak RSS.

use std::path::Path;
use std::time::Instant;

use kubesim::scenario::{RunOptions, Scenario, Simulation};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let nodes: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5000);
    let duration = args.get(2).cloned().unwrap_or_else(|| "1h".into());
    let yaml = format!(
        "name: heartbeats-{nodes}\nuntil: {duration}\ncluster:\n  nodeGroups:\n    - count: {nodes}\n      capacity: {{cpu: 8, memory: 32Gi, pods: 110}}\n"
    );
    let start = Instant::now();
    let scenario = Scenario::from_yaml(&yaml, "<heartbeats>", Path::new("."))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(scenario, &RunOptions::default());
    let setup = start.elapsed();
    sim.run(|_| {}).unwrap_or_else(|e| panic!("{e}"));
    let wall = start.elapsed();
    let events = sim.cluster().events_processed();
    let summary = sim.summary();
    let rss = format!("peak_rss={} MiB", kubesim_benches::peak_rss_mib());
    println!(
        "nodes={nodes} simulated={duration} wall={:.2}s (setup {:.2}s) events={events} events_per_s={:.0} api_requests={} watch_events={} trace_rows={} {rss}",
        wall.as_secs_f64(),
        setup.as_secs_f64(),
        events as f64 / wall.as_secs_f64(),
        summary["api"]["requests"],
        summary["api"]["watch_events"],
        summary["trace_rows"],
    );
}
