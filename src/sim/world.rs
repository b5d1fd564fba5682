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

/// Microseconds since the Unix epoch; the server's own precision.
pub type Micros = i64;

pub const SECOND: Micros = 1_000_000;
pub const MINUTE: Micros = 60 * SECOND;
pub const HOUR: Micros = 60 * MINUTE;
pub const DAY: Micros = 24 * HOUR;

/// The health check kicks any participant older than this (API.md §3).
const MAX_STAY: Micros = DAY - 5 * MINUTE;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartStatus {
    Joining,
    Joined,
    Leaving,
    Leaved,
}

impl PartStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PartStatus::Joining => "joining",
            PartStatus::Joined => "joined",
            PartStatus::Leaving => "leaving",
            PartStatus::Leaved => "leaved",
        }
    }

    pub fn is_live(self) -> bool {
        self != PartStatus::Leaved
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoomKind {
    Conference,
    Connect,
    /// Internal to the queue system; never listed, like `connect`.
    Queue,
}

impl RoomKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RoomKind::Conference => "conference",
            RoomKind::Connect => "connect",
            RoomKind::Queue => "queue",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomStatus {
    Progressing,
    Terminating,
    Terminated,
}

impl RoomStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RoomStatus::Progressing => "progressing",
            RoomStatus::Terminating => "terminating",
            RoomStatus::Terminated => "terminated",
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
pub struct Room {
    pub id: Uuid,
    pub customer: usize,
    pub kind: RoomKind,
    pub status: RoomStatus,
    pub name: String,
    pub detail: String,
    pub timeout: i64,
    /// `conferencecall_ids`: participants in `joined` or `leaving`, in join order.
    pub members: Vec<Uuid>,
    /// Every live participant (`joining` too), so kicks and emptiness checks need no scan.
    pub present: Vec<Uuid>,
    pub direct_hash: String,
    /// How many participants churn aims to keep here.
    pub target: usize,
    pub tm_create: Micros,
    pub tm_update: Option<Micros>,
    pub tm_end: Option<Micros>,
    pub tm_delete: Option<Micros>,
}

#[derive(Debug, Clone)]
pub struct Part {
    /// Written with an unreadable `tm_create`, as a damaged record would be.
    pub garbled: bool,
    /// Written with this `tm_create` instead of the real one (which orders the list).
    pub shown_created: Option<Micros>,
    pub id: Uuid,
    pub customer: usize,
    pub room: Uuid,
    pub call: Uuid,
    pub activeflow: Uuid,
    pub status: PartStatus,
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
    /// A failed join: `joining` → `leaved` without ever being in the room.
    JoinFailed(Uuid),
    /// The participant hangs up: `joined` → `leaved` at once (no `leaving`).
    Leave(Uuid),
    /// The bridge confirms a kick: `leaving` → `leaved`.
    Leaved(Uuid),
    /// A kicked participant's call ends when its flow does (a kick does not hang it up).
    CallEnd(Uuid),
    /// A new participant arrives somewhere (the churn process).
    Arrival,
    /// A new 1:1 `connect` room starts.
    ConnectSpawn,
    /// A conference room is deleted (or times out): everyone is kicked.
    RoomDelete(Uuid),
    /// A new conference room opens for the main customer.
    RoomCreate,
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
    now: Micros,
    last_create: Micros,
    seq: u64,
    pub customers: Vec<Customer>,
    rooms: Vec<Room>,
    room_index: HashMap<Uuid, usize>,
    parts: Vec<Part>,
    part_index: HashMap<Uuid, usize>,
    calls: Vec<CallRec>,
    call_index: HashMap<Uuid, usize>,
    schedule: BinaryHeap<Reverse<(Micros, u64, Due)>>,
    room_names_used: usize,
}

impl World {
    /// Builds the seeded scenario as it stands at `now`.
    pub fn new(scenario: Scenario, now: Micros) -> World {
        let mut w = World {
            rng: Rng::with_seed(scenario.seed),
            scenario,
            now,
            last_create: 0,
            seq: 0,
            customers: Vec::new(),
            rooms: Vec::new(),
            room_index: HashMap::new(),
            parts: Vec::new(),
            part_index: HashMap::new(),
            calls: Vec::new(),
            call_index: HashMap::new(),
            schedule: BinaryHeap::new(),
            room_names_used: 0,
        };
        w.populate();
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

    // ----- building the initial scenario -------------------------------------------------

    fn populate(&mut self) {
        let now = self.now;
        let main = self.add_customer("Acme Support Ltd", "noc@acme.example.com", now - 400 * DAY);
        let other = self.add_customer("Globex Corp", "it@globex.example.com", now - 200 * DAY);

        self.generate_history(main, self.scenario.history);
        self.generate_history(other, 20.min(self.scenario.history));

        for _ in 0..self.scenario.conferences {
            let age = self.between(30 * MINUTE, 3 * HOUR);
            let room = self.new_room(main, RoomKind::Conference, now - age);
            self.keep_open(room, 30 * MINUTE);
            let n = self.scenario.participants;
            self.rooms[room].target = n;
            self.seed_participants(room, n, 30 * MINUTE);
        }
        for _ in 0..self.scenario.connect_rooms {
            let room = self.new_room(main, RoomKind::Connect, now - 10 * MINUTE);
            self.seed_participants(room, 2, 10 * MINUTE);
        }
        for _ in 0..self.scenario.queue_rooms {
            let room = self.new_room(main, RoomKind::Queue, now - 20 * MINUTE);
            self.rooms[room].target = QUEUE_CALLERS;
            self.seed_participants(room, QUEUE_CALLERS, 10 * MINUTE);
        }
        for _ in 0..2 {
            let room = self.new_room(other, RoomKind::Conference, now - HOUR);
            self.keep_open(room, 30 * MINUTE);
            self.rooms[room].target = 3;
            self.seed_participants(room, 3, 30 * MINUTE);
        }
        self.reindex();
        self.last_create = self.parts.last().map_or(0, |p| p.tm_create);
        // A room with a timeout is deleted when it expires (API.md §4), like a DELETE.
        let timed: Vec<(Uuid, Micros)> = self
            .rooms
            .iter()
            .filter(|r| r.tm_delete.is_none() && r.timeout > 0)
            .map(|r| (r.id, r.tm_create + r.timeout * SECOND))
            .collect();
        for (id, when) in timed {
            self.at(when, Due::RoomDelete(id));
        }

        // Churn: arrivals keep each room near its target; stays are exponential.
        if self.scenario.churn_per_min > 0.0 {
            let live: Vec<(Uuid, usize, RoomKind)> = self
                .parts
                .iter()
                .filter(|p| p.status.is_live() && p.customer == main)
                .map(|p| (p.id, p.customer, self.rooms[self.room_index[&p.room]].kind))
                .collect();
            for (id, _, kind) in live {
                let stay = self.stay(kind);
                self.at(now.saturating_add(stay), Due::Leave(id));
            }
            let gap = self.arrival_gap();
            self.at(now.saturating_add(gap), Due::Arrival);
        }
        if self.scenario.room_lifetime > 0 {
            let rooms: Vec<Uuid> = self
                .rooms
                .iter()
                .filter(|r| {
                    r.customer == main && r.kind == RoomKind::Conference && r.tm_delete.is_none()
                })
                .map(|r| r.id)
                .collect();
            for id in rooms {
                let life = self.exp(self.scenario.room_lifetime);
                self.at(now.saturating_add(life), Due::RoomDelete(id));
            }
        }
    }

    fn add_customer(&mut self, name: &str, email: &str, tm_create: Micros) -> usize {
        let id = self.uuid();
        let key = format!("sim-{:016x}{:016x}", self.rng.u64(..), self.rng.u64(..));
        self.customers.push(Customer {
            id,
            name: name.to_owned(),
            email: email.to_owned(),
            access_key: key,
            tm_create,
        });
        self.customers.len() - 1
    }

    fn new_room(&mut self, customer: usize, kind: RoomKind, tm_create: Micros) -> usize {
        let id = self.uuid();
        let (name, detail) = match kind {
            RoomKind::Conference => {
                let n = self.room_names_used;
                self.room_names_used += 1;
                let name = names::conference_name(&mut self.rng, n);
                let d =
                    names::CONFERENCE_DETAILS[self.rng.usize(..names::CONFERENCE_DETAILS.len())];
                (name, d.to_owned())
            }
            // Rooms made by the `connect` action or the queue system carry no name.
            RoomKind::Connect | RoomKind::Queue => (String::new(), String::new()),
        };
        let timeout = match kind {
            RoomKind::Conference if self.rng.bool() => 3600 * self.rng.i64(1..5),
            _ => 0,
        };
        let direct_hash = format!("direct.{:012x}", self.rng.u64(..) & 0xffff_ffff_ffff);
        self.rooms.push(Room {
            id,
            customer,
            kind,
            status: RoomStatus::Progressing,
            name,
            detail,
            timeout,
            members: Vec::new(),
            present: Vec::new(),
            direct_hash,
            target: 0,
            tm_create,
            tm_update: Some(tm_create),
            tm_end: None,
            tm_delete: None,
        });
        self.room_index.insert(id, self.rooms.len() - 1);
        self.rooms.len() - 1
    }

    /// A live room's timeout, if it has one, ends it no sooner than `margin` from now.
    fn keep_open(&mut self, r: usize, margin: Micros) {
        let rm = &mut self.rooms[r];
        if rm.timeout == 0 {
            return;
        }
        let needed = (self.now + margin - rm.tm_create).max(0);
        let hours = (needed + HOUR - 1) / HOUR;
        rm.timeout = rm.timeout.max(hours * 3600);
    }

    /// `n` leaved participants, spread over the two weeks before the live window, in rooms
    /// that have since ended the way real ones do: conference rooms are deleted (or time out)
    /// and kick whoever is still in; `connect` rooms hold two parties and end when one hangs
    /// up; `queue` rooms hold a few callers.
    fn generate_history(&mut self, customer: usize, n: usize) {
        if n == 0 {
            return;
        }
        let end = self.now - 45 * MINUTE;
        let span = 14 * DAY;
        let start = end - span;
        let step = (span / n as i64).max(4);
        let mut i = 0;
        while i < n {
            let kind = match self.rng.u8(..10) {
                0 | 1 => RoomKind::Connect,
                2 => RoomKind::Queue,
                _ => RoomKind::Conference,
            };
            let size = match kind {
                RoomKind::Conference => 24,
                RoomKind::Connect => 2,
                RoomKind::Queue => self.rng.usize(1..6),
            }
            .min(n - i);
            let first = start + i as i64 * step;
            let r = self.new_room(customer, kind, first - MINUTE);
            if kind == RoomKind::Conference {
                // Past meetings reuse the usual names (a daily standup is a new room every
                // day), and leave the distinct names to the live rooms.
                self.room_names_used -= 1;
                let pick = self.rng.usize(..names::CONFERENCE_NAMES.len());
                self.rooms[r].name = names::CONFERENCE_NAMES[pick].to_owned();
            }
            let room_id = self.rooms[r].id;
            // (participant, its call, arrival, when it would hang up if nothing ended it first)
            let mut members: Vec<(usize, usize, Micros, Micros)> = Vec::with_capacity(size);
            for k in 0..size {
                let t = if kind == RoomKind::Connect && k == 1 {
                    // The second leg joins a few seconds after the first.
                    members[0].2 + self.between(SECOND, 10 * SECOND)
                } else {
                    start + (i + k) as i64 * step + self.rng.i64(0..(step / 4).max(1))
                };
                let stay = self.between(30 * SECOND, 40 * MINUTE);
                self.create_part(customer, room_id, t, PartStatus::Leaved);
                members.push((self.parts.len() - 1, self.calls.len() - 1, t, t + stay));
            }
            i += size;
            let last_arrival = members.iter().map(|m| m.2).max().unwrap_or(first);
            // When the room ends and kicks whoever is still in it.
            let ends = match kind {
                RoomKind::Connect => {
                    // The first to hang up ends it: the other side is ejected.
                    let first_out = members.iter().map(|m| m.3).min().unwrap_or(last_arrival);
                    first_out.max(last_arrival + SECOND)
                }
                _ => {
                    let created = self.rooms[r].tm_create;
                    let mut deleted = last_arrival + self.between(5 * MINUTE, 45 * MINUTE);
                    let timeout = self.rooms[r].timeout * SECOND;
                    if timeout > 0 && created + timeout > last_arrival + MINUTE {
                        deleted = deleted.min(created + timeout);
                    } else {
                        self.rooms[r].timeout = 0;
                    }
                    deleted
                }
            };
            let mut last_out = None;
            for (pi, c, _, natural) in members {
                debug_assert_eq!(self.calls[c].id, self.parts[pi].call);
                if natural < ends || (kind == RoomKind::Connect && natural == ends) {
                    // Hung up: straight to leaved.
                    self.parts[pi].tm_update = Some(natural);
                    hang_up(&mut self.calls[c], natural, "remote", "normal");
                    if kind == RoomKind::Connect {
                        last_out = last_out.max(Some(natural));
                    }
                } else {
                    // Kicked when the room ended; the call went on to the end of its flow.
                    let left = ends + self.between(200_000, 2 * SECOND);
                    self.parts[pi].tm_update = Some(left);
                    let over = left + self.between(SECOND, 10 * SECOND);
                    hang_up(&mut self.calls[c], over, "local", "normal");
                    last_out = last_out.max(Some(left));
                }
            }
            let rm = &mut self.rooms[r];
            if kind == RoomKind::Connect {
                rm.status = RoomStatus::Terminated;
                rm.tm_end = last_out;
                rm.tm_update = last_out;
            } else {
                // Deleted at `ends`; the last participant leaving destroyed it. A room that
                // was already empty stays terminating with no end time (API.md §4).
                rm.tm_delete = Some(ends);
                rm.status = if last_out.is_some() {
                    RoomStatus::Terminated
                } else {
                    RoomStatus::Terminating
                };
                rm.tm_end = last_out;
                rm.tm_update = Some(last_out.unwrap_or(ends));
            }
        }
    }

    /// `n` joined participants who arrived within `window` before now.
    fn seed_participants(&mut self, room: usize, n: usize, window: Micros) {
        let (room_id, customer, room_created) = (
            self.rooms[room].id,
            self.rooms[room].customer,
            self.rooms[room].tm_create,
        );
        let from = (self.now - window).max(room_created + SECOND);
        let mut times: Vec<Micros> = (0..n)
            .map(|_| self.between(from, self.now - 5 * SECOND))
            .collect();
        times.sort_unstable();
        for t in times {
            let id = self.create_part(customer, room_id, t, PartStatus::Joined);
            let idx = self.parts.len() - 1;
            self.parts[idx].tm_update = Some(t + 2 * SECOND);
            self.rooms[room].members.push(id);
        }
        if self.rooms[room].kind == RoomKind::Connect && n == 2 {
            // One leg rang in, the other was dialled out.
            let last = self.calls.len() - 1;
            self.calls[last].incoming = false;
            let call = &mut self.calls[last];
            std::mem::swap(&mut call.source, &mut call.destination);
        }
    }

    /// Creates a participant and its call (appended unsorted; callers sort or keep order).
    fn create_part(&mut self, customer: usize, room: Uuid, t: Micros, status: PartStatus) -> Uuid {
        let id = self.uuid();
        let lead = self.rng.i64(SECOND..4 * SECOND);
        let call = self.new_call(customer, t - lead);
        let activeflow = self.calls[self.calls.len() - 1].activeflow_id;
        self.parts.push(Part {
            garbled: false,
            shown_created: None,
            id,
            customer,
            room,
            call,
            activeflow,
            status,
            tm_create: t,
            tm_update: None,
        });
        if status.is_live()
            && let Some(&r) = self.room_index.get(&room)
        {
            self.rooms[r].present.push(id);
        }
        id
    }

    fn new_call(&mut self, customer: usize, t: Micros) -> Uuid {
        let id = self.uuid();
        let flow_id = self.uuid();
        let activeflow_id = self.uuid();
        let local = Addr {
            kind: "tel",
            target: names::local_number(&mut self.rng),
            target_name: String::new(),
        };
        let mut owner_agent = None;
        let remote = match self.rng.u8(..10) {
            0..=5 => Addr {
                kind: "tel",
                target: names::phone(&mut self.rng),
                // Some callers withhold their name.
                target_name: if self.rng.u8(..5) == 0 {
                    String::new()
                } else {
                    names::person(&mut self.rng)
                },
            },
            6..=7 => Addr {
                kind: "sip",
                target: names::sip_uri(&mut self.rng),
                target_name: names::person(&mut self.rng),
            },
            _ => {
                let agent = self.uuid();
                owner_agent = Some(agent);
                Addr {
                    kind: "agent",
                    target: agent.to_string(),
                    target_name: names::agent(&mut self.rng),
                }
            }
        };
        let incoming = self.rng.u8(..4) != 0;
        let (source, destination) = if incoming {
            (remote, local)
        } else {
            (local, remote)
        };
        let ring = t + self.rng.i64(100_000..SECOND);
        let progressing = ring + self.rng.i64(SECOND..6 * SECOND);
        self.calls.push(CallRec {
            id,
            customer,
            flow_id,
            activeflow_id,
            owner_agent,
            incoming,
            source,
            destination,
            status: "progressing",
            hangup_by: "",
            hangup_reason: "",
            tm_create: t,
            tm_ringing: Some(ring),
            tm_progressing: Some(progressing),
            tm_hangup: None,
            tm_update: Some(progressing),
        });
        id
    }

    /// Sorts every table by creation time and rebuilds the indexes. Creation times are made
    /// unique, as the server's microsecond clock makes them in practice, except that with
    /// `ties` every n-th history record shares its predecessor's, to reproduce the page
    /// boundary skip of the server's strict `tm_create < token` (API.md §2).
    fn reindex(&mut self) {
        self.parts.sort_by_key(|p| p.tm_create);
        for i in 1..self.parts.len() {
            if self.parts[i].tm_create <= self.parts[i - 1].tm_create {
                self.parts[i].tm_create = self.parts[i - 1].tm_create + 1;
            }
        }
        if self.scenario.ties > 0 {
            let history = self
                .parts
                .iter()
                .take_while(|p| !p.status.is_live())
                .count();
            for i in (self.scenario.ties..history).step_by(self.scenario.ties) {
                self.parts[i].tm_create = self.parts[i - 1].tm_create;
            }
        }
        self.calls.sort_by_key(|c| c.tm_create);
        for i in 1..self.calls.len() {
            if self.calls[i].tm_create <= self.calls[i - 1].tm_create {
                self.calls[i].tm_create = self.calls[i - 1].tm_create + 1;
            }
        }
        self.rooms.sort_by_key(|r| r.tm_create);
        self.part_index = self
            .parts
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        self.call_index = self
            .calls
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        self.room_index = self
            .rooms
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i))
            .collect();
    }

    fn stay(&mut self, kind: RoomKind) -> Micros {
        let mean = match kind {
            RoomKind::Conference => self.scenario.mean_stay(),
            RoomKind::Connect | RoomKind::Queue => self.scenario.mean_stay().min(4 * MINUTE),
        };
        self.exp(mean).clamp(5 * SECOND, MAX_STAY)
    }

    fn arrival_gap(&mut self) -> Micros {
        let mean = (60.0 / self.scenario.churn_per_min * SECOND as f64) as Micros;
        self.exp(mean.max(1)).max(1)
    }

    // ----- the lifecycle --------------------------------------------------------------------

    /// Applies every scheduled event up to `to`, in order.
    pub fn advance(&mut self, to: Micros) {
        while let Some(Reverse((when, _, _))) = self.schedule.peek() {
            if *when > to {
                break;
            }
            let Reverse((when, _, due)) = self.schedule.pop().expect("peeked");
            self.now = self.now.max(when);
            self.apply(due);
        }
        self.now = self.now.max(to);
    }

    fn apply(&mut self, due: Due) {
        let now = self.now;
        match due {
            Due::Joined(id) => {
                let Some(&i) = self.part_index.get(&id) else {
                    return;
                };
                if self.parts[i].status != PartStatus::Joining {
                    return;
                }
                self.parts[i].status = PartStatus::Joined;
                self.parts[i].tm_update = Some(now);
                let room = self.parts[i].room;
                if let Some(&r) = self.room_index.get(&room) {
                    self.rooms[r].members.push(id);
                    self.rooms[r].tm_update = Some(now);
                }
            }
            Due::JoinFailed(id) => {
                let Some(&i) = self.part_index.get(&id) else {
                    return;
                };
                if self.parts[i].status == PartStatus::Joining {
                    self.finish(i, Some(("remote", "failed")));
                }
            }
            Due::Leave(id) => {
                let Some(&i) = self.part_index.get(&id) else {
                    return;
                };
                self.leave_index(i);
            }
            Due::Leaved(id) => {
                let Some(&i) = self.part_index.get(&id) else {
                    return;
                };
                if self.parts[i].status == PartStatus::Leaving {
                    self.finish(i, None);
                }
            }
            Due::CallEnd(id) => {
                if let Some(&c) = self.call_index.get(&id)
                    && self.calls[c].status == "progressing"
                {
                    hang_up(&mut self.calls[c], now, "local", "normal");
                }
            }
            Due::Arrival => {
                if let Some(room) = self.pick_room_for_arrival() {
                    self.arrive(room);
                }
                let gap = self.arrival_gap();
                self.at(now.saturating_add(gap), Due::Arrival);
            }
            Due::ConnectSpawn => {
                let main = 0;
                let t = self.next_create();
                let room = self.new_room(main, RoomKind::Connect, t);
                for _ in 0..2 {
                    self.arrive(room);
                }
            }
            Due::RoomDelete(id) => self.delete_room(id),
            Due::RoomCreate => {
                let t = self.next_create();
                let room = self.new_room(0, RoomKind::Conference, t);
                self.rooms[room].target = self.scenario.participants;
                self.arm_timeout(room);
                if self.scenario.room_lifetime > 0 {
                    let life = self.exp(self.scenario.room_lifetime);
                    let id = self.rooms[room].id;
                    self.at(now.saturating_add(life), Due::RoomDelete(id));
                }
            }
        }
    }

    /// A creation time after every existing one.
    fn next_create(&mut self) -> Micros {
        self.last_create = self.now.max(self.last_create + 1);
        self.last_create
    }

    /// The main customer's room furthest below its target (connect rooms are replaced whole;
    /// queue rooms refill like conference rooms).
    fn pick_room_for_arrival(&mut self) -> Option<usize> {
        let mut best: Option<(i64, usize)> = None;
        for (i, r) in self.rooms.iter().enumerate() {
            if r.customer != 0 || r.kind == RoomKind::Connect || r.status != RoomStatus::Progressing
            {
                continue;
            }
            let live = r.members.len() as i64;
            let deficit = r.target as i64 - live + self.rng.i64(0..3);
            if best.is_none_or(|(d, _)| deficit > d) {
                best = Some((deficit, i));
            }
        }
        best.map(|(_, i)| i)
    }

    /// A new participant enters `room` in `joining`; it joins (or, rarely, fails) shortly after.
    fn arrive(&mut self, room: usize) -> Uuid {
        let (room_id, customer, kind) = (
            self.rooms[room].id,
            self.rooms[room].customer,
            self.rooms[room].kind,
        );
        let t = self.next_create();
        // The call began a few seconds before the flow reached `conference_join`.
        let call_t = t - self.rng.i64(SECOND..4 * SECOND);
        let call = self.new_call_now(customer, call_t);
        let id = self.uuid();
        let activeflow = self.calls[self.call_index[&call]].activeflow_id;
        self.parts.push(Part {
            garbled: false,
            shown_created: None,
            id,
            customer,
            room: room_id,
            call,
            activeflow,
            status: PartStatus::Joining,
            tm_create: t,
            tm_update: None,
        });
        self.part_index.insert(id, self.parts.len() - 1);
        self.rooms[room].present.push(id);
        let delay = self.between(
            self.scenario.join_delay / 2,
            self.scenario.join_delay * 3 / 2,
        );
        if self.rng.u8(..40) == 0 && self.scenario.churn_per_min > 0.0 {
            self.at(t + delay, Due::JoinFailed(id));
        } else {
            self.at(t + delay, Due::Joined(id));
            if self.scenario.churn_per_min > 0.0 {
                let stay = self.stay(kind);
                self.at(t.saturating_add(delay).saturating_add(stay), Due::Leave(id));
            }
        }
        id
    }

    /// A call appended in creation order (calls made during the run).
    fn new_call_now(&mut self, customer: usize, t: Micros) -> Uuid {
        let t = match self.calls.last() {
            Some(last) if last.tm_create >= t => last.tm_create + 1,
            _ => t,
        };
        let id = self.new_call(customer, t);
        self.call_index.insert(id, self.calls.len() - 1);
        id
    }

    /// A room with a timeout is deleted when it expires (API.md §4).
    fn arm_timeout(&mut self, r: usize) {
        let rm = &self.rooms[r];
        if rm.timeout > 0 && rm.tm_delete.is_none() {
            let (id, when) = (rm.id, rm.tm_create + rm.timeout * SECOND);
            self.at(when, Due::RoomDelete(id));
        }
    }

    /// The participant hangs up: the bridge reports the leave at once, so `leaved` follows
    /// with no `leaving` in between (API.md §9, "natural leave"). Returns false when there was
    /// nothing to do.
    fn leave_index(&mut self, i: usize) -> bool {
        match self.parts[i].status {
            PartStatus::Joining | PartStatus::Joined => {
                self.finish(i, Some(("remote", "normal")));
                true
            }
            _ => false,
        }
    }

    /// A kick: `joining`/`joined` → `leaving`, then `leaved` a moment later. Returns false when
    /// there was nothing to do (already leaving or gone).
    fn kick_index(&mut self, i: usize) -> bool {
        match self.parts[i].status {
            PartStatus::Joining | PartStatus::Joined => {
                self.parts[i].status = PartStatus::Leaving;
                self.parts[i].tm_update = Some(self.now);
                let delay = self.between(
                    self.scenario.leave_delay / 2,
                    self.scenario.leave_delay * 3 / 2,
                );
                let id = self.parts[i].id;
                self.at(self.now + delay, Due::Leaved(id));
                true
            }
            _ => false,
        }
    }

    /// → `leaved`: out of the room's list; a `connect` room ejects the other side; a
    /// terminating room that empties is destroyed. `hangup` is who ended the call and why when
    /// the call's end caused the leave; a kicked call goes on to the end of its flow.
    fn finish(&mut self, i: usize, hangup: Option<(&'static str, &'static str)>) {
        let now = self.now;
        self.parts[i].status = PartStatus::Leaved;
        self.parts[i].tm_update = Some(now);
        let (id, room, call) = (self.parts[i].id, self.parts[i].room, self.parts[i].call);
        match hangup {
            Some((by, reason)) => {
                if let Some(&c) = self.call_index.get(&call) {
                    hang_up(&mut self.calls[c], now, by, reason);
                }
            }
            None => {
                let over = now + self.between(SECOND, 10 * SECOND);
                self.at(over, Due::CallEnd(call));
            }
        }
        let Some(&r) = self.room_index.get(&room) else {
            return;
        };
        self.rooms[r].present.retain(|m| *m != id);
        let before = self.rooms[r].members.len();
        self.rooms[r].members.retain(|m| *m != id);
        if self.rooms[r].members.len() != before {
            self.rooms[r].tm_update = Some(now);
        }
        let kind = self.rooms[r].kind;
        if kind == RoomKind::Connect && self.rooms[r].status == RoomStatus::Progressing {
            self.rooms[r].status = RoomStatus::Terminating;
            self.kick_room_members(r);
        }
        if self.rooms[r].status == RoomStatus::Terminating && self.rooms[r].present.is_empty() {
            let rm = &mut self.rooms[r];
            rm.status = RoomStatus::Terminated;
            rm.tm_end = Some(now);
            rm.tm_update = Some(now);
            if kind == RoomKind::Connect && rm.customer == 0 && self.scenario.churn_per_min > 0.0 {
                let gap = self.exp(30 * SECOND);
                self.at(now + gap, Due::ConnectSpawn);
            }
        }
    }

    fn kick_room_members(&mut self, r: usize) {
        for id in self.rooms[r].present.clone() {
            if let Some(&i) = self.part_index.get(&id) {
                self.kick_index(i);
            }
        }
    }

    /// `DELETE /conferences/{id}` or a timeout: terminating, deleted at once, everyone kicked.
    fn delete_room(&mut self, id: Uuid) {
        let Some(&r) = self.room_index.get(&id) else {
            return;
        };
        if self.rooms[r].tm_delete.is_some() {
            return;
        }
        let now = self.now;
        let rm = &mut self.rooms[r];
        rm.status = RoomStatus::Terminating;
        rm.tm_delete = Some(now);
        rm.tm_update = Some(now);
        let customer = rm.customer;
        // Only the last participant leaving destroys a room (status terminated, tm_end set); a
        // room deleted while already empty stays terminating with no tm_end (API.md §4).
        self.kick_room_members(r);
        if customer == 0 {
            let gap = self.between(20 * SECOND, 90 * SECOND);
            self.at(now + gap, Due::RoomCreate);
        }
    }

    // ----- queries and commands used by the HTTP layer ---------------------------------------

    pub fn customer_by_key(&self, key: &str) -> Option<usize> {
        self.customers.iter().position(|c| c.access_key == key)
    }

    pub fn customer_id(&self, c: usize) -> Uuid {
        self.customers[c].id
    }

    pub fn part(&self, id: Uuid) -> Option<&Part> {
        self.part_index.get(&id).map(|&i| &self.parts[i])
    }

    pub fn room(&self, id: Uuid) -> Option<&Room> {
        self.room_index.get(&id).map(|&i| &self.rooms[i])
    }

    pub fn call(&self, id: Uuid) -> Option<&CallRec> {
        self.call_index.get(&id).map(|&i| &self.calls[i])
    }

    /// A page of a customer's participants created strictly before `before`, newest first.
    pub fn list_parts(&self, customer: usize, before: Micros, size: usize) -> Listing<'_, Part> {
        page_before(
            &self.parts,
            |p| p.tm_create,
            before,
            size,
            |p| p.customer == customer,
        )
    }

    /// A page of a customer's calls created strictly before `before`, newest first.
    pub fn list_calls(&self, customer: usize, before: Micros, size: usize) -> Listing<'_, CallRec> {
        page_before(
            &self.calls,
            |c| c.tm_create,
            before,
            size,
            |c| c.customer == customer,
        )
    }

    /// A page of a customer's rooms of type `conference` that are not deleted.
    pub fn list_rooms(&self, customer: usize, before: Micros, size: usize) -> Listing<'_, Room> {
        page_before(
            &self.rooms,
            |r| r.tm_create,
            before,
            size,
            |r| r.customer == customer && r.kind == RoomKind::Conference && r.tm_delete.is_none(),
        )
    }

    /// Kicks a participant on behalf of `customer`.
    pub fn kick(&mut self, customer: usize, id: Uuid) -> Kick {
        let Some(&i) = self.part_index.get(&id) else {
            return Kick::NotFound;
        };
        if self.parts[i].customer != customer {
            return Kick::Forbidden;
        }
        self.kick_index(i);
        Kick::Done
    }

    // ----- control, for tests and tools --------------------------------------------------------

    /// A new participant in `room`, in `joining`; it joins after the scenario's join delay.
    pub fn spawn_participant(&mut self, room: Uuid) -> Option<Uuid> {
        let &r = self.room_index.get(&room)?;
        Some(self.arrive(r))
    }

    /// The participant hangs up now: `leaved` at once, with no `leaving` (a kick, through
    /// [`World::kick`], passes through `leaving`).
    pub fn hang_up(&mut self, id: Uuid) -> bool {
        match self.part_index.get(&id) {
            Some(&i) => self.leave_index(i),
            None => false,
        }
    }

    /// Deletes a conference room now, kicking everyone in it.
    pub fn end_room(&mut self, id: Uuid) {
        self.delete_room(id);
    }

    /// Opens a new room for the main customer now.
    pub fn open_room(&mut self, kind: RoomKind) -> Uuid {
        let t = self.next_create();
        let r = self.new_room(0, kind, t);
        self.arm_timeout(r);
        self.rooms[r].id
    }

    /// Rewrites a participant's caller name, e.g. to feed hostile strings to the dashboard.
    pub fn set_caller_name(&mut self, part: Uuid, name: &str) -> bool {
        let Some(p) = self.part(part) else {
            return false;
        };
        let Some(&c) = self.call_index.get(&p.call) else {
            return false;
        };
        let call = &mut self.calls[c];
        if call.incoming {
            call.source.target_name = name.to_owned();
        } else {
            call.destination.target_name = name.to_owned();
        }
        true
    }

    /// Damages a participant's record: its `tm_create` is written as something no client can
    /// read (the record keeps its place in the list).
    pub fn garble(&mut self, part: Uuid) -> bool {
        match self.part_index.get(&part) {
            Some(&i) => {
                self.parts[i].garbled = true;
                true
            }
            None => false,
        }
    }

    /// Sets the creation time a participant's record shows, e.g. one absurdly far in the past,
    /// without moving it in the list.
    pub fn set_shown_created(&mut self, part: Uuid, shown: Micros) -> bool {
        match self.part_index.get(&part) {
            Some(&i) => {
                self.parts[i].shown_created = Some(shown);
                true
            }
            None => false,
        }
    }

    /// Renames a room.
    pub fn set_room_name(&mut self, room: Uuid, name: &str) -> bool {
        match self.room_index.get(&room) {
            Some(&r) => {
                self.rooms[r].name = name.to_owned();
                true
            }
            None => false,
        }
    }

    /// Every live participant of a customer, oldest first.
    pub fn live_parts(&self, customer: usize) -> Vec<&Part> {
        self.parts
            .iter()
            .filter(|p| p.customer == customer && p.status.is_live())
            .collect()
    }

    /// Every room of a customer that is still open (neither deleted nor ended) or still has
    /// live participants.
    pub fn open_rooms(&self, customer: usize) -> Vec<&Room> {
        self.rooms
            .iter()
            .filter(|r| {
                r.customer == customer
                    && ((r.tm_delete.is_none() && r.status != RoomStatus::Terminated)
                        || !r.present.is_empty())
            })
            .collect()
    }

    /// Sizes of the tables, for memory checks.
    pub fn sizes(&self) -> (usize, usize, usize) {
        (self.parts.len(), self.calls.len(), self.rooms.len())
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

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Micros = 1_795_000_000 * SECOND;

    fn world(seed: u64, history: usize) -> World {
        World::new(
            Scenario {
                seed,
                history,
                ..Scenario::default()
            },
            NOW,
        )
    }

    #[test]
    fn history_rooms_end_the_way_real_ones_do() {
        let w = world(1, 3_000);
        let mut kinds = HashMap::new();
        for r in w
            .rooms
            .iter()
            .filter(|r| r.status != RoomStatus::Progressing)
        {
            *kinds.entry(r.kind).or_insert(0) += 1;
            let members: Vec<&Part> = w.parts.iter().filter(|p| p.room == r.id).collect();
            assert!(!members.is_empty());
            let last_out = members.iter().filter_map(|p| p.tm_update).max();
            for p in &members {
                let left = p.tm_update.unwrap();
                assert!(left > p.tm_create);
                assert!(p.tm_create > r.tm_create);
                let call = w.call(p.call).unwrap();
                assert_eq!(call.status, "hangup");
                // A hang-up ends the participant; a kick leaves the call to finish later.
                assert!(call.tm_hangup.unwrap() >= left);
            }
            match r.kind {
                RoomKind::Connect => {
                    assert!(members.len() <= 2, "a connect room holds two parties");
                    assert_eq!(r.status, RoomStatus::Terminated);
                    assert_eq!(r.tm_end, last_out);
                }
                _ => {
                    let deleted = r.tm_delete.expect("deleted or timed out");
                    if r.timeout > 0 {
                        assert!(deleted <= r.tm_create + r.timeout * SECOND);
                    }
                    assert!(members.iter().all(|p| p.tm_create < deleted));
                    match r.status {
                        // The last participant leaving destroyed it, after the deletion.
                        RoomStatus::Terminated => {
                            assert_eq!(r.tm_end, last_out);
                            assert!(r.tm_end.unwrap() > deleted);
                        }
                        // Empty when deleted: stays terminating, no end time (API.md §4).
                        RoomStatus::Terminating => {
                            assert_eq!(r.tm_end, None);
                            assert!(last_out.unwrap() < deleted);
                        }
                        RoomStatus::Progressing => unreachable!(),
                    }
                }
            }
        }
        for kind in [RoomKind::Conference, RoomKind::Connect, RoomKind::Queue] {
            assert!(
                kinds.get(&kind).is_some_and(|&n| n > 3),
                "{kind:?}: {kinds:?}"
            );
        }
    }

    #[test]
    fn a_room_is_deleted_when_its_timeout_expires() {
        let (mut w, id, expires) = (1..20)
            .find_map(|seed| {
                let w = world(seed, 0);
                let timed = w
                    .rooms
                    .iter()
                    .filter(|r| r.timeout > 0 && r.tm_delete.is_none())
                    .map(|r| (r.id, r.tm_create + r.timeout * SECOND))
                    .min_by_key(|t| t.1)?;
                Some((w, timed.0, timed.1))
            })
            .expect("some seed has a room with a timeout");
        // Live rooms never expire within half an hour of the start.
        assert!(expires >= NOW + 30 * MINUTE);
        w.advance(expires - 1);
        assert!(w.room(id).unwrap().tm_delete.is_none());
        let inside = w.room(id).unwrap().members.clone();
        w.advance(expires);
        let r = w.room(id).unwrap();
        assert_eq!(r.tm_delete, Some(expires));
        assert_eq!(r.status, RoomStatus::Terminating);
        for p in inside {
            assert_eq!(w.part(p).unwrap().status, PartStatus::Leaving);
        }
    }
}
