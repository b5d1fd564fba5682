//! A token bucket per customer, like the server's `v1_customer` tier (about 17 requests/s,
//! burst 33; API.md §7).

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Requests per second and burst size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: f64,
}

impl Default for RateLimit {
    /// The server's default customer limit.
    fn default() -> Self {
        RateLimit {
            per_second: crate::defaults::CUSTOMER_RATE,
            burst: crate::defaults::CUSTOMER_BURST,
        }
    }
}

#[derive(Debug, Default)]
pub struct Limiter {
    buckets: HashMap<usize, (f64, Instant)>,
}

impl Limiter {
    /// Takes one token for `key`, or says how long until one is available.
    pub fn check(&mut self, key: usize, limit: RateLimit, now: Instant) -> Result<(), Duration> {
        let (tokens, last) = self.buckets.entry(key).or_insert((limit.burst, now));
        let elapsed = now.saturating_duration_since(*last).as_secs_f64();
        *tokens = (*tokens + elapsed * limit.per_second).min(limit.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / limit.per_second))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refill() {
        let mut l = Limiter::default();
        let limit = RateLimit::default();
        let t0 = Instant::now();
        for _ in 0..33 {
            assert!(l.check(0, limit, t0).is_ok());
        }
        let wait = l.check(0, limit, t0).unwrap_err();
        assert!(wait <= Duration::from_millis(60), "{wait:?}");
        assert!(
            l.check(1, limit, t0).is_ok(),
            "customers have separate buckets"
        );
        assert!(l.check(0, limit, t0 + Duration::from_millis(100)).is_ok());
    }
}
