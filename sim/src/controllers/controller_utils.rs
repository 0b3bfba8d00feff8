//! The helpers kube-controller-manager's workload controllers share, after
//! pkg/controller/controller_utils.go (expectations, active-pod filtering and ordering, pod
//! creation from a template) and the slow-start batching of pkg/controller/replicaset.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use crate::api::types::{
    find_condition, Body, ConditionStatus, Kind, Object, ObjectMeta, OwnerReference, Pod, PodPhase,
    PodTemplateSpec,
};
use crate::engine::{SimDuration, SimTime, MINUTE, SECOND};

/// ExpectationsTimeout (controller_utils.go): expectations a controller waits on expire after
/// five minutes, so that a lost watch event cannot put it to sleep for ever.
pub const EXPECTATIONS_TIMEOUT: SimDuration = 5 * MINUTE;

/// SlowStartInitialBatchSize (controller_utils.go): the first batch of a slow start.
pub const SLOW_START_INITIAL_BATCH_SIZE: usize = 1;

/// The event reasons of pod control (controller_utils.go).
pub const FAILED_CREATE_POD_REASON: &str = "FailedCreate";
pub const SUCCESSFUL_CREATE_POD_REASON: &str = "SuccessfulCreate";
pub const FAILED_DELETE_POD_REASON: &str = "FailedDelete";
pub const SUCCESSFUL_DELETE_POD_REASON: &str = "SuccessfulDelete";

/// core.PodDeletionCost: the annotation that ranks pods of one ReplicaSet for deletion.
pub const POD_DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";

// ---------------------------------------------------------------------------------------------
// Expectations

/// ControlleeExpectations: the creations and deletions one controller still waits to observe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlleeExpectations {
    pub add: i64,
    pub del: i64,
    /// When the expectations were set (their TTL runs from here).
    pub timestamp: SimTime,
}

impl ControlleeExpectations {
    /// Fulfilled: nothing more to observe.
    pub fn fulfilled(&self) -> bool {
        self.add <= 0 && self.del <= 0
    }
}

/// ControllerExpectations: the expectations of each controller, keyed by its `namespace/name`
/// key, with upstream's TTL (settable for tests, as NewFakeControllerExpectationsLookup does).
#[derive(Clone, Debug)]
pub struct ControllerExpectations {
    ttl: SimDuration,
    store: BTreeMap<String, ControlleeExpectations>,
}

impl Default for ControllerExpectations {
    fn default() -> Self {
        ControllerExpectations::new()
    }
}

impl ControllerExpectations {
    pub fn new() -> Self {
        Self::with_ttl(EXPECTATIONS_TIMEOUT)
    }

    pub fn with_ttl(ttl: SimDuration) -> Self {
        ControllerExpectations {
            ttl,
            store: BTreeMap::new(),
        }
    }

    /// GetExpectations: the (add, del) counts, if the controller has expectations.
    pub fn get_expectations(&self, key: &str) -> Option<(i64, i64)> {
        self.store.get(key).map(|e| (e.add, e.del))
    }

    /// DeleteExpectations.
    pub fn delete_expectations(&mut self, key: &str) {
        self.store.remove(key);
    }

    /// SatisfiedExpectations: true when the expectations are fulfilled, expired, or absent.
    pub fn satisfied_expectations(&self, key: &str, now: SimTime) -> bool {
        match self.store.get(key) {
            Some(e) => e.fulfilled() || self.is_expired(e, now),
            None => true,
        }
    }

    fn is_expired(&self, e: &ControlleeExpectations, now: SimTime) -> bool {
        now.saturating_sub(e.timestamp) > self.ttl
    }

    /// SetExpectations: replaces whatever the controller expected.
    pub fn set_expectations(&mut self, key: &str, add: i64, del: i64, now: SimTime) {
        self.store.insert(
            key.to_string(),
            ControlleeExpectations {
                add,
                del,
                timestamp: now,
            },
        );
    }

    pub fn expect_creations(&mut self, key: &str, adds: i64, now: SimTime) {
        self.set_expectations(key, adds, 0, now);
    }

    pub fn expect_deletions(&mut self, key: &str, dels: i64, now: SimTime) {
        self.set_expectations(key, 0, dels, now);
    }

    /// LowerExpectations (a no-op without expectations).
    pub fn lower_expectations(&mut self, key: &str, add: i64, del: i64) {
        if let Some(e) = self.store.get_mut(key) {
            e.add -= add;
            e.del -= del;
        }
    }

    /// RaiseExpectations (a no-op without expectations).
    pub fn raise_expectations(&mut self, key: &str, add: i64, del: i64) {
        if let Some(e) = self.store.get_mut(key) {
            e.add += add;
            e.del += del;
        }
    }

    pub fn creation_observed(&mut self, key: &str) {
        self.lower_expectations(key, 1, 0);
    }

    pub fn deletion_observed(&mut self, key: &str) {
        self.lower_expectations(key, 0, 1);
    }
}

/// UIDTrackingControllerExpectations: expectations that also remember which pods (by
/// `namespace/name` key, as upstream's PodKey) a deletion is expected for, so that a graceful
/// deletion (deletionTimestamp set) and the final DELETE are counted once.
#[derive(Clone, Debug, Default)]
pub struct UidTrackingControllerExpectations {
    pub expectations: ControllerExpectations,
    uids: BTreeMap<String, BTreeSet<String>>,
}

impl UidTrackingControllerExpectations {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_ttl(ttl: SimDuration) -> Self {
        UidTrackingControllerExpectations {
            expectations: ControllerExpectations::with_ttl(ttl),
            uids: BTreeMap::new(),
        }
    }

    /// GetUIDs: the pod keys whose deletion is still expected.
    pub fn get_uids(&self, key: &str) -> Option<&BTreeSet<String>> {
        self.uids.get(key)
    }

    pub fn get_expectations(&self, key: &str) -> Option<(i64, i64)> {
        self.expectations.get_expectations(key)
    }

    pub fn satisfied_expectations(&self, key: &str, now: SimTime) -> bool {
        self.expectations.satisfied_expectations(key, now)
    }

    pub fn expect_creations(&mut self, key: &str, adds: i64, now: SimTime) {
        self.expectations.expect_creations(key, adds, now);
    }

    pub fn creation_observed(&mut self, key: &str) {
        self.expectations.creation_observed(key);
    }

    /// ExpectDeletions: records the pods whose deletion the controller waits for.
    pub fn expect_deletions(&mut self, key: &str, pod_keys: &[String], now: SimTime) {
        let set: BTreeSet<String> = pod_keys.iter().cloned().collect();
        let n = set.len() as i64;
        self.uids.insert(key.to_string(), set);
        self.expectations.expect_deletions(key, n, now);
    }

    /// DeletionObserved: counts the deletion once, and only for an expected pod.
    pub fn deletion_observed(&mut self, key: &str, pod_key: &str) {
        if let Some(set) = self.uids.get_mut(key) {
            if set.remove(pod_key) {
                self.expectations.deletion_observed(key);
            }
        }
    }

    /// DeleteExpectations: forgets both the counts and the pod keys.
    pub fn delete_expectations(&mut self, key: &str) {
        self.expectations.delete_expectations(key);
        self.uids.remove(key);
    }
}

// ---------------------------------------------------------------------------------------------
// Pods: activity, readiness, ordering

/// PodKey: `namespace/name`.
pub fn pod_key(pod: &Object) -> String {
    format!("{}/{}", pod.meta.namespace, pod.meta.name)
}

/// IsPodActive: neither Succeeded nor Failed, and not being deleted.
pub fn is_pod_active(pod: &Object) -> bool {
    let phase = pod.as_pod().map(|p| p.status.phase);
    !matches!(phase, Some(PodPhase::Succeeded) | Some(PodPhase::Failed))
        && pod.meta.deletion_timestamp.is_none()
}

/// FilterActivePods.
pub fn filter_active_pods<T: AsRef<Object> + Clone>(pods: &[T]) -> Vec<T> {
    pods.iter()
        .filter(|p| is_pod_active(p.as_ref()))
        .cloned()
        .collect()
}

/// IsPodTerminating: not finished but being deleted.
pub fn is_pod_terminating(pod: &Object) -> bool {
    let phase = pod.as_pod().map(|p| p.status.phase);
    !matches!(phase, Some(PodPhase::Succeeded) | Some(PodPhase::Failed))
        && pod.meta.deletion_timestamp.is_some()
}

/// podutil.IsPodReady: the Ready condition is True.
pub fn is_pod_ready(pod: &Pod) -> bool {
    find_condition(&pod.status.conditions, "Ready")
        .is_some_and(|c| c.status == ConditionStatus::True)
}

/// podutil.IsPodAvailable: ready for longer than minReadySeconds (strictly) at `now`.
pub fn is_pod_available(pod: &Pod, min_ready_seconds: i32, now: SimTime) -> bool {
    if !is_pod_ready(pod) {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    let ltt = find_condition(&pod.status.conditions, "Ready").and_then(|c| c.last_transition_time);
    match ltt {
        Some(t) if t != 0 => t + min_ready_seconds as u64 * SECOND < now,
        _ => false,
    }
}

fn phase_ordinal(phase: PodPhase) -> u8 {
    // podPhaseToOrdinal: Pending 0, Unknown 1, Running 2; the rest are absent (0).
    match phase {
        PodPhase::Pending => 0,
        PodPhase::Unknown => 1,
        PodPhase::Running => 2,
        PodPhase::Succeeded | PodPhase::Failed => 0,
    }
}

/// The Ready condition's lastTransitionTime of a ready pod; 0 (Go's zero time) otherwise.
fn pod_ready_time(pod: &Pod) -> SimTime {
    if is_pod_ready(pod) {
        find_condition(&pod.status.conditions, "Ready")
            .and_then(|c| c.last_transition_time)
            .unwrap_or(0)
    } else {
        0
    }
}

fn max_container_restarts(pod: &Pod) -> i32 {
    pod.status
        .container_statuses
        .iter()
        .map(|c| c.restart_count)
        .max()
        .unwrap_or(0)
        .max(0)
}

/// GetDeletionCostFromPodAnnotations: the annotation as an int32, 0 when absent or invalid.
pub fn pod_deletion_cost(meta: &ObjectMeta) -> i32 {
    meta.annotations
        .get(POD_DELETION_COST)
        .and_then(|v| v.parse::<i32>().ok())
        .unwrap_or(0)
}

/// afterOrZero: the zero time (0 here) comes first, then the later time.
fn after_or_zero(t1: SimTime, t2: SimTime) -> bool {
    if t1 == 0 || t2 == 0 {
        return t1 == 0;
    }
    t1 > t2
}

/// logarithmicRankDiff: floor(log2) of each age in nanoseconds (-1 for none), subtracted.
/// Integer log2 stands in for Go's float math.Log2; they differ only for ages within a
/// rounding error of a power of two above 2^53 ns.
fn logarithmic_rank_diff(t1: SimTime, t2: SimTime, now: SimTime) -> i64 {
    let rank = |t: SimTime| -> i64 {
        let d = now.saturating_sub(t);
        if d > 0 {
            i64::from(d.ilog2())
        } else {
            -1
        }
    };
    rank(t1) - rank(t2)
}

fn pod_of(o: &Object) -> &Pod {
    static EMPTY: std::sync::OnceLock<Pod> = std::sync::OnceLock::new();
    o.as_pod()
        .unwrap_or_else(|| EMPTY.get_or_init(Pod::default))
}

/// ActivePods.Less (controller_utils.go): true if `a` should be deleted before `b`, without
/// ranks: unassigned < assigned; Pending < Unknown < Running; not ready < ready; ready for a
/// shorter time first; more restarts first; newer first.
pub fn active_pods_less(a: &Object, b: &Object) -> bool {
    let (pa, pb) = (pod_of(a), pod_of(b));
    let (na, nb) = (&pa.spec.node_name, &pb.spec.node_name);
    if na != nb && (na.is_empty() || nb.is_empty()) {
        return na.is_empty();
    }
    let (oa, ob) = (
        phase_ordinal(pa.status.phase),
        phase_ordinal(pb.status.phase),
    );
    if oa != ob {
        return oa < ob;
    }
    let (ra, rb) = (is_pod_ready(pa), is_pod_ready(pb));
    if ra != rb {
        return !ra;
    }
    if ra && rb {
        let (ta, tb) = (pod_ready_time(pa), pod_ready_time(pb));
        if ta != tb {
            return after_or_zero(ta, tb);
        }
    }
    let (ca, cb) = (max_container_restarts(pa), max_container_restarts(pb));
    if ca != cb {
        return ca > cb;
    }
    let (ta, tb) = (a.meta.creation_timestamp, b.meta.creation_timestamp);
    if ta != tb {
        return after_or_zero(ta, tb);
    }
    false
}

/// ActivePodsWithRanks (controller_utils.go): pods with a rank each (for the ReplicaSet
/// controller, how many related active pods share the pod's node) and the reference time of
/// the logarithmic comparisons (0: compare without scaling). Sorting puts the pods to delete
/// first. PodDeletionCost and LogarithmicScaleDown are on, as by default upstream.
pub struct ActivePodsWithRanks<'a> {
    pub pods: Vec<&'a Object>,
    pub rank: Vec<i64>,
    pub now: SimTime,
}

impl<'a> ActivePodsWithRanks<'a> {
    /// ActivePodsWithRanks.Less.
    pub fn less(&self, i: usize, j: usize) -> bool {
        ranked_less(
            self.pods[i],
            self.rank[i],
            self.pods[j],
            self.rank[j],
            self.now,
        )
    }

    /// sort.Sort; stable here, so that equivalent pods keep their order (deterministic).
    pub fn sort(&mut self) {
        let mut idx: Vec<usize> = (0..self.pods.len()).collect();
        idx.sort_by(|&i, &j| {
            if self.less(i, j) {
                Ordering::Less
            } else if self.less(j, i) {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        });
        self.pods = idx.iter().map(|&i| self.pods[i]).collect();
        self.rank = idx.iter().map(|&i| self.rank[i]).collect();
    }
}

fn ranked_less(a: &Object, rank_a: i64, b: &Object, rank_b: i64, now: SimTime) -> bool {
    let (pa, pb) = (pod_of(a), pod_of(b));
    // 1. Unassigned < assigned.
    let (na, nb) = (&pa.spec.node_name, &pb.spec.node_name);
    if na != nb && (na.is_empty() || nb.is_empty()) {
        return na.is_empty();
    }
    // 2. PodPending < PodUnknown < PodRunning.
    let (oa, ob) = (
        phase_ordinal(pa.status.phase),
        phase_ordinal(pb.status.phase),
    );
    if oa != ob {
        return oa < ob;
    }
    // 3. Not ready < ready.
    let (ra, rb) = (is_pod_ready(pa), is_pod_ready(pb));
    if ra != rb {
        return !ra;
    }
    // 4. Lower pod-deletion-cost < higher.
    let (ca, cb) = (pod_deletion_cost(&a.meta), pod_deletion_cost(&b.meta));
    if ca != cb {
        return ca < cb;
    }
    // 5. Doubled up < not doubled up.
    if rank_a != rank_b {
        return rank_a > rank_b;
    }
    // 6. Been ready for empty time < less time < more time (logarithmic scale).
    if ra && rb {
        let (ta, tb) = (pod_ready_time(pa), pod_ready_time(pb));
        if ta != tb {
            if now == 0 || ta == 0 || tb == 0 {
                return after_or_zero(ta, tb);
            }
            let diff = logarithmic_rank_diff(ta, tb, now);
            if diff == 0 {
                return a.meta.uid < b.meta.uid;
            }
            return diff < 0;
        }
    }
    // 7. Higher restart counts < lower.
    let (xa, xb) = (max_container_restarts(pa), max_container_restarts(pb));
    if xa != xb {
        return xa > xb;
    }
    // 8. Empty creation time < newer < older (logarithmic scale).
    let (ta, tb) = (a.meta.creation_timestamp, b.meta.creation_timestamp);
    if ta != tb {
        if now == 0 || ta == 0 || tb == 0 {
            return after_or_zero(ta, tb);
        }
        let diff = logarithmic_rank_diff(ta, tb, now);
        if diff == 0 {
            return a.meta.uid < b.meta.uid;
        }
        return diff < 0;
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Slow start

/// slowStartBatch (replica_set.go): calls `f` `count` times in batches of `initial`, 2x, 4x,
/// ... (each batch runs whole); after a batch with a failure no further batch starts.
/// Returns the successes and the first error.
pub fn slow_start_batch<E>(
    count: usize,
    initial: usize,
    mut f: impl FnMut() -> Result<(), E>,
) -> (usize, Option<E>) {
    let mut s = SlowStart::new(count, initial);
    let mut successes = 0;
    while let Some(batch) = s.next_batch() {
        let mut first_err = None;
        for _ in 0..batch {
            match f() {
                Ok(()) => successes += 1,
                Err(e) => {
                    if first_err.is_none() {
                        first_err = Some(e);
                    }
                }
            }
        }
        if first_err.is_some() {
            return (successes, first_err);
        }
    }
    (successes, None)
}

/// The batch sizes of slowStartBatch, for controllers whose calls complete asynchronously:
/// take a batch, run it to completion, and take the next only if it all succeeded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlowStart {
    remaining: usize,
    /// The size of the last batch handed out (0 before the first).
    batch: usize,
    initial: usize,
}

impl SlowStart {
    pub fn new(count: usize, initial: usize) -> SlowStart {
        SlowStart {
            remaining: count,
            batch: 0,
            initial,
        }
    }

    /// The size of the next batch (it counts as started), or None when all are handed out.
    pub fn next_batch(&mut self) -> Option<usize> {
        let size = if self.batch == 0 {
            self.initial.min(self.remaining)
        } else {
            (2 * self.batch).min(self.remaining)
        };
        if size == 0 {
            return None;
        }
        self.batch = size;
        self.remaining -= size;
        Some(size)
    }

    /// Calls not yet handed out in a batch.
    pub fn remaining(&self) -> usize {
        self.remaining
    }
}

// ---------------------------------------------------------------------------------------------
// Pod control

/// metav1.NewControllerRef: an owner reference with controller and blockOwnerDeletion set.
pub fn new_controller_ref(owner: &Object) -> OwnerReference {
    let kind = owner.kind();
    OwnerReference {
        api_version: kind.api_version().into(),
        kind: kind.as_str().into(),
        name: owner.meta.name.clone(),
        uid: owner.meta.uid,
        controller: true,
        block_owner_deletion: true,
    }
}

/// getPodsPrefix: pods of a controller are named `<controller>-` plus a random suffix.
pub fn pods_prefix(controller_name: &str) -> String {
    format!("{controller_name}-")
}

/// GetPodFromTemplate: a pod made from the template (labels, annotations, spec) with the
/// controller's reference, named by generateName in the controller's namespace. Fails as
/// upstream's createPods does when the template has no labels.
pub fn pod_from_template(
    template: &PodTemplateSpec,
    namespace: &str,
    controller_name: &str,
    controller_ref: OwnerReference,
) -> Result<Object, String> {
    if template.labels.is_empty() {
        return Err("unable to create pods, no labels".to_string());
    }
    let meta = ObjectMeta {
        generate_name: pods_prefix(controller_name).into(),
        namespace: namespace.into(),
        labels: template.labels.clone(),
        annotations: template.annotations.clone(),
        owner_references: vec![controller_ref],
        ..ObjectMeta::default()
    };
    Ok(Object {
        meta,
        body: Body::Pod(Pod {
            spec: template.spec.clone(),
            status: Default::default(),
        }),
    })
}

/// Whether an API error is the namespace-terminating cause (NamespaceTerminatingCause), on
/// which pod control neither records an event nor counts a failure.
pub fn is_namespace_terminating(message: &str) -> bool {
    message.contains("because it is being terminated")
}

/// The kind a controller's owner reference names, for resolveControllerRef.
pub fn owner_ref_is(r: &OwnerReference, kind: Kind) -> bool {
    r.kind == kind.as_str()
}

// ---------------------------------------------------------------------------------------------
// KEP-5647 consistency store (pkg/controller/util/consistency/consistency.go)

/// The resources a consistency store tracks writes to (upstream's schema.GroupResource).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum WrittenResource {
    /// Pods the owner created or adopted.
    Pods,
    /// The owner object itself (its status).
    Owner,
}

/// EnsureReady's error: the cache of `resource` has read up to `read_rv`, short of the
/// owner's last write at `wrote_rv` (consistency.go ConsistencyError).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsistencyError {
    pub resource: WrittenResource,
    pub wrote_rv: u64,
    pub read_rv: u64,
}

impl ConsistencyError {
    /// The trace row's text: `cache for NS/NAME (pods) is stale: expected RV >= 120, got 117`;
    /// `owner_resource` names the owner's resource (`replicasets.apps`, `jobs.batch`).
    pub fn detail(&self, key: &str, owner_resource: &str) -> String {
        let resource = match self.resource {
            WrittenResource::Pods => "pods",
            WrittenResource::Owner => owner_resource,
        };
        format!(
            "cache for {key} ({resource}) is stale: expected RV >= {}, got {}",
            self.wrote_rv, self.read_rv
        )
    }
}

impl std::fmt::Display for ConsistencyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "read version: {} is not as new as written version: {} for {:?}",
            self.read_rv, self.wrote_rv, self.resource
        )
    }
}

/// One owner's record: its UID and, per resource, the newest resourceVersion it wrote.
#[derive(Clone, Debug)]
struct OwnerRecord {
    owner_uid: crate::api::types::Uid,
    versions: BTreeMap<WrittenResource, u64>,
}

/// RealConsistencyStore (KEP-5647): a controller's own writes per owner (`namespace/name`),
/// so that a sync can wait until its informers have delivered them. Resource versions are
/// etcd revisions here, so "as new as" is a plain integer comparison.
#[derive(Clone, Debug, Default)]
pub struct ConsistencyStore {
    writes: BTreeMap<String, OwnerRecord>,
}

impl ConsistencyStore {
    pub fn new() -> ConsistencyStore {
        ConsistencyStore::default()
    }

    /// WroteAt: remembers `rv` if it is the owner's newest write to `resource`. A record for
    /// another UID under the same name (a recreated owner) is replaced. Version 0 is not a
    /// write (upstream skips versions it cannot compare).
    pub fn wrote_at(
        &mut self,
        owner: &str,
        owner_uid: crate::api::types::Uid,
        resource: WrittenResource,
        rv: u64,
    ) {
        if rv == 0 {
            return;
        }
        let record = self
            .writes
            .entry(owner.to_string())
            .or_insert_with(|| OwnerRecord {
                owner_uid,
                versions: BTreeMap::new(),
            });
        if record.owner_uid != owner_uid {
            *record = OwnerRecord {
                owner_uid,
                versions: BTreeMap::new(),
            };
        }
        let v = record.versions.entry(resource).or_insert(rv);
        *v = (*v).max(rv);
    }

    /// Clear: forgets the owner if its record has `owner_uid` (or for any UID with `None`).
    pub fn clear(&mut self, owner: &str, owner_uid: Option<crate::api::types::Uid>) {
        if self
            .writes
            .get(owner)
            .is_some_and(|r| owner_uid.is_none_or(|u| r.owner_uid == u))
        {
            self.writes.remove(owner);
        }
    }

    /// EnsureReady: `Ok` once every cache has read at least the owner's newest write to it
    /// (the record is then dropped, as upstream clears it); `read_rv` gives each cache's
    /// LastStoreSyncResourceVersion, 0 or `None` when unknown (never blocks, as upstream's "").
    pub fn ensure_ready(
        &mut self,
        owner: &str,
        read_rv: impl Fn(WrittenResource) -> Option<u64>,
    ) -> Result<(), ConsistencyError> {
        let Some(record) = self.writes.get(owner) else {
            return Ok(());
        };
        for (&resource, &wrote_rv) in &record.versions {
            let Some(read) = read_rv(resource).filter(|&r| r > 0) else {
                continue;
            };
            if wrote_rv > read {
                return Err(ConsistencyError {
                    resource,
                    wrote_rv,
                    read_rv: read,
                });
            }
        }
        self.writes.remove(owner);
        Ok(())
    }

    /// How many owners have writes not yet known to be read.
    pub fn len(&self) -> usize {
        self.writes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;
    use crate::api::types::{Condition, ContainerState, ContainerStatus, StringMap, Uid};
    use crate::engine::MINUTE as MIN;

    const HOUR: SimDuration = 60 * MIN;

    const DAY: SimDuration = 24 * HOUR;

    fn pod(
        name: &str,
        node: &str,
        phase: PodPhase,
        ready: Option<SimTime>,
        restarts: i32,
        created: SimTime,
        annotations: &[(&str, &str)],
    ) -> Object {
        let mut p = Pod::default();
        p.spec.node_name = node.into();
        p.status.phase = phase;
        if let Some(since) = ready {
            p.status.conditions = vec![Condition::new("Ready", ConditionStatus::True)
                .with_times((since != 0).then_some(since), None)];
            p.status.container_statuses = vec![ContainerStatus {
                name: "c".into(),
                image: "i".into(),
                ready: true,
                started: Some(true),
                restart_count: restarts,
                state: ContainerState::Running { started_at: 0 },
                last_state: None,
            }];
        }
        Object {
            meta: ObjectMeta {
                name: name.into(),
                namespace: "default".into(),
                creation_timestamp: created,
                annotations: annotations.iter().copied().collect::<StringMap>(),
                ..ObjectMeta::default()
            },
            body: Body::Pod(p),
        }
    }

    // controller_utils_test.go TestControllerExpectations (ttl 30s, adds 10, dels 30).
    #[test]
    fn controller_expectations() {
        let ttl = 30 * SECOND;
        let mut e = ControllerExpectations::with_ttl(ttl);
        let key = "default/foobar";
        let now = 1000 * SECOND;
        e.set_expectations(key, 10, 30, now);
        for _ in 0..11 {
            e.creation_observed(key);
        }
        assert!(
            !e.satisfied_expectations(key, now),
            "Rc will sync before expectations are met"
        );
        for _ in 0..31 {
            e.deletion_observed(key);
        }
        // "Expectations have been surpassed"
        assert_eq!(e.get_expectations(key), Some((-1, -1)));
        assert!(e.satisfied_expectations(key, now));
        // "Old expectations are cleared because of ttl"
        e.set_expectations(key, 1, 2, now);
        assert_eq!(e.get_expectations(key), Some((1, 2)));
        assert!(!e.satisfied_expectations(key, now));
        assert!(!e.satisfied_expectations(key, now + ttl));
        assert!(
            e.satisfied_expectations(key, now + ttl + 1),
            "Expectations should have expired but didn't"
        );
        // Absent expectations never block a sync.
        assert!(e.satisfied_expectations("default/other", now));
        assert_eq!(EXPECTATIONS_TIMEOUT, 300 * SECOND);
    }

    // controller_utils_test.go TestUIDExpectations.
    #[test]
    fn uid_expectations() {
        let mut u = UidTrackingControllerExpectations::new();
        for n in [2usize, 1, 0, 5] {
            let key = format!("default/rc-{n}");
            let pods: Vec<String> = (0..5).map(|i| format!("default/pod{i}-rc-{n}")).collect();
            u.expect_deletions(&key, &pods, 0);
            assert!(!u.satisfied_expectations(&key, 0));
            for p in &pods {
                u.deletion_observed(&key, p);
                // Observed twice (deletionTimestamp, then DELETE): counted once.
                u.deletion_observed(&key, p);
            }
            assert_eq!(u.get_expectations(&key), Some((0, 0)));
            assert!(u.satisfied_expectations(&key, 0));
            u.delete_expectations(&key);
            assert!(u.get_uids(&key).is_none());
        }
    }

    // controller_utils_test.go TestActivePodFiltering.
    #[test]
    fn active_pod_filtering() {
        let mk = |name: &str, phase| pod(name, "", phase, None, 0, 0, &[]);
        let mut deleting = mk("pod-6", PodPhase::Running);
        deleting.meta.deletion_timestamp = Some(5);
        let pods: Vec<std::sync::Arc<Object>> = [
            mk("pod-1", PodPhase::Succeeded),
            mk("pod-2", PodPhase::Failed),
            mk("pod-3", PodPhase::Pending),
            mk("pod-4", PodPhase::Running),
            mk("pod-5", PodPhase::Unknown),
            deleting,
        ]
        .into_iter()
        .map(std::sync::Arc::new)
        .collect();
        let got: Vec<String> = filter_active_pods(&pods)
            .iter()
            .map(|p| p.meta.name.to_string())
            .collect();
        assert_eq!(got, vec!["pod-3", "pod-4", "pod-5"]);
        assert_eq!(pods.iter().filter(|p| is_pod_terminating(p)).count(), 1);
    }

    // controller_utils_test.go TestSortingActivePods "Sorts by active pod".
    #[test]
    fn sorting_active_pods() {
        let now = 60 * DAY;
        let then = now - 30 * DAY;
        let run = PodPhase::Running;
        let mut no_ltt = pod(
            "runningNoLastTransitionTime",
            "foo",
            run,
            Some(0),
            3,
            0,
            &[],
        );
        let mut with_ltt = pod(
            "runningWithLastTransitionTime",
            "foo",
            run,
            Some(now),
            3,
            0,
            &[],
        );
        let mut longer = pod("runningLongerTime", "foo", run, Some(then), 3, 0, &[]);
        let lower = pod(
            "lowerContainerRestartCount",
            "foo",
            run,
            Some(then),
            2,
            now,
            &[],
        );
        let oldest = pod("oldest", "foo", run, Some(then), 2, then, &[]);
        for p in [&mut no_ltt, &mut with_ltt, &mut longer] {
            let Body::Pod(pp) = &mut p.body else {
                unreachable!()
            };
            pp.status
                .container_statuses
                .push(pp.status.container_statuses[0].clone());
            pp.status.container_statuses[1].restart_count = 0;
        }
        let want = vec![
            pod("unscheduled", "", PodPhase::Pending, None, 0, 0, &[]),
            pod(
                "scheduledButPending",
                "bar",
                PodPhase::Pending,
                None,
                0,
                0,
                &[],
            ),
            pod("unknownPhase", "foo", PodPhase::Unknown, None, 0, 0, &[]),
            pod("runningButNotReady", "foo", run, None, 0, 0, &[]),
            no_ltt,
            with_ltt,
            longer,
            lower,
            oldest,
        ];
        let names: Vec<&str> = want.iter().map(|p| p.meta.name.as_str()).collect();
        // Every rotation and the reverse sort to the same order (upstream shuffles 20 times).
        for r in 0..want.len() {
            let mut pods: Vec<&Object> = want.iter().collect();
            pods.rotate_left(r);
            if r % 2 == 1 {
                pods.reverse();
            }
            pods.sort_by(|a, b| {
                if active_pods_less(a, b) {
                    Ordering::Less
                } else if active_pods_less(b, a) {
                    Ordering::Greater
                } else {
                    Ordering::Equal
                }
            });
            let got: Vec<&str> = pods.iter().map(|p| p.meta.name.as_str()).collect();
            assert_eq!(got, names);
        }
    }

    // controller_utils_test.go TestSortingActivePodsWithRanks.
    #[test]
    fn sorting_active_pods_with_ranks() {
        let now = 60 * DAY;
        let then_1_month = now - 30 * DAY;
        let then_2_hours = now - 2 * HOUR;
        let then_5_hours = now - 5 * HOUR;
        let then_8_hours = now - 8 * HOUR;
        let zero = 0;
        let run = PodPhase::Running;
        let p = |name, node, phase, ready: bool, restarts, since, created, ann: &[(&str, &str)]| {
            pod(
                name,
                node,
                phase,
                ready.then_some(since),
                restarts,
                created,
                ann,
            )
        };
        let unscheduled = p(
            "unscheduled",
            "",
            PodPhase::Pending,
            false,
            0,
            zero,
            zero,
            &[],
        );
        let pending = p(
            "pending",
            "node",
            PodPhase::Pending,
            false,
            0,
            zero,
            zero,
            &[],
        );
        let unknown = p(
            "unknown-phase",
            "node",
            PodPhase::Unknown,
            false,
            0,
            zero,
            zero,
            &[],
        );
        let not_ready = p("not-ready", "node", run, false, 0, zero, zero, &[]);
        let ready_no_ltt = p(
            "ready-no-last-transition-time",
            "node",
            run,
            true,
            0,
            zero,
            zero,
            &[],
        );
        let ready_now = p("ready-now", "node", run, true, 0, now, now, &[]);
        let ready_then = p(
            "ready-then",
            "node",
            run,
            true,
            0,
            then_1_month,
            then_1_month,
            &[],
        );
        let high_restarts = p(
            "ready-high-restarts",
            "node",
            run,
            true,
            9001,
            now,
            now,
            &[],
        );
        let now_created_then = p(
            "ready-now-created-then",
            "node",
            run,
            true,
            0,
            now,
            then_1_month,
            &[],
        );
        let low_cost = p(
            "low-deletion-cost",
            "node",
            run,
            true,
            0,
            now,
            then_1_month,
            &[(POD_DELETION_COST, "10")],
        );
        let high_cost = p(
            "high-deletion-cost",
            "node",
            run,
            true,
            0,
            now,
            then_1_month,
            &[(POD_DELETION_COST, "100")],
        );
        let unsched_5h = p(
            "unscheduled-5-hours",
            "",
            PodPhase::Pending,
            false,
            0,
            then_5_hours,
            then_5_hours,
            &[],
        );
        let unsched_8h = p(
            "unscheduled-10-hours",
            "",
            PodPhase::Pending,
            false,
            0,
            then_8_hours,
            then_8_hours,
            &[],
        );
        let ready_2h = p(
            "ready-2-hours",
            "",
            run,
            true,
            0,
            then_2_hours,
            then_1_month,
            &[],
        );
        let ready_5h = p(
            "ready-5-hours",
            "",
            run,
            true,
            0,
            then_5_hours,
            then_1_month,
            &[],
        );
        let ready_10h = p(
            "ready-10-hours",
            "",
            run,
            true,
            0,
            then_8_hours,
            then_1_month,
            &[],
        );

        // Equality tests.
        let equal: Vec<(&Object, &Object)> = vec![
            (&unscheduled, &unscheduled),
            (&pending, &pending),
            (&unknown, &unknown),
            (&not_ready, &not_ready),
            (&now_created_then, &now_created_then),
            (&ready_now, &ready_now),
            (&ready_then, &ready_then),
            (&high_restarts, &high_restarts),
            (&unsched_5h, &unsched_8h),
            (&ready_5h, &ready_10h),
        ];
        for (i, (a, b)) in equal.into_iter().enumerate() {
            let s = ActivePodsWithRanks {
                pods: vec![a, b],
                rank: vec![1, 1],
                now,
            };
            assert!(
                !s.less(0, 1) && !s.less(1, 0),
                "Equality tests {i}: expected pod {:?} to be equivalent to {:?}",
                a.meta.name,
                b.meta.name
            );
        }
        // Inequality tests (the one with PodDeletionCost disabled is left out: the gate is on).
        let unequal: Vec<((&Object, i64), (&Object, i64))> = vec![
            ((&unscheduled, 1), (&pending, 2)),
            ((&unscheduled, 2), (&pending, 1)),
            ((&pending, 1), (&unknown, 2)),
            ((&unknown, 1), (&not_ready, 2)),
            ((&not_ready, 1), (&ready_no_ltt, 1)),
            ((&ready_no_ltt, 1), (&ready_now, 1)),
            ((&ready_now, 2), (&ready_no_ltt, 1)),
            ((&ready_now, 1), (&ready_then, 1)),
            ((&ready_now, 2), (&ready_then, 1)),
            ((&high_restarts, 1), (&ready_now, 1)),
            ((&ready_now, 2), (&high_restarts, 1)),
            ((&ready_now, 1), (&now_created_then, 1)),
            ((&now_created_then, 2), (&ready_now, 1)),
            ((&low_cost, 2), (&high_cost, 1)),
            ((&ready_2h, 1), (&ready_5h, 1)),
        ];
        for (i, ((a, ra), (b, rb))) in unequal.into_iter().enumerate() {
            let s = ActivePodsWithRanks {
                pods: vec![a, b],
                rank: vec![ra, rb],
                now,
            };
            assert!(
                s.less(0, 1),
                "Inequality tests {i}: {:?} < {:?}",
                a.meta.name,
                b.meta.name
            );
            assert!(
                !s.less(1, 0),
                "Inequality tests {i}: !({:?} < {:?})",
                b.meta.name,
                a.meta.name
            );
        }
    }

    #[test]
    fn logarithmic_ties_break_by_uid() {
        let now = 60 * DAY;
        let mut a = pod("a", "n", PodPhase::Running, Some(now - 5 * HOUR), 0, 1, &[]);
        let mut b = pod("b", "n", PodPhase::Running, Some(now - 8 * HOUR), 0, 1, &[]);
        a.meta.uid = Uid(2);
        b.meta.uid = Uid(1);
        let s = ActivePodsWithRanks {
            pods: vec![&a, &b],
            rank: vec![0, 0],
            now,
        };
        assert!(s.less(1, 0) && !s.less(0, 1));
        // Without a reference time the exact times decide: the later ready time first.
        let s = ActivePodsWithRanks { now: 0, ..s };
        assert!(s.less(0, 1));
    }

    // replica_set_test.go TestSlowStartBatch.
    #[test]
    fn slow_start_batch_cases() {
        // (name, count, callLimit, expectedSuccesses, expectErr, expectedCallCnt)
        let cases = [
            ("callLimit = 0 (all fail)", 10, 0, 0, true, 1),
            ("callLimit = count (all succeed)", 10, 10, 10, false, 10),
            ("callLimit < count (some succeed)", 10, 5, 5, true, 7),
        ];
        for (name, count, limit, want_ok, want_err, want_calls) in cases {
            let mut calls = 0;
            let (ok, err) = slow_start_batch(count, SLOW_START_INITIAL_BATCH_SIZE, || {
                calls += 1;
                if calls > limit {
                    Err("fake error")
                } else {
                    Ok(())
                }
            });
            assert_eq!(ok, want_ok, "{name}");
            assert_eq!(err.is_some(), want_err, "{name}");
            assert_eq!(calls, want_calls, "{name}");
        }
        let mut s = SlowStart::new(10, 1);
        let sizes: Vec<usize> = std::iter::from_fn(|| s.next_batch()).collect();
        assert_eq!(sizes, vec![1, 2, 4, 3]);
        assert_eq!(SlowStart::new(0, 1).next_batch(), None);
    }

    // controller_utils_test.go TestCreatePodsWithGenerateName (the pod sent).
    #[test]
    fn pod_from_template_sets_owner_and_generate_name() {
        let mut owner = Object {
            meta: ObjectMeta {
                name: "foobar".into(),
                namespace: "default".into(),
                uid: Uid(7),
                ..ObjectMeta::default()
            },
            body: Body::ReplicationController(Default::default()),
        };
        let r = new_controller_ref(&owner);
        assert_eq!(
            (
                r.api_version.as_str(),
                r.kind.as_str(),
                r.controller,
                r.block_owner_deletion
            ),
            ("v1", "ReplicationController", true, true)
        );
        let mut t = PodTemplateSpec::default();
        assert!(pod_from_template(&t, "default", "foobar", r.clone()).is_err());
        t.labels = [("name", "foo"), ("type", "production")]
            .into_iter()
            .collect();
        t.annotations = [("a", "b")].into_iter().collect();
        let p = pod_from_template(&t, "default", "foobar", r.clone()).unwrap();
        assert_eq!(p.meta.generate_name, "foobar-");
        assert_eq!(p.meta.labels, t.labels);
        assert_eq!(p.meta.annotations, t.annotations);
        assert_eq!(p.meta.owner_references, vec![r]);
        owner.body = Body::ReplicaSet(Default::default());
        assert_eq!(new_controller_ref(&owner).api_version, "apps/v1");
    }

    /// After consistency.go's RealConsistencyStore: newest write wins, a recreated owner
    /// replaces the record, EnsureReady blocks until every cache has read the writes and
    /// then clears, Clear respects the UID, unknown read versions never block.
    #[test]
    fn consistency_store() {
        use WrittenResource::{Owner, Pods};
        let (a, b) = (Uid(1), Uid(2));
        let mut c = ConsistencyStore::new();
        c.wrote_at("ns/rs", a, Pods, 10);
        c.wrote_at("ns/rs", a, Pods, 7); // older: ignored
        c.wrote_at("ns/rs", a, Owner, 12);
        c.wrote_at("ns/rs", a, Owner, 0); // not a write
        let read = |p: u64, o: u64| move |r| Some(if r == Pods { p } else { o });
        assert_eq!(
            c.ensure_ready("ns/rs", read(9, 20)),
            Err(ConsistencyError {
                resource: Pods,
                wrote_rv: 10,
                read_rv: 9
            })
        );
        assert_eq!(
            c.ensure_ready("ns/rs", read(10, 11))
                .map_err(|e| e.wrote_rv),
            Err(12)
        );
        assert_eq!(c.len(), 1);
        // Unknown (0) read versions do not block.
        assert_eq!(c.ensure_ready("ns/rs", read(10, 0)), Ok(()));
        assert!(c.is_empty(), "cleared once ready");
        assert_eq!(c.ensure_ready("ns/other", read(0, 0)), Ok(()));

        c.wrote_at("ns/rs", a, Pods, 30);
        c.wrote_at("ns/rs", b, Pods, 5); // recreated under the same name
        assert_eq!(c.ensure_ready("ns/rs", read(6, 6)), Ok(()));
        c.wrote_at("ns/rs", b, Pods, 40);
        c.clear("ns/rs", Some(a)); // another incarnation's delete
        assert_eq!(c.len(), 1);
        c.clear("ns/rs", Some(b));
        assert!(c.is_empty());
        c.wrote_at("ns/rs", b, Pods, 40);
        c.clear("ns/rs", None);
        assert!(c.is_empty());
    }
}
