//! The ReplicaSet controller (pkg/controller/replicaset/replica_set.go) and the replication
//! manager it doubles as (pkg/controller/replication/) in a cluster with a scheduler and
//! kubelets: replicas kept through pod deletion, release on relabel, adoption of orphans,
//! scaling up and down, and status convergence.

use std::path::Path;
use std::sync::Arc;

use kubesim::api::request::{DeleteOptions, Request};
use kubesim::api::types::{Body, Kind, Object, PodPhase};
use kubesim::engine::{SimDuration, SECOND};
use kubesim::scenario::{RunOptions, Scenario, Simulation};

mod common;
use common::object;

const SCENARIO: &str = "name: rs\nseed: 3\nuntil: 30m\ncluster:\n  nodeGroups:\n    - count: 3\n      capacity: {cpu: 4, memory: 8Gi, pods: 110}\n";

fn template(kind: Kind) -> String {
    let (api, kind_s, selector) = match kind {
        Kind::ReplicaSet => (
            "apps/v1",
            "ReplicaSet",
            "  selector:\n    matchLabels: {app: web}\n",
        ),
        _ => ("v1", "ReplicationController", "  selector: {app: web}\n"),
    };
    format!(
        "apiVersion: {api}\nkind: {kind_s}\nmetadata: {{name: web, namespace: default}}\nspec:\n  replicas: 3\n{selector}  template:\n    metadata:\n      labels: {{app: web, tier: front}}\n    spec:\n      containers:\n        - name: nginx\n          image: nginx:1.25\n          resources: {{requests: {{cpu: 100m, memory: 64Mi}}}}\n"
    )
}

struct Harness {
    sim: Simulation,
    kind: Kind,
}

impl Harness {
    fn new(kind: Kind) -> Harness {
        let scenario = Scenario::from_yaml(SCENARIO, "rs.yaml", Path::new(".")).unwrap();
        // Simulation::new runs the ReplicaSet and ReplicationController controllers.
        let sim = Simulation::new(scenario, &RunOptions::default());
        let mut h = Harness { sim, kind };
        h.request(Request::Create {
            object: object(&template(kind)),
        });
        h
    }

    fn request(&mut self, req: Request) -> Arc<Object> {
        let r = self
            .sim
            .cluster_mut()
            .admin_request("kubectl", req)
            .expect("request succeeds");
        r.object().cloned().expect("an object")
    }

    fn run(&mut self, d: SimDuration) {
        self.sim.cluster_mut().run_for(d).unwrap();
    }

    fn owner(&self) -> Arc<Object> {
        self.sim
            .cluster()
            .api()
            .get(self.kind, "default", "web")
            .cloned()
            .expect("the controller object exists")
    }

    fn pods(&self) -> Vec<Arc<Object>> {
        self.sim.cluster().api().list(Kind::Pod, Some("default"))
    }

    fn pod(&self, name: &str) -> Option<Arc<Object>> {
        self.sim
            .cluster()
            .api()
            .get(Kind::Pod, "default", name)
            .cloned()
    }

    /// Active pods whose controller is the owner.
    fn owned_active(&self) -> Vec<Arc<Object>> {
        let uid = self.owner().meta.uid;
        self.pods()
            .into_iter()
            .filter(|p| p.meta.controller_ref().is_some_and(|r| r.uid == uid))
            .filter(|p| {
                p.meta.deletion_timestamp.is_none()
                    && !matches!(
                        p.as_pod().unwrap().status.phase,
                        PodPhase::Succeeded | PodPhase::Failed
                    )
            })
            .collect()
    }

    /// (replicas, fullyLabeled, ready, available, observedGeneration, generation).
    fn status(&self) -> (i32, i32, i32, i32, i64, i64) {
        let o = self.owner();
        let s = match &o.body {
            Body::ReplicaSet(rs) => rs.status.clone(),
            Body::ReplicationController(rc) => rc.status.clone(),
            _ => unreachable!(),
        };
        (
            s.replicas,
            s.fully_labeled_replicas,
            s.ready_replicas,
            s.available_replicas,
            s.observed_generation,
            o.meta.generation,
        )
    }

    fn scale(&mut self, replicas: i32) {
        let mut o = (*self.owner()).clone();
        match &mut o.body {
            Body::ReplicaSet(rs) => rs.replicas = replicas,
            Body::ReplicationController(rc) => rc.replicas = replicas,
            _ => unreachable!(),
        }
        self.request(Request::Update { object: o });
    }

    fn component(&self) -> &'static str {
        match self.kind {
            Kind::ReplicaSet => "replicaset-controller",
            _ => "replication-controller",
        }
    }

    fn events(&self, reason: &str) -> Vec<String> {
        let component = self.component();
        self.sim
            .cluster()
            .trace()
            .rows()
            .iter()
            .filter(|r| r.component == component && r.event == reason)
            .map(|r| r.detail.clone())
            .collect()
    }

    fn assert_converged(&self, replicas: i32) {
        assert_eq!(self.owned_active().len(), replicas as usize);
        let (r, fully, ready, available, observed, generation) = self.status();
        assert_eq!(
            (r, fully, ready, available),
            (replicas, replicas, replicas, replicas)
        );
        assert_eq!(observed, generation);
    }
}

fn lifecycle(kind: Kind) {
    let mut h = Harness::new(kind);
    h.run(60 * SECOND);
    h.assert_converged(3);
    let created = h.events("SuccessfulCreate");
    assert_eq!(created.len(), 3, "{created:?}");
    assert!(created.iter().all(|d| d.starts_with("Created pod: web-")));
    for p in h.owned_active() {
        let r = p.meta.controller_ref().unwrap();
        assert!(r.block_owner_deletion);
        assert_eq!(r.kind, kind.as_str());
        assert_eq!(p.meta.labels.get("tier"), Some("front"));
    }

    // A deleted pod is replaced.
    let victim = h.owned_active()[0].meta.name.clone();
    h.request(Request::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: victim.clone(),
        options: DeleteOptions::default(),
    });
    h.run(60 * SECOND);
    h.assert_converged(3);
    assert!(h.owned_active().iter().all(|p| p.meta.name != victim));
    assert_eq!(h.events("SuccessfulCreate").len(), 4);

    // A pod relabelled out of the selector is released, and replaced.
    let relabelled = h.owned_active()[0].meta.name.clone();
    let mut p = (*h.pod(&relabelled).unwrap()).clone();
    p.meta.labels.insert("app", "debug");
    h.request(Request::Update { object: p });
    h.run(60 * SECOND);
    let released = h.pod(&relabelled).unwrap();
    assert!(released.meta.controller_ref().is_none(), "released");
    assert!(released.meta.deletion_timestamp.is_none());
    h.assert_converged(3);
    assert_eq!(h.events("SuccessfulCreate").len(), 5);

    // A hand-made matching pod is adopted; with the count already met, one pod goes (the
    // youngest, as ActivePodsWithRanks ranks it).
    let orphan = object(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: handmade, namespace: default, labels: {app: web}}\nspec:\n  containers:\n    - name: nginx\n      image: nginx:1.25\n",
    );
    h.request(Request::Create { object: orphan });
    h.run(60 * SECOND);
    let deleted = h.events("SuccessfulDelete");
    assert_eq!(deleted, vec!["Deleted pod: handmade".to_string()]);
    h.assert_converged(3);
    // Adoption: the pod carried the owner's reference when it was deleted.
    let adopted = h.sim.cluster().trace().rows().iter().any(|r| {
        r.event == "ApiUpdate"
            && r.name == "handmade"
            && r.detail.ends_with(&format!("client={}", h.component()))
    });
    assert!(adopted, "the orphan was adopted by an update");

    // Scale up and down.
    h.scale(10);
    h.run(90 * SECOND);
    h.assert_converged(10);
    h.scale(1);
    h.run(90 * SECOND);
    h.assert_converged(1);
    assert_eq!(h.events("SuccessfulDelete").len(), 1 + 9);
    assert!(h.events("FailedCreate").is_empty());
    assert!(h.events("FailedDelete").is_empty());
}

#[test]
fn replica_set_lifecycle() {
    lifecycle(Kind::ReplicaSet);
}

#[test]
fn replication_controller_lifecycle() {
    lifecycle(Kind::ReplicationController);
}

#[test]
fn runs_are_deterministic() {
    let run = || {
        let mut h = Harness::new(Kind::ReplicaSet);
        h.run(30 * SECOND);
        h.scale(7);
        h.run(30 * SECOND);
        h.scale(2);
        h.run(30 * SECOND);
        let mut names: Vec<String> = h
            .owned_active()
            .iter()
            .map(|p| p.meta.name.to_string())
            .collect();
        names.sort();
        (names, h.events("SuccessfulDelete"))
    };
    assert_eq!(run(), run());
}
