//! Following VoIPbin's websocket: connect, subscribe, pass each record on, and when the socket
//! is refused, breaks or falls silent, say so and reconnect with backoff.
//!
//! The server pings every 10 s and sends no acknowledgement of anything, so silence is the only
//! sign of a dead socket: one with no frame and no ping for `silent_after` is given up.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::api::{Client, ErrorKind, Incoming, Pushed};

use super::budget::Budget;
use super::fetch::pause_for;

/// How push behaves.
#[derive(Debug, Clone)]
pub struct PushConfig {
    /// Off: conftop polls only (`--no-push`).
    pub enabled: bool,
    /// A socket silent this long (no frame, no ping) is treated as dead.
    pub silent_after: Duration,
    /// Reconnect delays: from the first to the last, doubling, with jitter.
    pub backoff_min: Duration,
    pub backoff_max: Duration,
}

impl Default for PushConfig {
    fn default() -> Self {
        PushConfig {
            enabled: true,
            silent_after: Duration::from_secs(30),
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(30),
        }
    }
}

/// What the push task tells the sync loop.
#[derive(Debug)]
pub enum PushEvent {
    /// Connected and subscribed: changes arrive from now on (those missed before do not).
    Up,
    /// A record from the socket.
    Record(Pushed),
    /// Down; a reconnect follows after `retry_in`.
    Down { reason: String, retry_in: Duration },
}

/// How long to wait before reconnect attempt number `failures` (1 = the first): doubling from
/// the minimum to the maximum, then between three quarters and five quarters of that (never
/// past the maximum), so that screens started together do not reconnect in step.
pub fn backoff(cfg: &PushConfig, failures: u32, rng: &mut fastrand::Rng) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    let base = cfg
        .backoff_min
        .saturating_mul(1 << doublings)
        .min(cfg.backoff_max);
    base.mul_f64(0.75 + rng.f64() * 0.5).min(cfg.backoff_max)
}

/// Runs until the sync loop goes away.
pub async fn run(
    client: Arc<Client>,
    budget: Arc<Budget>,
    topics: Vec<String>,
    cfg: PushConfig,
    tx: mpsc::Sender<PushEvent>,
) {
    let mut rng = fastrand::Rng::new();
    let mut failures = 0u32;
    loop {
        // The handshake counts against the customer's limit like any request.
        budget.acquire().await;
        let reason = match client.open_events().await {
            Err(e) => {
                if e.kind == ErrorKind::RateLimited {
                    budget.pause(pause_for(&e));
                    budget.rate_limited(e.limited_by);
                }
                format!("websocket refused: {}", e.describe())
            }
            Ok(mut socket) => match socket.subscribe(&topics).await {
                Err(e) => format!("websocket: {}", e.describe()),
                Ok(()) => {
                    if tx.send(PushEvent::Up).await.is_err() {
                        return;
                    }
                    let opened = Instant::now();
                    let reason = follow(&mut socket, &cfg, &tx).await;
                    socket.close().await;
                    if opened.elapsed() >= cfg.silent_after {
                        // It worked for a while: start the backoff afresh.
                        failures = 0;
                    }
                    match reason {
                        Some(r) => r,
                        None => return,
                    }
                }
            },
        };
        failures = failures.saturating_add(1);
        let retry_in = backoff(&cfg, failures, &mut rng);
        tracing::warn!(%reason, ?retry_in, "push is down");
        let down = PushEvent::Down { reason, retry_in };
        if tx.send(down).await.is_err() {
            return;
        }
        tokio::time::sleep(retry_in).await;
    }
}

/// Reads records until the socket ends or falls silent; `None` when the sync loop is gone.
async fn follow(
    socket: &mut crate::api::EventSocket,
    cfg: &PushConfig,
    tx: &mpsc::Sender<PushEvent>,
) -> Option<String> {
    let mut last = Instant::now();
    let mut junk = 0u64;
    loop {
        let silent = tokio::time::sleep_until(last + cfg.silent_after);
        let incoming = tokio::select! {
            r = socket.next() => r,
            _ = silent => {
                let secs = cfg.silent_after.as_secs();
                return Some(format!("websocket silent for {secs}s (no keepalive)"));
            }
            _ = tx.closed() => return None,
        };
        last = Instant::now();
        match incoming {
            Ok(Incoming::Record(record)) => {
                if tx.send(PushEvent::Record(record)).await.is_err() {
                    return None;
                }
            }
            Ok(Incoming::Ping) => {}
            Ok(Incoming::Junk) => {
                junk += 1;
                if junk.is_power_of_two() {
                    tracing::warn!(junk, "websocket frames that are not records skipped");
                }
            }
            Err(e) => return Some(format!("websocket lost: {}", e.describe())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_its_cap_with_jitter() {
        let cfg = PushConfig::default();
        let mut rng = fastrand::Rng::with_seed(7);
        for (n, base) in [(1, 1.0), (2, 2.0), (3, 4.0), (6, 30.0), (40, 30.0)] {
            for _ in 0..50 {
                let d = backoff(&cfg, n, &mut rng).as_secs_f64();
                assert!(d >= base * 0.75 && d <= (base * 1.25).min(30.0), "{n}: {d}");
            }
        }
        let spread: std::collections::HashSet<u128> = (0..20)
            .map(|_| backoff(&cfg, 3, &mut rng).as_millis())
            .collect();
        assert!(spread.len() > 10, "jitter spreads reconnects");
    }
}
