//! The node lifecycle controller of kube-controller-manager
//! (pkg/controller/nodelifecycle/node_lifecycle_controller.go) together with the taint eviction
//! controller it runs (pkg/controller/tainteviction/taint_eviction.go): it watches node Leases
//! and Ready heartbeats, marks silent nodes `Unknown`, taints not-ready and unreachable nodes,
//! marks their pods not ready, and deletes the pods that do not tolerate a NoExecute taint.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::api::request::{DeleteOptions, Request, StatusReason};
use crate::api::server::{TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE};
use crate::api::types::{
    find_condition, zone_key, Body, Condition, ConditionStatus, Kind, Name, Object, Taint,
    TaintEffect, Toleration,
};
use crate::client::{
    Component, Ctx, Delta, Informer, InformerConfig, Message, RequestId, TokenBucket,
};
use crate::engine::{SimDuration, SimTime, MILLISECOND, SECOND};
use crate::model::NodeLifecycleModel;
use crate::trace::Record;

/// The trace component of the node lifecycle controller's rows.
pub const COMPONENT: &str = "node-lifecycle-controller";
/// The trace component of the taint eviction controller's rows (upstream's controller name).
pub const TAINT_EVICTION_COMPONENT: &str = "taint-eviction-controller";

/// The namespace kubelets keep their heartbeat Leases in (v1.NamespaceNodeLease).
pub const NAMESPACE_NODE_LEASE: &str = "kube-node-lease";

const TAINT_NODE_MEMORY_PRESSURE: &str = "node.kubernetes.io/memory-pressure";
const TAINT_NODE_DISK_PRESSURE: &str = "node.kubernetes.io/disk-pressure";
const TAINT_NODE_NETWORK_UNAVAILABLE: &str = "node.kubernetes.io/network-unavailable";
const TAINT_NODE_PID_PRESSURE: &str = "node.kubernetes.io/pid-pressure";
const TAINT_NODE_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

/// How often the NoExecute tainting pass runs (scheduler.NodeEvictionPeriod).
const NODE_EVICTION_PERIOD: SimDuration = 100 * MILLISECOND;
/// The taint queue's retry delay when a node has no Ready condition yet.
const TAINT_RETRY: SimDuration = 50 * MILLISECOND;
/// Nodes with this label are left out of the zone disruption computation.
const LABEL_NODE_DISRUPTION_EXCLUSION: &str = "node.kubernetes.io/exclude-disruption";

const TAG_MONITOR: u64 = 1;
const TAG_TAINTING_PASS: u64 = 2;
const TAG_EVICTION: u64 = 3;

/// nodeConditionToTaintKeyStatusMap: the NoSchedule taint each node condition status maps to.
fn condition_taint_key(type_: &str, status: ConditionStatus) -> Option<&'static str> {
    match (type_, status) {
        ("Ready", ConditionStatus::False) => Some(TAINT_NODE_NOT_READY),
        ("Ready", ConditionStatus::Unknown) => Some(TAINT_NODE_UNREACHABLE),
        ("MemoryPressure", ConditionStatus::True) => Some(TAINT_NODE_MEMORY_PRESSURE),
        ("DiskPressure", ConditionStatus::True) => Some(TAINT_NODE_DISK_PRESSURE),
        ("NetworkUnavailable", ConditionStatus::True) => Some(TAINT_NODE_NETWORK_UNAVAILABLE),
        ("PIDPressure", ConditionStatus::True) => Some(TAINT_NODE_PID_PRESSURE),
        _ => None,
    }
}

/// taintKeyToNodeConditionMap's keys: the taints this controller owns.
fn is_condition_taint_key(key: &str) -> bool {
    [
        TAINT_NODE_NOT_READY,
        TAINT_NODE_UNREACHABLE,
        TAINT_NODE_NETWORK_UNAVAILABLE,
        TAINT_NODE_MEMORY_PRESSURE,
        TAINT_NODE_DISK_PRESSURE,
        TAINT_NODE_PID_PRESSURE,
    ]
    .contains(&key)
}

fn taint(key: &'static str, effect: TaintEffect) -> Taint {
    Taint {
        key: Name::new_static(key),
        value: Name::default(),
        effect,
        time_added: None,
    }
}

/// UnreachableTaintTemplate.
pub fn unreachable_taint() -> Taint {
    taint(TAINT_NODE_UNREACHABLE, TaintEffect::NoExecute)
}

/// NotReadyTaintTemplate.
pub fn not_ready_taint() -> Taint {
    taint(TAINT_NODE_NOT_READY, TaintEffect::NoExecute)
}

/// Taint.MatchTaint: same key and effect.
fn match_taint(a: &Taint, b: &Taint) -> bool {
    a.key == b.key && a.effect == b.effect
}

/// taintutils.TaintExists.
fn taint_exists(taints: &[Taint], t: &Taint) -> bool {
    taints.iter().any(|x| match_taint(x, t))
}

/// v1helper.GetMatchingTolerations: whether every taint is tolerated, and the toleration that
/// tolerates each (the first that matches).
fn matching_tolerations<'a>(
    taints: &[Taint],
    tolerations: &'a [Toleration],
) -> (bool, Vec<&'a Toleration>) {
    let mut used = Vec::new();
    for t in taints {
        match tolerations.iter().find(|tol| tol.tolerates(t)) {
            Some(tol) => used.push(tol),
            None => return (false, Vec::new()),
        }
    }
    (true, used)
}

/// getMinTolerationTime: the smallest tolerationSeconds (0 for none or a non-positive one),
/// `None` when every toleration is forever.
fn min_toleration_time(used: &[&Toleration]) -> Option<SimDuration> {
    if used.is_empty() {
        return Some(0);
    }
    let mut min: Option<i64> = None;
    for t in used {
        if let Some(s) = t.toleration_seconds {
            if s <= 0 {
                return Some(0);
            }
            min = Some(min.map_or(s, |m| m.min(s)));
        }
    }
    min.map(|s| s as SimDuration * SECOND)
}

// ---------------------------------------------------------------------------------------------
// The per-zone NoExecute tainting queue (pkg/controller/nodelifecycle/scheduler/rate_limited_queue.go)

#[derive(Clone, Debug)]
struct TimedValue {
    value: Name,
    process_at: SimTime,
    /// Insertion order, the heap's tie-break.
    seq: u64,
}

/// RateLimitedTimedQueue: a unique queue ordered by processing time, drained under a token
/// bucket of burst 1 (EvictionRateLimiterBurst). A value stays in the set after it was
/// processed until it is removed, so it cannot be queued twice.
struct RateLimitedTimedQueue {
    queue: Vec<TimedValue>,
    set: BTreeSet<Name>,
    /// None: flowcontrol.NewFakeNeverRateLimiter (qps 0).
    limiter: Option<TokenBucket>,
    qps: f64,
    seq: u64,
}

impl RateLimitedTimedQueue {
    fn new(qps: f64) -> Self {
        RateLimitedTimedQueue {
            queue: Vec::new(),
            set: BTreeSet::new(),
            limiter: (qps > 0.0).then(|| TokenBucket::new(qps, 1)),
            qps,
            seq: 0,
        }
    }

    fn add(&mut self, value: &Name, now: SimTime) -> bool {
        if !self.set.insert(value.clone()) {
            return false;
        }
        self.seq += 1;
        self.queue.push(TimedValue {
            value: value.clone(),
            process_at: now,
            seq: self.seq,
        });
        self.sort();
        true
    }

    fn remove(&mut self, value: &str) -> bool {
        self.queue.retain(|v| v.value != value);
        self.set.remove(value)
    }

    fn sort(&mut self) {
        self.queue.sort_by_key(|v| (v.process_at, v.seq));
    }

    fn try_accept(&mut self, now: SimTime) -> bool {
        self.limiter.as_mut().is_some_and(|l| l.try_accept(now))
    }

    /// SwapLimiter: a new bucket for the new rate, drained if the old one was.
    fn swap_limiter(&mut self, qps: f64, now: SimTime) {
        if self.qps == qps {
            return;
        }
        let mut limiter = (qps > 0.0).then(|| TokenBucket::new(qps, 1));
        if let Some(new) = &mut limiter {
            if !self.try_accept(now) {
                new.try_accept(now);
            }
        }
        self.limiter = limiter;
        self.qps = qps;
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ZoneState {
    Initial,
    Normal,
    FullDisruption,
    PartialDisruption,
}

/// nodeHealthData: what the controller last observed of a node, stamped with its own clock.
#[derive(Clone, Debug)]
struct NodeHealth {
    probe_timestamp: SimTime,
    ready_transition_timestamp: SimTime,
    /// The Ready condition of the last observed status.
    ready: Option<Condition>,
    /// The last observed Lease's renewTime (outer None: no Lease observed).
    lease: Option<Option<SimTime>>,
}

/// A scheduled pod deletion of the taint eviction queue (TimedWorkerQueue).
#[derive(Clone, Debug)]
struct EvictionWork {
    created_at: SimTime,
    /// The armed timer; None once the work ran (the key then blocks re-adding, as upstream's
    /// nil worker does, until it is cancelled).
    timer: Option<u64>,
}

type PodKey = (Name, Name);

/// What a request in flight was for.
#[derive(Clone, Debug)]
enum Pending {
    NodeStatus,
    NodeTaints,
    /// MarkPodsNotReady for a pod on this node.
    PodNotReady {
        node: Name,
        pod: PodKey,
    },
    /// The DisruptionTarget condition before a taint eviction deletes the pod.
    DisruptionTarget(PodKey),
    DeletePod(PodKey),
}

/// The node lifecycle controller with its taint eviction controller, as kube-controller-manager
/// runs them by default. Add it to a cluster as any component:
/// `cluster.add_component("node-lifecycle-controller", CONTROL_PLANE,
/// Box::new(NodeLifecycleController::new(model.node_lifecycle.clone())), factory)`.
pub struct NodeLifecycleController {
    model: NodeLifecycleModel,
    nodes: Informer,
    leases: Informer,
    pods: Informer,
    /// The pod cache indexed by spec.nodeName (nodeNameKeyIndex).
    pods_by_node: BTreeMap<Name, BTreeSet<PodKey>>,
    known_nodes: BTreeSet<Name>,
    node_health: BTreeMap<Name, NodeHealth>,
    zone_states: BTreeMap<String, ZoneState>,
    zone_tainters: BTreeMap<String, RateLimitedTimedQueue>,
    nodes_to_retry: BTreeSet<Name>,
    tainting_pass_armed: bool,
    pending: BTreeMap<RequestId, Pending>,
    /// Taint eviction: the NoExecute taints of each tainted node.
    tainted_nodes: BTreeMap<Name, Vec<Taint>>,
    evictions: BTreeMap<PodKey, EvictionWork>,
    eviction_timers: BTreeMap<u64, PodKey>,
}

impl NodeLifecycleController {
    pub fn new(model: NodeLifecycleModel) -> NodeLifecycleController {
        let mut leases = InformerConfig::all(Kind::Lease);
        leases.namespace = Some(Name::new_static(NAMESPACE_NODE_LEASE));
        NodeLifecycleController {
            model,
            nodes: Informer::new(InformerConfig::all(Kind::Node)),
            leases: Informer::new(leases),
            pods: Informer::new(InformerConfig::all(Kind::Pod)),
            pods_by_node: BTreeMap::new(),
            known_nodes: BTreeSet::new(),
            node_health: BTreeMap::new(),
            zone_states: BTreeMap::new(),
            zone_tainters: BTreeMap::new(),
            nodes_to_retry: BTreeSet::new(),
            tainting_pass_armed: false,
            pending: BTreeMap::new(),
            tainted_nodes: BTreeMap::new(),
            evictions: BTreeMap::new(),
            eviction_timers: BTreeMap::new(),
        }
    }

    /// When the controller last heard from a node (its probeTimestamp), if it has seen it.
    pub fn probe_timestamp(&self, node: &str) -> Option<SimTime> {
        self.node_health.get(node).map(|h| h.probe_timestamp)
    }

    /// How many pods have a taint eviction scheduled (armed, not yet run).
    pub fn scheduled_evictions(&self) -> usize {
        self.evictions
            .values()
            .filter(|w| w.timer.is_some())
            .count()
    }

    fn synced(&self) -> bool {
        self.nodes.has_synced() && self.leases.has_synced() && self.pods.has_synced()
    }

    // -----------------------------------------------------------------------------------------
    // monitorNodeHealth

    fn monitor_node_health(&mut self, ctx: &mut Ctx) {
        let nodes: Vec<Arc<Object>> = self.nodes.list().cloned().collect();
        // classifyNodes
        let mut added = Vec::new();
        let mut new_zone_representatives = Vec::new();
        for n in &nodes {
            if !self.known_nodes.contains(&n.meta.name) {
                added.push(n.clone());
            } else if !self.zone_states.contains_key(&zone_key(n)) {
                new_zone_representatives.push(n.clone());
            }
        }
        let present: BTreeSet<&Name> = nodes.iter().map(|n| &n.meta.name).collect();
        let deleted: Vec<Name> = self
            .known_nodes
            .iter()
            .filter(|k| !present.contains(k))
            .cloned()
            .collect();
        for n in &new_zone_representatives {
            self.add_zone(n);
        }
        for n in &added {
            trace_node(
                ctx,
                n,
                "RegisteredNode",
                format!("Registered Node {} in Controller", n.meta.name),
            );
            self.known_nodes.insert(n.meta.name.clone());
            self.add_zone(n);
            self.mark_node_as_reachable(ctx, n);
        }
        for name in deleted {
            ctx.trace(
                Record::new(COMPONENT, "RemovingNode")
                    .object("Node", "", &name)
                    .detail(format!("Removing Node {name} from Controller")),
            );
            self.known_nodes.remove(&name);
        }

        let mut zone_to_ready: BTreeMap<String, Vec<Option<ConditionStatus>>> = BTreeMap::new();
        for node in &nodes {
            let name = node.meta.name.clone();
            let (observed, current) = self.try_update_node_health(ctx, node);
            if !node
                .meta
                .labels
                .contains_key(LABEL_NODE_DISRUPTION_EXCLUSION)
            {
                zone_to_ready
                    .entry(zone_key(node))
                    .or_default()
                    .push(current.as_ref().map(|c| c.status));
            }
            if let Some(current) = &current {
                self.process_taint_based_eviction(ctx, node, observed.status);
                let needs_retry = self.nodes_to_retry.contains(&name);
                let became_not_ready = current.status != ConditionStatus::True
                    && observed.status == ConditionStatus::True;
                if became_not_ready {
                    // RecordNodeStatusChange
                    trace_node(
                        ctx,
                        node,
                        "NodeNotReady",
                        format!("Node {name} status is now: NodeNotReady"),
                    );
                }
                if became_not_ready || (needs_retry && observed.status != ConditionStatus::True) {
                    let pods: Vec<PodKey> = self
                        .pods_by_node
                        .get(&name)
                        .map(|s| s.iter().cloned().collect())
                        .unwrap_or_default();
                    self.mark_pods_not_ready(ctx, &pods, &name);
                }
            }
            self.nodes_to_retry.remove(&name);
        }
        self.handle_disruption(ctx, &zone_to_ready, &nodes);
    }

    /// tryUpdateNodeHealth: updates the controller's observation of the node and, past the grace
    /// period, writes Unknown conditions. Returns the observed and the current Ready condition.
    fn try_update_node_health(
        &mut self,
        ctx: &mut Ctx,
        node: &Arc<Object>,
    ) -> (Condition, Option<Condition>) {
        let now = ctx.now();
        let name = node.meta.name.clone();
        let created = node.meta.creation_timestamp;
        let Some(n) = node.as_node() else {
            unreachable!("the node informer holds nodes")
        };
        let mut health = self.node_health.get(&name).cloned();
        let current_ready = find_condition(&n.status.conditions, "Ready").cloned();
        let (observed, grace) = match &current_ready {
            None => {
                // Never posted: a fake Unknown condition stamped with the creation time.
                let fake = Condition::new(Name::new_static("Ready"), ConditionStatus::Unknown)
                    .with_times(Some(created), Some(created));
                match &mut health {
                    Some(h) => h.ready = None,
                    None => {
                        health = Some(NodeHealth {
                            probe_timestamp: created,
                            ready_transition_timestamp: created,
                            ready: None,
                            lease: None,
                        })
                    }
                }
                (fake, self.model.node_startup_grace_period)
            }
            Some(c) => (c.clone(), self.model.node_monitor_grace_period),
        };
        let saved = health.as_ref().and_then(|h| h.ready.clone());
        let saved_lease = health.as_ref().and_then(|h| h.lease);
        let fresh = |transition: SimTime| NodeHealth {
            probe_timestamp: now,
            ready_transition_timestamp: transition,
            ready: current_ready.clone(),
            lease: None,
        };
        let mut health = match (health, &saved, &current_ready) {
            (None, _, _) => fresh(now),
            (Some(_), None, Some(_)) | (Some(_), Some(_), None) => fresh(now),
            (Some(h), Some(s), Some(c)) if s.last_update_time != c.last_update_time => {
                // The heartbeat moved; a changed lastTransitionTime is a Ready transition.
                if s.last_transition_time != c.last_transition_time {
                    fresh(now)
                } else {
                    fresh(h.ready_transition_timestamp)
                }
            }
            (Some(h), _, _) => h,
        };
        // Always update the probe time if the node's Lease was renewed.
        let observed_lease = self
            .leases
            .get(NAMESPACE_NODE_LEASE, &name)
            .and_then(|l| l.as_lease())
            .map(|l| l.renew_time);
        if let Some(renew) = observed_lease {
            let renewed = match saved_lease {
                None => true,
                // MicroTime.Before: false when either is unset.
                Some(saved) => matches!((saved, renew), (Some(a), Some(b)) if a < b),
            };
            if renewed {
                health.lease = Some(renew);
                health.probe_timestamp = now;
            }
        }

        let mut current = current_ready;
        if now > health.probe_timestamp.saturating_add(grace) {
            let mut updated = (**node).clone();
            let Body::Node(un) = &mut updated.body else {
                unreachable!()
            };
            for type_ in ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"] {
                match un.status.conditions.iter_mut().find(|c| c.type_ == type_) {
                    None => un.status.conditions.push(
                        Condition::new(Name::new_static(type_), ConditionStatus::Unknown)
                            .with_reason(
                                "NodeStatusNeverUpdated",
                                "Kubelet never posted node status.",
                            )
                            .with_times(Some(now), Some(created)),
                    ),
                    Some(c) if c.status != ConditionStatus::Unknown => {
                        c.status = ConditionStatus::Unknown;
                        c.set_reason("NodeStatusUnknown", "Kubelet stopped posting node status.");
                        c.last_transition_time = Some(now);
                    }
                    Some(_) => {}
                }
            }
            current = find_condition(&un.status.conditions, "Ready").cloned();
            if current.as_ref() != Some(&observed) {
                let id = ctx.send(Request::UpdateStatus { object: updated });
                self.pending.insert(id, Pending::NodeStatus);
                health = NodeHealth {
                    probe_timestamp: health.probe_timestamp,
                    ready_transition_timestamp: now,
                    ready: current.clone(),
                    lease: observed_lease,
                };
            }
        }
        self.node_health.insert(name, health);
        (observed, current)
    }

    fn add_zone(&mut self, node: &Object) {
        let zone = zone_key(node);
        if !self.zone_states.contains_key(&zone) {
            self.zone_states.insert(zone.clone(), ZoneState::Initial);
            self.zone_tainters
                .entry(zone)
                .or_insert_with(|| RateLimitedTimedQueue::new(self.model.node_eviction_rate));
        }
    }

    fn tainter(&mut self, node: &Object) -> &mut RateLimitedTimedQueue {
        let rate = self.model.node_eviction_rate;
        self.zone_tainters
            .entry(zone_key(node))
            .or_insert_with(|| RateLimitedTimedQueue::new(rate))
    }

    /// processTaintBaseEviction.
    fn process_taint_based_eviction(
        &mut self,
        ctx: &mut Ctx,
        node: &Arc<Object>,
        observed: ConditionStatus,
    ) {
        let taints = &node.as_node().expect("a node").spec.taints;
        match observed {
            ConditionStatus::False => {
                if taint_exists(taints, &unreachable_taint()) {
                    self.swap_taints(ctx, node, &[not_ready_taint()], &[unreachable_taint()]);
                } else {
                    self.mark_node_for_tainting(ctx, node, ConditionStatus::False);
                }
            }
            ConditionStatus::Unknown => {
                if taint_exists(taints, &not_ready_taint()) {
                    self.swap_taints(ctx, node, &[unreachable_taint()], &[not_ready_taint()]);
                } else {
                    self.mark_node_for_tainting(ctx, node, ConditionStatus::Unknown);
                }
            }
            ConditionStatus::True => self.mark_node_as_reachable(ctx, node),
        }
    }

    fn mark_node_for_tainting(&mut self, ctx: &mut Ctx, node: &Object, status: ConditionStatus) {
        let taints = node.as_node().expect("a node").spec.taints.clone();
        let name = node.meta.name.clone();
        let now = ctx.now();
        let q = self.tainter(node);
        if (status == ConditionStatus::False && !taint_exists(&taints, &not_ready_taint()))
            || (status == ConditionStatus::Unknown && !taint_exists(&taints, &unreachable_taint()))
        {
            q.remove(&name);
        }
        q.add(&name, now);
        self.arm_tainting_pass(ctx);
    }

    /// markNodeAsReachable: removes both NoExecute taints and forgets the node in its queue.
    fn mark_node_as_reachable(&mut self, ctx: &mut Ctx, node: &Object) {
        self.swap_taints(ctx, node, &[], &[unreachable_taint(), not_ready_taint()]);
        let name = node.meta.name.clone();
        self.tainter(node).remove(&name);
    }

    fn arm_tainting_pass(&mut self, ctx: &mut Ctx) {
        if !self.tainting_pass_armed && self.zone_tainters.values().any(|q| !q.queue.is_empty()) {
            self.tainting_pass_armed = true;
            ctx.set_timer(NODE_EVICTION_PERIOD, TAG_TAINTING_PASS);
        }
    }

    /// doNoExecuteTaintingPass: drains each zone's queue under its rate limiter. Upstream runs it
    /// every 100 ms; here it runs only while some queue holds a node.
    fn do_no_execute_tainting_pass(&mut self, ctx: &mut Ctx) {
        let now = ctx.now();
        let zones: Vec<String> = self.zone_tainters.keys().cloned().collect();
        for zone in zones {
            loop {
                let q = self.zone_tainters.get_mut(&zone).expect("zone");
                let Some(head) = q.queue.first().cloned() else {
                    break;
                };
                if !q.try_accept(now) || now < head.process_at {
                    break;
                }
                let (ok, wait) = self.taint_node(ctx, &head.value);
                let q = self.zone_tainters.get_mut(&zone).expect("zone");
                if ok {
                    // RemoveFromQueue: it stays in the set until removed.
                    q.queue.retain(|v| v.value != head.value);
                } else if let Some(v) = q.queue.iter_mut().find(|v| v.value == head.value) {
                    v.process_at = now + wait + 1;
                    q.sort();
                }
            }
        }
        self.arm_tainting_pass(ctx);
    }

    /// The action of the tainting queue: the NoExecute taint matching the Ready condition.
    fn taint_node(&mut self, ctx: &mut Ctx, name: &str) -> (bool, SimDuration) {
        let Some(node) = self.nodes.get("", name).cloned() else {
            return (true, 0);
        };
        let n = node.as_node().expect("a node");
        let Some(ready) = find_condition(&n.status.conditions, "Ready") else {
            return (false, TAINT_RETRY);
        };
        let (add, opposite) = match ready.status {
            ConditionStatus::False => (not_ready_taint(), unreachable_taint()),
            ConditionStatus::Unknown => (unreachable_taint(), not_ready_taint()),
            ConditionStatus::True => return (true, 0),
        };
        self.swap_taints(ctx, &node, &[add], &[opposite]);
        (true, 0)
    }

    /// SwapNodeControllerTaint: adds `add` (stamped with timeAdded = now; AddOrUpdateTaint
    /// replaces a same key/effect taint that differs) and removes `remove`, in one Update
    /// guarded by the cached resourceVersion. Nothing is sent when nothing changes.
    fn swap_taints(&mut self, ctx: &mut Ctx, node: &Object, add: &[Taint], remove: &[Taint]) {
        let n = node.as_node().expect("a node");
        let mut taints = n.spec.taints.clone();
        for t in add {
            let mut t = t.clone();
            t.time_added = Some(ctx.now());
            match taints.iter_mut().find(|x| match_taint(x, &t)) {
                Some(x) if *x == t => {}
                Some(x) => *x = t,
                None => taints.push(t),
            }
        }
        taints.retain(|x| !remove.iter().any(|r| match_taint(x, r)));
        if taints == n.spec.taints {
            return;
        }
        let mut updated = node.clone();
        if let Body::Node(un) = &mut updated.body {
            un.spec.taints = taints;
        }
        let id = ctx.send(Request::Update { object: updated });
        self.pending.insert(id, Pending::NodeTaints);
    }

    /// doNoScheduleTaintingPass: the NoSchedule taints that mirror the node's conditions and
    /// spec.unschedulable.
    fn do_no_schedule_tainting_pass(&mut self, ctx: &mut Ctx, name: &str) {
        let Some(node) = self.nodes.get("", name).cloned() else {
            return;
        };
        let n = node.as_node().expect("a node");
        let mut want: Vec<Taint> = n
            .status
            .conditions
            .iter()
            .filter_map(|c| condition_taint_key(&c.type_, c.status))
            .map(|k| taint(k, TaintEffect::NoSchedule))
            .collect();
        if n.spec.unschedulable {
            want.push(taint(TAINT_NODE_UNSCHEDULABLE, TaintEffect::NoSchedule));
        }
        let have: Vec<&Taint> = n
            .spec
            .taints
            .iter()
            .filter(|t| {
                t.effect == TaintEffect::NoSchedule
                    && (t.key == TAINT_NODE_UNSCHEDULABLE || is_condition_taint_key(&t.key))
            })
            .collect();
        // TaintSetDiff
        let to_add: Vec<Taint> = want
            .iter()
            .filter(|w| !have.iter().any(|h| match_taint(h, w)))
            .cloned()
            .collect();
        let to_del: Vec<Taint> = have
            .iter()
            .filter(|h| !want.iter().any(|w| match_taint(h, w)))
            .map(|t| (*t).clone())
            .collect();
        if to_add.is_empty() && to_del.is_empty() {
            return;
        }
        self.swap_taints(ctx, &node, &to_add, &to_del);
    }

    /// MarkPodsNotReady (pkg/controller/util/node/controller_utils.go): the Ready condition of
    /// each pod on the node turns False.
    fn mark_pods_not_ready(&mut self, ctx: &mut Ctx, pods: &[PodKey], node: &Name) {
        for (ns, name) in pods {
            let Some(obj) = self.pods.get(ns, name) else {
                continue;
            };
            let Some(pod) = obj.as_pod() else { continue };
            if pod.spec.node_name != *node {
                continue;
            }
            let Some(ready) = find_condition(&pod.status.conditions, "Ready") else {
                continue;
            };
            if ready.status == ConditionStatus::False {
                continue;
            }
            let mut updated = (**obj).clone();
            if let Body::Pod(p) = &mut updated.body {
                if let Some(c) = p.status.conditions.iter_mut().find(|c| c.type_ == "Ready") {
                    c.status = ConditionStatus::False;
                    c.last_transition_time = Some(ctx.now());
                }
            }
            let id = ctx.send(Request::UpdateStatus { object: updated });
            self.pending.insert(
                id,
                Pending::PodNotReady {
                    node: node.clone(),
                    pod: (ns.clone(), name.clone()),
                },
            );
        }
    }

    /// handleDisruption: zone states from the Ready conditions, and the tainting rate of each.
    fn handle_disruption(
        &mut self,
        ctx: &mut Ctx,
        zone_to_ready: &BTreeMap<String, Vec<Option<ConditionStatus>>>,
        nodes: &[Arc<Object>],
    ) {
        let now = ctx.now();
        let mut new_states: BTreeMap<String, ZoneState> = BTreeMap::new();
        let mut all_are_fully_disrupted = true;
        for (zone, readies) in zone_to_ready {
            let state = self.compute_zone_state(readies);
            if state != ZoneState::FullDisruption {
                all_are_fully_disrupted = false;
            }
            new_states.insert(zone.clone(), state);
            self.zone_states
                .entry(zone.clone())
                .or_insert(ZoneState::Initial);
        }
        let mut all_were_fully_disrupted = true;
        let zones: Vec<(String, ZoneState)> = self
            .zone_states
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        for (zone, state) in zones {
            if !zone_to_ready.contains_key(&zone) {
                self.zone_states.remove(&zone);
                continue;
            }
            if state != ZoneState::FullDisruption {
                all_were_fully_disrupted = false;
                break;
            }
        }
        if all_are_fully_disrupted && all_were_fully_disrupted {
            return;
        }
        if all_are_fully_disrupted {
            // Every node is not Ready: the control plane is the likelier culprit. Stop tainting
            // and lift the NoExecute taints.
            ctx.trace(Record::new(COMPONENT, "EnteringMasterDisruptionMode").detail(
                "Controller detected that all Nodes are not-Ready. Entering master disruption mode",
            ));
            for n in nodes {
                self.mark_node_as_reachable(ctx, n);
            }
            let zones: Vec<String> = self.zone_states.keys().cloned().collect();
            for zone in zones {
                if let Some(q) = self.zone_tainters.get_mut(&zone) {
                    q.swap_limiter(0.0, now);
                }
                self.zone_states.insert(zone, ZoneState::FullDisruption);
            }
            return;
        }
        if all_were_fully_disrupted {
            ctx.trace(
                Record::new(COMPONENT, "ExitingMasterDisruptionMode").detail(
                    "Controller detected that some Nodes are Ready. Exiting master disruption mode",
                ),
            );
            for n in nodes {
                if let Some(h) = self.node_health.get_mut(&n.meta.name) {
                    h.probe_timestamp = now;
                    h.ready_transition_timestamp = now;
                }
            }
            let zones: Vec<String> = self.zone_states.keys().cloned().collect();
            for zone in zones {
                let state = new_states[&zone];
                self.set_limiter_in_zone(&zone, zone_to_ready[&zone].len(), state, now);
                self.zone_states.insert(zone, state);
            }
            return;
        }
        let zones: Vec<(String, ZoneState)> = self
            .zone_states
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        for (zone, state) in zones {
            let new_state = new_states[&zone];
            if state == new_state {
                continue;
            }
            self.set_limiter_in_zone(&zone, zone_to_ready[&zone].len(), new_state, now);
            self.zone_states.insert(zone, new_state);
        }
    }

    /// ComputeZoneState.
    fn compute_zone_state(&self, readies: &[Option<ConditionStatus>]) -> ZoneState {
        let ready = readies
            .iter()
            .filter(|r| **r == Some(ConditionStatus::True))
            .count();
        let not_ready = readies.len() - ready;
        if ready == 0 && not_ready > 0 {
            ZoneState::FullDisruption
        } else if not_ready > 2
            && not_ready as f64 / (not_ready + ready) as f64 >= self.model.unhealthy_zone_threshold
        {
            ZoneState::PartialDisruption
        } else {
            ZoneState::Normal
        }
    }

    /// setLimiterInZone with HealthyQPSFunc and ReducedQPSFunc.
    fn set_limiter_in_zone(&mut self, zone: &str, size: usize, state: ZoneState, now: SimTime) {
        let qps = match state {
            ZoneState::Normal | ZoneState::FullDisruption => self.model.node_eviction_rate,
            ZoneState::PartialDisruption => {
                if size > self.model.large_cluster_size_threshold as usize {
                    self.model.secondary_node_eviction_rate
                } else {
                    0.0
                }
            }
            ZoneState::Initial => return,
        };
        if let Some(q) = self.zone_tainters.get_mut(zone) {
            q.swap_limiter(qps, now);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Pod and node events

    fn on_node_delta(&mut self, ctx: &mut Ctx, delta: &Delta) {
        let name = delta.object().meta.name.clone();
        let no_execute = |o: &Object| -> Vec<Taint> {
            o.as_node()
                .map(|n| {
                    n.spec
                        .taints
                        .iter()
                        .filter(|t| t.effect == TaintEffect::NoExecute)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        };
        // Taint eviction: NodeUpdated.
        let changed = match delta {
            Delta::Updated { old, new } => no_execute(old) != no_execute(new),
            _ => true,
        };
        if changed {
            self.handle_node_update(ctx, &name);
        }
        // The node lifecycle controller's NoSchedule pass.
        if !matches!(delta, Delta::Deleted(_)) {
            self.do_no_schedule_tainting_pass(ctx, &name);
        }
    }

    fn on_pod_delta(&mut self, ctx: &mut Ctx, delta: &Delta) {
        let obj = delta.object();
        let key: PodKey = (obj.meta.namespace.clone(), obj.meta.name.clone());
        let node_of = |o: &Object| {
            o.as_pod()
                .map(|p| p.spec.node_name.clone())
                .unwrap_or_default()
        };
        // Keep the spec.nodeName index.
        if let Delta::Updated { old, .. } | Delta::Deleted(old) = delta {
            if let Some(set) = self.pods_by_node.get_mut(&node_of(old)) {
                set.remove(&key);
            }
        }
        if !matches!(delta, Delta::Deleted(_)) {
            let node = node_of(obj);
            if !node.is_empty() {
                self.pods_by_node
                    .entry(node)
                    .or_default()
                    .insert(key.clone());
            }
        }
        // Taint eviction: PodUpdated.
        let tolerations = |o: &Object| o.as_pod().map(|p| p.spec.tolerations.clone());
        let relevant = match delta {
            Delta::Updated { old, new } => {
                tolerations(old) != tolerations(new) || node_of(old) != node_of(new)
            }
            _ => true,
        };
        if relevant {
            self.handle_pod_update(ctx, &key, &node_of(obj));
        }
        // The node lifecycle controller's podUpdated / processPod: a pod newly bound to a node
        // that is not Ready is marked not ready at once.
        let new_binding = match delta {
            Delta::Added(o) => !node_of(o).is_empty(),
            Delta::Updated { old, new } => !node_of(new).is_empty() && node_of(old) != node_of(new),
            Delta::Deleted(_) => false,
        };
        if new_binding {
            let node = node_of(obj);
            let not_ready = self
                .node_health
                .get(&node)
                .and_then(|h| h.ready.as_ref())
                .is_some_and(|r| r.status != ConditionStatus::True);
            if not_ready && self.nodes.get("", &node).is_some() {
                self.mark_pods_not_ready(ctx, &[key], &node);
            }
        }
    }

    /// tainteviction handleNodeUpdate.
    fn handle_node_update(&mut self, ctx: &mut Ctx, name: &Name) {
        let Some(node) = self.nodes.get("", name).cloned() else {
            self.tainted_nodes.remove(name);
            return;
        };
        let taints: Vec<Taint> = node
            .as_node()
            .expect("a node")
            .spec
            .taints
            .iter()
            .filter(|t| t.effect == TaintEffect::NoExecute)
            .cloned()
            .collect();
        if taints.is_empty() {
            self.tainted_nodes.remove(name);
        } else {
            self.tainted_nodes.insert(name.clone(), taints.clone());
        }
        let pods: Vec<PodKey> = self
            .pods_by_node
            .get(name)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default();
        if taints.is_empty() {
            for key in &pods {
                self.cancel_work_with_event(ctx, key);
            }
            return;
        }
        let now = ctx.now();
        for key in pods {
            let Some(tolerations) = self
                .pods
                .get(&key.0, &key.1)
                .and_then(|p| p.as_pod())
                .map(|p| p.spec.tolerations.clone())
            else {
                continue;
            };
            self.process_pod_on_node(ctx, &key, &tolerations, &taints, now);
        }
    }

    /// tainteviction handlePodUpdate.
    fn handle_pod_update(&mut self, ctx: &mut Ctx, key: &PodKey, node_name: &Name) {
        let Some(pod) = self.pods.get(&key.0, &key.1).cloned() else {
            self.cancel_work_with_event(ctx, key);
            return;
        };
        let p = pod.as_pod().expect("a pod");
        if p.spec.node_name != *node_name || node_name.is_empty() {
            return;
        }
        let Some(taints) = self.tainted_nodes.get(node_name).cloned() else {
            return;
        };
        let now = ctx.now();
        self.process_pod_on_node(ctx, key, &p.spec.tolerations, &taints, now);
    }

    /// tainteviction processPodOnNode.
    fn process_pod_on_node(
        &mut self,
        ctx: &mut Ctx,
        key: &PodKey,
        tolerations: &[Toleration],
        taints: &[Taint],
        now: SimTime,
    ) {
        if taints.is_empty() {
            self.cancel_work_with_event(ctx, key);
        }
        let (all_tolerated, used) = matching_tolerations(taints, tolerations);
        if !all_tolerated {
            // Not tolerated: any scheduled deletion is replaced by one now.
            self.cancel_work_with_event(ctx, key);
            self.add_work(ctx, key, now, now);
            return;
        }
        let Some(min) = min_toleration_time(&used) else {
            // Tolerated forever.
            self.cancel_work_with_event(ctx, key);
            return;
        };
        let mut start = now;
        let trigger = now + min;
        if let Some(w) = self.evictions.get(key).filter(|w| w.timer.is_some()) {
            start = w.created_at;
            if start + min < trigger {
                return;
            }
            self.cancel_work_with_event(ctx, key);
        }
        self.add_work(ctx, key, start, trigger);
    }

    /// TimedWorkerQueue.AddWork: runs at once when due, else arms a timer for
    /// `fire_at - created_at` from now (upstream's createWorker delay).
    fn add_work(&mut self, ctx: &mut Ctx, key: &PodKey, created_at: SimTime, fire_at: SimTime) {
        if self.evictions.contains_key(key) {
            return;
        }
        let delay = fire_at.saturating_sub(created_at);
        if delay == 0 {
            self.evictions.insert(
                key.clone(),
                EvictionWork {
                    created_at,
                    timer: None,
                },
            );
            self.delete_pod(ctx, key);
        } else {
            let id = ctx.set_timer(delay, TAG_EVICTION);
            self.eviction_timers.insert(id, key.clone());
            self.evictions.insert(
                key.clone(),
                EvictionWork {
                    created_at,
                    timer: Some(id),
                },
            );
        }
    }

    /// cancelWorkWithEvent: an event only when a scheduled (not yet run) deletion is cancelled.
    fn cancel_work_with_event(&mut self, ctx: &mut Ctx, key: &PodKey) {
        let Some(w) = self.evictions.remove(key) else {
            return;
        };
        if let Some(id) = w.timer {
            self.eviction_timers.remove(&id);
            ctx.trace(
                Record::new(TAINT_EVICTION_COMPONENT, "TaintManagerEviction")
                    .object("Pod", &key.0, &key.1)
                    .detail(format!("Cancelling deletion of Pod {}/{}", key.0, key.1)),
            );
        }
    }

    /// deletePodHandler: the event, then addConditionAndDeletePod (DisruptionTarget condition,
    /// then DELETE).
    fn delete_pod(&mut self, ctx: &mut Ctx, key: &PodKey) {
        let node = self
            .pods
            .get(&key.0, &key.1)
            .and_then(|p| p.as_pod())
            .map(|p| p.spec.node_name.to_string())
            .unwrap_or_default();
        ctx.trace(
            Record::new(TAINT_EVICTION_COMPONENT, "TaintManagerEviction")
                .object("Pod", &key.0, &key.1)
                .node(&node)
                .detail(format!("Marking for deletion Pod {}/{}", key.0, key.1)),
        );
        let Some(pod) = self.pods.get(&key.0, &key.1).cloned() else {
            self.send_delete(ctx, key);
            return;
        };
        let mut updated = (*pod).clone();
        let mut changed = false;
        if let Body::Pod(p) = &mut updated.body {
            let cond = Condition::new(Name::new_static("DisruptionTarget"), ConditionStatus::True)
                .with_reason(
                    "DeletionByTaintManager",
                    "Taint manager: deleting due to NoExecute taint",
                );
            match p
                .status
                .conditions
                .iter_mut()
                .find(|c| c.type_ == "DisruptionTarget")
            {
                Some(c) if c.status == cond.status && c.reason() == cond.reason() => {}
                Some(c) => {
                    *c = cond.with_times(Some(ctx.now()), None);
                    changed = true;
                }
                None => {
                    p.status
                        .conditions
                        .push(cond.with_times(Some(ctx.now()), None));
                    changed = true;
                }
            }
        }
        if changed {
            let id = ctx.send(Request::UpdateStatus { object: updated });
            self.pending
                .insert(id, Pending::DisruptionTarget(key.clone()));
        } else {
            self.send_delete(ctx, key);
        }
    }

    fn send_delete(&mut self, ctx: &mut Ctx, key: &PodKey) {
        let id = ctx.send(Request::Delete {
            kind: Kind::Pod,
            namespace: key.0.clone(),
            name: key.1.clone(),
            options: DeleteOptions::default(),
        });
        self.pending.insert(id, Pending::DeletePod(key.clone()));
    }

    fn on_response(
        &mut self,
        ctx: &mut Ctx,
        pending: Pending,
        result: Result<(), (StatusReason, String)>,
    ) {
        match (pending, result) {
            (Pending::PodNotReady { pod, .. }, Ok(())) => {
                ctx.trace(
                    Record::new(COMPONENT, "NodeNotReady")
                        .object("Pod", &pod.0, &pod.1)
                        .detail("Node is not ready"),
                );
            }
            (Pending::PodNotReady { .. }, Err((StatusReason::NotFound, _))) => {}
            (Pending::PodNotReady { node, .. }, Err(_)) => {
                self.nodes_to_retry.insert(node);
            }
            // The deletion goes ahead whatever became of the condition.
            (Pending::DisruptionTarget(key), _) => self.send_delete(ctx, &key),
            (Pending::DeletePod(_), Ok(()))
            | (Pending::DeletePod(_), Err((StatusReason::NotFound, _))) => {}
            (Pending::DeletePod(key), Err(_)) => {
                // The worker failed: forget it so that a later event can schedule it again.
                self.evictions.remove(&key);
            }
            // Node writes that fail are retried by the next pass over fresher state.
            (Pending::NodeStatus, _) | (Pending::NodeTaints, _) => {}
        }
    }
}

fn trace_node(ctx: &mut Ctx, node: &Object, event: &str, detail: String) {
    ctx.trace(
        Record::new(COMPONENT, event)
            .object("Node", "", &node.meta.name)
            .node(&node.meta.name)
            .detail(detail),
    );
}

impl Component for NodeLifecycleController {
    fn start(&mut self, ctx: &mut Ctx) {
        self.nodes.start(ctx);
        self.leases.start(ctx);
        self.pods.start(ctx);
        ctx.set_timer(self.model.node_monitor_period, TAG_MONITOR);
    }

    fn handle(&mut self, ctx: &mut Ctx, msg: Message) {
        if let Some(deltas) = self.nodes.handle(ctx, &msg) {
            for d in &deltas {
                self.on_node_delta(ctx, d);
            }
            return;
        }
        if let Some(deltas) = self.pods.handle(ctx, &msg) {
            for d in &deltas {
                self.on_pod_delta(ctx, d);
            }
            return;
        }
        // Leases are read at each monitor pass; their deltas need no handling.
        if self.leases.handle(ctx, &msg).is_some() {
            return;
        }
        match msg {
            Message::Timer {
                tag: TAG_MONITOR, ..
            } => {
                // wait.Until after WaitForNamedCacheSync.
                if self.synced() {
                    self.monitor_node_health(ctx);
                }
                ctx.set_timer(self.model.node_monitor_period, TAG_MONITOR);
            }
            Message::Timer {
                tag: TAG_TAINTING_PASS,
                ..
            } => {
                self.tainting_pass_armed = false;
                self.do_no_execute_tainting_pass(ctx);
            }
            Message::Timer {
                id,
                tag: TAG_EVICTION,
            } => {
                if let Some(key) = self.eviction_timers.remove(&id) {
                    if let Some(w) = self.evictions.get_mut(&key) {
                        w.timer = None;
                    }
                    self.delete_pod(ctx, &key);
                }
            }
            Message::Response { id, result } => {
                if let Some(p) = self.pending.remove(&id) {
                    let result = result
                        .map(|_| ())
                        .map_err(|s| (s.reason, s.message.clone()));
                    self.on_response(ctx, p, result);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::TolerationOperator;

    fn toleration(key: &str, seconds: Option<i64>) -> Toleration {
        Toleration {
            key: key.into(),
            operator: TolerationOperator::Exists,
            value: Name::default(),
            effect: Some(TaintEffect::NoExecute),
            toleration_seconds: seconds,
        }
    }

    // After taint_eviction_test.go TestGetMinTolerationTime.
    #[test]
    fn min_toleration_time_cases() {
        let forever = toleration("a", None);
        let one = toleration("a", Some(1));
        let ten = toleration("a", Some(10));
        let zero = toleration("a", Some(0));
        assert_eq!(min_toleration_time(&[]), Some(0));
        assert_eq!(min_toleration_time(&[&forever]), None);
        assert_eq!(min_toleration_time(&[&ten, &one]), Some(SECOND));
        assert_eq!(min_toleration_time(&[&forever, &ten]), Some(10 * SECOND));
        assert_eq!(min_toleration_time(&[&ten, &zero]), Some(0));
    }

    #[test]
    fn matching_tolerations_needs_every_taint_tolerated() {
        let taints = [unreachable_taint(), not_ready_taint()];
        let tols = [toleration(TAINT_NODE_UNREACHABLE, Some(300))];
        assert!(!matching_tolerations(&taints, &tols).0);
        let tols = [
            toleration(TAINT_NODE_UNREACHABLE, Some(300)),
            toleration(TAINT_NODE_NOT_READY, Some(60)),
        ];
        let (all, used) = matching_tolerations(&taints, &tols);
        assert!(all);
        assert_eq!(min_toleration_time(&used), Some(60 * SECOND));
    }

    #[test]
    fn rate_limited_queue_is_unique_until_removed() {
        let mut q = RateLimitedTimedQueue::new(0.1);
        assert!(q.add(&"a".into(), 0));
        assert!(!q.add(&"a".into(), 0));
        q.queue.clear(); // processed: RemoveFromQueue keeps it in the set
        assert!(!q.add(&"a".into(), 1));
        assert!(q.remove("a"));
        assert!(q.add(&"a".into(), 2));
        assert!(q.try_accept(0));
        assert!(!q.try_accept(SECOND));
        q.swap_limiter(0.0, SECOND);
        assert!(!q.try_accept(100 * SECOND));
    }

    #[test]
    fn zone_keys() {
        let mut node = Object {
            meta: Default::default(),
            body: Body::Node(Default::default()),
        };
        assert_eq!(zone_key(&node), "");
        node.meta.labels = [
            ("topology.kubernetes.io/region", "r1"),
            ("failure-domain.beta.kubernetes.io/zone", "z1"),
        ]
        .into_iter()
        .collect();
        assert_eq!(zone_key(&node), "r1:\u{0}:z1");
    }
}
