//! The library in ten lines: load the bundled quickstart scenario, run until the first pod
//! exists, look at it through the simulated API, then run to the end and read the trace.
//! Run with: cargo run --example quickstart

use std::path::Path;

use kubesim::api::types::Kind;
use kubesim::engine::format_duration;
use kubesim::scenario::{RunOptions, Simulation};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/quickstart.yaml");
    let mut sim = Simulation::from_file(
        &path,
        &RunOptions {
            seed: Some(7),
            ..Default::default()
        },
    )?;

    // Run until the API server holds a pod, then read it like `kubectl get pod`.
    sim.run_until(|cluster| cluster.api().count(Kind::Pod) > 0)?;
    let pods = sim.cluster().api().list(Kind::Pod, Some("default"));
    println!(
        "t={}: first pod {} (uid {})",
        format_duration(sim.now()),
        pods[0].meta.name,
        pods[0].meta.uid
    );

    // Finish the run and read the trace.
    sim.run(|_| {})?;
    for row in sim
        .cluster()
        .trace()
        .rows()
        .iter()
        .filter(|r| r.event == "ApiCreate" && r.kind == "Pod")
    {
        println!(
            "{:>12} ns  {} {}/{}",
            row.time_ns, row.event, row.namespace, row.name
        );
    }
    let failed = sim
        .check_expectations()
        .iter()
        .filter(|r| !r.passed)
        .count();
    println!(
        "{} trace rows, {failed} failed expectations",
        sim.cluster().trace().rows().len()
    );
    Ok(())
}
