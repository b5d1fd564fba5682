//! The client-side request budget: a token bucket shared by every request conftop makes, well
//! under the customer's server-side limit (about 17/s shared by all of the customer's clients,
//! its own production traffic included), plus a pause that honours `Retry-After`.
//!
//! Several conftops of one customer share that limit without knowing of each other, so the
//! rate adapts. It starts at the ceiling (a little below, at random, so screens powered on
//! together do not march in step): one screen alone never meets the customer's limit there,
//! and its first picture comes as fast as the ceiling allows. Screens started together learn of
//! each other from their first 429, and learn it at once: the customer's bucket (burst and
//! rate, API.md §7) allowed everyone so many requests since this screen started, and this
//! screen's own share of them is its share of the customer now, so the first cut goes straight
//! to that share (less a margin, and no less than a twentieth: a screen that started last has
//! taken too few to tell), or to half if that is less deep. Later 429s halve the rate.
//! After a cut it holds still for [`CUT_HOLD`], then grows back slowly: one more round of 429s
//! costs one each for every screen, so none comes while they are loading. Optional work
//! (history scan, bulk caller walks) draws on a second, small share of the rate as well, so it
//! never takes the whole budget.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::api::LimitedBy;
use crate::defaults::{CUSTOMER_BURST, CUSTOMER_RATE};

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

/// The share of the ceiling an adaptive budget starts at, at least (the jitter adds up to the
/// rest).
const START_SHARE: f64 = 0.9;
/// A first 429 this soon after the start is taken as the sign of screens started together
/// (later, the customer's traffic changed: the cut is a halving).
const START_WINDOW: Duration = Duration::from_secs(30);
/// The share of its share of the customer's limit a screen keeps after its first cut: the
/// customer's own traffic needs room too, and the estimate is rough.
const SHARE_MARGIN: f64 = 0.8;
/// A first cut assumes no more than this many screens started together: a screen that started
/// last, or had little to ask yet, has taken too few requests for its share to tell.
const MOST_SCREENS: f64 = 20.0;
/// After a cut the rate stays put this long (every screen started together is still
/// loading), then grows by this share of the ceiling a second (back to the ceiling from half
/// of it in about five minutes).
const CUT_HOLD: Duration = Duration::from_secs(60);
const GROWTH_AFTER_CUT: f64 = 0.0015;
/// A 429 halves the rate, but not below this.
const MIN_RATE: f64 = 0.2;
/// 429s within this long of a cut are the same congestion: answers to requests sent before it,
/// and the first retries after the pause it came with.
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
    /// When the budget started, and the tokens taken since: this screen's part of what the
    /// customer's limit allowed meanwhile.
    started: Instant,
    taken: f64,
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

    /// `jitter` in 0..1 spreads the starting rate between [`START_SHARE`] and the ceiling.
    pub fn with_jitter(config: BudgetConfig, jitter: f64) -> Budget {
        let config = BudgetConfig {
            per_second: config.per_second.max(0.1),
            burst: config.burst.max(1.0),
            ..config
        };
        let rate = if config.adaptive {
            config.per_second * (START_SHARE + (1.0 - START_SHARE) * jitter.clamp(0.0, 1.0))
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
                started: Instant::now(),
                taken: 0.0,
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
        let last = s.last;
        let elapsed = now.saturating_duration_since(last).as_secs_f64();
        s.last = now;
        // After a cut, growth once the hold is over (only the part of this stretch past it).
        if self.config.adaptive
            && let Some(cut) = s.last_cut
        {
            let growing = now.saturating_duration_since(last.max(cut + CUT_HOLD));
            s.rate = (s.rate + growing.as_secs_f64() * GROWTH_AFTER_CUT * self.config.per_second)
                .min(self.config.per_second);
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
            s.taken += 1.0;
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
        // Whatever accumulated is not a licence to burst right after the pause, nor even to
        // send at once: screens paused together would all retry together into a bucket that
        // has barely refilled. Each waits its own token, at its own (cut) rate.
        s.tokens = 0.0;
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
        let half = s.rate / 2.0;
        let since = now.saturating_duration_since(s.started);
        s.rate = if s.cuts == 0 && since <= START_WINDOW {
            // What the customer's limit allowed everyone since the start, and this screen's
            // part of it: with others started together, its share now.
            let allowed = CUSTOMER_BURST + CUSTOMER_RATE * since.as_secs_f64();
            let share = (s.taken / allowed).clamp(1.0 / MOST_SCREENS, 1.0);
            half.min(share * CUSTOMER_RATE * SHARE_MARGIN)
        } else {
            half
        };
        s.rate = s.rate.max(MIN_RATE.min(self.config.per_second));
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
    async fn a_first_429_soon_after_the_start_cuts_to_the_share_used() {
        // Ten screens started together: this one had 4 of the customer's first 35 requests.
        let b = Budget::with_jitter(BudgetConfig::adaptive(8.0), 1.0);
        assert_eq!(b.rate().per_second, 8.0);
        tokio::time::sleep(Duration::from_millis(100)).await;
        for _ in 0..4 {
            b.acquire().await;
        }
        b.rate_limited(Some(LimitedBy::Customer));
        let share = 4.0 / (33.0 + 1.7);
        let cut = b.rate().per_second;
        assert!((cut - share * 17.0 * 0.8).abs() < 0.01, "{cut}");
        // Requests already in flight answer 429 too: one cut for one congestion.
        b.rate_limited(None);
        assert_eq!(b.rate().cuts, 1);
        // The per-IP limit is not the customer's.
        tokio::time::sleep(Duration::from_secs(3)).await;
        b.rate_limited(Some(LimitedBy::Ip));
        assert_eq!(b.rate().cuts, 1);

        // The last of several to start: one request taken before the customer's bucket was
        // empty says little, and the cut goes no lower than a twentieth of the customer's rate.
        let b = Budget::with_jitter(BudgetConfig::adaptive(8.0), 1.0);
        b.acquire().await;
        b.rate_limited(Some(LimitedBy::Customer));
        let cut = b.rate().per_second;
        assert!((cut - 17.0 * 0.8 / 20.0).abs() < 0.01, "{cut}");

        // Alone, with the customer's own traffic taking most of the limit: the share used is
        // large, and the cut is a halving.
        let b = Budget::with_jitter(BudgetConfig::adaptive(8.0), 1.0);
        for _ in 0..40 {
            b.acquire().await;
        }
        b.rate_limited(Some(LimitedBy::Customer));
        assert!((b.rate().per_second - 4.0).abs() < 0.01);
    }

    #[tokio::test(start_paused = true)]
    async fn later_429s_halve_and_the_rate_holds_before_it_grows_back_slowly() {
        let b = Budget::with_jitter(BudgetConfig::adaptive(8.0), 1.0);
        tokio::time::sleep(START_WINDOW + Duration::from_secs(1)).await;
        b.rate_limited(None);
        assert!(
            (b.rate().per_second - 4.0).abs() < 0.01,
            "past the start: halved"
        );
        tokio::time::sleep(CUT_QUIET).await;
        b.rate_limited(None);
        assert!((b.rate().per_second - 2.0).abs() < 0.01, "halved again");
        // Held while screens started together may still be loading.
        tokio::time::sleep(CUT_HOLD - Duration::from_secs(1)).await;
        assert!((b.rate().per_second - 2.0).abs() < 0.01);
        // Then slow growth, never past the ceiling.
        tokio::time::sleep(Duration::from_secs(61)).await;
        let grown = b.rate().per_second;
        assert!(
            (grown - (2.0 + 60.0 * 0.0015 * 8.0)).abs() < 0.02,
            "{grown}"
        );
        tokio::time::sleep(Duration::from_secs(100_000)).await;
        assert_eq!(b.rate().per_second, 8.0);
    }

    #[tokio::test(start_paused = true)]
    async fn starting_rates_are_spread_just_below_the_ceiling() {
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
            rates[0] >= 8.0 * START_SHARE && rates[2] <= 8.0,
            "{rates:?}"
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
