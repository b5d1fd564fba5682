//! The client-side request budget: a token bucket shared by every request conftop makes, well
//! under the customer's server-side limit (about 17/s shared by all of the customer's clients,
//! its own production traffic included), plus a pause that honours `Retry-After`.
//!
//! Several conftops of one customer share that limit without knowing of each other, so the
//! rate adapts as TCP's does: it starts at part of the ceiling (with jitter, so screens powered
//! on together do not march in step), grows steadily while no 429 comes, and halves when one
//! does (the customer's limit, or a bare 429). After the first cut it grows ten times slower.
//! Optional work (history scan, bulk caller walks) draws on a second, small share of the rate
//! as well, so it never takes the whole budget.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::api::LimitedBy;

/// The ceiling the user set, its burst, and whether the rate adapts below it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetConfig {
    /// The most requests per second, ever (`--budget`).
    pub per_second: f64,
    pub burst: f64,
    /// Start below the ceiling and adapt to 429s (off: a fixed rate at the ceiling).
    pub adaptive: bool,
    /// The share of the rate optional work (history scan, caller lookups) may use.
    pub optional_share: f64,
}

impl Default for BudgetConfig {
    /// Under half the server's customer limit, leaving room for the customer's other clients.
    fn default() -> Self {
        BudgetConfig::adaptive(crate::defaults::BUDGET)
    }
}

impl BudgetConfig {
    /// An adaptive budget with this ceiling and a burst of two seconds' worth.
    pub fn adaptive(per_second: f64) -> BudgetConfig {
        BudgetConfig {
            per_second,
            burst: (per_second * 2.0).max(1.0),
            adaptive: true,
            optional_share: OPTIONAL_SHARE,
        }
    }

    /// A fixed rate: the ceiling from the start, whatever the server says, optional work
    /// included (tests, benches).
    pub const fn fixed(per_second: f64, burst: f64) -> BudgetConfig {
        BudgetConfig {
            per_second,
            burst,
            adaptive: false,
            optional_share: 1.0,
        }
    }

    /// The same budget with optional work allowed the whole of it: for a one-shot listing,
    /// whose callers are the point.
    pub const fn optional_unlimited(self) -> BudgetConfig {
        BudgetConfig {
            optional_share: 1.0,
            ..self
        }
    }
}

/// The share of the ceiling an adaptive budget starts at (before jitter): four screens started
/// together stay under the customer's limit at the default ceiling.
const START_SHARE: f64 = 0.45;
/// Growth per second of the rate while no 429 comes, as a share of the ceiling (alone, a
/// screen reaches the ceiling in about 40 s); after the first cut, a tenth of it.
const GROWTH: f64 = 0.015;
const GROWTH_AFTER_CUT: f64 = GROWTH / 10.0;
/// A 429 halves the rate, but not below this.
const MIN_RATE: f64 = 0.2;
/// 429s within this long of a cut are the same congestion (requests already in flight).
const CUT_QUIET: Duration = Duration::from_secs(2);
/// The share of the rate optional work may use.
pub const OPTIONAL_SHARE: f64 = 0.25;

#[derive(Debug)]
struct State {
    tokens: f64,
    /// Tokens of the optional work's own share.
    spare: f64,
    last: Instant,
    paused_until: Option<Instant>,
    rate: f64,
    last_cut: Option<Instant>,
    cuts: u32,
}

/// A shared, adaptive token bucket.
#[derive(Debug)]
pub struct Budget {
    config: BudgetConfig,
    state: Mutex<State>,
}

/// The rate in use, for the screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub ceiling: f64,
    /// 429s from the API that cut it so far.
    pub cuts: u32,
}

impl Budget {
    pub fn new(config: BudgetConfig) -> Budget {
        Budget::with_jitter(config, fastrand::f64())
    }

    /// `jitter` in 0..1 spreads the starting rate over ±15 %.
    pub fn with_jitter(config: BudgetConfig, jitter: f64) -> Budget {
        let config = BudgetConfig {
            per_second: config.per_second.max(0.1),
            burst: config.burst.max(1.0),
            ..config
        };
        let rate = if config.adaptive {
            config.per_second * START_SHARE * (0.85 + 0.3 * jitter.clamp(0.0, 1.0))
        } else {
            config.per_second
        };
        let budget = Budget {
            state: Mutex::new(State {
                tokens: 0.0,
                spare: 1.0,
                last: Instant::now(),
                paused_until: None,
                rate,
                last_cut: None,
                cuts: 0,
            }),
            config,
        };
        {
            let mut s = budget.lock();
            s.tokens = budget.capacity(&s);
        }
        budget
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The bucket holds two seconds' worth at the current rate, at most the configured burst.
    fn capacity(&self, s: &State) -> f64 {
        if self.config.adaptive {
            (s.rate * 2.0).clamp(1.0, self.config.burst)
        } else {
            self.config.burst
        }
    }

    fn refill(&self, s: &mut State, now: Instant) {
        let elapsed = now.saturating_duration_since(s.last).as_secs_f64();
        s.last = now;
        if self.config.adaptive && s.last_cut.is_none_or(|t| now >= t + CUT_QUIET) {
            let growth = if s.cuts == 0 {
                GROWTH
            } else {
                GROWTH_AFTER_CUT
            };
            s.rate =
                (s.rate + elapsed * growth * self.config.per_second).min(self.config.per_second);
        }
        let cap = self.capacity(s);
        s.tokens = (s.tokens + elapsed * s.rate).min(cap);
        let share = self.config.optional_share.clamp(0.0, 1.0);
        s.spare = (s.spare + elapsed * s.rate * share).min(cap * share + 1.0);
    }

    /// Takes a token if one is free now (and no pause is on); otherwise says how long to wait.
    /// Optional work needs a token of its own share too, and leaves `reserve` behind.
    fn try_take(&self, reserve: f64, optional: bool) -> Result<(), Duration> {
        let now = Instant::now();
        let mut s = self.lock();
        if let Some(until) = s.paused_until {
            if until > now {
                return Err(until - now);
            }
            s.paused_until = None;
        }
        self.refill(&mut s, now);
        let spare_ok = !optional || self.config.optional_share >= 1.0 || s.spare >= 1.0;
        if s.tokens >= 1.0 + reserve && spare_ok {
            s.tokens -= 1.0;
            if optional {
                s.spare = (s.spare - 1.0).max(0.0);
            }
            Ok(())
        } else {
            let missing = (1.0 + reserve - s.tokens).max(0.0);
            let mut wait = missing / s.rate;
            if !spare_ok {
                let share = self.config.optional_share.clamp(0.01, 1.0);
                wait = wait.max((1.0 - s.spare) / (s.rate * share));
            }
            Err(Duration::from_secs_f64(wait.max(0.001)))
        }
    }

    /// Waits until the budget allows one more request.
    pub async fn acquire(&self) {
        while let Err(wait) = self.try_take(0.0, false) {
            tokio::time::sleep(wait).await;
        }
    }

    /// Like [`Budget::acquire`], but gives up (returning false) if that would take longer than
    /// `limit`: a confirmed removal must not go out minutes after the user confirmed it.
    pub async fn acquire_within(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            match self.try_take(0.0, false) {
                Ok(()) => return true,
                Err(wait) if Instant::now() + wait > deadline => return false,
                Err(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// Takes a token for optional work (call details, history scans) only if its share allows
    /// and `reserve` tokens would remain, so that it never delays the next refresh.
    pub fn try_spare(&self, reserve: f64) -> bool {
        self.try_take(reserve, true).is_ok()
    }

    /// Stops all requests for `d` (the server's `Retry-After`).
    pub fn pause(&self, d: Duration) {
        let until = Instant::now() + d;
        let mut s = self.lock();
        s.paused_until = Some(s.paused_until.map_or(until, |u| u.max(until)));
        // Whatever accumulated is not a licence to burst right after the pause.
        s.tokens = s.tokens.min(1.0);
    }

    /// A 429 came back. The customer's limit (or a bare 429, which could be it) halves the
    /// rate; the per-IP limit is this machine's own business and only pauses.
    pub fn rate_limited(&self, limited_by: Option<LimitedBy>) {
        if !self.config.adaptive || limited_by == Some(LimitedBy::Ip) {
            return;
        }
        let now = Instant::now();
        let mut s = self.lock();
        if s.last_cut.is_some_and(|t| now < t + CUT_QUIET) {
            return;
        }
        self.refill(&mut s, now);
        s.rate = (s.rate / 2.0).max(MIN_RATE.min(self.config.per_second));
        s.last_cut = Some(now);
        s.cuts += 1;
        let cap = self.capacity(&s);
        s.tokens = s.tokens.min(cap);
        tracing::info!(rate = s.rate, "the API said 429: request rate cut");
    }

    /// The rate in use now.
    pub fn rate(&self) -> Rate {
        let mut s = self.lock();
        self.refill(&mut s, Instant::now());
        Rate {
            per_second: s.rate,
            ceiling: self.config.per_second,
            cuts: s.cuts,
        }
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
        let b = Budget::new(BudgetConfig::fixed(4.0, 2.0));
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
            optional_share: OPTIONAL_SHARE,
            ..BudgetConfig::fixed(1.0, 3.0)
        });
        assert!(b.try_spare(1.0));
        assert!(!b.try_spare(1.0), "optional work has only its own share");
        tokio::time::sleep(Duration::from_secs(4)).await;
        assert!(b.try_spare(1.0));
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

    #[tokio::test(start_paused = true)]
    async fn an_adaptive_rate_starts_low_halves_on_429_and_recovers_slowly() {
        let b = Budget::with_jitter(BudgetConfig::adaptive(8.0), 0.5);
        let start = b.rate().per_second;
        assert!((3.0..4.0).contains(&start), "{start}");
        tokio::time::sleep(Duration::from_secs(20)).await;
        let grown = b.rate().per_second;
        assert!(grown > start + 0.5 && grown <= 8.0, "{grown}");
        b.rate_limited(Some(LimitedBy::Customer));
        let cut = b.rate().per_second;
        assert!((cut - grown / 2.0).abs() < 0.1, "{grown} → {cut}");
        // Requests already in flight answer 429 too: one cut for one congestion.
        b.rate_limited(None);
        assert_eq!(b.rate().cuts, 1);
        // The per-IP limit is not the customer's.
        tokio::time::sleep(Duration::from_secs(3)).await;
        b.rate_limited(Some(LimitedBy::Ip));
        assert_eq!(b.rate().cuts, 1);
        // Slower growth after a cut, never past the ceiling.
        let before = b.rate().per_second;
        tokio::time::sleep(Duration::from_secs(20)).await;
        let after = b.rate().per_second;
        assert!(
            after > before && after - before < grown - start,
            "{before} → {after}"
        );
        tokio::time::sleep(Duration::from_secs(100_000)).await;
        assert_eq!(b.rate().per_second, 8.0);
    }

    #[tokio::test(start_paused = true)]
    async fn starting_rates_are_spread() {
        let rates: Vec<f64> = [0.0, 0.5, 1.0]
            .iter()
            .map(|j| {
                Budget::with_jitter(BudgetConfig::adaptive(8.0), *j)
                    .rate()
                    .per_second
            })
            .collect();
        assert!(rates[0] < rates[1] && rates[1] < rates[2], "{rates:?}");
        assert!(
            rates[2] * 4.0 < 17.0,
            "four screens start under the customer's limit"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn optional_work_gets_a_small_share() {
        let b = Budget::new(BudgetConfig {
            optional_share: OPTIONAL_SHARE,
            ..BudgetConfig::fixed(8.0, 16.0)
        });
        // Drain what is there, then count over 10 s.
        while b.try_spare(0.0) {}
        let mut optional = 0;
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            while b.try_spare(0.0) {
                optional += 1;
            }
        }
        let share = optional as f64 / 80.0;
        assert!((0.15..=0.35).contains(&share), "{optional} of 80: {share}");
    }
}
