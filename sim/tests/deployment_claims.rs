//! The Deployment controller's getReplicaSetsForDeployment
//! (pkg/controller/deployment/deployment_controller.go) through ReplicaSetControllerRefManager
//! (pkg/controller/controller_ref_manager.go ClaimReplicaSets), in a whole simulation:
//! orphans that match are adopted and counted, owned ReplicaSets that stop matching are
//! released, and two Deployments with one selector keep to their own ReplicaSets.

use std::path::Path;
use std::sync::Arc;

use kubesim::api::request::Request;
use kubesim::api::types::{Body, Kind, Object};
use kubesim::engine::{SimDuration, SECOND};
use kubesim::scenario::{RunOptions, Scenario, Simulation};

mod common;
use common::object;

const SCENARIO: &str = "name: claims\nseed: 5\nuntil: 30m\ncluster:\n  nodeGroups:\n    - count: 2\n      capacity: {cpu: 8, memory: 16Gi, pods: 110}\n";

fn deployment(name: &str, paused: bool) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: default}}\n\
         spec: {{replicas: 2, paused: {paused}, selector: {{matchLabels: {{app: web}}}}, template: {{metadata: {{labels: {{app: web}}}}, spec: {{containers: [{{name: c, image: nginx}}]}}}}}}"
    )
}

struct Harness {
    sim: Simulation,
}

impl Harness {
    fn new() -> Harness {
        let scenario = Scenario::from_yaml(SCENARIO, "claims.yaml", Path::new(".")).unwrap();
        Harness {
            sim: Simulation::new(scenario, &RunOptions::default()),
        }
    }

    fn request(&mut self, req: Request) -> Arc<Object> {
        let r = self
            .sim
            .cluster_mut()
            .admin_request("kubectl", req)
            .expect("request succeeds");
        r.object().cloned().expect("an object")
    }

    fn create(&mut self, yaml: &str) -> Arc<Object> {
        self.request(Request::Create {
            object: object(yaml),
        })
    }

    fn run(&mut self, d: SimDuration) {
        self.sim.cluster_mut().run_for(d).unwrap();
    }

    fn get(&self, kind: Kind, name: &str) -> Arc<Object> {
        self.sim
            .cluster()
            .api()
            .get(kind, "default", name)
            .cloned()
            .unwrap_or_else(|| panic!("{kind} {name} exists"))
    }

    fn replica_sets(&self) -> Vec<Arc<Object>> {
        self.sim
            .cluster()
            .api()
            .list(Kind::ReplicaSet, Some("default"))
    }
}

fn status_replicas(d: &Object) -> i32 {
    match &d.body {
        Body::Deployment(d) => d.status.replicas,
        _ => unreachable!(),
    }
}

/// TestGetReplicaSetsForDeploymentAdoptRelease (deployment_controller_test.go), adoption half,
/// and TestClaimReplicaSet's "Claim ReplicaSets with correct label" (controller_ref_manager_test.go):
/// an orphan whose labels match is adopted with a controller reference, and its pods count.
#[test]
fn an_orphan_replica_set_that_matches_is_adopted_and_counted() {
    let mut h = Harness::new();
    let orphan = h.create(
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: orphan, namespace: default, labels: {app: web}}\n\
         spec: {replicas: 2, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: nginx}]}}}",
    );
    h.run(20 * SECOND);
    // Paused: the Deployment only scales and reports; it creates no ReplicaSet of its own.
    let d = h.create(&deployment("web", true));
    h.run(20 * SECOND);

    let rs = h.get(Kind::ReplicaSet, "orphan");
    assert_eq!(rs.meta.uid, orphan.meta.uid);
    let r = rs.meta.controller_ref().expect("adopted");
    assert_eq!((r.kind.as_str(), r.uid), ("Deployment", d.meta.uid));
    assert_eq!(r.name.as_str(), "web");
    assert!(r.controller && r.block_owner_deletion);
    assert_eq!(h.replica_sets().len(), 1, "no ReplicaSet of its own");
    assert_eq!(
        status_replicas(&h.get(Kind::Deployment, "web")),
        2,
        "the adopted ReplicaSet's pods are the Deployment's"
    );
}

/// An orphan that does not match, or one being deleted, is left alone (TestClaimReplicaSet's
/// "Claim ReplicaSets with incorrect label").
#[test]
fn an_orphan_that_does_not_match_is_left_alone() {
    let mut h = Harness::new();
    h.create(
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: other, namespace: default, labels: {app: other}}\n\
         spec: {replicas: 1, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: nginx}]}}}",
    );
    h.run(10 * SECOND);
    h.create(&deployment("web", true));
    h.run(20 * SECOND);
    assert!(h
        .get(Kind::ReplicaSet, "other")
        .meta
        .controller_ref()
        .is_none());
}

/// TestGetReplicaSetsForDeploymentAdoptRelease, release half (and TestClaimReplicaSet's
/// "Release ReplicaSets with incorrect label"): an owned ReplicaSet relabelled out of the
/// selector loses its controller reference, and the Deployment makes another.
#[test]
fn an_owned_replica_set_relabelled_out_of_the_selector_is_released() {
    let mut h = Harness::new();
    let d = h.create(&deployment("web", false));
    h.run(30 * SECOND);
    let rss = h.replica_sets();
    assert_eq!(rss.len(), 1);
    let rs = rss[0].clone();
    assert_eq!(rs.meta.controller_ref().map(|r| r.uid), Some(d.meta.uid));
    let mut relabelled = (*rs).clone();
    relabelled.meta.labels.insert("app", "elsewhere");
    h.request(Request::Update { object: relabelled });
    h.run(30 * SECOND);

    let released = h.get(Kind::ReplicaSet, &rs.meta.name);
    assert!(
        released.meta.owner_references.is_empty(),
        "released: {:?}",
        released.meta.owner_references
    );
    let owned: Vec<_> = h
        .replica_sets()
        .into_iter()
        .filter(|r| r.meta.controller_ref().is_some_and(|c| c.uid == d.meta.uid))
        .collect();
    assert_eq!(owned.len(), 1, "a new ReplicaSet replaces the released one");
    assert_ne!(owned[0].meta.uid, rs.meta.uid);
}

/// TestGetReplicaSetsForDeployment: two Deployments with the same labels each keep their own
/// ReplicaSet; ControllerRefs decide, not selectors.
#[test]
fn two_deployments_with_one_selector_keep_their_own_replica_sets() {
    let mut h = Harness::new();
    let foo = h.create(&deployment("foo", false));
    let bar = h.create(&deployment("bar", false));
    h.run(40 * SECOND);
    let rss = h.replica_sets();
    assert_eq!(rss.len(), 2);
    for (d, prefix) in [(&foo, "foo-"), (&bar, "bar-")] {
        let mine: Vec<_> = rss
            .iter()
            .filter(|r| r.meta.controller_ref().is_some_and(|c| c.uid == d.meta.uid))
            .collect();
        assert_eq!(mine.len(), 1);
        assert!(mine[0].meta.name.starts_with(prefix));
    }
}
