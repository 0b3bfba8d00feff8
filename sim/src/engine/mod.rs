//! The discrete-event core: an integer virtual clock, an event queue totally ordered by
//! (time, insertion sequence), named deterministic RNG streams and the runaway guard.
//! Only this module advances time.

mod queue;
mod rng;
mod time;

pub use queue::{EventQueue, Scheduled};
pub use rng::{RngStreams, SimRng};
pub use time::{
    format_duration, parse_duration, SimDuration, SimTime, MICROSECOND, MILLISECOND, MINUTE, SECOND,
};

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The clock reached the `until` time.
    Until,
    /// Nothing left to do.
    Idle,
    /// A caller-supplied condition became true.
    Condition,
}

/// The runaway guard tripped: more events than the limit before `until`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("simulation exceeded the limit of {limit} events at t={} (raise `maxEvents` in the scenario or pass --max-events if this is expected)", format_duration(*at))]
pub struct RunawayError {
    pub limit: u64,
    pub at: SimTime,
}

/// The clock and event queue of one run, generic over the event type so that benchmarks
/// and tests can drive it with trivial events.
pub struct Engine<E> {
    queue: EventQueue<E>,
    now: SimTime,
    until: SimTime,
    events_processed: u64,
    max_events: u64,
}

impl<E> Engine<E> {
    pub fn new(until: SimTime, max_events: u64) -> Self {
        Engine {
            queue: EventQueue::new(),
            now: 0,
            until,
            events_processed: 0,
            max_events,
        }
    }

    pub fn now(&self) -> SimTime {
        self.now
    }
    pub fn until(&self) -> SimTime {
        self.until
    }
    pub fn set_until(&mut self, until: SimTime) {
        self.until = until;
    }
    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Schedules `event` at absolute time `at`; times in the past are clamped to now, so an
    /// event can never run before the one that scheduled it.
    pub fn schedule_at(&mut self, at: SimTime, event: E) {
        let at = at.max(self.now);
        self.queue.push(at, event);
    }

    pub fn schedule_in(&mut self, delay: SimDuration, event: E) {
        self.queue.push(self.now.saturating_add(delay), event);
    }

    /// Pops the next event if it is due at or before `until`, advancing the clock to it.
    /// Returns `Ok(None)` when the run is over (clock at `until`, or queue empty).
    pub fn next_event(&mut self) -> Result<Option<(SimTime, E)>, RunawayError> {
        match self.queue.peek_time() {
            Some(t) if t <= self.until => {}
            _ => return Ok(None),
        }
        if self.events_processed >= self.max_events {
            return Err(RunawayError {
                limit: self.max_events,
                at: self.now,
            });
        }
        let Scheduled { time, event, .. } = self.queue.pop().expect("peeked");
        debug_assert!(time >= self.now, "time went backwards");
        self.now = time;
        self.events_processed += 1;
        Ok(Some((time, event)))
    }

    /// Why `next_event` returned `None`: the queue drained, or the next event lies past `until`.
    /// Advances the clock to `until` in the latter case.
    pub fn finish(&mut self) -> StopReason {
        if self.queue.is_empty() {
            StopReason::Idle
        } else {
            self.now = self.now.max(self.until);
            StopReason::Until
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_run_in_time_then_insertion_order() {
        let mut e = Engine::new(100, 1000);
        e.schedule_at(5, "b");
        e.schedule_at(3, "a");
        e.schedule_at(5, "c");
        e.schedule_at(200, "late");
        let mut seen = Vec::new();
        while let Some((t, ev)) = e.next_event().unwrap() {
            seen.push((t, ev));
        }
        assert_eq!(seen, vec![(3, "a"), (5, "b"), (5, "c")]);
        assert_eq!(e.finish(), StopReason::Until);
        assert_eq!(e.now(), 100);
    }

    #[test]
    fn runaway_guard_stops_with_an_error() {
        let mut e = Engine::new(u64::MAX, 10);
        e.schedule_at(0, ());
        let mut n = 0;
        let err = loop {
            match e.next_event() {
                Ok(Some((t, ()))) => {
                    n += 1;
                    e.schedule_at(t + 1, ());
                }
                Ok(None) => panic!("should not drain"),
                Err(err) => break err,
            }
        };
        assert_eq!(n, 10);
        assert_eq!(err.limit, 10);
        assert!(err.to_string().contains("exceeded the limit of 10 events"));
    }

    #[test]
    fn past_times_are_clamped_to_now() {
        let mut e = Engine::new(100, 100);
        e.schedule_at(10, 1);
        assert_eq!(e.next_event().unwrap(), Some((10, 1)));
        e.schedule_at(2, 2);
        assert_eq!(e.next_event().unwrap(), Some((10, 2)));
    }
}
