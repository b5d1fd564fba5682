//! The simulated VoIPbin data: customers, rooms, participants and their calls, and the
//! lifecycle that moves them (API.md §3–§5).
//!
//! Time is advanced lazily: every request first calls [`World::advance`] with the simulated
//! clock, which applies every scheduled event up to that instant in order. So answers are exact
//! at request time and a seeded world replays the same way.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use fastrand::Rng;
use uuid::Uuid;

use super::names;
use super::scenario::{QUEUE_CALLERS, Scenario};

pub use events::{Event, Record};
pub use mute::MuteError;

mod control;
mod events;
mod history;
mod lifecycle;
mod mute;
mod populate;
mod queries;
#[cfg(test)]
mod tests;

/// Microseconds since the Unix epoch; the server's own precision.
pub type Micros = i64;

pub const SECOND: Micros = 1_000_000;
pub const MINUTE: Micros = 60 * SECOND;
pub const HOUR: Micros = 60 * MINUTE;
pub const DAY: Micros = 24 * HOUR;

/// The health check kicks any participant older than this (API.md §3).
const MAX_STAY: Micros = DAY - 5 * MINUTE;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantStatus {
    Joining,
    Joined,
    Leaving,
    Leaved,
}

impl ParticipantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ParticipantStatus::Joining => "joining",
            ParticipantStatus::Joined => "joined",
            ParticipantStatus::Leaving => "leaving",
            ParticipantStatus::Leaved => "leaved",
        }
    }

    pub fn is_live(self) -> bool {
        self != ParticipantStatus::Leaved
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConferenceKind {
    Conference,
    Connect,
    /// Internal to the queue system; never listed, like `connect`.
    Queue,
}

impl ConferenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConferenceKind::Conference => "conference",
            ConferenceKind::Connect => "connect",
            ConferenceKind::Queue => "queue",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConferenceStatus {
    Progressing,
    Terminating,
    Terminated,
}

impl ConferenceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConferenceStatus::Progressing => "progressing",
            ConferenceStatus::Terminating => "terminating",
            ConferenceStatus::Terminated => "terminated",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub access_key: String,
    pub tm_create: Micros,
}

#[derive(Debug, Clone)]
pub struct Conference {
    pub id: Uuid,
    pub customer: usize,
    pub kind: ConferenceKind,
    pub status: ConferenceStatus,
    pub name: String,
    pub detail: String,
    pub timeout: i64,
    /// `conferencecall_ids`: participants in `joined` or `leaving`, in join order.
    pub members: Vec<Uuid>,
    /// Every live participant (`joining` too), so kicks and emptiness checks need no scan.
    pub present: Vec<Uuid>,
    pub direct_hash: String,
    /// The recording in progress, if any (every fourth named conference records, so the demo shows
    /// it; derived from the conference's id, so no random draw moves).
    pub recording: Option<Uuid>,
    /// How many participants churn aims to keep here.
    pub target: usize,
    pub tm_create: Micros,
    pub tm_update: Option<Micros>,
    pub tm_end: Option<Micros>,
    pub tm_delete: Option<Micros>,
}

#[derive(Debug, Clone)]
pub struct Participant {
    /// Written with an unreadable `tm_create`, as a damaged record would be.
    pub garbled: bool,
    /// Written with this `tm_create` instead of the real one (which orders the list).
    pub shown_created: Option<Micros>,
    pub id: Uuid,
    pub customer: usize,
    pub conference: Uuid,
    pub call: Uuid,
    pub activeflow: Uuid,
    pub status: ParticipantStatus,
    pub tm_create: Micros,
    pub tm_update: Option<Micros>,
}

#[derive(Debug, Clone, Default)]
pub struct Addr {
    pub kind: &'static str,
    pub target: String,
    pub target_name: String,
}

#[derive(Debug, Clone)]
pub struct CallRec {
    pub id: Uuid,
    pub customer: usize,
    pub flow_id: Uuid,
    pub activeflow_id: Uuid,
    pub owner_agent: Option<Uuid>,
    pub incoming: bool,
    pub source: Addr,
    pub destination: Addr,
    pub status: &'static str,
    pub hangup_by: &'static str,
    pub hangup_reason: &'static str,
    /// `""`, `in`, `out` or `both` (API.md §5).
    pub mute_direction: &'static str,
    pub tm_create: Micros,
    pub tm_ringing: Option<Micros>,
    pub tm_progressing: Option<Micros>,
    pub tm_hangup: Option<Micros>,
    pub tm_update: Option<Micros>,
}

/// Something scheduled to happen at a simulated instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Due {
    /// `joining` → `joined`.
    Joined(Uuid),
    /// A failed join: `joining` → `leaved` without ever being in the conference.
    JoinFailed(Uuid),
    /// The participant hangs up: `joined` → `leaved` at once (no `leaving`).
    Leave(Uuid),
    /// The server ends the participant's call at the call limit: it leaves as on a hang-up.
    CallLimit(Uuid),
    /// The bridge confirms a kick: `leaving` → `leaved`.
    Leaved(Uuid),
    /// A kicked participant's call ends when its flow does (a kick does not hang it up).
    CallEnd(Uuid),
    /// A new participant arrives somewhere (the churn process).
    Arrival,
    /// A new 1:1 `connect` conference starts.
    ConnectSpawn,
    /// A `conference`-type conference is deleted (or times out): everyone is kicked.
    ConferenceDelete(Uuid),
    /// A new `conference`-type conference opens for the main customer.
    ConferenceCreate,
}

/// Where a request's records come from, for the list endpoints.
pub struct Listing<'a, T> {
    pub items: Vec<&'a T>,
    /// The last item's `tm_create`, or `None` when the page is empty.
    pub last: Option<Micros>,
}

/// What a DELETE on a participant did.
#[derive(Debug)]
pub enum Kick {
    Done,
    NotFound,
    Forbidden,
}

pub struct World {
    pub scenario: Scenario,
    rng: Rng,
    /// Who starts muted; separate so that it leaves the rest of the seeded world as it was.
    mute_rng: Rng,
    now: Micros,
    last_create: Micros,
    seq: u64,
    pub customers: Vec<Customer>,
    conferences: Vec<Conference>,
    conference_index: HashMap<Uuid, usize>,
    participants: Vec<Participant>,
    participant_index: HashMap<Uuid, usize>,
    calls: Vec<CallRec>,
    call_index: HashMap<Uuid, usize>,
    schedule: BinaryHeap<Reverse<(Micros, u64, Due)>>,
    conference_names_used: usize,
    /// Events since the server last drained them (see [`World::take_events`]).
    outbox: Vec<Event>,
}

impl World {
    /// Builds the seeded scenario as it stands at `now`.
    pub fn new(scenario: Scenario, now: Micros) -> World {
        let mut w = World {
            rng: Rng::with_seed(scenario.seed),
            mute_rng: Rng::with_seed(scenario.seed ^ 0x6d75_7465),
            scenario,
            now,
            last_create: 0,
            seq: 0,
            customers: Vec::new(),
            conferences: Vec::new(),
            conference_index: HashMap::new(),
            participants: Vec::new(),
            participant_index: HashMap::new(),
            calls: Vec::new(),
            call_index: HashMap::new(),
            schedule: BinaryHeap::new(),
            conference_names_used: 0,
            outbox: Vec::new(),
        };
        w.populate();
        // The starting state is the scene, not news.
        w.outbox.clear();
        w
    }

    pub fn now(&self) -> Micros {
        self.now
    }

    fn uuid(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.u128(..).to_le_bytes()).into_uuid()
    }

    fn exp(&mut self, mean: Micros) -> Micros {
        let u = self.rng.f64().max(1e-12);
        ((-u.ln()) * mean as f64) as Micros
    }

    fn between(&mut self, lo: Micros, hi: Micros) -> Micros {
        if hi <= lo { lo } else { self.rng.i64(lo..hi) }
    }

    fn at(&mut self, when: Micros, due: Due) {
        // Absurd settings (a churn near zero) give absurd gaps; never beyond the year 9999.
        let when = when.min(253_402_300_799 * SECOND);
        self.seq += 1;
        self.schedule.push(Reverse((when, self.seq, due)));
    }
}

fn hang_up(call: &mut CallRec, at: Micros, by: &'static str, reason: &'static str) {
    call.status = "hangup";
    call.hangup_by = by;
    call.hangup_reason = reason;
    call.tm_hangup = Some(at);
    call.tm_update = Some(at);
}

/// Newest-first page of records created strictly before `before` (the server's SQL is
/// `tm_create < token ORDER BY tm_create DESC`).
fn page_before<'a, T>(
    items: &'a [T],
    created: impl Fn(&T) -> Micros,
    before: Micros,
    size: usize,
    keep: impl Fn(&T) -> bool,
) -> Listing<'a, T> {
    let end = items.partition_point(|t| created(t) < before);
    let page: Vec<&T> = items[..end]
        .iter()
        .rev()
        .filter(|t| keep(t))
        .take(size)
        .collect();
    let last = page.last().map(|t| created(t));
    Listing { items: page, last }
}
