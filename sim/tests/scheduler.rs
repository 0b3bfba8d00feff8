//! kube-scheduler's outputs, read back from a run: scheduling.csv agrees with the trace and
//! with itself, and summary.json / pods.csv carry the scheduling figures.

use std::path::Path;

use kubesim::scenario::{RunOptions, Simulation};

fn run(scenario: &str, explain: bool) -> (tempfile::TempDir, Simulation) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios/scheduling")
        .join(scenario);
    let mut sim = Simulation::from_file(
        &path,
        &RunOptions {
            explain,
            ..Default::default()
        },
    )
    .unwrap();
    sim.run(|_| {}).unwrap();
    let dir = tempfile::tempdir().unwrap();
    sim.write_files(dir.path()).unwrap();
    (dir, sim)
}

fn csv_rows(path: &Path) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records().map(|x| x.unwrap()).collect()
}

#[test]
fn explanations_agree_with_the_trace_and_add_up() {
    let (dir, sim) = run("host-port-conflict.yaml", true);
    let rows = csv_rows(&dir.path().join("scheduling.csv"));
    assert!(!rows.is_empty());
    // proxy-c's attempts: NodePorts rejects it on both nodes, and it is Unschedulable.
    let c: Vec<_> = rows.iter().filter(|r| &r[3] == "proxy-c").collect();
    assert!(!c.is_empty());
    assert!(c
        .iter()
        .all(|r| &r[5] == "Unschedulable" && r[6].is_empty()));
    let mut rejected: Vec<&str> = c
        .iter()
        .filter(|r| &r[8] == "filter" && &r[9] == "NodePorts")
        .map(|r| {
            assert_eq!(&r[10], "Unschedulable");
            assert_eq!(
                &r[11],
                "node(s) didn't have free ports for the requested pod ports"
            );
            &r[7]
        })
        .collect();
    rejected.sort();
    rejected.dedup();
    assert_eq!(rejected, ["node-1", "node-2"]);
    // Every Scheduled attempt's chosen node is where the trace says the pod went, and it has
    // the highest total score of the attempt.
    let trace = sim.cluster().trace().rows();
    for r in rows.iter().filter(|r| &r[5] == "Scheduled") {
        let pod = &r[3];
        let bound = trace
            .iter()
            .find(|t| t.event == "Scheduled" && t.name == pod)
            .expect("a Scheduled event");
        assert_eq!(&r[6], bound.node.as_str(), "{pod}");
        let attempt = &r[0];
        let totals: Vec<(String, i64)> = rows
            .iter()
            .filter(|x| &x[0] == attempt && &x[8] == "score")
            .map(|x| (x[7].to_string(), x[15].parse().unwrap()))
            .collect();
        if let Some(max) = totals.iter().map(|t| t.1).max() {
            let chosen = totals.iter().find(|t| t.0 == r[6]).unwrap().1;
            assert_eq!(chosen, max, "{pod}: chose a node without the top score");
        }
    }
    // Weighted = normalized × weight, and a node's total is the sum of its weighted scores.
    let mut sums: std::collections::BTreeMap<(String, String), (i64, i64)> = Default::default();
    for r in rows.iter().filter(|r| &r[8] == "score") {
        let (norm, weighted): (i64, i64) = (r[13].parse().unwrap(), r[14].parse().unwrap());
        assert!((0..=100).contains(&norm));
        assert_eq!(weighted % norm.max(1), 0, "{r:?}");
        let e = sums
            .entry((r[0].to_string(), r[7].to_string()))
            .or_default();
        e.0 += weighted;
        e.1 = r[15].parse().unwrap();
    }
    for (k, (sum, total)) in sums {
        assert_eq!(sum, total, "{k:?}");
    }
}

#[test]
fn summary_and_pods_csv_carry_scheduling_figures() {
    let (dir, sim) = run("host-port-conflict.yaml", false);
    assert!(!dir.path().join("scheduling.csv").exists());
    let s = sim.summary();
    let sched = &s["scheduler"];
    assert_eq!(sched["scheduled"], 2);
    assert!(sched["unschedulable_attempts"].as_u64().unwrap() >= 1);
    assert_eq!(sched["pending_at_end"]["unschedulable"], 1);
    assert!(sched["scheduling_latency_ns"]["p50"].as_u64().unwrap() > 0);
    let pods = csv_rows(&dir.path().join("pods.csv"));
    let header = csv::Reader::from_path(dir.path().join("pods.csv"))
        .unwrap()
        .headers()
        .unwrap()
        .clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (attempts, latency) = (col("scheduling_attempts"), col("scheduling_latency_ns"));
    for p in &pods {
        match &p[1] {
            "proxy-a" | "proxy-b" => {
                assert_eq!(&p[attempts], "1");
                assert!(p[latency].parse::<u64>().unwrap() > 0);
            }
            "proxy-c" => {
                assert!(p[attempts].parse::<u32>().unwrap() >= 1);
                assert_eq!(&p[latency], "");
            }
            other => panic!("unexpected pod {other}"),
        }
    }
}

#[test]
fn a_scheduler_config_flag_replaces_the_scenarios() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios/scheduling/host-port-conflict.yaml");
    let mut scenario = kubesim::scenario::Scenario::load(&path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "profiles: [{plugins: {score: {enabled: [{name: Nope}]}}}]\n",
    )
    .unwrap();
    let err = scenario
        .set_scheduler_config_file(&bad)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("profiles[0].plugins.score.enabled[0]: plugin \"Nope\" does not exist"),
        "{err}"
    );
    let good = dir.path().join("good.yaml");
    std::fs::write(&good, "profiles: [{schedulerName: other}]\n").unwrap();
    scenario.set_scheduler_config_file(&good).unwrap();
    // No profile is called default-scheduler any more: nobody schedules the pods.
    let mut sim = Simulation::new(scenario, &RunOptions::default());
    sim.run(|_| {}).unwrap();
    assert_eq!(sim.summary()["scheduler"]["attempts"], 0);
    assert_eq!(sim.cluster().trace().count("Scheduled"), 0);
}

/// After `controllerRestart: kube-scheduler`, the run's figures still count what the dead
/// process did: summary.json, pods.csv and scheduling.csv cover pods scheduled before and
/// after the restart.
#[test]
fn a_scheduler_restart_keeps_the_runs_scheduling_figures() {
    let yaml = "name: sched-restart\nuntil: 1m\nscheduler: {explain: true}\ncluster:\n  nodeGroups:\n    - count: 2\n      capacity: {cpu: 4, memory: 8Gi, pods: 110}\ntimeline:\n  - at: 1s\n    create: {apiVersion: v1, kind: Pod, metadata: {name: before}, spec: {containers: [{name: c, image: nginx}]}}\n  - at: 10s\n    fault: {controllerRestart: kube-scheduler}\n  - at: 20s\n    create: {apiVersion: v1, kind: Pod, metadata: {name: after}, spec: {containers: [{name: c, image: nginx}]}}\nexpect:\n  - trace: {event: Restarted, component: kube-scheduler}\n    count: 1\n  - trace: {event: Scheduled}\n    count: 2\n";
    let scenario =
        kubesim::scenario::Scenario::from_yaml(yaml, "<sched-restart>", Path::new(".")).unwrap();
    let mut sim = Simulation::new(scenario, &RunOptions::default());
    sim.run(|_| {}).unwrap();
    assert!(sim.check_expectations().iter().all(|r| r.passed));
    let summary = sim.summary();
    assert_eq!(summary["scheduler"]["scheduled"], 2, "{summary}");
    assert_eq!(summary["scheduler"]["pods_seen"], 2, "{summary}");
    let dir = tempfile::tempdir().unwrap();
    sim.write_files(dir.path()).unwrap();
    let pods: Vec<String> = csv_rows(&dir.path().join("scheduling.csv"))
        .iter()
        .map(|r| r[3].to_string())
        .collect();
    assert!(pods.iter().any(|p| p == "before") && pods.iter().any(|p| p == "after"));
    let table = csv_rows(&dir.path().join("pods.csv"));
    assert!(
        table.iter().all(|r| !r[14].is_empty()),
        "every pod has its latency"
    );
}
