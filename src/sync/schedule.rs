//! The sync task's rules as a plain state machine, shaped as the app is: [`Scheduler::step`]
//! takes one [`Input`] (a command, a push event, a finished job, an answered action, the
//! timer) with `now` and returns [`Effect`]s (start a job, send an event, start push, perform
//! an action); [`Scheduler::wake_at`] says when the timer is due. No I/O, no awaits, no clock
//! reads: every rule that decides what the customer's API pays is a unit test below, and
//! [`super::run`] only waits, steps and carries out.
//!
//! The rules:
//! - Jobs never overlap. A refresh asked for during one runs once, right after it.
//! - While push is healthy a light poll runs every `push_poll` and a normal refresh (the room
//!   list) every `push_check`; without push, a normal refresh every `interval`. Push starts
//!   after the first refresh the API answered; coming up, it forces a normal refresh (whatever
//!   changed while it was down is learned now), or makes the next probe one.
//! - Pushed records are applied at once, between refreshes, while the API answers.
//! - Callers newly wanted (rows on screen, a search) are looked up between refreshes by a
//!   names-only job, which never moves the schedule; during a search lookups follow each
//!   other while each gets somewhere.
//! - A failed refresh turns the next ones into probes: one try each (no retry of passing
//!   faults), after a pause that doubles from the interval up to [`PROBE_MAX`], jittered so
//!   that screens do not probe in step; no names-only or pushed job meanwhile, and push
//!   going up or down moves no probe. Back to the interval after the first success. So an
//!   outage costs a viewer about one request every three to four seconds, and conftop is live
//!   again within [`PROBE_MAX`] of the API.
//! - An action is performed once per attempt; the same action on the same participant is
//!   never in flight twice; in read-only mode none is performed. Those unanswered at exit
//!   are given back by [`Scheduler::unanswered`], to be audited `unknown`.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;
use uuid::Uuid;

use crate::api::{Conference, Pushed};
use crate::verdict::ActionKind;

use super::action::{self, Attempt};
use super::budget::Rate;
use super::push::PushEvent;
use super::snapshot::{Channel, SyncCommand, SyncEvent};
use super::tracker::Wanted;

mod messages;
pub use messages::{Effect, Finished, Input, Job, Plan, Rules};

/// The longest pause between probes while the API fails: conftop is live again at most this
/// long after the API answers again.
pub const PROBE_MAX: Duration = Duration::from_secs(4);

/// Pushed records are applied at most once in this long: under heavy churn (frames every few
/// milliseconds) they are taken together, and one walk of the newest page finds every new
/// participant they name.
pub const PUSH_BATCH: Duration = Duration::from_secs(1);

/// Names-only jobs run at most once in this long: rows come on screen many times a second
/// when people come and go, and callers asked for together are found on one page.
pub const NAMES_BATCH: Duration = Duration::from_secs(1);

/// Whether push is healthy, and when the next consistency check is due.
#[derive(Debug)]
struct PushState {
    up: bool,
    started: bool,
    next_check: Instant,
}

/// The sync task's schedule.
#[derive(Debug)]
pub struct Scheduler {
    rules: Rules,
    rng: fastrand::Rng,
    /// The job in flight: what it is and when it started.
    running: Option<(bool, Instant)>,
    /// When the next refresh is due.
    next: Instant,
    /// A refresh was asked for while one ran.
    again: bool,
    /// Failed refreshes in a row.
    failures: u32,
    wanted: Wanted,
    /// Since when callers newly wanted wait for a names-only job.
    names_since: Option<Instant>,
    /// Wanted callers left when the last job ended (during a search).
    names_left: usize,
    acting: HashMap<(ActionKind, Uuid), Attempt>,
    push: PushState,
    pushed: Vec<Conference>,
    /// When the last job applying pushed records started.
    pushed_at: Option<Instant>,
    /// When the last names-only job started.
    names_at: Option<Instant>,
    rate_shown: Option<Rate>,
}

impl Scheduler {
    /// A schedule whose first refresh is due at once; `seed` drives the probes' jitter.
    pub fn new(rules: Rules, now: Instant, seed: u64) -> (Scheduler, Vec<Effect>) {
        let mut effects = Vec::new();
        if !rules.push {
            let why = "push is switched off (--no-push)".to_owned();
            effects.push(Effect::Send(SyncEvent::Channel(Channel::Polling { why })));
        }
        let rules = Rules {
            push_poll: rules.push_poll.max(rules.interval),
            ..rules
        };
        let s = Scheduler {
            wanted: Wanted {
                everyone: rules.name_everyone,
                ..Wanted::default()
            },
            rules,
            rng: fastrand::Rng::with_seed(seed),
            running: None,
            next: now,
            again: false,
            failures: 0,
            names_since: None,
            names_left: usize::MAX,
            acting: HashMap::new(),
            push: PushState {
                up: false,
                started: false,
                next_check: now,
            },
            pushed: Vec::new(),
            pushed_at: None,
            names_at: None,
            rate_shown: None,
        };
        (s, effects)
    }

    /// When the timer should wake the scheduler; `None` while a job runs (its end does).
    pub fn wake_at(&self) -> Option<Instant> {
        if self.running.is_some() {
            return None;
        }
        match self.names_due() {
            Some(due) if self.answering() => Some(due.min(self.next)),
            _ => Some(self.next),
        }
    }

    /// When the callers newly wanted may be looked up: at once, unless a lookup began less
    /// than [`NAMES_BATCH`] ago.
    fn names_due(&self) -> Option<Instant> {
        let since = self.names_since?;
        Some(self.names_at.map_or(since, |t| since.max(t + NAMES_BATCH)))
    }

    /// The callers wanted now.
    pub fn wanted(&self) -> &Wanted {
        &self.wanted
    }

    /// Whether an action is in flight.
    pub fn acting(&self) -> bool {
        !self.acting.is_empty()
    }

    /// The attempts still in flight: at exit, those were never answered.
    pub fn unanswered(&self) -> Vec<Attempt> {
        self.acting.values().cloned().collect()
    }

    /// Whether the API answered the last refresh.
    fn answering(&self) -> bool {
        self.failures == 0
    }

    pub fn step(&mut self, input: Input, now: Instant) -> Vec<Effect> {
        match input {
            Input::Command(c) => self.on_command(c, now),
            Input::Push(p) => self.on_push(p, now),
            Input::Finished(f) => self.on_finished(f, now),
            Input::Answered(key) => {
                self.acting.remove(&key);
                Vec::new()
            }
            Input::Timer => self.on_timer(now),
        }
    }

    fn on_command(&mut self, command: SyncCommand, now: Instant) -> Vec<Effect> {
        match command {
            SyncCommand::RefreshNow => {
                if self.running.is_some() {
                    self.again = true;
                } else {
                    self.next = now;
                }
                // A refresh asked for by the user is a normal one.
                self.push.next_check = now;
            }
            SyncCommand::Visible(v) => {
                if !v.is_empty() {
                    self.names_since.get_or_insert(now);
                }
                self.wanted.visible = v;
            }
            SyncCommand::Awaited(ids) => {
                // A full walk reads these as it goes (the screen is shared with it); after
                // it, the names job that follows does.
                self.wanted.awaited = ids;
            }
            SyncCommand::Inspect(participant) => {
                self.wanted.inspect = participant;
                if participant.is_some() {
                    self.names_since.get_or_insert(now);
                }
            }
            SyncCommand::Searching(on) => {
                self.wanted.everyone |= on;
                self.wanted.searching = on;
                self.names_left = usize::MAX;
                if on {
                    self.names_since.get_or_insert(now);
                }
            }
            SyncCommand::Act(attempt) => return self.on_attempt(attempt),
        }
        Vec::new()
    }

    fn on_attempt(&mut self, attempt: Attempt) -> Vec<Effect> {
        if !self.rules.allow_actions {
            tracing::warn!(participant = %attempt.participant, action = ?attempt.action, "refused: read-only");
            let refused = action::refused(&attempt, "read-only: nothing was sent");
            return vec![Effect::Send(SyncEvent::Acted(Box::new(refused)))];
        }
        if self.acting.contains_key(&attempt.key()) {
            // The first one's answer will come; this one is not sent.
            tracing::warn!(participant = %attempt.participant, "already in flight; not sent again");
            return Vec::new();
        }
        self.acting.insert(attempt.key(), attempt.clone());
        vec![Effect::Perform(attempt)]
    }

    fn on_push(&mut self, event: PushEvent, now: Instant) -> Vec<Effect> {
        let channel = match event {
            PushEvent::Up => {
                self.push.up = true;
                // Whatever changed while the socket was down is learned now, or by the next
                // probe if the API is failing (one request more into an outage tells nothing).
                self.push.next_check = now;
                if self.answering() {
                    self.refresh_soon(now);
                }
                Channel::Push {
                    poll: self.rules.push_poll,
                }
            }
            PushEvent::Down { reason, retry_in } => {
                self.push.up = false;
                // Polling again, within an interval; probes keep their own pauses.
                if self.running.is_none() && self.answering() {
                    self.next = self.next.min(now + self.rules.interval);
                }
                let why = format!("{reason}; retrying in {}s", retry_in.as_secs().max(1));
                Channel::Polling { why }
            }
            PushEvent::Record(Pushed::Conference(c)) => {
                self.pushed.push(*c);
                // Applied soon, unless the API is failing: then it waits for the next probe,
                // rather than each frame sending a request into the outage.
                if self.running.is_none() && self.answering() {
                    self.next = self.next.min(self.push_due(now));
                }
                return Vec::new();
            }
            PushEvent::Record(Pushed::Call(c)) => {
                return vec![Effect::Send(SyncEvent::CallUpdated(c))];
            }
            PushEvent::Record(Pushed::Other) => return Vec::new(),
        };
        vec![Effect::Send(SyncEvent::Channel(channel))]
    }

    /// A refresh now, or right after the job in flight.
    fn refresh_soon(&mut self, now: Instant) {
        if self.running.is_none() {
            self.next = now;
        } else {
            self.again = true;
        }
    }

    fn on_finished(&mut self, f: Finished, now: Instant) -> Vec<Effect> {
        let Some((names_only, started)) = self.running.take() else {
            return Vec::new();
        };
        if self.wanted.searching {
            // Lookups follow each other while each gets somewhere.
            if f.callers_left > 0 && f.callers_left < self.names_left {
                self.names_since.get_or_insert(now);
            }
            self.names_left = f.callers_left;
        }
        if names_only {
            // The schedule stands, unless something came meanwhile that wants a refresh now.
            if std::mem::take(&mut self.again) {
                self.next = now;
            } else if !self.pushed.is_empty() && self.answering() {
                self.next = self.next.min(self.push_due(now));
            }
            return Vec::new();
        }
        let mut effects = Vec::new();
        match f.error {
            None => self.failures = 0,
            Some(error) => {
                self.failures += 1;
                tracing::warn!("refresh failed: {error}");
                effects.push(Effect::Send(SyncEvent::Failed { at: f.at, error }));
            }
        }
        // Push starts after a refresh the API answered: during an outage from the start, its
        // handshakes would only add to the probes.
        if self.rules.push
            && !self.push.started
            && self.answering()
            && let Some(customer) = f.customer
        {
            self.push.started = true;
            // Every conference event once; and every call's updates (a mute among them),
            // once each: the app keeps those of the callers it shows.
            effects.push(Effect::StartPush(vec![
                format!("customer_id:{customer}:conference:conference_"),
                format!("customer_id:{customer}:call:call_updated:"),
            ]));
        }
        effects.extend(self.rate_moved(f.rate));
        let earliest = if self.answering() {
            started + self.period()
        } else {
            now + self.probe_pause()
        };
        let asked = std::mem::take(&mut self.again);
        let pushed = !self.pushed.is_empty() && self.answering();
        self.next = match (asked, pushed) {
            (true, _) => now,
            (false, true) => earliest.max(now).min(self.push_due(now)),
            (false, false) => earliest.max(now),
        };
        effects
    }

    /// When pushed records waiting now may be applied: at once, unless a batch was applied
    /// less than [`PUSH_BATCH`] ago.
    fn push_due(&self, now: Instant) -> Instant {
        self.pushed_at.map_or(now, |t| (t + PUSH_BATCH).max(now))
    }

    /// The rate, when a 429 has cut it and it moved enough to be worth saying.
    fn rate_moved(&mut self, rate: Rate) -> Option<Effect> {
        let moved = self
            .rate_shown
            .is_none_or(|r| (r.per_second - rate.per_second).abs() >= 0.1 || r.cuts != rate.cuts);
        if rate.cuts > 0 && moved {
            self.rate_shown = Some(rate);
            return Some(Effect::Send(SyncEvent::Rate(rate)));
        }
        None
    }

    /// Between refreshes while the API answers: the light poll's period with push, else the
    /// interval.
    fn period(&self) -> Duration {
        if self.push.up {
            self.rules.push_poll
        } else {
            self.rules.interval
        }
    }

    /// How long after the `failures`-th failure in a row the next probe goes: doubling from
    /// the interval, at most [`PROBE_MAX`], less up to a quarter at random.
    fn probe_pause(&mut self) -> Duration {
        let doublings = self.failures.saturating_sub(1).min(16);
        let base = self
            .rules
            .interval
            .saturating_mul(1 << doublings)
            .min(PROBE_MAX.max(self.rules.interval));
        base.mul_f64(0.75 + 0.25 * self.rng.f64())
    }

    fn on_timer(&mut self, now: Instant) -> Vec<Effect> {
        if self.running.is_some() {
            return Vec::new();
        }
        let job = if now < self.next {
            // Only callers newly wanted can be due before the next refresh.
            if !self.answering() || self.names_due().is_none_or(|due| now < due) {
                return Vec::new();
            }
            self.names_at = Some(now);
            Job::Names
        } else if !self.pushed.is_empty() && self.answering() {
            self.pushed_at = Some(now);
            Job::Pushed(std::mem::take(&mut self.pushed))
        } else if self.push.up && now < self.push.next_check && self.answering() {
            Job::Light
        } else {
            // A normal refresh reads the rooms: pushed records add nothing to it.
            self.pushed.clear();
            if self.push.up {
                self.push.next_check = now + self.rules.push_check;
            }
            Job::Normal
        };
        // A refresh looks up the callers wanted too.
        self.names_since = None;
        let period = if job.names_only() {
            self.next.saturating_duration_since(now) * 2
        } else {
            self.period()
        };
        self.running = Some((job.names_only(), now));
        let mut effects = Vec::new();
        if matches!(job, Job::Normal | Job::Light) {
            effects.push(Effect::Send(SyncEvent::Refreshing));
        }
        effects.push(Effect::Start(Plan {
            job,
            wanted: self.wanted.clone(),
            started: now,
            period,
            retries: self.answering(),
        }));
        effects
    }
}

#[cfg(test)]
mod tests;
