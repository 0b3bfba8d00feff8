//! Integration tests of the Job controller (pkg/controller/job/job_controller.go) in a cluster
//! with a scheduler and kubelets: completions and parallelism, back-off to
//! BackoffLimitExceeded, OnFailure restarts in place.

use std::collections::BTreeSet;
use std::sync::Arc;

use kubesim::api::request::Request;
use kubesim::api::types::{find_condition, Body, ConditionStatus, Kind, Object, PodPhase};
use kubesim::cluster::Cluster;
use kubesim::controllers::garbage_collector::GarbageCollector;
use kubesim::controllers::job::{JobController, JOB_TRACKING_FINALIZER};
use kubesim::engine::{MINUTE, SECOND};
use kubesim::features::FeatureGates;
use kubesim::model::Model;
use kubesim::network::CONTROL_PLANE;
use kubesim::node::{Kubelet, NodeSetup};
use kubesim::scenario::{RunOptions, Simulation};
use kubesim::scheduler::config::{KubeSchedulerConfiguration, Registry};
use kubesim::scheduler::{Scheduler, SchedulerSetup};

mod common;
use common::object;

/// A cluster with two nodes, their kubelets, the scheduler, the Job controller and the GC.
pub fn cluster(seed: u64) -> Cluster {
    cluster_with(seed, FeatureGates::default())
}

/// The same, with the run's Kubernetes version and feature gates.
pub fn cluster_with(seed: u64, features: FeatureGates) -> Cluster {
    let mut model = Model::builtin();
    model.controller_manager.features = features;
    let mut cluster = Cluster::new(model.clone(), seed, 30 * MINUTE, 20_000_000);
    for i in 0..2 {
        let name = format!("node-{i}");
        let host = cluster.add_host(&name);
        let node = object(&format!(
            "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{kubernetes.io/hostname: {name}}}}}\n\
             spec: {{podCIDR: 10.244.{i}.0/24}}\n\
             status: {{allocatable: {{cpu: '4', memory: 8Gi, pods: '110'}}, capacity: {{cpu: '4', memory: 8Gi, pods: '110'}}}}"
        ));
        cluster
            .admin_request("cluster-bootstrap", Request::Create { object: node })
            .unwrap();
        let setup = Arc::new(NodeSetup {
            node: name.clone().into(),
            kubelet: model.kubelet.clone(),
            runtime: model.runtime.clone(),
            rules: Vec::new(),
            preloaded_images: Vec::new(),
        });
        cluster.add_component(
            &format!("kubelet/{name}"),
            host,
            Box::new(Kubelet::new(setup)),
            None,
        );
    }
    let config: KubeSchedulerConfiguration = serde_yaml::from_str("{}").unwrap();
    let (setup, _) =
        SchedulerSetup::new(config, Registry::default(), model.scheduler.clone(), false).unwrap();
    cluster.add_component(
        "kube-scheduler",
        CONTROL_PLANE,
        Box::new(Scheduler::new(Arc::new(setup))),
        None,
    );
    cluster.add_component(
        "job-controller",
        CONTROL_PLANE,
        Box::new(JobController::new(model.controller_manager.clone())),
        None,
    );
    cluster.add_component(
        "garbage-collector",
        CONTROL_PLANE,
        Box::new(GarbageCollector::new(model.controller_manager.clone())),
        None,
    );
    cluster
}

fn job_yaml(name: &str, spec: &str, restart: &str, behavior: &str) -> String {
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: {name}, namespace: default}}\n\
         spec:\n{spec}  template:\n    metadata:\n      annotations: {{kubesim.io/behavior: \"{behavior}\"}}\n\
         \x20   spec:\n      restartPolicy: {restart}\n      containers: [{{name: c, image: busybox}}]\n"
    )
}

fn job_of(c: &Cluster, name: &str) -> Option<kubesim::api::types::Job> {
    c.api()
        .get(Kind::Job, "default", name)
        .and_then(|o| match &o.body {
            Body::Job(j) => Some(j.clone()),
            _ => None,
        })
}

fn condition(c: &Cluster, name: &str, type_: &str) -> Option<(String, String)> {
    let j = job_of(c, name)?;
    find_condition(&j.status.conditions, type_)
        .filter(|c| c.status == ConditionStatus::True)
        .map(|c| (c.reason().to_string(), c.message().to_string()))
}

fn pods_of(c: &Cluster, job: &str) -> Vec<Arc<Object>> {
    c.api()
        .list(Kind::Pod, Some("default"))
        .into_iter()
        .filter(|p| {
            p.meta
                .controller_ref()
                .is_some_and(|r| r.kind == "Job" && r.name == job)
        })
        .collect()
}

fn active(p: &Object) -> bool {
    let phase = p.as_pod().unwrap().status.phase;
    p.meta.deletion_timestamp.is_none() && !matches!(phase, PodPhase::Succeeded | PodPhase::Failed)
}

fn rows(c: &Cluster, event: &str) -> Vec<(u64, String, String)> {
    c.trace()
        .rows()
        .iter()
        .filter(|r| r.component == "job-controller" && r.event == event)
        .map(|r| (r.time_ns, r.name.to_string(), r.detail.clone()))
        .collect()
}

#[test]
fn completions_5_parallelism_2_never_more_than_2_active() {
    let mut c = cluster(1);
    let yaml = job_yaml(
        "work",
        "  completions: 5\n  parallelism: 2\n",
        "Never",
        "{c: {runFor: 2s}}",
    );
    c.admin_request(
        "kubectl",
        Request::Create {
            object: object(&yaml),
        },
    )
    .unwrap();
    let mut max_active = 0;
    let mut names = BTreeSet::new();
    c.run_until_condition(|c| {
        let pods = pods_of(c, "work");
        max_active = max_active.max(pods.iter().filter(|p| active(p)).count());
        names.extend(pods.iter().map(|p| p.meta.name.to_string()));
        condition(c, "work", "Complete").is_some()
    })
    .unwrap();
    let j = job_of(&c, "work").unwrap();
    assert_eq!(
        condition(&c, "work", "Complete"),
        Some((
            "CompletionsReached".into(),
            "Reached expected number of succeeded pods".into()
        ))
    );
    assert!(condition(&c, "work", "SuccessCriteriaMet").is_some());
    assert_eq!(j.status.succeeded, 5);
    assert_eq!(j.status.failed, 0);
    assert_eq!(j.status.active, 0);
    assert!(j.status.start_time.is_some() && j.status.completion_time >= j.status.start_time);
    assert!(max_active <= 2, "max active {max_active}");
    assert_eq!(max_active, 2);
    assert_eq!(names.len(), 5);
    assert_eq!(rows(&c, "SuccessfulCreate").len(), 5);
    assert!(rows(&c, "SuccessfulCreate")[0]
        .2
        .starts_with("Created pod: work-"));
    assert_eq!(rows(&c, "Completed").len(), 1);
    assert_eq!(rows(&c, "Completed")[0].2, "Job completed");
    // Every pod was counted and released.
    c.run_for(5 * SECOND).unwrap();
    for p in pods_of(&c, "work") {
        assert!(!p
            .meta
            .finalizers
            .iter()
            .any(|f| f == JOB_TRACKING_FINALIZER));
        assert_eq!(p.as_pod().unwrap().status.phase, PodPhase::Succeeded);
    }
}

#[test]
fn failing_job_backs_off_to_backoff_limit_exceeded() {
    let mut c = cluster(2);
    let yaml = job_yaml(
        "fail",
        "  backoffLimit: 2\n",
        "Never",
        "{c: {runFor: 1s, exitCode: 1}}",
    );
    c.admin_request(
        "kubectl",
        Request::Create {
            object: object(&yaml),
        },
    )
    .unwrap();
    c.run_until_condition(|c| condition(c, "fail", "Failed").is_some())
        .unwrap();
    let msg = "Job has reached the specified backoff limit";
    assert_eq!(
        condition(&c, "fail", "Failed"),
        Some(("BackoffLimitExceeded".into(), msg.into()))
    );
    assert!(condition(&c, "fail", "FailureTarget").is_some());
    let j = job_of(&c, "fail").unwrap();
    assert_eq!(j.status.failed, 3);
    assert_eq!(j.status.succeeded, 0);
    assert!(j.status.completion_time.is_none());
    let ev = rows(&c, "BackoffLimitExceeded");
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].2, msg);
    // Pods are re-created after 10 s, then 20 s, after the previous failure.
    let mut pods = pods_of(&c, "fail");
    pods.sort_by_key(|p| p.meta.creation_timestamp);
    assert_eq!(pods.len(), 3);
    let created: Vec<u64> = pods.iter().map(|p| p.meta.creation_timestamp).collect();
    assert!(created[1] - created[0] >= 11 * SECOND, "{created:?}");
    assert!(created[2] - created[1] >= 21 * SECOND, "{created:?}");
    assert!(created[2] - created[1] < 40 * SECOND, "{created:?}");
}

#[test]
fn on_failure_restarts_in_place_until_backoff_limit() {
    let mut c = cluster(3);
    let yaml = job_yaml(
        "retry",
        "  backoffLimit: 2\n",
        "OnFailure",
        "{c: {runFor: 1s, exitCode: 1}}",
    );
    c.admin_request(
        "kubectl",
        Request::Create {
            object: object(&yaml),
        },
    )
    .unwrap();
    let mut max_restarts = 0;
    c.run_until_condition(|c| {
        for p in pods_of(c, "retry") {
            for cs in &p.as_pod().unwrap().status.container_statuses {
                max_restarts = max_restarts.max(cs.restart_count);
            }
        }
        condition(c, "retry", "Failed").is_some()
    })
    .unwrap();
    assert_eq!(
        condition(&c, "retry", "Failed").map(|c| c.0),
        Some("BackoffLimitExceeded".to_string())
    );
    assert!(max_restarts >= 2, "restarts {max_restarts}");
    // One pod, restarted in place by the kubelet, then deleted by the controller.
    assert_eq!(rows(&c, "SuccessfulCreate").len(), 1);
    assert_eq!(rows(&c, "SuccessfulDelete").len(), 1);
    c.run_for(MINUTE).unwrap();
    assert!(pods_of(&c, "retry").is_empty());
}

#[test]
fn active_deadline_fails_the_job() {
    let mut c = cluster(4);
    let yaml = job_yaml(
        "slow",
        "  activeDeadlineSeconds: 5\n",
        "Never",
        "{c: {runFor: forever}}",
    );
    c.admin_request(
        "kubectl",
        Request::Create {
            object: object(&yaml),
        },
    )
    .unwrap();
    c.run_until_condition(|c| condition(c, "slow", "Failed").is_some())
        .unwrap();
    assert_eq!(
        condition(&c, "slow", "Failed"),
        Some((
            "DeadlineExceeded".into(),
            "Job was active longer than specified deadline".into()
        ))
    );
    let j = job_of(&c, "slow").unwrap();
    assert!(c.now() >= j.status.start_time.unwrap() + 5 * SECOND);
    assert_eq!(j.status.active, 0);
    assert_eq!(rows(&c, "DeadlineExceeded").len(), 1);
    assert!(pods_of(&c, "slow").is_empty());
}

#[test]
fn deleting_a_job_garbage_collects_its_pods() {
    let mut c = cluster(5);
    let yaml = job_yaml(
        "long",
        "  parallelism: 2\n  completions: 4\n",
        "Never",
        "{c: {runFor: forever}}",
    );
    c.admin_request(
        "kubectl",
        Request::Create {
            object: object(&yaml),
        },
    )
    .unwrap();
    c.run_until_condition(|c| pods_of(c, "long").iter().filter(|p| active(p)).count() == 2)
        .unwrap();
    c.run_for(5 * SECOND).unwrap();
    c.admin_request(
        "kubectl",
        Request::Delete {
            kind: Kind::Job,
            namespace: "default".into(),
            name: "long".into(),
            options: Default::default(),
        },
    )
    .unwrap();
    c.run_for(2 * MINUTE).unwrap();
    assert!(job_of(&c, "long").is_none());
    assert!(pods_of(&c, "long").is_empty(), "{:?}", pods_of(&c, "long"));
}

fn create(c: &mut Cluster, yaml: &str) {
    c.admin_request(
        "kubectl",
        Request::Create {
            object: object(yaml),
        },
    )
    .unwrap();
}

fn skips(c: &Cluster) -> usize {
    rows(c, "StaleSyncSkipped").len()
}

// KEP-5647 StaleControllerConsistencyJob (beta, on in 1.36): a sync that follows the
// controller's own writes before its informers have delivered them is skipped and requeued
// rate-limited; the Job still reaches the same end, with the same pods. With the gate off
// (`featureGates` in the scenario), no sync is ever skipped. Runs scenarios/classic/
// job-backoff.yaml, whose model's watch latency lets a sync follow a write's response before
// the write's watch event.
#[test]
fn stale_controller_consistency_skips_syncs_until_the_cache_has_its_writes() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios/classic/job-backoff.yaml");
    let run = |path: &std::path::Path| {
        let mut sim = Simulation::from_file(path, &RunOptions::default()).unwrap();
        sim.run(|_| {}).unwrap();
        assert!(sim.check_expectations().iter().all(|r| r.passed));
        let c = sim.cluster();
        (
            rows(c, "StaleSyncSkipped"),
            rows(c, "SuccessfulCreate").len(),
            condition(c, "doomed", "Failed").map(|c| c.0),
        )
    };
    let (skipped, created, failed) = run(&path);
    assert!(!skipped.is_empty(), "the gate skipped no sync");
    assert!(
        skipped[0].2.starts_with("cache for default/doomed (")
            && skipped[0].2.contains("is stale: expected RV >= "),
        "{}",
        skipped[0].2
    );
    assert_eq!(created, 4);
    assert_eq!(failed.as_deref(), Some("BackoffLimitExceeded"));

    let dir = tempfile::tempdir().unwrap();
    let off = dir.path().join("job-backoff-gate-off.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &off,
        format!("{yaml}featureGates: {{StaleControllerConsistencyJob: false}}\n"),
    )
    .unwrap();
    let (skipped, created, failed) = run(&off);
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(created, 4);
    assert_eq!(failed.as_deref(), Some("BackoffLimitExceeded"));
}

// JobPodReplacementPolicy (beta, on from 1.29): without it (1.28 defaults) the controller
// publishes no status.terminating, ignores podReplacementPolicy, and — before 1.31's
// delayTerminalCondition — sets Failed at once without the interim FailureTarget condition.
#[test]
fn job_pod_replacement_policy_gate_off_in_1_28() {
    let yaml = job_yaml(
        "old",
        "  backoffLimit: 0\n  podReplacementPolicy: Failed\n",
        "Never",
        "{c: {runFor: 1s, exitCode: 1}}",
    );
    let mut c = cluster_with(7, FeatureGates::for_version(28));
    create(&mut c, &yaml);
    let mut terminating_seen = false;
    c.run_until_condition(|c| {
        if let Some(j) = job_of(c, "old") {
            terminating_seen |= j.status.terminating.is_some();
        }
        condition(c, "old", "Failed").is_some()
    })
    .unwrap();
    assert!(
        !terminating_seen,
        "status.terminating published without the gate"
    );
    assert!(condition(&c, "old", "FailureTarget").is_none());
    assert_eq!(
        condition(&c, "old", "Failed").map(|c| c.0),
        Some("BackoffLimitExceeded".to_string())
    );
    assert_eq!(
        skips(&c),
        0,
        "StaleControllerConsistencyJob does not exist in 1.28"
    );

    // 1.36: status.terminating is published and FailureTarget precedes Failed.
    let mut c = cluster(7);
    create(&mut c, &yaml);
    c.run_until_condition(|c| condition(c, "old", "Failed").is_some())
        .unwrap();
    let j = job_of(&c, "old").unwrap();
    assert_eq!(j.status.terminating, Some(0));
    assert!(condition(&c, "old", "FailureTarget").is_some());
}
