//! client-go's workqueue (util/workqueue/queue.go, delaying_queue.go, rate_limiting_queue.go):
//! FIFO with de-duplication — an item is never queued twice nor processed by two workers at
//! once — plus delayed adds on the component's timers and per-item rate-limited requeues.
//! Its size is bounded by the number of distinct keys.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::ratelimit::ControllerRateLimiter;
use super::{Ctx, TimerId};
use crate::engine::SimDuration;

/// The timer tag the workqueue's delayed adds use.
pub const WORKQUEUE_TIMER_TAG: u64 = u64::MAX - 1;

pub struct WorkQueue<K: Ord + Clone> {
    queue: VecDeque<K>,
    dirty: BTreeSet<K>,
    processing: BTreeSet<K>,
    waiting: BTreeMap<TimerId, K>,
    limiter: ControllerRateLimiter<K>,
    adds_total: u64,
}

impl<K: Ord + Clone> Default for WorkQueue<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Ord + Clone> WorkQueue<K> {
    pub fn new() -> Self {
        Self::with_rate_limiter(ControllerRateLimiter::default())
    }

    pub fn with_rate_limiter(limiter: ControllerRateLimiter<K>) -> Self {
        WorkQueue {
            queue: VecDeque::new(),
            dirty: BTreeSet::new(),
            processing: BTreeSet::new(),
            waiting: BTreeMap::new(),
            limiter,
            adds_total: 0,
        }
    }

    /// Queues `item` unless it is already queued; an item being processed is queued again
    /// when its worker calls [`WorkQueue::done`].
    pub fn add(&mut self, item: K) {
        self.adds_total += 1;
        if !self.dirty.insert(item.clone()) {
            return;
        }
        if self.processing.contains(&item) {
            return;
        }
        self.queue.push_back(item);
    }

    /// Takes the next item; the caller must call [`WorkQueue::done`] when finished with it.
    pub fn get(&mut self) -> Option<K> {
        let item = self.queue.pop_front()?;
        self.dirty.remove(&item);
        self.processing.insert(item.clone());
        Some(item)
    }

    pub fn done(&mut self, item: &K) {
        self.processing.remove(item);
        if self.dirty.contains(item) {
            self.queue.push_back(item.clone());
        }
    }

    pub fn add_after(&mut self, ctx: &mut Ctx, item: K, delay: SimDuration) {
        if delay == 0 {
            self.add(item);
            return;
        }
        let id = ctx.set_timer(delay, WORKQUEUE_TIMER_TAG);
        self.waiting.insert(id, item);
    }

    /// Requeues after the rate limiter's delay (per-item back-off, overall bucket).
    pub fn add_rate_limited(&mut self, ctx: &mut Ctx, item: K) {
        let delay = self.limiter.when(ctx.now(), &item);
        self.add_after(ctx, item, delay);
    }

    /// Clears the item's back-off after a successful sync.
    pub fn forget(&mut self, item: &K) {
        self.limiter.item.forget(item);
    }

    pub fn num_requeues(&self, item: &K) -> u32 {
        self.limiter.item.num_requeues(item)
    }

    /// Feeds a timer to the queue; returns true if it was one of its delayed adds.
    pub fn on_timer(&mut self, id: TimerId) -> bool {
        match self.waiting.remove(&id) {
            Some(item) => {
                self.add(item);
                true
            }
            None => false,
        }
    }

    /// Items waiting to be processed (not counting those in flight or delayed).
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub fn adds_total(&self) -> u64 {
        self.adds_total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // After client-go queue_test.go TestBasic / TestAddWhileProcessing.
    #[test]
    fn dedups_and_requeues_items_added_while_processing() {
        let mut q = WorkQueue::new();
        q.add("a");
        q.add("b");
        q.add("a");
        assert_eq!(q.len(), 2);
        assert_eq!(q.get(), Some("a"));
        q.add("a"); // while processing: not handed out twice
        assert_eq!(q.get(), Some("b"));
        assert_eq!(q.get(), None);
        q.done(&"a");
        assert_eq!(q.get(), Some("a"));
        q.done(&"a");
        q.done(&"b");
        assert!(q.is_empty());
        assert_eq!(q.adds_total(), 4);
    }
}
