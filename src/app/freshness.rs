//! How true the data on screen is: live, stale, or no data at all (and why).

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

/// What the screen must say about its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// No answer yet, and no failure either.
    Connecting,
    /// The last refresh succeeded recently.
    Live { last_ok: Timestamp },
    /// The last success is older than three intervals: rows dimmed, banner shown.
    Stale { last_ok: Timestamp },
    /// Nothing trustworthy: rows replaced by the reason. `since` is the last success, if any.
    NoData {
        since: Option<Timestamp>,
        reason: String,
    },
}

/// A failed refresh, as the screen tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub at: Timestamp,
    /// In full, for the NO DATA screen and the STALE banner.
    pub reason: String,
    /// In a code or a word (`503`, `timeout`), for the header's note.
    pub short: String,
}

/// The connection's recent history, as told by the sync task.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Connection {
    /// When the server last confirmed the picture: never moves backwards, and a pushed record
    /// applied without asking the server does not move it.
    pub last_ok: Option<Timestamp>,
    /// The latest failure, kept after a success: its note fades only after a quiet while.
    pub last_error: Option<Failure>,
    /// What the user can do about that failure, when it is theirs to fix.
    pub hint: Option<&'static str>,
    pub refreshing: bool,
}

impl Connection {
    /// The server confirmed the picture at `at`.
    pub fn confirmed(&mut self, at: Timestamp) {
        self.last_ok = self.last_ok.max(Some(at));
    }

    /// The note that refreshes are failing (`503`, `timeout`): from the first failure on,
    /// while failures are newer than the last confirmation, and for `hold` after the last one,
    /// so an API that fails now and then shows one steady note, not a flicker.
    pub fn retrying(&self, now: Timestamp, hold: SignedDuration) -> Option<&str> {
        let f = self.last_error.as_ref()?;
        let unanswered = self.last_ok.is_none_or(|ok| f.at >= ok);
        (unanswered || now.duration_since(f.at) < hold).then_some(f.short.as_str())
    }
}

/// Refresh periods without a good refresh before the data is STALE. One failed refresh (the
/// next one comes an interval later) never reaches it, so a flaky API that mostly answers
/// does not flap the header; two in a row, or an outage, does, within three intervals of the
/// last good one. The sync task's backoff after two failures is two intervals, which is what
/// makes two rather than three in a row the trigger.
pub const STALE_AFTER_PERIODS: u32 = 3;

/// When data turns stale and when it is withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaleRules {
    pub stale_after: SignedDuration,
    pub no_data_after: SignedDuration,
}

impl StaleRules {
    /// Stale after [`STALE_AFTER_PERIODS`] refresh intervals; withdrawn after `no_data_after`.
    pub fn new(interval: Duration, no_data_after: Duration) -> StaleRules {
        let stale =
            SignedDuration::try_from(interval * STALE_AFTER_PERIODS).unwrap_or(SignedDuration::MAX);
        let gone = SignedDuration::try_from(no_data_after).unwrap_or(SignedDuration::MAX);
        StaleRules {
            stale_after: stale,
            no_data_after: gone.max(stale),
        }
    }

    /// The same rules for refreshes that come every `period` (longer than the interval while
    /// push is healthy): stale after [`STALE_AFTER_PERIODS`] periods without one.
    pub fn with_period(self, period: Duration) -> StaleRules {
        let stale =
            SignedDuration::try_from(period * STALE_AFTER_PERIODS).unwrap_or(SignedDuration::MAX);
        let stale_after = self.stale_after.max(stale);
        StaleRules {
            stale_after,
            no_data_after: self.no_data_after.max(stale_after),
        }
    }

    pub fn judge(&self, c: &Connection, now: Timestamp) -> Freshness {
        let reason = || {
            c.last_error
                .as_ref()
                .map(|f| f.reason.clone())
                .unwrap_or_else(|| "no answer from the API".to_owned())
        };
        match c.last_ok {
            None if c.last_error.is_some() => Freshness::NoData {
                since: None,
                reason: reason(),
            },
            None => Freshness::Connecting,
            Some(ok) => {
                let age = now.duration_since(ok);
                if age <= self.stale_after {
                    Freshness::Live { last_ok: ok }
                } else if age <= self.no_data_after {
                    Freshness::Stale { last_ok: ok }
                } else {
                    Freshness::NoData {
                        since: Some(ok),
                        reason: reason(),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    fn failure(at: Timestamp, reason: &str) -> Option<Failure> {
        Some(Failure {
            at,
            reason: reason.to_owned(),
            short: reason.split(' ').next().unwrap_or_default().to_owned(),
        })
    }

    #[test]
    fn live_stale_no_data_and_back() {
        let rules = StaleRules::new(Duration::from_secs(2), Duration::from_secs(60));
        let mut c = Connection::default();
        assert_eq!(rules.judge(&c, at(0)), Freshness::Connecting);
        c.last_error = failure(at(1), "connection refused");
        assert_eq!(
            rules.judge(&c, at(1)),
            Freshness::NoData {
                since: None,
                reason: "connection refused".into()
            }
        );
        c.last_ok = Some(at(10));
        c.last_error = None;
        assert_eq!(rules.judge(&c, at(16)), Freshness::Live { last_ok: at(10) });
        assert_eq!(
            rules.judge(&c, at(17)),
            Freshness::Stale { last_ok: at(10) }
        );
        c.last_error = failure(at(20), "credentials rejected (401)");
        assert_eq!(
            rules.judge(&c, at(70)),
            Freshness::Stale { last_ok: at(10) }
        );
        assert_eq!(
            rules.judge(&c, at(71)),
            Freshness::NoData {
                since: Some(at(10)),
                reason: "credentials rejected (401)".into()
            }
        );
        c.last_ok = Some(at(72));
        assert_eq!(rules.judge(&c, at(72)), Freshness::Live { last_ok: at(72) });
    }

    /// A refresh every 2 s that fails now and then: one failure is followed by a retry an
    /// interval later, answered within a second, and the header never says STALE; a real
    /// outage does within three intervals.
    #[test]
    fn one_failed_refresh_never_flaps_but_an_outage_turns_stale_in_three_intervals() {
        let rules = StaleRules::new(Duration::from_secs(2), Duration::from_secs(60));
        let ms = |n: i64| Timestamp::from_millisecond(1_800_000_000_000 + n).unwrap();
        let mut c = Connection {
            last_ok: Some(ms(0)),
            ..Connection::default()
        };
        // Fails at 2.9 s (after 0.9 s of trying); the retry at 4.9 s answers at 5.8 s.
        c.last_error = failure(ms(2_900), "timeout");
        for t in (0..5_800).step_by(100) {
            assert!(
                matches!(rules.judge(&c, ms(t)), Freshness::Live { .. }),
                "STALE at {t} ms after one failure"
            );
        }
        // An outage: nothing good after 0, every attempt fails.
        let outage = Connection {
            last_ok: Some(ms(0)),
            last_error: failure(ms(4_000), "connection refused"),
            ..Connection::default()
        };
        assert!(matches!(
            rules.judge(&outage, ms(6_001)),
            Freshness::Stale { .. }
        ));
    }

    #[test]
    fn the_withdrawal_threshold_is_never_below_staleness() {
        let rules = StaleRules::new(Duration::from_secs(40), Duration::from_secs(10));
        assert!(rules.no_data_after >= rules.stale_after);
    }
}
