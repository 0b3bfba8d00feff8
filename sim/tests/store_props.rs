//! Property tests of the etcd model (`kubesim::store`): concurrent CAS writers
//! with watchers and compactions, and agreement with a naive reference model.

use std::collections::{BTreeMap, BTreeSet};

use kubesim::store::{
    Compare, EventKind, Key, KeyValue, Op, OpResponse, Revision, Store, StoreError, TxnResponse,
    WatchEvent, WatchId,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// (1) CAS writers + watchers + compactions
// ---------------------------------------------------------------------------

const COUNTER_KEYS: [&str; 3] = ["/c/0", "/c/1", "/c/2"];
const NOISE_KEYS: [&str; 3] = ["/n/0", "/n/1", "/n/2"];
const WATCH_PREFIXES: [&str; 4] = ["", "/c/", "/n/", "/c/1"];
const WRITERS: usize = 4;

#[derive(Clone, Debug)]
enum Start {
    Now,
    FromCompacted(i64),
    FromCurrent(i64),
}

#[derive(Clone, Debug)]
enum Action {
    /// A writer reads a counter (remembering its value and mod_revision).
    Read {
        writer: usize,
        key: usize,
    },
    /// The writer tries `update_if(value + 1, read mod_revision)`.
    Write {
        writer: usize,
    },
    Noise {
        key: usize,
        delete: bool,
    },
    /// One txn writing two noise keys: two events sharing one revision.
    NoiseTxn {
        a: usize,
        b: usize,
    },
    Watch {
        prefix: usize,
        start: Start,
    },
    Drain {
        watcher: usize,
    },
    Cancel {
        watcher: usize,
    },
    Compact {
        percent: i64,
    },
}

fn action() -> impl Strategy<Value = Action> {
    let start = prop_oneof![
        Just(Start::Now),
        (-2i64..=3).prop_map(Start::FromCompacted),
        (-6i64..=2).prop_map(Start::FromCurrent),
    ];
    prop_oneof![
        6 => (0..WRITERS, 0..COUNTER_KEYS.len()).prop_map(|(writer, key)| Action::Read { writer, key }),
        6 => (0..WRITERS).prop_map(|writer| Action::Write { writer }),
        3 => (0..NOISE_KEYS.len(), any::<bool>()).prop_map(|(key, delete)| Action::Noise { key, delete }),
        1 => (0..NOISE_KEYS.len(), 1..NOISE_KEYS.len()).prop_map(|(a, d)| Action::NoiseTxn { a, b: (a + d) % NOISE_KEYS.len() }),
        2 => (0..WATCH_PREFIXES.len(), start).prop_map(|(prefix, start)| Action::Watch { prefix, start }),
        3 => (0..8usize).prop_map(|watcher| Action::Drain { watcher }),
        1 => (0..8usize).prop_map(|watcher| Action::Cancel { watcher }),
        1 => (0i64..=100).prop_map(|percent| Action::Compact { percent }),
    ]
}

struct TestWatcher {
    id: WatchId,
    prefix: &'static str,
    start_rev: Revision,
    received: Vec<WatchEvent<i64>>,
    /// `Some(from)` once a drain failed with Compacted (catch-up point `from`).
    failed_from: Option<Revision>,
    cancelled: bool,
}

/// The test's own record of what happened, built from write results only.
struct World {
    store: Store<i64>,
    /// Expected watch events, in commit order.
    log: Vec<WatchEvent<i64>>,
    /// The test's view of each live key.
    current: BTreeMap<String, KeyValue<i64>>,
    compactions: BTreeSet<Revision>,
    writing_txns: i64,
    next_noise_value: i64,
}

impl World {
    /// Records a put the store reported at the current revision.
    fn record_put(&mut self, kv: KeyValue<i64>) {
        let rev = self.store.revision();
        let prev = self.current.insert(kv.key.to_string(), kv.clone());
        assert_eq!(kv.mod_revision, rev);
        match &prev {
            Some(p) => {
                assert_eq!(kv.create_revision, p.create_revision);
                assert_eq!(kv.version, p.version + 1);
            }
            None => {
                assert_eq!(kv.create_revision, rev);
                assert_eq!(kv.version, 1);
            }
        }
        self.log.push(WatchEvent {
            kind: EventKind::Put,
            kv,
            prev,
        });
    }

    fn record_delete(&mut self, deleted: KeyValue<i64>) {
        let prev = self
            .current
            .remove(deleted.key.as_str())
            .expect("deleted key was live");
        assert_eq!(prev, deleted);
        self.log.push(WatchEvent {
            kind: EventKind::Delete,
            kv: KeyValue {
                key: deleted.key.clone(),
                value: deleted.value,
                create_revision: 0,
                mod_revision: self.store.revision(),
                version: 0,
            },
            prev: Some(deleted),
        });
    }

    fn expected_for(&self, w: &TestWatcher) -> Vec<usize> {
        (0..self.log.len())
            .filter(|&i| {
                let e = &self.log[i];
                e.revision() >= w.start_rev && e.kv.key.starts_with(w.prefix)
            })
            .collect()
    }

    /// Delete events at a compaction revision may be skipped by a watcher that
    /// read that revision from the history (etcd drops tombstones there).
    fn may_miss(&self, i: usize) -> bool {
        let e = &self.log[i];
        e.kind == EventKind::Delete && self.compactions.contains(&e.revision())
    }

    /// Received events are log events, each once, in log (= revision) order.
    fn check_order(&self, w: &TestWatcher) -> Vec<usize> {
        let index: BTreeMap<(Revision, &str), usize> = self
            .log
            .iter()
            .enumerate()
            .map(|(i, e)| ((e.revision(), e.kv.key.as_str()), i))
            .collect();
        let mut positions = Vec::new();
        for event in &w.received {
            let i = *index
                .get(&(event.revision(), event.kv.key.as_str()))
                .unwrap_or_else(|| panic!("watcher got an event that never happened: {event:?}"));
            assert_eq!(event, &self.log[i], "event content differs from the write");
            assert!(event.revision() >= w.start_rev);
            assert!(event.kv.key.starts_with(w.prefix));
            positions.push(i);
        }
        assert!(
            positions.windows(2).all(|p| p[0] < p[1]),
            "events duplicated or out of order: {positions:?}"
        );
        positions
    }

    fn check_watcher(&self, w: &TestWatcher) {
        let got = self.check_order(w);
        if w.cancelled {
            return;
        }
        let got: BTreeSet<usize> = got.into_iter().collect();
        for i in self.expected_for(w) {
            let rev = self.log[i].revision();
            let required = match w.failed_from {
                Some(from) => rev < from,
                None => true,
            };
            if required && !got.contains(&i) {
                assert!(
                    self.may_miss(i),
                    "watcher {:?} lost event {:?}",
                    w.id,
                    self.log[i]
                );
            }
            if !required {
                assert!(
                    !got.contains(&i),
                    "failed watcher got events after its catch-up point"
                );
            }
        }
    }
}

fn drain(world: &mut World, w: &mut TestWatcher) {
    if w.cancelled || w.failed_from.is_some() {
        assert_eq!(
            world.store.try_drain_watch(w.id),
            Err(StoreError::WatchNotFound { id: w.id })
        );
        return;
    }
    match world.store.try_drain_watch(w.id) {
        Ok(events) => w.received.extend(events),
        Err(StoreError::Compacted {
            requested,
            compacted,
        }) => {
            assert_eq!(compacted, world.store.compacted_revision());
            assert!(requested < compacted && requested >= w.start_rev);
            w.failed_from = Some(requested);
        }
        Err(e) => panic!("unexpected drain error {e}"),
    }
}

fn run_cas_scenario(queue_limit: usize, actions: Vec<Action>) {
    let mut world = World {
        store: Store::with_watch_queue_limit(queue_limit),
        log: Vec::new(),
        current: BTreeMap::new(),
        compactions: BTreeSet::new(),
        writing_txns: 0,
        next_noise_value: 1000,
    };
    let mut reads: [Option<(usize, Revision, i64)>; WRITERS] = [None; WRITERS];
    let mut successes = [0i64; COUNTER_KEYS.len()];
    let mut watchers: Vec<TestWatcher> = Vec::new();

    for action in actions {
        let s = &mut world.store;
        match action {
            Action::Read { writer, key } => {
                let (rev, value) = s
                    .get(COUNTER_KEYS[key])
                    .map_or((0, 0), |kv| (kv.mod_revision, kv.value));
                reads[writer] = Some((key, rev, value));
            }
            Action::Write { writer } => {
                let Some((key, rev, value)) = reads[writer].take() else {
                    continue;
                };
                let before = s.revision();
                match s.update_if(COUNTER_KEYS[key], value + 1, rev) {
                    Ok(kv) => {
                        successes[key] += 1;
                        world.writing_txns += 1;
                        assert_eq!(kv.value, value + 1);
                        world.record_put(kv);
                    }
                    Err(conflict) => {
                        assert_eq!(s.revision(), before);
                        let current = conflict.current.as_ref().map_or(0, |kv| kv.mod_revision);
                        assert_ne!(current, rev);
                        // The writer retries: it has to read again.
                    }
                }
            }
            Action::Noise { key, delete } => {
                if delete {
                    if let Some(deleted) = s.delete(NOISE_KEYS[key]) {
                        world.writing_txns += 1;
                        world.record_delete(deleted);
                    } else {
                        assert!(!world.current.contains_key(NOISE_KEYS[key]));
                    }
                } else {
                    world.next_noise_value += 1;
                    let kv = s.put(NOISE_KEYS[key], world.next_noise_value);
                    world.writing_txns += 1;
                    world.record_put(kv);
                }
            }
            Action::NoiseTxn { a, b } => {
                let (va, vb) = (world.next_noise_value + 1, world.next_noise_value + 2);
                world.next_noise_value += 2;
                let ops = vec![
                    Op::Put {
                        key: Key::from(NOISE_KEYS[a]),
                        value: va,
                    },
                    Op::Put {
                        key: Key::from(NOISE_KEYS[b]),
                        value: vb,
                    },
                ];
                let resp = s.txn(&[], ops, vec![]);
                assert!(resp.succeeded);
                world.writing_txns += 1;
                for k in [NOISE_KEYS[a], NOISE_KEYS[b]] {
                    let kv = world.store.get(k).cloned().expect("just written");
                    world.record_put(kv);
                }
            }
            Action::Watch { prefix, start } => {
                let (current, compacted) = (s.revision(), s.compacted_revision());
                let requested = match start {
                    Start::Now => 0,
                    Start::FromCompacted(o) => (compacted + o).max(1),
                    Start::FromCurrent(o) => (current + o).max(1),
                };
                let start_rev = if requested == 0 {
                    current + 1
                } else {
                    requested
                };
                match s.watch(WATCH_PREFIXES[prefix], requested) {
                    Ok(id) => {
                        assert!(start_rev >= compacted);
                        watchers.push(TestWatcher {
                            id,
                            prefix: WATCH_PREFIXES[prefix],
                            start_rev,
                            received: Vec::new(),
                            failed_from: None,
                            cancelled: false,
                        });
                    }
                    Err(e) => {
                        assert_eq!(
                            e,
                            StoreError::Compacted {
                                requested: start_rev,
                                compacted
                            }
                        );
                        assert!(start_rev < compacted);
                    }
                }
            }
            Action::Drain { watcher } => {
                if !watchers.is_empty() {
                    let n = watchers.len();
                    drain(&mut world, &mut watchers[watcher % n]);
                }
            }
            Action::Cancel { watcher } => {
                if !watchers.is_empty() {
                    let n = watchers.len();
                    let w = &mut watchers[watcher % n];
                    s.cancel_watch(w.id);
                    w.cancelled = true;
                }
            }
            Action::Compact { percent } => {
                let (current, compacted) = (s.revision(), s.compacted_revision());
                if current > compacted {
                    let rev = compacted + 1 + (current - compacted - 1) * percent / 100;
                    assert_eq!(s.compact(rev), Ok(()));
                    world.compactions.insert(rev);
                } else {
                    assert_eq!(
                        s.compact(current),
                        Err(StoreError::Compacted {
                            requested: current,
                            compacted
                        })
                    );
                }
            }
        }
        world.store.check_invariants();
        assert_eq!(world.store.revision(), 1 + world.writing_txns);
    }

    // Final drains, then check every watcher against the log.
    for w in &mut watchers {
        drain(&mut world, w);
    }
    for w in &watchers {
        world.check_watcher(w);
    }

    // No lost update: each counter is exactly its number of successful CASes.
    for (i, key) in COUNTER_KEYS.iter().enumerate() {
        let got = world.store.get(key).map_or(0, |kv| kv.value);
        assert_eq!(got, successes[i], "lost or duplicated update on {key}");
        assert_eq!(
            world.store.get(key).map_or(0, |kv| kv.version),
            successes[i]
        );
    }
    assert_eq!(world.store.len(), world.current.len());
    for (k, kv) in &world.current {
        assert_eq!(world.store.get(k), Some(kv));
    }

    // The store's own history is the log since the compaction point (minus
    // tombstones at exactly that revision).
    let compacted = world.store.compacted_revision();
    let history: Vec<&WatchEvent<i64>> =
        world.store.history_since("", compacted).unwrap().collect();
    let expected: Vec<&WatchEvent<i64>> = world
        .log
        .iter()
        .filter(|e| {
            e.revision() > compacted || (e.revision() == compacted && e.kind == EventKind::Put)
        })
        .collect();
    assert_eq!(history, expected);
    if compacted > 0 {
        assert!(world.store.history_since("", compacted - 1).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn cas_writers_and_watchers(
        queue_limit in prop_oneof![Just(1usize), Just(3), Just(1 << 20)],
        actions in prop::collection::vec(action(), 1..120),
    ) {
        run_cas_scenario(queue_limit, actions);
    }
}

// ---------------------------------------------------------------------------
// (2) Agreement with a reference model
// ---------------------------------------------------------------------------

const KEYS: [&str; 6] = [
    "/registry/pods/default/a",
    "/registry/pods/default/b",
    "/registry/pods/default2/a",
    "/registry/pods/kube-system/a",
    "/registry/services/default/a",
    "/registry/pods/default",
];
const PREFIXES: [&str; 8] = [
    "",
    "/registry/",
    "/registry/pods/",
    "/registry/pods/default/",
    "/registry/pods/default",
    "/registry/services/",
    "/registry/pods/default2/a",
    "/zzz",
];

/// A revision argument relative to the key's current state (for compares and
/// CAS) or to the store's current revision (for reads at a revision).
#[derive(Clone, Debug)]
enum RevArg {
    Current,
    Zero,
    Off(i64),
}

#[derive(Clone, Debug)]
enum TxnOpSpec {
    Put(usize, u32),
    Delete(usize),
    Get(usize),
}

#[derive(Clone, Debug)]
enum RefOp {
    Put(usize, u32),
    Delete(usize),
    Create(usize, u32),
    UpdateIf(usize, u32, RevArg),
    DeleteIf(usize, RevArg),
    Txn {
        compares: Vec<(u8, usize, RevArg)>,
        success: Vec<TxnOpSpec>,
        failure: Vec<TxnOpSpec>,
    },
    Get(usize),
    Range(usize),
    GetAt(usize, i64),
    RangeAt(usize, i64),
    Compact(i64),
}

fn rev_arg() -> impl Strategy<Value = RevArg> {
    prop_oneof![
        3 => Just(RevArg::Current),
        1 => Just(RevArg::Zero),
        1 => (-2i64..=2).prop_map(RevArg::Off),
    ]
}

fn txn_op() -> impl Strategy<Value = TxnOpSpec> {
    let k = 0..KEYS.len();
    prop_oneof![
        (k.clone(), any::<u32>()).prop_map(|(k, v)| TxnOpSpec::Put(k, v)),
        k.clone().prop_map(TxnOpSpec::Delete),
        k.prop_map(TxnOpSpec::Get),
    ]
}

fn ref_op() -> impl Strategy<Value = RefOp> {
    let k = || 0..KEYS.len();
    let p = || 0..PREFIXES.len();
    prop_oneof![
        4 => (k(), any::<u32>()).prop_map(|(k, v)| RefOp::Put(k, v)),
        2 => k().prop_map(RefOp::Delete),
        2 => (k(), any::<u32>()).prop_map(|(k, v)| RefOp::Create(k, v)),
        3 => (k(), any::<u32>(), rev_arg()).prop_map(|(k, v, r)| RefOp::UpdateIf(k, v, r)),
        1 => (k(), rev_arg()).prop_map(|(k, r)| RefOp::DeleteIf(k, r)),
        3 => (
            prop::collection::vec((0u8..3, k(), rev_arg()), 0..3),
            prop::collection::vec(txn_op(), 0..4),
            prop::collection::vec(txn_op(), 0..4),
        )
            .prop_map(|(compares, success, failure)| RefOp::Txn { compares, success, failure }),
        2 => k().prop_map(RefOp::Get),
        2 => p().prop_map(RefOp::Range),
        2 => (k(), -8i64..=2).prop_map(|(k, o)| RefOp::GetAt(k, o)),
        2 => (p(), -8i64..=2).prop_map(|(p, o)| RefOp::RangeAt(p, o)),
        1 => (-6i64..=1).prop_map(RefOp::Compact),
    ]
}

/// The naive model: a map, a revision counter and a snapshot per revision.
struct Reference {
    rev: Revision,
    compacted: Revision,
    keys: BTreeMap<String, KeyValue<u32>>,
    snapshots: BTreeMap<Revision, BTreeMap<String, KeyValue<u32>>>,
}

impl Reference {
    fn new() -> Self {
        Reference {
            rev: 1,
            compacted: 0,
            keys: BTreeMap::new(),
            snapshots: BTreeMap::from([(1, BTreeMap::new())]),
        }
    }

    fn resolve(&self, key: usize, target: u8, arg: &RevArg) -> i64 {
        let kv = self.keys.get(KEYS[key]);
        let current = match target {
            0 => kv.map_or(0, |kv| kv.mod_revision),
            1 => kv.map_or(0, |kv| kv.version),
            _ => kv.map_or(0, |kv| kv.create_revision),
        };
        match arg {
            RevArg::Current => current,
            RevArg::Zero => 0,
            RevArg::Off(o) => (current + o).max(0),
        }
    }

    fn put(&mut self, key: &str, value: u32, rev: Revision) -> Option<KeyValue<u32>> {
        let prev = self.keys.get(key).cloned();
        let kv = KeyValue {
            key: Key::from(key),
            value,
            create_revision: prev.as_ref().map_or(rev, |p| p.create_revision),
            mod_revision: rev,
            version: prev.as_ref().map_or(1, |p| p.version + 1),
        };
        self.keys.insert(key.to_string(), kv);
        prev
    }

    fn commit(&mut self, wrote: bool) {
        if wrote {
            self.rev += 1;
            self.snapshots.insert(self.rev, self.keys.clone());
        }
    }

    fn check_at(&self, rev: Revision) -> Result<Revision, StoreError> {
        if rev > self.rev {
            return Err(StoreError::FutureRevision {
                requested: rev,
                current: self.rev,
            });
        }
        let rev = if rev <= 0 { self.rev } else { rev };
        if rev < self.compacted {
            return Err(StoreError::Compacted {
                requested: rev,
                compacted: self.compacted,
            });
        }
        Ok(rev)
    }

    fn range(map: &BTreeMap<String, KeyValue<u32>>, prefix: &str) -> Vec<KeyValue<u32>> {
        map.iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(_, kv)| kv.clone())
            .collect()
    }
}

/// Turns a branch spec into ops, dropping writes to keys already written.
fn build_ops(specs: &[TxnOpSpec]) -> Vec<Op<u32>> {
    let mut written = BTreeSet::new();
    let mut ops = Vec::new();
    for spec in specs {
        match *spec {
            TxnOpSpec::Put(k, v) if written.insert(k) => ops.push(Op::Put {
                key: Key::from(KEYS[k]),
                value: v,
            }),
            TxnOpSpec::Delete(k) if written.insert(k) => ops.push(Op::Delete {
                key: Key::from(KEYS[k]),
            }),
            TxnOpSpec::Get(k) => ops.push(Op::Get {
                key: Key::from(KEYS[k]),
            }),
            _ => {}
        }
    }
    ops
}

fn reference_txn(
    r: &mut Reference,
    compares: &[Compare],
    success: &[Op<u32>],
    failure: &[Op<u32>],
) -> TxnResponse<u32> {
    let succeeded = compares.iter().all(|c| {
        let kv = r.keys.get(c.key().as_str());
        match c {
            Compare::ModRevision { equals, .. } => kv.map_or(0, |kv| kv.mod_revision) == *equals,
            Compare::Version { equals, .. } => kv.map_or(0, |kv| kv.version) == *equals,
            Compare::CreateRevision { equals, .. } => {
                kv.map_or(0, |kv| kv.create_revision) == *equals
            }
        }
    });
    let rev = r.rev + 1;
    let mut wrote = false;
    let mut responses = Vec::new();
    for op in if succeeded { success } else { failure } {
        responses.push(match op {
            Op::Put { key, value } => {
                wrote = true;
                OpResponse::Put {
                    prev: r.put(key, *value, rev),
                }
            }
            Op::Delete { key } => {
                let deleted = r.keys.remove(key.as_str());
                wrote |= deleted.is_some();
                OpResponse::Delete { deleted }
            }
            Op::Get { key } => OpResponse::Get {
                kv: r.keys.get(key.as_str()).cloned(),
            },
        });
    }
    r.commit(wrote);
    TxnResponse {
        succeeded,
        revision: r.rev,
        responses,
    }
}

fn run_reference_scenario(ops: Vec<RefOp>) {
    let mut s: Store<u32> = Store::new();
    let mut r = Reference::new();
    for op in ops {
        match op {
            RefOp::Put(k, v) => {
                let rev = r.rev + 1;
                r.put(KEYS[k], v, rev);
                r.commit(true);
                assert_eq!(Some(&s.put(KEYS[k], v)), r.keys.get(KEYS[k]));
            }
            RefOp::Delete(k) => {
                let expected = r.keys.remove(KEYS[k]);
                r.commit(expected.is_some());
                assert_eq!(s.delete(KEYS[k]), expected);
            }
            RefOp::Create(k, v) | RefOp::UpdateIf(k, v, _) => {
                let want = match &op {
                    RefOp::UpdateIf(_, _, arg) => r.resolve(k, 0, arg),
                    _ => 0,
                };
                let got = s.update_if(KEYS[k], v, want);
                let current = r.keys.get(KEYS[k]).cloned();
                if current.as_ref().map_or(0, |kv| kv.mod_revision) == want {
                    let rev = r.rev + 1;
                    r.put(KEYS[k], v, rev);
                    r.commit(true);
                    assert_eq!(got.ok().as_ref(), r.keys.get(KEYS[k]));
                } else {
                    assert_eq!(got.unwrap_err().current, current);
                }
            }
            RefOp::DeleteIf(k, arg) => {
                let want = r.resolve(k, 0, &arg);
                let got = s.delete_if(KEYS[k], want);
                let current = r.keys.get(KEYS[k]).cloned();
                if current.as_ref().map_or(0, |kv| kv.mod_revision) == want {
                    let deleted = r.keys.remove(KEYS[k]);
                    r.commit(deleted.is_some());
                    assert_eq!(got, Ok(deleted));
                } else {
                    assert_eq!(got.unwrap_err().current, current);
                }
            }
            RefOp::Txn {
                compares,
                success,
                failure,
            } => {
                let compares: Vec<Compare> = compares
                    .iter()
                    .map(|(target, k, arg)| {
                        let key = Key::from(KEYS[*k]);
                        let equals = r.resolve(*k, *target, arg);
                        match target {
                            0 => Compare::ModRevision { key, equals },
                            1 => Compare::Version { key, equals },
                            _ => Compare::CreateRevision { key, equals },
                        }
                    })
                    .collect();
                let (success, failure) = (build_ops(&success), build_ops(&failure));
                let expected = reference_txn(&mut r, &compares, &success, &failure);
                assert_eq!(s.txn(&compares, success, failure), expected);
            }
            RefOp::Get(k) => assert_eq!(s.get(KEYS[k]), r.keys.get(KEYS[k])),
            RefOp::Range(p) => {
                let got: Vec<KeyValue<u32>> = s.range_prefix(PREFIXES[p]).cloned().collect();
                assert_eq!(got, Reference::range(&r.keys, PREFIXES[p]));
                assert_eq!(s.count_prefix(PREFIXES[p]), got.len());
            }
            RefOp::GetAt(k, o) => {
                let rev = r.rev + o;
                let expected = r
                    .check_at(rev)
                    .map(|at| r.snapshots[&at].get(KEYS[k]).cloned());
                assert_eq!(s.get_at(KEYS[k], rev), expected);
            }
            RefOp::RangeAt(p, o) => {
                let rev = r.rev + o;
                let expected = r
                    .check_at(rev)
                    .map(|at| Reference::range(&r.snapshots[&at], PREFIXES[p]));
                assert_eq!(s.range_prefix_at(PREFIXES[p], rev), expected);
            }
            RefOp::Compact(o) => {
                let rev = r.rev + o;
                let expected = if rev <= r.compacted {
                    Err(StoreError::Compacted {
                        requested: rev,
                        compacted: r.compacted,
                    })
                } else if rev > r.rev {
                    Err(StoreError::FutureRevision {
                        requested: rev,
                        current: r.rev,
                    })
                } else {
                    r.compacted = rev;
                    Ok(())
                };
                assert_eq!(s.compact(rev), expected);
            }
        }
        // After every step the whole observable state agrees.
        assert_eq!(s.revision(), r.rev);
        assert_eq!(s.compacted_revision(), r.compacted);
        assert_eq!(s.len(), r.keys.len());
        let all: Vec<KeyValue<u32>> = s.range_prefix("").cloned().collect();
        assert_eq!(all, Reference::range(&r.keys, ""));
        s.check_invariants();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn agrees_with_reference_model(ops in prop::collection::vec(ref_op(), 1..80)) {
        run_reference_scenario(ops);
    }
}
