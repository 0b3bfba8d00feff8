//! The etcd model: etcd v3's MVCC key space (`server/storage/mvcc`: txns, prefix
//! watches, history, compaction) as Kubernetes' apiserver uses it (`apiserver/pkg/
//! storage/etcd3/store.go`); pure and synchronous, the engine adds latency and outages.

mod types;
mod watch;

#[cfg(test)]
mod tests;

pub use types::{
    Compare, Conflict, EventKind, Key, KeyValue, Op, OpResponse, Revision, StoreError, TxnResponse,
    WatchEvent, WatchId,
};

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::ops::Bound;

use watch::{Watcher, WatcherState};

/// Default bound on each watcher's queue of undrained events.
pub const DEFAULT_WATCH_QUEUE_LIMIT_EVENTS: usize = 65_536;

/// The history capacity compaction never shrinks below, in events.
const HISTORY_MIN_CAPACITY_EVENTS: usize = 1024;

/// The revision of a fresh store (etcd's `currentRev: 1` in `NewStore`).
pub const INITIAL_REVISION: Revision = 1;

/// The etcd key space: live keys, the event history since the last
/// compaction, and the registered watchers.
///
/// Revision numbering follows etcd: a fresh store is at revision 1 and the
/// first write gets revision 2; each transaction that writes advances the
/// revision by exactly one (all its writes share it), a transaction that
/// writes nothing leaves it unchanged.
///
/// History: every event since the last compaction is kept, so watches and
/// [`Store::history_since`] can replay from old revisions. Nothing is
/// compacted automatically; the caller (the simulated apiserver's compactor,
/// every 5 minutes upstream) must call [`Store::compact`] or memory grows.
///
/// Watch queues are bounded ([`Store::watch_queue_limit_events`]): a watcher
/// whose undrained queue would exceed the limit drops its queue and instead
/// replays from the history at its next drain, like etcd's unsynced/victim
/// watchers; no event is lost. That replay fails with
/// [`StoreError::Compacted`] (and cancels the watch, as etcd does) if a
/// compaction has passed the watcher meanwhile, so drain lagging watchers
/// before compacting, or handle the error by relisting.
#[derive(Clone, Debug)]
pub struct Store<V> {
    /// Live keys (etcd's `treeIndex` at the current revision + values), ordered
    /// and looked up by key.
    live: BTreeSet<Live<V>>,
    /// Every event since the last compaction, in revision order (events of
    /// one txn are contiguous, in op order). Events below `compacted` are
    /// gone, and so are `Delete` events at exactly `compacted` (see `compact`).
    history: VecDeque<WatchEvent<V>>,
    current: Revision,
    /// 0 until the first compaction (etcd: -1).
    compacted: Revision,
    watchers: BTreeMap<WatchId, Watcher<V>>,
    next_watch_id: u64,
    watch_queue_limit_events: usize,
}

/// A live key's state in the key index: ordered and found by its key alone, so
/// the key is held once (in the `KeyValue`) rather than also as a map key.
#[derive(Clone, Debug)]
struct Live<V>(KeyValue<V>);

impl<V> Borrow<str> for Live<V> {
    fn borrow(&self) -> &str {
        &self.0.key
    }
}

impl<V> PartialEq for Live<V> {
    fn eq(&self, other: &Self) -> bool {
        self.0.key == other.0.key
    }
}

impl<V> Eq for Live<V> {}

impl<V> PartialOrd for Live<V> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<V> Ord for Live<V> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.key.as_str().cmp(other.0.key.as_str())
    }
}

impl<V: Clone> Default for Store<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V: Clone> Store<V> {
    /// An empty store at revision [`INITIAL_REVISION`] (1), never compacted,
    /// with watch queues bounded by [`DEFAULT_WATCH_QUEUE_LIMIT_EVENTS`].
    pub fn new() -> Self {
        Self::with_watch_queue_limit(DEFAULT_WATCH_QUEUE_LIMIT_EVENTS)
    }

    /// An empty store whose watchers each queue at most `limit_events`
    /// undrained events before falling back to history replay.
    pub fn with_watch_queue_limit(limit_events: usize) -> Self {
        Store {
            live: BTreeSet::new(),
            history: VecDeque::new(),
            current: INITIAL_REVISION,
            compacted: 0,
            watchers: BTreeMap::new(),
            next_watch_id: 1,
            watch_queue_limit_events: limit_events,
        }
    }

    /// The per-watcher queue bound, in events.
    pub fn watch_queue_limit_events(&self) -> usize {
        self.watch_queue_limit_events
    }

    /// The revision of the last completed writing transaction (etcd's
    /// `currentRev`, reported as `header.revision`); 1 for a fresh store.
    pub fn revision(&self) -> Revision {
        self.current
    }

    /// The revision of the last compaction; 0 if never compacted. Reads and
    /// watches at revisions below it fail with [`StoreError::Compacted`].
    pub fn compacted_revision(&self) -> Revision {
        self.compacted
    }

    /// Number of live keys.
    pub fn len(&self) -> usize {
        self.live.len()
    }

    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// Number of events retained in the history (memory diagnostics).
    pub fn history_len_events(&self) -> usize {
        self.history.len()
    }

    // ----------------------------------------------------------------------
    // Reads
    // ----------------------------------------------------------------------

    /// The key's current state. O(log n).
    pub fn get(&self, key: &str) -> Option<&KeyValue<V>> {
        self.live.get(key).map(|live| &live.0)
    }

    /// Live keys starting with `prefix`, in key (byte) order. This is
    /// Kubernetes' list: a range `[prefix, prefixEnd)` (`clientv3.WithPrefix`),
    /// so `/registry/pods/default/` does not match `/registry/pods/default2/x`
    /// while `/registry/pods/default` does. O(log n + k).
    pub fn range_prefix<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = &'a KeyValue<V>> + 'a {
        self.live
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .map(|live| &live.0)
            .take_while(move |kv| kv.key.starts_with(prefix))
    }

    /// Number of live keys starting with `prefix` (etcd `count_only`). O(log n + k).
    pub fn count_prefix(&self, prefix: &str) -> usize {
        self.range_prefix(prefix).count()
    }

    /// The key's state at revision `revision` (etcd Range with `Revision`;
    /// as there, `revision <= 0` means the current revision). Errors like
    /// etcd's `rangeKeys`: `FutureRevision` if above the current revision,
    /// `Compacted` if below the compacted one. Cost: O(log n +
    /// events after `revision`).
    pub fn get_at(&self, key: &str, revision: Revision) -> Result<Option<KeyValue<V>>, StoreError> {
        let revision = self.readable(revision)?;
        let start = self.history_index(revision + 1);
        // The first event on the key after `revision` knows the state at `revision`.
        match self.history.range(start..).find(|e| e.kv.key == key) {
            Some(event) => Ok(event.prev.clone()),
            None => Ok(self.get(key).cloned()),
        }
    }

    /// The keys starting with `prefix` as of revision `revision`, in key order
    /// (Kubernetes' exact-resourceVersion list and paginated continuation
    /// reads). Errors as [`Store::get_at`]. Cost: O(log n + k + events after
    /// `revision`); allocates the result.
    pub fn range_prefix_at(
        &self,
        prefix: &str,
        revision: Revision,
    ) -> Result<Vec<KeyValue<V>>, StoreError> {
        let revision = self.readable(revision)?;
        let start = self.history_index(revision + 1);
        // For each key changed after `revision`: its state at `revision`, which
        // is the `prev` of its first change after `revision`.
        let mut then: BTreeMap<&str, Option<&KeyValue<V>>> = BTreeMap::new();
        for event in self.history.range(start..) {
            if event.kv.key.starts_with(prefix) {
                then.entry(event.kv.key.as_str())
                    .or_insert(event.prev.as_ref());
            }
        }
        let mut out = Vec::new();
        let mut live = self.range_prefix(prefix).peekable();
        let mut changed = then.into_iter().peekable();
        loop {
            let take_live = match (live.peek(), changed.peek()) {
                (None, None) => break,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some(kv), Some((k, _))) => kv.key.as_str() < *k,
            };
            if take_live {
                out.extend(live.next().cloned());
            } else {
                let (k, old) = changed.next().expect("peeked");
                if live.peek().is_some_and(|kv| kv.key == k) {
                    live.next();
                }
                out.extend(old.cloned());
            }
        }
        Ok(out)
    }

    /// etcd's `rangeKeys` revision check: future revisions fail, `<= 0`
    /// means the current revision, below the compacted revision fails.
    fn readable(&self, revision: Revision) -> Result<Revision, StoreError> {
        if revision > self.current {
            return Err(StoreError::FutureRevision {
                requested: revision,
                current: self.current,
            });
        }
        let revision = if revision <= 0 {
            self.current
        } else {
            revision
        };
        if revision < self.compacted {
            return Err(StoreError::Compacted {
                requested: revision,
                compacted: self.compacted,
            });
        }
        Ok(revision)
    }

    // ----------------------------------------------------------------------
    // Writes
    // ----------------------------------------------------------------------

    /// etcd Txn: `If(compares...).Then(success...).Else(failure...)`.
    ///
    /// All compares are evaluated against the state before the txn; then the
    /// chosen branch's ops run in order. All writes of the txn share ONE new
    /// revision (current + 1); a txn that writes nothing (only gets, or
    /// deletes of absent keys) does not advance the revision, as etcd's
    /// `storeTxnWrite.End` only bumps `currentRev` when there were changes.
    ///
    /// # Panics
    /// If the chosen branch writes (puts or deletes) the same key twice; etcd
    /// rejects such a request ("etcdserver: duplicate key given in txn request").
    pub fn txn(
        &mut self,
        compares: &[Compare],
        success: Vec<Op<V>>,
        failure: Vec<Op<V>>,
    ) -> TxnResponse<V> {
        let succeeded = compares.iter().all(|c| self.compare_holds(c));
        let ops = if succeeded { success } else { failure };
        assert_no_duplicate_writes(&ops);
        let rev = self.current + 1;
        let mut wrote = false;
        let mut responses = Vec::with_capacity(ops.len());
        for op in ops {
            let response = match op {
                Op::Put { key, value } => {
                    wrote = true;
                    let event = self.apply_put(rev, key, value);
                    OpResponse::Put {
                        prev: event.prev.clone(),
                    }
                }
                Op::Delete { key } => {
                    let deleted = self
                        .apply_delete(rev, &key)
                        .map(|e| e.prev.clone().expect("delete has prev"));
                    wrote |= deleted.is_some();
                    OpResponse::Delete { deleted }
                }
                Op::Get { key } => OpResponse::Get {
                    kv: self.get(key.as_str()).cloned(),
                },
            };
            responses.push(response);
        }
        if wrote {
            self.commit(rev);
        }
        TxnResponse {
            succeeded,
            revision: self.current,
            responses,
        }
    }

    /// Unconditional put (a one-op txn); returns the key's new state, whose
    /// `mod_revision` is the new store revision.
    pub fn put(&mut self, key: impl Into<Key>, value: V) -> KeyValue<V> {
        let rev = self.current + 1;
        let kv = self.apply_put(rev, key.into(), value).kv.clone();
        self.commit(rev);
        kv
    }

    /// Unconditional delete (a one-op txn); returns the deleted state, or
    /// `None` (and no new revision) if the key did not exist.
    pub fn delete(&mut self, key: &str) -> Option<KeyValue<V>> {
        let rev = self.current + 1;
        let deleted = self.apply_delete(rev, key)?.prev.clone();
        self.commit(rev);
        deleted
    }

    /// Kubernetes' Create: `If(ModRevision(key) == 0).Then(Put)`. Fails if the
    /// key exists (the apiserver's `AlreadyExists`).
    pub fn create(&mut self, key: impl Into<Key>, value: V) -> Result<KeyValue<V>, Conflict<V>> {
        self.update_if(key, value, 0)
    }

    /// Kubernetes' GuaranteedUpdate step: `If(ModRevision(key) == mod_revision)
    /// .Then(Put).Else(Get)`. `mod_revision == 0` means "must not exist". On
    /// a stale `mod_revision` returns the current state to retry with.
    pub fn update_if(
        &mut self,
        key: impl Into<Key>,
        value: V,
        mod_revision: Revision,
    ) -> Result<KeyValue<V>, Conflict<V>> {
        let key = key.into();
        let current = self.get(key.as_str());
        if current.map_or(0, |kv| kv.mod_revision) != mod_revision {
            return Err(Conflict {
                current: current.cloned(),
            });
        }
        Ok(self.put(key, value))
    }

    /// Kubernetes' conditional delete: `If(ModRevision(key) == mod_revision)
    /// .Then(Delete).Else(Get)`. `Ok(None)` only when `mod_revision == 0` and
    /// the key is absent (the guard holds, nothing to delete).
    pub fn delete_if(
        &mut self,
        key: &str,
        mod_revision: Revision,
    ) -> Result<Option<KeyValue<V>>, Conflict<V>> {
        let current = self.get(key);
        if current.map_or(0, |kv| kv.mod_revision) != mod_revision {
            return Err(Conflict {
                current: current.cloned(),
            });
        }
        Ok(self.delete(key))
    }

    fn compare_holds(&self, compare: &Compare) -> bool {
        // etcd's applyCompare: a missing key compares as a zero KeyValue.
        let kv = self.get(compare.key().as_str());
        match compare {
            Compare::ModRevision { equals, .. } => kv.map_or(0, |kv| kv.mod_revision) == *equals,
            Compare::Version { equals, .. } => kv.map_or(0, |kv| kv.version) == *equals,
            Compare::CreateRevision { equals, .. } => {
                kv.map_or(0, |kv| kv.create_revision) == *equals
            }
        }
    }

    /// Writes `key` at revision `rev` (not yet committed); returns its event.
    fn apply_put(&mut self, rev: Revision, key: Key, value: V) -> &WatchEvent<V> {
        debug_assert_eq!(rev, self.current + 1);
        let (create_revision, version) = match self.get(&key) {
            Some(prev) => (prev.create_revision, prev.version + 1),
            None => (rev, 1),
        };
        let kv = KeyValue {
            key,
            value,
            create_revision,
            mod_revision: rev,
            version,
        };
        let prev = self.live.replace(Live(kv.clone())).map(|live| live.0);
        let event = WatchEvent {
            kind: EventKind::Put,
            kv,
            prev,
        };
        debug_assert!(event.kv.mod_revision >= event.kv.create_revision);
        self.record(event)
    }

    /// Deletes `key` at revision `rev` (not yet committed); returns its event,
    /// or `None` if the key did not exist (no write).
    fn apply_delete(&mut self, rev: Revision, key: &str) -> Option<&WatchEvent<V>> {
        debug_assert_eq!(rev, self.current + 1);
        let Live(prev) = self.live.take(key)?;
        let event = WatchEvent {
            kind: EventKind::Delete,
            kv: KeyValue {
                key: prev.key.clone(),
                value: prev.value.clone(),
                create_revision: 0,
                mod_revision: rev,
                version: 0,
            },
            prev: Some(prev),
        };
        Some(self.record(event))
    }

    /// Appends an event to the history and to every interested watcher.
    fn record(&mut self, event: WatchEvent<V>) -> &WatchEvent<V> {
        debug_assert!(
            self.history
                .back()
                .is_none_or(|last| last.revision() <= event.revision()),
            "history must be in revision order"
        );
        let limit = self.watch_queue_limit_events;
        for watcher in self.watchers.values_mut() {
            watcher.offer(&event, limit);
        }
        self.history.push_back(event);
        self.history.back().expect("just pushed")
    }

    fn commit(&mut self, rev: Revision) {
        debug_assert!(
            rev > self.current,
            "revision must strictly increase per writing txn"
        );
        debug_assert_eq!(rev, self.current + 1);
        self.current = rev;
    }

    // ----------------------------------------------------------------------
    // History, watches, compaction
    // ----------------------------------------------------------------------

    /// Index of the first history event with revision >= `revision`.
    fn history_index(&self, revision: Revision) -> usize {
        self.history.partition_point(|e| e.revision() < revision)
    }

    /// Events on keys starting with `prefix` with revision >= `from`, from the
    /// history, in revision order. `Err(Compacted)` if `from` is below the
    /// compacted revision (etcd lets watchers start AT the compacted revision;
    /// see [`Store::compact`] for what is left there). A `from` above the
    /// current revision yields nothing.
    pub fn history_since<'a>(
        &'a self,
        prefix: &'a str,
        from: Revision,
    ) -> Result<impl Iterator<Item = &'a WatchEvent<V>> + 'a, StoreError> {
        if from < self.compacted {
            return Err(StoreError::Compacted {
                requested: from,
                compacted: self.compacted,
            });
        }
        let start = self.history_index(from);
        Ok(self
            .history
            .range(start..)
            .filter(move |e| e.kv.key.starts_with(prefix)))
    }

    /// Registers a watcher on keys starting with `prefix` that will deliver
    /// every event with revision >= `start_revision`, historical ones first
    /// (etcd `Watch` with `start_revision`, `prev_kv`, range = prefix).
    ///
    /// As etcd's `watchableStore.watch`/`syncWatchers`:
    /// - `start_revision == 0` means "from now": events after the current
    ///   revision.
    /// - `start_revision` above the current revision is accepted; the watcher
    ///   waits for that revision (etcd never returns `ErrFutureRev` for
    ///   watches).
    /// - `start_revision` below the compacted revision fails with
    ///   [`StoreError::Compacted`] (etcd's compacted watch response); exactly
    ///   the compacted revision is allowed.
    ///
    /// # Panics
    /// If `start_revision` is negative.
    pub fn watch(&mut self, prefix: &str, start_revision: Revision) -> Result<WatchId, StoreError> {
        assert!(
            start_revision >= 0,
            "negative watch start revision {start_revision}"
        );
        let start_rev = if start_revision == 0 {
            self.current + 1
        } else {
            start_revision
        };
        if start_rev < self.compacted {
            return Err(StoreError::Compacted {
                requested: start_rev,
                compacted: self.compacted,
            });
        }
        let mut watcher = Watcher {
            prefix: prefix.into(),
            start_rev,
            state: WatcherState::Unsynced { from: start_rev },
        };
        // Sync now (etcd's syncWatchers loop runs every 100ms) unless the
        // replay does not fit in the queue: then it stays unsynced and
        // replays from the history at the first drain.
        if start_rev > self.current {
            watcher.state = WatcherState::Synced { queue: Vec::new() };
        } else {
            let limit = self.watch_queue_limit_events;
            let mut queue = Vec::new();
            let mut fits = true;
            for event in self.history_since(prefix, start_rev)? {
                if queue.len() == limit {
                    fits = false;
                    break;
                }
                queue.push(event.clone());
            }
            if fits {
                watcher.state = WatcherState::Synced { queue };
            }
        }
        let id = WatchId(self.next_watch_id);
        self.next_watch_id += 1;
        self.watchers.insert(id, watcher);
        Ok(id)
    }

    /// Removes a watcher; its undrained events are discarded. Unknown ids are
    /// ignored (etcd's cancel is idempotent).
    pub fn cancel_watch(&mut self, id: WatchId) {
        self.watchers.remove(&id);
    }

    /// Number of registered watchers.
    pub fn watch_count(&self) -> usize {
        self.watchers.len()
    }

    /// Takes the events queued for a watcher since the last drain, in revision
    /// order (historical replay first, then live events).
    ///
    /// # Panics
    /// If [`Store::try_drain_watch`] would fail: the watcher fell behind (its
    /// queue overflowed) and a compaction has since passed it, or the id is
    /// unknown/cancelled. Callers that compact while watchers may lag should
    /// use `try_drain_watch`.
    pub fn drain_watch(&mut self, id: WatchId) -> Vec<WatchEvent<V>> {
        match self.try_drain_watch(id) {
            Ok(events) => events,
            Err(err) => panic!("drain_watch({id}): {err}"),
        }
    }

    /// [`Store::drain_watch`] returning errors: [`StoreError::WatchNotFound`]
    /// for unknown/cancelled ids, [`StoreError::Compacted`] if the watcher
    /// has to catch up from a revision that has been compacted since; that
    /// cancels the watch (etcd sends a response with `compact_revision` and
    /// `canceled`; Kubernetes then relists).
    pub fn try_drain_watch(&mut self, id: WatchId) -> Result<Vec<WatchEvent<V>>, StoreError> {
        let mut out = Vec::new();
        self.drain_watch_into(id, &mut out)?;
        Ok(out)
    }

    /// [`Store::try_drain_watch`] appending to a caller-owned buffer (no
    /// allocation when the buffer has room). On error `out` is unchanged.
    pub fn drain_watch_into(
        &mut self,
        id: WatchId,
        out: &mut Vec<WatchEvent<V>>,
    ) -> Result<(), StoreError> {
        let watcher = self
            .watchers
            .get_mut(&id)
            .ok_or(StoreError::WatchNotFound { id })?;
        match &mut watcher.state {
            WatcherState::Synced { queue } => {
                out.append(queue);
            }
            WatcherState::Unsynced { from } => {
                let from = *from;
                if from < self.compacted {
                    let compacted = self.compacted;
                    self.watchers.remove(&id);
                    return Err(StoreError::Compacted {
                        requested: from,
                        compacted,
                    });
                }
                let start = self.history.partition_point(|e| e.revision() < from);
                out.extend(
                    self.history
                        .range(start..)
                        .filter(|e| watcher.matches(e))
                        .cloned(),
                );
                watcher.state = WatcherState::Synced { queue: Vec::new() };
            }
        }
        Ok(())
    }

    /// etcd Compact: revisions below `revision` can no longer be read or
    /// watched from; the state at `revision` itself stays readable. As etcd's
    /// `keyIndex.compact` drops a tombstone at exactly `revision`, `Delete`
    /// events at `revision` are dropped from the history too, while `Put`
    /// events at `revision` are kept: a watch from exactly `revision` sees
    /// the puts but not the deletes of that revision (etcd behaves the same).
    ///
    /// Errors as etcd's `updateCompactRev`: `Compacted` if `revision` is at or
    /// below the compacted revision, `FutureRevision` if above the current.
    /// Watchers keep their queued events; an unsynced watcher whose catch-up
    /// point is now compacted fails at its next drain.
    pub fn compact(&mut self, revision: Revision) -> Result<(), StoreError> {
        if revision <= self.compacted {
            return Err(StoreError::Compacted {
                requested: revision,
                compacted: self.compacted,
            });
        }
        if revision > self.current {
            return Err(StoreError::FutureRevision {
                requested: revision,
                current: self.current,
            });
        }
        self.compacted = revision;
        while self
            .history
            .front()
            .is_some_and(|e| e.revision() < revision)
        {
            self.history.pop_front();
        }
        let at = self.history.partition_point(|e| e.revision() <= revision);
        if self
            .history
            .range(..at)
            .any(|e| e.kind == EventKind::Delete)
        {
            let kept: Vec<WatchEvent<V>> = self
                .history
                .drain(..at)
                .filter(|e| e.kind == EventKind::Put)
                .collect();
            for event in kept.into_iter().rev() {
                self.history.push_front(event);
            }
        }
        // Give back the memory of a burst (a mass create, a rollout): once the history is
        // far below its capacity, keep room for twice what remains. Steady traffic between
        // compactions never shrinks and regrows.
        let room = (2 * self.history.len()).max(HISTORY_MIN_CAPACITY_EVENTS);
        if self.history.capacity() > 2 * room {
            self.history.shrink_to(room);
        }
        Ok(())
    }

    /// Checks internal invariants, panicking on a violation. O(n + history);
    /// meant for tests.
    pub fn check_invariants(&self) {
        assert!(self.current >= INITIAL_REVISION);
        assert!(self.compacted >= 0 && self.compacted <= self.current);
        for Live(kv) in &self.live {
            assert!(kv.create_revision > INITIAL_REVISION && kv.create_revision <= kv.mod_revision);
            assert!(kv.mod_revision <= self.current);
            assert!(kv.version >= 1);
        }
        let mut last = self.compacted;
        for event in &self.history {
            assert!(event.revision() >= last, "history out of revision order");
            assert!(event.revision() <= self.current);
            last = event.revision();
            match event.kind {
                EventKind::Put => {
                    assert!(event.kv.create_revision <= event.kv.mod_revision);
                    assert!(event.kv.version >= 1);
                }
                EventKind::Delete => {
                    assert!(
                        event.revision() > self.compacted,
                        "tombstone at the compacted revision"
                    );
                    assert!(event.prev.is_some());
                }
            }
        }
        for watcher in self.watchers.values() {
            match &watcher.state {
                WatcherState::Synced { queue } => {
                    assert!(queue.len() <= self.watch_queue_limit_events);
                    assert!(queue.windows(2).all(|w| w[0].revision() <= w[1].revision()));
                    assert!(queue.iter().all(|e| watcher.matches(e)));
                }
                WatcherState::Unsynced { from } => assert!(*from <= self.current),
            }
        }
    }
}

/// etcd's `checkIntervals`: no key may be written twice in one txn branch.
fn assert_no_duplicate_writes<V>(ops: &[Op<V>]) {
    fn written<V>(op: &Op<V>) -> Option<&str> {
        match op {
            Op::Put { key, .. } | Op::Delete { key } => Some(key.as_str()),
            Op::Get { .. } => None,
        }
    }
    const QUADRATIC_MAX_OPS: usize = 16;
    let duplicate = if ops.len() <= QUADRATIC_MAX_OPS {
        ops.iter()
            .enumerate()
            .filter_map(|(i, op)| written(op).map(|k| (i, k)))
            .any(|(i, k)| ops[i + 1..].iter().any(|o| written(o) == Some(k)))
    } else {
        let mut keys: Vec<&str> = ops.iter().filter_map(written).collect();
        keys.sort_unstable();
        keys.windows(2).any(|w| w[0] == w[1])
    };
    assert!(!duplicate, "etcdserver: duplicate key given in txn request");
}
