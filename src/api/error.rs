//! The typed API error: the `{"error": {...}}` envelope when there is one, the bare HTTP status
//! when there is not (older servers and `/auth/login` send empty bodies), and network failures.
//!
//! No field ever holds a URL or a credential: reqwest errors are stripped of their URL and the
//! remaining text is scrubbed of the secret before it is stored.

use std::time::Duration;

use serde::Deserialize;

use crate::text;

/// What went wrong, in the terms a dashboard acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 401: no credential, or a bad or expired one.
    Unauthenticated,
    /// 403: the credential may not see or change this resource.
    Forbidden,
    /// The resource does not exist (any more): 404, or 400 on a single-resource path, which is
    /// how the server answers unknown ids (API.md §3).
    Gone,
    /// 429; `retry_after` carries the server's `Retry-After`.
    RateLimited,
    /// Any 5xx.
    Server,
    /// Another 4xx (a bad list request, payment required, conflict…).
    Rejected,
    /// No complete answer within the timeout.
    Timeout,
    /// The connection could not be made or broke before an answer arrived.
    Connect,
    /// The answer arrived but is not what the API sends.
    Decode,
    /// conftop itself failed (a task panicked); the log has the details.
    Internal,
}

/// An API failure, safe to show and to log.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{endpoint}: {}", self.describe())]
pub struct ApiError {
    pub kind: ErrorKind,
    /// Method and path template, e.g. `GET /conferencecalls/{id}`; never a full URL.
    pub endpoint: &'static str,
    pub status: Option<u16>,
    /// The envelope's `reason` (e.g. `INVALID_CREDENTIALS`), sanitised.
    pub reason: Option<String>,
    /// The envelope's `message`, or the network error's text, sanitised.
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub retry_after: Option<Duration>,
    /// For a 429: whose limit it was, when the envelope says.
    pub limited_by: Option<LimitedBy>,
    /// What conftop can add for the user; boxed, as it is rare and errors travel often.
    pub advice: Option<Box<Advice>>,
}

/// What conftop knows beyond the server's answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Advice {
    /// Where the credential that was rejected came from (`VN_ACCESS_KEY`, the config file, a
    /// vn profile…), never the credential itself.
    pub credential: Option<String>,
    /// What the user can do about it (a base URL without `/v1.0`).
    pub hint: Option<String>,
}

/// Whose rate limit answered 429 (the envelope's `details[].limited_by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitedBy {
    /// The customer's limit, shared by all the customer's clients.
    Customer,
    /// The per-IP limit.
    Ip,
    /// A word this version does not know.
    Other,
}

#[derive(Deserialize)]
struct Envelope {
    error: EnvelopeBody,
}

#[derive(Deserialize)]
struct EnvelopeBody {
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    details: Vec<serde_json::Value>,
}

/// How much of a server-chosen string an error keeps.
const MAX_TEXT: usize = 160;

impl ApiError {
    /// The failure in a code or a word, for a small note: `503`, `timeout`.
    pub fn short(&self) -> String {
        if let Some(status) = self.status {
            return status.to_string();
        }
        match self.kind {
            ErrorKind::Timeout => "timeout".to_owned(),
            ErrorKind::Connect => match self.message.as_deref() {
                Some("connection refused") => "refused".to_owned(),
                _ => "no connection".to_owned(),
            },
            ErrorKind::Decode => "bad answer".to_owned(),
            ErrorKind::RateLimited => "429".to_owned(),
            ErrorKind::Internal => "internal error".to_owned(),
            _ => "failed".to_owned(),
        }
    }

    pub(super) fn new(kind: ErrorKind, endpoint: &'static str) -> Self {
        ApiError {
            kind,
            endpoint,
            status: None,
            reason: None,
            message: None,
            request_id: None,
            retry_after: None,
            limited_by: None,
            advice: None,
        }
    }

    /// An error response: reads the envelope if the body holds one, else keeps the bare status.
    /// `single` says the path names one resource, where the server answers 400 for unknown ids.
    pub fn from_response(
        endpoint: &'static str,
        single: bool,
        status: u16,
        retry_after: Option<Duration>,
        body: &[u8],
    ) -> Self {
        let kind = match status {
            401 => ErrorKind::Unauthenticated,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::Gone,
            400 if single => ErrorKind::Gone,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Rejected,
        };
        let mut err = ApiError::new(kind, endpoint);
        err.status = Some(status);
        err.retry_after = retry_after;
        if let Ok(env) = serde_json::from_slice::<Envelope>(body) {
            let clean = |s: Option<String>| {
                s.map(|s| text::sanitize(&s, MAX_TEXT))
                    .filter(|s| !s.is_empty())
            };
            err.reason = clean(env.error.reason);
            err.message = clean(env.error.message);
            err.request_id = clean(env.error.request_id);
            err.limited_by = env
                .error
                .details
                .iter()
                .find_map(|d| d.get("limited_by")?.as_str())
                .map(|by| match by {
                    "customer" => LimitedBy::Customer,
                    "ip" => LimitedBy::Ip,
                    _ => LimitedBy::Other,
                });
        }
        err
    }

    /// A request conftop decided not to send (read-only, or the server asked to wait).
    pub fn not_sent(endpoint: &'static str, kind: ErrorKind, why: &str) -> Self {
        let mut err = ApiError::new(kind, endpoint);
        err.message = Some(why.to_owned());
        err.reason = Some("NOT_SENT".to_owned());
        err
    }

    /// Whether the request went out (not one conftop held back, [`ApiError::not_sent`]).
    pub fn was_sent(&self) -> bool {
        self.reason.as_deref() != Some("NOT_SENT")
    }

    /// A failure of conftop's own, not of the API.
    pub fn internal(endpoint: &'static str, detail: &str) -> Self {
        let mut err = ApiError::new(ErrorKind::Internal, endpoint);
        err.message = Some(text::sanitize(detail, MAX_TEXT));
        err
    }

    /// A body that arrived but could not be decoded.
    pub fn decode(endpoint: &'static str, status: u16, detail: &str) -> Self {
        let mut err = ApiError::new(ErrorKind::Decode, endpoint);
        err.status = Some(status);
        err.message = Some(text::sanitize(detail, MAX_TEXT));
        err
    }

    /// A transport failure. `secret` is scrubbed from the text in case any layer echoed it.
    pub fn transport(endpoint: &'static str, err: reqwest::Error, secret: &str) -> Self {
        let kind = if err.is_timeout() {
            ErrorKind::Timeout
        } else if err.is_decode() {
            ErrorKind::Decode
        } else {
            ErrorKind::Connect
        };
        let err = err.without_url();
        let mut detail = if is_refused(&err) {
            "connection refused".to_owned()
        } else {
            plain_words(&root_cause(&err))
        };
        if !secret.is_empty() {
            detail = detail.replace(secret, "[REDACTED]");
        }
        let mut out = ApiError::new(kind, endpoint);
        out.message = Some(text::sanitize(&detail, MAX_TEXT));
        out
    }

    /// A short phrase for status lines: "connection refused", "credentials rejected (401)", …
    /// with the credential's source and a hint when there are.
    pub fn describe(&self) -> String {
        let mut out = self.phrase();
        if let Some(hint) = self.advice.as_ref().and_then(|a| a.hint.as_ref()) {
            out.push_str("; ");
            out.push_str(hint);
        }
        out
    }

    /// The advice, created when first needed.
    pub fn advice_mut(&mut self) -> &mut Advice {
        self.advice.get_or_insert_with(Box::default)
    }

    fn phrase(&self) -> String {
        let credential = self.advice.as_ref().and_then(|a| a.credential.as_ref());
        let code = |words: &str| match (&self.status, &self.reason) {
            (Some(s), Some(r)) => format!("{words} ({s} {r})"),
            (Some(s), None) => format!("{words} ({s})"),
            _ => words.to_owned(),
        };
        match self.kind {
            ErrorKind::Unauthenticated => match credential {
                Some(from) => code(&format!("credentials from {from} rejected")),
                None => code("credentials rejected"),
            },
            ErrorKind::Forbidden => match credential {
                Some(from) => code(&format!("not permitted with the credentials from {from}")),
                None => code("not permitted"),
            },
            ErrorKind::Gone => code("not found"),
            ErrorKind::RateLimited => match self.retry_after {
                Some(d) => format!("{}, retry after {}s", code("rate limited"), d.as_secs()),
                None => code("rate limited"),
            },
            ErrorKind::Server => code("server error"),
            ErrorKind::Rejected => code("request rejected"),
            ErrorKind::Timeout => "timed out".to_owned(),
            ErrorKind::Connect => match self.message.as_deref() {
                Some("connection refused") => "connection refused".to_owned(),
                Some(m) => format!("connection failed: {m}"),
                None => "connection failed".to_owned(),
            },
            ErrorKind::Decode => match self.message.as_deref() {
                Some(m) => format!("unreadable response: {m}"),
                None => "unreadable response".to_owned(),
            },
            ErrorKind::Internal => match self.message.as_deref() {
                Some(m) => format!("internal error: {m}"),
                None => "internal error".to_owned(),
            },
        }
    }

    /// Whether the request certainly did not reach the server's logic, so nothing changed.
    pub fn nothing_changed(&self) -> bool {
        if self.reason.as_deref() == Some("NOT_SENT") {
            return true;
        }
        match self.kind {
            ErrorKind::Connect => self.message.as_deref() == Some("connection refused"),
            ErrorKind::RateLimited | ErrorKind::Unauthenticated | ErrorKind::Forbidden => true,
            _ => false,
        }
    }
}

fn is_refused(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            return true;
        }
        cur = e.source();
    }
    false
}

/// A transport error in words for people: TLS spoken to a plain HTTP server shows in rustls's
/// terms (`received corrupt message of type InvalidContentType`).
pub fn plain_words(detail: &str) -> String {
    if detail.contains("InvalidContentType") || detail.contains("corrupt message") {
        "the server does not speak TLS (https://); if it is plain HTTP, use http://".to_owned()
    } else {
        detail.to_owned()
    }
}

fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &dyn std::error::Error = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_is_read() {
        let body = br#"{"error":{"status":"UNAUTHENTICATED","reason":"INVALID_CREDENTIALS","message":"bad key","request_id":"req_ABC"}}"#;
        let e = ApiError::from_response("GET /conferencecalls", false, 401, None, body);
        assert_eq!(e.kind, ErrorKind::Unauthenticated);
        assert_eq!(e.reason.as_deref(), Some("INVALID_CREDENTIALS"));
        assert_eq!(e.request_id.as_deref(), Some("req_ABC"));
        assert_eq!(
            e.to_string(),
            "GET /conferencecalls: credentials rejected (401 INVALID_CREDENTIALS)"
        );
    }

    #[test]
    fn bare_and_non_json_bodies_keep_the_status() {
        for body in [&b""[..], b"<html>oops</html>", b"{\"error\": 5}"] {
            let e = ApiError::from_response("GET /conferences", false, 503, None, body);
            assert_eq!(e.kind, ErrorKind::Server);
            assert_eq!(e.describe(), "server error (503)");
        }
    }

    #[test]
    fn kinds_by_status() {
        let k = |s, single| {
            ApiError::from_response("DELETE /conferencecalls/{id}", single, s, None, b"").kind
        };
        assert_eq!(k(400, true), ErrorKind::Gone);
        assert_eq!(k(404, true), ErrorKind::Gone);
        assert_eq!(k(400, false), ErrorKind::Rejected);
        assert_eq!(k(403, true), ErrorKind::Forbidden);
        assert_eq!(k(429, false), ErrorKind::RateLimited);
        assert_eq!(k(500, false), ErrorKind::Server);
        assert_eq!(k(409, true), ErrorKind::Rejected);
    }

    #[test]
    fn a_rejected_credential_names_its_source_and_hints_are_shown() {
        let mut e = ApiError::from_response("GET /customer", false, 401, None, b"");
        e.advice_mut().credential = Some("VN_ACCESS_KEY".to_owned());
        assert_eq!(
            e.describe(),
            "credentials from VN_ACCESS_KEY rejected (401)"
        );
        let mut e = ApiError::from_response("GET /conferences", false, 404, None, b"");
        e.advice_mut().hint = Some("try --api-url http://h/v1.0".to_owned());
        assert_eq!(e.describe(), "not found (404); try --api-url http://h/v1.0");
        assert!(
            plain_words("received corrupt message of type InvalidContentType")
                .contains("does not speak TLS")
        );
    }

    #[test]
    fn hostile_envelope_text_is_sanitised() {
        let body =
            "{\"error\":{\"reason\":\"X\",\"message\":\"\\u001b]0;pwned\\u0007hi\\u001b[31m\"}}";
        let e = ApiError::from_response("GET /customer", false, 500, None, body.as_bytes());
        let m = e.message.unwrap();
        assert!(!m.chars().any(|c| c.is_control()), "{m:?}");
    }
}
