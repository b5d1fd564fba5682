//! The publish/subscribe hub: subscriptions per connection, delivery by plain string prefix,
//! one frame per published topic a subscription matches, and a bounded queue per connection
//! whose overflow is dropped and counted (API.md §6, "Matching and delivery").

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::sim::lock;

/// One text frame waiting to be written, stamped when it was queued (for the delay fault).
#[derive(Debug, Clone)]
pub struct Frame {
    pub text: Arc<str>,
    pub queued: Instant,
}

/// Websocket counters, as `/_sim/stats` and [`crate::sim::Sim::ws_stats`] show them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct WsStats {
    /// Connections open now.
    pub open: u64,
    /// Upgrades completed since the start.
    pub handshakes: u64,
    /// Event frames written to sockets.
    pub frames_sent: u64,
    /// Event frames dropped because a connection's queue was full.
    pub frames_dropped: u64,
}

struct Subscriber {
    topics: Vec<String>,
    tx: mpsc::Sender<Frame>,
}

#[derive(Default)]
pub struct Hub {
    subscribers: Mutex<HashMap<u64, Subscriber>>,
    next_id: AtomicU64,
    handshakes: AtomicU64,
    sent: AtomicU64,
    dropped: AtomicU64,
}

impl Hub {
    /// A new connection with an empty subscription list and a queue of `queue` frames.
    pub fn join(&self, queue: usize) -> (u64, mpsc::Receiver<Frame>) {
        let (tx, rx) = mpsc::channel(queue.max(1));
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let sub = Subscriber {
            topics: Vec::new(),
            tx,
        };
        lock(&self.subscribers).insert(id, sub);
        self.handshakes.fetch_add(1, Ordering::Relaxed);
        (id, rx)
    }

    pub fn leave(&self, id: u64) {
        lock(&self.subscribers).remove(&id);
    }

    /// Adds topics; one already subscribed is not added twice.
    pub fn subscribe(&self, id: u64, topics: Vec<String>) {
        if let Some(sub) = lock(&self.subscribers).get_mut(&id) {
            for t in topics {
                if !sub.topics.contains(&t) {
                    sub.topics.push(t);
                }
            }
        }
    }

    pub fn unsubscribe(&self, id: u64, topics: &[String]) {
        if let Some(sub) = lock(&self.subscribers).get_mut(&id) {
            sub.topics.retain(|t| !topics.contains(t));
        }
    }

    /// Whether any connection is open (so the world is worth advancing without requests).
    pub fn has_connections(&self) -> bool {
        !lock(&self.subscribers).is_empty()
    }

    /// Queues the payload once per published topic each connection matches; `payload` is only
    /// built when someone matches.
    pub fn publish(&self, topics: &[String], payload: impl FnOnce() -> String) {
        let subs = lock(&self.subscribers);
        let mut text: Option<Arc<str>> = None;
        let mut payload = Some(payload);
        for sub in subs.values() {
            let copies = topics
                .iter()
                .filter(|t| sub.topics.iter().any(|s| t.starts_with(s.as_str())))
                .count();
            if copies == 0 {
                continue;
            }
            let text = text
                .get_or_insert_with(|| payload.take().map(|f| f()).unwrap_or_default().into())
                .clone();
            for _ in 0..copies {
                let frame = Frame {
                    text: text.clone(),
                    queued: Instant::now(),
                };
                if let Err(mpsc::error::TrySendError::Full(_)) = sub.tx.try_send(frame) {
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    pub fn count_sent(&self) {
        self.sent.fetch_add(1, Ordering::Relaxed);
    }

    pub fn stats(&self) -> WsStats {
        WsStats {
            open: lock(&self.subscribers).len() as u64,
            handshakes: self.handshakes.load(Ordering::Relaxed),
            frames_sent: self.sent.load(Ordering::Relaxed),
            frames_dropped: self.dropped.load(Ordering::Relaxed),
        }
    }
}
