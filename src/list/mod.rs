//! `conftop list`: one complete picture of who is in which conference, printed once.
//!
//! The picture comes from the dashboard's own sync task ([`crate::sync::spawn`]), within the
//! same request budget: conftop waits for a snapshot that covers every live participant
//! (`complete`), then for the callers that spare budget can look up, and stops. Push is off:
//! one picture needs no websocket. A picture the timeout cuts short (on a busy account, the
//! scan of the day's history takes minutes within the budget) is printed as it is, marked
//! incomplete, with its own exit status.

mod shape;
mod table;

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::time::Instant;

use crate::api::{ApiError, Call, Client, Customer, ErrorKind};
use crate::ids::IdMap;
use crate::sync::{Snapshot, SyncConfig, SyncEvent};

pub use shape::{Listing, SCHEMA_VERSION};
pub use table::table;

/// How long `conftop list` waits for a complete picture unless `--timeout` says otherwise: a
/// busy account's first run (no cache yet) takes most of a minute within the budget.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// The exit status of a picture not complete in time (printed or not).
pub const INCOMPLETE_EXIT: u8 = 5;

/// Failed refreshes in a row after which the API counts as unreachable.
pub const RETRIES: u32 = 3;

/// Everything the sync task said, up to the moment the picture was complete.
#[derive(Debug, Clone)]
pub struct Picture {
    /// API host and port.
    pub host: String,
    pub customer: Option<Customer>,
    /// When the snapshot arrived.
    pub at: Timestamp,
    pub snapshot: Arc<Snapshot>,
    pub calls: IdMap<Call>,
    /// Calls known from the cache only: who rang whom, not whether they are muted.
    pub remembered: crate::ids::IdSet,
    /// Every live participant is in it: the history within the health-check horizon was
    /// scanned. Only a picture cut short by the timeout is not.
    pub complete: bool,
}

impl Picture {
    /// Call ids of live participants whose call is not known (yet).
    pub fn missing_callers(&self) -> usize {
        self.snapshot
            .participants
            .iter()
            .filter_map(|p| p.reference_id)
            .filter(|c| !self.calls.contains_key(c))
            .count()
    }
}

/// Why there is no picture. Each has its own exit status ([`ListError::exit_code`]).
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("{error}")]
    Rejected { error: ApiError },
    /// The API refused the request itself (a wrong URL, say): asking again would not help.
    #[error("{error}")]
    Refused { error: ApiError },
    #[error("gave up after {tries} failed tries: {error}")]
    Unreachable { tries: u32, error: ApiError },
    #[error("no complete picture within {waited}{}", last.as_ref().map(|e| format!(" (last failure: {e})")).unwrap_or_default())]
    Incomplete {
        waited: String,
        last: Option<ApiError>,
    },
}

impl ListError {
    /// 3: credentials rejected; 4: API unreachable, failing or refusing; 5: not complete in
    /// time.
    pub fn exit_code(&self) -> u8 {
        match self {
            ListError::Rejected { .. } => 3,
            ListError::Refused { .. } | ListError::Unreachable { .. } => 4,
            ListError::Incomplete { .. } => INCOMPLETE_EXIT,
        }
    }
}

/// What a picture must hold before it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wants {
    /// Every live participant and, as far as the budget allows, its caller (`conftop list`).
    Callers,
    /// Every live participant's status and times, no caller at all (`conftop check`): done at
    /// the first complete picture, and not one request for a call.
    Statuses,
}

/// Runs the sync task until one picture is complete, or `timeout` passes, then stops it. At
/// the timeout, the latest picture is returned as it is (`complete: false`), if there is one.
pub async fn collect(
    client: Client,
    config: SyncConfig,
    timeout: Duration,
) -> Result<Picture, ListError> {
    gather(client, config, timeout, Wants::Callers).await
}

/// [`collect`], for what `wants` says.
pub async fn gather(
    client: Client,
    config: SyncConfig,
    timeout: Duration,
    wants: Wants,
) -> Result<Picture, ListError> {
    let host = client.host();
    // There is no screen to keep true meanwhile: optional work (the callers, the history)
    // may use the whole (still adaptive) budget.
    let config = SyncConfig {
        budget: config.budget.optional_unlimited(),
        name_everyone: wants == Wants::Callers,
        // The whole horizon's history is read at once: a listing is complete only then.
        tracker: config.tracker.scan_at_once(),
        ..config
    };
    let mut handle = crate::sync::spawn(client, config);
    let result = wait(&host, &mut handle.events, timeout, wants).await;
    drop(handle.commands);
    handle.task.abort();
    result
}

async fn wait(
    host: &str,
    events: &mut tokio::sync::mpsc::Receiver<SyncEvent>,
    timeout: Duration,
    wants: Wants,
) -> Result<Picture, ListError> {
    let deadline = Instant::now() + timeout;
    let mut customer = None;
    let mut calls: IdMap<Call> = IdMap::default();
    let mut remembered = crate::ids::IdSet::default();
    let mut idle_refreshes = 0u32;
    let mut failures = 0u32;
    let mut last_error: Option<ApiError> = None;
    // The complete picture, and how many callers it lacked when the last snapshot came.
    let mut picture: Option<(Picture, usize)> = None;
    // The latest snapshot while none is complete.
    let mut partial: Option<Arc<Snapshot>> = None;
    loop {
        let event = match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(event)) => event,
            // The task ended (it never does by itself) or the time is up: a complete picture
            // is printed with the callers it has; anything less is a failure.
            Ok(None) | Err(_) => break,
        };
        match event {
            SyncEvent::Customer(c) => customer = Some(c),
            // Push is off for a listing; mutes and rates are the dashboard's.
            // The trend is the dashboard's too.
            SyncEvent::CallUpdated(_) | SyncEvent::Rate(_) | SyncEvent::Stays { .. } => {}
            SyncEvent::Remembered(found) => {
                // Who rang whom; their mute state is not known from the cache.
                for c in found {
                    if let std::collections::hash_map::Entry::Vacant(slot) = calls.entry(c.id) {
                        remembered.insert(c.id);
                        slot.insert(c);
                    }
                }
            }
            SyncEvent::Calls(found) => {
                for c in &found {
                    remembered.remove(&c.id);
                }
                calls.extend(found.into_iter().map(|c| (c.id, c)));
                if let Some((p, _)) = &mut picture {
                    p.calls = calls.clone();
                    if p.missing_callers() == 0 {
                        break;
                    }
                }
            }
            SyncEvent::Snapshot(snapshot) => {
                failures = 0;
                // Complete: the history within the horizon scanned and every listed
                // participant's own record in (none shown from its room's list alone).
                if snapshot.interim || !snapshot.complete || snapshot.awaited > 0 {
                    partial = Some(snapshot);
                    continue;
                }
                let p = Picture {
                    host: host.to_owned(),
                    customer: customer.clone(),
                    at: Timestamp::now(),
                    snapshot,
                    calls: calls.clone(),
                    remembered: remembered.clone(),
                    complete: true,
                };
                let missing = p.missing_callers();
                // Done when every caller is known, or when three refreshes in a row found none
                // of those still missing (their calls may be gone; a refresh may also have had
                // no spare budget for them).
                let no_progress = picture
                    .as_ref()
                    .is_some_and(|(_, before)| missing >= *before);
                idle_refreshes = if no_progress { idle_refreshes + 1 } else { 0 };
                let done = wants == Wants::Statuses || missing == 0 || idle_refreshes >= 3;
                picture = Some((p, missing));
                if done {
                    break;
                }
            }
            SyncEvent::Failed { error, .. } => {
                match error.kind {
                    ErrorKind::Unauthenticated | ErrorKind::Forbidden => {
                        return Err(ListError::Rejected { error });
                    }
                    ErrorKind::Gone | ErrorKind::Rejected if picture.is_none() => {
                        return Err(ListError::Refused { error });
                    }
                    _ => {}
                }
                failures += 1;
                if failures >= RETRIES && picture.is_none() && partial.is_none() {
                    return Err(ListError::Unreachable {
                        tries: failures,
                        error,
                    });
                }
                last_error = Some(error);
            }
            SyncEvent::Refreshing
            | SyncEvent::Acted(_)
            | SyncEvent::Channel(_)
            | SyncEvent::Departed(_) => {}
        }
    }
    match picture {
        Some((mut p, _)) => {
            p.calls = calls;
            p.remembered = remembered;
            Ok(p)
        }
        None if partial.is_some() => Ok(Picture {
            host: host.to_owned(),
            customer,
            at: Timestamp::now(),
            snapshot: partial.expect("checked"),
            calls,
            remembered,
            complete: false,
        }),
        None => Err(ListError::Incomplete {
            waited: crate::format::shown(timeout),
            last: last_error,
        }),
    }
}

/// The listing in the format asked for.
/// The listing in `output`'s form; a table fits `fit` cells when given (see [`table`]).
pub fn render(
    listing: &Listing,
    output: crate::cli::Output,
    fit: Option<usize>,
) -> Result<String, String> {
    use crate::cli::Output;
    match output {
        Output::Table => Ok(table(listing, fit)),
        Output::Json => serde_json::to_string_pretty(listing)
            .map(|s| s + "\n")
            .map_err(|e| format!("cannot write JSON: {e}")),
        Output::Yaml => {
            serde_norway::to_string(listing).map_err(|e| format!("cannot write YAML: {e}"))
        }
    }
}

/// What `conftop list` says when the picture was not complete within `timeout`.
pub fn incomplete(timeout: std::time::Duration) -> String {
    format!(
        "the picture is not complete within {}: the scan of the day's history had not finished, \
         so participants of connect and queue rooms who joined long ago may be missing (printed \
         what there is; a longer --timeout completes it)",
        crate::format::shown(timeout)
    )
}
