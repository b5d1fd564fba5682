//! VoIPbin's event websocket (`GET /v1.0/ws`, API.md §6): opened with the client's own
//! credentials, subscribed by topic, read as frames of bare (or, on older servers, wrapped)
//! resource records.
//!
//! The access key travels as a query parameter of the websocket URL, so the URL is never
//! shown: errors name the endpoint only, and any text that might echo the key is scrubbed.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::client::{Client, Credentials};
use super::error::{ApiError, ErrorKind};
use super::model::{Call, Conference};
use crate::text;
use secrecy::ExposeSecret;

const ENDPOINT: &str = "GET /ws";

/// What a frame carried.
#[derive(Debug, Clone)]
pub enum Pushed {
    Conference(Box<Conference>),
    Call(Box<Call>),
    /// Valid JSON of another kind (another resource, or an event this version ignores).
    Other,
}

/// Reads one frame's text. The current server sends the bare record; older ones wrapped it as
/// `{"type":"conference_updated","data":{…}}`. A bare conference has a `type` of its own
/// (`"conference"`), so only an object `data` beside a string `type` means wrapped. `None`:
/// not JSON, or a record that does not decode.
pub fn decode_frame(text: &str) -> Option<Pushed> {
    let mut value: Value = serde_json::from_str(text).ok()?;
    let (kind, record) = match (value.get("type"), value.get("data")) {
        (Some(Value::String(t)), Some(Value::Object(_))) => {
            let kind = if t.starts_with("conference_") {
                Kind::Conference
            } else if t.starts_with("call_") {
                Kind::Call
            } else {
                return Some(Pushed::Other);
            };
            (kind, value["data"].take())
        }
        _ if value.get("conferencecall_ids").is_some() => (Kind::Conference, value),
        _ if value.get("mute_direction").is_some() || value.get("direction").is_some() => {
            (Kind::Call, value)
        }
        _ if value.is_object() => return Some(Pushed::Other),
        _ => return None,
    };
    match kind {
        Kind::Conference => serde_json::from_value(record)
            .ok()
            .map(|c| Pushed::Conference(Box::new(c))),
        Kind::Call => serde_json::from_value(record)
            .ok()
            .map(|c| Pushed::Call(Box::new(c))),
    }
}

enum Kind {
    Conference,
    Call,
}

/// An open event websocket.
pub struct EventSocket {
    inner: WebSocketStream<MaybeTlsStream<TcpStream>>,
    secret: String,
}

impl std::fmt::Debug for EventSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EventSocket")
    }
}

/// What arrived on the socket.
#[derive(Debug)]
pub enum Incoming {
    /// A text frame that decoded.
    Record(Pushed),
    /// The server's keepalive (answered by the socket itself).
    Ping,
    /// A frame that is not one the server should send (binary, not JSON, undecodable):
    /// skipped.
    Junk,
}

impl Client {
    /// Opens the event websocket with this client's credentials: the access key as
    /// `?accesskey=`, a token as `Authorization: Bearer`.
    pub async fn open_events(&self) -> Result<EventSocket, ApiError> {
        let result = self.open_events_once().await;
        self.count(ENDPOINT, &result, 101);
        result
    }

    async fn open_events_once(&self) -> Result<EventSocket, ApiError> {
        let mut url = self.base.clone();
        let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
        url.set_scheme(scheme)
            .map_err(|_| ApiError::internal(ENDPOINT, "cannot form the websocket URL"))?;
        url.path_segments_mut()
            .map_err(|_| ApiError::internal(ENDPOINT, "cannot form the websocket URL"))?
            .pop_if_empty()
            .push("ws");
        if let Credentials::AccessKey(key) = &self.creds {
            url.query_pairs_mut()
                .append_pair("accesskey", key.expose_secret());
        }
        let secret = self.creds.secret().to_owned();
        let mut req = url
            .as_str()
            .into_client_request()
            .map_err(|e| ws_error(e, &secret))?;
        if let Credentials::Token(tok) = &self.creds {
            let value = HeaderValue::from_str(&format!("Bearer {}", tok.expose_secret()))
                .map_err(|_| ApiError::internal(ENDPOINT, "the token cannot be sent"))?;
            req.headers_mut().insert("Authorization", value);
        }
        let connect = tokio_tungstenite::connect_async(req);
        match tokio::time::timeout(self.timeout, connect).await {
            Err(_) => Err(ApiError::new(ErrorKind::Timeout, ENDPOINT)),
            Ok(Err(e)) => Err(ws_error(e, &secret)),
            Ok(Ok((inner, _))) => Ok(EventSocket { inner, secret }),
        }
    }
}

impl EventSocket {
    /// Subscribes to topics. The server never acknowledges; a topic it refuses closes the
    /// socket instead.
    pub async fn subscribe(&mut self, topics: &[String]) -> Result<(), ApiError> {
        let msg = serde_json::json!({"type": "subscribe", "topics": topics}).to_string();
        self.send(msg).await
    }

    async fn send(&mut self, text: String) -> Result<(), ApiError> {
        self.inner
            .send(Message::text(text))
            .await
            .map_err(|e| ws_error(e, &self.secret))
    }

    /// The next frame; `Err` when the socket closed or broke. Pings are answered while
    /// reading.
    pub async fn next(&mut self) -> Result<Incoming, ApiError> {
        match self.inner.next().await {
            None => Err(closed("the server closed the socket")),
            Some(Err(e)) => Err(ws_error(e, &self.secret)),
            Some(Ok(Message::Text(t))) => Ok(decode_frame(t.as_str())
                .map(Incoming::Record)
                .unwrap_or(Incoming::Junk)),
            Some(Ok(Message::Ping(_))) => Ok(Incoming::Ping),
            Some(Ok(Message::Close(_))) => Err(closed("the server closed the socket")),
            Some(Ok(Message::Binary(_) | Message::Pong(_) | Message::Frame(_))) => {
                Ok(Incoming::Junk)
            }
        }
    }

    /// Closes politely, within a moment.
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_millis(500), self.inner.close(None)).await;
    }
}

fn closed(why: &str) -> ApiError {
    let mut e = ApiError::new(ErrorKind::Connect, ENDPOINT);
    e.message = Some(why.to_owned());
    e
}

/// A websocket failure as an `ApiError`: an HTTP answer to the handshake by its status (with
/// the envelope, if any); anything else as a connection failure, its text scrubbed of the
/// secret and never carrying the URL.
fn ws_error(e: tungstenite::Error, secret: &str) -> ApiError {
    match e {
        tungstenite::Error::Http(resp) => {
            let status = resp.status().as_u16();
            let body = resp.body().as_deref().unwrap_or_default();
            ApiError::from_response(ENDPOINT, false, status, None, body)
        }
        tungstenite::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            closed("connection refused")
        }
        other => {
            let mut detail = match other {
                tungstenite::Error::Url(_) => "the websocket URL is not usable".to_owned(),
                other => other.to_string(),
            };
            if !secret.is_empty() {
                detail = detail.replace(secret, "[REDACTED]");
            }
            closed(&text::sanitize(&detail, 120))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONF: &str = r#"{"id":"99accfb7-0000-4000-8000-000000000001","customer_id":"5e4a0680-804e-11ec-8477-2fea5968d85b","type":"conference","status":"progressing","name":"Team","conferencecall_ids":["b8aa51f6-0000-4000-8000-000000000002"],"tm_end":null,"tm_create":"2026-08-06T16:50:00.1Z","tm_update":"2026-08-06T16:57:14.5Z","tm_delete":null}"#;

    #[test]
    fn bare_and_wrapped_frames_decode_alike() {
        let Some(Pushed::Conference(bare)) = decode_frame(CONF) else {
            panic!("a bare conference, despite its own `type`")
        };
        assert_eq!(bare.conferencecall_ids.len(), 1);
        let wrapped = format!(r#"{{"type":"conference_updated","data":{CONF}}}"#);
        let Some(Pushed::Conference(w)) = decode_frame(&wrapped) else {
            panic!("a wrapped conference")
        };
        assert_eq!(w.id, bare.id);
        assert!(matches!(
            decode_frame(r#"{"type":"agent_updated","data":{}}"#),
            Some(Pushed::Other)
        ));
        assert!(decode_frame("not json").is_none());
        assert!(decode_frame("[1,2]").is_none());
    }

    #[test]
    fn handshake_failures_never_carry_the_secret() {
        let e = ws_error(
            tungstenite::Error::Io(std::io::Error::other(
                "failed for ws://h/ws?accesskey=s3cret",
            )),
            "s3cret",
        );
        assert!(!e.to_string().contains("s3cret"), "{e}");
        assert!(!format!("{e:?}").contains("s3cret"));
    }
}
