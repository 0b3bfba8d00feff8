//! The Deployment controller of kube-controller-manager
//! (pkg/controller/deployment/deployment_controller.go): informers on Deployments, ReplicaSets
//! and Pods, a workqueue of Deployment keys, and one sync per key (see `sync.rs`).

pub mod sync;
pub mod util;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::api::request::{Request, StatusReason};
use crate::api::types::{Kind, Name, Object, PodPhase};
use crate::client::{
    Component, Ctx, Delta, Informer, InformerConfig, Message, RequestId, TimerId, TokenBucket,
    WorkQueue,
};
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
    delayed: BTreeMap<TimerId, (Request, PendingWrite)>,
    pending: BTreeMap<RequestId, PendingWrite>,
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
        while ((self.busy.len() + self.writing.len()) as u32)
            < self.model.concurrent_deployment_syncs
        {
            let Some(key) = self.queue.get() else { return };
            let id = ctx.set_timer(self.model.sync_duration, TAG_SYNC);
            self.busy.insert(id, key);
        }
    }

    /// syncDeployment for one key: reads the caches, plans, sends the writes. Returns how
    /// many writes it sent.
    fn sync_key(&mut self, ctx: &mut Ctx, key: &Key) -> usize {
        let Some(d) = self.deployments.get(&key.0, &key.1).cloned() else {
            // Deployment has been deleted.
            self.queue.forget(key);
            return 0;
        };
        let namespace_rss: Vec<Arc<Object>> = self
            .replica_sets
            .list()
            .filter(|r| r.meta.namespace == d.meta.namespace)
            .cloned()
            .collect();
        let owned: Vec<Object> = namespace_rss
            .iter()
            .filter(|r| r.meta.controller_ref().is_some_and(|c| c.uid == d.meta.uid))
            .map(|r| (**r).clone())
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
        let plan = Sync::new(ctx.now(), (*d).clone(), owned, pods, namespace_rss).run();
        for (reason, msg) in &plan.events {
            trace_event(ctx, &d, reason, msg);
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
            let delay = self.bucket.reserve(ctx.now());
            if delay == 0 {
                let id = ctx.send(w.req);
                self.pending.insert(id, pw);
            } else {
                let id = ctx.set_timer(delay, TAG_WRITE);
                self.delayed.insert(id, (w.req, pw));
            }
        }
        sent
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
            Some(_) => {
                if self.queue.num_requeues(&pw.key) < MAX_RETRIES {
                    self.queue.add_rate_limited(ctx, pw.key);
                } else {
                    self.queue.forget(&pw.key);
                }
            }
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
                    match self.sync_key(ctx, &key) {
                        0 => self.queue.done(&key),
                        n => {
                            self.writing.insert(key, n);
                        }
                    }
                }
            }
            Message::Timer { id, tag: TAG_WRITE } => {
                if let Some((req, pw)) = self.delayed.remove(&id) {
                    let rid = ctx.send(req);
                    self.pending.insert(rid, pw);
                }
            }
            Message::Timer { id, .. } => {
                self.queue.on_timer(id);
            }
            Message::Response { id, result } => {
                if let Some(pw) = self.pending.remove(&id) {
                    let reason = result.err().map(|s| s.reason);
                    self.on_response(ctx, pw, reason);
                }
            }
            _ => {}
        }
        self.pump(ctx);
    }
}
