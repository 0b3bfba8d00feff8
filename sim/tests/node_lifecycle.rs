//! The node lifecycle controller in a cluster, against fake kubelets that renew their Lease
//! every 10 s and then stop: Unknown after the grace period (not before), the unreachable
//! taints, MarkPodsNotReady, taint-based eviction after tolerationSeconds, and recovery.
//! Cases after upstream's node_lifecycle_controller_test.go (TestMonitorNodeHealth,
//! TestApplyNoExecuteTaints, TestSwapUnreachableNotReadyTaints) and taint_eviction_test.go
//! (TestCreatePod, TestUpdateNode, TestUpdateNodeWithMultipleTaints).

use kubesim::api::request::Request;
use kubesim::api::server::TAINT_NODE_UNREACHABLE;
use kubesim::api::types::*;
use kubesim::client::{Component, Ctx, Message};
use kubesim::cluster::Cluster;
use kubesim::controllers::NodeLifecycleController;
use kubesim::engine::{SimTime, MILLISECOND, SECOND};
use kubesim::model::{Distribution, Model};
use kubesim::network::CONTROL_PLANE;

const S: SimTime = SECOND;

/// A kubelet reduced to its heartbeats: creates its Lease, renews it every 10 s until
/// `stop_at`, and from `resume_at` renews it again and posts Ready=True.
struct FakeKubelet {
    node: Name,
    stop_at: SimTime,
    resume_at: Option<SimTime>,
}

impl FakeKubelet {
    fn lease(&self, now: SimTime) -> Object {
        Object {
            meta: ObjectMeta {
                name: self.node.clone(),
                namespace: "kube-node-lease".into(),
                ..Default::default()
            },
            body: Body::Lease(Lease {
                holder_identity: self.node.clone(),
                lease_duration_seconds: Some(40),
                renew_time: Some(now),
                ..Default::default()
            }),
        }
    }
}

impl Component for FakeKubelet {
    fn start(&mut self, ctx: &mut Ctx) {
        let lease = self.lease(ctx.now());
        ctx.send(Request::Create { object: lease });
        ctx.set_timer(10 * S, 0);
    }
    fn handle(&mut self, ctx: &mut Ctx, msg: Message) {
        let Message::Timer { .. } = msg else { return };
        let now = ctx.now();
        let resumed = self.resume_at.is_some_and(|r| now >= r);
        if now < self.stop_at || resumed {
            ctx.send(Request::Update {
                object: self.lease(now),
            });
        }
        if resumed && self.resume_at.is_some_and(|r| now < r + 10 * S) {
            // Back: the kubelet posts its status (tryUpdateNodeStatus).
            ctx.send(Request::UpdateStatus {
                object: node_object(&self.node, now, true),
            });
        }
        ctx.set_timer(10 * S, 0);
    }
}

fn node_object(name: &str, now: SimTime, ready: bool) -> Object {
    let mut status = NodeStatus::default();
    if ready {
        for (t, s) in [
            ("MemoryPressure", ConditionStatus::False),
            ("DiskPressure", ConditionStatus::False),
            ("PIDPressure", ConditionStatus::False),
            ("Ready", ConditionStatus::True),
        ] {
            status
                .conditions
                .push(Condition::new(t, s).with_times(Some(now), Some(now)));
        }
    }
    Object {
        meta: ObjectMeta {
            name: name.into(),
            ..Default::default()
        },
        body: Body::Node(Node {
            status,
            ..Default::default()
        }),
    }
}

fn model(grace_yaml: Option<&str>) -> Model {
    let mut m = match grace_yaml {
        Some(y) => Model::from_yaml(y, "test.yaml").unwrap(),
        None => Model::default(),
    };
    m.network.control_plane_latency = Distribution::Constant(MILLISECOND);
    m.etcd.read_latency = Distribution::Constant(MILLISECOND);
    m.etcd.write_latency = Distribution::Constant(2 * MILLISECOND);
    m.apiserver.request_processing = Distribution::Constant(0);
    m.apiserver.watch_dispatch = Distribution::Constant(0);
    m
}

fn toleration(key: &str, seconds: Option<i64>) -> Toleration {
    Toleration {
        key: key.into(),
        operator: TolerationOperator::Exists,
        value: Name::default(),
        effect: Some(TaintEffect::NoExecute),
        toleration_seconds: seconds,
    }
}

fn create_pod(c: &mut Cluster, name: &str, node: &str, tolerations: Vec<Toleration>) {
    let pod = Object {
        meta: ObjectMeta {
            name: name.into(),
            namespace: "default".into(),
            ..Default::default()
        },
        body: Body::Pod(Pod {
            spec: PodSpec {
                containers: vec![Container::new("app", "nginx")],
                node_name: node.into(),
                termination_grace_period_seconds: 30,
                tolerations,
                ..Default::default()
            },
            ..Default::default()
        }),
    };
    c.admin_request("test", Request::Create { object: pod })
        .unwrap();
    // Running and Ready, as its kubelet would have reported.
    let mut running = (**c.api().get(Kind::Pod, "default", name).unwrap()).clone();
    if let Body::Pod(p) = &mut running.body {
        p.status.phase = PodPhase::Running;
        p.status.conditions =
            vec![Condition::new("Ready", ConditionStatus::True).with_times(Some(0), None)];
    }
    c.admin_request("test", Request::UpdateStatus { object: running })
        .unwrap();
}

/// node-1 (kubelet stops after its renewal at 30 s, resumes at `resume_at`), node-2 (healthy),
/// node-3 (never posts a status), the controller and some pods on node-1.
fn cluster(model: Model, resume_at: Option<SimTime>) -> Cluster {
    let mut c = Cluster::new(model.clone(), 7, 3600 * S, 10_000_000);
    for (name, ready) in [("node-1", true), ("node-2", true), ("node-3", false)] {
        c.admin_request(
            "test",
            Request::Create {
                object: node_object(name, 0, ready),
            },
        )
        .unwrap();
    }
    // Default tolerations (300 s) from admission.
    create_pod(&mut c, "tolerant", "node-1", vec![]);
    create_pod(
        &mut c,
        "zero",
        "node-1",
        vec![toleration(TAINT_NODE_UNREACHABLE, Some(0))],
    );
    create_pod(
        &mut c,
        "forever",
        "node-1",
        vec![toleration(TAINT_NODE_UNREACHABLE, None)],
    );
    for (node, stop_at, resume) in [("node-1", 35 * S, resume_at), ("node-2", u64::MAX, None)] {
        let host = c.add_host(node);
        c.add_component(
            &format!("kubelet/{node}"),
            host,
            Box::new(FakeKubelet {
                node: node.into(),
                stop_at,
                resume_at: resume,
            }),
            None,
        );
    }
    c.add_component(
        "node-lifecycle-controller",
        CONTROL_PLANE,
        Box::new(NodeLifecycleController::new(model.node_lifecycle.clone())),
        None,
    );
    c
}

fn ready_condition(c: &Cluster, node: &str) -> Condition {
    let n = c.api().get(Kind::Node, "", node).unwrap();
    find_condition(&n.as_node().unwrap().status.conditions, "Ready")
        .unwrap()
        .clone()
}

fn taints(c: &Cluster, node: &str) -> Vec<Taint> {
    c.api()
        .get(Kind::Node, "", node)
        .unwrap()
        .as_node()
        .unwrap()
        .spec
        .taints
        .clone()
}

/// When the pod was deleted: its deletionTimestamp less its 30 s grace period.
fn deletion_timestamp(c: &Cluster, pod: &str) -> Option<SimTime> {
    c.api()
        .get(Kind::Pod, "default", pod)
        .and_then(|p| p.meta.deletion_timestamp)
        .map(|t| t - 30 * S)
}

/// The time of the first trace row with this event whose detail contains `needle`.
fn first_row(c: &Cluster, event: &str, needle: &str) -> Option<SimTime> {
    c.trace()
        .rows()
        .iter()
        .find(|r| r.event == event && r.detail.contains(needle))
        .map(|r| r.time_ns)
}

/// Runs until node-1's Ready condition is Unknown; returns when.
fn run_until_unknown(c: &mut Cluster) -> SimTime {
    c.run_until_condition(|c| ready_condition(c, "node-1").status == ConditionStatus::Unknown)
        .unwrap();
    c.now()
}

#[test]
fn a_silent_node_turns_unknown_after_the_grace_period_and_its_pods_are_evicted() {
    let mut c = cluster(model(None), None);
    // The last renewal (30 s) is seen at the 35 s pass: probeTimestamp = 35 s, and the node is
    // Unknown at the first pass after 35 + 50 s (TestMonitorNodeHealth's grace-period cases).
    c.run_for(85 * S + 500 * MILLISECOND).unwrap();
    assert_eq!(ready_condition(&c, "node-1").status, ConditionStatus::True);
    assert_eq!(ready_condition(&c, "node-2").status, ConditionStatus::True);
    let t = run_until_unknown(&mut c);
    assert!((90 * S..91 * S).contains(&t), "Unknown at {t}");
    let ready = ready_condition(&c, "node-1");
    assert_eq!(ready.reason(), "NodeStatusUnknown");
    assert_eq!(ready.message(), "Kubelet stopped posting node status.");
    let n = c.api().get(Kind::Node, "", "node-1").unwrap();
    for t in ["MemoryPressure", "DiskPressure", "PIDPressure"] {
        let cond = find_condition(&n.as_node().unwrap().status.conditions, t).unwrap();
        assert_eq!(cond.status, ConditionStatus::Unknown, "{t}");
    }

    // The node that never posted: Unknown after the startup grace period (60 s from creation).
    let n3 = ready_condition(&c, "node-3");
    assert_eq!(n3.status, ConditionStatus::Unknown);
    assert_eq!(n3.reason(), "NodeStatusNeverUpdated");
    assert_eq!(n3.message(), "Kubelet never posted node status.");
    assert!((60 * S..66 * S).contains(&n3.last_transition_time.unwrap()));

    c.run_for(10 * S).unwrap();
    // NodeNotReady for the node, MarkPodsNotReady for its pods.
    let not_ready = first_row(
        &c,
        "NodeNotReady",
        "Node node-1 status is now: NodeNotReady",
    );
    assert!(not_ready.is_some_and(|t| (90 * S..91 * S).contains(&t)));
    let tolerant = c.api().get(Kind::Pod, "default", "forever").unwrap();
    let pod_ready = find_condition(&tolerant.as_pod().unwrap().status.conditions, "Ready").unwrap();
    assert_eq!(pod_ready.status, ConditionStatus::False);
    assert!(c
        .trace()
        .rows()
        .iter()
        .any(|r| r.event == "NodeNotReady" && r.kind == "Pod" && r.detail == "Node is not ready"));

    // The unreachable taints, with their timeAdded.
    let ts = taints(&c, "node-1");
    let no_execute = ts
        .iter()
        .find(|t| t.key == TAINT_NODE_UNREACHABLE && t.effect == TaintEffect::NoExecute)
        .expect("unreachable:NoExecute");
    let tainted_at = no_execute.time_added.unwrap();
    assert!(
        (95 * S..96 * S).contains(&tainted_at),
        "tainted at {tainted_at}"
    );
    assert!(ts
        .iter()
        .any(|t| t.key == TAINT_NODE_UNREACHABLE && t.effect == TaintEffect::NoSchedule));
    assert!(taints(&c, "node-2").is_empty());

    // tolerationSeconds 0: deleted at once (TestCreatePod "... with tolerationSeconds 0").
    let zero = deletion_timestamp(&c, "zero").expect("zero deleted");
    assert!(zero - tainted_at < SECOND, "deleted at {zero}");
    assert!(c
        .trace()
        .rows()
        .iter()
        .any(|r| r.event == "TaintManagerEviction"
            && r.detail == "Marking for deletion Pod default/zero"));
    let disruption = c.api().get(Kind::Pod, "default", "zero").unwrap();
    let cond = find_condition(
        &disruption.as_pod().unwrap().status.conditions,
        "DisruptionTarget",
    )
    .expect("DisruptionTarget");
    assert_eq!(cond.reason(), "DeletionByTaintManager");

    // The default 300 s toleration: deleted 300 s after the taint, not before.
    c.run_for(tainted_at + 299 * S - c.now()).unwrap();
    assert_eq!(deletion_timestamp(&c, "tolerant"), None);
    c.run_for(2 * S).unwrap();
    let t = deletion_timestamp(&c, "tolerant").expect("tolerant deleted");
    assert!(
        (tainted_at + 300 * S..tainted_at + 301 * S).contains(&t),
        "{t}"
    );
    // Tolerated forever: never.
    c.run_for(600 * S).unwrap();
    assert_eq!(deletion_timestamp(&c, "forever"), None);
}

#[test]
fn a_40s_grace_period_is_honoured() {
    let m = model(Some("nodeLifecycle:\n  nodeMonitorGracePeriod: 40s\n"));
    assert_eq!(m.node_lifecycle.node_monitor_grace_period, 40 * S);
    let mut c = cluster(m, None);
    c.run_for(75 * S + 500 * MILLISECOND).unwrap();
    assert_eq!(ready_condition(&c, "node-1").status, ConditionStatus::True);
    let t = run_until_unknown(&mut c);
    assert!((80 * S..81 * S).contains(&t), "Unknown at {t}");
}

#[test]
fn a_node_whose_kubelet_comes_back_loses_its_taints_and_keeps_its_pods() {
    let mut c = cluster(model(None), Some(200 * S));
    c.run_for(150 * S).unwrap();
    assert!(taints(&c, "node-1")
        .iter()
        .any(|t| t.key == TAINT_NODE_UNREACHABLE && t.effect == TaintEffect::NoExecute));
    // Back at 200 s: Ready again, both unreachable taints lifted at the next passes
    // (TestApplyNoExecuteTaints: the taint goes once the node is healthy).
    c.run_for(60 * S).unwrap();
    assert_eq!(ready_condition(&c, "node-1").status, ConditionStatus::True);
    assert_eq!(taints(&c, "node-1"), vec![]);
    // The scheduled eviction was cancelled (TestUpdateNode "Removed taint").
    assert!(first_row(
        &c,
        "TaintManagerEviction",
        "Cancelling deletion of Pod default/tolerant"
    )
    .is_some());
    c.run_for(600 * S).unwrap();
    assert_eq!(deletion_timestamp(&c, "tolerant"), None);
    assert_eq!(ready_condition(&c, "node-1").status, ConditionStatus::True);
}

#[test]
fn pods_that_do_not_tolerate_a_noexecute_taint_are_deleted_at_once() {
    // TestUpdateNode "Added taint" / TestUpdateNodeWithMultipleTaints: a taint the pod does not
    // tolerate evicts it at once; one it tolerates forever never does.
    let mut c = cluster(model(None), None);
    create_pod(&mut c, "plain", "node-2", vec![]);
    create_pod(
        &mut c,
        "dedicated",
        "node-2",
        vec![toleration("dedicated", None)],
    );
    c.run_for(20 * S).unwrap();
    let mut node = (**c.api().get(Kind::Node, "", "node-2").unwrap()).clone();
    if let Body::Node(n) = &mut node.body {
        n.spec.taints.push(Taint {
            key: "dedicated".into(),
            value: "batch".into(),
            effect: TaintEffect::NoExecute,
            time_added: Some(20 * S),
        });
    }
    c.admin_request("test", Request::Update { object: node })
        .unwrap();
    c.run_for(S).unwrap();
    let t = deletion_timestamp(&c, "plain").expect("plain deleted");
    assert!((20 * S..21 * S).contains(&t));
    assert_eq!(deletion_timestamp(&c, "dedicated"), None);
    // A taint the node lifecycle controller does not own stays.
    c.run_for(30 * S).unwrap();
    assert_eq!(taints(&c, "node-2").len(), 1);
}

#[test]
fn a_cluster_whose_every_node_is_silent_is_not_tainted() {
    // handleDisruption: all zones fully disrupted → master disruption mode, no NoExecute taint
    // (TestMonitorNodeHealthEvictPodsWithDisruption, "all nodes NotReady").
    let mut c = Cluster::new(model(None), 7, 3600 * S, 10_000_000);
    c.admin_request(
        "test",
        Request::Create {
            object: node_object("node-1", 0, true),
        },
    )
    .unwrap();
    let host = c.add_host("node-1");
    c.add_component(
        "kubelet/node-1",
        host,
        Box::new(FakeKubelet {
            node: "node-1".into(),
            stop_at: 35 * S,
            resume_at: None,
        }),
        None,
    );
    c.add_component(
        "node-lifecycle-controller",
        CONTROL_PLANE,
        Box::new(NodeLifecycleController::new(Default::default())),
        None,
    );
    c.run_for(300 * S).unwrap();
    assert_eq!(
        ready_condition(&c, "node-1").status,
        ConditionStatus::Unknown
    );
    assert!(!taints(&c, "node-1")
        .iter()
        .any(|t| t.effect == TaintEffect::NoExecute));
    assert_eq!(c.trace().count("EnteringMasterDisruptionMode"), 1);
}
