//! Value types of the etcd model: key-values, watch events, transaction
//! requests/responses and errors (mirroring etcd's `mvccpb` / `etcdserverpb`).

use smol_str::SmolStr;

/// An etcd revision (`int64` in etcd). A fresh etcd store is at revision 1
/// (`currentRev: 1` in `server/storage/mvcc/kvstore.go`), so the first write
/// gets revision 2. Every writing transaction advances it by exactly one.
pub type Revision = i64;

/// A key, e.g. `/registry/pods/default/web-0` (Kubernetes' etcd key layout).
pub type Key = SmolStr;

/// The state of one key at one revision (etcd's `mvccpb.KeyValue`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue<V> {
    pub key: Key,
    pub value: V,
    /// Revision of the write that created this generation of the key.
    pub create_revision: Revision,
    /// Revision of the last write to the key.
    pub mod_revision: Revision,
    /// Number of puts since the key was (re)created: 1 after creation; a
    /// delete followed by a re-create restarts it at 1 (etcd semantics).
    pub version: i64,
}

/// Type of a watch event (etcd's `mvccpb.Event_EventType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Put,
    Delete,
}

/// One change to one key, as delivered to watchers (etcd's `mvccpb.Event`
/// with `prev_kv` requested, which is how Kubernetes watches etcd).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchEvent<V> {
    pub kind: EventKind,
    /// For `Put`: the key's new state. For `Delete`: like etcd's tombstone,
    /// `key` and `mod_revision` (= the deletion revision) are set and
    /// `create_revision` and `version` are 0; because `V` has no "empty"
    /// value, `value` is the last value the key had (also in `prev`).
    pub kv: KeyValue<V>,
    /// The key's state before this event; `None` for a `Put` that created
    /// the key. Always `Some` for `Delete`.
    pub prev: Option<KeyValue<V>>,
}

impl<V> WatchEvent<V> {
    /// The revision of the transaction that produced this event.
    pub fn revision(&self) -> Revision {
        self.kv.mod_revision
    }
}

/// A transaction guard (etcd's `Compare` with `result = EQUAL`). A missing key
/// compares as 0 on every target, as in etcd's `applyCompare`, so
/// `ModRevision { equals: 0 }` means "the key does not exist" (Kubernetes'
/// `notFound(key)` guard used by Create).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Compare {
    /// The guard Kubernetes uses for optimistic concurrency
    /// (`clientv3.Compare(clientv3.ModRevision(key), "=", rev)`).
    ModRevision {
        key: Key,
        equals: Revision,
    },
    Version {
        key: Key,
        equals: i64,
    },
    CreateRevision {
        key: Key,
        equals: Revision,
    },
}

impl Compare {
    /// The key the guard reads.
    pub fn key(&self) -> &Key {
        match self {
            Compare::ModRevision { key, .. }
            | Compare::Version { key, .. }
            | Compare::CreateRevision { key, .. } => key,
        }
    }
}

/// One operation of a transaction branch (etcd's `RequestOp`, restricted to
/// single keys). Within one branch, etcd rejects two writes (put or delete) to
/// the same key ("duplicate key given in txn request"); so does this model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op<V> {
    Put {
        key: Key,
        value: V,
    },
    Delete {
        key: Key,
    },
    /// A point read; it sees the effects of earlier ops of the same branch,
    /// as etcd's write transactions read their own writes.
    Get {
        key: Key,
    },
}

/// Result of one [`Op`], in op order (etcd's `ResponseOp`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpResponse<V> {
    /// `prev`: the key's state before the put (etcd `PutResponse.prev_kv`).
    Put {
        prev: Option<KeyValue<V>>,
    },
    /// `deleted`: the key's state before the delete; `None` if it did not
    /// exist (then nothing was written).
    Delete {
        deleted: Option<KeyValue<V>>,
    },
    Get {
        kv: Option<KeyValue<V>>,
    },
}

/// Result of [`Store::txn`](super::Store::txn) (etcd's `TxnResponse`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxnResponse<V> {
    /// Whether all compares held, i.e. the success branch ran.
    pub succeeded: bool,
    /// The store revision after the transaction (etcd's `header.revision`):
    /// the transaction's own revision if it wrote anything, else unchanged.
    pub revision: Revision,
    pub responses: Vec<OpResponse<V>>,
}

/// A failed compare-and-swap from the convenience wrappers
/// ([`Store::create`](super::Store::create),
/// [`Store::update_if`](super::Store::update_if),
/// [`Store::delete_if`](super::Store::delete_if)). Carries the key's current
/// state, which Kubernetes fetches in the txn's else-branch to retry
/// (`GuaranteedUpdate`) or to report `AlreadyExists`/`Conflict`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict<V> {
    pub current: Option<KeyValue<V>>,
}

/// Identifies a watcher registered with [`Store::watch`](super::Store::watch).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WatchId(pub(super) u64);

impl WatchId {
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

impl std::fmt::Display for WatchId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "watch-{}", self.0)
    }
}

/// Errors of the etcd model. Messages are etcd's (`server/storage/mvcc`).
#[derive(thiserror::Error, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// etcd's `ErrCompacted`: the requested revision is below the compacted
    /// revision (or, for `compact`, at or below it).
    #[error("mvcc: required revision has been compacted")]
    Compacted {
        requested: Revision,
        compacted: Revision,
    },
    /// etcd's `ErrFutureRev`: the requested revision is above the current one.
    #[error("mvcc: required revision is a future revision")]
    FutureRevision {
        requested: Revision,
        current: Revision,
    },
    /// etcd's `ErrWatcherNotExist`: unknown or cancelled watch id.
    #[error("mvcc: watcher does not exist")]
    WatchNotFound { id: WatchId },
}
