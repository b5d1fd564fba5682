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
