//! The scheduling queue: activeQ ordered by the QueueSort plugin, backoffQ ordered by back-off
//! expiry, and the unschedulable pods, with the moves between them on cluster events and the
//! periodic flushes. Mirrors pkg/scheduler/backend/queue/scheduling_queue.go
//! (PriorityQueue) without QueueingHints: a cluster event moves a pod back when the event is
//! one that a plugin which rejected the pod registered for (EventsToRegister).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::framework::{Plugin, PodInfo, QueuedPodInfo};
use crate::api::types::Name;
use crate::engine::{SimDuration, SimTime, MINUTE, SECOND};

/// How long a pod may sit in the unschedulable set before the periodic flush moves it back
/// (scheduling_queue.go DefaultPodMaxInUnschedulablePodsDuration).
pub const POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION: SimDuration = 5 * MINUTE;
/// How often the backoffQ is flushed (flushBackoffQCompleted runs every 1 s) ...
pub const BACKOFF_FLUSH_PERIOD: SimDuration = SECOND;
/// ... and the unschedulable set (flushUnschedulablePodsLeftover every 30 s).
pub const UNSCHEDULABLE_FLUSH_PERIOD: SimDuration = 30 * SECOND;

/// (namespace, name).
pub type PodKey = (Name, Name);

/// A cluster event that may make unschedulable pods schedulable (framework.ClusterEvent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterEvent {
    NodeAdd,
    /// A node's allocatable resources changed.
    NodeAllocatableChange,
    NodeLabelChange,
    NodeTaintChange,
    /// spec.unschedulable changed.
    NodeSpecUnschedulableChange,
    AssignedPodAdd,
    AssignedPodUpdate,
    AssignedPodDelete,
    /// The periodic flush and anything kubesim does not classify.
    Any,
}

impl ClusterEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterEvent::NodeAdd => "NodeAdd",
            ClusterEvent::NodeAllocatableChange => "NodeAllocatableChange",
            ClusterEvent::NodeLabelChange => "NodeLabelChange",
            ClusterEvent::NodeTaintChange => "NodeTaintChange",
            ClusterEvent::NodeSpecUnschedulableChange => "NodeSpecUnschedulableChange",
            ClusterEvent::AssignedPodAdd => "AssignedPodAdd",
            ClusterEvent::AssignedPodUpdate => "AssignedPodUpdate",
            ClusterEvent::AssignedPodDelete => "AssignedPodDelete",
            ClusterEvent::Any => "UnschedulableTimeout",
        }
    }
}

/// Whether a rejection by `plugin` can be undone by `event`: each in-tree plugin's
/// EventsToRegister (pkg/scheduler/framework/plugins/*/…go). Plugins kubesim does not know
/// (custom policies) are woken by every event.
pub fn plugin_interested(plugin: &str, event: ClusterEvent) -> bool {
    use ClusterEvent::*;
    if matches!(event, NodeAdd | Any) {
        return true;
    }
    match plugin {
        "NodeUnschedulable" => matches!(event, NodeSpecUnschedulableChange | NodeTaintChange),
        "NodeName" => false,
        "TaintToleration" => matches!(event, NodeTaintChange),
        "NodeAffinity" => matches!(event, NodeLabelChange),
        "NodePorts" => matches!(event, AssignedPodDelete),
        "NodeResourcesFit" => matches!(
            event,
            NodeAllocatableChange | AssignedPodDelete | AssignedPodUpdate
        ),
        "PodTopologySpread" => matches!(
            event,
            NodeLabelChange
                | NodeTaintChange
                | AssignedPodAdd
                | AssignedPodUpdate
                | AssignedPodDelete
        ),
        "InterPodAffinity" => matches!(
            event,
            NodeLabelChange | AssignedPodAdd | AssignedPodUpdate | AssignedPodDelete
        ),
        _ => true,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Location {
    Active,
    Backoff,
    Unschedulable,
    /// Popped and being scheduled (the in-flight pods upstream tracks).
    InFlight,
}

struct Entry {
    info: QueuedPodInfo,
    location: Location,
    /// Bumped whenever the pod is (re)placed, so stale heap and backoff entries are skipped.
    generation: u64,
    /// The scheduling cycle the pod was popped in.
    popped_in_cycle: u64,
}

/// An activeQ heap slot: ordered with the QueueSort plugin, ties by insertion order.
#[derive(Clone)]
struct Slot {
    key: PodKey,
    generation: u64,
    seq: u64,
    info: QueuedPodInfo,
}

/// PriorityQueue.
pub struct SchedulingQueue {
    queue_sort: Box<dyn Plugin>,
    heap: Vec<Slot>,
    backoff: BTreeMap<(SimTime, u64), (PodKey, u64)>,
    entries: BTreeMap<PodKey, Entry>,
    /// The keys of the entries in `Location::Unschedulable` (unschedulablePods), so that a
    /// cluster event looks only at those.
    unschedulable: BTreeSet<PodKey>,
    seq: u64,
    /// schedulingCycle and moveRequestCycle.
    scheduling_cycle: u64,
    move_request_cycle: u64,
    initial_backoff: SimDuration,
    max_backoff: SimDuration,
}

impl SchedulingQueue {
    pub fn new(
        queue_sort: Box<dyn Plugin>,
        initial_backoff: SimDuration,
        max_backoff: SimDuration,
    ) -> SchedulingQueue {
        SchedulingQueue {
            queue_sort,
            heap: Vec::new(),
            backoff: BTreeMap::new(),
            entries: BTreeMap::new(),
            unschedulable: BTreeSet::new(),
            seq: 0,
            scheduling_cycle: 0,
            move_request_cycle: 0,
            initial_backoff,
            max_backoff,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn contains(&self, key: &PodKey) -> bool {
        self.entries.contains_key(key)
    }
    pub fn scheduling_cycle(&self) -> u64 {
        self.scheduling_cycle
    }
    /// Counts of (active, backoff, unschedulable) pods.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for e in self.entries.values() {
            match e.location {
                Location::Active => c.0 += 1,
                Location::Backoff => c.1 += 1,
                Location::Unschedulable => c.2 += 1,
                Location::InFlight => {}
            }
        }
        c
    }

    fn before(&self, a: &Slot, b: &Slot) -> bool {
        if self.queue_sort.less(&a.info, &b.info) {
            return true;
        }
        if self.queue_sort.less(&b.info, &a.info) {
            return false;
        }
        a.seq < b.seq
    }

    fn heap_push(&mut self, slot: Slot) {
        self.heap.push(slot);
        let mut i = self.heap.len() - 1;
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.before(&self.heap[i], &self.heap[parent]) {
                self.heap.swap(i, parent);
                i = parent;
            } else {
                break;
            }
        }
    }

    fn heap_pop(&mut self) -> Option<Slot> {
        if self.heap.is_empty() {
            return None;
        }
        let top = self.heap.swap_remove(0);
        let n = self.heap.len();
        let mut i = 0;
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut best = i;
            if l < n && self.before(&self.heap[l], &self.heap[best]) {
                best = l;
            }
            if r < n && self.before(&self.heap[r], &self.heap[best]) {
                best = r;
            }
            if best == i {
                break;
            }
            self.heap.swap(i, best);
            i = best;
        }
        Some(top)
    }

    fn move_to_active(&mut self, key: PodKey) {
        self.unschedulable.remove(&key);
        let Some(e) = self.entries.get_mut(&key) else {
            return;
        };
        e.location = Location::Active;
        e.generation += 1;
        self.seq += 1;
        let slot = Slot {
            key,
            generation: e.generation,
            seq: self.seq,
            info: e.info.clone(),
        };
        self.heap_push(slot);
    }

    fn move_to_backoff(&mut self, key: PodKey) {
        self.unschedulable.remove(&key);
        let expiry = match self.entries.get(&key) {
            Some(e) => self.backoff_time(&e.info),
            None => return,
        };
        let e = self.entries.get_mut(&key).expect("present");
        e.location = Location::Backoff;
        e.generation += 1;
        self.seq += 1;
        self.backoff.insert((expiry, self.seq), (key, e.generation));
    }

    /// calculateBackoffDuration: initial doubled per attempt after the first, capped.
    pub fn backoff_duration(&self, attempts: u32) -> SimDuration {
        let mut d = self.initial_backoff;
        for _ in 1..attempts {
            if d > self.max_backoff - d {
                return self.max_backoff;
            }
            d += d;
        }
        d
    }

    fn backoff_time(&self, info: &QueuedPodInfo) -> SimTime {
        info.timestamp + self.backoff_duration(info.attempts)
    }

    fn is_backing_off(&self, info: &QueuedPodInfo, now: SimTime) -> bool {
        self.backoff_time(info) > now
    }

    /// Add: a new pending pod goes to activeQ.
    pub fn add(&mut self, pod: Arc<PodInfo>, now: SimTime) {
        let key = key_of(&pod);
        if self.entries.contains_key(&key) {
            self.update(pod, now);
            return;
        }
        let info = QueuedPodInfo {
            pod_info: pod,
            timestamp: now,
            attempts: 0,
            initial_attempt_timestamp: now,
            unschedulable_plugins: Vec::new(),
        };
        self.entries.insert(
            key.clone(),
            Entry {
                info,
                location: Location::Active,
                generation: 0,
                popped_in_cycle: 0,
            },
        );
        self.move_to_active(key);
    }

    /// Update: the pod object changed. A pod waiting as unschedulable whose spec or labels
    /// changed moves back (isPodUpdated ignores status-only changes).
    pub fn update(&mut self, pod: Arc<PodInfo>, now: SimTime) {
        let key = key_of(&pod);
        let Some(e) = self.entries.get_mut(&key) else {
            self.add(pod, now);
            return;
        };
        let old = std::mem::replace(&mut e.info.pod_info, pod.clone());
        match e.location {
            Location::Active => self.move_to_active(key),
            Location::Unschedulable if pod_updated(&old, &pod) => {
                if self.is_backing_off(&self.entries[&key].info, now) {
                    self.move_to_backoff(key);
                } else {
                    self.move_to_active(key);
                }
            }
            _ => {}
        }
    }

    /// Delete: the pod is gone (or was bound by someone).
    pub fn delete(&mut self, key: &PodKey) {
        self.entries.remove(key);
        self.unschedulable.remove(key);
    }

    /// Pop: the next pod to schedule, now in flight. Attempts counts this attempt.
    pub fn pop(&mut self) -> Option<QueuedPodInfo> {
        while let Some(slot) = self.heap_pop() {
            let Some(e) = self.entries.get_mut(&slot.key) else {
                continue;
            };
            if e.generation != slot.generation || e.location != Location::Active {
                continue;
            }
            self.scheduling_cycle += 1;
            e.location = Location::InFlight;
            e.popped_in_cycle = self.scheduling_cycle;
            e.info.attempts += 1;
            return Some(e.info.clone());
        }
        None
    }

    /// Done: a pod in flight was bound; forget it.
    pub fn done(&mut self, key: &PodKey) {
        if self
            .entries
            .get(key)
            .is_some_and(|e| e.location == Location::InFlight)
        {
            self.entries.remove(key);
        }
    }

    /// AddUnschedulableIfNotPresent: a failed pod goes to the unschedulable set, or to
    /// backoffQ when a move request arrived while it was being scheduled or it failed with an
    /// error rather than a verdict.
    pub fn add_unschedulable(
        &mut self,
        key: &PodKey,
        unschedulable_plugins: Vec<&'static str>,
        error: bool,
        now: SimTime,
    ) {
        let Some(e) = self.entries.get_mut(key) else {
            return;
        };
        if e.location != Location::InFlight {
            return;
        }
        e.info.timestamp = now;
        e.info.unschedulable_plugins = unschedulable_plugins;
        let cycle = e.popped_in_cycle;
        if error || self.move_request_cycle >= cycle {
            self.move_to_backoff(key.clone());
        } else {
            e.location = Location::Unschedulable;
            e.generation += 1;
            self.unschedulable.insert(key.clone());
        }
    }

    /// MoveAllToActiveOrBackoffQueue for one event. Returns how many pods moved.
    pub fn move_all_to_active_or_backoff(&mut self, event: ClusterEvent, now: SimTime) -> usize {
        self.move_request_cycle = self.scheduling_cycle;
        let keys: Vec<PodKey> = self
            .unschedulable
            .iter()
            .filter(|k| {
                let e = &self.entries[*k];
                e.info.unschedulable_plugins.is_empty()
                    || e.info
                        .unschedulable_plugins
                        .iter()
                        .any(|p| plugin_interested(p, event))
            })
            .cloned()
            .collect();
        self.requeue(keys, now)
    }

    /// Moves unschedulable pods back: to backoffQ while they are backing off, else to
    /// activeQ. Returns how many moved.
    fn requeue(&mut self, keys: Vec<PodKey>, now: SimTime) -> usize {
        let moved = keys.len();
        for key in keys {
            if self.is_backing_off(&self.entries[&key].info, now) {
                self.move_to_backoff(key);
            } else {
                self.move_to_active(key);
            }
        }
        moved
    }

    /// flushBackoffQCompleted: pods whose back-off has expired go to activeQ.
    pub fn flush_backoff_completed(&mut self, now: SimTime) {
        while let Some((&(expiry, seq), _)) = self.backoff.iter().next() {
            if expiry > now {
                break;
            }
            let (key, generation) = self.backoff.remove(&(expiry, seq)).expect("present");
            if self
                .entries
                .get(&key)
                .is_some_and(|e| e.generation == generation && e.location == Location::Backoff)
            {
                self.move_to_active(key);
            }
        }
    }

    /// flushUnschedulablePodsLeftover: pods unschedulable for longer than
    /// POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION move back.
    pub fn flush_unschedulable_leftover(&mut self, now: SimTime) -> usize {
        let keys: Vec<PodKey> = self
            .unschedulable
            .iter()
            .filter(|k| {
                now.saturating_sub(self.entries[*k].info.timestamp)
                    > POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION
            })
            .cloned()
            .collect();
        self.requeue(keys, now)
    }
}

pub fn key_of(pod: &PodInfo) -> PodKey {
    (pod.pod.meta.namespace.clone(), pod.pod.meta.name.clone())
}

/// isPodUpdated: whether anything but the status, resourceVersion and generation changed.
fn pod_updated(old: &PodInfo, new: &PodInfo) -> bool {
    old.spec() != new.spec()
        || old.pod.meta.labels != new.pod.meta.labels
        || old.pod.meta.annotations != new.pod.meta.annotations
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::plugins::priority_sort;
    use crate::scheduler::testing::pod;

    fn queue() -> SchedulingQueue {
        SchedulingQueue::new(priority_sort::new(None).unwrap(), SECOND, 10 * SECOND)
    }

    fn p(name: &str, priority: i32) -> Arc<PodInfo> {
        pod(&format!(
            "metadata: {{name: {name}}}\nspec: {{priority: {priority}, containers: [{{name: c, image: i}}]}}"
        ))
    }

    #[test]
    fn active_queue_orders_by_priority_then_time_then_arrival() {
        let mut q = queue();
        q.add(p("low", 0), 0);
        q.add(p("high", 100), 5);
        q.add(p("low2", 0), 0);
        q.add(p("mid", 50), 1);
        let order: Vec<String> = std::iter::from_fn(|| q.pop())
            .map(|i| i.pod_info.name().to_string())
            .collect();
        assert_eq!(order, ["high", "mid", "low", "low2"]);
    }

    /// scheduling_queue_test.go TestPriorityQueue_calculateBackoffDuration (1 s initial,
    /// 10 s max → 1, 2, 4, 8, 10, 10).
    #[test]
    fn backoff_doubles_and_caps() {
        let q = queue();
        let got: Vec<u64> = (1..=6).map(|a| q.backoff_duration(a) / SECOND).collect();
        assert_eq!(got, [1, 2, 4, 8, 10, 10]);
    }

    #[test]
    fn unschedulable_pods_move_on_interesting_events_only() {
        let mut q = queue();
        q.add(p("a", 0), 0);
        let a = q.pop().unwrap();
        let key = key_of(&a.pod_info);
        q.add_unschedulable(&key, vec!["NodeResourcesFit"], false, 0);
        assert_eq!(q.counts(), (0, 0, 1));
        // A taint change cannot help a pod that did not fit on resources.
        assert_eq!(
            q.move_all_to_active_or_backoff(ClusterEvent::NodeTaintChange, 0),
            0
        );
        // A deleted pod frees resources; the pod is still backing off (1 s) so it waits.
        assert_eq!(
            q.move_all_to_active_or_backoff(ClusterEvent::AssignedPodDelete, 0),
            1
        );
        assert_eq!(q.counts(), (0, 1, 0));
        q.flush_backoff_completed(SECOND);
        assert_eq!(q.counts(), (1, 0, 0));
    }

    #[test]
    fn a_move_during_the_cycle_sends_the_failed_pod_to_backoff() {
        let mut q = queue();
        q.add(p("a", 0), 0);
        let a = q.pop().unwrap();
        q.move_all_to_active_or_backoff(ClusterEvent::AssignedPodDelete, 0);
        q.add_unschedulable(&key_of(&a.pod_info), vec!["NodeResourcesFit"], false, 0);
        assert_eq!(q.counts(), (0, 1, 0));
    }

    #[test]
    fn leftover_unschedulable_pods_are_flushed_after_five_minutes() {
        let mut q = queue();
        q.add(p("a", 0), 0);
        let a = q.pop().unwrap();
        q.add_unschedulable(&key_of(&a.pod_info), vec!["NodeName"], false, 0);
        assert_eq!(q.flush_unschedulable_leftover(5 * MINUTE), 0);
        assert_eq!(q.flush_unschedulable_leftover(5 * MINUTE + 1), 1);
        assert_eq!(q.counts(), (1, 0, 0));
    }
}
