//! Sending one mute or unmute for one key press, recording it in the audit log, reporting the
//! verdict, then reading the call back: the server answers a bare 200 or 400 and nothing else,
//! so the call's `mute_direction` is the only word on what happened (API.md §5).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use uuid::Uuid;

use crate::api::{ApiError, Client, ErrorKind, MuteDirection};
use crate::audit::{AuditLog, Subject};
use crate::verdict::{ActionKind, Verdict};

use super::budget::Budget;
use super::removal::{Attempt, record, send_once};
use super::snapshot::SyncEvent;

/// What one mute or unmute was about, and how it ended.
#[derive(Debug, Clone)]
pub struct MuteOutcome {
    pub participant: Uuid,
    pub call: Uuid,
    /// Mute (true) or unmute.
    pub mute: bool,
    pub verdict: Verdict,
    /// The error, when there was one (for its details).
    pub error: Option<ApiError>,
}

/// How long a mute may wait for the budget before it is dropped unsent.
const MAX_WAIT: Duration = Duration::from_secs(2);

/// The verdict of a mute's answer.
pub fn verdict(mute: bool, result: &Result<(), ApiError>) -> Verdict {
    match result {
        Ok(()) if mute => Verdict::Muted,
        Ok(()) => Verdict::Unmuted,
        Err(e) => Verdict::of_error(e),
    }
}

/// One mute or unmute (both directions), to its end.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    client: Arc<Client>,
    budget: Arc<Budget>,
    audit: Option<AuditLog>,
    events: mpsc::Sender<SyncEvent>,
    participant: Uuid,
    conference: Uuid,
    call: Uuid,
    mute: bool,
    about: Subject,
) {
    let endpoint = if mute {
        "POST /calls/{id}/mute"
    } else {
        "DELETE /calls/{id}/mute"
    };
    let request = async {
        if mute {
            client.mute(call, MuteDirection::Both).await
        } else {
            client.unmute(call, MuteDirection::Both).await
        }
    };
    let result = send_once(&budget, endpoint, request).await;
    let verdict = verdict(mute, &result);
    let action = if mute {
        ActionKind::Mute
    } else {
        ActionKind::Unmute
    };
    tracing::info!(%participant, %call, outcome = verdict.word(), ?action, "mute");
    let (status, detail) = match &result {
        Ok(()) => (Some(200), None),
        Err(e) => (e.status, Some(e.describe())),
    };
    let attempt = Attempt {
        action,
        participant,
        conference,
        about,
    };
    record(&audit, attempt, verdict, status, detail).await;
    let outcome = MuteOutcome {
        participant,
        call,
        mute,
        verdict,
        error: result.err(),
    };
    let sent = outcome.error.is_none() || !outcome.verdict.changed_nothing();
    let _ = events.send(SyncEvent::Mute(outcome)).await;
    // Read the call back for its state (optional: push may say it first).
    if sent && budget.acquire_within(MAX_WAIT).await {
        match client.get_call(call).await {
            Ok(c) => {
                let _ = events.send(SyncEvent::Calls(vec![c])).await;
            }
            Err(e) => tracing::warn!(%call, "could not read the call back after a mute: {e}"),
        }
    }
}

/// The answer to a mute conftop refused to send.
pub fn refused(participant: Uuid, call: Uuid, mute: bool, why: &str) -> MuteOutcome {
    let error = ApiError::not_sent("POST /calls/{id}/mute", ErrorKind::Rejected, why);
    MuteOutcome {
        participant,
        call,
        mute,
        verdict: Verdict::of_error(&error),
        error: Some(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mute_answer_has_one_verdict() {
        assert_eq!(verdict(true, &Ok(())), Verdict::Muted);
        assert_eq!(verdict(false, &Ok(())), Verdict::Unmuted);
        let e = ApiError::from_response("POST /calls/{id}/mute", true, 400, None, b"");
        assert_eq!(verdict(true, &Err(e)), Verdict::Refused);
        let r = refused(Uuid::nil(), Uuid::nil(), true, "read-only");
        assert_eq!(r.verdict, Verdict::Rejected);
    }
}
