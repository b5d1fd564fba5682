//! The client-side request budget: a token bucket shared by every request conftop makes, well
//! under the customer's server-side limit (about 17/s shared by all of the customer's clients),
//! plus a pause that honours `Retry-After`.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Requests per second and burst.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetConfig {
    pub per_second: f64,
    pub burst: f64,
}

impl Default for BudgetConfig {
    /// Under half the server's customer limit, leaving room for the customer's other clients.
    fn default() -> Self {
        BudgetConfig {
            per_second: crate::settings::defaults::BUDGET,
            burst: crate::settings::defaults::BUDGET * 2.0,
        }
    }
}

#[derive(Debug)]
struct State {
    tokens: f64,
    last: Instant,
    paused_until: Option<Instant>,
}

/// A shared token bucket.
#[derive(Debug)]
pub struct Budget {
    config: BudgetConfig,
    state: Mutex<State>,
}

impl Budget {
    pub fn new(config: BudgetConfig) -> Budget {
        let config = BudgetConfig {
            per_second: config.per_second.max(0.1),
            burst: config.burst.max(1.0),
        };
        Budget {
            state: Mutex::new(State {
                tokens: config.burst,
                last: Instant::now(),
                paused_until: None,
            }),
            config,
        }
    }

    fn refill(&self, s: &mut State, now: Instant) {
        let elapsed = now.saturating_duration_since(s.last).as_secs_f64();
        s.tokens = (s.tokens + elapsed * self.config.per_second).min(self.config.burst);
        s.last = now;
    }

    /// Takes a token if one is free now (and no pause is on); otherwise says how long to wait.
    fn try_take(&self, reserve: f64) -> Result<(), Duration> {
        let now = Instant::now();
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(until) = s.paused_until {
            if until > now {
                return Err(until - now);
            }
            s.paused_until = None;
        }
        self.refill(&mut s, now);
        if s.tokens >= 1.0 + reserve {
            s.tokens -= 1.0;
            Ok(())
        } else {
            let missing = 1.0 + reserve - s.tokens;
            Err(Duration::from_secs_f64(missing / self.config.per_second))
        }
    }

    /// Waits until the budget allows one more request.
    pub async fn acquire(&self) {
        while let Err(wait) = self.try_take(0.0) {
            tokio::time::sleep(wait).await;
        }
    }

    /// Like [`Budget::acquire`], but gives up (returning false) if that would take longer than
    /// `limit`: a confirmed removal must not go out minutes after the user confirmed it.
    pub async fn acquire_within(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            match self.try_take(0.0) {
                Ok(()) => return true,
                Err(wait) if Instant::now() + wait > deadline => return false,
                Err(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// Takes a token only if `reserve` tokens would remain: for optional work (call details,
    /// history scans) that must never delay the next refresh.
    pub fn try_spare(&self, reserve: f64) -> bool {
        self.try_take(reserve).is_ok()
    }

    /// Stops all requests for `d` (the server's `Retry-After`).
    pub fn pause(&self, d: Duration) {
        let until = Instant::now() + d;
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.paused_until = Some(s.paused_until.map_or(until, |u| u.max(until)));
        // Whatever accumulated is not a licence to burst right after the pause.
        s.tokens = s.tokens.min(1.0);
    }

    pub fn config(&self) -> BudgetConfig {
        self.config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn burst_then_rate() {
        let b = Budget::new(BudgetConfig {
            per_second: 4.0,
            burst: 2.0,
        });
        let t0 = Instant::now();
        b.acquire().await;
        b.acquire().await;
        assert_eq!(Instant::now(), t0, "the burst is immediate");
        b.acquire().await;
        let waited = Instant::now() - t0;
        assert!(waited >= Duration::from_millis(249), "{waited:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn spare_keeps_a_reserve_and_pause_blocks() {
        let b = Budget::new(BudgetConfig {
            per_second: 1.0,
            burst: 3.0,
        });
        assert!(b.try_spare(1.0));
        assert!(b.try_spare(1.0));
        assert!(!b.try_spare(1.0), "one token must stay for essential work");
        b.pause(Duration::from_secs(5));
        assert!(
            !b.acquire_within(Duration::from_secs(2)).await,
            "not while paused"
        );
        let t0 = Instant::now();
        b.acquire().await;
        assert!(Instant::now() - t0 >= Duration::from_secs(3));
        assert!(b.acquire_within(Duration::from_secs(2)).await);
    }
}
