//! Watcher bookkeeping, after etcd's `watchableStore` (`server/storage/mvcc/
//! watchable_store.go`): a watcher is either *synced* (new events are pushed
//! into its bounded queue) or *unsynced* (it catches up from the history).

use super::types::{Key, Revision, WatchEvent};

/// Where a watcher stands.
#[derive(Clone, Debug)]
pub(super) enum WatcherState<V> {
    /// Caught up: every matching event with revision >= `Watcher::start_rev`
    /// not yet drained is in `queue`, in revision order. Holds at most the
    /// store's watch queue limit of events.
    Synced { queue: Vec<WatchEvent<V>> },
    /// Behind (its queue overflowed, or its historical replay was too big to
    /// queue): the consumer has received every matching event below `from`
    /// and nothing at or above it; the rest is read from the history at the
    /// next drain (etcd's `unsynced` group / `minRev`).
    Unsynced { from: Revision },
}

#[derive(Clone, Debug)]
pub(super) struct Watcher<V> {
    pub(super) prefix: Key,
    /// Events below this revision are never delivered (etcd's initial
    /// `minRev`: the start revision, or current + 1 for "from now").
    pub(super) start_rev: Revision,
    pub(super) state: WatcherState<V>,
}

impl<V: Clone> Watcher<V> {
    pub(super) fn matches(&self, event: &WatchEvent<V>) -> bool {
        event.revision() >= self.start_rev && event.kv.key.starts_with(self.prefix.as_str())
    }

    /// Offer a just-committed event. A synced watcher whose queue is full
    /// becomes unsynced instead (etcd moves a watcher whose channel is full to
    /// the victims/unsynced set rather than dropping events).
    pub(super) fn offer(&mut self, event: &WatchEvent<V>, queue_limit_events: usize) {
        if !self.matches(event) {
            return;
        }
        let WatcherState::Synced { queue } = &mut self.state else {
            return; // unsynced: will read this event from the history
        };
        if queue.len() < queue_limit_events {
            queue.push(event.clone());
            return;
        }
        // Every event below the queue's first one has been drained; a drain
        // never splits a revision, so the queue starts at a revision boundary.
        let from = queue.first().map_or(event.revision(), WatchEvent::revision);
        self.state = WatcherState::Unsynced { from };
    }
}
