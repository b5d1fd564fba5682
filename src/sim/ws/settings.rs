//! Websocket knobs: how the server behaves, and what goes wrong on purpose.

use std::time::Duration;

/// How the simulated server runs its websockets.
#[derive(Debug, Clone, PartialEq)]
pub struct WsOptions {
    /// Frames in the legacy wrapped form `{"type":"conference_updated","data":{…}}` of servers
    /// before 2026-08, instead of the bare record.
    pub wrapped_events: bool,
    /// How often the server pings each websocket (the server's is 10 s).
    pub ping_interval: Duration,
    /// A websocket is dropped this long after the last pong (the server's is 60 s).
    pub pong_timeout: Duration,
    /// Frames queued per websocket before further ones are dropped (the server's is 2000).
    pub queue: usize,
}

impl Default for WsOptions {
    fn default() -> Self {
        WsOptions {
            wrapped_events: false,
            ping_interval: Duration::from_secs(10),
            pong_timeout: Duration::from_secs(60),
            queue: 2000,
        }
    }
}

/// Websocket faults, switchable while the simulator runs. Rates are probabilities per frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WsFaults {
    /// Upgrades are answered 503 (with the error envelope) instead of upgrading.
    pub refuse_upgrades: bool,
    /// The server stops pinging; its pong deadline still applies.
    pub no_ping: bool,
    /// Share of event frames preceded by a text frame that is not JSON.
    pub garbage_rate: f64,
    /// Share of event frames preceded by a binary frame.
    pub binary_rate: f64,
    /// Every event frame is held this long after it was published.
    pub delay: Duration,
}
