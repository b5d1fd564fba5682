//! One path for every action against the API (remove, mute, unmute), from command to
//! verdict: sent once when the budget allows within [`MAX_WAIT`] (never retried: a retry
//! needs a new key press or confirmation), recorded in the audit log, answered to the app. A
//! mute's answer is a bare 200 (API.md §5), so the call is read back afterwards for its state.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::api::{
    ApiError, Client, Conferencecall, ConferencecallStatus, ErrorKind, MuteDirection,
};
use crate::audit::{AuditEntry, AuditLog, Subject};
use crate::verdict::{ActionKind, Verdict};

use super::budget::Budget;
use super::fetch::pause_for;
use super::snapshot::SyncEvent;

/// How long a confirmed action may wait for the budget before it is dropped unsent: it must
/// not go out long after the person asked for it.
pub const MAX_WAIT: Duration = Duration::from_secs(2);

/// One action asked for once (a confirmation, a key press), on whom, in words for the audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub action: ActionKind,
    pub participant: Uuid,
    pub conference: Uuid,
    /// The participant's call: what a mute acts on.
    pub call: Option<Uuid>,
    pub about: Subject,
}

impl Attempt {
    /// What tells two attempts in flight apart: the same action on the same participant is
    /// never sent twice at once.
    pub fn key(&self) -> (ActionKind, Uuid) {
        (self.action, self.participant)
    }
}

/// How an attempt ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub action: ActionKind,
    pub participant: Uuid,
    pub conference: Uuid,
    pub call: Option<Uuid>,
    /// Worked out once, from the answer.
    pub verdict: Verdict,
    /// The participant's record, as the server answered a removal.
    pub record: Option<Conferencecall>,
    /// The error, when there was one (for its details).
    pub error: Option<ApiError>,
}

impl Outcome {
    pub fn new(attempt: &Attempt, answer: Result<Option<Conferencecall>, ApiError>) -> Outcome {
        let verdict = verdict(attempt.action, &answer);
        let (record, error) = match answer {
            Ok(record) => (record, None),
            Err(e) => (None, Some(e)),
        };
        Outcome {
            action: attempt.action,
            participant: attempt.participant,
            conference: attempt.conference,
            call: attempt.call,
            verdict,
            record,
            error,
        }
    }
}

/// The verdict of an answer: a removal's by the status it answers with, a mute's by the 200.
pub fn verdict(action: ActionKind, answer: &Result<Option<Conferencecall>, ApiError>) -> Verdict {
    match (action, answer) {
        (_, Err(e)) => Verdict::of_error(e),
        (ActionKind::Remove, Ok(record)) => match record.as_ref().map(|r| &r.status) {
            Some(ConferencecallStatus::Leaving) => Verdict::Removed,
            Some(ConferencecallStatus::Leaved) => Verdict::AlreadyLeft,
            _ => Verdict::Accepted,
        },
        (ActionKind::Mute, Ok(_)) => Verdict::Muted,
        (ActionKind::Unmute, Ok(_)) => Verdict::Unmuted,
    }
}

/// The answer to an attempt conftop would not send (read-only, or nothing to act on).
pub fn refused(attempt: &Attempt, why: &str) -> Outcome {
    let error = ApiError::not_sent(attempt.action.endpoint(), ErrorKind::Rejected, why);
    Outcome::new(attempt, Err(error))
}

/// Runs one attempt to its end.
pub async fn perform(
    client: Arc<Client>,
    budget: Arc<Budget>,
    audit: Option<AuditLog>,
    events: mpsc::Sender<SyncEvent>,
    attempt: Attempt,
) {
    let answer = match (attempt.action, attempt.call) {
        (ActionKind::Remove, _) => {
            let request = client.delete_conferencecall(attempt.participant);
            send_once(&budget, attempt.action, async { request.await.map(Some) }).await
        }
        (ActionKind::Mute, Some(call)) => {
            let request = client.mute(call, MuteDirection::Both);
            send_once(&budget, attempt.action, async {
                request.await.map(|()| None)
            })
            .await
        }
        (ActionKind::Unmute, Some(call)) => {
            let request = client.unmute(call, MuteDirection::Both);
            send_once(&budget, attempt.action, async {
                request.await.map(|()| None)
            })
            .await
        }
        (_, None) => Err(ApiError::not_sent(
            attempt.action.endpoint(),
            ErrorKind::Rejected,
            "the participant's call is not known; nothing was sent",
        )),
    };
    let outcome = Outcome::new(&attempt, answer);
    tracing::info!(
        participant = %attempt.participant,
        conference = %attempt.conference,
        action = ?attempt.action,
        outcome = outcome.verdict.word(),
        "action"
    );
    let (status, detail) = match &outcome.error {
        None => (Some(200), None),
        Some(e) => (e.status, Some(e.describe())),
    };
    let sent = !outcome.verdict.changed_nothing();
    record(&audit, &attempt, outcome.verdict, status, detail).await;
    let _ = events.send(SyncEvent::Acted(Box::new(outcome))).await;
    // A mute's state is only known by reading the call back (push may say it first).
    if let (ActionKind::Mute | ActionKind::Unmute, Some(call), true) =
        (attempt.action, attempt.call, sent)
        && budget.acquire_within(MAX_WAIT).await
    {
        match client.get_call(call).await {
            Ok(c) => {
                let _ = events.send(SyncEvent::Calls(vec![c])).await;
            }
            Err(e) => tracing::warn!(%call, "could not read the call back after a mute: {e}"),
        }
    }
}

/// Sends an action's one request once the budget allows, within [`MAX_WAIT`]; a 429 pauses
/// and cuts the budget.
async fn send_once<T>(
    budget: &Budget,
    action: ActionKind,
    request: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    let result = if budget.acquire_within(MAX_WAIT).await {
        request.await
    } else {
        Err(ApiError::not_sent(
            action.endpoint(),
            ErrorKind::RateLimited,
            "the API asked conftop to wait; nothing was sent",
        ))
    };
    if let Err(e) = &result
        && e.kind == ErrorKind::RateLimited
    {
        budget.pause(pause_for(e));
        budget.rate_limited(e.limited_by);
    }
    result
}

/// Appends one audit line, off the async workers (it syncs the file to disk).
pub async fn record(
    audit: &Option<AuditLog>,
    attempt: &Attempt,
    outcome: Verdict,
    http_status: Option<u16>,
    detail: Option<String>,
) {
    let Some(log) = audit.clone() else { return };
    let entry = AuditEntry {
        time: Timestamp::now().to_string(),
        action: attempt.action,
        participant_id: attempt.participant,
        conference_id: attempt.conference,
        about: attempt.about.clone(),
        outcome,
        http_status,
        detail,
    };
    let written =
        tokio::task::spawn_blocking(move || log.append(&entry).map_err(|e| (log, e))).await;
    if let Ok(Err((log, e))) = written {
        tracing::error!("cannot write the audit log {}: {e}", log.path().display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(action: ActionKind) -> Attempt {
        Attempt {
            action,
            participant: Uuid::from_u128(1),
            conference: Uuid::from_u128(2),
            call: Some(Uuid::from_u128(3)),
            about: Subject::default(),
        }
    }

    fn record(status: &str) -> Conferencecall {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::from_u128(1),
            "conference_id": Uuid::from_u128(2),
            "status": status,
        }))
        .unwrap()
    }

    #[test]
    fn every_answer_has_one_verdict_for_every_action() {
        let remove = ActionKind::Remove;
        assert_eq!(
            verdict(remove, &Ok(Some(record("leaving")))),
            Verdict::Removed
        );
        assert_eq!(
            verdict(remove, &Ok(Some(record("leaved")))),
            Verdict::AlreadyLeft
        );
        assert_eq!(
            verdict(remove, &Ok(Some(record("joined")))),
            Verdict::Accepted
        );
        assert_eq!(verdict(ActionKind::Mute, &Ok(None)), Verdict::Muted);
        assert_eq!(verdict(ActionKind::Unmute, &Ok(None)), Verdict::Unmuted);
        for action in [ActionKind::Remove, ActionKind::Mute, ActionKind::Unmute] {
            let err = |status| ApiError::from_response(action.endpoint(), true, status, None, b"");
            assert_eq!(verdict(action, &Err(err(400))), Verdict::Refused);
            assert_eq!(verdict(action, &Err(err(404))), Verdict::Gone);
            assert_eq!(verdict(action, &Err(err(403))), Verdict::Forbidden);
            let o = refused(&attempt(action), "read-only");
            assert_eq!(o.verdict, Verdict::Rejected);
            assert!(o.verdict.changed_nothing());
            assert_eq!((o.action, o.participant), (action, Uuid::from_u128(1)));
        }
    }

    #[test]
    fn the_same_action_on_the_same_participant_has_one_key() {
        let a = attempt(ActionKind::Mute);
        let b = Attempt {
            about: Subject {
                caller_name: "other words".into(),
                ..Subject::default()
            },
            ..a.clone()
        };
        assert_eq!(a.key(), b.key());
        assert_ne!(a.key(), attempt(ActionKind::Unmute).key());
    }
}
