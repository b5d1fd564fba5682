//! Fault injection, switchable while the simulator runs: latency, 5xx bursts, dropped
//! connections, malformed or truncated JSON, 429 storms and broken pagination.

use std::time::Duration;

/// What goes wrong, and how often. Rates are probabilities per request (0.0–1.0).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Added before every answer.
    pub latency: Duration,
    /// Share of requests answered 500/503 with the error envelope.
    pub error_rate: f64,
    /// Share of connections dropped before a complete answer.
    pub drop_rate: f64,
    /// Share of answers that are 200 with a body that is not JSON.
    pub malformed_rate: f64,
    /// Share of answers whose JSON body is cut in half.
    pub truncate_rate: f64,
    /// Share of DELETEs whose kick fails in the bridge: the server answers 400 although the
    /// participant may already be `leaving` (API.md §3).
    pub kick_fail_rate: f64,
    /// Share of requests answered 429 with the envelope but neither `Retry-After` nor
    /// `limited_by`: a backend's "too many requests" as the gateway translates it (API.md §7).
    pub bare_429_rate: f64,
    /// Answer every request 429 with this `Retry-After` (seconds).
    pub storm_retry_after: Option<u64>,
    /// List endpoints hand back the token they were given, so a naive walker never ends.
    pub pagination_loop: bool,
    /// List endpoints never reach an empty page: past the real records they invent old ones.
    pub endless_pages: bool,
}

/// The faults a standalone simulator is told over HTTP (`PUT /_sim/faults`): rates as
/// above, the latency in milliseconds; what is left out is off.
#[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultsBody {
    pub latency_ms: u64,
    pub error_rate: f64,
    pub drop_rate: f64,
    pub malformed_rate: f64,
    pub truncate_rate: f64,
    pub kick_fail_rate: f64,
    pub bare_429_rate: f64,
    pub pagination_loop: bool,
    pub endless_pages: bool,
}

impl FaultsBody {
    pub const FIELDS: &str = "latency_ms, error_rate, drop_rate, malformed_rate, truncate_rate, \
                              kick_fail_rate, bare_429_rate, pagination_loop, endless_pages";

    pub fn faults(&self) -> Faults {
        let rate = |r: f64| {
            if r.is_finite() {
                r.clamp(0.0, 1.0)
            } else {
                0.0
            }
        };
        Faults {
            latency: Duration::from_millis(self.latency_ms.min(600_000)),
            error_rate: rate(self.error_rate),
            drop_rate: rate(self.drop_rate),
            malformed_rate: rate(self.malformed_rate),
            truncate_rate: rate(self.truncate_rate),
            kick_fail_rate: rate(self.kick_fail_rate),
            bare_429_rate: rate(self.bare_429_rate),
            storm_retry_after: None,
            pagination_loop: self.pagination_loop,
            endless_pages: self.endless_pages,
        }
    }

    pub fn of(f: &Faults) -> FaultsBody {
        FaultsBody {
            latency_ms: f.latency.as_millis() as u64,
            error_rate: f.error_rate,
            drop_rate: f.drop_rate,
            malformed_rate: f.malformed_rate,
            truncate_rate: f.truncate_rate,
            kick_fail_rate: f.kick_fail_rate,
            bare_429_rate: f.bare_429_rate,
            pagination_loop: f.pagination_loop,
            endless_pages: f.endless_pages,
        }
    }
}
