//! Sending one DELETE for one confirmed removal, recording it in the audit log, and reporting
//! the answer. Never retried: a retry needs a new confirmation.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::api::{ApiError, Client, Conferencecall, ConferencecallStatus, ErrorKind};
use crate::audit::{AuditEntry, AuditLog};

use super::budget::Budget;
use super::fetch::pause_for;
use super::snapshot::{RemovalOutcome, SyncEvent};

/// The audit outcome of an answer.
pub fn outcome(result: &Result<Conferencecall, ApiError>) -> (&'static str, Option<u16>) {
    match result {
        Ok(cc) => match cc.status {
            ConferencecallStatus::Leaving => ("removed", Some(200)),
            ConferencecallStatus::Leaved => ("already_left", Some(200)),
            _ => ("accepted", Some(200)),
        },
        Err(e) => {
            let word = match e.kind {
                // 400 on DELETE is an unknown id or a kick the bridge could not carry out
                // (API.md §3): the screen says "refused", and so does the audit.
                ErrorKind::Gone if e.status == Some(400) => "refused",
                ErrorKind::Gone => "gone",
                ErrorKind::Forbidden => "forbidden",
                ErrorKind::RateLimited => "rate_limited",
                ErrorKind::Unauthenticated => "unauthenticated",
                ErrorKind::Rejected => "rejected",
                _ if e.nothing_changed() => "failed",
                // No (complete) answer: the server may or may not have acted.
                _ => "unknown",
            };
            (word, e.status)
        }
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
) {
    let result = if budget.acquire_within(MAX_WAIT).await {
        client.delete_conferencecall(participant).await
    } else {
        Err(ApiError::not_sent(
            ENDPOINT,
            ErrorKind::RateLimited,
            "the API asked conftop to wait; nothing was sent",
        ))
    };
    if let Err(e) = &result
        && e.kind == ErrorKind::RateLimited
    {
        budget.pause(pause_for(e));
    }
    let (word, status) = outcome(&result);
    tracing::info!(%participant, %conference, outcome = word, "removal");
    let detail = result.as_ref().err().map(|e| e.describe());
    record(&audit, participant, conference, word, status, detail).await;
    let _ = events
        .send(SyncEvent::Removal(RemovalOutcome {
            participant,
            conference,
            result,
        }))
        .await;
}

/// Appends one audit line, off the async workers (it syncs the file to disk).
pub async fn record(
    audit: &Option<AuditLog>,
    participant: Uuid,
    conference: Uuid,
    outcome: &'static str,
    http_status: Option<u16>,
    detail: Option<String>,
) {
    let Some(log) = audit.clone() else { return };
    let entry = AuditEntry {
        time: Timestamp::now().to_string(),
        participant_id: participant,
        conference_id: conference,
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
    RemovalOutcome {
        participant,
        conference,
        result: Err(ApiError::not_sent(ENDPOINT, ErrorKind::Rejected, why)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audit_words_match_what_the_screen_says() {
        let err = |status| Err(ApiError::from_response(ENDPOINT, true, status, None, b""));
        assert_eq!(outcome(&err(400)), ("refused", Some(400)));
        assert_eq!(outcome(&err(404)), ("gone", Some(404)));
        assert_eq!(outcome(&err(403)), ("forbidden", Some(403)));
    }
}
