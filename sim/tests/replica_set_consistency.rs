//! StaleControllerConsistencyReplicaSet (KEP-5647; pkg/controller/replicaset/replica_set.go
//! with pkg/controller/util/consistency/consistency.go): with watch events two seconds late,
//! the ReplicaSet controller without the gate syncs on a cache that lacks its own status
//! write and conflicts; with the gate it waits for its informers and never does, and the
//! ReplicaSet still converges. ReplicationControllers are not covered.

use kubesim::api::request::Request;
use kubesim::api::types::{Body, Kind};
use kubesim::cluster::Cluster;
use kubesim::controllers::replica_set::ReplicaSetController;
use kubesim::engine::{MINUTE, SECOND};
use kubesim::features::FeatureGates;
use kubesim::model::{Distribution, Model};
use kubesim::network::CONTROL_PLANE;

mod common;
use common::object;

fn manifest(kind: Kind, replicas: i32) -> String {
    match kind {
        Kind::ReplicaSet => format!(
            "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {{name: web, namespace: default}}\n\
             spec: {{replicas: {replicas}, selector: {{matchLabels: {{app: web}}}}, template: {{metadata: {{labels: {{app: web}}}}, spec: {{containers: [{{name: c, image: nginx}}]}}}}}}"
        ),
        _ => format!(
            "apiVersion: v1\nkind: ReplicationController\nmetadata: {{name: web, namespace: default}}\n\
             spec: {{replicas: {replicas}, selector: {{app: web}}, template: {{metadata: {{labels: {{app: web}}}}, spec: {{containers: [{{name: c, image: nginx}}]}}}}}}"
        ),
    }
}

struct Outcome {
    /// 409s the API server answered (only the controller writes after the first create).
    conflicts: u64,
    stale_sync_skips: u64,
    /// Pods owned by the controller, and its status: (replicas, observedGeneration, generation).
    pods: usize,
    status: (i32, i64, i64),
}

/// Runs one controller of `kind` with slow watches: create with 3 replicas, then scale to 5.
fn run(kind: Kind, minor: u32) -> Outcome {
    let mut model = Model::builtin();
    // Every watch event leaves the API server 2 s after its commit; replies stay fast.
    model.apiserver.watch_dispatch = Distribution::Constant(2 * SECOND);
    model.controller_manager.features = FeatureGates::for_version(minor);
    let mut c = Cluster::new(model.clone(), 7, 10 * MINUTE, 5_000_000);
    let id = c.add_component(
        "rsc",
        CONTROL_PLANE,
        Box::new(ReplicaSetController::new(
            kind,
            model.controller_manager.clone(),
        )),
        None,
    );
    c.admin_request(
        "kubectl",
        Request::Create {
            object: object(&manifest(kind, 3)),
        },
    )
    .unwrap();
    c.run_for(MINUTE).unwrap();
    let current = c.api().get(kind, "default", "web").cloned().unwrap();
    let mut scaled = (*current).clone();
    match &mut scaled.body {
        Body::ReplicaSet(rs) => rs.replicas = 5,
        Body::ReplicationController(rc) => rc.replicas = 5,
        _ => unreachable!(),
    }
    c.admin_request("kubectl", Request::Update { object: scaled })
        .unwrap();
    c.run_for(2 * MINUTE).unwrap();

    let owner = c.api().get(kind, "default", "web").cloned().unwrap();
    let status = match &owner.body {
        Body::ReplicaSet(rs) => rs.status.clone(),
        Body::ReplicationController(rc) => rc.status.clone(),
        _ => unreachable!(),
    };
    let pods = c
        .api()
        .list(Kind::Pod, Some("default"))
        .iter()
        .filter(|p| {
            p.meta
                .controller_ref()
                .is_some_and(|r| r.uid == owner.meta.uid)
        })
        .count();
    let rsc = c.component::<ReplicaSetController>(id).unwrap();
    Outcome {
        conflicts: c.api().stats().errors.get(&409).copied().unwrap_or(0),
        stale_sync_skips: rsc.stale_sync_skips(),
        pods,
        status: (
            status.replicas,
            status.observed_generation,
            owner.meta.generation,
        ),
    }
}

#[test]
fn without_the_gate_a_stale_cache_makes_status_updates_conflict() {
    let off = run(Kind::ReplicaSet, 35);
    assert_eq!(off.stale_sync_skips, 0);
    assert!(
        off.conflicts > 0,
        "a sync on a cache without the controller's own status write conflicts"
    );
    // The retry (statusUpdateRetries) still gets it there.
    assert_eq!(off.pods, 5);
    assert_eq!(off.status, (5, 2, 2));
}

#[test]
fn with_the_gate_the_controller_waits_for_its_own_writes_and_converges() {
    let on = run(Kind::ReplicaSet, 36);
    assert!(on.stale_sync_skips > 0, "syncs were held back");
    assert_eq!(
        on.conflicts, 0,
        "no sync ran on a cache older than its writes"
    );
    assert_eq!(on.pods, 5);
    assert_eq!(on.status, (5, 2, 2));
}

#[test]
fn replication_controllers_are_not_covered_by_the_gate() {
    let rc = run(Kind::ReplicationController, 36);
    assert_eq!(rc.stale_sync_skips, 0);
    assert!(rc.conflicts > 0);
    assert_eq!(rc.pods, 5);
}
