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
//! When what runs is decided by a plain state machine, [`schedule::Scheduler`], whose rules
//! are unit tests: refreshes never overlap, failures turn refreshes into cheap probes, an
//! action is sent once. [`run`] only waits, steps it and carries out what it says. Every
//! request, actions included, draws on one [`budget::Budget`], and a 429 pauses it for the
//! server's `Retry-After`. What the app hears passes through one [`relay`], which lays the
//! answers to removals over the tracker's snapshots until the tracker has caught up: the sync
//! task is the one owner of who is in which conference, in what status.

pub mod action;
pub mod budget;
mod fetch;
mod pager;
pub mod push;
mod relay;
pub mod schedule;
mod snapshot;
pub mod tracker;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use uuid::Uuid;

use crate::api::{ApiError, Client};
use crate::audit::AuditLog;
use crate::verdict::{ActionKind, Verdict};

pub use action::{Attempt, Outcome};
pub use budget::{Budget, BudgetConfig};
pub use fetch::Fetcher;
pub use push::{PushConfig, PushEvent};
use schedule::{Effect, Finished, Input, Job, Plan, Rules, Scheduler};
pub use snapshot::{Channel, Snapshot, Stay, SyncCommand, SyncEvent};
pub use tracker::{Horizon, HorizonSetting, Tracker, TrackerConfig, Wanted};

pub use crate::defaults::MIN_INTERVAL;

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
            interval: crate::defaults::INTERVAL,
            push_poll: crate::defaults::PUSH_POLL,
            push_check: crate::defaults::PUSH_CHECK,
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

/// A refresh or lookup in flight: it hands the tracker back when done.
type JobTask = JoinHandle<(Tracker, Result<(), ApiError>)>;

/// How long actions in flight at exit may take to be answered before they are recorded as
/// `unknown`.
const EXIT_GRACE: Duration = Duration::from_secs(3);

/// What carries out the scheduler's effects, and what they run on.
struct Worker {
    client: Arc<Client>,
    budget: Arc<Budget>,
    events: mpsc::Sender<SyncEvent>,
    config: SyncConfig,
    /// Idle between jobs; a running job holds it.
    tracker: Option<Tracker>,
    /// What the screen wants, shared with the tracker so a long walk serves it as it goes.
    screen: Arc<std::sync::Mutex<Wanted>>,
    job: Option<JobTask>,
    push: Option<JoinHandle<()>>,
    push_tx: mpsc::Sender<PushEvent>,
    actions: HashMap<(ActionKind, Uuid), JoinHandle<()>>,
    answered: mpsc::UnboundedSender<(ActionKind, Uuid)>,
}

async fn run(
    client: Client,
    config: SyncConfig,
    mut commands: mpsc::Receiver<SyncCommand>,
    events: mpsc::Sender<SyncEvent>,
) {
    let rules = Rules {
        interval: config.interval.max(MIN_INTERVAL),
        push_poll: config.push_poll,
        push_check: config.push_check,
        push: config.push.enabled,
        allow_actions: config.allow_actions,
        name_everyone: config.name_everyone,
    };
    let (mut scheduler, first) = Scheduler::new(rules, Instant::now(), fastrand::u64(..));
    // Everything for the app goes through the relay, in order (see [`relay`]).
    let (inbox, relayed) = mpsc::channel::<SyncEvent>(256);
    tokio::spawn(relay_to_app(relayed, events));
    let events = inbox;
    let (push_tx, mut push_rx) = mpsc::channel::<PushEvent>(1024);
    let (answered, mut answers) = mpsc::unbounded_channel();
    let screen = Arc::new(std::sync::Mutex::new(scheduler.wanted().clone()));
    let mut tracker = Tracker::new(config.tracker.clone());
    tracker.follow_screen(screen.clone());
    let mut w = Worker {
        client: Arc::new(client),
        budget: Arc::new(Budget::new(config.budget)),
        events,
        tracker: Some(tracker),
        screen,
        config,
        job: None,
        push: None,
        push_tx,
        actions: HashMap::new(),
        answered,
    };
    w.carry_out(first).await;
    loop {
        let wake = scheduler.wake_at();
        let input = tokio::select! {
            cmd = commands.recv() => match cmd {
                Some(c) => Input::Command(c),
                None => break,
            },
            Some(key) = answers.recv() => {
                w.actions.remove(&key);
                Input::Answered(key)
            }
            Some(ev) = push_rx.recv() => Input::Push(ev),
            done = async { (&mut w.job.as_mut().expect("guarded")).await }, if w.job.is_some() => {
                w.job = None;
                Input::Finished(w.finished(done, scheduler.wanted()))
            }
            _ = tokio::time::sleep_until(wake.unwrap_or_else(Instant::now)), if wake.is_some() => {
                Input::Timer
            }
        };
        let effects = scheduler.step(input, Instant::now());
        if let Ok(mut shared) = w.screen.lock()
            && *shared != *scheduler.wanted()
        {
            *shared = scheduler.wanted().clone();
        }
        w.carry_out(effects).await;
    }
    w.stop(&mut scheduler, &mut answers).await;
}

/// Passes what the sync task's parts say to the app through the [`relay::Relay`], until they
/// have all stopped or the app has.
async fn relay_to_app(mut inbox: mpsc::Receiver<SyncEvent>, app: mpsc::Sender<SyncEvent>) {
    let mut relay = relay::Relay::default();
    while let Some(event) = inbox.recv().await {
        for event in relay.pass(event, Timestamp::now()) {
            if app.send(event).await.is_err() {
                return;
            }
        }
    }
}

impl Worker {
    async fn carry_out(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Start(plan) => self.start(plan),
                Effect::Send(event) => {
                    let _ = self.events.send(event).await;
                }
                Effect::StartPush(topics) => {
                    self.push = Some(tokio::spawn(push::run(
                        self.client.clone(),
                        self.budget.clone(),
                        topics,
                        self.config.push.clone(),
                        self.push_tx.clone(),
                    )));
                }
                Effect::Perform(attempt) => {
                    let key = attempt.key();
                    let (client, budget) = (self.client.clone(), self.budget.clone());
                    let (audit, events) = (self.config.audit.clone(), self.events.clone());
                    let answered = self.answered.clone();
                    let task = tokio::spawn(async move {
                        action::perform(client, budget, audit, events, attempt).await;
                        let _ = answered.send(key);
                    });
                    self.actions.insert(key, task);
                }
            }
        }
    }

    /// Starts a job on the idle tracker (the scheduler never starts two at once).
    fn start(&mut self, plan: Plan) {
        let mut t = self.tracker.take().expect("no job is running");
        let (client, budget, events) = (
            self.client.clone(),
            self.budget.clone(),
            self.events.clone(),
        );
        self.job = Some(tokio::spawn(async move {
            let mut f = Fetcher::new(&client, &budget)
                .scheduled(plan.started, plan.period)
                .retrying(plan.retries);
            let (now, wanted) = (Timestamp::now(), &plan.wanted);
            let result = match plan.job {
                Job::Normal => t.refresh(&mut f, now, wanted, &events, false).await,
                Job::Light => t.refresh(&mut f, now, wanted, &events, true).await,
                Job::Pushed(records) => t.apply_pushed(&mut f, records, now, wanted, &events).await,
                Job::Names => {
                    t.look_up_callers(&mut f, wanted, &events).await;
                    Ok(())
                }
            };
            (t, result)
        }));
    }

    /// Takes the tracker back from a finished job and says what it found.
    fn finished(
        &mut self,
        done: Result<(Tracker, Result<(), ApiError>), tokio::task::JoinError>,
        wanted: &Wanted,
    ) -> Finished {
        let (mut t, result) = done.unwrap_or_else(|join| {
            tracing::error!("sync job failed: {join}");
            let e = ApiError::internal("refresh", "the refresh task failed; see the log");
            let mut fresh = Tracker::new(self.config.tracker.clone());
            fresh.follow_screen(self.screen.clone());
            (fresh, Err(e))
        });
        let error = result.err();
        if error.is_some() {
            // After a failure, nothing seen before is trusted to be complete.
            t.invalidate();
        }
        let callers_left = if wanted.searching {
            t.callers_left(wanted)
        } else {
            0
        };
        let finished = Finished {
            error,
            at: Timestamp::now(),
            callers_left,
            customer: t.customer(),
            rate: self.budget.rate(),
        };
        self.tracker = Some(t);
        finished
    }

    /// At exit: jobs and push stop; actions in flight get [`EXIT_GRACE`] to be answered, and
    /// any still unanswered is recorded as `unknown`, since the server may have acted on it.
    async fn stop(
        mut self,
        scheduler: &mut Scheduler,
        answers: &mut mpsc::UnboundedReceiver<(ActionKind, Uuid)>,
    ) {
        if let Some(job) = self.job.take() {
            job.abort();
        }
        if let Some(push) = self.push.take() {
            push.abort();
        }
        let deadline = Instant::now() + EXIT_GRACE;
        while scheduler.acting() {
            match tokio::time::timeout_at(deadline, answers.recv()).await {
                Ok(Some(key)) => {
                    scheduler.step(Input::Answered(key), Instant::now());
                }
                _ => break,
            }
        }
        for attempt in scheduler.unanswered() {
            if let Some(task) = self.actions.remove(&attempt.key()) {
                task.abort();
            }
            tracing::warn!(participant = %attempt.participant, action = ?attempt.action, "exited before the action was answered");
            let detail = Some("conftop exited before the answer".to_owned());
            action::record(&self.config.audit, &attempt, Verdict::Unknown, None, detail).await;
        }
    }
}
