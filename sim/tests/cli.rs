//! The `kubesim` binary: bad input gives one clear message and a non-zero exit, and never
//! leaves an output folder behind; a good run writes every output.

use std::path::Path;
use std::process::Command;

fn kubesim(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kubesim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run kubesim");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

const GOOD: &str = "name: tiny\nseed: 1\nuntil: 10s\ncluster:\n  nodeGroups:\n    - count: 1\n      capacity: {cpu: 1, memory: 1Gi}\ntimeline:\n  - at: 1s\n    kubectl: get nodes\nexpect:\n  - objects: {kind: Node}\n    count: 1\n";

#[test]
fn run_writes_all_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "tiny.yaml", GOOD);
    let (code, stdout, stderr) = kubesim(&["run", &s, "--out", "res"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("expectations: 1/1 passed"), "{stdout}");
    for f in [
        "trace.csv",
        "summary.json",
        "kubectl.txt",
        "pods.csv",
        "perf.json",
    ] {
        assert!(dir.path().join("res").join(f).is_file(), "{f} missing");
    }
    let trace = std::fs::read_to_string(dir.path().join("res/trace.csv")).unwrap();
    assert!(trace.starts_with("time_ns,seq,component,event,kind,namespace,name,node,detail\n"));
    let transcript = std::fs::read_to_string(dir.path().join("res/kubectl.txt")).unwrap();
    assert!(transcript.contains("$ kubectl get nodes"), "{transcript}");
    assert!(transcript.contains("node-1"), "{transcript}");
}

#[test]
fn missing_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = kubesim(&["run", "nope.yaml"], dir.path());
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: nope.yaml: cannot read scenario:"),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn yaml_syntax_error_names_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(
        dir.path(),
        "bad.yaml",
        "name: x\nuntil: 10s\ntimeline:\n  - at: 1s\n    kubectl: [get\n",
    );
    let (code, _, stderr) = kubesim(&["validate", &s], dir.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("bad.yaml:"), "{stderr}");
    assert!(stderr.lines().count() == 1, "one message: {stderr}");
}

#[test]
fn misspelled_scenario_field_names_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(
        dir.path(),
        "typo.yaml",
        "name: x\nuntil: 10s\ncluster:\n  nodeGroups:\n    - count: 1\n      capacty: {cpu: 1}\n",
    );
    let (code, _, stderr) = kubesim(&["validate", &s], dir.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("cluster.nodeGroups[0]"), "{stderr}");
    assert!(stderr.contains("unknown field `capacty`"), "{stderr}");
}

#[test]
fn unknown_kind_and_bad_kubectl_are_errors_with_paths() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(
        dir.path(),
        "kind.yaml",
        "name: x\nuntil: 10s\ntimeline:\n  - at: 1s\n    create:\n      apiVersion: v1\n      kind: Widget\n      metadata: {name: w}\n",
    );
    let (code, _, stderr) = kubesim(&["validate", &s], dir.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("timeline[0].create"), "{stderr}");
    assert!(
        stderr.contains("no matches for kind \"Widget\" in version \"v1\""),
        "{stderr}"
    );

    let s = write(
        dir.path(),
        "verb.yaml",
        "name: x\nuntil: 10s\ntimeline:\n  - at: 1s\n    kubectl: frobnicate pods\n",
    );
    let (code, _, stderr) = kubesim(&["run", &s], dir.path());
    assert_eq!(code, 2);
    assert_eq!(stderr.trim(), format!("error: {s}: timeline[0].kubectl: error: unknown command \"frobnicate\" for \"kubectl\""));
}

#[test]
fn bad_duration_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "dur.yaml", "name: x\nuntil: 10 minutes\n");
    let (code, _, stderr) = kubesim(&["validate", &s], dir.path());
    assert_eq!(code, 2);
    assert!(
        stderr.contains("until: invalid duration \"10 minutes\""),
        "{stderr}"
    );
}

#[test]
fn runaway_guard_stops_without_writing_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "tiny.yaml", GOOD);
    let (code, _, stderr) = kubesim(
        &["run", &s, "--max-events", "3", "--out", "res"],
        dir.path(),
    );
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("exceeded the limit of 3 events"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("res").exists(),
        "no output folder after a failed run"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn failed_expectation_exits_1_after_writing_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(
        dir.path(),
        "exp.yaml",
        &GOOD.replace("\n    count: 1\n", "\n    count: 5\n"),
    );
    let (code, _, stderr) = kubesim(&["run", &s, "--out", "res"], dir.path());
    assert_eq!(code, 1);
    assert!(
        stderr.contains("expectation failed: Node objects: expected == 5, got 1"),
        "{stderr}"
    );
    assert!(dir.path().join("res/summary.json").is_file());
}

#[test]
fn help_explains_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = kubesim(&["--help"], dir.path());
    assert_eq!(code, 0);
    assert!(stdout.contains("run") && stdout.contains("validate"));
    let (code, stdout, _) = kubesim(&["run", "--help"], dir.path());
    assert_eq!(code, 0);
    for flag in ["--seed", "--out", "--until", "--max-events"] {
        assert!(stdout.contains(flag), "{flag} in run --help");
    }
}

#[test]
fn invalid_object_is_reported_before_the_run_unless_expected() {
    let dir = tempfile::tempdir().unwrap();
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: pi}\nspec:\n  template:\n    spec:\n      restartPolicy: Always\n      containers: [{name: pi, image: perl}]\n";
    write(dir.path(), "job.yaml", job);
    let s = write(
        dir.path(),
        "inv.yaml",
        "name: x\nuntil: 10s\ntimeline:\n  - at: 1s\n    kubectl: create -f job.yaml\n",
    );
    let (code, _, stderr) = kubesim(&["run", &s, "--out", "res"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("timeline[0]: The Job \"pi\" is invalid: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""),
        "{stderr}"
    );
    assert!(!dir.path().join("res").exists());
    // Marked as intended, it runs and kubectl prints the API server's rejection.
    let s = write(
        dir.path(),
        "inv2.yaml",
        "name: x\nuntil: 10s\ntimeline:\n  - at: 1s\n    kubectl: create -f job.yaml\n    expectFailure: true\nexpect:\n  - kubectlErrors: true\n    count: 1\n",
    );
    let (code, _, stderr) = kubesim(&["run", &s, "--out", "res"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let transcript = std::fs::read_to_string(dir.path().join("res/kubectl.txt")).unwrap();
    assert!(
        transcript.contains("The Job \"pi\" is invalid: spec.template.spec.restartPolicy"),
        "{transcript}"
    );
}

#[test]
fn explain_writes_scheduling_csv_and_a_bad_scheduler_config_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "tiny.yaml", GOOD);
    let (code, stdout, stderr) = kubesim(&["run", &s, "--out", "res", "--explain"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("scheduling.csv"), "{stdout}");
    assert!(dir.path().join("res/scheduling.csv").is_file());

    let bad = write(
        dir.path(),
        "sched.yaml",
        "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\npercentageOfNodesToScore: 101\n",
    );
    let (code, _, stderr) = kubesim(
        &["run", &s, "--out", "res2", "--scheduler-config", &bad],
        dir.path(),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "sched.yaml: percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]"
        ),
        "{stderr}"
    );
    assert!(!dir.path().join("res2").exists());
}

#[test]
fn kubernetes_version_feature_gates_and_restart_faults_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let with = |extra: &str| format!("name: x\nuntil: 10s\n{extra}");
    let s = write(dir.path(), "v.yaml", &with("kubernetesVersion: \"1.99\"\n"));
    let (code, _, stderr) = kubesim(&["validate", &s], dir.path());
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "kubernetesVersion: Kubernetes 1.99 is not modelled: kubesim models 1.25 to 1.36"
        ),
        "{stderr}"
    );
    let s = write(
        dir.path(),
        "locked.yaml",
        &with("featureGates: {JobPodReplacementPolicy: false}\n"),
    );
    let (code, _, stderr) = kubesim(&["validate", &s], dir.path());
    assert_eq!(code, 2);
    assert!(
        stderr.contains("featureGates.JobPodReplacementPolicy: cannot set feature gate JobPodReplacementPolicy to false, feature is locked to true"),
        "{stderr}"
    );
    let s = write(
        dir.path(),
        "old.yaml",
        &with("kubernetesVersion: \"1.35\"\nfeatureGates: {StaleControllerConsistencyJob: true}\n"),
    );
    let (code, _, stderr) = kubesim(&["validate", &s], dir.path());
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unrecognized feature gate: StaleControllerConsistencyJob"),
        "{stderr}"
    );
    let s = write(
        dir.path(),
        "fault.yaml",
        &with("timeline:\n  - at: 1s\n    fault: {controllerRestart: kube-proxy}\n"),
    );
    let (code, _, stderr) = kubesim(&["validate", &s], dir.path());
    assert_eq!(code, 2);
    assert!(
        stderr.contains("timeline[0].fault.controllerRestart: unknown component \"kube-proxy\""),
        "{stderr}"
    );
    // An unmodelled gate is a warning; the run reports the version and gates it simulated.
    let s = write(
        dir.path(),
        "ok.yaml",
        &with("kubernetesVersion: \"1.35\"\nfeatureGates: {SchedulerQueueingHints: false}\n"),
    );
    let (code, _, stderr) = kubesim(&["run", &s, "--out", "o"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "featureGates.SchedulerQueueingHints: feature gate not modelled by kubesim (ignored)"
        ),
        "{stderr}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("o/summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["kubernetes_version"], "1.35");
    assert_eq!(
        summary["feature_gates"],
        serde_json::json!({"JobPodReplacementPolicy": true})
    );
}
