//! One websocket connection: subscription messages in, event frames out, pings, the pong
//! deadline, and the websocket faults.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket};
use futures::{SinkExt, StreamExt};
use tokio::time::{Instant, MissedTickBehavior, interval_at, sleep_until};

use super::hub::Frame;
use super::topics::{self, Owner};
use crate::sim::Shared;

/// A client message; anything else that parses as JSON is ignored like invalid JSON.
#[derive(serde::Deserialize)]
struct Request {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    topics: Vec<String>,
}

/// Takes the connection out of the hub however the task ends.
struct Membership<'a>(&'a Shared, u64);

impl Drop for Membership<'_> {
    fn drop(&mut self) {
        self.0.hub.leave(self.1);
    }
}

/// Serves the socket until the client goes, breaks a rule, or misses the pong deadline.
/// Returning drops the TCP stream without a close frame, as the server's `ws.Close()` does.
pub(super) async fn run(sh: Arc<Shared>, owner: Owner, socket: WebSocket) {
    let options = sh.ws_options();
    let (id, mut frames) = sh.hub.join(options.queue);
    let _member = Membership(&sh, id);
    let mut drops = sh.ws_drop.subscribe();
    let (mut sink, mut stream) = socket.split();
    let every = options
        .ping_interval
        .max(std::time::Duration::from_millis(1));
    let mut ping = interval_at(Instant::now() + every, every);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // Extended only when a pong arrives.
    let mut deadline = Instant::now() + options.pong_timeout;
    loop {
        tokio::select! {
            _ = drops.changed() => return,
            _ = sleep_until(deadline) => return,
            _ = ping.tick() => {
                if !sh.ws_faults().no_ping && sink.send(Message::Ping(Bytes::new())).await.is_err() {
                    return;
                }
            }
            msg = stream.next() => match msg {
                Some(Ok(Message::Text(text))) => {
                    if !handle(&sh, &owner, id, text.as_str()) {
                        return;
                    }
                }
                Some(Ok(Message::Pong(_))) => deadline = Instant::now() + options.pong_timeout,
                // The library answers pings itself.
                Some(Ok(Message::Ping(_))) => {}
                // Only text is accepted: a binary frame drops the connection.
                Some(Ok(Message::Binary(_) | Message::Close(_))) | Some(Err(_)) | None => return,
            },
            Some(frame) = frames.recv() => {
                if send(&sh, &mut sink, frame).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Applies a subscription message. False when a topic fails validation: the server then
/// closes the connection without a word.
fn handle(sh: &Shared, owner: &Owner, id: u64, text: &str) -> bool {
    let Ok(req) = serde_json::from_str::<Request>(text) else {
        return true;
    };
    if !matches!(req.kind.as_str(), "subscribe" | "unsubscribe") {
        return true;
    }
    if !req.topics.iter().all(|t| topics::valid(t, owner)) {
        return false;
    }
    if req.kind == "subscribe" {
        sh.hub.subscribe(id, req.topics);
    } else {
        sh.hub.unsubscribe(id, &req.topics);
    }
    true
}

/// Writes one event frame, after whatever the faults put before it.
async fn send<S>(sh: &Shared, sink: &mut S, frame: Frame) -> Result<(), axum::Error>
where
    S: futures::Sink<Message, Error = axum::Error> + Unpin,
{
    let faults = sh.ws_faults();
    if !faults.delay.is_zero() {
        sleep_until(frame.queued + faults.delay).await;
    }
    if sh.roll() < faults.garbage_rate {
        sink.send(Message::Text("<html>502 Bad Gateway</html>".into()))
            .await?;
    }
    if sh.roll() < faults.binary_rate {
        sink.send(Message::Binary(Bytes::from_static(b"\x00\x01binary")))
            .await?;
    }
    sink.send(Message::Text(frame.text.as_ref().into())).await?;
    sh.hub.count_sent();
    Ok(())
}
