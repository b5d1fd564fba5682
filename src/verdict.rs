//! How an action against the API (remove, mute, unmute) ended: worked out once, in `sync`,
//! from the answer, then worded by the app and written by the audit log.

use serde::Serialize;

use crate::api::{ApiError, ErrorKind};

/// An action against the API, as the audit log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// `DELETE /conferencecalls/{id}`.
    Remove,
    /// `POST /calls/{id}/mute`.
    Mute,
    /// `DELETE /calls/{id}/mute`.
    Unmute,
}

impl ActionKind {
    /// The request it sends, as errors and the log name it.
    pub fn endpoint(self) -> &'static str {
        match self {
            ActionKind::Remove => "DELETE /conferencecalls/{id}",
            ActionKind::Mute => "POST /calls/{id}/mute",
            ActionKind::Unmute => "DELETE /calls/{id}/mute",
        }
    }

    /// "remove", "mute", "unmute".
    pub fn verb(self) -> &'static str {
        match self {
            ActionKind::Remove => "remove",
            ActionKind::Mute => "mute",
            ActionKind::Unmute => "unmute",
        }
    }

    /// "removed", "muted", "unmuted".
    pub fn past(self) -> &'static str {
        match self {
            ActionKind::Remove => "removed",
            ActionKind::Mute => "muted",
            ActionKind::Unmute => "unmuted",
        }
    }
}

/// The outcome of one action, as the audit log writes it (`snake_case`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// 200, the participant is now leaving (the server answers the same for one that was
    /// already leaving).
    Removed,
    /// 200, the participant had already left.
    AlreadyLeft,
    /// 200 with a status this version does not expect.
    Accepted,
    /// 200: the participant's call is muted (both directions).
    Muted,
    /// 200: the participant's call is no longer muted.
    Unmuted,
    /// 400 on a single participant: an unknown id, or an action the server could not carry
    /// out (a kick the bridge failed, API.md §3; any failure to mute, §5). The next refresh
    /// shows which.
    Refused,
    /// 404: the participant does not exist (any more).
    Gone,
    /// 403.
    Forbidden,
    /// 429, or conftop's own budget would not let it wait that long: nothing was sent.
    RateLimited,
    /// 401.
    Unauthenticated,
    /// Another 4xx, or conftop refused to send it (read-only).
    Rejected,
    /// Nothing was sent, or the connection was refused: nothing changed.
    Failed,
    /// No clear answer (timeout, dropped connection, 5xx, or conftop exited first): it may or
    /// may not have happened.
    Unknown,
}

impl Verdict {
    /// The verdict of a request that did not succeed.
    pub fn of_error(e: &ApiError) -> Verdict {
        match e.kind {
            ErrorKind::Gone if e.status == Some(400) => Verdict::Refused,
            ErrorKind::Gone => Verdict::Gone,
            ErrorKind::Forbidden => Verdict::Forbidden,
            ErrorKind::RateLimited => Verdict::RateLimited,
            ErrorKind::Unauthenticated => Verdict::Unauthenticated,
            ErrorKind::Rejected => Verdict::Rejected,
            _ if e.nothing_changed() => Verdict::Failed,
            _ => Verdict::Unknown,
        }
    }

    /// Whether the server certainly did nothing (the request was not sent, refused at the
    /// door, or rate limited).
    pub fn changed_nothing(self) -> bool {
        matches!(
            self,
            Verdict::Failed
                | Verdict::Rejected
                | Verdict::RateLimited
                | Verdict::Forbidden
                | Verdict::Unauthenticated
        )
    }

    /// The word in the audit log.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Removed => "removed",
            Verdict::AlreadyLeft => "already_left",
            Verdict::Accepted => "accepted",
            Verdict::Muted => "muted",
            Verdict::Unmuted => "unmuted",
            Verdict::Refused => "refused",
            Verdict::Gone => "gone",
            Verdict::Forbidden => "forbidden",
            Verdict::RateLimited => "rate_limited",
            Verdict::Unauthenticated => "unauthenticated",
            Verdict::Rejected => "rejected",
            Verdict::Failed => "failed",
            Verdict::Unknown => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_map_to_one_verdict_and_its_word_is_the_serialised_form() {
        let err = |status| {
            ApiError::from_response("DELETE /conferencecalls/{id}", true, status, None, b"")
        };
        for (status, verdict) in [
            (400, Verdict::Refused),
            (404, Verdict::Gone),
            (403, Verdict::Forbidden),
            (429, Verdict::RateLimited),
            (401, Verdict::Unauthenticated),
            (409, Verdict::Rejected),
            (503, Verdict::Unknown),
        ] {
            let v = Verdict::of_error(&err(status));
            assert_eq!(v, verdict, "{status}");
            assert_eq!(serde_json::to_value(v).unwrap(), v.word());
        }
    }
}
