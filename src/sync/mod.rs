//! The sync task: keeps a picture of every live participant, grouped by conference, and sends
//! it to the app. It is the only part of conftop that talks to the API.
//!
//! Changes arrive two ways. VoIPbin pushes conference records over its websocket
//! ([`push`]): a participant's id added to or removed from a room is applied at once. Push
//! never says `joining` or `leaving`, nor anything missed while the socket was down, so
//! polling stays as the safety net: while push is healthy a light poll (the newest page of
//! participants) runs every few seconds and a normal refresh (room list included) now and
//! then as a consistency check; while push is off or refused, conftop polls every interval.
//!
//! Refreshes never overlap; `RefreshNow` during one schedules another right after it. Every
//! request, removals included, draws on one [`budget::Budget`], and a 429 pauses it for the
//! server's `Retry-After`. Failures back off (up to 4× the interval) but never stop the task.

pub mod budget;
mod fetch;
mod mute;
mod pager;
pub mod push;
mod removal;
mod snapshot;
mod tracker;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use uuid::Uuid;

use crate::api::{ApiError, Client, Conference, Pushed};
use crate::audit::AuditLog;
use crate::verdict::{ActionKind, Verdict};

pub use budget::{Budget, BudgetConfig};
pub use fetch::Fetcher;
pub use mute::MuteOutcome;
pub use push::{PushConfig, PushEvent};
pub use snapshot::{Channel, RemovalOutcome, Snapshot, SyncCommand, SyncEvent};
pub use tracker::{Tracker, TrackerConfig, Wanted};

pub use crate::settings::defaults::MIN_INTERVAL;

/// How the sync task runs.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Between refreshes while polling (push off or down).
    pub interval: Duration,
    /// Between light polls while push is healthy (never shorter than `interval`).
    pub push_poll: Duration,
    /// Between normal refreshes (the consistency check) while push is healthy.
    pub push_check: Duration,
    pub push: PushConfig,
    pub budget: BudgetConfig,
    pub tracker: TrackerConfig,
    /// False in read-only and kiosk modes: `Remove` and `Mute` commands are refused and nothing
    /// is sent.
    pub allow_actions: bool,
    pub audit: Option<AuditLog>,
    /// Look up every caller from the start (a listing), not only those on screen.
    pub name_everyone: bool,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            interval: crate::settings::defaults::INTERVAL,
            push_poll: crate::settings::defaults::PUSH_POLL,
            push_check: crate::settings::defaults::PUSH_CHECK,
            push: PushConfig::default(),
            budget: BudgetConfig::default(),
            tracker: TrackerConfig::default(),
            allow_actions: false,
            audit: None,
            name_everyone: false,
        }
    }
}

impl SyncConfig {
    /// The defaults with push switched off (`--no-push`): every change learned by polling.
    pub fn polling_only() -> SyncConfig {
        SyncConfig {
            push: PushConfig {
                enabled: false,
                ..PushConfig::default()
            },
            ..SyncConfig::default()
        }
    }
}

/// The channels to a running sync task.
pub struct SyncHandle {
    pub commands: mpsc::Sender<SyncCommand>,
    pub events: mpsc::Receiver<SyncEvent>,
    pub task: JoinHandle<()>,
}

/// Starts the sync task on the current tokio runtime.
pub fn spawn(client: Client, config: SyncConfig) -> SyncHandle {
    let (cmd_tx, cmd_rx) = mpsc::channel(64);
    let (ev_tx, ev_rx) = mpsc::channel(256);
    let task = tokio::spawn(run(client, config, cmd_rx, ev_tx));
    SyncHandle {
        commands: cmd_tx,
        events: ev_rx,
        task,
    }
}

type Refresh = JoinHandle<(Tracker, Result<(), ApiError>)>;

/// How long after a refresh the next one starts: the interval, stretched after failures.
fn next_delay(interval: Duration, failures: u32) -> Duration {
    let factor = match failures {
        0 | 1 => 1,
        2 => 2,
        _ => 4,
    };
    interval * factor
}

/// What a refresh task does.
enum Job {
    /// The room list, the newest participants, direct checks.
    Normal,
    /// The newest participants only (push reports the rooms).
    Light,
    /// Pushed conference records.
    Pushed(Vec<Conference>),
    /// Only the callers just wanted (rows that came on screen, a search begun), between
    /// refreshes, so names do not wait for the next one.
    Names,
}

/// Whether push is healthy, and when the next consistency check is due.
struct PushState {
    up: bool,
    started: bool,
    next_check: Instant,
}

async fn run(
    client: Client,
    config: SyncConfig,
    mut commands: mpsc::Receiver<SyncCommand>,
    events: mpsc::Sender<SyncEvent>,
) {
    let interval = config.interval.max(MIN_INTERVAL);
    let push_poll = config.push_poll.max(interval);
    let client = Arc::new(client);
    let budget = Arc::new(Budget::new(config.budget));
    let mut tracker = Some(Tracker::new(config.tracker.clone()));
    // The task in flight, when it started, and whether it only looks up names.
    let mut running: Option<(Refresh, Instant, bool)> = None;
    let mut next = Instant::now();
    let mut again = false;
    let mut failures = 0u32;
    let mut wanted = Wanted {
        visible: Vec::new(),
        everyone: config.name_everyone,
        searching: false,
    };
    // Callers newly wanted since the last lookup.
    let mut names_due = false;
    // Callers wanted and not looked up when the last task ended: while a search is on, name
    // lookups follow each other as long as each gets somewhere.
    let mut names_left = usize::MAX;

    // Actions in flight: (action, participant) → (conference, who, task).
    let mut acting: HashMap<(ActionKind, Uuid), (Uuid, crate::audit::Subject, JoinHandle<()>)> =
        HashMap::new();
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<(ActionKind, Uuid)>();
    let (push_tx, mut push_rx) = mpsc::channel::<PushEvent>(1024);
    let mut push = PushState {
        up: false,
        started: false,
        next_check: Instant::now(),
    };
    let mut pushed: Vec<Conference> = Vec::new();
    let mut push_task: Option<JoinHandle<()>> = None;
    let mut rate_shown: Option<budget::Rate> = None;
    if !config.push.enabled {
        let off = Channel::Polling {
            why: "push is switched off (--no-push)".to_owned(),
        };
        let _ = events.send(SyncEvent::Channel(off)).await;
    }

    loop {
        tokio::select! {
            cmd = commands.recv() => match cmd {
                None => break,
                Some(SyncCommand::RefreshNow) => {
                    if running.is_some() {
                        again = true;
                    } else {
                        next = Instant::now();
                    }
                    // A refresh asked for by the user is a normal one.
                    push.next_check = Instant::now();
                }
                Some(SyncCommand::Visible(v)) => {
                    wanted.visible = v;
                    names_due = true;
                }
                Some(SyncCommand::Searching(on)) => {
                    wanted.everyone |= on;
                    wanted.searching = on;
                    names_due |= on;
                    names_left = usize::MAX;
                }
                Some(SyncCommand::Remove { participant, conference, about }) => {
                    if !config.allow_actions {
                        tracing::warn!(%participant, "removal refused: read-only");
                        let refused = removal::refused(participant, conference, "read-only: nothing was sent");
                        let _ = events.send(SyncEvent::Removal(refused)).await;
                        continue;
                    }
                    if acting.contains_key(&(ActionKind::Remove, participant)) {
                        // The first one's answer will come; this one is not sent.
                        tracing::warn!(%participant, "removal already in flight; not sent again");
                        continue;
                    }
                    let kept = about.clone();
                    let task = tokio::spawn({
                        let (client, budget, audit) = (client.clone(), budget.clone(), config.audit.clone());
                        let (events, done) = (events.clone(), done_tx.clone());
                        async move {
                            removal::remove(client, budget, audit, events, participant, conference, about).await;
                            let _ = done.send((ActionKind::Remove, participant));
                        }
                    });
                    acting.insert((ActionKind::Remove, participant), (conference, kept, task));
                }
                Some(SyncCommand::Mute { participant, conference, call, mute, about }) => {
                    if !config.allow_actions {
                        tracing::warn!(%participant, "mute refused: read-only");
                        let refused = mute::refused(participant, call, mute, "read-only: nothing was sent");
                        let _ = events.send(SyncEvent::Mute(refused)).await;
                        continue;
                    }
                    // One key press, one request; the app sends no second one while this one is
                    // unanswered.
                    let kind = if mute { ActionKind::Mute } else { ActionKind::Unmute };
                    let kept = about.clone();
                    let task = tokio::spawn({
                        let (client, budget, audit, events) = (client.clone(), budget.clone(), config.audit.clone(), events.clone());
                        let done = done_tx.clone();
                        async move {
                            mute::run(client, budget, audit, events, participant, conference, call, mute, about).await;
                            let _ = done.send((kind, participant));
                        }
                    });
                    acting.insert((kind, participant), (conference, kept, task));
                }
            },
            Some(done) = done_rx.recv() => {
                acting.remove(&done);
            }
            Some(ev) = push_rx.recv() => match ev {
                PushEvent::Up => {
                    push.up = true;
                    // Whatever changed while the socket was down is learned now.
                    push.next_check = Instant::now();
                    if running.is_none() {
                        next = Instant::now();
                    } else {
                        again = true;
                    }
                    let live = Channel::Push { poll: push_poll };
                    let _ = events.send(SyncEvent::Channel(live)).await;
                }
                PushEvent::Down { reason, retry_in } => {
                    push.up = false;
                    if running.is_none() {
                        next = next.min(Instant::now() + interval);
                    }
                    let why = format!("{reason}; retrying in {}s", retry_in.as_secs().max(1));
                    let _ = events.send(SyncEvent::Channel(Channel::Polling { why })).await;
                }
                PushEvent::Record(Pushed::Conference(c)) => {
                    pushed.push(*c);
                    if running.is_none() {
                        next = Instant::now();
                    }
                }
                PushEvent::Record(Pushed::Call(c)) => {
                    let _ = events.send(SyncEvent::CallUpdated(c)).await;
                }
                PushEvent::Record(Pushed::Other) => {}
            },
            res = async { (&mut running.as_mut().expect("guarded").0).await }, if running.is_some() => {
                let (_, started, names_only) = running.take().expect("guarded");
                if let Ok((t, _)) = &res
                    && wanted.searching
                {
                    let left = t.callers_left(&wanted);
                    names_due |= left > 0 && left < names_left;
                    names_left = left;
                }
                if names_only {
                    // Between refreshes: the schedule stands, unless something came meanwhile
                    // that wants a refresh now.
                    if std::mem::take(&mut again) || !pushed.is_empty() {
                        next = Instant::now();
                    }
                    match res {
                        Ok((t, _)) => tracker = Some(t),
                        Err(join) => {
                            tracing::error!("name lookup task failed: {join}");
                            tracker = Some(Tracker::new(config.tracker.clone()));
                        }
                    }
                    continue;
                }
                let (mut t, result) = match res {
                    Ok(pair) => pair,
                    Err(join) => {
                        tracing::error!("refresh task failed: {join}");
                        let msg = ApiError::internal("refresh", "the refresh task failed; see the log");
                        (Tracker::new(config.tracker.clone()), Err(msg))
                    }
                };
                match result {
                    Ok(()) => failures = 0,
                    Err(error) => {
                        failures += 1;
                        t.invalidate();
                        tracing::warn!("refresh failed: {error}");
                        let _ = events.send(SyncEvent::Failed { at: Timestamp::now(), error }).await;
                    }
                }
                if config.push.enabled && !push.started && let Some(customer) = t.customer() {
                    push.started = true;
                    // Every conference event once; and every call's updates (a mute among them),
                    // once each: the app keeps those of the callers it shows.
                    let topics = vec![
                        format!("customer_id:{customer}:conference:conference_"),
                        format!("customer_id:{customer}:call:call_updated:"),
                    ];
                    push_task = Some(tokio::spawn(push::run(
                        client.clone(),
                        budget.clone(),
                        topics,
                        config.push.clone(),
                        push_tx.clone(),
                    )));
                }
                tracker = Some(t);
                let rate = budget.rate();
                let moved = rate_shown.is_none_or(|r| (r.per_second - rate.per_second).abs() >= 0.1 || r.cuts != rate.cuts);
                if rate.cuts > 0 && moved {
                    rate_shown = Some(rate);
                    let _ = events.send(SyncEvent::Rate(rate)).await;
                }
                let period = if push.up { push_poll } else { interval };
                let earliest = if failures == 0 { started + period } else { Instant::now() + next_delay(interval, failures) };
                next = if std::mem::take(&mut again) || !pushed.is_empty() { Instant::now() } else { earliest.max(Instant::now()) };
            }
            _ = tokio::time::sleep_until(if names_due { Instant::now().min(next) } else { next }), if running.is_none() => {
                let mut t = tracker.take().expect("idle tracker");
                // A refresh looks up the callers wanted too.
                names_due = false;
                let job = if Instant::now() < next {
                    Job::Names
                } else if !pushed.is_empty() && failures == 0 {
                    Job::Pushed(std::mem::take(&mut pushed))
                } else if push.up && Instant::now() < push.next_check {
                    Job::Light
                } else {
                    pushed.clear();
                    if push.up {
                        push.next_check = Instant::now() + config.push_check;
                    }
                    Job::Normal
                };
                if matches!(job, Job::Normal | Job::Light) {
                    let _ = events.send(SyncEvent::Refreshing).await;
                }
                let names_only = matches!(job, Job::Names);
                let started = Instant::now();
                // Optional work stops at half the period: a name lookup, when the next refresh is due.
                let period = if names_only { next.saturating_duration_since(started) * 2 } else if push.up { push_poll } else { interval };
                let task = tokio::spawn({
                    let (client, budget, events, wanted) = (client.clone(), budget.clone(), events.clone(), wanted.clone());
                    async move {
                        let mut f = Fetcher::new(&client, &budget).scheduled(started, period);
                        let now = Timestamp::now();
                        let result = match job {
                            Job::Normal => t.refresh(&mut f, now, &wanted, &events, false).await,
                            Job::Light => t.refresh(&mut f, now, &wanted, &events, true).await,
                            Job::Pushed(records) => t.apply_pushed(&mut f, records, now, &wanted, &events).await,
                            Job::Names => {
                                t.look_up_callers(&mut f, &wanted, &events).await;
                                Ok(())
                            }
                        };
                        (t, result)
                    }
                });
                running = Some((task, Instant::now(), names_only));
            }
        }
    }
    if let Some((task, _, _)) = running {
        task.abort();
    }
    if let Some(task) = push_task {
        task.abort();
    }
    finish_actions(acting, &config.audit).await;
}

/// At exit: give actions in flight (removals, mutes) a moment to be answered; any still
/// unanswered is recorded as `unknown`, since the server may have acted on it.
async fn finish_actions(
    acting: HashMap<(ActionKind, Uuid), (Uuid, crate::audit::Subject, JoinHandle<()>)>,
    audit: &Option<AuditLog>,
) {
    let deadline = Instant::now() + Duration::from_secs(3);
    for ((action, participant), (conference, about, mut task)) in acting {
        if tokio::time::timeout_at(deadline, &mut task).await.is_err() {
            task.abort();
            tracing::warn!(%participant, ?action, "exited before the action was answered");
            let detail = Some("conftop exited before the answer".to_owned());
            let attempt = removal::Attempt {
                action,
                participant,
                conference,
                about,
            };
            removal::record(audit, attempt, Verdict::Unknown, None, detail).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_bounded() {
        let i = Duration::from_secs(2);
        assert_eq!(next_delay(i, 0), i);
        assert_eq!(next_delay(i, 1), i);
        assert_eq!(next_delay(i, 2), i * 2);
        assert_eq!(next_delay(i, 50), i * 4);
    }
}
