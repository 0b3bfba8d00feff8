//! The garbage collector of kube-controller-manager (pkg/controller/garbagecollector/
//! garbagecollector.go and graph_builder.go): deletes dependents whose owners are gone, and
//! carries out foreground (`foregroundDeletion`) and orphan (`orphan`) deletion.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::api::request::{
    DeleteOptions, PropagationPolicy, Request, Response, Status, StatusReason,
};
use crate::api::server::{FINALIZER_FOREGROUND, FINALIZER_ORPHAN};
use crate::api::types::{Kind, Name, Object, OwnerReference, Uid};
use crate::client::{
    Component, Ctx, Delta, Informer, InformerConfig, Message, RequestId, TimerId, WorkQueue,
};
use crate::engine::SimTime;
use crate::model::ControllerManagerModel;
use crate::trace::Record;

/// The trace component of the garbage collector's rows.
pub const COMPONENT: &str = "garbage-collector";

/// The kinds the collector watches: every kind kubesim gives ownerReferences to (upstream
/// watches every deletable resource; these are the ones that own or are owned here).
pub const WATCHED_KINDS: [Kind; 5] = [
    Kind::Pod,
    Kind::ReplicaSet,
    Kind::ReplicationController,
    Kind::Deployment,
    Kind::Job,
];

/// (kind, namespace, name).
pub type ObjKey = (Kind, Name, Name);

fn key_of(obj: &Object) -> ObjKey {
    (
        obj.kind(),
        obj.meta.namespace.clone(),
        obj.meta.name.clone(),
    )
}

fn has_finalizer(obj: &Object, f: &str) -> bool {
    obj.meta.finalizers.iter().any(|x| x == f)
}

/// An object deleting its dependents first (deletionTimestamp and `foregroundDeletion`).
pub fn is_deleting_dependents(obj: &Object) -> bool {
    obj.meta.deletion_timestamp.is_some() && has_finalizer(obj, FINALIZER_FOREGROUND)
}

/// An object whose dependents are to be orphaned (deletionTimestamp and `orphan`).
pub fn is_orphaning(obj: &Object) -> bool {
    obj.meta.deletion_timestamp.is_some() && has_finalizer(obj, FINALIZER_ORPHAN)
}

/// What became of one owner reference (classifyReferences).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnerState {
    /// The owner exists with this UID and is not deleting its dependents.
    Solid,
    /// The owner is gone, or its name is another object now.
    Dangling,
    /// The owner is being deleted in the foreground.
    WaitingForDependentsDeletion,
}

/// What attemptToDeleteItem does with a dependent, given the state of each of its owners.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Nothing,
    /// Some owners are solid: only the references to the others are removed.
    RemoveReferences(Vec<Uid>),
    /// No solid owner left: the dependent is deleted with this policy.
    Delete(PropagationPolicy),
}

/// The heart of attemptToDeleteItem (garbagecollector.go).
pub fn decide(item: &Object, owners: &[(Uid, OwnerState)], has_dependents: bool) -> Decision {
    if owners.is_empty() {
        return Decision::Nothing;
    }
    let with = |s: OwnerState| -> Vec<Uid> {
        owners
            .iter()
            .filter(|(_, x)| *x == s)
            .map(|(u, _)| *u)
            .collect()
    };
    let solid = with(OwnerState::Solid);
    let dangling = with(OwnerState::Dangling);
    let waiting = with(OwnerState::WaitingForDependentsDeletion);
    if !solid.is_empty() {
        let mut remove = dangling;
        remove.extend(waiting);
        if remove.is_empty() {
            return Decision::Nothing;
        }
        return Decision::RemoveReferences(remove);
    }
    if !waiting.is_empty() && has_dependents {
        // The owner waits for this item, and this item has dependents of its own: delete it
        // in the foreground too, so the wait covers the whole subtree.
        return Decision::Delete(PropagationPolicy::Foreground);
    }
    if has_finalizer(item, FINALIZER_ORPHAN) {
        Decision::Delete(PropagationPolicy::Orphan)
    } else if has_finalizer(item, FINALIZER_FOREGROUND) {
        Decision::Delete(PropagationPolicy::Foreground)
    } else {
        Decision::Delete(PropagationPolicy::Background)
    }
}

fn policy_str(p: PropagationPolicy) -> &'static str {
    match p {
        PropagationPolicy::Orphan => "Orphan",
        PropagationPolicy::Background => "Background",
        PropagationPolicy::Foreground => "Foreground",
    }
}

/// The ownerReferences of `obj` without those to `uids`, as JSON for a merge patch.
fn owner_refs_without(obj: &Object, uids: &[Uid]) -> serde_json::Value {
    let doc = crate::api::json::to_json(obj);
    let drop: BTreeSet<String> = uids.iter().map(|u| u.to_string()).collect();
    let kept: Vec<serde_json::Value> = doc["metadata"]["ownerReferences"]
        .as_array()
        .map(|refs| {
            refs.iter()
                .filter(|r| !r["uid"].as_str().is_some_and(|u| drop.contains(u)))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    serde_json::json!({"metadata": {"ownerReferences": kept}})
}

fn finalizers_without(obj: &Object, f: &str) -> serde_json::Value {
    let rest: Vec<String> = obj
        .meta
        .finalizers
        .iter()
        .filter(|x| *x != f)
        .map(|x| x.to_string())
        .collect();
    serde_json::json!({"metadata": {"finalizers": rest}})
}

/// A dependent whose owners are being looked up live (isDangling's GET).
struct Lookup {
    remaining: usize,
    states: BTreeMap<Uid, OwnerState>,
}

/// The timer tag of a worker's end of sync (after `syncDuration`).
const TAG_FINISH: u64 = 2;

/// The collector's two worker pools (garbagecollector.go Run starts `--concurrent-gc-syncs`
/// of each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Pool {
    AttemptToDelete,
    AttemptToOrphan,
}

/// One worker's item: upstream's workers are synchronous, so the worker and the item stay
/// busy until the item's requests are answered and `syncDuration` has passed.
struct Work {
    started: SimTime,
    outstanding: usize,
    /// The item's processing returned an error: requeued rate-limited.
    failed: bool,
    completing: bool,
    /// attemptToOrphan: owner-reference removals still in flight.
    refs_left: usize,
}

#[derive(Debug)]
enum Op {
    /// GET of an owner of the item, expected to have `uid`.
    Lookup { uid: Uid },
    /// A write about the item (delete, reference removal).
    Write,
    /// Removing the ownerReference of a dependent of the orphaning owner.
    Orphan,
    /// Removing the owner's orphan / foregroundDeletion finalizer.
    Finalizer,
}

/// A request in flight: the worker item it belongs to and what it is.
#[derive(Debug)]
struct Pending {
    pool: Pool,
    item: ObjKey,
    op: Op,
}

/// The garbage collector. Add it to a cluster as any component:
/// `cluster.add_component("garbage-collector", CONTROL_PLANE,
/// Box::new(GarbageCollector::new(model.controller_manager.clone())), factory)`.
pub struct GarbageCollector {
    model: ControllerManagerModel,
    /// `--concurrent-gc-syncs`: workers per pool.
    workers: usize,
    informers: Vec<Informer>,
    /// The dependency graph: each UID's object, and who refers to each UID.
    by_uid: BTreeMap<Uid, ObjKey>,
    dependents: BTreeMap<Uid, BTreeSet<ObjKey>>,
    attempt_to_delete: WorkQueue<ObjKey>,
    attempt_to_orphan: WorkQueue<ObjKey>,
    /// Items the workers of each pool hold.
    work: BTreeMap<(Pool, ObjKey), Work>,
    finishing: BTreeMap<TimerId, (Pool, ObjKey)>,
    lookups: BTreeMap<ObjKey, Lookup>,
    pending: BTreeMap<RequestId, Pending>,
    /// The most items one pool held at once (for tests and reports).
    busy_max: usize,
}

impl GarbageCollector {
    pub fn new(model: ControllerManagerModel) -> GarbageCollector {
        GarbageCollector {
            workers: model.concurrent_gc_syncs.max(1) as usize,
            model,
            informers: WATCHED_KINDS
                .iter()
                .map(|k| Informer::new(InformerConfig::all(*k)))
                .collect(),
            by_uid: BTreeMap::new(),
            dependents: BTreeMap::new(),
            attempt_to_delete: WorkQueue::new(),
            attempt_to_orphan: WorkQueue::new(),
            work: BTreeMap::new(),
            finishing: BTreeMap::new(),
            lookups: BTreeMap::new(),
            pending: BTreeMap::new(),
            busy_max: 0,
        }
    }

    /// The most items one worker pool held at the same time so far.
    pub fn busy_workers_max(&self) -> usize {
        self.busy_max
    }

    fn busy(&self, pool: Pool) -> usize {
        self.work.keys().filter(|(p, _)| *p == pool).count()
    }

    fn queue(&mut self, pool: Pool) -> &mut WorkQueue<ObjKey> {
        match pool {
            Pool::AttemptToDelete => &mut self.attempt_to_delete,
            Pool::AttemptToOrphan => &mut self.attempt_to_orphan,
        }
    }

    /// Sends a request for a worker's item, which stays busy until it is answered.
    fn send(&mut self, ctx: &mut Ctx, pool: Pool, item: &ObjKey, op: Op, req: Request) {
        if let Some(w) = self.work.get_mut(&(pool, item.clone())) {
            w.outstanding += 1;
        }
        let id = ctx.send(req);
        self.pending.insert(
            id,
            Pending {
                pool,
                item: item.clone(),
                op,
            },
        );
    }

    fn fail(&mut self, pool: Pool, item: &ObjKey) {
        if let Some(w) = self.work.get_mut(&(pool, item.clone())) {
            w.failed = true;
        }
    }

    /// Once an item's requests are all answered, its worker is freed `syncDuration` after it
    /// took the item.
    fn maybe_complete(&mut self, ctx: &mut Ctx, pool: Pool, item: &ObjKey) {
        let k = (pool, item.clone());
        let Some(w) = self.work.get_mut(&k) else {
            return;
        };
        if w.outstanding > 0 || w.completing {
            return;
        }
        w.completing = true;
        let end = w.started.saturating_add(self.model.sync_duration);
        let now = ctx.now();
        if end > now {
            let id = ctx.set_timer(end - now, TAG_FINISH);
            self.finishing.insert(id, k);
        } else {
            self.finish(ctx, pool, item);
        }
    }

    /// processAttemptToDeleteWorker / processAttemptToOrphanWorker's end: Done, then Forget
    /// or AddRateLimited.
    fn finish(&mut self, ctx: &mut Ctx, pool: Pool, item: &ObjKey) {
        let failed = self
            .work
            .remove(&(pool, item.clone()))
            .is_some_and(|w| w.failed);
        let q = self.queue(pool);
        q.done(item);
        if failed {
            q.add_rate_limited(ctx, item.clone());
        } else {
            q.forget(item);
        }
    }

    fn synced(&self) -> bool {
        self.informers.iter().all(|i| i.has_synced())
    }

    fn get(&self, key: &ObjKey) -> Option<&Arc<Object>> {
        self.informers
            .iter()
            .find(|i| i.kind() == key.0)
            .and_then(|i| i.get(&key.1, &key.2))
    }

    fn watched(kind: &str) -> Option<Kind> {
        WATCHED_KINDS.iter().copied().find(|k| k.as_str() == kind)
    }

    /// The owner reference's object in the cache, if it has the reference's UID.
    fn owner_in_cache(&self, ns: &Name, r: &OwnerReference) -> Option<&Arc<Object>> {
        let kind = Self::watched(&r.kind)?;
        self.get(&(kind, ns.clone(), r.name.clone()))
            .filter(|o| o.meta.uid == r.uid)
    }

    /// Live dependents of `uid` (in the cache, still referring to it).
    fn dependents_of(&self, uid: Uid) -> Vec<Arc<Object>> {
        self.dependents
            .get(&uid)
            .into_iter()
            .flatten()
            .filter_map(|k| self.get(k).cloned())
            .filter(|o| o.meta.owner_references.iter().any(|r| r.uid == uid))
            .collect()
    }

    /// Whether `uid` has a live dependent (stops at the first).
    fn has_dependents(&self, uid: Uid) -> bool {
        self.dependents.get(&uid).into_iter().flatten().any(|k| {
            self.get(k)
                .is_some_and(|o| o.meta.owner_references.iter().any(|r| r.uid == uid))
        })
    }

    /// processGraphChanges.
    fn on_delta(&mut self, delta: &Delta) {
        if let Delta::Updated { old, new } = delta {
            // The same name with another UID (deleted and re-created while the watch was
            // down, seen as an update by the relist) is two objects: the old one is gone.
            if old.meta.uid != new.meta.uid {
                self.on_delta(&Delta::Deleted(old.clone()));
                self.on_delta(&Delta::Added(new.clone()));
                return;
            }
        }
        let obj = delta.object();
        let key = key_of(obj);
        let uid = obj.meta.uid;
        if let Delta::Updated { old, .. } = delta {
            for r in &old.meta.owner_references {
                if let Some(s) = self.dependents.get_mut(&r.uid) {
                    s.remove(&key);
                }
            }
            // addUnblockedOwnersToDeleteQueue: an owner waiting in foreground deletion for
            // this dependent may go once the dependent stops blocking it (its reference
            // removed, or blockOwnerDeletion cleared).
            for r in &old.meta.owner_references {
                let still_blocks =
                    obj.meta.owner_references.iter().any(|n| {
                        n.uid == r.uid && n.block_owner_deletion == r.block_owner_deletion
                    });
                if still_blocks || !r.block_owner_deletion {
                    continue;
                }
                if let Some(owner_key) = self.by_uid.get(&r.uid).cloned() {
                    if self
                        .get(&owner_key)
                        .is_some_and(|o| is_deleting_dependents(o))
                    {
                        self.attempt_to_delete.add(owner_key);
                    }
                }
            }
        }
        match delta {
            Delta::Deleted(_) => {
                if self.by_uid.get(&uid) == Some(&key) {
                    self.by_uid.remove(&uid);
                }
                for r in &obj.meta.owner_references {
                    if let Some(s) = self.dependents.get_mut(&r.uid) {
                        s.remove(&key);
                        if s.is_empty() {
                            self.dependents.remove(&r.uid);
                        }
                    }
                }
                // Its dependents may be dangling now; an owner waiting for dependents may be
                // free to go.
                let deps: Vec<ObjKey> = self
                    .dependents
                    .get(&uid)
                    .map(|s| s.iter().cloned().collect())
                    .unwrap_or_default();
                for d in deps {
                    self.attempt_to_delete.add(d);
                }
                for r in &obj.meta.owner_references {
                    if let Some(k) = Self::watched(&r.kind) {
                        self.attempt_to_delete
                            .add((k, obj.meta.namespace.clone(), r.name.clone()));
                    }
                }
            }
            Delta::Added(_) | Delta::Updated { .. } => {
                self.by_uid.insert(uid, key.clone());
                for r in &obj.meta.owner_references {
                    self.dependents
                        .entry(r.uid)
                        .or_default()
                        .insert(key.clone());
                }
                // A new dependent has its owners verified (upstream: a virtual node for an
                // owner not yet in the graph goes to attemptToDelete); an update only when
                // its owner references changed (graph_builder.go processGraphChanges:
                // referencesDiffs), not on every status write.
                let refs_changed = match delta {
                    Delta::Updated { old, .. } => {
                        old.meta.owner_references != obj.meta.owner_references
                    }
                    _ => true,
                };
                if refs_changed && !obj.meta.owner_references.is_empty() {
                    self.attempt_to_delete.add(key.clone());
                }
                if is_deleting_dependents(obj) {
                    self.attempt_to_delete.add(key.clone());
                    let deps: Vec<ObjKey> = self
                        .dependents
                        .get(&uid)
                        .map(|s| s.iter().cloned().collect())
                        .unwrap_or_default();
                    for d in deps {
                        self.attempt_to_delete.add(d);
                    }
                }
                if is_orphaning(obj) {
                    self.attempt_to_orphan.add(key);
                }
            }
        }
    }

    /// The workers: each pool takes items while fewer than `--concurrent-gc-syncs` of its
    /// workers are busy. An item changed while a worker holds it is queued again when the
    /// worker is done with it (the workqueue's dirty set).
    fn drain(&mut self, ctx: &mut Ctx) {
        if !self.synced() {
            return;
        }
        for pool in [Pool::AttemptToDelete, Pool::AttemptToOrphan] {
            while self.busy(pool) < self.workers {
                let Some(key) = self.queue(pool).get() else {
                    break;
                };
                self.work.insert(
                    (pool, key.clone()),
                    Work {
                        started: ctx.now(),
                        outstanding: 0,
                        failed: false,
                        completing: false,
                        refs_left: 0,
                    },
                );
                self.busy_max = self.busy_max.max(self.busy(pool));
                match pool {
                    Pool::AttemptToDelete => self.attempt_to_delete_item(ctx, &key),
                    Pool::AttemptToOrphan => self.attempt_to_orphan_item(ctx, &key),
                }
                self.maybe_complete(ctx, pool, &key);
            }
        }
    }

    /// attemptToDeleteItem.
    fn attempt_to_delete_item(&mut self, ctx: &mut Ctx, key: &ObjKey) {
        let Some(item) = self.get(key).cloned() else {
            return;
        };
        if is_deleting_dependents(&item) {
            self.process_deleting_dependents(ctx, &item);
            return;
        }
        if item.meta.deletion_timestamp.is_some() {
            // Being deleted already: nothing to do.
            return;
        }
        let mut states = BTreeMap::new();
        let mut to_verify = Vec::new();
        for r in &item.meta.owner_references {
            let Some(kind) = Self::watched(&r.kind) else {
                // An owner of a kind the collector does not watch is taken as solid.
                states.insert(r.uid, OwnerState::Solid);
                continue;
            };
            match self.owner_in_cache(&item.meta.namespace, r) {
                Some(o) if is_deleting_dependents(o) => {
                    states.insert(r.uid, OwnerState::WaitingForDependentsDeletion);
                }
                Some(_) => {
                    states.insert(r.uid, OwnerState::Solid);
                }
                None => to_verify.push((kind, r.name.clone(), r.uid)),
            }
        }
        if to_verify.is_empty() {
            self.act(ctx, &item, &states);
            return;
        }
        // isDangling: the cache may lag, so the owner's absence is confirmed with a live GET.
        self.lookups.insert(
            key.clone(),
            Lookup {
                remaining: to_verify.len(),
                states,
            },
        );
        for (kind, name, uid) in to_verify {
            self.send(
                ctx,
                Pool::AttemptToDelete,
                key,
                Op::Lookup { uid },
                Request::Get {
                    kind,
                    namespace: item.meta.namespace.clone(),
                    name,
                },
            );
        }
    }

    fn act(&mut self, ctx: &mut Ctx, item: &Arc<Object>, states: &BTreeMap<Uid, OwnerState>) {
        let key = key_of(item);
        let owners: Vec<(Uid, OwnerState)> = states.iter().map(|(u, s)| (*u, *s)).collect();
        let has_dependents = self.has_dependents(item.meta.uid);
        match decide(item, &owners, has_dependents) {
            Decision::Nothing => {}
            Decision::RemoveReferences(uids) => {
                ctx.trace(
                    Record::new(COMPONENT, "RemoveOwnerReferences")
                        .object(key.0.as_str(), &key.1, &key.2)
                        .detail(format!("removing dangling owner references {uids:?}")),
                );
                let req = Request::Patch {
                    kind: key.0,
                    namespace: key.1.clone(),
                    name: key.2.clone(),
                    patch: owner_refs_without(item, &uids),
                    status: false,
                    strategic: false,
                };
                self.send(ctx, Pool::AttemptToDelete, &key, Op::Write, req);
            }
            Decision::Delete(policy) => {
                let owners: Vec<String> = item
                    .meta
                    .owner_references
                    .iter()
                    .map(|r| format!("{}/{}", r.kind, r.name))
                    .collect();
                ctx.trace(
                    Record::new(COMPONENT, "DeleteDependent")
                        .object(key.0.as_str(), &key.1, &key.2)
                        .detail(format!(
                            "deleting object with propagation policy {} (owners: {})",
                            policy_str(policy),
                            owners.join(",")
                        )),
                );
                let req = Request::Delete {
                    kind: key.0,
                    namespace: key.1.clone(),
                    name: key.2.clone(),
                    options: DeleteOptions {
                        propagation_policy: Some(policy),
                        precondition_uid: Some(item.meta.uid),
                        ..Default::default()
                    },
                };
                self.send(ctx, Pool::AttemptToDelete, &key, Op::Write, req);
            }
        }
    }

    /// processDeletingDependentsItem: the owner's foregroundDeletion finalizer goes once no
    /// dependent blocks it; until then its dependents are deleted.
    fn process_deleting_dependents(&mut self, ctx: &mut Ctx, owner: &Arc<Object>) {
        let uid = owner.meta.uid;
        let deps = self.dependents_of(uid);
        let blocking = deps.iter().any(|d| {
            d.meta
                .owner_references
                .iter()
                .any(|r| r.uid == uid && r.block_owner_deletion)
        });
        if !blocking {
            let key = key_of(owner);
            ctx.trace(
                Record::new(COMPONENT, "RemoveFinalizer")
                    .object(key.0.as_str(), &key.1, &key.2)
                    .detail(format!(
                        "removing {FINALIZER_FOREGROUND}: no blocking dependents"
                    )),
            );
            let req = Request::Patch {
                kind: key.0,
                namespace: key.1.clone(),
                name: key.2.clone(),
                patch: finalizers_without(owner, FINALIZER_FOREGROUND),
                status: false,
                strategic: false,
            };
            self.send(ctx, Pool::AttemptToDelete, &key, Op::Finalizer, req);
            return;
        }
        for d in deps {
            self.attempt_to_delete.add(key_of(&d));
        }
    }

    /// attemptToOrphan: remove the owner's references from its dependents, then its `orphan`
    /// finalizer.
    fn attempt_to_orphan_item(&mut self, ctx: &mut Ctx, key: &ObjKey) {
        let Some(owner) = self.get(key).cloned() else {
            return;
        };
        if !is_orphaning(&owner) {
            return;
        }
        let uid = owner.meta.uid;
        let deps = self.dependents_of(uid);
        if deps.is_empty() {
            self.remove_orphan_finalizer(ctx, &owner);
            return;
        }
        if let Some(w) = self.work.get_mut(&(Pool::AttemptToOrphan, key.clone())) {
            w.refs_left = deps.len();
        }
        for d in deps {
            let dk = key_of(&d);
            ctx.trace(
                Record::new(COMPONENT, "OrphanDependent")
                    .object(dk.0.as_str(), &dk.1, &dk.2)
                    .detail(format!(
                        "removing owner reference to {}/{}",
                        key.0.as_str(),
                        key.2
                    )),
            );
            let req = Request::Patch {
                kind: dk.0,
                namespace: dk.1.clone(),
                name: dk.2.clone(),
                patch: owner_refs_without(&d, &[uid]),
                status: false,
                strategic: false,
            };
            self.send(ctx, Pool::AttemptToOrphan, key, Op::Orphan, req);
        }
    }

    fn remove_orphan_finalizer(&mut self, ctx: &mut Ctx, owner: &Object) {
        let key = key_of(owner);
        ctx.trace(
            Record::new(COMPONENT, "RemoveFinalizer")
                .object(key.0.as_str(), &key.1, &key.2)
                .detail(format!("removing {FINALIZER_ORPHAN}: dependents orphaned")),
        );
        let req = Request::Patch {
            kind: key.0,
            namespace: key.1.clone(),
            name: key.2.clone(),
            patch: finalizers_without(owner, FINALIZER_ORPHAN),
            status: false,
            strategic: false,
        };
        self.send(ctx, Pool::AttemptToOrphan, &key, Op::Finalizer, req);
    }

    fn on_response(&mut self, ctx: &mut Ctx, pending: Pending, result: Result<Response, Status>) {
        let Pending { pool, item, op } = pending;
        match op {
            Op::Lookup { uid } => self.on_lookup(ctx, &item, uid, result),
            Op::Write | Op::Finalizer => {
                if result.is_err_and(|s| s.reason != StatusReason::NotFound) {
                    // Conflicts and outages: retried with the queue's back-off.
                    self.fail(pool, &item);
                }
            }
            Op::Orphan => {
                let ok =
                    result.is_ok() || result.is_err_and(|s| s.reason == StatusReason::NotFound);
                let k = (pool, item.clone());
                let Some(w) = self.work.get_mut(&k) else {
                    return;
                };
                w.refs_left = w.refs_left.saturating_sub(1);
                w.failed |= !ok;
                if w.refs_left == 0 && !w.failed {
                    if let Some(o) = self.get(&item).cloned().filter(|o| is_orphaning(o)) {
                        self.remove_orphan_finalizer(ctx, &o);
                    }
                }
            }
        }
        if let Some(w) = self.work.get_mut(&(pool, item.clone())) {
            w.outstanding = w.outstanding.saturating_sub(1);
        }
        self.maybe_complete(ctx, pool, &item);
    }

    /// isDangling's answer for one owner; once all are in, attemptToDeleteItem goes on.
    fn on_lookup(
        &mut self,
        ctx: &mut Ctx,
        item: &ObjKey,
        uid: Uid,
        result: Result<Response, Status>,
    ) {
        let state = match &result {
            Ok(Response::Object(o)) if o.meta.uid == uid => {
                if is_deleting_dependents(o) {
                    Some(OwnerState::WaitingForDependentsDeletion)
                } else {
                    Some(OwnerState::Solid)
                }
            }
            Ok(_) => Some(OwnerState::Dangling),
            Err(s) if s.reason == StatusReason::NotFound => Some(OwnerState::Dangling),
            Err(_) => None,
        };
        let Some(lookup) = self.lookups.get_mut(item) else {
            return;
        };
        lookup.remaining -= 1;
        match state {
            Some(s) => {
                lookup.states.insert(uid, s);
            }
            // Unknown: attemptToDeleteItem returns the error and the item is retried.
            None => self.fail(Pool::AttemptToDelete, item),
        }
        let Some(lookup) = self.lookups.get(item) else {
            return;
        };
        if lookup.remaining > 0 {
            return;
        }
        let lookup = self.lookups.remove(item).expect("lookup");
        if self
            .work
            .get(&(Pool::AttemptToDelete, item.clone()))
            .is_some_and(|w| w.failed)
        {
            return;
        }
        if lookup.states.len() == self.get(item).map_or(0, |o| o.meta.owner_references.len()) {
            if let Some(obj) = self.get(item).cloned() {
                self.act(ctx, &obj, &lookup.states);
            }
        } else {
            // The references changed meanwhile: look again once this worker is done.
            self.attempt_to_delete.add(item.clone());
        }
    }
}

impl Component for GarbageCollector {
    fn start(&mut self, ctx: &mut Ctx) {
        for i in &mut self.informers {
            i.start(ctx);
        }
    }

    fn handle(&mut self, ctx: &mut Ctx, msg: Message) {
        let mut handled = false;
        for idx in 0..self.informers.len() {
            if let Some(deltas) = self.informers[idx].handle(ctx, &msg) {
                for d in &deltas {
                    self.on_delta(d);
                }
                handled = true;
                break;
            }
        }
        if !handled {
            match msg {
                Message::Timer { id, .. } => {
                    if let Some((pool, item)) = self.finishing.remove(&id) {
                        self.finish(ctx, pool, &item);
                    } else if !self.attempt_to_delete.on_timer(id) {
                        self.attempt_to_orphan.on_timer(id);
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
        // Informers that synced late: everything seen so far is checked once.
        self.drain(ctx);
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;
    use crate::api::types::{Body, ObjectMeta, Pod};

    fn item(finalizers: &[&str]) -> Object {
        Object {
            meta: ObjectMeta {
                name: "p".into(),
                finalizers: finalizers.iter().map(|f| Name::from(*f)).collect(),
                ..Default::default()
            },
            body: Body::Pod(Pod::default()),
        }
    }

    // After garbagecollector_test.go TestAttemptToDeleteItem / TestClassifyReferences cases.
    #[test]
    fn attempt_to_delete_decisions() {
        use OwnerState::*;
        let plain = item(&[]);
        let cases: Vec<(&str, Object, Vec<(Uid, OwnerState)>, bool, Decision)> = vec![
            (
                "no owner references",
                plain.clone(),
                vec![],
                false,
                Decision::Nothing,
            ),
            (
                "solid owner",
                plain.clone(),
                vec![(Uid(1), Solid)],
                false,
                Decision::Nothing,
            ),
            (
                "dangling owner: background delete",
                plain.clone(),
                vec![(Uid(1), Dangling)],
                false,
                Decision::Delete(PropagationPolicy::Background),
            ),
            (
                "one solid, one dangling: remove the dangling reference",
                plain.clone(),
                vec![(Uid(1), Solid), (Uid(2), Dangling)],
                false,
                Decision::RemoveReferences(vec![Uid(2)]),
            ),
            (
                "one solid, one waiting: remove the waiting reference",
                plain.clone(),
                vec![(Uid(1), Solid), (Uid(2), WaitingForDependentsDeletion)],
                false,
                Decision::RemoveReferences(vec![Uid(2)]),
            ),
            (
                "owner waiting, item has dependents: foreground delete",
                plain.clone(),
                vec![(Uid(1), WaitingForDependentsDeletion)],
                true,
                Decision::Delete(PropagationPolicy::Foreground),
            ),
            (
                "owner waiting, item has no dependents: background delete",
                plain.clone(),
                vec![(Uid(1), WaitingForDependentsDeletion)],
                false,
                Decision::Delete(PropagationPolicy::Background),
            ),
            (
                "dangling owner, item has orphan finalizer",
                item(&[FINALIZER_ORPHAN]),
                vec![(Uid(1), Dangling)],
                false,
                Decision::Delete(PropagationPolicy::Orphan),
            ),
            (
                "dangling owner, item has foregroundDeletion finalizer",
                item(&[FINALIZER_FOREGROUND]),
                vec![(Uid(1), Dangling)],
                false,
                Decision::Delete(PropagationPolicy::Foreground),
            ),
        ];
        for (name, obj, owners, deps, want) in cases {
            assert_eq!(decide(&obj, &owners, deps), want, "{name}");
        }
    }

    #[test]
    fn patches() {
        let mut o = item(&[FINALIZER_ORPHAN, "x"]);
        for u in [1u128, 2] {
            o.meta.owner_references.push(OwnerReference {
                api_version: "apps/v1".into(),
                kind: "ReplicaSet".into(),
                name: format!("rs{u}").into(),
                uid: Uid(u),
                controller: u == 1,
                block_owner_deletion: true,
            });
        }
        let p = owner_refs_without(&o, &[Uid(1)]);
        let refs = p["metadata"]["ownerReferences"].as_array().unwrap();
        assert_eq!(refs.len(), 1);
        assert_eq!(refs[0]["name"], "rs2");
        assert_eq!(
            finalizers_without(&o, FINALIZER_ORPHAN),
            serde_json::json!({"metadata": {"finalizers": ["x"]}})
        );
        o.meta.deletion_timestamp = Some(1);
        assert!(is_orphaning(&o));
        assert!(!is_deleting_dependents(&o));
    }

    fn object(kind_yaml: &str) -> Arc<Object> {
        Arc::new(
            crate::api::manifest::parse_manifests(kind_yaml, "t")
                .unwrap()
                .remove(0)
                .object,
        )
    }

    /// An owner deleted and re-created under its name while the watch was down comes back
    /// from the relist as an update with another UID: its old dependents are re-examined,
    /// as if the old owner's deletion had been seen.
    #[test]
    fn an_owner_recreated_unseen_re_examines_its_dependents() {
        let mut gc = GarbageCollector::new(Default::default());
        let rs = |uid: &str| {
            object(&format!("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {{name: rs, namespace: default, uid: {uid}}}\nspec: {{replicas: 0, selector: {{matchLabels: {{a: b}}}}, template: {{metadata: {{labels: {{a: b}}}}, spec: {{containers: [{{name: c, image: x}}]}}}}}}"))
        };
        let (old, new) = (
            rs("00000000-0000-0000-0000-000000000001"),
            rs("00000000-0000-0000-0000-000000000002"),
        );
        let pod = object("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: rs, uid: 00000000-0000-0000-0000-000000000001, controller: true}]}\nspec: {containers: [{name: c, image: x}]}");
        gc.on_delta(&Delta::Added(old.clone()));
        gc.on_delta(&Delta::Added(pod.clone()));
        while let Some(k) = gc.attempt_to_delete.get() {
            gc.attempt_to_delete.done(&k);
        }
        // A status write of the pod alone does not re-verify its owner.
        gc.on_delta(&Delta::Updated {
            old: pod.clone(),
            new: pod.clone(),
        });
        assert!(gc.attempt_to_delete.is_empty());
        gc.on_delta(&Delta::Updated {
            old: old.clone(),
            new: new.clone(),
        });
        let mut queued = Vec::new();
        while let Some(k) = gc.attempt_to_delete.get() {
            queued.push(k.2.to_string());
            gc.attempt_to_delete.done(&k);
        }
        assert_eq!(queued, ["p"], "the old owner's dependent is re-examined");
        assert!(!gc.by_uid.contains_key(&old.meta.uid));
        assert_eq!(
            gc.by_uid.get(&new.meta.uid).map(|k| k.2.as_str()),
            Some("rs")
        );
    }
}
