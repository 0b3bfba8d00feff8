//! The Job controller of kube-controller-manager (pkg/controller/job/job_controller.go) with its
//! pod-failure back-off (pkg/controller/job/backoff_utils.go): NonIndexed Jobs, pods tracked
//! with the `batch.kubernetes.io/job-tracking` finalizer.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::api::request::{DeleteOptions, Request, Response, Status, StatusReason};
use crate::api::types::{
    find_condition, Body, Condition, ConditionStatus, ContainerState, Job, Kind, Name, Object,
    ObjectMeta, OwnerReference, Pod, PodPhase, PodReplacementPolicy, RestartPolicy, Uid,
};
use crate::client::{
    Component, Ctx, Delta, Informer, InformerConfig, ItemExponentialBackoff, Message, RequestId,
    TimerId, WorkQueue,
};
use crate::controllers::controller_utils::{
    is_pod_active, is_pod_ready, is_pod_terminating, ConsistencyStore, WrittenResource,
};
use crate::engine::{SimDuration, SimTime, MINUTE, SECOND};
use crate::features::FeatureGates;
use crate::model::ControllerManagerModel;
use crate::trace::Record;

/// The trace component of the Job controller's rows.
pub const COMPONENT: &str = "job-controller";
/// batch.JobTrackingFinalizer: keeps a Job's pod until the controller has counted it.
pub const JOB_TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";
/// DefaultJobPodFailureBackOff (job_controller.go): the first re-creation delay after a failure.
pub const DEFAULT_JOB_POD_FAILURE_BACKOFF: SimDuration = 10 * SECOND;
/// MaxJobPodFailureBackOff (job_controller.go).
pub const MAX_JOB_POD_FAILURE_BACKOFF: SimDuration = 10 * MINUTE;
/// DefaultJobApiBackOff / MaxJobApiBackOff: the workqueue's per-key retry back-off.
pub const DEFAULT_JOB_API_BACKOFF: SimDuration = SECOND;
pub const MAX_JOB_API_BACKOFF: SimDuration = MINUTE;
/// syncJobBatchPeriod: pod events are batched into one sync per second.
pub const SYNC_JOB_BATCH_PERIOD: SimDuration = SECOND;
/// MaxPodCreateDeletePerSync.
pub const MAX_POD_CREATE_DELETE_PER_SYNC: i32 = 500;

/// Labels the controller puts on its pods (batch.ControllerUidLabel, batch.JobNameLabel and
/// their legacy forms).
pub const LABEL_CONTROLLER_UID: &str = "batch.kubernetes.io/controller-uid";
pub const LABEL_JOB_NAME: &str = "batch.kubernetes.io/job-name";
const LEGACY_LABEL_CONTROLLER_UID: &str = "controller-uid";
const LEGACY_LABEL_JOB_NAME: &str = "job-name";

/// Job condition types and reasons (k8s.io/api/batch/v1 types.go).
pub const JOB_COMPLETE: &str = "Complete";
pub const JOB_FAILED: &str = "Failed";
pub const JOB_FAILURE_TARGET: &str = "FailureTarget";
pub const JOB_SUCCESS_CRITERIA_MET: &str = "SuccessCriteriaMet";
pub const REASON_BACKOFF_LIMIT_EXCEEDED: &str = "BackoffLimitExceeded";
pub const REASON_DEADLINE_EXCEEDED: &str = "DeadlineExceeded";
pub const REASON_COMPLETIONS_REACHED: &str = "CompletionsReached";
pub const MESSAGE_BACKOFF_LIMIT: &str = "Job has reached the specified backoff limit";
pub const MESSAGE_DEADLINE: &str = "Job was active longer than specified deadline";
pub const MESSAGE_COMPLETIONS_REACHED: &str = "Reached expected number of succeeded pods";

type JobKey = (Name, Name);

// ---------------------------------------------------------------------------------------------
// backoff_utils.go

/// backoffRecord: consecutive failures since the last success, and when the last one was.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BackoffRecord {
    pub failures_after_last_success: i32,
    pub last_failure_time: Option<SimTime>,
}

impl BackoffRecord {
    /// backoffStore.newBackoffRecord: the record after these newly finished pods, given by
    /// their finish times.
    pub fn next(&self, new_succeeded: &[SimTime], new_failed: &[SimTime]) -> BackoffRecord {
        let mut succeeded = new_succeeded.to_vec();
        let mut failed = new_failed.to_vec();
        succeeded.sort_unstable();
        failed.sort_unstable();
        let mut b = self.clone();
        match (succeeded.last(), failed.last()) {
            (None, None) => b,
            (None, Some(&last)) => {
                b.failures_after_last_success += failed.len() as i32;
                b.last_failure_time = Some(last);
                b
            }
            (Some(_), None) => BackoffRecord::default(),
            (Some(&last_success), Some(_)) => {
                b = BackoffRecord::default();
                for &t in failed.iter().rev() {
                    if t <= last_success {
                        break;
                    }
                    b.last_failure_time.get_or_insert(t);
                    b.failures_after_last_success += 1;
                }
                b
            }
        }
    }

    /// backoffRecord.getRemainingTime.
    pub fn remaining_time(
        &self,
        now: SimTime,
        default: SimDuration,
        max: SimDuration,
    ) -> SimDuration {
        remaining_time_for_failures(
            now,
            default,
            max,
            self.failures_after_last_success,
            self.last_failure_time,
        )
    }
}

/// getRemainingTimeForFailuresCount: `default * 2^(failures-1)` capped at `max`, minus the
/// time since the last failure.
pub fn remaining_time_for_failures(
    now: SimTime,
    default: SimDuration,
    max: SimDuration,
    failures: i32,
    last_failure: Option<SimTime>,
) -> SimDuration {
    if failures <= 0 {
        return 0;
    }
    let mut backoff = default;
    for _ in 1..failures {
        backoff = backoff.saturating_mul(2);
        if backoff >= max {
            backoff = max;
            break;
        }
    }
    let elapsed = now.saturating_sub(last_failure.unwrap_or(now));
    backoff.saturating_sub(elapsed)
}

/// getFinishedTime: the latest container finish when all containers terminated, else the
/// Ready=False transition, else deletionTimestamp minus the grace period, else creation.
pub fn finished_time(obj: &Object) -> SimTime {
    let Some(pod) = obj.as_pod() else {
        return obj.meta.creation_timestamp;
    };
    let mut latest: Option<SimTime> = None;
    let mut all = !pod.status.container_statuses.is_empty();
    for cs in &pod.status.container_statuses {
        match &cs.state {
            ContainerState::Terminated { finished_at, .. } if *finished_at > 0 => {
                latest = Some(latest.map_or(*finished_at, |l| l.max(*finished_at)));
            }
            _ => all = false,
        }
    }
    if all {
        if let Some(t) = latest {
            return t;
        }
    }
    if let Some(c) = find_condition(&pod.status.conditions, "Ready") {
        if c.status == ConditionStatus::False {
            if let Some(t) = c.last_transition_time.filter(|t| *t > 0) {
                return t;
            }
        }
    }
    if let Some(ts) = obj.meta.deletion_timestamp {
        let grace = obj.meta.deletion_grace_period_seconds.unwrap_or(0).max(0) as u64;
        return ts.saturating_sub(grace * SECOND);
    }
    obj.meta.creation_timestamp
}

// ---------------------------------------------------------------------------------------------
// Pod classification

fn pod_of(obj: &Object) -> &Pod {
    obj.as_pod().expect("a pod")
}

fn is_terminal(obj: &Object) -> bool {
    matches!(
        pod_of(obj).status.phase,
        PodPhase::Succeeded | PodPhase::Failed
    )
}

fn has_tracking_finalizer(obj: &Object) -> bool {
    obj.meta
        .finalizers
        .iter()
        .any(|f| f == JOB_TRACKING_FINALIZER)
}

/// onlyReplaceFailedPods (no podFailurePolicy in kubesim). `replacement_gate` is the
/// JobPodReplacementPolicy feature gate: without it spec.podReplacementPolicy is ignored and
/// the Job behaves as TerminatingOrFailed (job_controller.go onlyReplaceFailedPods).
fn only_replace_failed_pods(job: &Job, replacement_gate: bool) -> bool {
    replacement_gate && job.pod_replacement_policy == Some(PodReplacementPolicy::Failed)
}

/// isPodFailed: a Failed pod, or (unless only failed pods are replaced) a deleted pod that did
/// not succeed — orphans never reach the Failed phase.
pub fn is_pod_failed(obj: &Object, job: &Job, replacement_gate: bool) -> bool {
    let phase = pod_of(obj).status.phase;
    if only_replace_failed_pods(job, replacement_gate) {
        return phase == PodPhase::Failed;
    }
    phase == PodPhase::Failed
        || (obj.meta.deletion_timestamp.is_some() && phase != PodPhase::Succeeded)
}

/// delayTerminalCondition (job_controller.go, since 1.31): with JobManagedBy or
/// JobPodReplacementPolicy the controller first sets FailureTarget / SuccessCriteriaMet and
/// adds Failed / Complete only once no pod is left running or terminating. JobManagedBy is not
/// a modelled gate: it is taken at its default (beta, on, from 1.32).
pub fn delay_terminal_condition(features: &FeatureGates) -> bool {
    features.minor >= 31 && (features.job_pod_replacement_policy() || features.minor >= 32)
}

/// getNewFinishedPods: pods that still carry the tracking finalizer, are not counted already
/// (`counted`: status written, finalizer removal pending) and finished.
pub fn new_finished_pods<'a>(
    job: &Job,
    pods: &[&'a Arc<Object>],
    counted: &BTreeSet<Uid>,
    replacement_gate: bool,
) -> (Vec<&'a Arc<Object>>, Vec<&'a Arc<Object>>) {
    let valid = |p: &&&Arc<Object>| has_tracking_finalizer(p) && !counted.contains(&p.meta.uid);
    let succeeded = pods
        .iter()
        .filter(valid)
        .filter(|p| pod_of(p).status.phase == PodPhase::Succeeded)
        .copied()
        .collect();
    let failed = pods
        .iter()
        .filter(valid)
        .filter(|p| is_pod_failed(p, job, replacement_gate))
        .copied()
        .collect();
    (succeeded, failed)
}

/// pastBackoffLimitOnFailure: with restartPolicy OnFailure, container restarts of running and
/// pending pods count against the backoff limit.
pub fn past_backoff_limit_on_failure(job: &Job, pods: &[&Arc<Object>]) -> bool {
    if job.template.spec.restart_policy != RestartPolicy::OnFailure {
        return false;
    }
    let restarts: i32 = pods
        .iter()
        .map(|o| pod_of(o))
        .filter(|p| matches!(p.status.phase, PodPhase::Running | PodPhase::Pending))
        .flat_map(|p| {
            p.status
                .container_statuses
                .iter()
                .chain(p.status.rare.init_container_statuses.iter())
        })
        .map(|c| c.restart_count)
        .sum();
    if job.backoff_limit == 0 {
        restarts > 0
    } else {
        restarts >= job.backoff_limit
    }
}

/// pastActiveDeadline.
pub fn past_active_deadline(job: &Job, now: SimTime) -> bool {
    match (job.active_deadline_seconds, job.status.start_time) {
        (Some(s), Some(start)) if !job.suspend => {
            now.saturating_sub(start) >= s.max(0) as u64 * SECOND
        }
        _ => false,
    }
}

/// The number of pods the Job wants running (manageJob's wantActive, NonIndexed).
pub fn want_active(job: &Job, active: i32, succeeded: i32) -> i32 {
    match job.completions {
        None if succeeded > 0 => active,
        None => job.parallelism,
        Some(c) => (c - succeeded).clamp(0, job.parallelism.max(0)),
    }
}

/// Whether a condition of this type is True.
fn has_condition(job: &Job, type_: &str) -> bool {
    find_condition(&job.status.conditions, type_).is_some_and(|c| c.status == ConditionStatus::True)
}

/// IsJobFinished: Complete or Failed is True.
pub fn is_job_finished(job: &Job) -> bool {
    has_condition(job, JOB_COMPLETE) || has_condition(job, JOB_FAILED)
}

/// controller.ActivePods ranking, reduced to what kubesim models: unassigned < assigned,
/// Pending < Running, not ready < ready, newer < older. The first are deleted first.
fn removal_rank(obj: &Object) -> (bool, u8, bool, std::cmp::Reverse<SimTime>) {
    let p = pod_of(obj);
    let phase = match p.status.phase {
        PodPhase::Pending => 0,
        PodPhase::Unknown => 1,
        _ => 2,
    };
    (
        !p.spec.node_name.is_empty(),
        phase,
        is_pod_ready(pod_of(obj)),
        std::cmp::Reverse(obj.meta.creation_timestamp),
    )
}

/// Sets a condition the way job_controller.go's ensureJobConditionStatus does: a transition
/// changes the time, the same status only refreshes reason and message.
fn set_condition(job: &mut Job, type_: &str, reason: &str, message: &str, now: SimTime) {
    match job.status.conditions.iter_mut().find(|c| c.type_ == type_) {
        Some(c) if c.status == ConditionStatus::True => c.set_reason(reason, message),
        Some(c) => {
            *c = Condition::new(Name::from(type_), ConditionStatus::True)
                .with_reason(reason, message)
                .with_times(Some(now), Some(now));
        }
        None => job.status.conditions.push(
            Condition::new(Name::from(type_), ConditionStatus::True)
                .with_reason(reason, message)
                .with_times(Some(now), Some(now)),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// pkg/controller/util/consistency (KEP-5647): read-your-own-writes for a controller's cache

// ---------------------------------------------------------------------------------------------
// The controller

/// The timer tag of a worker's end of sync (after `syncDuration`).
const TAG_FINISH: u64 = 2;

/// What the controller remembers of one Job between syncs.
#[derive(Default)]
struct JobState {
    /// ControllerExpectations: creates sent and not yet seen in the pod informer.
    expect_adds: i32,
    /// Deletes sent and not yet observed (by pod key).
    expect_dels: BTreeSet<JobKey>,
    backoff: BackoffRecord,
    /// Finished pods already counted in a written status whose finalizer removal has not been
    /// observed yet (upstream's expectedRmFinalizers with uncountedTerminatedPods).
    counted: BTreeSet<Uid>,
    /// The Job as the last status write returned it (newer than the informer's for a while).
    latest: Option<Arc<Object>>,
}

/// One worker's sync of one Job key: upstream's syncJob is synchronous, so the worker (and
/// the key) stay busy until every request the sync made is answered and `syncDuration` has
/// passed since it started.
struct Sync {
    started: SimTime,
    /// The Job's UID, once the sync found it (for the consistency store).
    uid: Option<Uid>,
    outstanding: usize,
    /// syncJob returned an error: the key is requeued rate-limited.
    failed: bool,
    completing: bool,
}

#[derive(Debug)]
enum Pending {
    Create(JobKey),
    Delete {
        job: JobKey,
        pod: JobKey,
    },
    /// A status write; on success these pods are counted and lose their finalizer.
    Status {
        job: JobKey,
        finished: Vec<JobKey>,
        finished_uids: Vec<Uid>,
        backoff: BackoffRecord,
    },
    RemoveFinalizer {
        job: JobKey,
        pod: JobKey,
    },
}

impl Pending {
    fn job(&self) -> &JobKey {
        match self {
            Pending::Create(job)
            | Pending::Delete { job, .. }
            | Pending::Status { job, .. }
            | Pending::RemoveFinalizer { job, .. } => job,
        }
    }
}

/// kube-controller-manager's Job controller. Add it to a cluster as any component:
/// `cluster.add_component("job-controller", CONTROL_PLANE,
/// Box::new(JobController::new(model.controller_manager.clone())), factory)`.
pub struct JobController {
    model: ControllerManagerModel,
    /// `--concurrent-job-syncs`.
    workers: usize,
    jobs: Informer,
    pods: Informer,
    queue: WorkQueue<JobKey>,
    retry: ItemExponentialBackoff<JobKey>,
    state: BTreeMap<JobKey, JobState>,
    pending: BTreeMap<RequestId, Pending>,
    syncs: BTreeMap<JobKey, Sync>,
    finishing: BTreeMap<TimerId, JobKey>,
    consistency: ConsistencyStore,
    /// job_controller_stale_sync_skips_total.
    stale_sync_skips: u64,
    syncs_total: u64,
}

impl JobController {
    pub fn new(model: ControllerManagerModel) -> JobController {
        JobController {
            workers: model.concurrent_job_syncs.max(1) as usize,
            model,
            jobs: Informer::new(InformerConfig::all(Kind::Job)),
            pods: Informer::new(InformerConfig::all(Kind::Pod)),
            queue: WorkQueue::new(),
            retry: ItemExponentialBackoff::new(DEFAULT_JOB_API_BACKOFF, MAX_JOB_API_BACKOFF),
            state: BTreeMap::new(),
            pending: BTreeMap::new(),
            syncs: BTreeMap::new(),
            finishing: BTreeMap::new(),
            consistency: ConsistencyStore::default(),
            stale_sync_skips: 0,
            syncs_total: 0,
        }
    }

    /// The back-off record of a Job (for tests and reports).
    pub fn backoff_record(&self, namespace: &str, name: &str) -> Option<&BackoffRecord> {
        self.state
            .get(&(Name::from(namespace), Name::from(name)))
            .map(|s| &s.backoff)
    }

    /// Syncs skipped because the cache lacked the controller's own writes
    /// (job_controller_stale_sync_skips_total).
    pub fn stale_sync_skips(&self) -> u64 {
        self.stale_sync_skips
    }

    /// Syncs started by the workers (skipped ones included).
    pub fn syncs_total(&self) -> u64 {
        self.syncs_total
    }

    /// Workers busy right now.
    pub fn busy_workers(&self) -> usize {
        self.syncs.len()
    }

    fn synced(&self) -> bool {
        self.jobs.has_synced() && self.pods.has_synced()
    }

    /// The Job a pod belongs to: its controller reference of kind Job.
    fn job_key_of(pod: &Object) -> Option<JobKey> {
        pod.meta
            .controller_ref()
            .filter(|r| r.kind == "Job")
            .map(|r| (pod.meta.namespace.clone(), r.name.clone()))
    }

    fn on_pod_delta(&mut self, ctx: &mut Ctx, delta: &Delta) {
        let obj = delta.object();
        let Some(job) = Self::job_key_of(obj) else {
            return;
        };
        let pod_key = (obj.meta.namespace.clone(), obj.meta.name.clone());
        let st = self.state.entry(job.clone()).or_default();
        match delta {
            Delta::Added(o) => {
                st.expect_adds = (st.expect_adds - 1).max(0);
                if o.meta.deletion_timestamp.is_some() {
                    st.expect_dels.remove(&pod_key);
                }
            }
            Delta::Updated { new, .. } => {
                if new.meta.deletion_timestamp.is_some() {
                    st.expect_dels.remove(&pod_key);
                }
                if !has_tracking_finalizer(new) {
                    st.counted.remove(&new.meta.uid);
                }
            }
            Delta::Deleted(o) => {
                st.expect_dels.remove(&pod_key);
                st.counted.remove(&o.meta.uid);
            }
        }
        self.queue.add_after(ctx, job, SYNC_JOB_BATCH_PERIOD);
    }

    fn on_job_delta(&mut self, delta: &Delta) {
        let obj = delta.object();
        let key = (obj.meta.namespace.clone(), obj.meta.name.clone());
        if let Delta::Deleted(_) = delta {
            if let Some(st) = self.state.get_mut(&key) {
                st.latest = None;
            }
        }
        // A new or updated Job syncs at once (enqueueSyncJobImmediately).
        self.queue.add(key);
    }

    /// The workers: each takes a key (processNextWorkItem) while fewer than
    /// `--concurrent-job-syncs` are busy.
    fn drain(&mut self, ctx: &mut Ctx) {
        if !self.synced() {
            return;
        }
        while self.syncs.len() < self.workers {
            let Some(key) = self.queue.get() else { break };
            self.syncs_total += 1;
            self.syncs.insert(
                key.clone(),
                Sync {
                    started: ctx.now(),
                    uid: None,
                    outstanding: 0,
                    failed: false,
                    completing: false,
                },
            );
            // syncJob: the consistency check first, then the sync; either failing requeues
            // the key rate-limited.
            let ok = self.ensure_ready(ctx, &key) && self.sync_job(ctx, &key);
            if !ok {
                self.fail(&key);
            }
            self.maybe_complete(ctx, &key);
        }
    }

    /// syncJob's first step with StaleControllerConsistencyJob (KEP-5647, job_controller.go
    /// syncJob → consistencyStore.EnsureReady): while the informers have not delivered the
    /// controller's own last writes for this Job, the sync is skipped and returns an error,
    /// so processNextWorkItem requeues the key rate-limited.
    fn ensure_ready(&mut self, ctx: &mut Ctx, key: &JobKey) -> bool {
        if !self.model.features.stale_controller_consistency_job() {
            return true;
        }
        let (jobs_rv, pods_rv) = (
            self.jobs.last_resource_version(),
            self.pods.last_resource_version(),
        );
        let owner = format!("{}/{}", key.0, key.1);
        let result = self.consistency.ensure_ready(&owner, |r| {
            Some(match r {
                WrittenResource::Owner => jobs_rv,
                WrittenResource::Pods => pods_rv,
            })
        });
        match result {
            Ok(()) => true,
            Err(e) => {
                self.stale_sync_skips += 1;
                ctx.trace(
                    Record::new(COMPONENT, "StaleSyncSkipped")
                        .object("Job", &key.0, &key.1)
                        .detail(e.detail(&owner, "jobs.batch")),
                );
                false
            }
        }
    }

    fn fail(&mut self, key: &JobKey) {
        if let Some(s) = self.syncs.get_mut(key) {
            s.failed = true;
        }
    }

    /// Sends a request on behalf of the key's sync, which stays busy until it is answered.
    fn send(&mut self, ctx: &mut Ctx, req: Request, pending: Pending) {
        if let Some(s) = self.syncs.get_mut(pending.job()) {
            s.outstanding += 1;
        }
        let id = ctx.send(req);
        self.pending.insert(id, pending);
    }

    /// Once a sync's requests are all answered, its worker is freed `syncDuration` after the
    /// sync started.
    fn maybe_complete(&mut self, ctx: &mut Ctx, key: &JobKey) {
        let Some(s) = self.syncs.get_mut(key) else {
            return;
        };
        if s.outstanding > 0 || s.completing {
            return;
        }
        s.completing = true;
        let end = s.started.saturating_add(self.model.sync_duration);
        let now = ctx.now();
        if end > now {
            let id = ctx.set_timer(end - now, TAG_FINISH);
            self.finishing.insert(id, key.clone());
        } else {
            self.finish(ctx, key);
        }
    }

    /// processNextWorkItem's end: Done, then Forget or AddRateLimited.
    fn finish(&mut self, ctx: &mut Ctx, key: &JobKey) {
        let failed = self.syncs.remove(key).is_some_and(|s| s.failed);
        self.queue.done(key);
        if failed {
            self.requeue_rate_limited(ctx, key.clone());
        } else {
            self.retry.forget(key);
        }
    }

    fn requeue_rate_limited(&mut self, ctx: &mut Ctx, key: JobKey) {
        let d = self.retry.when(&key);
        self.queue.add_after(ctx, key, d);
    }

    /// The newest Job object known: the informer's or the one the last status write returned.
    fn current_job(&mut self, key: &JobKey) -> Option<Arc<Object>> {
        let cached = self.jobs.get(&key.0, &key.1).cloned();
        let st = self.state.entry(key.clone()).or_default();
        match (cached, st.latest.clone()) {
            (None, _) => {
                st.latest = None;
                None
            }
            (Some(c), Some(l))
                if l.meta.uid == c.meta.uid
                    && l.meta.resource_version > c.meta.resource_version =>
            {
                Some(l)
            }
            (Some(c), _) => {
                st.latest = None;
                Some(c)
            }
        }
    }

    /// syncJob. Returns false when the key should be retried with back-off.
    fn sync_job(&mut self, ctx: &mut Ctx, key: &JobKey) -> bool {
        let now = ctx.now();
        let features = self.model.features.clone();
        let replacement_gate = features.job_pod_replacement_policy();
        let delay_terminal = delay_terminal_condition(&features);
        let Some(job_obj) = self.current_job(key) else {
            // The Job is gone: release its pods' finalizers (cleanupPodFinalizers) and forget
            // its back-off record and its writes (consistencyStore.Clear).
            self.release_orphans(ctx, key, None);
            self.state.remove(key);
            self.consistency
                .clear(&format!("{}/{}", key.0, key.1), None);
            return true;
        };
        let Body::Job(job) = &job_obj.body else {
            return true;
        };
        let uid = job_obj.meta.uid;
        if let Some(s) = self.syncs.get_mut(key) {
            s.uid = Some(uid);
        }
        // The Job's pods: those it controls (kubesim adopts nothing).
        let all_pods: Vec<Arc<Object>> = self
            .pods
            .list()
            .filter(|p| {
                p.meta.namespace == key.0
                    && p.meta
                        .controller_ref()
                        .is_some_and(|r| r.kind == "Job" && r.uid == uid)
            })
            .cloned()
            .collect();
        self.release_orphans(ctx, key, Some(uid));
        let pods: Vec<&Arc<Object>> = all_pods.iter().collect();
        if is_job_finished(job) {
            // Pods left with the finalizer (a controller restart mid-flight) are released.
            let left: Vec<JobKey> = pods
                .iter()
                .filter(|p| has_tracking_finalizer(p))
                .map(|p| (p.meta.namespace.clone(), p.meta.name.clone()))
                .collect();
            for p in left {
                self.remove_finalizer(ctx, key, &p);
            }
            return true;
        }

        let st = self.state.entry(key.clone()).or_default();
        let expectations_satisfied = st.expect_adds == 0 && st.expect_dels.is_empty();
        let (new_succeeded, new_failed) =
            new_finished_pods(job, &pods, &st.counted, replacement_gate);
        let backoff = st.backoff.next(
            &new_succeeded
                .iter()
                .map(|p| finished_time(p))
                .collect::<Vec<_>>(),
            &new_failed
                .iter()
                .map(|p| finished_time(p))
                .collect::<Vec<_>>(),
        );
        let succeeded = job.status.succeeded + new_succeeded.len() as i32;
        let failed = job.status.failed + new_failed.len() as i32;
        // Pods whose DELETE is in flight are already terminating to the controller.
        let deleting = |p: &Arc<Object>| {
            st.expect_dels
                .contains(&(p.meta.namespace.clone(), p.meta.name.clone()))
        };
        let active_pods: Vec<&Arc<Object>> = pods
            .iter()
            .filter(|p| is_pod_active(p) && !deleting(p))
            .copied()
            .collect();
        let mut active = active_pods.len() as i32;
        let terminating = pods
            .iter()
            .filter(|p| is_pod_terminating(p) || (is_pod_active(p) && deleting(p)))
            .count() as i32;
        let ready = active_pods
            .iter()
            .filter(|p| is_pod_ready(pod_of(p)))
            .count() as i32;
        let job_has_new_failure = !new_failed.is_empty();

        let mut new_job = (*job_obj).clone();
        let Body::Job(nj) = &mut new_job.body else {
            unreachable!()
        };
        if nj.status.start_time.is_none() && !nj.suspend {
            nj.status.start_time = Some(now);
        }
        nj.status.succeeded = succeeded;
        nj.status.failed = failed;

        // The interim condition: FailureTarget or SuccessCriteriaMet.
        let mut finished: Option<(&'static str, String, String)> = None;
        if let Some(c) = find_condition(&nj.status.conditions, JOB_FAILURE_TARGET)
            .filter(|c| c.status == ConditionStatus::True)
        {
            finished = Some((JOB_FAILURE_TARGET, c.reason().into(), c.message().into()));
        } else if let Some(c) = find_condition(&nj.status.conditions, JOB_SUCCESS_CRITERIA_MET)
            .filter(|c| c.status == ConditionStatus::True)
        {
            finished = Some((
                JOB_SUCCESS_CRITERIA_MET,
                c.reason().into(),
                c.message().into(),
            ));
        } else if failed > nj.backoff_limit || past_backoff_limit_on_failure(nj, &pods) {
            finished = Some((
                JOB_FAILURE_TARGET,
                REASON_BACKOFF_LIMIT_EXCEEDED.into(),
                MESSAGE_BACKOFF_LIMIT.into(),
            ));
        } else if past_active_deadline(nj, now) {
            finished = Some((
                JOB_FAILURE_TARGET,
                REASON_DEADLINE_EXCEEDED.into(),
                MESSAGE_DEADLINE.into(),
            ));
        }
        let _ = job_has_new_failure;

        let mut deletes: Vec<&Arc<Object>> = Vec::new();
        let mut creates = 0i32;
        match &finished {
            Some((JOB_FAILURE_TARGET, _, _)) => {
                // deleteActivePods: a failed Job stops all its pods.
                deletes = active_pods.clone();
            }
            Some(_) => {}
            None => {
                // manageJob, once the informer has caught up with earlier creates and deletes.
                let complete = match nj.completions {
                    None => succeeded > 0 && active == 0,
                    Some(c) => succeeded >= c,
                };
                if complete {
                    finished = Some((
                        JOB_SUCCESS_CRITERIA_MET,
                        REASON_COMPLETIONS_REACHED.into(),
                        MESSAGE_COMPLETIONS_REACHED.into(),
                    ));
                    deletes = active_pods.clone();
                } else if nj.suspend {
                    deletes = active_pods.clone();
                } else if expectations_satisfied {
                    let want = want_active(nj, active, succeeded);
                    let rm = (active - want).max(0);
                    if rm > 0 {
                        let mut ranked = active_pods.clone();
                        ranked.sort_by_key(|p| removal_rank(p));
                        deletes = ranked
                            .into_iter()
                            .take(rm.min(MAX_POD_CREATE_DELETE_PER_SYNC) as usize)
                            .collect();
                    } else {
                        let held = if only_replace_failed_pods(nj, replacement_gate) {
                            terminating
                        } else {
                            0
                        };
                        let diff = want - held - active;
                        if diff > 0 {
                            let remaining = backoff.remaining_time(
                                now,
                                DEFAULT_JOB_POD_FAILURE_BACKOFF,
                                MAX_JOB_POD_FAILURE_BACKOFF,
                            );
                            if remaining > 0 {
                                self.queue.add_after(ctx, key.clone(), remaining);
                            } else {
                                creates = diff.min(MAX_POD_CREATE_DELETE_PER_SYNC);
                            }
                        }
                    }
                }
            }
        }
        // Without delayTerminalCondition (before 1.31) there is no interim condition: the
        // terminal one is added as soon as every finished pod is counted.
        if let Some((type_, reason, message)) = &finished {
            if delay_terminal {
                set_condition(nj, type_, reason, message, now);
            }
        }
        // Deleted pods stop being active at once (upstream subtracts what it deleted).
        active -= deletes.len() as i32;
        active += creates;
        let terminating_now = terminating + deletes.len() as i32;

        // The terminal condition once no pod is left running or terminating and every finished
        // pod is counted (enactJobFinished with delayed terminal conditions).
        let all_counted = pods.iter().all(|p| {
            !has_tracking_finalizer(p)
                || new_succeeded
                    .iter()
                    .chain(new_failed.iter())
                    .any(|q| q.meta.uid == p.meta.uid)
                || (is_terminal(p) && st.counted.contains(&p.meta.uid))
        });
        let mut terminal_event: Option<(String, String)> = None;
        if let Some((type_, reason, message)) = &finished {
            let settled = !delay_terminal || (active == 0 && terminating_now == 0);
            if settled && all_counted {
                let terminal = if *type_ == JOB_FAILURE_TARGET {
                    JOB_FAILED
                } else {
                    JOB_COMPLETE
                };
                set_condition(nj, terminal, reason, message, now);
                if terminal == JOB_COMPLETE {
                    nj.status.completion_time = Some(now);
                    terminal_event = Some(("Completed".into(), "Job completed".into()));
                } else {
                    terminal_event = Some((reason.clone(), message.clone()));
                }
            }
        }
        nj.status.active = active;
        nj.status.ready = Some(ready);
        // status.terminating is published only with JobPodReplacementPolicy (syncJob).
        nj.status.terminating = replacement_gate.then_some(terminating_now);

        // Send: deletes, creates, then the status write.
        let job_ref = OwnerReference {
            api_version: Name::new_static("batch/v1"),
            kind: Name::new_static("Job"),
            name: job_obj.meta.name.clone(),
            uid,
            controller: true,
            block_owner_deletion: true,
        };
        let template = nj.template.clone();
        let deadline = nj.active_deadline_seconds;
        let start = nj.status.start_time;
        let pod_keys: Vec<JobKey> = deletes
            .iter()
            .map(|p| (p.meta.namespace.clone(), p.meta.name.clone()))
            .collect();
        for pk in pod_keys {
            if let Some(st) = self.state.get_mut(key) {
                st.expect_dels.insert(pk.clone());
            }
            self.send(
                ctx,
                Request::Delete {
                    kind: Kind::Pod,
                    namespace: pk.0.clone(),
                    name: pk.1.clone(),
                    options: DeleteOptions::default(),
                },
                Pending::Delete {
                    job: key.clone(),
                    pod: pk,
                },
            );
        }
        for _ in 0..creates {
            if let Some(st) = self.state.get_mut(key) {
                st.expect_adds += 1;
            }
            let mut labels = template.labels.clone();
            labels.insert(LABEL_CONTROLLER_UID, uid.to_string());
            labels.insert(LABEL_JOB_NAME, key.1.clone());
            labels.insert(LEGACY_LABEL_CONTROLLER_UID, uid.to_string());
            labels.insert(LEGACY_LABEL_JOB_NAME, key.1.clone());
            let pod = Object {
                meta: ObjectMeta {
                    generate_name: format!("{}-", key.1).into(),
                    namespace: key.0.clone(),
                    labels,
                    annotations: template.annotations.clone(),
                    owner_references: vec![job_ref.clone()],
                    finalizers: vec![Name::new_static(JOB_TRACKING_FINALIZER)],
                    ..Default::default()
                },
                body: Body::Pod(Pod {
                    spec: template.spec.clone(),
                    status: Default::default(),
                }),
            };
            self.send(
                ctx,
                Request::Create { object: pod },
                Pending::Create(key.clone()),
            );
        }
        let finished_pods: Vec<&Arc<Object>> = new_succeeded
            .iter()
            .chain(new_failed.iter())
            .copied()
            .collect();
        if new_job != *job_obj {
            self.send(
                ctx,
                Request::UpdateStatus { object: new_job },
                Pending::Status {
                    job: key.clone(),
                    finished: finished_pods
                        .iter()
                        .map(|p| (p.meta.namespace.clone(), p.meta.name.clone()))
                        .collect(),
                    finished_uids: finished_pods.iter().map(|p| p.meta.uid).collect(),
                    backoff,
                },
            );
        } else if let Some(st) = self.state.get_mut(key) {
            st.backoff = backoff;
        }
        if let Some((reason, message)) = terminal_event {
            ctx.trace(
                Record::new(COMPONENT, &reason)
                    .object("Job", &key.0, &key.1)
                    .detail(message),
            );
        }
        // Re-sync when the active deadline passes.
        if let (Some(s), Some(start), None) = (deadline, start, &finished) {
            let at = start + s.max(0) as u64 * SECOND;
            self.queue
                .add_after(ctx, key.clone(), at.saturating_sub(now).max(1));
        }
        true
    }

    /// Removes the tracking finalizer from pods whose Job (by name in the key's namespace) is
    /// gone or is another object now.
    fn release_orphans(&mut self, ctx: &mut Ctx, key: &JobKey, uid: Option<Uid>) {
        let orphans: Vec<JobKey> = self
            .pods
            .list()
            .filter(|p| p.meta.namespace == key.0 && has_tracking_finalizer(p))
            .filter(|p| {
                p.meta
                    .controller_ref()
                    .is_some_and(|r| r.kind == "Job" && r.name == key.1 && Some(r.uid) != uid)
            })
            .map(|p| (p.meta.namespace.clone(), p.meta.name.clone()))
            .collect();
        for p in orphans {
            self.remove_finalizer(ctx, key, &p);
        }
    }

    fn remove_finalizer(&mut self, ctx: &mut Ctx, job: &JobKey, pod: &JobKey) {
        let Some(obj) = self.pods.get(&pod.0, &pod.1) else {
            return;
        };
        let rest: Vec<String> = obj
            .meta
            .finalizers
            .iter()
            .filter(|f| *f != JOB_TRACKING_FINALIZER)
            .map(|f| f.to_string())
            .collect();
        self.send(
            ctx,
            Request::Patch {
                kind: Kind::Pod,
                namespace: pod.0.clone(),
                name: pod.1.clone(),
                patch: serde_json::json!({"metadata": {"finalizers": rest}}),
                status: false,
                strategic: false,
            },
            Pending::RemoveFinalizer {
                job: job.clone(),
                pod: pod.clone(),
            },
        );
    }

    /// Records a write's resourceVersion for the consistency store (WroteAt).
    fn wrote(
        &mut self,
        job: &JobKey,
        resource: WrittenResource,
        result: &Result<Response, Status>,
    ) {
        let Some(uid) = self.syncs.get(job).and_then(|s| s.uid) else {
            return;
        };
        if let Ok(Response::Object(o)) = result {
            self.consistency.wrote_at(
                &format!("{}/{}", job.0, job.1),
                uid,
                resource,
                o.meta.resource_version,
            );
        }
    }

    fn on_response(&mut self, ctx: &mut Ctx, pending: Pending, result: Result<Response, Status>) {
        let job = pending.job().clone();
        match pending {
            Pending::Create(job) => match &result {
                Ok(Response::Object(pod)) => {
                    ctx.trace(
                        Record::new(COMPONENT, "SuccessfulCreate")
                            .object("Job", &job.0, &job.1)
                            .detail(format!("Created pod: {}", pod.meta.name)),
                    );
                    self.wrote(&job, WrittenResource::Pods, &result);
                }
                Ok(_) => {}
                Err(s) => {
                    ctx.trace(
                        Record::new(COMPONENT, "FailedCreate")
                            .object("Job", &job.0, &job.1)
                            .detail(format!("Error creating: {}", s.message)),
                    );
                    if let Some(st) = self.state.get_mut(&job) {
                        st.expect_adds = (st.expect_adds - 1).max(0);
                    }
                    self.fail(&job);
                }
            },
            Pending::Delete { job, pod } => match &result {
                Ok(_) => {
                    ctx.trace(
                        Record::new(COMPONENT, "SuccessfulDelete")
                            .object("Job", &job.0, &job.1)
                            .detail(format!("Deleted pod: {}", pod.1)),
                    );
                    self.wrote(&job, WrittenResource::Pods, &result);
                }
                Err(s) => {
                    if let Some(st) = self.state.get_mut(&job) {
                        st.expect_dels.remove(&pod);
                    }
                    if s.reason != StatusReason::NotFound {
                        ctx.trace(
                            Record::new(COMPONENT, "FailedDelete")
                                .object("Job", &job.0, &job.1)
                                .detail(format!("Error deleting: {}", s.message)),
                        );
                        self.fail(&job);
                    }
                }
            },
            Pending::Status {
                job,
                finished,
                finished_uids,
                backoff,
            } => {
                self.wrote(&job, WrittenResource::Owner, &result);
                let st = self.state.entry(job.clone()).or_default();
                match result {
                    Ok(Response::Object(obj)) => {
                        st.latest = Some(obj);
                        st.backoff = backoff;
                        st.counted.extend(finished_uids);
                        for p in &finished {
                            self.remove_finalizer(ctx, &job, p);
                        }
                        // Without the consistency gate the controller syncs again at once on
                        // the Job the write returned; with it, the Job's own update event
                        // brings the next sync once the informer has it.
                        if !self.model.features.stale_controller_consistency_job() {
                            self.queue.add(job.clone());
                        }
                    }
                    Ok(_) => self.queue.add(job.clone()),
                    Err(_) => {
                        st.latest = None;
                        self.fail(&job);
                    }
                }
            }
            Pending::RemoveFinalizer { job, pod } => {
                // A counted pod keeps its finalizer until this succeeds: retry it.
                if result
                    .as_ref()
                    .is_err_and(|s| s.reason != StatusReason::NotFound)
                {
                    self.remove_finalizer(ctx, &job, &pod);
                } else {
                    self.wrote(&job, WrittenResource::Pods, &result);
                }
            }
        }
        if let Some(s) = self.syncs.get_mut(&job) {
            s.outstanding = s.outstanding.saturating_sub(1);
        }
        self.maybe_complete(ctx, &job);
    }
}

impl Component for JobController {
    fn start(&mut self, ctx: &mut Ctx) {
        self.jobs.start(ctx);
        self.pods.start(ctx);
    }

    fn handle(&mut self, ctx: &mut Ctx, msg: Message) {
        if let Some(deltas) = self.jobs.handle(ctx, &msg) {
            for d in &deltas {
                self.on_job_delta(d);
            }
        } else if let Some(deltas) = self.pods.handle(ctx, &msg) {
            for d in &deltas {
                self.on_pod_delta(ctx, d);
            }
        } else {
            match msg {
                Message::Timer { id, .. } => {
                    if let Some(key) = self.finishing.remove(&id) {
                        self.finish(ctx, &key);
                    } else {
                        self.queue.on_timer(id);
                    }
                }
                Message::Response { id, result } => {
                    if let Some(p) = self.pending.remove(&id) {
                        self.on_response(ctx, p, result);
                    }
                }
                _ => {}
            }
        }
        self.drain(ctx);
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;
    use crate::api::types::ContainerStatus;

    const T: SimTime = 1_000 * SECOND;
    const MS: SimDuration = crate::engine::MILLISECOND;

    // backoff_utils_test.go TestNewBackoffRecord: (name, stored record, new succeeded finish
    // times, new failed finish times, want).
    #[test]
    fn new_backoff_record() {
        let empty = BackoffRecord::default();
        let stored2 = BackoffRecord {
            failures_after_last_success: 2,
            last_failure_time: None,
        };
        let rec = |n, t| BackoffRecord {
            failures_after_last_success: n,
            last_failure_time: t,
        };
        let cases: Vec<(
            &str,
            &BackoffRecord,
            Vec<SimTime>,
            Vec<SimTime>,
            BackoffRecord,
        )> = vec![
            (
                "Empty backoff store and one new failure",
                &empty,
                vec![],
                vec![T],
                rec(1, Some(T)),
            ),
            (
                "Empty backoff store and two new failures",
                &empty,
                vec![],
                vec![T, T - MS],
                rec(2, Some(T)),
            ),
            (
                "Empty backoff store, two failures followed by success",
                &empty,
                vec![T],
                vec![T - 2 * MS, T - MS],
                rec(0, None),
            ),
            (
                "Empty backoff store, two failures, one success and two more failures",
                &empty,
                vec![T - 2 * MS],
                vec![T, T - 4 * MS, T - 3 * MS, T - MS],
                rec(2, Some(T)),
            ),
            (
                "Backoff store having failure count 2 and one new failure",
                &stored2,
                vec![],
                vec![T],
                rec(3, Some(T)),
            ),
            (
                "Empty backoff store with success and failure at same timestamp",
                &empty,
                vec![T],
                vec![T],
                rec(0, None),
            ),
            (
                "Empty backoff store with no success/failure",
                &empty,
                vec![],
                vec![],
                rec(0, None),
            ),
            (
                "Empty backoff store with one success",
                &empty,
                vec![T],
                vec![],
                rec(0, None),
            ),
        ];
        for (name, stored, succ, fail, want) in cases {
            assert_eq!(stored.next(&succ, &fail), want, "{name}");
        }
    }

    // backoff_utils_test.go TestGetRemainingBackoffTime (default 5 s, max 700 s).
    #[test]
    fn remaining_backoff_time() {
        let cases: Vec<(&str, i32, Option<SimTime>, SimTime, SimDuration)> = vec![
            ("no failures", 0, None, T, 0),
            ("one failure; current time and failure time are same", 1, Some(T), T, 5 * SECOND),
            ("one failure; current time == 1 second + failure time", 1, Some(T), T + SECOND, 4 * SECOND),
            ("one failure; current time == expected backoff time", 1, Some(T), T + 5 * SECOND, 0),
            ("one failure; current time == expected backoff time + 1 Second", 1, Some(T), T + 6 * SECOND, 0),
            ("three failures; current time and failure time are same", 3, Some(T), T, 20 * SECOND),
            (
                "eight failures; current time and failure time are same; backoff not exceeding maxBackoff",
                8,
                Some(T),
                T,
                640 * SECOND,
            ),
            (
                "nine failures; current time and failure time are same; backoff exceeding maxBackoff",
                9,
                Some(T),
                T,
                700 * SECOND,
            ),
        ];
        for (name, n, last, now, want) in cases {
            let r = BackoffRecord {
                failures_after_last_success: n,
                last_failure_time: last,
            };
            assert_eq!(
                r.remaining_time(now, 5 * SECOND, 700 * SECOND),
                want,
                "{name}"
            );
        }
        // The controller's own constants: 10 s doubling to the 10 min cap.
        let r = BackoffRecord {
            failures_after_last_success: 7,
            last_failure_time: Some(T),
        };
        assert_eq!(
            r.remaining_time(
                T,
                DEFAULT_JOB_POD_FAILURE_BACKOFF,
                MAX_JOB_POD_FAILURE_BACKOFF
            ),
            MAX_JOB_POD_FAILURE_BACKOFF
        );
    }

    fn pod(name: &str, phase: PodPhase) -> Object {
        let mut p = Pod::default();
        p.status.phase = phase;
        Object {
            meta: ObjectMeta {
                name: name.into(),
                namespace: "default".into(),
                uid: Uid(name.bytes().map(u128::from).sum()),
                finalizers: vec![Name::new_static(JOB_TRACKING_FINALIZER)],
                ..Default::default()
            },
            body: Body::Pod(p),
        }
    }

    fn terminated(obj: &mut Object, finished_at: SimTime) {
        if let Body::Pod(p) = &mut obj.body {
            p.status.container_statuses.push(ContainerStatus {
                name: "c".into(),
                image: "busybox".into(),
                ready: false,
                started: Some(false),
                restart_count: 0,
                state: ContainerState::Terminated {
                    exit_code: 0,
                    reason: "Completed".into(),
                    message: Name::default(),
                    started_at: None,
                    finished_at,
                },
                last_state: None,
            });
        }
    }

    // backoff_utils_test.go TestGetFinishedTime.
    #[test]
    fn get_finished_time() {
        let mut all = pod("a", PodPhase::Succeeded);
        terminated(&mut all, T - SECOND);
        terminated(&mut all, T);
        terminated(&mut all, T - 2 * SECOND);
        assert_eq!(
            finished_time(&all),
            T,
            "Pod with multiple containers and all containers terminated"
        );
        let mut del = pod("b", PodPhase::Running);
        del.meta.deletion_timestamp = Some(T);
        assert_eq!(finished_time(&del), T, "fallback to deletionTimestamp");
        del.meta.deletion_grace_period_seconds = Some(30);
        assert_eq!(
            finished_time(&del),
            T - 30 * SECOND,
            "fallback to deletionTimestamp, decremented by grace period"
        );
        let mut ready_false = pod("c", PodPhase::Failed);
        if let Body::Pod(p) = &mut ready_false.body {
            p.status
                .conditions
                .push(Condition::new("Ready", ConditionStatus::False).with_times(Some(T), None));
        }
        assert_eq!(
            finished_time(&ready_false),
            T,
            "fallback to PodReady.LastTransitionTime when status of the condition is False"
        );
        let mut created = pod("d", PodPhase::Failed);
        created.meta.creation_timestamp = T;
        assert_eq!(finished_time(&created), T, "fallback to creationTimestamp");
    }

    fn job(completions: Option<i32>, parallelism: i32, backoff_limit: i32) -> Job {
        let mut j = Job {
            completions,
            parallelism,
            backoff_limit,
            pod_replacement_policy: Some(PodReplacementPolicy::TerminatingOrFailed),
            ..Default::default()
        };
        j.template.spec.restart_policy = RestartPolicy::Never;
        j
    }

    // job_controller_test.go TestGetNewFinshedPods (sic): which pods are newly finished.
    #[test]
    fn get_new_finished_pods() {
        let j = job(Some(5), 2, 6);
        let mut counted_pod = pod("counted", PodPhase::Succeeded);
        counted_pod.meta.finalizers.clear();
        let mut deleted = pod("deleted", PodPhase::Running);
        deleted.meta.deletion_timestamp = Some(T);
        let mut deleted_succeeded = pod("deleted-succeeded", PodPhase::Succeeded);
        deleted_succeeded.meta.deletion_timestamp = Some(T);
        let objs: Vec<Arc<Object>> = vec![
            Arc::new(pod("running", PodPhase::Running)),
            Arc::new(pod("succeeded", PodPhase::Succeeded)),
            Arc::new(pod("failed", PodPhase::Failed)),
            Arc::new(pod("pending-rm", PodPhase::Failed)),
            Arc::new(counted_pod),
            Arc::new(deleted),
            Arc::new(deleted_succeeded),
        ];
        let pods: Vec<&Arc<Object>> = objs.iter().collect();
        let counted: BTreeSet<Uid> = [objs[3].meta.uid].into_iter().collect();
        let names = |v: Vec<&Arc<Object>>| -> Vec<String> {
            v.iter().map(|p| p.meta.name.to_string()).collect()
        };
        // "some counted": pods without the finalizer or expected to lose it are left out;
        // "deleted pods": a deleted pod that did not succeed counts as failed.
        let (s, f) = new_finished_pods(&j, &pods, &counted, true);
        assert_eq!(names(s), ["succeeded", "deleted-succeeded"]);
        assert_eq!(names(f), ["failed", "deleted"]);
        // podReplacementPolicy Failed: only Failed pods are failures.
        let mut jf = j.clone();
        jf.pod_replacement_policy = Some(PodReplacementPolicy::Failed);
        let (_, f) = new_finished_pods(&jf, &pods, &counted, true);
        assert_eq!(names(f), ["failed"]);
        // Without JobPodReplacementPolicy the field is ignored (TerminatingOrFailed).
        let (_, f) = new_finished_pods(&jf, &pods, &counted, false);
        assert_eq!(names(f), ["failed", "deleted"]);
    }

    // job_controller_test.go TestControllerSyncJob: wantActive for the NonIndexed cases
    // ("job start", "WQ job start", "too few active pods", "too many active pods",
    // "job finish", "more succeeded pods than completions").
    #[test]
    fn want_active_cases() {
        let cases: Vec<(&str, Option<i32>, i32, i32, i32, i32)> = vec![
            ("job start", Some(5), 2, 0, 0, 2),
            ("WQ job start", None, 2, 0, 0, 2),
            ("too few active pods", Some(5), 2, 1, 1, 2),
            ("too many active pods", Some(5), 2, 3, 0, 2),
            (
                "fewer remaining completions than parallelism",
                Some(5),
                2,
                1,
                4,
                1,
            ),
            ("job finish", Some(5), 2, 0, 5, 0),
            ("more succeeded pods than completions", Some(2), 2, 0, 3, 0),
            (
                "WQ job: at least one success, leave running alone",
                None,
                2,
                1,
                1,
                1,
            ),
            ("zero parallelism", Some(5), 0, 0, 0, 0),
            ("WQ job running", None, 2, 2, 0, 2),
            ("WQ job finishing", None, 2, 1, 1, 1),
            ("more active pods than parallelism", Some(5), 2, 10, 0, 2),
            ("pending pods", Some(5), 2, 2, 0, 2),
            (
                "job start with completions smaller than parallelism",
                Some(1),
                2,
                0,
                0,
                1,
            ),
        ];
        for (name, completions, parallelism, active, succeeded, want) in cases {
            let j = job(completions, parallelism, 6);
            assert_eq!(want_active(&j, active, succeeded), want, "{name}");
        }
    }

    // job_controller_test.go TestPastDeadlineJobFinished / TestSyncPastDeadlineJobFinished.
    #[test]
    fn past_active_deadline_cases() {
        let mut j = job(Some(1), 1, 6);
        assert!(!past_active_deadline(&j, T), "no deadline");
        j.active_deadline_seconds = Some(10);
        assert!(!past_active_deadline(&j, T), "not started");
        j.status.start_time = Some(T);
        assert!(!past_active_deadline(&j, T + 9 * SECOND));
        assert!(
            past_active_deadline(&j, T + 10 * SECOND),
            "activeDeadlineSeconds reached"
        );
        j.suspend = true;
        assert!(!past_active_deadline(&j, T + 20 * SECOND), "suspended job");
    }

    // job_controller_test.go TestJobBackoffOnRestartPolicyOnFailure: restarts of running and
    // pending pods count against backoffLimit.
    #[test]
    fn past_backoff_limit_on_failure_cases() {
        let with_restarts = |phase: PodPhase, restarts: i32| {
            let mut o = pod("p", phase);
            terminated(&mut o, T);
            if let Body::Pod(p) = &mut o.body {
                p.status.container_statuses[0].restart_count = restarts;
            }
            Arc::new(o)
        };
        let cases: Vec<(&str, i32, PodPhase, i32, bool)> = vec![
            (
                "backoffLimit 0 should have 1 pod active",
                0,
                PodPhase::Running,
                0,
                false,
            ),
            (
                "backoffLimit 1 with restartCount 0 should have 1 pod active",
                1,
                PodPhase::Running,
                0,
                false,
            ),
            (
                "backoffLimit 1 with restartCount 1 and podRunning should have 0 pod active",
                1,
                PodPhase::Running,
                1,
                true,
            ),
            (
                "backoffLimit 1 with restartCount 1 and podPending should have 0 pod active",
                1,
                PodPhase::Pending,
                1,
                true,
            ),
            (
                "too many job failures with podRunning - single pod",
                5,
                PodPhase::Running,
                5,
                true,
            ),
            (
                "not enough failures with podRunning - single pod",
                5,
                PodPhase::Running,
                4,
                false,
            ),
            (
                "restarts of succeeded pods do not count",
                1,
                PodPhase::Succeeded,
                3,
                false,
            ),
        ];
        for (name, limit, phase, restarts, want) in cases {
            let mut j = job(Some(1), 1, limit);
            j.template.spec.restart_policy = RestartPolicy::OnFailure;
            let p = with_restarts(phase, restarts);
            assert_eq!(past_backoff_limit_on_failure(&j, &[&p]), want, "{name}");
            j.template.spec.restart_policy = RestartPolicy::Never;
            assert!(!past_backoff_limit_on_failure(&j, &[&p]), "{name} (Never)");
        }
    }

    // job_controller_test.go TestControllerSyncJob, the back-off cases: how long a
    // replacement waits after the record a sync computes (DefaultJobPodFailureBackOff 10 s).
    #[test]
    fn sync_job_backoff_cases() {
        let cases: Vec<(&str, BackoffRecord, Vec<SimTime>, Vec<SimTime>, SimDuration)> = vec![
            (
                "only new failed pod: the replacement waits 10 s",
                BackoffRecord::default(),
                vec![],
                vec![T],
                10 * SECOND,
            ),
            (
                "failed + succeed pods: reset backoff delay",
                BackoffRecord {
                    failures_after_last_success: 3,
                    last_failure_time: Some(T - 5 * SECOND),
                },
                vec![T],
                vec![T - SECOND],
                0,
            ),
            (
                "third consecutive failure: 40 s",
                BackoffRecord {
                    failures_after_last_success: 2,
                    last_failure_time: Some(T - 30 * SECOND),
                },
                vec![],
                vec![T],
                40 * SECOND,
            ),
        ];
        for (name, stored, succ, fail, want) in cases {
            let r = stored.next(&succ, &fail);
            assert_eq!(
                r.remaining_time(
                    T,
                    DEFAULT_JOB_POD_FAILURE_BACKOFF,
                    MAX_JOB_POD_FAILURE_BACKOFF
                ),
                want,
                "{name}"
            );
        }
    }

    #[test]
    fn delay_terminal_condition_by_version() {
        assert!(!delay_terminal_condition(&FeatureGates::for_version(28)));
        assert!(!delay_terminal_condition(&FeatureGates::for_version(30)));
        assert!(delay_terminal_condition(&FeatureGates::for_version(31)));
        let mut g = FeatureGates::for_version(31);
        g.set("JobPodReplacementPolicy", false).unwrap();
        assert!(!delay_terminal_condition(&g), "1.31: JobManagedBy is alpha");
        let mut g = FeatureGates::for_version(32);
        g.set("JobPodReplacementPolicy", false).unwrap();
        assert!(delay_terminal_condition(&g), "1.32: JobManagedBy is beta");
    }

    #[test]
    fn set_condition_keeps_transition_time() {
        let mut j = job(Some(1), 1, 0);
        set_condition(
            &mut j,
            JOB_FAILURE_TARGET,
            REASON_BACKOFF_LIMIT_EXCEEDED,
            MESSAGE_BACKOFF_LIMIT,
            T,
        );
        set_condition(
            &mut j,
            JOB_FAILURE_TARGET,
            REASON_BACKOFF_LIMIT_EXCEEDED,
            MESSAGE_BACKOFF_LIMIT,
            T + SECOND,
        );
        assert_eq!(j.status.conditions.len(), 1);
        assert_eq!(j.status.conditions[0].last_transition_time, Some(T));
        assert!(!is_job_finished(&j));
        set_condition(
            &mut j,
            JOB_FAILED,
            REASON_BACKOFF_LIMIT_EXCEEDED,
            MESSAGE_BACKOFF_LIMIT,
            T,
        );
        assert!(is_job_finished(&j));
    }
}
