//! Sending one DELETE for one confirmed removal, recording it in the audit log, and reporting
//! the answer. Never retried: a retry needs a new confirmation.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::api::{ApiError, Client, Conferencecall, ConferencecallStatus, ErrorKind};
use crate::audit::{AuditEntry, AuditLog, Subject};
use crate::verdict::{ActionKind, Verdict};

use super::budget::Budget;
use super::fetch::pause_for;
use super::snapshot::{RemovalOutcome, SyncEvent};

/// The verdict of a DELETE's answer.
pub fn verdict(result: &Result<Conferencecall, ApiError>) -> Verdict {
    match result {
        Ok(cc) => match cc.status {
            ConferencecallStatus::Leaving => Verdict::Removed,
            ConferencecallStatus::Leaved => Verdict::AlreadyLeft,
            _ => Verdict::Accepted,
        },
        Err(e) => Verdict::of_error(e),
    }
}

const ENDPOINT: &str = "DELETE /conferencecalls/{id}";

/// How long a confirmed removal may wait for the budget before it is dropped unsent.
const MAX_WAIT: Duration = Duration::from_secs(2);

/// Runs one removal to its end.
pub async fn remove(
    client: Arc<Client>,
    budget: Arc<Budget>,
    audit: Option<AuditLog>,
    events: mpsc::Sender<SyncEvent>,
    participant: Uuid,
    conference: Uuid,
    about: Subject,
) {
    let result = send_once(&budget, ENDPOINT, client.delete_conferencecall(participant)).await;
    let outcome = RemovalOutcome::new(participant, conference, result);
    tracing::info!(%participant, %conference, outcome = outcome.verdict.word(), "removal");
    let (status, detail) = match &outcome.result {
        Ok(_) => (Some(200), None),
        Err(e) => (e.status, Some(e.describe())),
    };
    let attempt = Attempt {
        action: ActionKind::Remove,
        participant,
        conference,
        about,
    };
    record(&audit, attempt, outcome.verdict, status, detail).await;
    let _ = events.send(SyncEvent::Removal(outcome)).await;
}

/// Sends one action's request (never retried: a retry needs a new key press or
/// confirmation) once the budget allows, within [`MAX_WAIT`]; a 429 pauses and cuts the
/// budget.
pub async fn send_once<T>(
    budget: &Budget,
    endpoint: &'static str,
    request: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    let result = if budget.acquire_within(MAX_WAIT).await {
        request.await
    } else {
        Err(ApiError::not_sent(
            endpoint,
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

/// What an audit line is about: the action, on whom, where, in words.
pub struct Attempt {
    pub action: ActionKind,
    pub participant: Uuid,
    pub conference: Uuid,
    pub about: Subject,
}

/// Appends one audit line, off the async workers (it syncs the file to disk).
pub async fn record(
    audit: &Option<AuditLog>,
    attempt: Attempt,
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
        about: attempt.about,
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

/// The answer to a removal conftop refused to send.
pub fn refused(participant: Uuid, conference: Uuid, why: &str) -> RemovalOutcome {
    let result = Err(ApiError::not_sent(ENDPOINT, ErrorKind::Rejected, why));
    RemovalOutcome::new(participant, conference, result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delete_answer_has_one_verdict() {
        let err = |status| ApiError::from_response(ENDPOINT, true, status, None, b"");
        assert_eq!(verdict(&Err(err(400))), Verdict::Refused);
        assert_eq!(verdict(&Err(err(404))), Verdict::Gone);
        assert_eq!(verdict(&Err(err(403))), Verdict::Forbidden);
        let refused = refused(Uuid::nil(), Uuid::nil(), "read-only");
        assert_eq!(refused.verdict, Verdict::Rejected);
    }
}
