//! Every bundled scenario runs here: its expectations must hold, and running it twice with
//! the same seed must give byte-identical outputs, while another seed changes the timing.

use std::path::{Path, PathBuf};

use kubesim::scenario::{RunOptions, Simulation};

fn scenario_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("scenarios folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                // Manifests and other data live in folders named so; scenarios elsewhere.
                if path.file_name().is_some_and(|n| n != "manifests") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no scenarios found");
    out
}

/// Runs a scenario and returns (trace.csv, summary.json, kubectl.txt) as bytes.
fn run(path: &Path, seed: Option<u64>) -> (Vec<u8>, Vec<u8>, Vec<u8>, Simulation) {
    let mut sim = Simulation::from_file(
        path,
        &RunOptions {
            seed,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    sim.run(|_| {})
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let dir = tempfile::tempdir().unwrap();
    sim.write_files(dir.path()).unwrap();
    let read = |f: &str| std::fs::read(dir.path().join(f)).unwrap();
    (
        read("trace.csv"),
        read("summary.json"),
        read("kubectl.txt"),
        sim,
    )
}

#[test]
fn every_scenario_meets_its_expectations() {
    for path in scenario_files() {
        let (_, _, _, sim) = run(&path, None);
        let results = sim.check_expectations();
        assert!(
            !results.is_empty(),
            "{}: a bundled scenario must assert its outcome",
            path.display()
        );
        for r in results {
            assert!(
                r.passed,
                "{}: {}: expected {}, got {}",
                path.display(),
                r.description,
                r.expected,
                r.actual
            );
        }
    }
}

/// Every file a run writes (trace.csv, summary.json, kubectl.txt, pods.csv, and
/// scheduling.csv when the scenario asks for explanations), by name.
fn all_outputs(path: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let (_, _, _, sim) = run(path, None);
    let dir = tempfile::tempdir().unwrap();
    sim.write_files(dir.path()).unwrap();
    std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn same_seed_gives_byte_identical_outputs() {
    for path in scenario_files() {
        let (a, b) = (all_outputs(&path), all_outputs(&path));
        assert!(a.contains_key("pods.csv"), "{}", path.display());
        for (name, bytes) in &a {
            assert!(
                b.get(name) == Some(bytes),
                "{}: {name} differs between two runs",
                path.display()
            );
        }
        let a = run(&path, None);
        let b = run(&path, None);
        assert!(
            a.0 == b.0,
            "{}: trace.csv differs between two runs",
            path.display()
        );
        assert!(
            a.1 == b.1,
            "{}: summary.json differs between two runs",
            path.display()
        );
        assert!(
            a.2 == b.2,
            "{}: kubectl.txt differs between two runs",
            path.display()
        );
    }
}

#[test]
fn another_seed_changes_the_random_parts() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/quickstart.yaml");
    let (t1, _, _, s1) = run(&path, Some(1));
    let (t2, _, _, s2) = run(&path, Some(2));
    assert_ne!(t1, t2, "latencies and UIDs come from the seed");
    // ... but not what happened.
    let outcome = |s: &Simulation| {
        s.check_expectations()
            .iter()
            .map(|r| r.actual)
            .collect::<Vec<_>>()
    };
    assert_eq!(outcome(&s1), outcome(&s2));
}

#[test]
fn trace_is_in_time_then_sequence_order() {
    for path in scenario_files() {
        let (_, _, _, sim) = run(&path, None);
        let rows = sim.cluster().trace().rows();
        for (i, w) in rows.windows(2).enumerate() {
            assert!(
                w[0].time_ns <= w[1].time_ns,
                "{}: row {i} out of time order",
                path.display()
            );
            assert_eq!(w[0].seq + 1, w[1].seq);
        }
    }
}
