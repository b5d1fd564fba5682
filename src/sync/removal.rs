//! Sending one DELETE for one confirmed removal, recording it in the audit log, and reporting
//! the answer. Never retried: a retry needs a new confirmation.

use std::sync::Arc;

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

/// Runs one removal to its end.
pub async fn remove(
    client: Arc<Client>,
    budget: Arc<Budget>,
    audit: Option<AuditLog>,
    events: mpsc::Sender<SyncEvent>,
    participant: Uuid,
    conference: Uuid,
) {
    budget.acquire().await;
    let result = client.delete_conferencecall(participant).await;
    if let Err(e) = &result
        && e.kind == ErrorKind::RateLimited
    {
        budget.pause(pause_for(e));
    }
    let (word, status) = outcome(&result);
    tracing::info!(%participant, %conference, outcome = word, "removal");
    if let Some(log) = &audit {
        let entry = AuditEntry {
            time: Timestamp::now().to_string(),
            participant_id: participant,
            conference_id: conference,
            outcome: word,
            http_status: status,
            detail: result.as_ref().err().map(|e| e.describe()),
        };
        if let Err(e) = log.append(&entry) {
            tracing::error!("cannot write the audit log {}: {e}", log.path().display());
        }
    }
    let _ = events
        .send(SyncEvent::Removal(RemovalOutcome {
            participant,
            conference,
            result,
        }))
        .await;
}
