//! Rate limiters of client-go (util/workqueue/default_rate_limiters.go, util/flowcontrol):
//! a token bucket for QPS/burst limits and per-item exponential back-off. Integer time only.

use std::collections::BTreeMap;

use crate::engine::{SimDuration, SimTime, MILLISECOND, SECOND};

/// A token bucket of `qps` tokens per second holding at most `burst`, implemented as the
/// equivalent generic cell rate algorithm so that it needs no floating point at run time.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    interval_ns: u64,
    burst: u64,
    /// Theoretical arrival time of the next token.
    tat: SimTime,
}

impl TokenBucket {
    /// `qps` must be positive; `burst` at least 1.
    pub fn new(qps: f64, burst: u32) -> TokenBucket {
        assert!(qps > 0.0, "qps must be positive");
        TokenBucket {
            interval_ns: ((SECOND as f64) / qps).round().max(1.0) as u64,
            burst: u64::from(burst.max(1)),
            tat: 0,
        }
    }

    /// Takes a token if one is available now (flowcontrol's TryAccept); false leaves the
    /// bucket as it was.
    pub fn try_accept(&mut self, now: SimTime) -> bool {
        let tat = self.tat.max(now);
        let allowed_at = tat.saturating_sub((self.burst - 1) * self.interval_ns);
        if allowed_at > now {
            return false;
        }
        self.tat = tat + self.interval_ns;
        true
    }

    /// Takes a token, returning how long the caller must wait before using it.
    pub fn reserve(&mut self, now: SimTime) -> SimDuration {
        let tat = self.tat.max(now);
        let allowed_at = tat.saturating_sub((self.burst - 1) * self.interval_ns);
        self.tat = tat + self.interval_ns;
        allowed_at.saturating_sub(now)
    }
}

/// ItemExponentialFailureRateLimiter: `base * 2^failures`, capped at `max`.
#[derive(Clone, Debug)]
pub struct ItemExponentialBackoff<K: Ord> {
    base: SimDuration,
    max: SimDuration,
    failures: BTreeMap<K, u32>,
}

impl<K: Ord + Clone> ItemExponentialBackoff<K> {
    pub fn new(base: SimDuration, max: SimDuration) -> Self {
        ItemExponentialBackoff {
            base,
            max,
            failures: BTreeMap::new(),
        }
    }

    /// The delay for this item's next retry, counting this failure.
    pub fn when(&mut self, item: &K) -> SimDuration {
        let n = self.failures.entry(item.clone()).or_insert(0);
        let exp = *n;
        *n += 1;
        if exp >= 63 {
            return self.max;
        }
        self.base.saturating_mul(1u64 << exp).min(self.max)
    }

    pub fn forget(&mut self, item: &K) {
        self.failures.remove(item);
    }

    pub fn num_requeues(&self, item: &K) -> u32 {
        self.failures.get(item).copied().unwrap_or(0)
    }
}

/// DefaultControllerRateLimiter: the max of per-item back-off (5 ms .. 1000 s) and an overall
/// 10 qps / 100 burst bucket.
#[derive(Clone, Debug)]
pub struct ControllerRateLimiter<K: Ord> {
    pub item: ItemExponentialBackoff<K>,
    pub bucket: TokenBucket,
}

impl<K: Ord + Clone> Default for ControllerRateLimiter<K> {
    fn default() -> Self {
        ControllerRateLimiter {
            item: ItemExponentialBackoff::new(5 * MILLISECOND, 1000 * SECOND),
            bucket: TokenBucket::new(10.0, 100),
        }
    }
}

impl<K: Ord + Clone> ControllerRateLimiter<K> {
    pub fn when(&mut self, now: SimTime, item: &K) -> SimDuration {
        let a = self.item.when(item);
        let b = self.bucket.reserve(now);
        a.max(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_burst_then_paces() {
        let mut b = TokenBucket::new(10.0, 3);
        let delays: Vec<_> = (0..5).map(|_| b.reserve(0)).collect();
        assert_eq!(delays, vec![0, 0, 0, 100 * MILLISECOND, 200 * MILLISECOND]);
        // After a quiet second the burst is back.
        let later = 2 * SECOND;
        assert_eq!(b.reserve(later), 0);
        assert_eq!(b.reserve(later), 0);
        assert_eq!(b.reserve(later), 0);
        assert_eq!(b.reserve(later), 100 * MILLISECOND);
    }

    #[test]
    fn try_accept_takes_only_available_tokens() {
        // 0.1 qps, burst 1: the node controller's eviction limiter.
        let mut b = TokenBucket::new(0.1, 1);
        assert!(b.try_accept(0));
        assert!(!b.try_accept(SECOND));
        assert!(!b.try_accept(9 * SECOND));
        assert!(b.try_accept(10 * SECOND));
    }

    // client-go TestItemExponentialFailureRateLimiter: 1ms base, 1s max.
    #[test]
    fn item_backoff_doubles_and_caps() {
        let mut l = ItemExponentialBackoff::new(MILLISECOND, SECOND);
        let seq: Vec<_> = (0..5).map(|_| l.when(&"one")).collect();
        assert_eq!(
            seq,
            vec![
                MILLISECOND,
                2 * MILLISECOND,
                4 * MILLISECOND,
                8 * MILLISECOND,
                16 * MILLISECOND
            ]
        );
        assert_eq!(l.num_requeues(&"one"), 5);
        assert_eq!(l.when(&"two"), MILLISECOND);
        for _ in 0..20 {
            l.when(&"one");
        }
        assert_eq!(l.when(&"one"), SECOND);
        l.forget(&"one");
        assert_eq!(l.when(&"one"), MILLISECOND);
    }
}
