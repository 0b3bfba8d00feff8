//! The Deployment controller of kube-controller-manager
//! (pkg/controller/deployment/deployment_controller.go): informers on Deployments, ReplicaSets
//! and Pods, a workqueue of Deployment keys, and one sync per key (see `sync.rs`).

pub mod sync;
pub mod util;

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use crate::api::request::{Request, Response, Status, StatusReason};
use crate::api::types::{Kind, Name, Object, PodPhase};
use crate::client::{
    Component, Ctx, Delta, Informer, InformerConfig, Message, RequestId, TimerId, TokenBucket,
    WorkQueue,
};
use crate::controllers::controller_utils::new_controller_ref;
use crate::model::ControllerManagerModel;
use crate::trace::Record;

pub use sync::{Plan, Sync, Write};

/// The trace component of the controller's rows.
pub const COMPONENT: &str = "deployment-controller";
/// maxRetries: how many times a Deployment is requeued after failures before it is dropped.
const MAX_RETRIES: u32 = 15;

const TAG_SYNC: u64 = 1;
const TAG_WRITE: u64 = 2;

type Key = (Name, Name);

struct PendingWrite {
    key: Key,
    events: Vec<(&'static str, String)>,
}

/// A request in flight: one of a sync's writes, or a step of its ReplicaSet claims.
enum Pending {
    Write(PendingWrite),
    Claim(Key, ClaimOp),
}

#[derive(Clone, Copy, Debug)]
enum ClaimOp {
    /// RecheckDeletionTimestamp's uncached GET of the Deployment, before the first adoption.
    Recheck,
    Adopt,
    Release,
}

enum ClaimAction {
    Adopt(Arc<Object>),
    Release(Arc<Object>),
}

/// getReplicaSetsForDeployment in flight: ReplicaSetControllerRefManager.ClaimReplicaSets
/// (pkg/controller/controller_ref_manager.go ClaimObject), one adoption or release at a time.
struct Claims {
    d: Arc<Object>,
    /// ReplicaSets already ours that still match, then those adopted.
    claimed: Vec<Object>,
    actions: VecDeque<ClaimAction>,
    /// canAdopt, asked once (sync.Once upstream) before the first adoption.
    can_adopt: Option<Result<(), String>>,
    /// The first error; the sync then fails and is retried (utilerrors.NewAggregate).
    error: Option<String>,
}

/// The Deployment controller.
pub struct DeploymentController {
    model: ControllerManagerModel,
    deployments: Informer,
    replica_sets: Informer,
    pods: Informer,
    queue: WorkQueue<Key>,
    bucket: TokenBucket,
    busy: BTreeMap<TimerId, Key>,
    /// Keys whose sync's writes are still in flight, with how many. Upstream's worker makes
    /// its writes synchronously, so the key stays "processing" (and the worker busy) until
    /// they return; a new sync of the same Deployment would plan on a cache without them.
    writing: BTreeMap<Key, usize>,
    delayed: BTreeMap<TimerId, (Request, Pending)>,
    pending: BTreeMap<RequestId, Pending>,
    /// Keys whose ReplicaSet claims are in flight (the key stays processing meanwhile).
    claims: BTreeMap<Key, Claims>,
}

impl DeploymentController {
    pub fn new(model: ControllerManagerModel) -> DeploymentController {
        DeploymentController {
            bucket: TokenBucket::new(model.kube_api_qps, model.kube_api_burst),
            model,
            deployments: Informer::new(InformerConfig::all(Kind::Deployment)),
            replica_sets: Informer::new(InformerConfig::all(Kind::ReplicaSet)),
            pods: Informer::new(InformerConfig::all(Kind::Pod)),
            queue: WorkQueue::new(),
            busy: BTreeMap::new(),
            writing: BTreeMap::new(),
            delayed: BTreeMap::new(),
            pending: BTreeMap::new(),
            claims: BTreeMap::new(),
        }
    }

    fn synced(&self) -> bool {
        self.deployments.has_synced() && self.replica_sets.has_synced() && self.pods.has_synced()
    }

    fn enqueue(&mut self, d: &Object) {
        self.queue
            .add((d.meta.namespace.clone(), d.meta.name.clone()));
    }

    /// resolveControllerRef: the Deployment a ReplicaSet's controllerRef names, if it exists
    /// with that UID.
    fn resolve(&self, rs: &Object) -> Option<Arc<Object>> {
        let r = rs.meta.controller_ref()?;
        if r.kind != "Deployment" {
            return None;
        }
        self.deployments
            .get(&rs.meta.namespace, &r.name)
            .filter(|d| d.meta.uid == r.uid)
            .cloned()
    }

    /// getDeploymentsForReplicaSet: Deployments whose selector matches an orphan.
    fn deployments_for_orphan(&self, rs: &Object) -> Vec<Arc<Object>> {
        self.deployments
            .list()
            .filter(|d| d.meta.namespace == rs.meta.namespace)
            .filter(|d| {
                let sel = &util::dep_of(d).selector;
                !sel.is_empty() && sel.matches(&rs.meta.labels)
            })
            .cloned()
            .collect()
    }

    fn on_rs_delta(&mut self, delta: &Delta) {
        let mut targets = Vec::new();
        match delta {
            Delta::Added(rs) | Delta::Deleted(rs) => match self.resolve(rs) {
                Some(d) => targets.push(d),
                None if matches!(delta, Delta::Added(_)) && rs.meta.controller_ref().is_none() => {
                    targets.extend(self.deployments_for_orphan(rs))
                }
                None => {}
            },
            Delta::Updated { old, new } => {
                if old.meta.controller_ref() != new.meta.controller_ref() {
                    targets.extend(self.resolve(old));
                }
                match self.resolve(new) {
                    Some(d) => targets.push(d),
                    None if new.meta.controller_ref().is_none() => {
                        targets.extend(self.deployments_for_orphan(new))
                    }
                    None => {}
                }
            }
        }
        for d in targets {
            self.enqueue(&d);
        }
    }

    /// deletePod: a Recreate Deployment waits for its old pods to go.
    fn on_pod_delta(&mut self, delta: &Delta) {
        let Delta::Deleted(pod) = delta else { return };
        let Some(r) = pod.meta.controller_ref() else {
            return;
        };
        let Some(rs) = self.replica_sets.get(&pod.meta.namespace, &r.name).cloned() else {
            return;
        };
        if let Some(d) = self.resolve(&rs) {
            if matches!(
                util::dep_of(&d).strategy,
                crate::api::types::DeploymentStrategy::Recreate
            ) {
                self.enqueue(&d);
            }
        }
    }

    fn pump(&mut self, ctx: &mut Ctx) {
        if !self.synced() {
            return;
        }
        while ((self.busy.len() + self.writing.len() + self.claims.len()) as u32)
            < self.model.concurrent_deployment_syncs
        {
            let Some(key) = self.queue.get() else { return };
            let id = ctx.set_timer(self.model.sync_duration, TAG_SYNC);
            self.busy.insert(id, key);
        }
    }

    /// syncDeployment for one key: reads the caches, claims ReplicaSets (which may take
    /// requests; the sync then goes on in `after_claims`), plans, sends the writes.
    fn sync_key(&mut self, ctx: &mut Ctx, key: &Key) {
        let Some(d) = self.deployments.get(&key.0, &key.1).cloned() else {
            // Deployment has been deleted.
            self.queue.forget(key);
            self.queue.done(key);
            return;
        };
        // A Deployment selecting everything is reported before any ReplicaSet is claimed.
        let selector = util::dep_of(&d).selector.clone();
        let deleting = d.meta.deletion_timestamp.is_some();
        let mut claimed = Vec::new();
        let mut actions = VecDeque::new();
        for rs in self
            .replica_sets
            .list()
            .filter(|r| r.meta.namespace == d.meta.namespace)
        {
            let matches = !selector.is_empty() && selector.matches(&rs.meta.labels);
            match rs.meta.controller_ref() {
                // Ours: keep it while it matches; release it when it does not (unless the
                // Deployment is going away).
                Some(r) if r.uid == d.meta.uid => {
                    if matches || selector.is_empty() {
                        claimed.push((**rs).clone());
                    } else if !deleting {
                        actions.push_back(ClaimAction::Release(rs.clone()));
                    }
                }
                // Another controller's.
                Some(_) => {}
                // An orphan: adopt it if it matches and neither side is being deleted.
                None => {
                    if matches && !deleting && rs.meta.deletion_timestamp.is_none() {
                        actions.push_back(ClaimAction::Adopt(rs.clone()));
                    }
                }
            }
        }
        if actions.is_empty() || selector.is_empty() {
            self.plan_and_send(ctx, key, &d, claimed);
            return;
        }
        self.claims.insert(
            key.clone(),
            Claims {
                d,
                claimed,
                actions,
                can_adopt: None,
                error: None,
            },
        );
        self.claim_next(ctx, key);
    }

    /// Sends a request through the client's token bucket.
    fn send(&mut self, ctx: &mut Ctx, req: Request, p: Pending) {
        let delay = self.bucket.reserve(ctx.now());
        if delay == 0 {
            let id = ctx.send(req);
            self.pending.insert(id, p);
        } else {
            let id = ctx.set_timer(delay, TAG_WRITE);
            self.delayed.insert(id, (req, p));
        }
    }

    /// The next claim, in order as ClaimObject's loop; after the last, the rest of the sync.
    fn claim_next(&mut self, ctx: &mut Ctx, key: &Key) {
        loop {
            let Some(c) = self.claims.get_mut(key) else {
                return;
            };
            let Some(action) = c.actions.pop_front() else {
                self.after_claims(ctx, key);
                return;
            };
            match action {
                ClaimAction::Adopt(rs) => match c.can_adopt.clone() {
                    None => {
                        c.actions.push_front(ClaimAction::Adopt(rs));
                        let req = Request::Get {
                            kind: Kind::Deployment,
                            namespace: c.d.meta.namespace.clone(),
                            name: c.d.meta.name.clone(),
                        };
                        self.send(ctx, req, Pending::Claim(key.clone(), ClaimOp::Recheck));
                        return;
                    }
                    Some(Err(e)) => {
                        c.error.get_or_insert(e);
                    }
                    Some(Ok(())) => {
                        // AdoptReplicaSet: upstream patches the ownerReference in with a UID
                        // precondition; here the whole object is written back.
                        let mut updated = (*rs).clone();
                        let r = new_controller_ref(&c.d);
                        updated.meta.owner_references.retain(|o| o.uid != r.uid);
                        updated.meta.owner_references.push(r);
                        let req = Request::Update { object: updated };
                        self.send(ctx, req, Pending::Claim(key.clone(), ClaimOp::Adopt));
                        return;
                    }
                },
                ClaimAction::Release(rs) => {
                    // ReleaseReplicaSet: the ownerReference to this Deployment removed.
                    let mut updated = (*rs).clone();
                    let uid = c.d.meta.uid;
                    updated.meta.owner_references.retain(|o| o.uid != uid);
                    let req = Request::Update { object: updated };
                    self.send(ctx, req, Pending::Claim(key.clone(), ClaimOp::Release));
                    return;
                }
            }
        }
    }

    /// getReplicaSetsForDeployment returned: an error fails the sync (retried rate-limited);
    /// otherwise it plans on the claimed ReplicaSets.
    fn after_claims(&mut self, ctx: &mut Ctx, key: &Key) {
        let Some(c) = self.claims.remove(key) else {
            return;
        };
        if let Some(e) = c.error {
            ctx.trace(
                Record::new(COMPONENT, "ClaimReplicaSetsFailed")
                    .object("Deployment", &c.d.meta.namespace, &c.d.meta.name)
                    .detail(e),
            );
            self.retry(ctx, key.clone());
            self.queue.done(key);
            return;
        }
        // The Deployment as cached now: the sync's read of it happened at its start upstream,
        // and the claims do not change it.
        self.plan_and_send(ctx, key, &c.d, c.claimed);
    }

    fn on_claim_response(
        &mut self,
        ctx: &mut Ctx,
        key: Key,
        op: ClaimOp,
        result: Result<Response, Status>,
    ) {
        let Some(c) = self.claims.get_mut(&key) else {
            return;
        };
        match op {
            ClaimOp::Recheck => {
                // RecheckDeletionTimestamp around the uncached GET.
                let (ns, name, uid) = (&c.d.meta.namespace, &c.d.meta.name, c.d.meta.uid);
                let verdict = match &result {
                    Ok(Response::Object(fresh)) if fresh.meta.uid != uid => Err(format!(
                        "original Deployment {ns}/{name} is gone: got uid {}, wanted {uid}",
                        fresh.meta.uid
                    )),
                    Ok(Response::Object(fresh)) if fresh.meta.deletion_timestamp.is_some() => {
                        Err(format!(
                            "{ns}/{name} has just been deleted at {}",
                            fresh.meta.deletion_timestamp.unwrap_or_default()
                        ))
                    }
                    Ok(_) => Ok(()),
                    Err(st) => Err(st.message.clone()),
                };
                c.can_adopt = Some(verdict);
            }
            ClaimOp::Adopt => match result {
                Ok(Response::Object(rs)) => c.claimed.push((*rs).clone()),
                Ok(_) => {}
                // The ReplicaSet is gone: ignore it.
                Err(st) if st.reason == StatusReason::NotFound => {}
                Err(st) => {
                    c.error.get_or_insert(st.message);
                }
            },
            ClaimOp::Release => match result {
                Ok(_) => {}
                // Gone, or no longer ours: nothing to release.
                Err(st) if matches!(st.reason, StatusReason::NotFound | StatusReason::Invalid) => {}
                Err(st) => {
                    c.error.get_or_insert(st.message);
                }
            },
        }
        self.claim_next(ctx, &key);
    }

    /// The rest of syncDeployment on the claimed ReplicaSets: plan, then send the writes.
    /// The key stays processing until they have all returned.
    fn plan_and_send(&mut self, ctx: &mut Ctx, key: &Key, d: &Arc<Object>, owned: Vec<Object>) {
        let namespace_rss: Vec<Arc<Object>> = self
            .replica_sets
            .list()
            .filter(|r| r.meta.namespace == d.meta.namespace)
            .cloned()
            .collect();
        let uids: Vec<_> = owned.iter().map(|r| r.meta.uid).collect();
        let pods: Vec<(crate::api::types::Uid, PodPhase)> = self
            .pods
            .list()
            .filter(|p| p.meta.namespace == d.meta.namespace)
            .filter_map(|p| {
                let r = p.meta.controller_ref()?;
                uids.contains(&r.uid)
                    .then(|| (r.uid, p.as_pod().map(|p| p.status.phase)))
                    .and_then(|(u, ph)| ph.map(|ph| (u, ph)))
            })
            .collect();
        let plan = Sync::new(ctx.now(), (**d).clone(), owned, pods, namespace_rss).run();
        for (reason, msg) in &plan.events {
            trace_event(ctx, d, reason, msg);
        }
        if plan.requeue_rate_limited {
            self.queue.add_rate_limited(ctx, key.clone());
        } else if let Some(after) = plan.requeue_after {
            self.queue.add_after(ctx, key.clone(), after);
        }
        if plan.writes.is_empty() && !plan.requeue_rate_limited {
            self.queue.forget(key);
        }
        let sent = plan.writes.len();
        for w in plan.writes {
            let pw = PendingWrite {
                key: key.clone(),
                events: w.events,
            };
            self.send(ctx, w.req, Pending::Write(pw));
        }
        if sent == 0 {
            self.queue.done(key);
        } else {
            self.writing.insert(key.clone(), sent);
        }
    }

    /// handleErr: retried rate-limited up to maxRetries, then dropped.
    fn retry(&mut self, ctx: &mut Ctx, key: Key) {
        if self.queue.num_requeues(&key) < MAX_RETRIES {
            self.queue.add_rate_limited(ctx, key);
        } else {
            self.queue.forget(&key);
        }
    }

    fn on_response(&mut self, ctx: &mut Ctx, pw: PendingWrite, ok: Option<StatusReason>) {
        if let Some(n) = self.writing.get_mut(&pw.key) {
            *n -= 1;
            if *n == 0 {
                self.writing.remove(&pw.key);
                self.queue.done(&pw.key);
            }
        }
        match ok {
            None => {
                if let Some(d) = self.deployments.get(&pw.key.0, &pw.key.1).cloned() {
                    for (reason, msg) in &pw.events {
                        trace_event(ctx, &d, reason, msg);
                    }
                }
                self.queue.forget(&pw.key);
            }
            // A ReplicaSet already gone is fine (cleanupDeployment ignores NotFound).
            Some(StatusReason::NotFound) => {}
            Some(_) => self.retry(ctx, pw.key),
        }
    }
}

fn trace_event(ctx: &mut Ctx, d: &Object, reason: &str, msg: &str) {
    ctx.trace(
        Record::new(COMPONENT, reason)
            .object("Deployment", &d.meta.namespace, &d.meta.name)
            .detail(msg),
    );
}

impl Component for DeploymentController {
    fn start(&mut self, ctx: &mut Ctx) {
        self.deployments.start(ctx);
        self.replica_sets.start(ctx);
        self.pods.start(ctx);
    }

    fn handle(&mut self, ctx: &mut Ctx, msg: Message) {
        if let Some(deltas) = self.deployments.handle(ctx, &msg) {
            for d in &deltas {
                let obj = d.object().clone();
                self.enqueue(&obj);
            }
            self.pump(ctx);
            return;
        }
        if let Some(deltas) = self.replica_sets.handle(ctx, &msg) {
            for d in &deltas {
                self.on_rs_delta(d);
            }
            self.pump(ctx);
            return;
        }
        if let Some(deltas) = self.pods.handle(ctx, &msg) {
            for d in &deltas {
                self.on_pod_delta(d);
            }
            self.pump(ctx);
            return;
        }
        match msg {
            Message::Timer { id, tag: TAG_SYNC } => {
                if let Some(key) = self.busy.remove(&id) {
                    self.sync_key(ctx, &key);
                }
            }
            Message::Timer { id, tag: TAG_WRITE } => {
                if let Some((req, p)) = self.delayed.remove(&id) {
                    let rid = ctx.send(req);
                    self.pending.insert(rid, p);
                }
            }
            Message::Timer { id, .. } => {
                self.queue.on_timer(id);
            }
            Message::Response { id, result } => match self.pending.remove(&id) {
                Some(Pending::Write(pw)) => {
                    let reason = result.err().map(|s| s.reason);
                    self.on_response(ctx, pw, reason);
                }
                Some(Pending::Claim(key, op)) => self.on_claim_response(ctx, key, op, result),
                None => {}
            },
            _ => {}
        }
        self.pump(ctx);
    }
}
