//! The ReplicaSet controller of kube-controller-manager (pkg/controller/replicaset/replica_set.go
//! and replica_set_utils.go). It also runs ReplicationControllers, which upstream serves with
//! the same code through the adapter of pkg/controller/replication/.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use crate::api::request::{DeleteOptions, Request, Response, Status, StatusReason};
use crate::api::selector::LabelSelector;
use crate::api::types::{
    Body, Condition, ConditionStatus, Kind, Name, Object, PodTemplateSpec, ReplicaSetStatus, Uid,
};
use crate::client::{
    Component, Ctx, Delta, Informer, InformerConfig, Message, RequestId, TimerId, TokenBucket,
    WorkQueue,
};
use crate::controllers::controller_utils::{
    filter_active_pods, is_namespace_terminating, is_pod_active, is_pod_available, is_pod_ready,
    new_controller_ref, pod_from_template, pod_key, ActivePodsWithRanks, ConsistencyStore,
    SlowStart, UidTrackingControllerExpectations, WrittenResource, FAILED_CREATE_POD_REASON,
    FAILED_DELETE_POD_REASON, SLOW_START_INITIAL_BATCH_SIZE, SUCCESSFUL_CREATE_POD_REASON,
    SUCCESSFUL_DELETE_POD_REASON,
};
use crate::engine::{SimDuration, SimTime, SECOND};
use crate::model::ControllerManagerModel;
use crate::trace::Record;

/// The event source of the ReplicaSet controller (NewReplicaSetController).
pub const RS_COMPONENT: &str = "replicaset-controller";
/// The event source of the ReplicationController manager (NewReplicationManager).
pub const RC_COMPONENT: &str = "replication-controller";

/// BurstReplicas (replica_set.go): at most this many creations or deletions per sync.
pub const BURST_REPLICAS: usize = 500;
/// statusUpdateRetries (replica_set.go): one GET-and-retry after a failed status update.
const STATUS_UPDATE_RETRIES: u32 = 1;
/// The condition type of a failed create or delete (apps.ReplicaSetReplicaFailure).
pub const REPLICA_FAILURE: &str = "ReplicaFailure";

const TAG_SEND: u64 = 1;
const TAG_FINISH: u64 = 2;

/// A ReplicaSet, or a ReplicationController converted to one as upstream's adapter does
/// (its map selector becomes matchLabels).
#[derive(Clone, Debug)]
pub struct ReplicaSetView {
    pub obj: Arc<Object>,
    pub replicas: i32,
    pub selector: LabelSelector,
    pub template: Option<PodTemplateSpec>,
    pub min_ready_seconds: i32,
    pub status: ReplicaSetStatus,
}

impl ReplicaSetView {
    pub fn of(obj: &Arc<Object>) -> Option<ReplicaSetView> {
        let (replicas, selector, template, min_ready_seconds, status) = match &obj.body {
            Body::ReplicaSet(rs) => (
                rs.replicas,
                rs.selector.clone(),
                Some((*rs.template).clone()),
                rs.min_ready_seconds,
                rs.status.clone(),
            ),
            Body::ReplicationController(rc) => (
                rc.replicas,
                LabelSelector::from_match_labels(rc.selector.clone()),
                rc.template.as_deref().cloned(),
                rc.min_ready_seconds,
                rc.status.clone(),
            ),
            _ => return None,
        };
        Some(ReplicaSetView {
            obj: obj.clone(),
            replicas,
            selector,
            template,
            min_ready_seconds,
            status,
        })
    }

    pub fn key(&self) -> String {
        format!("{}/{}", self.obj.meta.namespace, self.obj.meta.name)
    }

    /// The object with its status replaced.
    pub fn with_status(obj: &Object, status: ReplicaSetStatus) -> Object {
        let mut o = obj.clone();
        match &mut o.body {
            Body::ReplicaSet(rs) => rs.status = status,
            Body::ReplicationController(rc) => rc.status = status,
            _ => {}
        }
        o
    }
}

/// calculateStatus (replica_set_utils.go): counts of the claimed active pods, and the
/// ReplicaFailure condition set on a manageReplicas error and removed after a clean one.
pub fn calculate_status(
    rs: &ReplicaSetView,
    filtered_pods: &[Arc<Object>],
    manage_replicas_err: Option<&str>,
    now: SimTime,
) -> ReplicaSetStatus {
    let mut new_status = rs.status.clone();
    let template_labels = rs
        .template
        .as_ref()
        .map(|t| t.labels.clone())
        .unwrap_or_default();
    let (mut fully_labeled, mut ready, mut available) = (0, 0, 0);
    for pod in filtered_pods {
        if pod.meta.labels.contains_all(&template_labels) {
            fully_labeled += 1;
        }
        let Some(p) = pod.as_pod() else { continue };
        if is_pod_ready(p) {
            ready += 1;
            if is_pod_available(p, rs.min_ready_seconds, now) {
                available += 1;
            }
        }
    }
    let has_failure = new_status
        .conditions
        .iter()
        .any(|c| c.type_ == REPLICA_FAILURE);
    match manage_replicas_err {
        Some(err) if !has_failure => {
            let diff = filtered_pods.len() as i64 - i64::from(rs.replicas);
            let reason = match diff.cmp(&0) {
                std::cmp::Ordering::Less => FAILED_CREATE_POD_REASON,
                std::cmp::Ordering::Greater => FAILED_DELETE_POD_REASON,
                std::cmp::Ordering::Equal => "",
            };
            // SetCondition: a new type is appended.
            new_status.conditions.push(
                Condition::new(REPLICA_FAILURE, ConditionStatus::True)
                    .with_reason(reason, err)
                    .with_times(Some(now), None),
            );
        }
        None if has_failure => new_status.conditions.retain(|c| c.type_ != REPLICA_FAILURE),
        _ => {}
    }
    new_status.replicas = filtered_pods.len() as i32;
    new_status.fully_labeled_replicas = fully_labeled;
    new_status.ready_replicas = ready;
    new_status.available_replicas = available;
    new_status
}

/// The short-circuit of updateReplicaSetStatus: nothing to write when the counts and
/// conditions are unchanged and the generation was already observed.
pub fn status_up_to_date(rs: &ReplicaSetView, new_status: &ReplicaSetStatus) -> bool {
    let s = &rs.status;
    s.replicas == new_status.replicas
        && s.fully_labeled_replicas == new_status.fully_labeled_replicas
        && s.ready_replicas == new_status.ready_replicas
        && s.available_replicas == new_status.available_replicas
        && s.terminating_replicas == new_status.terminating_replicas
        && rs.obj.meta.generation == s.observed_generation
        && s.conditions == new_status.conditions
}

/// getPodsToDelete (replica_set.go): the `diff` pods to delete first, ranked by
/// getPodsRankedByRelatedPodsOnSameNode (how many active related pods share their node).
pub fn get_pods_to_delete(
    filtered_pods: &[Arc<Object>],
    related_pods: &[Arc<Object>],
    diff: usize,
    now: SimTime,
) -> Vec<Arc<Object>> {
    let diff = diff.min(filtered_pods.len());
    if diff < filtered_pods.len() {
        let mut pods_on_node: BTreeMap<&str, i64> = BTreeMap::new();
        for p in related_pods {
            if is_pod_active(p) {
                let node = p.as_pod().map_or("", |p| p.spec.node_name.as_str());
                *pods_on_node.entry(node).or_insert(0) += 1;
            }
        }
        let rank = filtered_pods
            .iter()
            .map(|p| {
                let node = p.as_pod().map_or("", |p| p.spec.node_name.as_str());
                pods_on_node.get(node).copied().unwrap_or(0)
            })
            .collect();
        let mut ranked = ActivePodsWithRanks {
            pods: filtered_pods.iter().map(|p| &**p).collect(),
            rank,
            now,
        };
        ranked.sort();
        // Map the sorted references back to the Arcs.
        let by_ptr: Vec<(*const Object, &Arc<Object>)> =
            filtered_pods.iter().map(|p| (Arc::as_ptr(p), p)).collect();
        let mut used = vec![false; by_ptr.len()];
        let mut out = Vec::with_capacity(diff);
        for p in ranked.pods.into_iter().take(diff) {
            let i = (0..by_ptr.len())
                .find(|&i| !used[i] && std::ptr::eq(by_ptr[i].0, p))
                .expect("a sorted pod comes from the input");
            used[i] = true;
            out.push(by_ptr[i].1.clone());
        }
        return out;
    }
    filtered_pods[..diff].to_vec()
}

#[derive(Clone, Debug)]
enum ClaimAction {
    Adopt(Arc<Object>),
    Release(Arc<Object>),
}

#[derive(Clone, Debug)]
enum Op {
    /// canAdoptFunc's uncached GET of the controller.
    Recheck,
    Adopt,
    Release,
    Create,
    Delete {
        key: String,
        name: Name,
    },
    StatusUpdate,
    StatusGet,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Claim,
    Create,
    Delete,
    Status,
    Done,
}

/// One sync in flight: syncReplicaSet, spread over the replies to its requests.
struct Sync {
    started: SimTime,
    rs: ReplicaSetView,
    needs_sync: bool,
    claimed: Vec<Arc<Object>>,
    claims: VecDeque<ClaimAction>,
    can_adopt: Option<Result<(), String>>,
    /// The first error of claimPods or of the status update.
    error: Option<String>,
    manage_err: Option<String>,
    stage: Stage,
    outstanding: usize,
    slow: SlowStart,
    create_total: usize,
    create_successes: usize,
    batch_err: Option<String>,
    new_status: Option<ReplicaSetStatus>,
    status_retries: u32,
}

/// The ReplicaSet controller (or, with `Kind::ReplicationController`, the replication manager).
/// Add it on the control plane:
/// `cluster.add_component("replicaset-controller", CONTROL_PLANE,
/// Box::new(ReplicaSetController::new(Kind::ReplicaSet, model.controller_manager.clone())), None)`.
pub struct ReplicaSetController {
    kind: Kind,
    component: &'static str,
    model: ControllerManagerModel,
    workers: usize,
    controllers: Informer,
    pods: Informer,
    queue: WorkQueue<String>,
    expectations: UidTrackingControllerExpectations,
    limiter: TokenBucket,
    busy: usize,
    syncs: BTreeMap<String, Sync>,
    pending: BTreeMap<RequestId, (String, Op)>,
    delayed: BTreeMap<TimerId, (String, Request, Op)>,
    finishing: BTreeMap<TimerId, String>,
    syncs_total: u64,
    /// KEP-5647 (StaleControllerConsistencyReplicaSet): the controller's own writes per
    /// ReplicaSet; `None` with the gate off, and for ReplicationControllers, whose
    /// NewReplicationManager wires no consistency store (replica_set.go NewReplicaSetController).
    consistency: Option<ConsistencyStore>,
    /// Keys whose sync was skipped because the cache had not caught up (requeued rate-limited).
    stale: BTreeSet<String>,
    /// replicaset_controller_stale_sync_skips_total.
    stale_sync_skips: u64,
}

impl ReplicaSetController {
    /// `kind` is `Kind::ReplicaSet` or `Kind::ReplicationController`.
    pub fn new(kind: Kind, model: ControllerManagerModel) -> ReplicaSetController {
        let (component, workers) = match kind {
            Kind::ReplicationController => (RC_COMPONENT, model.concurrent_rc_syncs),
            Kind::ReplicaSet => (RS_COMPONENT, model.concurrent_replicaset_syncs),
            other => panic!("the ReplicaSet controller serves ReplicaSets and ReplicationControllers, not {other}"),
        };
        let consistency = (kind == Kind::ReplicaSet
            && model.features.stale_controller_consistency_replica_set())
        .then(ConsistencyStore::new);
        ReplicaSetController {
            kind,
            component,
            limiter: TokenBucket::new(model.kube_api_qps, model.kube_api_burst),
            workers: workers.max(1) as usize,
            model,
            controllers: Informer::new(InformerConfig::all(kind)),
            pods: Informer::new(InformerConfig::all(Kind::Pod)),
            queue: WorkQueue::new(),
            expectations: UidTrackingControllerExpectations::new(),
            busy: 0,
            syncs: BTreeMap::new(),
            pending: BTreeMap::new(),
            delayed: BTreeMap::new(),
            finishing: BTreeMap::new(),
            syncs_total: 0,
            consistency,
            stale: BTreeSet::new(),
            stale_sync_skips: 0,
        }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The trace component (the upstream event source).
    pub fn component(&self) -> &'static str {
        self.component
    }

    pub fn expectations(&self) -> &UidTrackingControllerExpectations {
        &self.expectations
    }

    /// How many syncs have started.
    pub fn syncs_total(&self) -> u64 {
        self.syncs_total
    }

    /// How many syncs were skipped, and requeued, because the informers had not yet delivered
    /// the controller's own last writes (replicaset_controller_stale_sync_skips_total).
    pub fn stale_sync_skips(&self) -> u64 {
        self.stale_sync_skips
    }

    /// The consistency store, if StaleControllerConsistencyReplicaSet applies.
    pub fn consistency_store(&self) -> Option<&ConsistencyStore> {
        self.consistency.as_ref()
    }

    /// consistencyStore.WroteAt for the ReplicaSet behind `key`.
    fn wrote_at(&mut self, key: &str, uid: Uid, resource: WrittenResource, rv: u64) {
        if let Some(c) = self.consistency.as_mut() {
            c.wrote_at(key, uid, resource, rv);
        }
    }

    fn synced(&self) -> bool {
        self.controllers.has_synced() && self.pods.has_synced()
    }

    // -----------------------------------------------------------------------------------------
    // Event handlers

    /// resolveControllerRef: the key of the controller a reference names, if cached with that UID.
    fn resolve_controller_ref(
        &self,
        namespace: &str,
        r: &crate::api::types::OwnerReference,
    ) -> Option<String> {
        if r.kind != self.kind.as_str() {
            return None;
        }
        let rs = self.controllers.get(namespace, &r.name)?;
        (rs.meta.uid == r.uid).then(|| format!("{namespace}/{}", r.name))
    }

    /// getPodReplicaSets: the controllers whose (non-empty) selector matches the pod.
    fn pod_controllers(&self, pod: &Object) -> Vec<String> {
        self.controllers
            .list()
            .filter(|o| o.meta.namespace == pod.meta.namespace)
            .filter_map(ReplicaSetView::of)
            .filter(|v| !v.selector.is_empty() && v.selector.matches(&pod.meta.labels))
            .map(|v| v.key())
            .collect()
    }

    fn on_controller_delta(&mut self, delta: &Delta) {
        match delta {
            Delta::Added(o) => self.queue.add(obj_key(o)),
            Delta::Updated { old, new } => {
                if old.meta.uid != new.meta.uid {
                    self.delete_rs(old);
                }
                self.queue.add(obj_key(new));
            }
            Delta::Deleted(o) => self.delete_rs(o),
        }
    }

    /// deleteRS: forget the writes and expectations of that incarnation (by UID), and sync.
    fn delete_rs(&mut self, o: &Object) {
        let key = obj_key(o);
        if let Some(c) = self.consistency.as_mut() {
            c.clear(&key, Some(o.meta.uid));
        }
        self.expectations.delete_expectations(&key);
        self.queue.add(key);
    }

    fn on_pod_delta(&mut self, ctx: &mut Ctx, delta: &Delta) {
        match delta {
            Delta::Added(pod) => self.add_pod(pod),
            Delta::Updated { old, new } => self.update_pod(ctx, old, new),
            Delta::Deleted(pod) => self.delete_pod(pod),
        }
    }

    /// addPod.
    fn add_pod(&mut self, pod: &Arc<Object>) {
        if pod.meta.deletion_timestamp.is_some() {
            self.delete_pod(pod);
            return;
        }
        if let Some(r) = pod.meta.controller_ref() {
            if let Some(key) = self.resolve_controller_ref(&pod.meta.namespace, r) {
                self.expectations.creation_observed(&key);
                self.queue.add(key);
            }
            return;
        }
        for key in self.pod_controllers(pod) {
            self.queue.add(key);
        }
    }

    /// updatePod.
    fn update_pod(&mut self, ctx: &mut Ctx, old: &Arc<Object>, cur: &Arc<Object>) {
        if old.meta.resource_version == cur.meta.resource_version {
            return;
        }
        let label_changed = old.meta.labels != cur.meta.labels;
        if cur.meta.deletion_timestamp.is_some() {
            self.delete_pod(cur);
            if label_changed {
                self.delete_pod(old);
            }
            return;
        }
        let cur_ref = cur.meta.controller_ref();
        let old_ref = old.meta.controller_ref();
        let ref_changed = cur_ref != old_ref;
        if ref_changed {
            if let Some(r) = old_ref {
                if let Some(key) = self.resolve_controller_ref(&old.meta.namespace, r) {
                    self.queue.add(key);
                }
            }
        }
        if let Some(r) = cur_ref {
            let Some(key) = self.resolve_controller_ref(&cur.meta.namespace, r) else {
                return;
            };
            self.queue.add(key.clone());
            let min_ready = self
                .controllers
                .get(&cur.meta.namespace, &r.name)
                .and_then(ReplicaSetView::of)
                .map_or(0, |v| v.min_ready_seconds);
            let became_ready =
                !old.as_pod().is_some_and(is_pod_ready) && cur.as_pod().is_some_and(is_pod_ready);
            if became_ready && min_ready > 0 {
                // Plus a second against clock skew, as upstream.
                let delay = min_ready as SimDuration * SECOND + SECOND;
                self.queue.add_after(ctx, key, delay);
            }
            return;
        }
        if label_changed || ref_changed {
            for key in self.pod_controllers(cur) {
                self.queue.add(key);
            }
        }
    }

    /// deletePod: a deletion (or a deletionTimestamp) observed for the pod's controller.
    fn delete_pod(&mut self, pod: &Arc<Object>) {
        let Some(r) = pod.meta.controller_ref() else {
            return;
        };
        let Some(key) = self.resolve_controller_ref(&pod.meta.namespace, r) else {
            return;
        };
        self.expectations.deletion_observed(&key, &pod_key(pod));
        self.queue.add(key);
    }

    // -----------------------------------------------------------------------------------------
    // Workers

    fn pump(&mut self, ctx: &mut Ctx) {
        if !self.synced() {
            return;
        }
        while self.busy < self.workers {
            let Some(key) = self.queue.get() else { break };
            self.busy += 1;
            self.syncs_total += 1;
            self.start_sync(ctx, key);
        }
    }

    /// syncReplicaSet, up to the first request.
    fn start_sync(&mut self, ctx: &mut Ctx, key: String) {
        let now = ctx.now();
        // consistencyStore.EnsureReady (replica_set.go syncReplicaSet, KEP-5647): while an
        // informer has not delivered this ReplicaSet's last write, do not sync; the error
        // requeues the key rate-limited.
        if let Some(c) = self.consistency.as_mut() {
            let (pods_rv, rs_rv) = (
                self.pods.last_resource_version(),
                self.controllers.last_resource_version(),
            );
            if let Err(e) = c.ensure_ready(&key, |r| match r {
                WrittenResource::Pods => Some(pods_rv),
                WrittenResource::Owner => Some(rs_rv),
            }) {
                self.stale_sync_skips += 1;
                let (ns, name) = key.split_once('/').unwrap_or(("", key.as_str()));
                ctx.trace(
                    Record::new(self.component, "StaleSyncSkipped")
                        .object(self.kind.as_str(), ns, name)
                        .detail(e.detail(&key, self.kind.resource())),
                );
                self.stale.insert(key.clone());
                self.finish(ctx, key);
                return;
            }
        }
        let (ns, name) = key.split_once('/').unwrap_or(("", key.as_str()));
        let Some(rs) = self.controllers.get(ns, name).and_then(ReplicaSetView::of) else {
            if let Some(c) = self.consistency.as_mut() {
                c.clear(&key, None);
            }
            self.expectations.delete_expectations(&key);
            self.finish_after_duration(ctx, key, now);
            return;
        };
        let needs_sync = self.expectations.satisfied_expectations(&key, now);
        let all_pods: Vec<Arc<Object>> = self
            .pods
            .list()
            .filter(|p| p.meta.namespace == ns)
            .cloned()
            .collect();
        let filtered = filter_active_pods(&all_pods);
        // ClaimPods (PodControllerRefManager): keep ours that match, release ours that no
        // longer match, adopt matching orphans.
        let uid = rs.obj.meta.uid;
        let deleting = rs.obj.meta.deletion_timestamp.is_some();
        let mut claimed = Vec::new();
        let mut claims = VecDeque::new();
        for pod in filtered {
            let matches = rs.selector.matches(&pod.meta.labels);
            match pod.meta.controller_ref() {
                Some(r) if r.uid != uid => {}
                Some(_) if matches => claimed.push(pod),
                Some(_) => {
                    if !deleting {
                        claims.push_back(ClaimAction::Release(pod));
                    }
                }
                None => {
                    if !deleting && matches && pod.meta.deletion_timestamp.is_none() {
                        claims.push_back(ClaimAction::Adopt(pod));
                    }
                }
            }
        }
        let sync = Sync {
            started: now,
            rs,
            needs_sync,
            claimed,
            claims,
            can_adopt: None,
            error: None,
            manage_err: None,
            stage: Stage::Claim,
            outstanding: 0,
            slow: SlowStart::new(0, SLOW_START_INITIAL_BATCH_SIZE),
            create_total: 0,
            create_successes: 0,
            batch_err: None,
            new_status: None,
            status_retries: STATUS_UPDATE_RETRIES,
        };
        self.syncs.insert(key.clone(), sync);
        self.claim_next(ctx, &key);
    }

    /// Sends a request through the client's token bucket.
    fn send(&mut self, ctx: &mut Ctx, key: &str, req: Request, op: Op) {
        if let Some(s) = self.syncs.get_mut(key) {
            s.outstanding += 1;
        }
        let delay = self.limiter.reserve(ctx.now());
        if delay == 0 {
            let id = ctx.send(req);
            self.pending.insert(id, (key.to_string(), op));
        } else {
            let id = ctx.set_timer(delay, TAG_SEND);
            self.delayed.insert(id, (key.to_string(), req, op));
        }
    }

    /// The claims run one after another, as upstream's ClaimObject loop does.
    fn claim_next(&mut self, ctx: &mut Ctx, key: &str) {
        loop {
            let Some(s) = self.syncs.get_mut(key) else {
                return;
            };
            let Some(action) = s.claims.pop_front() else {
                self.after_claims(ctx, key);
                return;
            };
            match action {
                ClaimAction::Adopt(pod) => match s.can_adopt.clone() {
                    None => {
                        s.claims.push_front(ClaimAction::Adopt(pod));
                        let req = Request::Get {
                            kind: self.kind,
                            namespace: s.rs.obj.meta.namespace.clone(),
                            name: s.rs.obj.meta.name.clone(),
                        };
                        self.send(ctx, key, req, Op::Recheck);
                        return;
                    }
                    Some(Err(e)) => {
                        s.error.get_or_insert(e);
                    }
                    Some(Ok(())) => {
                        let mut updated = (*pod).clone();
                        let r = new_controller_ref(&s.rs.obj);
                        updated.meta.owner_references.retain(|o| o.uid != r.uid);
                        updated.meta.owner_references.push(r);
                        self.send(ctx, key, Request::Update { object: updated }, Op::Adopt);
                        return;
                    }
                },
                ClaimAction::Release(pod) => {
                    let mut updated = (*pod).clone();
                    let uid = s.rs.obj.meta.uid;
                    updated.meta.owner_references.retain(|o| o.uid != uid);
                    self.send(ctx, key, Request::Update { object: updated }, Op::Release);
                    return;
                }
            }
        }
    }

    fn after_claims(&mut self, ctx: &mut Ctx, key: &str) {
        let Some(s) = self.syncs.get_mut(key) else {
            return;
        };
        if s.error.is_some() {
            s.stage = Stage::Done;
            self.complete(ctx, key);
            return;
        }
        if s.needs_sync && s.rs.obj.meta.deletion_timestamp.is_none() {
            self.manage_replicas(ctx, key);
        } else {
            self.update_status(ctx, key);
        }
    }

    /// manageReplicas.
    fn manage_replicas(&mut self, ctx: &mut Ctx, key: &str) {
        let now = ctx.now();
        let Some(s) = self.syncs.get_mut(key) else {
            return;
        };
        let diff = s.claimed.len() as i64 - i64::from(s.rs.replicas);
        if diff < 0 {
            let n = (diff.unsigned_abs() as usize).min(BURST_REPLICAS);
            self.expectations.expect_creations(key, n as i64, now);
            s.stage = Stage::Create;
            s.create_total = n;
            s.slow = SlowStart::new(n, SLOW_START_INITIAL_BATCH_SIZE);
            self.create_batch(ctx, key);
        } else if diff > 0 {
            let n = (diff as usize).min(BURST_REPLICAS);
            let rs = s.rs.clone();
            let related = self.indirectly_related_pods(&rs);
            let s = self.syncs.get_mut(key).expect("sync in flight");
            let victims = get_pods_to_delete(&s.claimed, &related, n, now);
            let keys: Vec<String> = victims.iter().map(|p| pod_key(p)).collect();
            self.expectations.expect_deletions(key, &keys, now);
            s.stage = Stage::Delete;
            for (pod, pkey) in victims.iter().zip(keys) {
                let req = Request::Delete {
                    kind: Kind::Pod,
                    namespace: pod.meta.namespace.clone(),
                    name: pod.meta.name.clone(),
                    options: DeleteOptions::default(),
                };
                let op = Op::Delete {
                    key: pkey,
                    name: pod.meta.name.clone(),
                };
                self.send(ctx, key, req, op);
            }
            if victims.is_empty() {
                self.update_status(ctx, key);
            }
        } else {
            self.update_status(ctx, key);
        }
    }

    /// getIndirectlyRelatedPods: the pods of every controller sharing this one's owner.
    fn indirectly_related_pods(&self, rs: &ReplicaSetView) -> Vec<Arc<Object>> {
        let Some(owner) = rs.obj.meta.controller_ref() else {
            return Vec::new();
        };
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for related in self.controllers.list() {
            if related.meta.controller_ref().map(|r| r.uid) != Some(owner.uid) {
                continue;
            }
            let Some(v) = ReplicaSetView::of(related) else {
                continue;
            };
            for pod in self.pods.list() {
                if pod.meta.namespace == related.meta.namespace
                    && v.selector.matches(&pod.meta.labels)
                    && seen.insert(pod.meta.uid)
                {
                    out.push(pod.clone());
                }
            }
        }
        out
    }

    /// One batch of slowStartBatch.
    fn create_batch(&mut self, ctx: &mut Ctx, key: &str) {
        let Some(s) = self.syncs.get_mut(key) else {
            return;
        };
        let Some(batch) = s.slow.next_batch() else {
            self.finish_creates(ctx, key);
            return;
        };
        let rs = s.rs.clone();
        let pod = match &rs.template {
            Some(t) => pod_from_template(
                t,
                &rs.obj.meta.namespace,
                &rs.obj.meta.name,
                new_controller_ref(&rs.obj),
            ),
            None => Err("unable to create pods, no template".to_string()),
        };
        match pod {
            Ok(pod) => {
                for _ in 0..batch {
                    self.send(
                        ctx,
                        key,
                        Request::Create {
                            object: pod.clone(),
                        },
                        Op::Create,
                    );
                }
            }
            Err(e) => {
                // Every call of the batch fails before reaching the API server.
                s.batch_err = Some(e);
                self.finish_creates(ctx, key);
            }
        }
    }

    fn finish_creates(&mut self, ctx: &mut Ctx, key: &str) {
        let Some(s) = self.syncs.get_mut(key) else {
            return;
        };
        // Skipped pods (never attempted, or failed) will not be observed.
        let skipped = s.create_total.saturating_sub(s.create_successes);
        for _ in 0..skipped {
            self.expectations.creation_observed(key);
        }
        s.manage_err = s.batch_err.take();
        self.update_status(ctx, key);
    }

    /// calculateStatus and updateReplicaSetStatus.
    fn update_status(&mut self, ctx: &mut Ctx, key: &str) {
        let now = ctx.now();
        let Some(s) = self.syncs.get_mut(key) else {
            return;
        };
        s.stage = Stage::Status;
        let mut new_status = calculate_status(&s.rs, &s.claimed, s.manage_err.as_deref(), now);
        if status_up_to_date(&s.rs, &new_status) {
            self.finalize(ctx, key, None);
            return;
        }
        new_status.observed_generation = s.rs.obj.meta.generation;
        let object = ReplicaSetView::with_status(&s.rs.obj, new_status.clone());
        s.new_status = Some(new_status);
        self.send(ctx, key, Request::UpdateStatus { object }, Op::StatusUpdate);
    }

    fn finalize(&mut self, ctx: &mut Ctx, key: &str, updated: Option<ReplicaSetView>) {
        let Some(s) = self.syncs.get_mut(key) else {
            return;
        };
        s.stage = Stage::Done;
        // WroteAt after updateReplicaSetStatus, which returns the cached ReplicaSet when
        // nothing changed (that version is already read).
        let (uid, rv) = (
            s.rs.obj.meta.uid,
            updated
                .as_ref()
                .map_or(s.rs.obj.meta.resource_version, |u| {
                    u.obj.meta.resource_version
                }),
        );
        self.wrote_at(key, uid, WrittenResource::Owner, rv);
        let Some(s) = self.syncs.get_mut(key) else {
            return;
        };
        let status = updated
            .as_ref()
            .map(|u| u.status.clone())
            .unwrap_or_else(|| s.rs.status.clone());
        let (replicas, min_ready) = updated
            .as_ref()
            .map_or((s.rs.replicas, s.rs.min_ready_seconds), |u| {
                (u.replicas, u.min_ready_seconds)
            });
        // Resync after minReadySeconds as a last line of defense against clock skew.
        if s.manage_err.is_none()
            && s.error.is_none()
            && min_ready > 0
            && status.ready_replicas == replicas
            && status.available_replicas != replicas
        {
            self.queue
                .add_after(ctx, key.to_string(), min_ready as SimDuration * SECOND);
        }
        self.complete(ctx, key);
    }

    /// The sync's logic is over; its worker stays busy until sync_duration has passed.
    fn complete(&mut self, ctx: &mut Ctx, key: &str) {
        let Some(s) = self.syncs.get(key) else { return };
        let started = s.started;
        self.finish_after_duration(ctx, key.to_string(), started);
    }

    fn finish_after_duration(&mut self, ctx: &mut Ctx, key: String, started: SimTime) {
        let end = started.saturating_add(self.model.sync_duration);
        let now = ctx.now();
        if end > now {
            let id = ctx.set_timer(end - now, TAG_FINISH);
            self.finishing.insert(id, key);
        } else {
            self.finish(ctx, key);
        }
    }

    /// processNextWorkItem's end: Done, then Forget or AddRateLimited.
    fn finish(&mut self, ctx: &mut Ctx, key: String) {
        let stale = self.stale.remove(&key);
        let failed = stale
            || self
                .syncs
                .remove(&key)
                .is_some_and(|s| s.error.is_some() || s.manage_err.is_some());
        self.queue.done(&key);
        if failed {
            self.queue.add_rate_limited(ctx, key);
        } else {
            self.queue.forget(&key);
        }
        self.busy = self.busy.saturating_sub(1);
    }

    // -----------------------------------------------------------------------------------------
    // Replies

    fn trace_event(&self, ctx: &mut Ctx, rs: &Object, reason: &str, detail: String) {
        ctx.trace(
            Record::new(self.component, reason)
                .object(self.kind.as_str(), &rs.meta.namespace, &rs.meta.name)
                .detail(detail),
        );
    }

    fn on_response(
        &mut self,
        ctx: &mut Ctx,
        key: String,
        op: Op,
        result: Result<Response, Status>,
    ) {
        let Some(s) = self.syncs.get_mut(&key) else {
            return;
        };
        s.outstanding = s.outstanding.saturating_sub(1);
        let rs_obj = s.rs.obj.clone();
        match op {
            Op::Recheck => {
                let verdict = match &result {
                    Ok(Response::Object(fresh)) if fresh.meta.uid != rs_obj.meta.uid => {
                        Err(format!(
                            "original {} {}/{} is gone: got uid {}, wanted {}",
                            self.kind,
                            rs_obj.meta.namespace,
                            rs_obj.meta.name,
                            fresh.meta.uid,
                            rs_obj.meta.uid
                        ))
                    }
                    Ok(Response::Object(fresh)) if fresh.meta.deletion_timestamp.is_some() => {
                        Err(format!(
                            "{} {}/{} has just been deleted at {}",
                            self.kind,
                            rs_obj.meta.namespace,
                            rs_obj.meta.name,
                            fresh.meta.deletion_timestamp.unwrap_or_default()
                        ))
                    }
                    Ok(_) => Ok(()),
                    Err(status) => Err(status.message.clone()),
                };
                s.can_adopt = Some(verdict);
                self.claim_next(ctx, &key);
            }
            Op::Adopt => {
                match result {
                    Ok(Response::Object(pod)) => {
                        // RealPodControl's OnWrite: the adopted pod names us as controller.
                        let (uid, rv) = (rs_obj.meta.uid, pod.meta.resource_version);
                        s.claimed.push(pod);
                        self.wrote_at(&key, uid, WrittenResource::Pods, rv);
                    }
                    Ok(_) => {}
                    Err(st) if st.reason == StatusReason::NotFound => {}
                    Err(st) => {
                        s.error.get_or_insert(st.message);
                    }
                }
                self.claim_next(ctx, &key);
            }
            Op::Release => {
                match result {
                    Ok(_) => {}
                    Err(st)
                        if matches!(st.reason, StatusReason::NotFound | StatusReason::Invalid) => {}
                    Err(st) => {
                        s.error.get_or_insert(st.message);
                    }
                }
                self.claim_next(ctx, &key);
            }
            Op::Create => {
                match result {
                    Ok(resp) => {
                        s.create_successes += 1;
                        let name = resp
                            .object()
                            .map(|o| o.meta.name.to_string())
                            .unwrap_or_default();
                        // RealPodControl's OnWrite (controller_utils.go createPods).
                        if let Some(pod) = resp.object() {
                            let rv = pod.meta.resource_version;
                            self.wrote_at(&key, rs_obj.meta.uid, WrittenResource::Pods, rv);
                        }
                        self.trace_event(
                            ctx,
                            &rs_obj,
                            SUCCESSFUL_CREATE_POD_REASON,
                            format!("Created pod: {name}"),
                        );
                    }
                    Err(st) if is_namespace_terminating(&st.message) => {
                        // No event, and not a failure (upstream returns nil).
                        s.create_successes += 1;
                    }
                    Err(st) => {
                        s.batch_err.get_or_insert(st.message.clone());
                        self.trace_event(
                            ctx,
                            &rs_obj,
                            FAILED_CREATE_POD_REASON,
                            format!("Error creating: {}", st.message),
                        );
                    }
                }
                let s = self.syncs.get_mut(&key).expect("sync in flight");
                if s.outstanding == 0 {
                    if s.batch_err.is_some() {
                        self.finish_creates(ctx, &key);
                    } else {
                        self.create_batch(ctx, &key);
                    }
                }
            }
            Op::Delete { key: pkey, name } => {
                match result {
                    Ok(_) => self.trace_event(
                        ctx,
                        &rs_obj,
                        SUCCESSFUL_DELETE_POD_REASON,
                        format!("Deleted pod: {name}"),
                    ),
                    Err(st) => {
                        self.expectations.deletion_observed(&key, &pkey);
                        if st.reason != StatusReason::NotFound {
                            let s = self.syncs.get_mut(&key).expect("sync in flight");
                            s.manage_err.get_or_insert(st.message.clone());
                            self.trace_event(
                                ctx,
                                &rs_obj,
                                FAILED_DELETE_POD_REASON,
                                format!("Error deleting: {}", st.message),
                            );
                        }
                    }
                }
                if self.syncs.get(&key).is_some_and(|s| s.outstanding == 0) {
                    self.update_status(ctx, &key);
                }
            }
            Op::StatusUpdate => match result {
                Ok(Response::Object(o)) => {
                    let v = ReplicaSetView::of(&o);
                    self.finalize(ctx, &key, v);
                }
                Ok(_) => self.finalize(ctx, &key, None),
                Err(st) => {
                    if s.status_retries > 0 {
                        s.status_retries -= 1;
                        let req = Request::Get {
                            kind: self.kind,
                            namespace: rs_obj.meta.namespace.clone(),
                            name: rs_obj.meta.name.clone(),
                        };
                        self.send(ctx, &key, req, Op::StatusGet);
                    } else {
                        s.error.get_or_insert(st.message);
                        s.stage = Stage::Done;
                        self.complete(ctx, &key);
                    }
                }
            },
            Op::StatusGet => match result {
                Ok(Response::Object(fresh)) => {
                    let status = s.new_status.clone().unwrap_or_default();
                    let object = ReplicaSetView::with_status(&fresh, status);
                    self.send(
                        ctx,
                        &key,
                        Request::UpdateStatus { object },
                        Op::StatusUpdate,
                    );
                }
                Ok(_) | Err(_) => {
                    let msg = match result {
                        Err(st) => st.message,
                        Ok(_) => "unexpected reply".to_string(),
                    };
                    s.error.get_or_insert(msg);
                    s.stage = Stage::Done;
                    self.complete(ctx, &key);
                }
            },
        }
    }
}

fn obj_key(o: &Object) -> String {
    format!("{}/{}", o.meta.namespace, o.meta.name)
}

impl Component for ReplicaSetController {
    fn start(&mut self, ctx: &mut Ctx) {
        self.controllers.start(ctx);
        self.pods.start(ctx);
    }

    fn handle(&mut self, ctx: &mut Ctx, msg: Message) {
        if let Some(deltas) = self.controllers.handle(ctx, &msg) {
            for d in &deltas {
                self.on_controller_delta(d);
            }
        } else if let Some(deltas) = self.pods.handle(ctx, &msg) {
            for d in &deltas {
                self.on_pod_delta(ctx, d);
            }
        } else {
            match msg {
                Message::Timer { id, tag: TAG_SEND } => {
                    if let Some((key, req, op)) = self.delayed.remove(&id) {
                        let rid = ctx.send(req);
                        self.pending.insert(rid, (key, op));
                    }
                }
                Message::Timer {
                    id,
                    tag: TAG_FINISH,
                } => {
                    if let Some(key) = self.finishing.remove(&id) {
                        self.finish(ctx, key);
                    }
                }
                Message::Timer { id, .. } => {
                    self.queue.on_timer(id);
                }
                Message::Response { id, result } => {
                    if let Some((key, op)) = self.pending.remove(&id) {
                        self.on_response(ctx, key, op, result);
                    }
                }
                _ => {}
            }
        }
        self.pump(ctx);
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;
    use crate::api::types::{ObjectMeta, Pod, PodPhase, ReplicaSet, StringMap, Uid};

    fn labels(pairs: &[(&str, &str)]) -> StringMap {
        pairs.iter().copied().collect()
    }

    /// replica_set_test.go newReplicaSet: selector from `selector`, template labelled
    /// {name: foo, type: production}.
    fn new_replica_set(replicas: i32, selector: &[(&str, &str)]) -> ReplicaSetView {
        let template = PodTemplateSpec {
            labels: labels(&[("name", "foo"), ("type", "production")]),
            ..Default::default()
        };
        let obj = Object {
            meta: ObjectMeta {
                name: "foobar".into(),
                namespace: "default".into(),
                uid: Uid(1),
                generation: 1,
                ..Default::default()
            },
            body: Body::ReplicaSet(ReplicaSet {
                replicas,
                selector: LabelSelector::from_match_labels(labels(selector)),
                template: Box::new(template),
                ..Default::default()
            }),
        };
        ReplicaSetView::of(&Arc::new(obj)).unwrap()
    }

    /// replica_set_test.go newPod: labelled with the selector; Running pods are Ready.
    fn new_pod(name: &str, rs: &ReplicaSetView, phase: PodPhase) -> Arc<Object> {
        let mut p = Pod::default();
        p.status.phase = phase;
        if phase == PodPhase::Running {
            p.status.conditions = vec![Condition::new("Ready", ConditionStatus::True)];
        }
        Arc::new(Object {
            meta: ObjectMeta {
                name: name.into(),
                namespace: "default".into(),
                labels: rs.selector.match_labels.clone(),
                owner_references: vec![new_controller_ref(&rs.obj)],
                ..Default::default()
            },
            body: Body::Pod(p),
        })
    }

    fn with(pod: &Arc<Object>, f: impl FnOnce(&mut Object)) -> Arc<Object> {
        let mut o = (**pod).clone();
        f(&mut o);
        Arc::new(o)
    }

    fn node(node: &str) -> impl FnOnce(&mut Object) + '_ {
        move |o: &mut Object| {
            if let Body::Pod(p) = &mut o.body {
                p.spec.node_name = node.into();
            }
        }
    }

    // replica_set_utils_test.go TestCalculateStatus.
    #[test]
    fn calculate_status_cases() {
        let label_map = [("name", "foo")];
        let full = [("name", "foo"), ("type", "production")];
        let not_fully = new_replica_set(1, &label_map);
        let fully = new_replica_set(2, &full);
        let mut long_min_ready = new_replica_set(1, &full);
        long_min_ready.min_ready_seconds = 3600;
        let run = PodPhase::Running;
        // (name, rs, pods, replicas, fullyLabeled, ready, available)
        let cases: Vec<(&str, &ReplicaSetView, Vec<Arc<Object>>, [i32; 4])> = vec![
            (
                "1 fully labelled pod",
                &fully,
                vec![new_pod("pod1", &fully, run)],
                [1, 1, 1, 1],
            ),
            (
                "1 not fully labelled pod",
                &not_fully,
                vec![new_pod("pod1", &not_fully, run)],
                [1, 0, 1, 1],
            ),
            (
                "2 fully labelled pods",
                &fully,
                vec![new_pod("pod1", &fully, run), new_pod("pod2", &fully, run)],
                [2, 2, 2, 2],
            ),
            (
                "2 not fully labelled pods",
                &not_fully,
                vec![
                    new_pod("pod1", &not_fully, run),
                    new_pod("pod2", &not_fully, run),
                ],
                [2, 0, 2, 2],
            ),
            (
                "1 fully labelled pod, 1 not fully labelled pod",
                &not_fully,
                vec![
                    new_pod("pod1", &not_fully, run),
                    new_pod("pod2", &fully, run),
                ],
                [2, 1, 2, 2],
            ),
            (
                "1 non-ready pod",
                &fully,
                vec![new_pod("pod1", &fully, PodPhase::Pending)],
                [1, 1, 0, 0],
            ),
            (
                "1 ready but non-available pod",
                &long_min_ready,
                vec![new_pod("pod1", &long_min_ready, run)],
                [1, 1, 1, 0],
            ),
        ];
        for (name, rs, pods, want) in cases {
            let s = calculate_status(rs, &pods, None, 1000 * SECOND);
            let got = [
                s.replicas,
                s.fully_labeled_replicas,
                s.ready_replicas,
                s.available_replicas,
            ];
            assert_eq!(got, want, "{name}");
            assert!(s.conditions.is_empty(), "{name}");
        }
    }

    // replica_set_utils_test.go TestCalculateStatusConditions.
    #[test]
    fn calculate_status_conditions() {
        let label_map = [("name", "foo")];
        let rs = new_replica_set(2, &label_map);
        let mut failure_rs = new_replica_set(10, &label_map);
        failure_rs
            .status
            .conditions
            .push(Condition::new(REPLICA_FAILURE, ConditionStatus::True));
        let run = PodPhase::Running;
        let err = Some("fake manageReplicasErr");
        // (name, rs, pods, err, expected (reason, message) or None)
        let one = |rs: &ReplicaSetView| vec![new_pod("pod1", rs, run)];
        let three = vec![
            new_pod("pod1", &rs, run),
            new_pod("pod2", &rs, run),
            new_pod("pod3", &rs, run),
        ];
        let cases: Vec<(
            &str,
            &ReplicaSetView,
            Vec<Arc<Object>>,
            Option<&str>,
            Option<(&str, &str)>,
        )> = vec![
            (
                "manageReplicasErr != nil && failureCond == nil, diff < 0",
                &rs,
                one(&rs),
                err,
                Some(("FailedCreate", "fake manageReplicasErr")),
            ),
            (
                "manageReplicasErr != nil && failureCond == nil, diff > 0",
                &rs,
                three,
                err,
                Some(("FailedDelete", "fake manageReplicasErr")),
            ),
            (
                "manageReplicasErr == nil && failureCond != nil",
                &failure_rs,
                one(&failure_rs),
                None,
                None,
            ),
            (
                "manageReplicasErr != nil && failureCond != nil",
                &failure_rs,
                one(&failure_rs),
                err,
                Some(("", "")),
            ),
            (
                "manageReplicasErr == nil && failureCond == nil",
                &rs,
                one(&rs),
                None,
                None,
            ),
        ];
        for (name, rs, pods, err, want) in cases {
            let s = calculate_status(rs, &pods, err, 5);
            match want {
                None => assert!(s.conditions.is_empty(), "{name}"),
                Some((reason, message)) => {
                    assert_eq!(s.conditions.len(), 1, "{name}");
                    let c = &s.conditions[0];
                    assert_eq!(
                        (c.type_.as_str(), c.status, c.reason(), c.message()),
                        (REPLICA_FAILURE, ConditionStatus::True, reason, message),
                        "{name}"
                    );
                }
            }
        }
    }

    // replica_set_test.go TestGetPodsToDelete.
    #[test]
    fn get_pods_to_delete_cases() {
        let rs = new_replica_set(1, &[("name", "foo")]);
        let ready = |o: &mut Object| {
            if let Body::Pod(p) = &mut o.body {
                p.status.conditions = vec![Condition::new("Ready", ConditionStatus::True)];
            }
        };
        let unscheduled_pending = new_pod("unscheduled-pending-pod", &rs, PodPhase::Pending);
        let scheduled_pending = with(
            &new_pod("scheduled-pending-pod", &rs, PodPhase::Pending),
            node("fake-node"),
        );
        let not_ready = with(
            &with(
                &new_pod("scheduled-running-not-ready-pod", &rs, PodPhase::Running),
                node("fake-node"),
            ),
            |o| {
                if let Body::Pod(p) = &mut o.body {
                    p.status.conditions = vec![Condition::new("Ready", ConditionStatus::False)];
                }
            },
        );
        let on_node1 = with(
            &with(
                &new_pod(
                    "scheduled-running-ready-pod-on-node-1",
                    &rs,
                    PodPhase::Running,
                ),
                node("fake-node-1"),
            ),
            ready,
        );
        let on_node2 = with(
            &with(
                &new_pod(
                    "scheduled-running-ready-pod-on-node-2",
                    &rs,
                    PodPhase::Running,
                ),
                node("fake-node-2"),
            ),
            ready,
        );
        type Case<'a> = (
            &'a str,
            Vec<&'a Arc<Object>>,
            Option<Vec<&'a Arc<Object>>>,
            usize,
            Vec<&'a Arc<Object>>,
        );
        let cases: Vec<Case> = vec![
            (
                "len(pods) = 0 (i.e., diff = 0 too)",
                vec![],
                None,
                0,
                vec![],
            ),
            (
                "diff = len(pods)",
                vec![&not_ready, &on_node1],
                None,
                2,
                vec![&not_ready, &on_node1],
            ),
            (
                "diff < len(pods)",
                vec![&on_node1, &not_ready],
                None,
                1,
                vec![&not_ready],
            ),
            (
                "various pod phases and conditions, diff = len(pods)",
                vec![
                    &on_node1,
                    &on_node1,
                    &on_node2,
                    &not_ready,
                    &scheduled_pending,
                    &unscheduled_pending,
                ],
                None,
                6,
                vec![
                    &on_node1,
                    &on_node1,
                    &on_node2,
                    &not_ready,
                    &scheduled_pending,
                    &unscheduled_pending,
                ],
            ),
            (
                "various pod phases and conditions, diff = len(pods), relatedPods empty",
                vec![
                    &on_node1,
                    &on_node1,
                    &on_node2,
                    &not_ready,
                    &scheduled_pending,
                    &unscheduled_pending,
                ],
                Some(vec![]),
                6,
                vec![
                    &on_node1,
                    &on_node1,
                    &on_node2,
                    &not_ready,
                    &scheduled_pending,
                    &unscheduled_pending,
                ],
            ),
            (
                "scheduled vs unscheduled, diff < len(pods)",
                vec![&scheduled_pending, &unscheduled_pending],
                None,
                1,
                vec![&unscheduled_pending],
            ),
            (
                "ready vs not-ready, diff < len(pods)",
                vec![&on_node1, &not_ready, &not_ready],
                None,
                2,
                vec![&not_ready, &not_ready],
            ),
            (
                "ready and colocated with another ready pod vs not colocated, diff < len(pods)",
                vec![&on_node1, &on_node2],
                Some(vec![&on_node1, &on_node2, &on_node2]),
                1,
                vec![&on_node2],
            ),
            (
                "pending vs running, diff < len(pods)",
                vec![&scheduled_pending, &not_ready],
                None,
                1,
                vec![&scheduled_pending],
            ),
            (
                "various pod phases and conditions, diff < len(pods)",
                vec![
                    &on_node1,
                    &on_node2,
                    &not_ready,
                    &scheduled_pending,
                    &unscheduled_pending,
                ],
                None,
                3,
                vec![&unscheduled_pending, &scheduled_pending, &not_ready],
            ),
        ];
        for (name, pods, related, diff, want) in cases {
            let pods: Vec<Arc<Object>> = pods.into_iter().cloned().collect();
            let related: Vec<Arc<Object>> = match related {
                Some(r) => r.into_iter().cloned().collect(),
                None => pods.clone(),
            };
            let got = get_pods_to_delete(&pods, &related, diff, 1000 * SECOND);
            let got: Vec<&str> = got.iter().map(|p| p.meta.name.as_str()).collect();
            let want: Vec<&str> = want.iter().map(|p| p.meta.name.as_str()).collect();
            assert_eq!(got, want, "{name}");
        }
    }

    // replica_set_test.go TestGetPodKeys.
    #[test]
    fn pod_keys() {
        let rs = new_replica_set(1, &[("name", "foo")]);
        let pods = [
            new_pod("pod1", &rs, PodPhase::Running),
            new_pod("pod2", &rs, PodPhase::Running),
        ];
        let keys: Vec<String> = pods.iter().map(|p| pod_key(p)).collect();
        assert_eq!(keys, vec!["default/pod1", "default/pod2"]);
    }

    #[test]
    fn status_up_to_date_needs_observed_generation() {
        let rs = new_replica_set(1, &[("name", "foo")]);
        let s = calculate_status(&rs, &[], None, 0);
        // generation 1, observedGeneration 0: a write is due even with equal counts.
        assert!(!status_up_to_date(&rs, &s));
        let mut rs2 = rs.clone();
        rs2.status.observed_generation = 1;
        assert!(status_up_to_date(&rs2, &s));
    }

    #[test]
    fn replication_controllers_are_viewed_as_replica_sets() {
        let rc = Object {
            meta: ObjectMeta {
                name: "rc".into(),
                namespace: "default".into(),
                ..Default::default()
            },
            body: Body::ReplicationController(crate::api::types::ReplicationController {
                replicas: 3,
                selector: labels(&[("app", "web")]),
                ..Default::default()
            }),
        };
        let v = ReplicaSetView::of(&Arc::new(rc)).unwrap();
        assert_eq!(v.replicas, 3);
        assert!(v.selector.matches(&labels(&[("app", "web"), ("x", "y")])));
        assert!(v.template.is_none());
        let c = ReplicaSetController::new(Kind::ReplicationController, Default::default());
        assert_eq!(c.component(), "replication-controller");
        let c = ReplicaSetController::new(Kind::ReplicaSet, Default::default());
        assert_eq!(c.component(), "replicaset-controller");
    }
}
