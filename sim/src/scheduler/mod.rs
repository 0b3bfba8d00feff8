//! kube-scheduler: the scheduling framework, its queue and cache, the plugins, and the
//! scheduler component that runs them against the API. Mirrors pkg/scheduler/ (scheduler.go,
//! schedule_one.go, eventhandlers.go). The scheduler writes to the store only through
//! Bindings, pod status updates and preemption's deletions.

pub mod cache;
pub mod config;
pub mod framework;
pub mod plugins;
pub mod policies;
pub mod queue;
pub mod schedule_one;
#[cfg(test)]
pub mod testing;

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

use crate::api::request::{DeleteOptions, Request, Response, Status as ApiStatus, StatusReason};
use crate::api::server::set_condition;
use crate::api::types::{
    find_condition, Body, Condition, ConditionStatus, Kind, Name, Object, PodPhase, Uid,
};
use crate::client::{
    Component, Ctx, Delta, Informer, InformerConfig, Message, RequestId, TimerId, TokenBucket,
};
use crate::engine::{SimDuration, SimTime, SECOND};
use crate::model::SchedulerModel;
use crate::trace::Record;

use cache::Cache;
use config::{KubeSchedulerConfiguration, Registry, SchedulerConfig};
use framework::{CycleState, PodInfo, PostFilterResult};
use queue::{
    key_of, ClusterEvent, PodKey, SchedulingQueue, BACKOFF_FLUSH_PERIOD, UNSCHEDULABLE_FLUSH_PERIOD,
};
use schedule_one::{schedule_pod, ExplainRow, ScheduleError, ScheduleResult};

/// The name the scheduler component has in the cluster.
pub const COMPONENT: &str = "kube-scheduler";

const TAG_FLUSH_BACKOFF: u64 = 1;
const TAG_FLUSH_UNSCHEDULABLE: u64 = 2;
const TAG_CYCLE_DONE: u64 = 3;
const TAG_SEND: u64 = 4;

/// What a scheduler is built from (kept so a restarted scheduler is built the same way).
#[derive(Clone)]
pub struct SchedulerSetup {
    pub config: KubeSchedulerConfiguration,
    pub registry: Registry,
    pub model: SchedulerModel,
    /// Keep one explanation row per attempt × node × plugin (`scheduling.csv`).
    pub explain: bool,
}

impl SchedulerSetup {
    /// Builds the setup, validating the configuration (the error names the problem's path).
    pub fn new(
        config: KubeSchedulerConfiguration,
        registry: Registry,
        model: SchedulerModel,
        explain: bool,
    ) -> Result<(SchedulerSetup, Vec<String>), String> {
        let built = SchedulerConfig::build(&config, &registry)?;
        Ok((
            SchedulerSetup {
                config,
                registry,
                model,
                explain,
            },
            built.warnings,
        ))
    }
}

/// One attempt's explanation: who, when, the outcome, and its rows.
#[derive(Clone, Debug)]
pub struct ExplainAttempt {
    pub attempt: u64,
    pub time: SimTime,
    pub namespace: Name,
    pub pod: Name,
    pub profile: Name,
    /// `Scheduled`, `Unschedulable`, `Error` or `Skipped`.
    pub outcome: &'static str,
    /// The node chosen (or nominated by preemption).
    pub chosen: Name,
    pub rows: Vec<ExplainRow>,
}

/// The header of `scheduling.csv`.
pub const EXPLAIN_HEADER: [&str; 16] = [
    "attempt",
    "time_ns",
    "namespace",
    "pod",
    "profile",
    "outcome",
    "chosen_node",
    "node",
    "point",
    "plugin",
    "verdict",
    "reason",
    "raw_score",
    "normalized_score",
    "weighted_score",
    "total_score",
];

/// Per-pod scheduling figures (pods.csv's scheduling columns).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodSchedulingMetrics {
    pub attempts: u32,
    /// When the pod first entered the queue.
    pub queued_at: SimTime,
    /// When its Binding succeeded.
    pub bound_at: Option<SimTime>,
}

/// Run totals for `summary.json`.
#[derive(Clone, Debug, Default)]
pub struct SchedulerStats {
    pub attempts: u64,
    pub scheduled: u64,
    pub unschedulable: u64,
    pub errors: u64,
    pub bind_errors: u64,
    pub preemption_victims: u64,
}

/// A scheduling attempt whose processing time has not elapsed yet.
struct CycleInFlight {
    profile: usize,
    queued: framework::QueuedPodInfo,
    state: CycleState,
    result: Result<ScheduleResult, ScheduleError>,
    post_filter: Option<PostFilterResult>,
    explain: Option<ExplainAttempt>,
}

/// What a pending API request was for.
enum Pending {
    Bind {
        key: PodKey,
        uid: Uid,
        node: Name,
        profile: usize,
        pod: Arc<PodInfo>,
    },
    Other,
}

/// The kube-scheduler component.
pub struct Scheduler {
    setup: Arc<SchedulerSetup>,
    config: SchedulerConfig,
    pods: Informer,
    nodes: Informer,
    services: Informer,
    replication_controllers: Informer,
    replica_sets: Informer,
    namespaces: Informer,
    queue: SchedulingQueue,
    cache: Cache,
    next_start_node_index: usize,
    cycle: Option<CycleInFlight>,
    client: TokenBucket,
    /// Requests waiting for the client rate limiter, by timer.
    throttled: BTreeMap<TimerId, (Request, Pending)>,
    pending: BTreeMap<RequestId, Pending>,
    explain: Vec<ExplainAttempt>,
    metrics: BTreeMap<Uid, PodSchedulingMetrics>,
    stats: SchedulerStats,
}

impl Scheduler {
    pub fn new(setup: Arc<SchedulerSetup>) -> Scheduler {
        let config = SchedulerConfig::build(&setup.config, &setup.registry)
            .expect("scheduler configuration validated when the setup was built");
        let queue_sort_name =
            config.profiles[0].plugins[config.profiles[0].queue_sort.expect("validated")].name();
        let queue_sort = setup.registry.get(queue_sort_name).expect("registered")(None)
            .expect("queue sort plugins take no args");
        let queue = SchedulingQueue::new(
            queue_sort,
            config.pod_initial_backoff_seconds as SimDuration * SECOND,
            config.pod_max_backoff_seconds as SimDuration * SECOND,
        );
        let client = TokenBucket::new(setup.model.client_qps, setup.model.client_burst);
        Scheduler {
            config,
            pods: Informer::new(InformerConfig::all(Kind::Pod)),
            nodes: Informer::new(InformerConfig::all(Kind::Node)),
            services: Informer::new(InformerConfig::all(Kind::Service)),
            replication_controllers: Informer::new(InformerConfig::all(
                Kind::ReplicationController,
            )),
            replica_sets: Informer::new(InformerConfig::all(Kind::ReplicaSet)),
            namespaces: Informer::new(InformerConfig::all(Kind::Namespace)),
            queue,
            cache: Cache::new(),
            next_start_node_index: 0,
            cycle: None,
            client,
            throttled: BTreeMap::new(),
            pending: BTreeMap::new(),
            explain: Vec::new(),
            metrics: BTreeMap::new(),
            stats: SchedulerStats::default(),
            setup,
        }
    }

    pub fn stats(&self) -> &SchedulerStats {
        &self.stats
    }
    /// Per-pod scheduling figures by UID.
    pub fn pod_metrics(&self) -> &BTreeMap<Uid, PodSchedulingMetrics> {
        &self.metrics
    }
    pub fn explanations(&self) -> &[ExplainAttempt] {
        &self.explain
    }
    /// Pods waiting in the queue: (active, backoff, unschedulable).
    pub fn queue_counts(&self) -> (usize, usize, usize) {
        self.queue.counts()
    }

    fn synced(&self) -> bool {
        self.pods.has_synced() && self.nodes.has_synced()
    }

    fn responsible_for(&self, obj: &Object) -> Option<usize> {
        let pod = obj.as_pod()?;
        let name = if pod.spec.scheduler_name.is_empty() {
            config::DEFAULT_SCHEDULER_NAME
        } else {
            pod.spec.scheduler_name.as_str()
        };
        self.config.profile(name)
    }

    // -----------------------------------------------------------------------------------------
    // Event handlers (eventhandlers.go)

    fn on_pod_delta(&mut self, ctx: &mut Ctx, d: &Delta) {
        let now = ctx.now();
        match d {
            Delta::Added(obj) => self.on_pod_present(ctx, None, obj),
            Delta::Updated { old, new } => self.on_pod_present(ctx, Some(old), new),
            Delta::Deleted(obj) => {
                let Some(pod) = obj.as_pod() else { return };
                if pod.spec.node_name.is_empty() {
                    self.queue
                        .delete(&(obj.meta.namespace.clone(), obj.meta.name.clone()));
                } else if self.cache.has_pod(obj.meta.uid) {
                    self.cache.remove_pod(obj.meta.uid);
                    self.queue
                        .move_all_to_active_or_backoff(ClusterEvent::AssignedPodDelete, now);
                }
            }
        }
    }

    fn on_pod_present(&mut self, ctx: &mut Ctx, old: Option<&Arc<Object>>, obj: &Arc<Object>) {
        let now = ctx.now();
        let Some(pod) = obj.as_pod() else { return };
        let key = (obj.meta.namespace.clone(), obj.meta.name.clone());
        // The scheduler's informer leaves out terminal pods (status.phase!=Succeeded,Failed):
        // a pod turning terminal is a deletion to it.
        let terminal = matches!(pod.status.phase, PodPhase::Succeeded | PodPhase::Failed);
        if terminal {
            self.queue.delete(&key);
            if self.cache.has_pod(obj.meta.uid) {
                self.cache.remove_pod(obj.meta.uid);
                self.queue
                    .move_all_to_active_or_backoff(ClusterEvent::AssignedPodDelete, now);
            }
            return;
        }
        if !pod.spec.node_name.is_empty() {
            // Assigned: into the cache (confirming an assumed pod), out of the queue.
            self.queue.delete(&key);
            let was_cached =
                self.cache.has_pod(obj.meta.uid) && !self.cache.is_assumed(obj.meta.uid);
            let labels_changed = old.is_some_and(|o| o.meta.labels != obj.meta.labels);
            self.cache
                .add_or_update_pod(Arc::new(PodInfo::new(obj.clone())));
            if !was_cached {
                self.queue
                    .move_all_to_active_or_backoff(ClusterEvent::AssignedPodAdd, now);
            } else if labels_changed {
                self.queue
                    .move_all_to_active_or_backoff(ClusterEvent::AssignedPodUpdate, now);
            }
            return;
        }
        if obj.meta.deletion_timestamp.is_some() || self.responsible_for(obj).is_none() {
            self.queue.delete(&key);
            return;
        }
        let info = Arc::new(PodInfo::new(obj.clone()));
        if self.queue.contains(&key) {
            self.queue.update(info, now);
        } else {
            self.queue.add(info, now);
            self.metrics
                .entry(obj.meta.uid)
                .or_insert(PodSchedulingMetrics {
                    attempts: 0,
                    queued_at: now,
                    bound_at: None,
                });
        }
    }

    fn on_node_delta(&mut self, ctx: &mut Ctx, d: &Delta) {
        let now = ctx.now();
        match d {
            Delta::Added(n) => {
                self.cache.add_node(n.clone());
                self.queue
                    .move_all_to_active_or_backoff(ClusterEvent::NodeAdd, now);
            }
            Delta::Updated { old, new } => {
                self.cache.update_node(new.clone());
                for event in node_update_events(old, new) {
                    self.queue.move_all_to_active_or_backoff(event, now);
                }
            }
            Delta::Deleted(n) => self.cache.remove_node(n),
        }
    }

    fn refresh_listers(&mut self) {
        let list = |i: &Informer| i.list().cloned().collect::<Vec<_>>();
        let listers = &mut self.cache.snapshot_mut().listers;
        listers.services = list(&self.services);
        listers.replication_controllers = list(&self.replication_controllers);
        listers.replica_sets = list(&self.replica_sets);
        listers.namespaces = list(&self.namespaces);
    }

    // -----------------------------------------------------------------------------------------
    // scheduleOne

    fn maybe_start_cycle(&mut self, ctx: &mut Ctx) {
        if self.cycle.is_some() || !self.synced() {
            return;
        }
        let Some(queued) = self.queue.pop() else {
            return;
        };
        let pod = queued.pod_info.clone();
        let Some(profile_idx) = self.responsible_for(&pod.pod) else {
            self.queue.delete(&key_of(&pod));
            return;
        };
        self.stats.attempts += 1;
        if let Some(m) = self.metrics.get_mut(&pod.pod.meta.uid) {
            m.attempts += 1;
        }
        self.cache.update_order();
        let profile = &self.config.profiles[profile_idx];
        let attempt = schedule_pod(
            profile,
            self.config.percentage_of_nodes_to_score,
            self.cache.snapshot(),
            self.cache.order(),
            &mut self.next_start_node_index,
            &pod,
            ctx.rng(),
            self.setup.explain,
        );
        let cost = self.setup.model.attempt_base
            + self.setup.model.attempt_per_node * attempt.nodes_evaluated as SimDuration;
        let explain = self.setup.explain.then(|| ExplainAttempt {
            attempt: self.stats.attempts,
            time: ctx.now(),
            namespace: pod.pod.meta.namespace.clone(),
            pod: pod.pod.meta.name.clone(),
            profile: Name::new(&profile.scheduler_name),
            outcome: "",
            chosen: Name::default(),
            rows: attempt.explain,
        });
        self.cycle = Some(CycleInFlight {
            profile: profile_idx,
            queued,
            state: attempt.state,
            result: attempt.result,
            post_filter: attempt.post_filter,
            explain,
        });
        ctx.set_timer(cost, TAG_CYCLE_DONE);
    }

    fn finish_cycle(&mut self, ctx: &mut Ctx) {
        let Some(mut cycle) = self.cycle.take() else {
            return;
        };
        let pod = cycle.queued.pod_info.clone();
        let key = key_of(&pod);
        // The pod may have been deleted or bound elsewhere while the attempt ran
        // (skipPodSchedule).
        let current = self.pods.get(&key.0, &key.1).cloned();
        let still_pending = current.as_ref().is_some_and(|o| {
            o.meta.uid == pod.pod.meta.uid
                && o.as_pod().is_some_and(|p| p.spec.node_name.is_empty())
                && o.meta.deletion_timestamp.is_none()
        }) && self.queue.contains(&key);
        let outcome;
        if !still_pending {
            outcome = ("Skipped", Name::default());
            self.queue.done(&key);
        } else {
            match std::mem::replace(&mut cycle.result, Err(ScheduleError::NoNodes)) {
                Ok(result) => {
                    outcome = ("Scheduled", result.suggested_host.clone());
                    self.assume_and_bind(ctx, &mut cycle, result.suggested_host);
                }
                Err(err) => {
                    let nominated = cycle
                        .post_filter
                        .as_ref()
                        .and_then(|p| p.nominated_node_name.clone())
                        .unwrap_or_default();
                    outcome = (
                        if matches!(err, ScheduleError::Internal(_)) {
                            "Error"
                        } else {
                            "Unschedulable"
                        },
                        nominated,
                    );
                    self.handle_failure(ctx, &cycle, &err, current.as_ref().expect("pending pod"));
                }
            }
        }
        if let Some(mut e) = cycle.explain.take() {
            e.outcome = outcome.0;
            e.chosen = outcome.1;
            self.explain.push(e);
        }
        self.maybe_start_cycle(ctx);
    }

    fn profile_name(&self, profile: usize) -> String {
        self.config.profiles[profile].scheduler_name.clone()
    }

    /// assume, Reserve, Permit, then the binding cycle: PreBind and the Binding.
    fn assume_and_bind(&mut self, ctx: &mut Ctx, cycle: &mut CycleInFlight, node: Name) {
        let pod = cycle.queued.pod_info.clone();
        let key = key_of(&pod);
        self.cache.assume_pod(pod.clone(), &node);
        let profile = &self.config.profiles[cycle.profile];
        let mut rejected: Option<(&'static str, framework::Status)> = None;
        let mut reserved = Vec::new();
        for &i in &profile.reserve {
            reserved.push(i);
            let s = profile.plugins[i].reserve(&mut cycle.state, &pod, &node);
            if !s.is_success() {
                rejected = Some((profile.plugins[i].name(), s));
                break;
            }
        }
        let later = profile.permit.iter().map(|&i| (i, true));
        let later = later.chain(profile.pre_bind.iter().map(|&i| (i, false)));
        for (i, permit) in later {
            if rejected.is_some() {
                break;
            }
            let p = &profile.plugins[i];
            let s = if permit {
                p.permit(&mut cycle.state, &pod, &node)
            } else {
                p.pre_bind(&mut cycle.state, &pod, &node)
            };
            if !s.is_success() {
                rejected = Some((p.name(), s));
            }
        }
        if let Some((plugin, status)) = rejected {
            for &i in reserved.iter().rev() {
                profile.plugins[i].unreserve(&mut cycle.state, &pod, &node);
            }
            self.cache.forget_pod(pod.pod.meta.uid);
            let message = format!("running {plugin:?} plugin: {}", status.message());
            self.emit_failed_scheduling(ctx, cycle.profile, &pod, &message);
            self.stats.errors += 1;
            self.queue.add_unschedulable(
                &key,
                vec![plugin],
                status.code == framework::Code::Error,
                ctx.now(),
            );
            return;
        }
        let req = Request::Bind {
            namespace: key.0.clone(),
            name: key.1.clone(),
            node: node.clone(),
            uid: Some(pod.pod.meta.uid),
        };
        self.send(
            ctx,
            req,
            Pending::Bind {
                key,
                uid: pod.pod.meta.uid,
                node,
                profile: cycle.profile,
                pod,
            },
        );
    }

    /// Sends through the client rate limiter.
    fn send(&mut self, ctx: &mut Ctx, req: Request, purpose: Pending) {
        let delay = self.client.reserve(ctx.now());
        if delay == 0 {
            let id = ctx.send(req);
            self.pending.insert(id, purpose);
        } else {
            let t = ctx.set_timer(delay, TAG_SEND);
            self.throttled.insert(t, (req, purpose));
        }
    }

    fn on_response(
        &mut self,
        ctx: &mut Ctx,
        purpose: Pending,
        result: Result<Response, ApiStatus>,
    ) {
        let Pending::Bind {
            key,
            uid,
            node,
            profile,
            pod,
        } = purpose
        else {
            return;
        };
        let now = ctx.now();
        match result {
            Ok(_) => {
                self.stats.scheduled += 1;
                self.queue.done(&key);
                if let Some(m) = self.metrics.get_mut(&uid) {
                    m.bound_at = Some(now);
                }
                // The Scheduled event (schedule_one.go handleBindingCycle's recorder call).
                ctx.trace(
                    Record::new(&self.profile_name(profile), "Scheduled")
                        .object("Pod", &key.0, &key.1)
                        .node(&node)
                        .detail(format!(
                            "Successfully assigned {}/{} to {node}",
                            key.0, key.1
                        )),
                );
            }
            Err(status) => {
                self.stats.bind_errors += 1;
                // handleBindingCycleError: forget the assumed pod and retry after back-off.
                self.cache.forget_pod(uid);
                for &i in self.config.profiles[profile].reserve.iter().rev() {
                    self.config.profiles[profile].plugins[i].unreserve(
                        &mut CycleState::new(),
                        &pod,
                        &node,
                    );
                }
                let message = format!("Binding rejected: {}", status.message);
                self.emit_failed_scheduling(ctx, profile, &pod, &message);
                if status.reason == StatusReason::NotFound {
                    self.queue.delete(&key);
                } else {
                    self.queue.add_unschedulable(&key, Vec::new(), true, now);
                }
                self.queue
                    .move_all_to_active_or_backoff(ClusterEvent::AssignedPodDelete, now);
            }
        }
    }

    fn emit_failed_scheduling(
        &mut self,
        ctx: &mut Ctx,
        profile: usize,
        pod: &PodInfo,
        message: &str,
    ) {
        ctx.trace(
            Record::new(&self.profile_name(profile), "FailedScheduling")
                .object("Pod", pod.namespace(), pod.name())
                .detail(message),
        );
    }

    /// handleSchedulingFailure: the event, the PodScheduled=False condition (and the
    /// nominated node), preemption's victims, and the pod back to the queue.
    fn handle_failure(
        &mut self,
        ctx: &mut Ctx,
        cycle: &CycleInFlight,
        err: &ScheduleError,
        current: &Arc<Object>,
    ) {
        let pod = &cycle.queued.pod_info;
        let key = key_of(pod);
        let now = ctx.now();
        let message = err.message();
        self.emit_failed_scheduling(ctx, cycle.profile, pod, &message);
        let (plugins, is_error) = match err {
            ScheduleError::Fit(f) => {
                self.stats.unschedulable += 1;
                (f.diagnosis.unschedulable_plugins.clone(), false)
            }
            ScheduleError::NoNodes => {
                self.stats.unschedulable += 1;
                (Vec::new(), false)
            }
            ScheduleError::Internal(_) => {
                self.stats.errors += 1;
                (Vec::new(), true)
            }
        };
        let nominated = cycle
            .post_filter
            .as_ref()
            .and_then(|p| p.nominated_node_name.clone());
        if let Some(pf) = &cycle.post_filter {
            self.evict_victims(ctx, cycle.profile, pod, pf);
        }
        // updatePod: only when the condition or the nominated node changes.
        let Some(p) = current.as_pod() else { return };
        let reason = if is_error {
            "SchedulerError"
        } else {
            "Unschedulable"
        };
        let cond_same = find_condition(&p.status.conditions, "PodScheduled").is_some_and(|c| {
            c.status == ConditionStatus::False && c.reason() == reason && c.message() == message
        });
        let nominated_same =
            nominated.is_none() || nominated.as_ref() == Some(&p.status.rare.nominated_node_name);
        if !(cond_same && nominated_same) {
            let mut obj = (**current).clone();
            obj.meta.resource_version = 0;
            if let Body::Pod(pp) = &mut obj.body {
                let mut c =
                    Condition::new(Name::new_static("PodScheduled"), ConditionStatus::False)
                        .with_reason(reason, message.as_str());
                c.last_update_time = None;
                c.last_transition_time = Some(now);
                set_condition(&mut pp.status.conditions, c);
                if let Some(n) = &nominated {
                    pp.status.rare.nominated_node_name = n.clone();
                }
            }
            self.send(ctx, Request::UpdateStatus { object: obj }, Pending::Other);
        }
        self.queue.add_unschedulable(&key, plugins, is_error, now);
    }

    /// prepareCandidate: mark each victim with DisruptionTarget and delete it.
    fn evict_victims(
        &mut self,
        ctx: &mut Ctx,
        profile: usize,
        preemptor: &PodInfo,
        pf: &PostFilterResult,
    ) {
        let node = pf.nominated_node_name.clone().unwrap_or_default();
        let scheduler = self.profile_name(profile);
        for v in &pf.victims {
            self.stats.preemption_victims += 1;
            let mut obj = (*v.pod).clone();
            obj.meta.resource_version = 0;
            if let Body::Pod(pp) = &mut obj.body {
                let mut c =
                    Condition::new(Name::new_static("DisruptionTarget"), ConditionStatus::True)
                        .with_reason(
                            "PreemptionByScheduler",
                            format!("{scheduler}: preempting to accommodate a higher priority pod"),
                        );
                c.last_transition_time = Some(ctx.now());
                set_condition(&mut pp.status.conditions, c);
            }
            self.send(ctx, Request::UpdateStatus { object: obj }, Pending::Other);
            self.send(
                ctx,
                Request::Delete {
                    kind: Kind::Pod,
                    namespace: v.pod.meta.namespace.clone(),
                    name: v.pod.meta.name.clone(),
                    options: DeleteOptions {
                        precondition_uid: Some(v.pod.meta.uid),
                        ..DeleteOptions::default()
                    },
                },
                Pending::Other,
            );
            ctx.trace(
                Record::new(&scheduler, "Preempted")
                    .object("Pod", v.namespace(), v.name())
                    .node(&node)
                    .detail(format!(
                        "Preempted by pod {} on node {node}",
                        preemptor.pod.meta.uid
                    )),
            );
        }
    }
}

/// The cluster events a node update amounts to (nodeSchedulingPropertiesChange).
fn node_update_events(old: &Object, new: &Object) -> Vec<ClusterEvent> {
    let (Some(o), Some(n)) = (old.as_node(), new.as_node()) else {
        return Vec::new();
    };
    let mut events = Vec::new();
    if o.spec.unschedulable != n.spec.unschedulable {
        events.push(ClusterEvent::NodeSpecUnschedulableChange);
    }
    if o.status.allocatable != n.status.allocatable {
        events.push(ClusterEvent::NodeAllocatableChange);
    }
    if old.meta.labels != new.meta.labels {
        events.push(ClusterEvent::NodeLabelChange);
    }
    if o.spec.taints != n.spec.taints {
        events.push(ClusterEvent::NodeTaintChange);
    }
    events
}

impl Component for Scheduler {
    fn start(&mut self, ctx: &mut Ctx) {
        self.pods.start(ctx);
        self.nodes.start(ctx);
        self.services.start(ctx);
        self.replication_controllers.start(ctx);
        self.replica_sets.start(ctx);
        self.namespaces.start(ctx);
        ctx.set_timer(BACKOFF_FLUSH_PERIOD, TAG_FLUSH_BACKOFF);
        ctx.set_timer(UNSCHEDULABLE_FLUSH_PERIOD, TAG_FLUSH_UNSCHEDULABLE);
    }

    fn handle(&mut self, ctx: &mut Ctx, msg: Message) {
        if let Some(deltas) = self.nodes.handle(ctx, &msg) {
            for d in &deltas {
                self.on_node_delta(ctx, d);
            }
            self.maybe_start_cycle(ctx);
            return;
        }
        if let Some(deltas) = self.pods.handle(ctx, &msg) {
            for d in &deltas {
                self.on_pod_delta(ctx, d);
            }
            self.maybe_start_cycle(ctx);
            return;
        }
        for i in 0..4 {
            let informer = match i {
                0 => &mut self.services,
                1 => &mut self.replication_controllers,
                2 => &mut self.replica_sets,
                _ => &mut self.namespaces,
            };
            if informer.handle(ctx, &msg).is_some() {
                self.refresh_listers();
                return;
            }
        }
        match msg {
            Message::Timer {
                tag: TAG_FLUSH_BACKOFF,
                ..
            } => {
                self.queue.flush_backoff_completed(ctx.now());
                ctx.set_timer(BACKOFF_FLUSH_PERIOD, TAG_FLUSH_BACKOFF);
                self.maybe_start_cycle(ctx);
            }
            Message::Timer {
                tag: TAG_FLUSH_UNSCHEDULABLE,
                ..
            } => {
                self.queue.flush_unschedulable_leftover(ctx.now());
                ctx.set_timer(UNSCHEDULABLE_FLUSH_PERIOD, TAG_FLUSH_UNSCHEDULABLE);
                self.maybe_start_cycle(ctx);
            }
            Message::Timer {
                tag: TAG_CYCLE_DONE,
                ..
            } => self.finish_cycle(ctx),
            Message::Timer { id, tag: TAG_SEND } => {
                if let Some((req, purpose)) = self.throttled.remove(&id) {
                    let rid = ctx.send(req);
                    self.pending.insert(rid, purpose);
                }
            }
            Message::Response { id, result } => {
                if let Some(purpose) = self.pending.remove(&id) {
                    self.on_response(ctx, purpose, result);
                    self.maybe_start_cycle(ctx);
                }
            }
            _ => {}
        }
    }
}

/// Writes `scheduling.csv`: one row per attempt × node × plugin (see docs/trace-format.md).
pub fn write_explain_csv<'a, W: Write>(
    attempts: impl IntoIterator<Item = &'a ExplainAttempt>,
    w: W,
) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(EXPLAIN_HEADER)?;
    let opt = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    for a in attempts {
        let head = [
            a.attempt.to_string(),
            a.time.to_string(),
            a.namespace.to_string(),
            a.pod.to_string(),
            a.profile.to_string(),
            a.outcome.to_string(),
            a.chosen.to_string(),
        ];
        if a.rows.is_empty() {
            let mut rec: Vec<String> = head.to_vec();
            rec.extend(std::iter::repeat_n(
                String::new(),
                EXPLAIN_HEADER.len() - head.len(),
            ));
            out.write_record(&rec)?;
            continue;
        }
        // Each node's total over the score plugins, for the last column.
        let mut totals: BTreeMap<&str, i64> = BTreeMap::new();
        for r in &a.rows {
            if let Some(w) = r.weighted_score {
                *totals.entry(r.node.as_str()).or_insert(0) += w;
            }
        }
        for r in &a.rows {
            let mut rec: Vec<String> = head.to_vec();
            let total = if r.point == "score" {
                totals
                    .get(r.node.as_str())
                    .map(|t| t.to_string())
                    .unwrap_or_default()
            } else {
                String::new()
            };
            rec.extend([
                r.node.to_string(),
                r.point.to_string(),
                r.plugin.to_string(),
                r.verdict.to_string(),
                r.reason.clone(),
                opt(r.raw_score),
                opt(r.normalized_score),
                opt(r.weighted_score),
                total,
            ]);
            out.write_record(&rec)?;
        }
    }
    out.flush()
}
