//! What the scheduler takes and gives: its configuration, the jobs it plans, what a finished
//! job reports, and the inputs and effects of [`super::Scheduler::step`].

use std::time::Duration;

use jiff::Timestamp;
use tokio::time::Instant;
use uuid::Uuid;

use crate::api::{ApiError, Conference};
use crate::sync::action::Attempt;
use crate::sync::budget::Rate;
use crate::sync::push::PushEvent;
use crate::sync::snapshot::{SyncCommand, SyncEvent};
use crate::sync::tracker::Wanted;
use crate::verdict::ActionKind;

/// What the rules need to know of the configuration.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Between refreshes while polling.
    pub interval: Duration,
    /// Between light polls while push is healthy.
    pub push_poll: Duration,
    /// Between normal refreshes while push is healthy.
    pub push_check: Duration,
    /// Push is switched on.
    pub push: bool,
    /// Actions may be performed (not read-only).
    pub allow_actions: bool,
    /// Every caller is wanted from the start (a listing).
    pub name_everyone: bool,
}

/// What a job does.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// The room list, the newest participants, direct checks.
    Normal,
    /// The newest participants only (push reports the rooms).
    Light,
    /// Pushed conference records.
    Pushed(Vec<Conference>),
    /// Only the callers just wanted, between refreshes.
    Names,
}

impl Job {
    pub(super) fn names_only(&self) -> bool {
        matches!(self, Job::Names)
    }
}

/// A job to start.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub job: Job,
    /// The callers wanted.
    pub wanted: Wanted,
    /// When it started, and how long until the next refresh: optional work stops at half of
    /// that, so it never delays the next one.
    pub started: Instant,
    pub period: Duration,
    /// Whether a request that met a passing fault is tried again: not while probing an API
    /// that fails.
    pub retries: bool,
}

/// What a finished job found.
#[derive(Debug, Clone)]
pub struct Finished {
    /// Why it failed, if it did.
    pub error: Option<ApiError>,
    /// When it ended, for the screen.
    pub at: Timestamp,
    /// Wanted callers not looked up yet.
    pub callers_left: usize,
    /// The customer, once known (push topics need it).
    pub customer: Option<Uuid>,
    /// The request rate in use.
    pub rate: Rate,
}

/// What the scheduler hears.
#[derive(Debug)]
pub enum Input {
    Command(SyncCommand),
    Push(PushEvent),
    Finished(Finished),
    /// An action's answer was reported (its key).
    Answered((ActionKind, Uuid)),
    /// [`super::Scheduler::wake_at`] passed.
    Timer,
}

/// What the loop carries out.
#[derive(Debug)]
pub enum Effect {
    Start(Plan),
    Send(SyncEvent),
    /// Follow the websocket on these topics.
    StartPush(Vec<String>),
    Perform(Attempt),
}
