//! The kubelet (pkg/kubelet): watches the pods bound to its node, admits them, and drives
//! the container runtime through pod sandboxes, image pulls, container create/start,
//! lifecycle hooks, probes, restart back-off and graceful termination; reports pod status,
//! node status and its node Lease through the API. One component per node; the runtime's
//! state (`runtime.rs`) lives in the same component but outlives a kubelet restart.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use rand::Rng;

use super::behavior::{self, BehaviorRule, RunPlan};
use super::runtime::{Ctr, CtrState, PullJob, Runtime, Sandbox, Termination};
use super::status;
use crate::api::request::{DeleteOptions, FieldSelector, Request, Response, Status};
pub use crate::api::resource::pod_requests;
use crate::api::types::{
    Body, Condition, ConditionStatus, Container, ContainerImage, ContainerState, ContainerStatus,
    Handler, Kind, Name, Object, PodPhase, PodStatus, Probe, PullPolicy, ResourceList,
    ResourceName, RestartPolicy, Uid,
};
use crate::client::{Component, Ctx, Fault, Informer, InformerConfig, Message, RequestId, TimerId};
use crate::engine::{format_duration, SimDuration, SimTime, MILLISECOND, SECOND};
use crate::model::{parse_size, KubeletModel, RuntimeModel};
use crate::trace::Record;

/// What a kubelet is told about its machine and world when the node is set up.
#[derive(Debug)]
pub struct NodeSetup {
    pub node: Name,
    pub kubelet: KubeletModel,
    pub runtime: RuntimeModel,
    /// The scenario's container behaviour rules.
    pub rules: Vec<BehaviorRule>,
    /// Images already on the node's disk when the run starts.
    pub preloaded_images: Vec<Name>,
}

/// The time a container always gets between SIGTERM and SIGKILL, after its preStop hook
/// if it has one (pkg/kubelet/kuberuntime/kuberuntime_container.go
/// minimumGracePeriodInSeconds).
const MINIMUM_GRACE_PERIOD: SimDuration = 2 * SECOND;
/// Exit code of a process killed by SIGKILL (128 + 9).
const SIGKILL_EXIT_CODE: i32 = 137;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum ProbeKind {
    Startup,
    Readiness,
    Liveness,
}

impl ProbeKind {
    fn as_str(self) -> &'static str {
        match self {
            ProbeKind::Startup => "Startup",
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Liveness => "Liveness",
        }
    }
}

/// What a timer means when it fires. Timers are keyed by their run-unique id, so a timer
/// armed by an earlier incarnation of the kubelet is ignored by a later one.
#[derive(Clone, Debug)]
enum Timer {
    // The kubelet process's own timers (lost on a kubelet restart).
    NodeStatus,
    LeaseRenew,
    /// Retry or resync of a pod worker.
    Sync(Uid),
    /// A step of a pod sync finished (sandbox created, container created/started, hook).
    Step(Uid, StepDone),
    Probe {
        uid: Uid,
        container: Name,
        restart: i32,
        kind: ProbeKind,
    },
    /// The preStop hook of a container being stopped returned.
    PreStopDone {
        uid: Uid,
        container: Name,
        restart: i32,
        grace: SimDuration,
        started: SimTime,
    },
    // The runtime's timers (survive a kubelet restart, not a node crash).
    /// A container's process exits (on its own, after SIGTERM, or SIGKILLed).
    Exit {
        uid: Uid,
        container: Name,
        restart: i32,
        exit_code: i32,
        cause: ExitCause,
    },
    PullDone(u64),
    SandboxStopped(Uid),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ExitCause {
    OnItsOwn,
    Sigterm,
    Sigkill,
}

#[derive(Clone, Debug)]
enum StepDone {
    Sandbox,
    Created { container: Name },
    Started { container: Name },
    PostStart { container: Name, restart: i32 },
}

impl Timer {
    fn is_runtime(&self) -> bool {
        matches!(
            self,
            Timer::Exit { .. } | Timer::PullDone(_) | Timer::SandboxStopped(_)
        )
    }
}

/// One step of a pod sync; steps run one after the other.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    CreateSandbox,
    /// Pull (as the policy says), create, start, postStart.
    StartContainer {
        name: Name,
    },
    /// Stop one running container (liveness/startup failure), grace from the probe or pod.
    KillContainer {
        name: Name,
        message: String,
    },
    /// Stop every container and the sandbox: the pod is being deleted or has finished.
    KillPod,
}

#[derive(Clone, Copy, Debug)]
struct Backoff {
    delay: SimDuration,
    last_update: SimTime,
}

/// k8s.io/client-go/util/flowcontrol.Backoff, per key, without jitter (as the kubelet uses it).
#[derive(Debug, Default)]
struct BackoffTable<K: Ord> {
    entries: BTreeMap<K, Backoff>,
}

impl<K: Ord> BackoffTable<K> {
    /// An entry expires when it has not been updated for twice the cap (hasExpired).
    fn expired(e: &Backoff, at: SimTime, max: SimDuration) -> bool {
        at.saturating_sub(e.last_update) > 2 * max
    }
    /// IsInBackOffSince: still within the back-off that started at `event_time`.
    fn in_back_off_since(
        &self,
        key: &K,
        event_time: SimTime,
        now: SimTime,
        max: SimDuration,
    ) -> bool {
        match self.entries.get(key) {
            Some(e) if !Self::expired(e, event_time, max) => {
                now.saturating_sub(event_time) < e.delay
            }
            _ => false,
        }
    }
    /// Next: the first delay, or double the last one up to the cap.
    fn next(
        &mut self,
        key: K,
        event_time: SimTime,
        now: SimTime,
        initial: SimDuration,
        max: SimDuration,
    ) {
        let delay = match self.entries.get(&key) {
            Some(e) if !Self::expired(e, event_time, max) => (e.delay * 2).min(max),
            _ => initial,
        };
        self.entries.insert(
            key,
            Backoff {
                delay,
                last_update: now,
            },
        );
    }
    fn get(&self, key: &K) -> SimDuration {
        self.entries.get(key).map_or(0, |e| e.delay)
    }
}

#[derive(Clone, Debug, Default)]
struct ProbeState {
    /// Consecutive successes and failures.
    successes: i32,
    failures: i32,
    /// The current result: readiness false and startup false until they succeed.
    ok: bool,
    /// A liveness or startup failure is being acted on; the worker waits for a new instance.
    on_hold: bool,
}

/// A pod worker (pod_workers.go): the kubelet's per-pod state.
#[derive(Debug)]
struct Worker {
    pod: Arc<Object>,
    admitted: bool,
    rejected: Option<(Name, String)>,
    /// A sync is running its steps.
    busy: bool,
    steps: VecDeque<Step>,
    /// Another sync was asked for while this one ran.
    again: bool,
    /// This sync hit a back-off or an error: retry after the worker back-off period.
    failed: bool,
    retry: Option<TimerId>,
    /// The reason cache: why each container is waiting (CrashLoopBackOff, ErrImagePull, ...).
    waiting: BTreeMap<Name, (Name, String)>,
    probes: BTreeMap<(Name, ProbeKind), ProbeState>,
    /// Containers whose liveness or startup probe failed, with the Killing message.
    to_kill: BTreeMap<Name, String>,
    killing_pod: bool,
    /// The sync waits for this container to stop before its next step.
    awaiting_exit: Option<Name>,
    /// Every container stopped and the sandbox gone, after a deletion or a terminal phase.
    terminated: bool,
    start_time: Option<SimTime>,
    status_in_flight: bool,
    status_dirty: bool,
    last_sent: Option<PodStatus>,
    delete_sent: bool,
    /// The pod has left the API: nothing more is written for it.
    gone: bool,
}

impl Worker {
    fn new(pod: Arc<Object>) -> Worker {
        Worker {
            pod,
            admitted: false,
            rejected: None,
            busy: false,
            steps: VecDeque::new(),
            again: false,
            failed: false,
            retry: None,
            waiting: BTreeMap::new(),
            probes: BTreeMap::new(),
            to_kill: BTreeMap::new(),
            killing_pod: false,
            awaiting_exit: None,
            terminated: false,
            start_time: None,
            status_in_flight: false,
            status_dirty: true,
            last_sent: None,
            delete_sent: false,
            gone: false,
        }
    }
}

#[derive(Clone, Debug)]
enum Pending {
    GetNode,
    NodeStatusGet,
    NodeStatusUpdate,
    LeaseGet,
    LeaseWrite,
    PodStatus(Uid),
    PodDelete(Uid),
}

/// What the kubelet last posted as node status: condition statuses and images.
type NodeStatusSummary = (Vec<(Name, ConditionStatus)>, Vec<ContainerImage>);

/// The kubelet process's memory: lost when it restarts.
struct Process {
    pods: Informer,
    node: Option<Arc<Object>>,
    workers: BTreeMap<Uid, Worker>,
    crash_backoff: BackoffTable<(Uid, Name)>,
    pull_backoff: BackoffTable<(Uid, Name)>,
    pending: BTreeMap<RequestId, Pending>,
    lease: Option<Arc<Object>>,
    lease_in_flight: bool,
    node_status_in_flight: bool,
    last_node_status_post: Option<SimTime>,
    last_node_status: Option<NodeStatusSummary>,
    /// Pull jobs this process waits for, by job id: (pod, container).
    pulls_waited: BTreeMap<u64, (Uid, Name)>,
}

impl Process {
    fn new(node: &str) -> Process {
        let mut cfg = InformerConfig::all(Kind::Pod);
        cfg.field_selector = Some(FieldSelector::node_name(node));
        Process {
            pods: Informer::new(cfg),
            node: None,
            workers: BTreeMap::new(),
            crash_backoff: BackoffTable::default(),
            pull_backoff: BackoffTable::default(),
            pending: BTreeMap::new(),
            lease: None,
            lease_in_flight: false,
            node_status_in_flight: false,
            last_node_status_post: None,
            last_node_status: None,
            pulls_waited: BTreeMap::new(),
        }
    }
}

/// The kubelet of one node, with its container runtime.
pub struct Kubelet {
    setup: Arc<NodeSetup>,
    /// The node is powered off: nothing runs, messages are lost.
    down: bool,
    rt: Runtime,
    k: Process,
    timers: BTreeMap<TimerId, Timer>,
}

impl Kubelet {
    pub fn new(setup: Arc<NodeSetup>) -> Kubelet {
        let mut rt = Runtime::default();
        for image in &setup.preloaded_images {
            let size = image_size(&setup.runtime, image);
            rt.images.insert(image.clone(), size);
        }
        Kubelet {
            k: Process::new(&setup.node),
            setup,
            down: false,
            rt,
            timers: BTreeMap::new(),
        }
    }

    pub fn node_name(&self) -> &str {
        &self.setup.node
    }

    fn timer(&mut self, ctx: &mut Ctx, after: SimDuration, t: Timer) -> TimerId {
        let id = ctx.set_timer(after, 0);
        self.timers.insert(id, t);
        id
    }

    fn trace(&self, ctx: &mut Ctx, event: &str, pod: &Object, detail: String) {
        let component = "kubelet";
        ctx.trace(
            Record::new(component, event)
                .object("Pod", &pod.meta.namespace, &pod.meta.name)
                .node(&self.setup.node)
                .detail(detail),
        );
    }

    fn trace_node(&self, ctx: &mut Ctx, event: &str, detail: String) {
        let component = "kubelet";
        ctx.trace(
            Record::new(component, event)
                .object("Node", "", &self.setup.node)
                .node(&self.setup.node)
                .detail(detail),
        );
    }

    // -----------------------------------------------------------------------------------------
    // Process start, node status, lease

    fn boot(&mut self, ctx: &mut Ctx) {
        self.k = Process::new(&self.setup.node);
        self.timers.retain(|_, t| t.is_runtime());
        // A stop the previous kubelet process began (its preStop wait) died with it: the new
        // process stops those containers again, as upstream's kubelet does after a restart.
        for c in self
            .rt
            .sandboxes
            .values_mut()
            .flat_map(|s| s.containers.values_mut())
        {
            c.stopping = false;
        }
        self.trace_node(ctx, "Starting", "Starting kubelet.".into());
        let id = ctx.send(Request::Get {
            kind: Kind::Node,
            namespace: Name::default(),
            name: self.setup.node.clone(),
        });
        self.k.pending.insert(id, Pending::GetNode);
        self.k.pods.start(ctx);
        self.timer(ctx, 0, Timer::LeaseRenew);
        let every = self.setup.kubelet.node_status_update_frequency;
        self.timer(ctx, every, Timer::NodeStatus);
    }

    fn node_status_tick(&mut self, ctx: &mut Ctx) {
        let every = self.setup.kubelet.node_status_update_frequency;
        self.timer(ctx, every, Timer::NodeStatus);
        if self.k.node_status_in_flight {
            return;
        }
        let summary = (self.node_conditions_summary(), self.image_list());
        let due = self
            .k
            .last_node_status_post
            .is_none_or(|t| ctx.now() >= t + self.setup.kubelet.node_status_report_frequency);
        if due || self.k.last_node_status.as_ref() != Some(&summary) {
            self.k.node_status_in_flight = true;
            let id = ctx.send(Request::Get {
                kind: Kind::Node,
                namespace: Name::default(),
                name: self.setup.node.clone(),
            });
            self.k.pending.insert(id, Pending::NodeStatusGet);
        }
    }

    fn node_conditions_summary(&self) -> Vec<(Name, ConditionStatus)> {
        NODE_CONDITIONS
            .iter()
            .map(|(t, healthy, _, _)| (Name::new_static(t), *healthy))
            .collect()
    }

    /// status.images: the largest first, at most nodeStatusMaxImages (kubelet_node_status.go
    /// setNodeStatusImages sorts by size).
    fn image_list(&self) -> Vec<ContainerImage> {
        let mut images: Vec<ContainerImage> = self
            .rt
            .images
            .iter()
            .map(|(name, size)| ContainerImage {
                names: vec![name.clone()],
                size_bytes: *size as i64,
            })
            .collect();
        images.sort_by(|a, b| b.size_bytes.cmp(&a.size_bytes).then(a.names.cmp(&b.names)));
        images.truncate(self.setup.kubelet.node_status_max_images);
        images
    }

    fn post_node_status(&mut self, ctx: &mut Ctx, current: &Object) {
        let now = ctx.now();
        let mut node = current.clone();
        let images = self.image_list();
        if let Body::Node(n) = &mut node.body {
            let old = n.status.conditions.clone();
            n.status.conditions = healthy_node_conditions(now);
            for c in &mut n.status.conditions {
                // An unchanged condition keeps its transition time.
                if let Some(prev) = old
                    .iter()
                    .find(|o| o.type_ == c.type_ && o.status == c.status)
                {
                    c.last_transition_time = prev.last_transition_time.or(Some(now));
                }
            }
            n.status.images = images.clone();
            if old
                .iter()
                .find(|c| c.type_ == "Ready")
                .is_some_and(|c| c.status != ConditionStatus::True)
            {
                self.trace_node(
                    ctx,
                    "NodeReady",
                    format!("Node {} status is now: NodeReady", self.setup.node),
                );
            }
        }
        node.meta.resource_version = 0;
        let id = ctx.send(Request::UpdateStatus { object: node });
        self.k.pending.insert(id, Pending::NodeStatusUpdate);
        self.k.last_node_status = Some((self.node_conditions_summary(), images));
        self.k.last_node_status_post = Some(now);
    }

    fn lease_tick(&mut self, ctx: &mut Ctx) {
        let every = self.setup.kubelet.lease_renew_interval();
        self.timer(ctx, every, Timer::LeaseRenew);
        if self.k.lease_in_flight {
            return;
        }
        self.k.lease_in_flight = true;
        match self.k.lease.clone() {
            None => {
                let id = ctx.send(Request::Get {
                    kind: Kind::Lease,
                    namespace: Name::new_static("kube-node-lease"),
                    name: self.setup.node.clone(),
                });
                self.k.pending.insert(id, Pending::LeaseGet);
            }
            Some(lease) => self.renew_lease(ctx, Some(&lease)),
        }
    }

    /// Creates or renews the node Lease (pkg/kubelet/nodelease, component-helpers/apimachinery/lease).
    fn renew_lease(&mut self, ctx: &mut Ctx, current: Option<&Object>) {
        let now = ctx.now();
        let req = match current {
            Some(obj) => {
                let mut obj = obj.clone();
                if let Body::Lease(l) = &mut obj.body {
                    l.renew_time = Some(now);
                    l.holder_identity = self.setup.node.clone();
                    l.lease_duration_seconds = Some(self.setup.kubelet.node_lease_duration_seconds);
                }
                Request::Update { object: obj }
            }
            None => Request::Create {
                object: Object {
                    meta: crate::api::types::ObjectMeta {
                        name: self.setup.node.clone(),
                        namespace: Name::new_static("kube-node-lease"),
                        ..Default::default()
                    },
                    body: Body::Lease(crate::api::types::Lease {
                        holder_identity: self.setup.node.clone(),
                        lease_duration_seconds: Some(
                            self.setup.kubelet.node_lease_duration_seconds,
                        ),
                        renew_time: Some(now),
                        ..Default::default()
                    }),
                },
            },
        };
        let id = ctx.send(req);
        self.k.pending.insert(id, Pending::LeaseWrite);
    }

    fn on_response(&mut self, ctx: &mut Ctx, id: RequestId, result: Result<Response, Status>) {
        let Some(p) = self.k.pending.remove(&id) else {
            return;
        };
        match p {
            Pending::GetNode => match result {
                Ok(Response::Object(node)) => {
                    self.k.node = Some(node);
                    let uids: Vec<Uid> = self.k.workers.keys().copied().collect();
                    for uid in uids {
                        self.want_sync(ctx, uid);
                    }
                }
                _ => {
                    // Retry: the kubelet cannot admit pods without its node.
                    let id = ctx.send(Request::Get {
                        kind: Kind::Node,
                        namespace: Name::default(),
                        name: self.setup.node.clone(),
                    });
                    self.k.pending.insert(id, Pending::GetNode);
                }
            },
            Pending::NodeStatusGet => match result {
                Ok(Response::Object(node)) => self.post_node_status(ctx, &node),
                _ => self.k.node_status_in_flight = false,
            },
            Pending::NodeStatusUpdate => {
                self.k.node_status_in_flight = false;
                if let Ok(Response::Object(node)) = result {
                    self.k.node = Some(node);
                } else {
                    self.k.last_node_status = None;
                }
            }
            Pending::LeaseGet => match result {
                Ok(Response::Object(lease)) => {
                    self.k.lease = Some(lease.clone());
                    self.renew_lease(ctx, Some(&lease));
                }
                Err(s) if s.code == 404 => self.renew_lease(ctx, None),
                _ => self.k.lease_in_flight = false,
            },
            Pending::LeaseWrite => {
                self.k.lease_in_flight = false;
                match result {
                    Ok(Response::Object(lease)) => self.k.lease = Some(lease),
                    // A conflict or an error: read it again at the next renewal.
                    _ => self.k.lease = None,
                }
            }
            Pending::PodStatus(uid) => {
                let Some(w) = self.k.workers.get_mut(&uid) else {
                    return;
                };
                w.status_in_flight = false;
                if result.is_err() {
                    // Written again at the kubelet's next timer, not at once: an error that
                    // persists must not become a request loop.
                    w.last_sent = None;
                    w.status_dirty = true;
                } else {
                    self.sync_status(ctx, uid);
                }
            }
            Pending::PodDelete(uid) => {
                if result.is_err() {
                    if let Some(w) = self.k.workers.get_mut(&uid) {
                        w.delete_sent = false;
                    }
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Pod workers

    fn on_pod_delta(&mut self, ctx: &mut Ctx, obj: &Arc<Object>, deleted: bool) {
        let uid = obj.meta.uid;
        if deleted {
            // The pod is gone from the API: stop everything left of it at once.
            if let Some(w) = self.k.workers.get_mut(&uid) {
                w.pod = obj.clone();
                let mut meta = w.pod.meta.clone();
                meta.deletion_timestamp.get_or_insert(ctx.now());
                meta.deletion_grace_period_seconds = Some(0);
                w.pod = Arc::new(Object {
                    meta,
                    body: w.pod.body.clone(),
                });
                w.gone = true;
                self.want_sync(ctx, uid);
            }
            return;
        }
        match self.k.workers.get_mut(&uid) {
            Some(w) => {
                // pkg/kubelet/config checkAndUpdatePod: a change of status only (our own
                // writes coming back) is a reconcile, not a sync.
                let old = std::mem::replace(&mut w.pod, obj.clone());
                let same = old.meta.deletion_timestamp == obj.meta.deletion_timestamp
                    && old.meta.labels == obj.meta.labels
                    && old.meta.annotations == obj.meta.annotations
                    && old.as_pod().map(|p| &p.spec) == obj.as_pod().map(|p| &p.spec);
                if same {
                    return;
                }
            }
            None => {
                self.k.workers.insert(uid, Worker::new(obj.clone()));
            }
        }
        self.want_sync(ctx, uid);
    }

    /// Asks for a sync of the pod: now if its worker is idle, after the running sync
    /// otherwise (a pod worker runs one sync at a time).
    fn want_sync(&mut self, ctx: &mut Ctx, uid: Uid) {
        let Some(w) = self.k.workers.get_mut(&uid) else {
            return;
        };
        if w.busy {
            w.again = true;
            return;
        }
        if self.k.node.is_none() {
            return;
        }
        self.sync_pod(ctx, uid);
    }

    /// SyncPod / computePodActions: decides this sync's steps from the pod's spec and the
    /// runtime's state, then runs them.
    fn sync_pod(&mut self, ctx: &mut Ctx, uid: Uid) {
        let now = ctx.now();
        let Some(w) = self.k.workers.get_mut(&uid) else {
            return;
        };
        if let Some(t) = w.retry.take() {
            self.timers.remove(&t);
        }
        let w = self.k.workers.get_mut(&uid).expect("worker");
        w.busy = true;
        w.again = false;
        w.failed = false;
        let pod = w.pod.clone();
        let Some(spec) = pod.as_pod().map(|p| &p.spec) else {
            return;
        };

        if !w.admitted && w.rejected.is_none() && pod.meta.deletion_timestamp.is_none() {
            match self.admit(&pod) {
                Ok(()) => {
                    let w = self.k.workers.get_mut(&uid).expect("worker");
                    w.admitted = true;
                }
                Err((reason, message)) => {
                    self.trace(ctx, &reason, &pod, message.clone());
                    let w = self.k.workers.get_mut(&uid).expect("worker");
                    w.rejected = Some((reason.into(), message));
                    w.terminated = true;
                }
            }
        }
        let w = self.k.workers.get_mut(&uid).expect("worker");
        if w.rejected.is_some() {
            w.busy = false;
            w.status_dirty = true;
            self.sync_status(ctx, uid);
            return;
        }
        if w.start_time.is_none() {
            w.start_time = Some(now);
        }

        let mut steps = VecDeque::new();
        let sandbox = self.rt.sandboxes.get(&uid);
        let deleting = pod.meta.deletion_timestamp.is_some();
        if deleting || self.pod_is_finished(uid, &pod) {
            let w = self.k.workers.get_mut(&uid).expect("worker");
            if !w.terminated && !w.killing_pod {
                w.killing_pod = true;
                steps.push_back(Step::KillPod);
            }
        } else if sandbox.is_none_or(|s| !s.ready) {
            steps.push_back(Step::CreateSandbox);
            // The new sandbox's containers all start over (init containers first).
            if let Some(first) = spec.rare.init_containers.first() {
                steps.push_back(Step::StartContainer {
                    name: first.name.clone(),
                });
            } else {
                for c in &spec.containers {
                    steps.push_back(Step::StartContainer {
                        name: c.name.clone(),
                    });
                }
            }
        } else {
            self.container_actions(ctx, uid, &pod, &mut steps);
        }
        let w = self.k.workers.get_mut(&uid).expect("worker");
        w.steps = steps;
        self.next_step(ctx, uid);
    }

    /// A pod whose containers have all finished for good (restart policy) is done: its
    /// sandbox is torn down and its phase is terminal.
    fn pod_is_finished(&self, uid: Uid, pod: &Object) -> bool {
        let Some(spec) = pod.as_pod().map(|p| &p.spec) else {
            return false;
        };
        let Some(sb) = self.rt.sandboxes.get(&uid) else {
            return false;
        };
        // A failed init container under restartPolicy Never fails the pod.
        if spec.restart_policy == RestartPolicy::Never {
            for c in spec
                .rare
                .init_containers
                .iter()
                .filter(|c| c.restart_policy.is_none())
            {
                if sb
                    .containers
                    .get(&c.name)
                    .and_then(|c| c.termination())
                    .is_some_and(|t| t.exit_code != 0)
                {
                    return true;
                }
            }
        }
        spec.containers.iter().all(|c| {
            sb.containers
                .get(&c.name)
                .and_then(|ctr| ctr.termination())
                .is_some_and(|t| !should_restart(spec.restart_policy, t.exit_code))
        })
    }

    /// computePodActions for a pod whose sandbox is ready.
    fn container_actions(
        &mut self,
        ctx: &mut Ctx,
        uid: Uid,
        pod: &Object,
        steps: &mut VecDeque<Step>,
    ) {
        let spec = &pod.as_pod().expect("pod").spec;
        let sb = self.rt.sandboxes.get(&uid).expect("sandbox");
        // Init containers, in order: the next one starts when the previous succeeded.
        for c in &spec.rare.init_containers {
            let sidecar = c.restart_policy == Some(RestartPolicy::Always);
            match sb.containers.get(&c.name) {
                None => {
                    steps.push_back(Step::StartContainer {
                        name: c.name.clone(),
                    });
                    return;
                }
                Some(ctr) if ctr.is_running() => {
                    if sidecar {
                        if let Some(msg) = self.k.workers[&uid].to_kill.get(&c.name) {
                            steps.push_back(Step::KillContainer {
                                name: c.name.clone(),
                                message: msg.clone(),
                            });
                            steps.push_back(Step::StartContainer {
                                name: c.name.clone(),
                            });
                        }
                        continue;
                    }
                    return;
                }
                Some(ctr) => match ctr.termination() {
                    Some(t) if t.exit_code == 0 && !sidecar => continue,
                    Some(t) => {
                        let restart = sidecar || spec.restart_policy != RestartPolicy::Never;
                        let finished = t.finished_at;
                        if restart && !self.in_crash_back_off(ctx, uid, pod, &c.name, finished) {
                            steps.push_back(Step::StartContainer {
                                name: c.name.clone(),
                            });
                        }
                        return;
                    }
                    None => return, // created, not started: wait
                },
            }
        }
        for c in &spec.containers {
            let ctr = self.rt.sandboxes[&uid].containers.get(&c.name);
            match ctr {
                None => steps.push_back(Step::StartContainer {
                    name: c.name.clone(),
                }),
                Some(ctr) if ctr.is_running() => {
                    if let Some(msg) = self.k.workers[&uid].to_kill.get(&c.name) {
                        steps.push_back(Step::KillContainer {
                            name: c.name.clone(),
                            message: msg.clone(),
                        });
                        if spec.restart_policy != RestartPolicy::Never {
                            steps.push_back(Step::StartContainer {
                                name: c.name.clone(),
                            });
                        }
                    }
                }
                Some(ctr) => {
                    if let Some(t) = ctr.termination() {
                        let finished = t.finished_at;
                        if should_restart(spec.restart_policy, t.exit_code)
                            && !self.in_crash_back_off(ctx, uid, pod, &c.name, finished)
                        {
                            steps.push_back(Step::StartContainer {
                                name: c.name.clone(),
                            });
                        }
                    }
                }
            }
        }
    }

    /// doBackOff (kuberuntime_manager.go): an exited container restarts only once the
    /// back-off since its exit has passed; each restart doubles the next back-off.
    fn in_crash_back_off(
        &mut self,
        ctx: &mut Ctx,
        uid: Uid,
        pod: &Object,
        name: &Name,
        finished: SimTime,
    ) -> bool {
        let now = ctx.now();
        let key = (uid, name.clone());
        let max = self.setup.kubelet.crash_loop_back_off_max;
        if self
            .k
            .crash_backoff
            .in_back_off_since(&key, finished, now, max)
        {
            let delay = self.k.crash_backoff.get(&key);
            let pod_ref = format!("{}_{}({})", pod.meta.name, pod.meta.namespace, pod.meta.uid);
            self.trace(
                ctx,
                "BackOff",
                pod,
                format!("Back-off restarting failed container {name} in pod {pod_ref}"),
            );
            let w = self.k.workers.get_mut(&uid).expect("worker");
            w.waiting.insert(
                name.clone(),
                (
                    Name::new_static("CrashLoopBackOff"),
                    format!(
                        "back-off {} restarting failed container={name} pod={pod_ref}",
                        format_duration(delay)
                    ),
                ),
            );
            w.failed = true;
            w.status_dirty = true;
            return true;
        }
        let initial = self.setup.kubelet.crash_loop_back_off_initial;
        self.k.crash_backoff.next(key, finished, now, initial, max);
        false
    }

    fn next_step(&mut self, ctx: &mut Ctx, uid: Uid) {
        let Some(w) = self.k.workers.get_mut(&uid) else {
            return;
        };
        let Some(step) = w.steps.pop_front() else {
            self.sync_done(ctx, uid);
            return;
        };
        let pod = w.pod.clone();
        match step {
            Step::CreateSandbox => {
                let d = self.setup.runtime.sandbox_create.sample(ctx.rng());
                self.timer(ctx, d, Timer::Step(uid, StepDone::Sandbox));
            }
            Step::StartContainer { name } => self.start_container(ctx, uid, &pod, name),
            Step::KillContainer { name, message } => {
                // killContainer is synchronous: the sync goes on once the container is gone.
                let grace = self.container_grace(&pod);
                self.kill_container(ctx, uid, &pod, &name, grace, &message);
                if self.ctr(uid, &name).is_some_and(|c| c.is_running()) {
                    if let Some(w) = self.k.workers.get_mut(&uid) {
                        w.awaiting_exit = Some(name);
                    }
                } else {
                    self.next_step(ctx, uid);
                }
            }
            Step::KillPod => self.kill_pod(ctx, uid, &pod),
        }
    }

    fn sync_done(&mut self, ctx: &mut Ctx, uid: Uid) {
        let Some(w) = self.k.workers.get_mut(&uid) else {
            return;
        };
        w.busy = false;
        w.status_dirty = true;
        let (again, failed) = (w.again, w.failed);
        self.sync_status(ctx, uid);
        if again {
            self.want_sync(ctx, uid);
        } else if failed {
            // pod_workers.go completeWork: retry after backOffPeriod, jittered by up to 50 %,
            // picked up at the next one-second sync tick.
            let base = self.setup.kubelet.pod_worker_back_off_period;
            let jitter = ctx.rng().random_range(0..=base / 2);
            let tick = ctx.rng().random_range(0..SECOND);
            let t = self.timer(ctx, base + jitter + tick, Timer::Sync(uid));
            if let Some(w) = self.k.workers.get_mut(&uid) {
                w.retry = Some(t);
            }
        }
    }

    fn on_step_done(&mut self, ctx: &mut Ctx, uid: Uid, done: StepDone) {
        let Some(w) = self.k.workers.get(&uid) else {
            return;
        };
        let pod = w.pod.clone();
        match done {
            StepDone::Sandbox => {
                let Some(node) = self.k.node.clone() else {
                    return;
                };
                let Some(n) = node.as_node() else { return };
                let host_network = pod.as_pod().is_some_and(|p| p.spec.host_network);
                let node_ip = n
                    .status
                    .addresses
                    .iter()
                    .find(|a| a.type_ == "InternalIP")
                    .map(|a| a.address.clone())
                    .unwrap_or_default();
                let old = self.rt.sandboxes.remove(&uid);
                if let Some(h) = old.as_ref().and_then(|s| s.ip_host) {
                    self.rt.release_ip(h);
                }
                let (ip, ip_host) = if host_network {
                    (node_ip, None)
                } else {
                    match self.rt.allocate_ip(&n.spec.pod_cidr) {
                        Some((ip, h)) => (ip, Some(h)),
                        None => {
                            self.trace(
                                ctx,
                                "FailedCreatePodSandBox",
                                &pod,
                                format!("Failed to create pod sandbox: no IP addresses available in range set: {}", n.spec.pod_cidr),
                            );
                            let w = self.k.workers.get_mut(&uid).expect("worker");
                            w.steps.clear();
                            w.failed = true;
                            self.next_step(ctx, uid);
                            return;
                        }
                    }
                };
                let attempt = old.as_ref().map_or(0, |s| s.attempt + 1);
                let restarts: BTreeMap<Name, (i32, Option<Termination>)> = old
                    .map(|s| {
                        s.containers
                            .into_iter()
                            .map(|(k, c)| (k, (c.restart_count, c.termination().cloned())))
                            .collect()
                    })
                    .unwrap_or_default();
                let mut sb = Sandbox {
                    namespace: pod.meta.namespace.clone(),
                    name: pod.meta.name.clone(),
                    ip,
                    ip_host,
                    ready: true,
                    attempt,
                    containers: BTreeMap::new(),
                    volume_data: BTreeMap::new(),
                };
                // Containers of an earlier sandbox (a node crash) keep their restart counts
                // through placeholders that read as exited.
                for (name, (count, term)) in restarts {
                    if let Some(term) = term {
                        sb.containers.insert(name, placeholder(count, term));
                    }
                }
                self.rt.sandboxes.insert(uid, sb);
                if attempt > 0 {
                    self.trace(
                        ctx,
                        "SandboxChanged",
                        &pod,
                        "Pod sandbox changed, it will be killed and re-created.".into(),
                    );
                }
                self.mark_status(uid);
                self.next_step(ctx, uid);
            }
            StepDone::Created { container } => {
                self.trace(
                    ctx,
                    "Created",
                    &pod,
                    format!("Created container: {container}"),
                );
                let d = self.setup.runtime.container_start.sample(ctx.rng());
                self.timer(ctx, d, Timer::Step(uid, StepDone::Started { container }));
            }
            StepDone::Started { container } => self.container_started(ctx, uid, &pod, container),
            StepDone::PostStart { container, restart } => {
                let Some(ctr) = self.ctr(uid, &container) else {
                    self.next_step(ctx, uid);
                    return;
                };
                let fails = ctr.plan.post_start_fails;
                if ctr.restart_count == restart && ctr.is_running() {
                    let outcome = if fails { "failed" } else { "completed" };
                    self.trace(
                        ctx,
                        "PostStartHook",
                        &pod,
                        format!("postStart hook of container {container} {outcome}"),
                    );
                }
                let Some(ctr) = self.ctr(uid, &container) else {
                    self.next_step(ctx, uid);
                    return;
                };
                if ctr.restart_count == restart && ctr.is_running() && fails {
                    let msg = "PostStartHook failed".to_string();
                    self.trace(ctx, "FailedPostStartHook", &pod, msg);
                    let grace = self.container_grace(&pod);
                    self.kill_container(ctx, uid, &pod, &container, grace, "FailedPostStartHook");
                }
                self.next_step(ctx, uid);
            }
        }
    }

    fn ctr(&self, uid: Uid, name: &str) -> Option<&Ctr> {
        self.rt.sandboxes.get(&uid)?.containers.get(name)
    }

    fn ctr_mut(&mut self, uid: Uid, name: &str) -> Option<&mut Ctr> {
        self.rt.sandboxes.get_mut(&uid)?.containers.get_mut(name)
    }

    fn mark_status(&mut self, uid: Uid) {
        if let Some(w) = self.k.workers.get_mut(&uid) {
            w.status_dirty = true;
        }
    }

    // -----------------------------------------------------------------------------------------
    // Starting a container: image, create, start, postStart

    fn start_container(&mut self, ctx: &mut Ctx, uid: Uid, pod: &Object, name: Name) {
        let Some(c) = find_container(pod, &name).cloned() else {
            self.next_step(ctx, uid);
            return;
        };
        let present = self.rt.images.contains_key(c.image.as_str());
        let must_pull = match c.image_pull_policy {
            PullPolicy::Always => true,
            PullPolicy::IfNotPresent => !present,
            PullPolicy::Never => {
                if !present {
                    let msg = format!(
                        "Container image \"{}\" is not present with pull policy of Never",
                        c.image
                    );
                    self.trace(ctx, "ErrImageNeverPull", pod, msg.clone());
                    self.container_waiting(uid, &name, "ErrImageNeverPull", msg);
                    self.fail_step(ctx, uid);
                    return;
                }
                false
            }
        };
        if !must_pull {
            self.trace(
                ctx,
                "Pulled",
                pod,
                format!("Container image \"{}\" already present on machine", c.image),
            );
            self.create_container(ctx, uid, &name);
            return;
        }
        // The image pull back-off (kuberuntime_image.go EnsureImageExists / imageBackOff).
        let key = (uid, c.image.clone());
        let now = ctx.now();
        let max = self.setup.kubelet.image_pull_back_off_max;
        if let Some(e) = self.k.pull_backoff.entries.get(&key).copied() {
            if self
                .k
                .pull_backoff
                .in_back_off_since(&key, e.last_update, now, max)
            {
                let msg = format!("Back-off pulling image \"{}\"", c.image);
                self.trace(ctx, "BackOff", pod, msg.clone());
                self.container_waiting(uid, &name, "ImagePullBackOff", msg);
                self.fail_step(ctx, uid);
                return;
            }
        }
        self.trace(
            ctx,
            "Pulling",
            pod,
            format!("Pulling image \"{}\"", c.image),
        );
        let job_id = self.rt.next_pull_id;
        self.rt.next_pull_id += 1;
        self.rt.pull_queue.push_back(PullJob {
            id: job_id,
            image: c.image.clone(),
            uid,
            container: name.clone(),
            queued_at: now,
            started_at: now,
        });
        self.k.pulls_waited.insert(job_id, (uid, name));
        self.start_pulls(ctx);
    }

    /// Starts queued pulls as the runtime allows (one at a time with serialized pulls).
    fn start_pulls(&mut self, ctx: &mut Ctx) {
        let limit = if self.setup.kubelet.serialize_image_pulls {
            1
        } else {
            usize::MAX
        };
        while self.rt.pulls_active.len() < limit {
            let Some(mut job) = self.rt.pull_queue.pop_front() else {
                return;
            };
            let now = ctx.now();
            let d = if self.rt.registry_down_until > now {
                // Connection attempts time out (a registry that answers nothing).
                30 * SECOND
            } else {
                let latency = self.setup.runtime.pull_latency.sample(ctx.rng());
                let size = image_size(&self.setup.runtime, &job.image);
                self.rt
                    .pull_duration(now, latency, size, self.setup.runtime.pull_bytes_per_s)
            };
            job.started_at = now;
            self.timer(ctx, d, Timer::PullDone(job.id));
            self.rt.pulls_active.insert(job.id, job);
        }
    }

    fn on_pull_done(&mut self, ctx: &mut Ctx, job_id: u64) {
        let Some(job) = self.rt.pulls_active.remove(&job_id) else {
            return;
        };
        let now = ctx.now();
        let exists = self
            .setup
            .runtime
            .images
            .get(job.image.as_str())
            .and_then(|i| i.exists)
            .unwrap_or(true);
        // Outcome is decided at the end: an outage that started mid-pull fails it too.
        let outage =
            self.rt.registry_down_until > now || self.rt.registry_down_until > job.started_at;
        let ok = exists && !outage;
        if ok {
            let size = image_size(&self.setup.runtime, &job.image);
            self.rt.images.insert(job.image.clone(), size);
        }
        self.start_pulls(ctx);
        let Some((uid, name)) = self.k.pulls_waited.remove(&job_id) else {
            return;
        };
        let Some(pod) = self.k.workers.get(&uid).map(|w| w.pod.clone()) else {
            return;
        };
        if ok {
            // kuberuntime_image.go: durations truncated to milliseconds.
            let ms = |d: SimDuration| format_duration(d / MILLISECOND * MILLISECOND);
            let size = self.rt.images[&job.image];
            self.trace(
                ctx,
                "Pulled",
                &pod,
                format!(
                    "Successfully pulled image \"{}\" in {} ({} including waiting). Image size: {size} bytes.",
                    job.image,
                    ms(now - job.started_at),
                    ms(now - job.queued_at),
                ),
            );
            self.create_container(ctx, uid, &name);
        } else {
            let why = if !exists {
                format!(
                    "failed to resolve reference \"{}\": {}: not found",
                    job.image, job.image
                )
            } else {
                format!(
                    "failed to do request: Head \"https://registry/v2/{}/manifests\": dial tcp: i/o timeout",
                    job.image
                )
            };
            let msg = format!("Failed to pull image \"{}\": {why}", job.image);
            self.trace(ctx, "Failed", &pod, msg.clone());
            self.trace(ctx, "Failed", &pod, "Error: ErrImagePull".into());
            let key = (uid, job.image.clone());
            let (initial, max) = (
                self.setup.kubelet.image_pull_back_off_initial,
                self.setup.kubelet.image_pull_back_off_max,
            );
            self.k.pull_backoff.next(key, now, now, initial, max);
            self.container_waiting(uid, &name, "ErrImagePull", msg);
            self.fail_step(ctx, uid);
        }
    }

    fn container_waiting(&mut self, uid: Uid, name: &Name, reason: &'static str, msg: String) {
        if let Some(w) = self.k.workers.get_mut(&uid) {
            w.waiting
                .insert(name.clone(), (Name::new_static(reason), msg));
            w.status_dirty = true;
        }
    }

    /// This container could not start: the sync goes on with the next step and retries later.
    fn fail_step(&mut self, ctx: &mut Ctx, uid: Uid) {
        if let Some(w) = self.k.workers.get_mut(&uid) {
            w.failed = true;
        }
        self.next_step(ctx, uid);
    }

    fn create_container(&mut self, ctx: &mut Ctx, uid: Uid, name: &Name) {
        let d = self.setup.runtime.container_create.sample(ctx.rng());
        self.timer(
            ctx,
            d,
            Timer::Step(
                uid,
                StepDone::Created {
                    container: name.clone(),
                },
            ),
        );
    }

    fn container_started(&mut self, ctx: &mut Ctx, uid: Uid, pod: &Object, name: Name) {
        let now = ctx.now();
        let Some(c) = find_container(pod, &name).cloned() else {
            self.next_step(ctx, uid);
            return;
        };
        if !self.rt.sandboxes.get(&uid).is_some_and(|s| s.ready) {
            self.next_step(ctx, uid);
            return;
        }
        let b = behavior::resolve(&self.setup.runtime, &self.setup.rules, pod, &c);
        let plan = RunPlan::draw(&b, ctx.rng());
        let init = pod
            .as_pod()
            .is_some_and(|p| p.spec.rare.init_containers.iter().any(|i| i.name == name));
        let sb = self.rt.sandboxes.get_mut(&uid).expect("sandbox");
        let (restart_count, last_termination) = match sb.containers.get(&name) {
            Some(old) => (
                old.restart_count + 1,
                old.termination().cloned().or(old.last_termination.clone()),
            ),
            None => (0, None),
        };
        sb.containers.insert(
            name.clone(),
            Ctr {
                init,
                restart_count,
                state: CtrState::Running { started_at: now },
                plan: plan.clone(),
                last_termination,
                stopping: false,
            },
        );
        // What survives a restart: pod volumes do, the container's own filesystem does not.
        let writes = b.writes.clone().unwrap_or_default();
        if !writes.is_empty() {
            let mut found = Vec::new();
            for place in &writes {
                if place == "rootfs" {
                    if restart_count > 0 {
                        found.push("rootfs=lost".to_string());
                    }
                } else if let Some((writer, n)) = sb.volume_data.get(place.as_str()) {
                    found.push(format!("{place}=kept(written by {writer} restart {n})"));
                }
            }
            for place in writes.iter().filter(|p| *p != "rootfs") {
                sb.volume_data
                    .entry(place.as_str().into())
                    .or_insert((name.clone(), restart_count));
            }
            if restart_count > 0 {
                let detail = format!(
                    "container {name} restart {restart_count}: {}",
                    found.join(" ")
                );
                self.trace(ctx, "ContainerData", pod, detail);
            }
        }
        self.trace(ctx, "Started", pod, format!("Started container {name}"));
        if let Some(w) = self.k.workers.get_mut(&uid) {
            w.waiting.remove(&name);
            w.to_kill.remove(&name);
            w.probes.retain(|(n, _), _| *n != name);
            w.status_dirty = true;
        }
        if let Some(after) = plan.exit_after {
            self.timer(
                ctx,
                after,
                Timer::Exit {
                    uid,
                    container: name.clone(),
                    restart: restart_count,
                    exit_code: plan.exit_code,
                    cause: ExitCause::OnItsOwn,
                },
            );
        }
        self.start_probes(ctx, uid, &c, restart_count);
        match c.lifecycle.as_ref().and_then(|l| l.post_start.clone()) {
            Some(h) => {
                let d = Self::hook_duration(ctx, &plan, &h);
                self.timer(
                    ctx,
                    d,
                    Timer::Step(
                        uid,
                        StepDone::PostStart {
                            container: name,
                            restart: restart_count,
                        },
                    ),
                );
            }
            None => self.next_step(ctx, uid),
        }
    }

    /// How long a hook takes: `sleep` its seconds, exec and httpGet the behaviour model's
    /// hook duration (an httpGet adds a round trip to the pod).
    fn hook_duration(ctx: &mut Ctx, plan: &RunPlan, h: &Handler) -> SimDuration {
        match h {
            Handler::Sleep { seconds } => (*seconds).max(0) as u64 * SECOND,
            other => {
                let d = plan
                    .hook_duration
                    .as_ref()
                    .map_or(0, |d| d.sample(ctx.rng()));
                if matches!(other, Handler::HttpGet { .. }) {
                    d + 2 * ctx.local_round_trip()
                } else {
                    d
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Exits and stopping

    fn on_exit(
        &mut self,
        ctx: &mut Ctx,
        uid: Uid,
        name: Name,
        restart: i32,
        exit_code: i32,
        cause: ExitCause,
    ) {
        let now = ctx.now();
        let Some(ctr) = self.ctr_mut(uid, &name) else {
            return;
        };
        if ctr.restart_count != restart || !ctr.is_running() {
            return;
        }
        let started_at = match ctr.state {
            CtrState::Running { started_at } => Some(started_at),
            _ => None,
        };
        let reason = Termination::reason_for(exit_code);
        ctr.state = CtrState::Exited(Termination {
            exit_code,
            reason,
            message: Name::default(),
            started_at,
            finished_at: now,
        });
        let detail = format!(
            "container {name} exited with code {exit_code} ({})",
            match cause {
                ExitCause::OnItsOwn => "on its own",
                ExitCause::Sigterm => "after SIGTERM",
                ExitCause::Sigkill => "SIGKILL",
            }
        );
        if let Some(pod) = self.k.workers.get(&uid).map(|w| w.pod.clone()) {
            self.trace(ctx, "ContainerDied", &pod, detail);
        }
        // The kubelet notices at its next PLEG relist.
        if let Some(w) = self.k.workers.get_mut(&uid) {
            w.status_dirty = true;
        }
        let relist = self.setup.kubelet.pleg_relist_period;
        let d = ctx.rng().random_range(0..relist.max(1));
        self.timer(ctx, d, Timer::Sync(uid));
        self.check_pod_stopped(ctx, uid);
        let resume = self
            .k
            .workers
            .get_mut(&uid)
            .is_some_and(|w| w.awaiting_exit.take_if(|n| *n == name).is_some());
        if resume {
            self.next_step(ctx, uid);
        }
    }

    /// The pod's grace period (pod_workers.go calculateEffectiveGracePeriod): the deletion's
    /// when it is being deleted (even 0, for a force deletion), else the spec's; at least 1 s.
    fn container_grace(&self, pod: &Object) -> SimDuration {
        let spec = &pod.as_pod().expect("pod").spec;
        let secs = pod
            .meta
            .deletion_grace_period_seconds
            .filter(|_| pod.meta.deletion_timestamp.is_some())
            .unwrap_or(spec.termination_grace_period_seconds);
        secs.max(1) as u64 * SECOND
    }

    /// killContainer (kuberuntime_container.go): the preStop hook (bounded by the grace
    /// period), then SIGTERM with what is left of the grace period (at least 2 s), then
    /// SIGKILL.
    fn kill_container(
        &mut self,
        ctx: &mut Ctx,
        uid: Uid,
        pod: &Object,
        name: &Name,
        grace: SimDuration,
        message: &str,
    ) {
        let Some(ctr) = self.ctr_mut(uid, name) else {
            return;
        };
        if !ctr.is_running() || ctr.stopping {
            return;
        }
        ctr.stopping = true;
        let restart = ctr.restart_count;
        let plan = ctr.plan.clone();
        let msg = if message.is_empty() {
            format!("Stopping container {name}")
        } else {
            message.to_string()
        };
        self.trace(ctx, "Killing", pod, msg);
        let pre_stop = find_container(pod, name)
            .and_then(|c| c.lifecycle.as_ref())
            .and_then(|l| l.pre_stop.clone());
        match pre_stop {
            Some(h) => {
                let d = Self::hook_duration(ctx, &plan, &h);
                // The hook runs with the grace period as its timeout.
                self.timer(
                    ctx,
                    d.min(grace),
                    Timer::PreStopDone {
                        uid,
                        container: name.clone(),
                        restart,
                        grace,
                        started: ctx.now(),
                    },
                );
                if d > grace {
                    let detail = format!(
                        "PreStopHook for container {name} did not complete within {}",
                        format_duration(grace)
                    );
                    self.trace(ctx, "FailedPreStopHook", pod, detail);
                }
            }
            _ => self.sigterm(ctx, uid, name, restart, grace.max(MINIMUM_GRACE_PERIOD)),
        }
    }

    fn sigterm(
        &mut self,
        ctx: &mut Ctx,
        uid: Uid,
        name: &Name,
        restart: i32,
        remaining: SimDuration,
    ) {
        let Some(ctr) = self.ctr(uid, name) else {
            return;
        };
        if ctr.restart_count != restart || !ctr.is_running() {
            return;
        }
        let (shutdown, code) = (ctr.plan.shutdown, ctr.plan.sigterm_exit_code);
        let (after, code, cause) = match shutdown {
            Some(d) if d < remaining => (d, code, ExitCause::Sigterm),
            _ => (remaining, SIGKILL_EXIT_CODE, ExitCause::Sigkill),
        };
        self.timer(
            ctx,
            after,
            Timer::Exit {
                uid,
                container: name.clone(),
                restart,
                exit_code: code,
                cause,
            },
        );
    }

    fn kill_pod(&mut self, ctx: &mut Ctx, uid: Uid, pod: &Object) {
        let running: Vec<Name> = self
            .rt
            .sandboxes
            .get(&uid)
            .map(|s| {
                s.containers
                    .iter()
                    .filter(|(_, c)| c.is_running())
                    .map(|(n, _)| n.clone())
                    .collect()
            })
            .unwrap_or_default();
        for name in running {
            let grace = self.container_grace(pod);
            self.kill_container(ctx, uid, pod, &name, grace, "");
        }
        self.check_pod_stopped(ctx, uid);
    }

    /// When a pod being killed has no running container left, its sandbox goes.
    fn check_pod_stopped(&mut self, ctx: &mut Ctx, uid: Uid) {
        let Some(w) = self.k.workers.get(&uid) else {
            return;
        };
        if !w.killing_pod || w.terminated {
            return;
        }
        let running = self
            .rt
            .sandboxes
            .get(&uid)
            .is_some_and(|s| s.containers.values().any(|c| c.is_running()));
        if running {
            return;
        }
        match self.rt.sandboxes.get_mut(&uid) {
            Some(sb) if sb.ready => {
                sb.ready = false;
                let d = self.setup.runtime.sandbox_stop.sample(ctx.rng());
                self.timer(ctx, d, Timer::SandboxStopped(uid));
            }
            Some(_) => {}
            None => self.pod_terminated(ctx, uid),
        }
    }

    fn on_sandbox_stopped(&mut self, ctx: &mut Ctx, uid: Uid) {
        if let Some(h) = self.rt.sandboxes.get(&uid).and_then(|s| s.ip_host) {
            self.rt.release_ip(h);
        }
        if let Some(sb) = self.rt.sandboxes.get_mut(&uid) {
            sb.ip_host = None;
        }
        self.pod_terminated(ctx, uid);
    }

    fn pod_terminated(&mut self, ctx: &mut Ctx, uid: Uid) {
        let Some(w) = self.k.workers.get_mut(&uid) else {
            return;
        };
        if w.terminated {
            return;
        }
        w.terminated = true;
        w.status_dirty = true;
        if w.busy && w.steps.is_empty() {
            self.sync_done(ctx, uid);
        } else {
            self.sync_status(ctx, uid);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Probes (pkg/kubelet/prober)

    fn start_probes(&mut self, ctx: &mut Ctx, uid: Uid, c: &Container, restart: i32) {
        for (kind, probe) in [
            (ProbeKind::Startup, &c.startup_probe),
            (ProbeKind::Readiness, &c.readiness_probe),
            (ProbeKind::Liveness, &c.liveness_probe),
        ] {
            if probe.is_some() {
                if let Some(w) = self.k.workers.get_mut(&uid) {
                    w.probes.insert(
                        (c.name.clone(), kind),
                        ProbeState {
                            ok: kind == ProbeKind::Liveness,
                            ..Default::default()
                        },
                    );
                }
                self.timer(
                    ctx,
                    0,
                    Timer::Probe {
                        uid,
                        container: c.name.clone(),
                        restart,
                        kind,
                    },
                );
            }
        }
    }

    fn on_probe(&mut self, ctx: &mut Ctx, uid: Uid, name: Name, restart: i32, kind: ProbeKind) {
        let now = ctx.now();
        let Some(w) = self.k.workers.get(&uid) else {
            return;
        };
        let pod = w.pod.clone();
        let Some(c) = find_container(&pod, &name).cloned() else {
            return;
        };
        let probe: &Probe = match kind {
            ProbeKind::Startup => c.startup_probe.as_deref(),
            ProbeKind::Readiness => c.readiness_probe.as_deref(),
            ProbeKind::Liveness => c.liveness_probe.as_deref(),
        }
        .expect("probe armed for a container that has it");
        let Some(ctr) = self.ctr(uid, &name) else {
            return;
        };
        let CtrState::Running { started_at } = ctr.state else {
            return;
        };
        if ctr.restart_count != restart {
            return;
        }
        let plan = ctr.plan.clone();
        let period = probe.period_seconds.max(1) as u64 * SECOND;
        self.timer(
            ctx,
            period,
            Timer::Probe {
                uid,
                container: name.clone(),
                restart,
                kind,
            },
        );
        let w = self.k.workers.get(&uid).expect("worker");
        let state = w
            .probes
            .get(&(name.clone(), kind))
            .cloned()
            .unwrap_or_default();
        if state.on_hold {
            return;
        }
        // Liveness and readiness wait for the startup probe to succeed (worker.go).
        if kind != ProbeKind::Startup
            && c.startup_probe.is_some()
            && !w
                .probes
                .get(&(name.clone(), ProbeKind::Startup))
                .is_some_and(|s| s.ok)
        {
            return;
        }
        let uptime = now - started_at;
        // worker.go: no probe before initialDelaySeconds (whole seconds since start).
        if ((uptime / SECOND) as i32) < probe.initial_delay_seconds {
            return;
        }
        let took = plan
            .probe_duration
            .as_ref()
            .map_or(0, |d| d.sample(ctx.rng()));
        let timeout = probe.timeout_seconds.max(1) as u64 * SECOND;
        let healthy = match kind {
            ProbeKind::Startup | ProbeKind::Readiness => uptime >= plan.ready_after,
            ProbeKind::Liveness => plan.liveness_fail_after.is_none_or(|t| uptime < t),
        };
        let ok = healthy && took <= timeout;
        let ip = self
            .rt
            .sandboxes
            .get(&uid)
            .map(|s| s.ip.clone())
            .unwrap_or_default();
        let w = self.k.workers.get_mut(&uid).expect("worker");
        let s = w.probes.entry((name.clone(), kind)).or_default();
        if ok {
            s.successes += 1;
            s.failures = 0;
        } else {
            s.failures += 1;
            s.successes = 0;
        }
        let was = s.ok;
        if ok && s.successes >= probe.success_threshold.max(1) {
            s.ok = true;
        }
        if !ok && s.failures >= probe.failure_threshold.max(1) {
            s.ok = false;
        }
        let (now_ok, failures) = (s.ok, s.failures);
        if !ok {
            let output = probe_failure_output(&probe.handler, &ip, took > timeout);
            self.trace(
                ctx,
                "Unhealthy",
                &pod,
                format!("{} probe failed: {output}", kind.as_str()),
            );
        }
        if was != now_ok {
            self.mark_status(uid);
            self.sync_status(ctx, uid);
        }
        let threshold_hit = !ok && failures >= probe.failure_threshold.max(1);
        if threshold_hit && matches!(kind, ProbeKind::Liveness | ProbeKind::Startup) {
            let w = self.k.workers.get_mut(&uid).expect("worker");
            if let Some(s) = w.probes.get_mut(&(name.clone(), kind)) {
                s.on_hold = true;
            }
            let what = if kind == ProbeKind::Liveness {
                "liveness"
            } else {
                "startup"
            };
            w.to_kill.insert(
                name.clone(),
                format!("Container {name} failed {what} probe, will be restarted"),
            );
            self.want_sync(ctx, uid);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Admission (lifecycle/predicate.go: GeneralPredicates)

    fn admit(&self, pod: &Object) -> Result<(), (String, String)> {
        let Some(node) = self.k.node.as_ref().and_then(|n| n.as_node().cloned()) else {
            return Ok(());
        };
        let spec = &pod.as_pod().expect("pod").spec;
        if spec.node_name != self.setup.node {
            return Err((
                "NodeName".into(),
                "Pod was rejected: Predicate NodeName failed: node(s) didn't match the requested node name".into(),
            ));
        }
        let mut used = ResourceList::new();
        let mut count = 0i64;
        let mut host_ports = Vec::new();
        for w in self.k.workers.values() {
            if !w.admitted || w.terminated || w.pod.meta.uid == pod.meta.uid {
                continue;
            }
            count += 1;
            if let Some(p) = w.pod.as_pod() {
                for (r, v) in pod_requests(&p.spec).iter() {
                    used.set(r.clone(), used.get(r).unwrap_or(0) + v);
                }
                host_ports.extend(
                    p.spec
                        .containers
                        .iter()
                        .flat_map(|c| c.ports.iter())
                        .filter(|p| p.host_port > 0)
                        .map(|p| (p.host_port, p.protocol)),
                );
            }
        }
        let alloc = &node.status.allocatable;
        if let Some(max_pods) = alloc.get(&ResourceName::Pods) {
            if count + 1 > max_pods {
                return Err((
                    "OutOfpods".into(),
                    format!("Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: {count}, capacity: {max_pods}"),
                ));
            }
        }
        for (r, want) in pod_requests(spec).iter() {
            if want == 0 {
                continue;
            }
            let have = alloc.get(r).unwrap_or(0);
            let in_use = used.get(r).unwrap_or(0);
            if in_use + want > have {
                return Err((
                    format!("OutOf{}", r.as_str()),
                    format!(
                        "Pod was rejected: Node didn't have enough resource: {}, requested: {want}, used: {in_use}, capacity: {have}",
                        r.as_str()
                    ),
                ));
            }
        }
        for c in &spec.containers {
            for p in c.ports.iter().filter(|p| p.host_port > 0) {
                if host_ports.contains(&(p.host_port, p.protocol)) {
                    return Err((
                        "NodePorts".into(),
                        "Pod was rejected: Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports".into(),
                    ));
                }
            }
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Pod status (status manager)

    fn generate_status(&self, uid: Uid, now: SimTime) -> Option<PodStatus> {
        let w = self.k.workers.get(&uid)?;
        let pod = w.pod.as_pod()?;
        let now_status = &pod.status;
        let mut st = now_status.clone();
        if let Some((reason, message)) = &w.rejected {
            st.phase = PodPhase::Failed;
            st.rare.reason = reason.clone();
            st.rare.message = message.as_str().into();
            return Some(st);
        }
        let node_ip = self
            .k
            .node
            .as_ref()
            .and_then(|n| n.as_node())
            .and_then(|n| n.status.addresses.iter().find(|a| a.type_ == "InternalIP"))
            .map(|a| a.address.clone())
            .unwrap_or_default();
        st.host_ip = node_ip;
        let sb = self.rt.sandboxes.get(&uid);
        if let Some(sb) = sb {
            st.pod_ip = sb.ip.clone();
        }
        if st.start_time.is_none() {
            st.start_time = w.start_time;
        }
        let spec = &pod.spec;
        let convert = |c: &Container, old: &[ContainerStatus]| -> ContainerStatus {
            let prev = old.iter().find(|s| s.name == c.name);
            let ctr = sb.and_then(|s| s.containers.get(&c.name));
            let mut cs = ContainerStatus {
                name: c.name.clone(),
                image: c.image.clone(),
                ready: false,
                started: Some(false),
                restart_count: prev.map_or(0, |p| p.restart_count),
                state: ContainerState::Waiting {
                    reason: Name::new_static("ContainerCreating"),
                    message: Name::default(),
                },
                last_state: prev.and_then(|p| p.last_state.clone()),
            };
            if let Some(ctr) = ctr {
                cs.restart_count = ctr.restart_count;
                cs.last_state = ctr
                    .last_termination
                    .as_ref()
                    .map(|t| Box::new(term_state(t)));
                match &ctr.state {
                    CtrState::Created => {}
                    CtrState::Running { started_at } => {
                        cs.state = ContainerState::Running {
                            started_at: *started_at,
                        };
                        let probe_ok = |k: ProbeKind, has: bool| {
                            !has || w.probes.get(&(c.name.clone(), k)).is_some_and(|s| s.ok)
                        };
                        let started = probe_ok(ProbeKind::Startup, c.startup_probe.is_some());
                        cs.started = Some(started);
                        cs.ready =
                            started && probe_ok(ProbeKind::Readiness, c.readiness_probe.is_some());
                    }
                    CtrState::Exited(t) => {
                        // A regular init container that succeeded is done; one that
                        // failed restarts unless the policy is Never; sidecars always do.
                        let regular_init = ctr.init && c.restart_policy.is_none();
                        let will_restart = if regular_init {
                            t.exit_code != 0 && spec.restart_policy != RestartPolicy::Never
                        } else {
                            should_restart(spec.restart_policy, t.exit_code)
                                || c.restart_policy == Some(RestartPolicy::Always)
                        };
                        let restarts = !w.killing_pod
                            && !w.terminated
                            && w.pod.meta.deletion_timestamp.is_none()
                            && will_restart;
                        if restarts {
                            cs.last_state = Some(Box::new(term_state(t)));
                            cs.state = ContainerState::Waiting {
                                reason: Name::default(),
                                message: Name::default(),
                            };
                        } else {
                            cs.state = term_state(t);
                        }
                    }
                }
            }
            if let Some((reason, message)) = w.waiting.get(&c.name) {
                if let ContainerState::Waiting { .. } = cs.state {
                    cs.state = ContainerState::Waiting {
                        reason: reason.clone(),
                        message: message.as_str().into(),
                    };
                }
            }
            cs
        };
        let init: Vec<ContainerStatus> = spec
            .rare
            .init_containers
            .iter()
            .map(|c| {
                let mut cs = convert(c, &now_status.rare.init_container_statuses);
                if let ContainerState::Waiting { reason, .. } = &mut cs.state {
                    if *reason == "ContainerCreating" {
                        *reason = Name::new_static("PodInitializing");
                    }
                }
                cs
            })
            .collect();
        let init_done = spec.rare.init_containers.iter().all(|c| {
            sb.and_then(|s| s.containers.get(&c.name))
                .is_some_and(|ctr| {
                    if c.restart_policy == Some(RestartPolicy::Always) {
                        ctr.is_running()
                    } else {
                        ctr.termination().is_some_and(|t| t.exit_code == 0)
                    }
                })
        });
        let statuses: Vec<ContainerStatus> = spec
            .containers
            .iter()
            .map(|c| {
                let mut cs = convert(c, &now_status.container_statuses);
                if !init_done {
                    if let ContainerState::Waiting { reason, .. } = &mut cs.state {
                        if *reason == "ContainerCreating" {
                            *reason = Name::new_static("PodInitializing");
                        }
                    }
                }
                cs
            })
            .collect();
        let terminal = w.terminated && sb.is_none_or(|s| !s.ready);
        let has_initialized = init_done
            || crate::api::types::find_condition(&now_status.conditions, "Initialized")
                .is_some_and(|c| c.status == ConditionStatus::True);
        let mut phase = status::pod_phase(spec, &init, &statuses, terminal, has_initialized);
        if matches!(now_status.phase, PodPhase::Succeeded | PodPhase::Failed) {
            // A terminal phase never changes (status manager checks this).
            phase = now_status.phase;
        }
        st.phase = phase;
        let mut conditions = vec![
            status::pod_ready_to_start_containers_condition(sb.is_some_and(|s| s.ready)),
            status::pod_initialized_condition(spec, &init, &statuses, phase),
            status::pod_ready_condition(spec, &init, &statuses, phase),
            status::containers_ready_condition(spec, &init, &statuses, phase),
        ];
        status::merge_condition_times(&now_status.conditions, &mut conditions, now);
        // Conditions the kubelet does not own (PodScheduled, DisruptionTarget) are kept.
        let owned = [
            "PodReadyToStartContainers",
            "Initialized",
            "Ready",
            "ContainersReady",
        ];
        let mut merged: Vec<Condition> = conditions;
        for c in &now_status.conditions {
            if !owned.contains(&c.type_.as_str()) {
                merged.push(c.clone());
            }
        }
        st.conditions = merged;
        st.container_statuses = statuses;
        if !init.is_empty() || now_status.rare.is_set() {
            st.rare.init_container_statuses = init;
        }
        Some(st)
    }

    /// Writes the pod's status if it changed (status manager syncPod), one write at a time;
    /// then deletes a terminated pod that is being deleted (canBeDeleted).
    fn sync_status(&mut self, ctx: &mut Ctx, uid: Uid) {
        let now = ctx.now();
        let Some(w) = self.k.workers.get(&uid) else {
            return;
        };
        if w.status_in_flight || w.gone {
            return;
        }
        let status = if w.status_dirty {
            self.generate_status(uid, now)
        } else {
            None
        };
        let w = self.k.workers.get_mut(&uid).expect("worker");
        w.status_dirty = false;
        if let Some(st) = status {
            let current = w.pod.as_pod().map(|p| p.status.clone());
            if w.last_sent.as_ref() != Some(&st) && current.as_ref() != Some(&st) {
                let mut obj = (*w.pod).clone();
                if let Body::Pod(p) = &mut obj.body {
                    p.status = st.clone();
                }
                obj.meta.resource_version = 0;
                w.last_sent = Some(st);
                w.status_in_flight = true;
                let id = ctx.send(Request::UpdateStatus { object: obj });
                self.k.pending.insert(id, Pending::PodStatus(uid));
                return;
            }
        }
        let w = self.k.workers.get_mut(&uid).expect("worker");
        if w.terminated && w.pod.meta.deletion_timestamp.is_some() && !w.delete_sent {
            w.delete_sent = true;
            let id = ctx.send(Request::Delete {
                kind: Kind::Pod,
                namespace: w.pod.meta.namespace.clone(),
                name: w.pod.meta.name.clone(),
                options: DeleteOptions {
                    grace_period_seconds: Some(0),
                    precondition_uid: Some(uid),
                    ..Default::default()
                },
            });
            self.k.pending.insert(id, Pending::PodDelete(uid));
        }
    }

    // -----------------------------------------------------------------------------------------
    // Faults

    fn on_fault(&mut self, ctx: &mut Ctx, fault: Fault) {
        let now = ctx.now();
        match fault {
            Fault::NodeCrash => {
                self.down = true;
                self.timers.clear();
                self.rt.lose_everything_but_images();
                self.trace_node(
                    ctx,
                    "NodeCrashed",
                    "node powered off: kubelet and containers stopped".into(),
                );
            }
            Fault::NodeRecover if self.down => {
                self.down = false;
                self.trace_node(
                    ctx,
                    "Rebooted",
                    format!(
                        "Node {} has been rebooted, boot id: {}",
                        self.setup.node, now
                    ),
                );
                self.boot(ctx);
            }
            Fault::KubeletRestart if !self.down => {
                // The process's memory and timers go; the runtime keeps running.
                self.boot(ctx);
            }
            Fault::ContainerCrash {
                namespace,
                pod,
                container,
                exit_code,
            } if !self.down => {
                let target = self
                    .rt
                    .sandboxes
                    .iter()
                    .find(|(_, s)| s.namespace == namespace && s.name == pod)
                    .map(|(uid, s)| (*uid, s.containers.get(&container).map(|c| c.restart_count)));
                if let Some((uid, Some(restart))) = target {
                    self.on_exit(ctx, uid, container, restart, exit_code, ExitCause::OnItsOwn);
                }
            }
            Fault::RegistryOutage { duration } => {
                self.rt.registry_down_until = self.rt.registry_down_until.max(now + duration);
            }
            Fault::RegistrySlowdown { factor, duration } => {
                self.rt.registry_slow = Some((factor, now + duration));
            }
            _ => {}
        }
    }

    /// After a reboot the runtime has nothing: pods the API says were running get a new
    /// sandbox; their containers' restart counts continue from the API's (the runtime's
    /// history is gone, as upstream after a reboot).
    fn adopt_after_restart(&mut self, uid: Uid, now: SimTime) {
        let Some(w) = self.k.workers.get_mut(&uid) else {
            return;
        };
        let Some(pod) = w.pod.as_pod() else { return };
        if matches!(pod.status.phase, PodPhase::Succeeded | PodPhase::Failed) {
            w.admitted = true;
            w.terminated = true;
            return;
        }
        if pod.status.start_time.is_some() {
            // Admitted before (admission is not repeated for a pod the node already ran).
            w.admitted = true;
            w.start_time = pod.status.start_time;
        }
        if self.rt.sandboxes.contains_key(&uid) {
            return;
        }
        let ran = pod
            .status
            .container_statuses
            .iter()
            .chain(pod.status.rare.init_container_statuses.iter())
            .filter(|s| !matches!(s.state, ContainerState::Waiting { .. }) || s.restart_count > 0)
            .map(|s| (s.name.clone(), s.restart_count, s.state.clone()))
            .collect::<Vec<_>>();
        if ran.is_empty() {
            return;
        }
        // A dead sandbox holding what the API knew: the sync creates a new one.
        let mut sb = Sandbox {
            namespace: w.pod.meta.namespace.clone(),
            name: w.pod.meta.name.clone(),
            ip: Name::default(),
            ip_host: None,
            ready: false,
            attempt: 0,
            containers: BTreeMap::new(),
            volume_data: BTreeMap::new(),
        };
        for (name, count, state) in ran {
            let term = match state {
                ContainerState::Terminated {
                    exit_code,
                    reason,
                    message,
                    started_at,
                    finished_at,
                } => Termination {
                    exit_code,
                    reason,
                    message,
                    started_at,
                    finished_at,
                },
                // kubelet_pods.go: a container the runtime no longer knows.
                _ => Termination {
                    exit_code: SIGKILL_EXIT_CODE,
                    reason: Name::new_static("ContainerStatusUnknown"),
                    message: Name::new_static(
                        "The container could not be located when the pod was terminated",
                    ),
                    started_at: None,
                    finished_at: now,
                },
            };
            sb.containers.insert(name, placeholder(count, term));
        }
        self.rt.sandboxes.insert(uid, sb);
    }
}

/// The node conditions a healthy kubelet reports (kubelet_node_status.go setters).
const NODE_CONDITIONS: [(&str, ConditionStatus, &str, &str); 4] = [
    (
        "MemoryPressure",
        ConditionStatus::False,
        "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available",
    ),
    (
        "DiskPressure",
        ConditionStatus::False,
        "KubeletHasNoDiskPressure",
        "kubelet has no disk pressure",
    ),
    (
        "PIDPressure",
        ConditionStatus::False,
        "KubeletHasSufficientPID",
        "kubelet has sufficient PID available",
    ),
    (
        "Ready",
        ConditionStatus::True,
        "KubeletReady",
        "kubelet is posting ready status",
    ),
];

/// The conditions a healthy kubelet posts, stamped `now` (heartbeat and transition).
pub fn healthy_node_conditions(now: SimTime) -> Vec<Condition> {
    NODE_CONDITIONS
        .iter()
        .map(|(t, status, reason, message)| {
            Condition::new(Name::new_static(t), *status)
                .with_reason(Name::new_static(reason), Name::new_static(message))
                .with_times(Some(now), Some(now))
        })
        .collect()
}

fn placeholder(count: i32, term: Termination) -> Ctr {
    Ctr {
        init: false,
        restart_count: count,
        state: CtrState::Exited(term),
        plan: RunPlan {
            exit_after: None,
            exit_code: 0,
            shutdown: Some(0),
            sigterm_exit_code: 0,
            ready_after: 0,
            liveness_fail_after: None,
            post_start_fails: false,
            probe_duration: None,
            hook_duration: None,
        },
        last_termination: None,
        stopping: false,
    }
}

fn term_state(t: &Termination) -> ContainerState {
    ContainerState::Terminated {
        exit_code: t.exit_code,
        reason: t.reason.clone(),
        message: t.message.clone(),
        started_at: t.started_at,
        finished_at: t.finished_at,
    }
}

/// kubecontainer.ShouldContainerBeRestarted, for an exited container.
fn should_restart(policy: RestartPolicy, exit_code: i32) -> bool {
    match policy {
        RestartPolicy::Always => true,
        RestartPolicy::OnFailure => exit_code != 0,
        RestartPolicy::Never => false,
    }
}

fn find_container<'a>(pod: &'a Object, name: &str) -> Option<&'a Container> {
    let spec = &pod.as_pod()?.spec;
    spec.containers
        .iter()
        .chain(spec.rare.init_containers.iter())
        .find(|c| c.name == name)
}

fn probe_failure_output(h: &Handler, ip: &str, timed_out: bool) -> String {
    match (h, timed_out) {
        (Handler::HttpGet { path, port, scheme }, true) => format!(
            "Get \"{}://{ip}:{port}{path}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
            scheme.to_ascii_lowercase()
        ),
        (Handler::HttpGet { .. }, false) => "HTTP probe failed with statuscode: 503".into(),
        (Handler::TcpSocket { port }, _) => {
            format!("dial tcp {ip}:{port}: connect: connection refused")
        }
        (Handler::Grpc { port, .. }, _) => format!(
            "timeout: failed to connect service \"{ip}:{port}\" within 1s: context deadline exceeded"
        ),
        (Handler::Exec { .. }, true) => "command timed out".into(),
        (Handler::Exec { .. }, false) | (Handler::Sleep { .. }, _) => String::new(),
    }
}

fn image_size(runtime: &RuntimeModel, image: &str) -> u64 {
    runtime
        .images
        .get(image)
        .and_then(|i| i.size.as_deref())
        .and_then(|s| parse_size(s).ok())
        .or_else(|| parse_size(&runtime.default_image_size).ok())
        .unwrap_or(100 << 20)
}

impl Component for Kubelet {
    fn start(&mut self, ctx: &mut Ctx) {
        self.boot(ctx);
    }

    fn handle(&mut self, ctx: &mut Ctx, msg: Message) {
        if self.down {
            if let Message::Fault(f) = msg {
                self.on_fault(ctx, f);
            }
            return;
        }
        if let Some(deltas) = self.k.pods.handle(ctx, &msg) {
            for d in deltas {
                match d {
                    crate::client::Delta::Added(o) => {
                        let fresh = !self.k.workers.contains_key(&o.meta.uid);
                        self.on_pod_delta(ctx, &o, false);
                        if fresh {
                            self.adopt_after_restart(o.meta.uid, ctx.now());
                        }
                    }
                    crate::client::Delta::Updated { new, .. } => {
                        self.on_pod_delta(ctx, &new, false)
                    }
                    crate::client::Delta::Deleted(o) => self.on_pod_delta(ctx, &o, true),
                }
            }
            return;
        }
        match msg {
            Message::Response { id, result } => self.on_response(ctx, id, result),
            Message::Timer { id, .. } => {
                let Some(t) = self.timers.remove(&id) else {
                    return;
                };
                match t {
                    Timer::NodeStatus => self.node_status_tick(ctx),
                    Timer::LeaseRenew => self.lease_tick(ctx),
                    Timer::Sync(uid) => {
                        if let Some(w) = self.k.workers.get_mut(&uid) {
                            if w.retry == Some(id) {
                                w.retry = None;
                            }
                        }
                        self.want_sync(ctx, uid);
                    }
                    Timer::Step(uid, done) => self.on_step_done(ctx, uid, done),
                    Timer::Probe {
                        uid,
                        container,
                        restart,
                        kind,
                    } => self.on_probe(ctx, uid, container, restart, kind),
                    Timer::PreStopDone {
                        uid,
                        container,
                        restart,
                        grace,
                        started,
                    } => {
                        let elapsed = ctx.now() - started;
                        if let Some(pod) = self.k.workers.get(&uid).map(|w| w.pod.clone()) {
                            self.trace(
                                ctx,
                                "PreStopHook",
                                &pod,
                                format!(
                                    "preStop hook of container {container} returned after {}",
                                    format_duration(elapsed)
                                ),
                            );
                        }
                        let remaining = grace.saturating_sub(elapsed).max(MINIMUM_GRACE_PERIOD);
                        self.sigterm(ctx, uid, &container, restart, remaining);
                    }
                    Timer::Exit {
                        uid,
                        container,
                        restart,
                        exit_code,
                        cause,
                    } => self.on_exit(ctx, uid, container, restart, exit_code, cause),
                    Timer::PullDone(job) => self.on_pull_done(ctx, job),
                    Timer::SandboxStopped(uid) => self.on_sandbox_stopped(ctx, uid),
                }
                self.flush_statuses(ctx);
            }
            Message::Fault(f) => self.on_fault(ctx, f),
            _ => {}
        }
    }
}

impl Kubelet {
    /// Sends the statuses that changed during this message.
    fn flush_statuses(&mut self, ctx: &mut Ctx) {
        let dirty: Vec<Uid> = self
            .k
            .workers
            .iter()
            .filter(|(_, w)| w.status_dirty && !w.busy)
            .map(|(u, _)| *u)
            .collect();
        for uid in dirty {
            self.sync_status(ctx, uid);
        }
        // Workers of pods that left the API and stopped are forgotten.
        let gone: Vec<Uid> = self
            .k
            .workers
            .iter()
            .filter(|(_, w)| w.terminated && w.gone && !w.busy)
            .filter(|(u, _)| !self.rt.sandboxes.get(u).is_some_and(|s| s.ready))
            .map(|(u, _)| *u)
            .collect();
        for uid in gone {
            self.k.workers.remove(&uid);
            self.rt.sandboxes.remove(&uid);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: SimDuration = 300 * SECOND;
    const INITIAL: SimDuration = 10 * SECOND;

    /// client-go util/flowcontrol/backoff_test.go TestSlowBackoff / TestBackoffReset, as
    /// the kubelet uses it: doubling from the initial delay to the cap, reset after 2 × cap.
    #[test]
    fn crash_loop_back_off_doubles_to_the_cap_and_resets_after_twice_the_cap() {
        let mut t: BackoffTable<u32> = BackoffTable::default();
        let mut now = 0;
        let mut delays = Vec::new();
        for _ in 0..8 {
            t.next(1, now, now, INITIAL, MAX);
            delays.push(t.get(&1) / SECOND);
            now += t.get(&1);
        }
        assert_eq!(delays, [10, 20, 40, 80, 160, 300, 300, 300]);
        // In back-off from an exit until the delay has passed since that exit.
        let exit = now;
        assert!(t.in_back_off_since(&1, exit, exit + 299 * SECOND, MAX));
        assert!(!t.in_back_off_since(&1, exit, exit + 300 * SECOND, MAX));
        // More than 2 × cap since the last update: expired, back to the initial delay.
        let later = now + 601 * SECOND;
        assert!(!t.in_back_off_since(&1, later, later, MAX));
        t.next(1, later, later, INITIAL, MAX);
        assert_eq!(t.get(&1), INITIAL);
    }

    #[test]
    fn restart_policy_decides_which_exits_restart() {
        assert!(should_restart(RestartPolicy::Always, 0));
        assert!(should_restart(RestartPolicy::Always, 1));
        assert!(!should_restart(RestartPolicy::OnFailure, 0));
        assert!(should_restart(RestartPolicy::OnFailure, 137));
        assert!(!should_restart(RestartPolicy::Never, 1));
    }

    /// resourcehelper.PodRequests: init containers count by their maximum, sidecars add up.
    #[test]
    fn pod_requests_take_the_larger_of_app_sum_and_init_max() {
        use crate::api::types::{PodSpec, ResourceRequirements};
        let with_cpu = |name: &str, milli: i64, sidecar: bool| {
            let mut c = Container::new(name, "busybox:1.36");
            let mut r = ResourceList::new();
            r.set(ResourceName::Cpu, milli);
            c.resources = ResourceRequirements {
                requests: r,
                limits: ResourceList::new(),
            };
            if sidecar {
                c.restart_policy = Some(RestartPolicy::Always);
            }
            c
        };
        let mut spec = PodSpec {
            containers: vec![with_cpu("a", 100, false), with_cpu("b", 200, false)],
            ..Default::default()
        };
        assert_eq!(pod_requests(&spec).cpu_milli(), Some(300));
        spec.rare.init_containers = vec![with_cpu("init", 500, false)];
        assert_eq!(pod_requests(&spec).cpu_milli(), Some(500));
        spec.rare.init_containers = vec![with_cpu("side", 50, true), with_cpu("init", 400, false)];
        // 300 + 50 for the sidecar; the init container needs 400 + the sidecar's 50.
        assert_eq!(pod_requests(&spec).cpu_milli(), Some(450));
    }
}
