//! How many requests the client sent, by endpoint and by how each was answered: what the
//! metrics say of conftop's own use of the customer's API. Counted where every answer is
//! known (the client's one door to the network), so nothing else has to remember to count.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::error::{ApiError, ErrorKind};

/// How a request was answered, as a label: an HTTP status, or why there was none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Answer {
    /// An HTTP answer (`101` for a websocket that opened).
    Status(u16),
    /// No complete answer within the timeout.
    Timeout,
    /// The connection could not be made, or broke before an answer.
    NoConnection,
    /// An answer arrived that is not what the API sends (not JSON, cut short, too large).
    BadAnswer,
}

impl Answer {
    /// The answer to a request that went out; `None` for one that never did.
    pub fn of<T>(result: &Result<T, ApiError>, ok: u16) -> Option<Answer> {
        let e = match result {
            Ok(_) => return Some(Answer::Status(ok)),
            Err(e) => e,
        };
        match e.kind {
            _ if !e.was_sent() => None,
            ErrorKind::Internal => None,
            ErrorKind::Timeout => Some(Answer::Timeout),
            ErrorKind::Decode => Some(Answer::BadAnswer),
            ErrorKind::Connect => Some(Answer::NoConnection),
            _ => Some(e.status.map_or(Answer::NoConnection, Answer::Status)),
        }
    }

    /// `200`, `429`, `timeout`, `no_connection`, `bad_answer`.
    pub fn label(self) -> String {
        match self {
            Answer::Status(code) => code.to_string(),
            Answer::Timeout => "timeout".to_owned(),
            Answer::NoConnection => "no_connection".to_owned(),
            Answer::BadAnswer => "bad_answer".to_owned(),
        }
    }
}

/// Requests sent, by endpoint (a route template such as `GET /conferencecalls/{id}`, never a
/// URL) and answer. Shared by every clone of a client.
#[derive(Debug, Default)]
pub struct RequestCounts {
    counts: Mutex<BTreeMap<(&'static str, Answer), u64>>,
}

impl RequestCounts {
    /// One request to `endpoint`, answered so.
    pub fn record(&self, endpoint: &'static str, answer: Answer) {
        if let Ok(mut counts) = self.counts.lock() {
            *counts.entry((endpoint, answer)).or_default() += 1;
        }
    }

    /// Every count so far, by endpoint then answer.
    pub fn snapshot(&self) -> Vec<(&'static str, Answer, u64)> {
        self.counts
            .lock()
            .map(|c| c.iter().map(|((e, a), n)| (*e, *a, *n)).collect())
            .unwrap_or_default()
    }

    /// Requests sent in all.
    pub fn total(&self) -> u64 {
        self.snapshot().iter().map(|(_, _, n)| n).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_answer_has_a_label_and_unsent_requests_are_not_counted() {
        let ep = "GET /conferencecalls/{id}";
        let status = |s| ApiError::from_response(ep, true, s, None, b"");
        let cases: [(Result<(), ApiError>, Option<&str>); 7] = [
            (Ok(()), Some("200")),
            (Err(status(429)), Some("429")),
            (Err(status(503)), Some("503")),
            (Err(status(400)), Some("400")),
            (
                Err(ApiError::decode(ep, 200, "not JSON")),
                Some("bad_answer"),
            ),
            (
                Err(ApiError::not_sent(ep, ErrorKind::RateLimited, "wait")),
                None,
            ),
            (Err(ApiError::internal(ep, "no path")), None),
        ];
        for (result, label) in cases {
            assert_eq!(
                Answer::of(&result, 200).map(Answer::label).as_deref(),
                label
            );
        }
        let counts = RequestCounts::default();
        counts.record(ep, Answer::Status(200));
        counts.record(ep, Answer::Status(200));
        counts.record("GET /ws", Answer::Timeout);
        assert_eq!(
            counts.snapshot(),
            vec![
                ("GET /conferencecalls/{id}", Answer::Status(200), 2),
                ("GET /ws", Answer::Timeout, 1)
            ]
        );
        assert_eq!(counts.total(), 3);
    }
}
