use super::*;

type S = Store<u32>;

fn key(s: &str) -> Key {
    Key::from(s)
}

fn keys<'a>(kvs: impl IntoIterator<Item = &'a KeyValue<u32>>) -> Vec<&'a str> {
    kvs.into_iter().map(|kv| kv.key.as_str()).collect()
}

#[test]
fn fresh_store_is_at_revision_one_and_first_write_gets_two() {
    let mut s = S::new();
    assert_eq!(s.revision(), 1);
    assert_eq!(s.compacted_revision(), 0);
    assert!(s.is_empty());
    let kv = s.put("/a", 7);
    assert_eq!((kv.create_revision, kv.mod_revision, kv.version), (2, 2, 1));
    assert_eq!(s.revision(), 2);
    s.check_invariants();
}

#[test]
fn put_increments_version_and_keeps_create_revision() {
    let mut s = S::new();
    s.put("/a", 1);
    s.put("/b", 1);
    let kv = s.put("/a", 2);
    assert_eq!((kv.create_revision, kv.mod_revision, kv.version), (2, 4, 2));
    assert_eq!(s.get("/a"), Some(&kv));
}

#[test]
fn create_on_existing_key_fails_the_cas() {
    let mut s = S::new();
    let first = s.create("/a", 1).unwrap();
    let err = s.create("/a", 2).unwrap_err();
    assert_eq!(err.current, Some(first));
    assert_eq!(s.revision(), 2, "failed CAS must not write");
    assert_eq!(s.get("/a").unwrap().value, 1);
}

#[test]
fn update_with_stale_mod_revision_fails() {
    let mut s = S::new();
    let v1 = s.create("/a", 1).unwrap();
    let v2 = s.update_if("/a", 2, v1.mod_revision).unwrap();
    assert_eq!(v2.version, 2);
    let err = s.update_if("/a", 3, v1.mod_revision).unwrap_err();
    assert_eq!(err.current, Some(v2.clone()));
    assert_eq!(s.get("/a"), Some(&v2));
    // Updating a missing key with a non-zero revision fails too.
    assert_eq!(s.update_if("/missing", 1, 2).unwrap_err().current, None);
    // Conditional delete.
    assert!(s.delete_if("/a", v1.mod_revision).is_err());
    assert_eq!(s.delete_if("/a", v2.mod_revision).unwrap(), Some(v2));
    assert_eq!(s.delete_if("/a", 0), Ok(None));
}

#[test]
fn delete_then_recreate_resets_version_and_create_revision() {
    let mut s = S::new();
    s.put("/a", 1);
    s.put("/a", 2);
    let deleted = s.delete("/a").unwrap();
    assert_eq!(deleted.version, 2);
    assert_eq!(s.revision(), 4);
    assert_eq!(s.get("/a"), None);
    assert_eq!(s.delete("/a"), None);
    assert_eq!(s.revision(), 4, "deleting an absent key writes nothing");
    let kv = s.create("/a", 3).unwrap();
    assert_eq!((kv.create_revision, kv.mod_revision, kv.version), (5, 5, 1));
    s.check_invariants();
}

#[test]
fn range_by_prefix_is_ordered_and_prefix_exact() {
    let mut s = S::new();
    for k in [
        "/registry/pods/default2/x",
        "/registry/pods/default/web-1",
        "/registry/pods/default/web-0",
        "/registry/pods/kube-system/dns",
        "/registry/pods/default/db",
        "/registry/services/default/web",
        "/registry/pods/default",
    ] {
        s.put(k, 0);
    }
    assert_eq!(
        keys(s.range_prefix("/registry/pods/default/")),
        [
            "/registry/pods/default/db",
            "/registry/pods/default/web-0",
            "/registry/pods/default/web-1"
        ]
    );
    assert_eq!(s.count_prefix("/registry/pods/default/"), 3);
    // Without the trailing slash, etcd's WithPrefix matches default2 too.
    assert_eq!(s.count_prefix("/registry/pods/default"), 5);
    assert_eq!(s.count_prefix("/registry/pods/"), 6);
    assert_eq!(s.count_prefix(""), 7);
    assert_eq!(s.count_prefix("/registry/pods/zzz/"), 0);
    let all = keys(s.range_prefix(""));
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted);
}

#[test]
fn multi_op_txn_shares_one_revision() {
    let mut s = S::new();
    s.put("/c", 0);
    let resp = s.txn(
        &[],
        vec![
            Op::Put {
                key: key("/a"),
                value: 1,
            },
            Op::Put {
                key: key("/b"),
                value: 2,
            },
            Op::Delete { key: key("/c") },
            Op::Get { key: key("/a") },
        ],
        vec![],
    );
    assert!(resp.succeeded);
    assert_eq!(resp.revision, 3);
    assert_eq!(s.revision(), 3);
    assert_eq!(s.get("/a").unwrap().mod_revision, 3);
    assert_eq!(s.get("/b").unwrap().mod_revision, 3);
    assert!(
        matches!(&resp.responses[2], OpResponse::Delete { deleted: Some(kv) } if kv.key == "/c")
    );
    // The get reads the txn's own write.
    assert!(
        matches!(&resp.responses[3], OpResponse::Get { kv: Some(kv) } if kv.value == 1 && kv.mod_revision == 3)
    );
    let revs: Vec<Revision> = s
        .history_since("", 3)
        .unwrap()
        .map(WatchEvent::revision)
        .collect();
    assert_eq!(revs, [3, 3, 3]);
}

#[test]
fn txn_compares_choose_branch_and_reads_do_not_advance_revision() {
    let mut s = S::new();
    let a = s.put("/a", 1);
    let guard = |rev| {
        [Compare::ModRevision {
            key: key("/a"),
            equals: rev,
        }]
    };
    let resp = s.txn(
        &guard(a.mod_revision + 1),
        vec![Op::Put {
            key: key("/a"),
            value: 2,
        }],
        vec![Op::Get { key: key("/a") }],
    );
    assert!(!resp.succeeded);
    assert_eq!(resp.revision, 2);
    assert_eq!(
        resp.responses,
        [OpResponse::Get {
            kv: Some(a.clone())
        }]
    );
    let resp = s.txn(
        &guard(a.mod_revision),
        vec![Op::Put {
            key: key("/a"),
            value: 2,
        }],
        vec![],
    );
    assert!(resp.succeeded);
    assert_eq!(resp.revision, 3);
    assert_eq!(resp.responses, [OpResponse::Put { prev: Some(a) }]);
    // Missing keys compare as 0 on every target.
    let missing = [
        Compare::ModRevision {
            key: key("/x"),
            equals: 0,
        },
        Compare::Version {
            key: key("/x"),
            equals: 0,
        },
        Compare::CreateRevision {
            key: key("/x"),
            equals: 0,
        },
    ];
    let resp = s.txn(&missing, vec![Op::Delete { key: key("/x") }], vec![]);
    assert!(resp.succeeded);
    assert_eq!(resp.revision, 3, "deleting nothing writes nothing");
    let v = [
        Compare::Version {
            key: key("/a"),
            equals: 2,
        },
        Compare::CreateRevision {
            key: key("/a"),
            equals: 2,
        },
    ];
    assert!(s.txn(&v, vec![], vec![]).succeeded);
}

#[test]
#[should_panic(expected = "duplicate key")]
fn txn_rejects_duplicate_writes() {
    let mut s = S::new();
    s.txn(
        &[],
        vec![
            Op::Put {
                key: key("/a"),
                value: 1,
            },
            Op::Delete { key: key("/a") },
        ],
        vec![],
    );
}

#[test]
fn watch_from_old_revision_replays_then_streams() {
    let mut s = S::new();
    s.put("/p/a", 1); // 2
    s.put("/q/a", 1); // 3
    s.put("/p/b", 1); // 4
    s.delete("/p/a"); // 5
    let w = s.watch("/p/", 3).unwrap();
    s.put("/p/c", 1); // 6
    s.put("/q/b", 1); // 7
    let events = s.drain_watch(w);
    let got: Vec<(EventKind, &str, Revision)> = events
        .iter()
        .map(|e| (e.kind, e.kv.key.as_str(), e.revision()))
        .collect();
    assert_eq!(
        got,
        [
            (EventKind::Put, "/p/b", 4),
            (EventKind::Delete, "/p/a", 5),
            (EventKind::Put, "/p/c", 6)
        ]
    );
    let del = &events[1];
    assert_eq!(del.prev.as_ref().unwrap().mod_revision, 2);
    assert_eq!((del.kv.create_revision, del.kv.version), (0, 0));
    assert!(s.drain_watch(w).is_empty());
    s.put("/p/a", 2);
    assert_eq!(s.drain_watch(w).len(), 1);
    // start 0 = from now; future start waits for its revision.
    let now = s.watch("/p/", 0).unwrap();
    let future = s.watch("/p/", s.revision() + 2).unwrap();
    s.put("/p/d", 1);
    s.put("/p/e", 1);
    assert_eq!(s.drain_watch(now).len(), 2);
    assert_eq!(keys(s.drain_watch(future).iter().map(|e| &e.kv)), ["/p/e"]);
    s.cancel_watch(now);
    assert_eq!(
        s.try_drain_watch(now),
        Err(StoreError::WatchNotFound { id: now })
    );
    s.check_invariants();
}

#[test]
fn compact_bounds_watches_and_history() {
    let mut s = S::new();
    for i in 0..5 {
        s.put("/a", i); // revisions 2..=6
    }
    s.put("/b", 0); // 7
    s.delete("/b"); // 8
    s.put("/a", 9); // 9
    assert_eq!(s.compact(8), Ok(()));
    assert_eq!(s.compacted_revision(), 8);
    assert_eq!(
        s.watch("", 7),
        Err(StoreError::Compacted {
            requested: 7,
            compacted: 8
        })
    );
    assert!(matches!(
        s.history_since("", 1),
        Err(StoreError::Compacted { .. })
    ));
    // From exactly the compacted revision works, but (as in etcd) the
    // tombstone at that revision is gone.
    let at = s.watch("", 8).unwrap();
    assert_eq!(
        s.drain_watch(at)
            .iter()
            .map(WatchEvent::revision)
            .collect::<Vec<_>>(),
        [9]
    );
    let above = s.watch("", 9).unwrap();
    assert_eq!(s.drain_watch(above).len(), 1);
    // Compacting backwards or into the future fails.
    assert_eq!(
        s.compact(8),
        Err(StoreError::Compacted {
            requested: 8,
            compacted: 8
        })
    );
    assert_eq!(
        s.compact(10),
        Err(StoreError::FutureRevision {
            requested: 10,
            current: 9
        })
    );
    s.compact(9).unwrap();
    assert_eq!(
        s.history_since("", 9).unwrap().count(),
        1,
        "puts at the compacted revision stay"
    );
    s.check_invariants();
}

#[test]
fn compaction_returns_the_memory_of_a_burst() {
    let mut s = S::new();
    for i in 0..100_000 {
        s.put("/a", i);
    }
    assert!(s.history.capacity() >= 100_000);
    // Most of the history is still needed: nothing is given back.
    s.compact(50_000).unwrap();
    assert!(s.history.capacity() >= 100_000);
    // A handful of events remain: the burst's room goes back to the allocator.
    s.compact(s.revision() - 10).unwrap();
    assert_eq!(s.history_len_events(), 11);
    assert!(s.history.capacity() < 4 * HISTORY_MIN_CAPACITY_EVENTS);
    assert_eq!(s.history_since("", s.revision() - 10).unwrap().count(), 11);
    s.check_invariants();
}

#[test]
fn reads_at_past_revisions() {
    let mut s = S::new();
    s.put("/p/a", 1); // 2
    s.put("/p/b", 1); // 3
    s.put("/p/a", 2); // 4
    s.delete("/p/b"); // 5
    s.put("/p/c", 1); // 6
    let at = |s: &S, rev| {
        s.range_prefix_at("/p/", rev)
            .unwrap()
            .into_iter()
            .map(|kv| (kv.key.to_string(), kv.value, kv.mod_revision))
            .collect::<Vec<_>>()
    };
    assert_eq!(at(&s, 1), []);
    assert_eq!(at(&s, 3), [("/p/a".into(), 1, 2), ("/p/b".into(), 1, 3)]);
    assert_eq!(at(&s, 5), [("/p/a".into(), 2, 4)]);
    assert_eq!(at(&s, 6), [("/p/a".into(), 2, 4), ("/p/c".into(), 1, 6)]);
    assert_eq!(s.get_at("/p/b", 4).unwrap().unwrap().value, 1);
    assert_eq!(s.get_at("/p/b", 5).unwrap(), None);
    assert_eq!(s.get_at("/p/a", 3).unwrap().unwrap().mod_revision, 2);
    assert_eq!(
        s.get_at("/p/a", 7),
        Err(StoreError::FutureRevision {
            requested: 7,
            current: 6
        })
    );
    s.compact(4).unwrap();
    assert_eq!(at(&s, 4), [("/p/a".into(), 2, 4), ("/p/b".into(), 1, 3)]);
    assert_eq!(
        s.get_at("/p/a", 3),
        Err(StoreError::Compacted {
            requested: 3,
            compacted: 4
        })
    );
}

#[test]
fn overflowing_watcher_catches_up_from_history() {
    let mut s = Store::with_watch_queue_limit(2);
    let w = s.watch("/p/", 0).unwrap();
    for i in 0..5 {
        s.put("/p/a", i); // 2..=6
    }
    s.check_invariants();
    let revs: Vec<Revision> = s.drain_watch(w).iter().map(WatchEvent::revision).collect();
    assert_eq!(revs, [2, 3, 4, 5, 6]);
    // Replays too large for the queue are deferred to the first drain.
    let big = s.watch("/p/", 2).unwrap();
    s.put("/p/a", 9);
    assert_eq!(s.drain_watch(big).len(), 6);
    // A lagging watcher whose catch-up point gets compacted fails and is cancelled.
    s.put("/p/a", 10); // 8: w's queue is [7, 8]
    s.put("/p/a", 11); // 9: overflow, w must catch up from 7
    s.compact(9).unwrap();
    assert_eq!(
        s.try_drain_watch(w),
        Err(StoreError::Compacted {
            requested: 7,
            compacted: 9
        })
    );
    assert_eq!(
        s.try_drain_watch(w),
        Err(StoreError::WatchNotFound { id: w })
    );
}
