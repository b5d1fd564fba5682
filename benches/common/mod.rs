//! Data shared by the benches: a deterministic world of conferences, participants and their
//! calls as the API returns them, app states loaded with it, and the revision measured.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use conftop::api::{Call, Conference, Conferencecall, Customer};
use conftop::app::{AppConfig, AppState, Event, Mode, update};
use conftop::sync::{Snapshot, SyncEvent};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use uuid::Uuid;

pub mod pty;

// The simulators and clients the integration tests use.
#[path = "../../tests/it/common.rs"]
mod sims;
#[allow(unused_imports)] // Not every bench talks to a simulator.
pub use sims::client_for;

pub const WIDTH: u16 = 240;
pub const HEIGHT: u16 = 70;

/// A fixed instant, so every run renders the same.
pub fn t0() -> Timestamp {
    Timestamp::from_second(1_795_000_000).expect("valid instant")
}

/// splitmix64: deterministic data without a dependency.
pub struct Rng(u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn uuid(&mut self) -> Uuid {
        let bytes = ((u128::from(self.next()) << 64) | u128::from(self.next())).to_le_bytes();
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

pub const FIRST: &[&str] = &[
    "Alice", "Bob", "Carmen", "Dmitri", "Emeka", "Fatima", "Greta", "Hiro", "Ines", "Jonas",
    "Kwame", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quinn", "Rosa", "Søren", "李娜",
];
pub const LAST: &[&str] = &[
    "Smith",
    "Nguyen",
    "Patel",
    "Kowalski",
    "Haddad",
    "Silva",
    "Johansson",
    "Osei",
    "Kim",
    "Cohen",
    "Walker",
    "Rivera",
    "Lindqvist",
    "Okafor",
];
pub const CONFERENCE_NAMES: &[&str] = &[
    "Daily Standup",
    "Board Prep",
    "Customer Onboarding",
    "Engineering All-Hands",
    "Incident Bridge",
    "Sales Sync",
    "Design Review",
    "Support Escalations",
];

pub fn ts(t: Timestamp) -> String {
    t.to_string()
}

/// One world: the snapshot the sync task would send and the call details for it.
pub struct World {
    pub conferences: Vec<Conference>,
    pub participants: Vec<Conferencecall>,
    pub calls: Vec<Call>,
}

pub fn participant(
    rng: &mut Rng,
    conference: Uuid,
    i: usize,
    now: Timestamp,
) -> (Conferencecall, Call) {
    let id = rng.uuid();
    let call_id = rng.uuid();
    let (status, age_s) = match i % 200 {
        7 | 107 => ("joining", 2 + rng.below(10) as i64),
        // A few stuck in joining past the warning threshold: trouble sorting and markers.
        57 if i % 1000 == 57 => ("joining", 45 + rng.below(200) as i64),
        3 => ("leaving", 60 + rng.below(3600) as i64),
        _ => ("joined", 60 + rng.below(3 * 3600) as i64),
    };
    let created = now - SignedDuration::from_secs(age_s);
    // Leaving takes about a second; joined since shortly after creation.
    let updated = if status == "leaving" {
        now - SignedDuration::from_secs(1)
    } else {
        created + SignedDuration::from_secs(2)
    };
    let cc: Conferencecall = serde_json::from_value(json!({
        "id": id,
        "customer_id": "5e4a0680-804e-11ec-8477-2fea5968d85b",
        "activeflow_id": rng.uuid(),
        "conference_id": conference,
        "reference_type": "call",
        "reference_id": call_id,
        "status": status,
        "tm_create": ts(created),
        "tm_update": if status == "joining" { serde_json::Value::Null } else { json!(ts(updated)) },
        "tm_delete": null,
    }))
    .expect("conferencecall decodes");
    let name = format!(
        "{} {}",
        FIRST[rng.below(FIRST.len() as u64) as usize],
        LAST[rng.below(LAST.len() as u64) as usize]
    );
    let (kind, target) = if i.is_multiple_of(3) {
        (
            "sip",
            format!("sip:user{}@pbx.example.com", rng.below(10_000)),
        )
    } else {
        ("tel", format!("+1555{:07}", rng.below(10_000_000)))
    };
    let call: Call = serde_json::from_value(json!({
        "id": call_id,
        "customer_id": "5e4a0680-804e-11ec-8477-2fea5968d85b",
        "type": "sip",
        "source": {"type": kind, "target": target, "target_name": name},
        "destination": {"type": "conference", "target": conference.to_string()},
        "status": "progressing",
        "direction": "incoming",
        "tm_create": ts(created - SignedDuration::from_secs(3)),
        "tm_progressing": ts(created - SignedDuration::from_secs(1)),
    }))
    .expect("call decodes");
    (cc, call)
}

pub fn world(count: usize, per: usize, seed: u64) -> World {
    let now = t0();
    let mut rng = Rng(seed);
    let mut conferences = Vec::with_capacity(count);
    let mut participants = Vec::with_capacity(count * per);
    let mut calls = Vec::with_capacity(count * per);
    for r in 0..count {
        let conference_id = rng.uuid();
        let mut ids = Vec::with_capacity(per);
        for k in 0..per {
            let (cc, call) = participant(&mut rng, conference_id, r * per + k, now);
            if cc.status.as_str() != "joining" {
                ids.push(cc.id);
            }
            participants.push(cc);
            calls.push(call);
        }
        let created = now - SignedDuration::from_secs(3 * 3600 + rng.below(3600) as i64);
        let conference: Conference = serde_json::from_value(json!({
            "id": conference_id,
            "customer_id": "5e4a0680-804e-11ec-8477-2fea5968d85b",
            "type": "conference",
            "status": "progressing",
            "name": format!("{} {:04}", CONFERENCE_NAMES[r % CONFERENCE_NAMES.len()], r),
            "detail": "weekly",
            "conferencecall_ids": ids,
            "tm_create": ts(created),
            "tm_update": ts(created),
        }))
        .expect("conference decodes");
        conferences.push(conference);
    }
    World {
        conferences,
        participants,
        calls,
    }
}

impl World {
    // `..Snapshot::default()` keeps this building whether or not `Snapshot` has fields beyond
    // these (it had `taken_at` at some revisions).
    #[allow(clippy::needless_update, clippy::useless_conversion)]
    pub fn snapshot(&self) -> Arc<Snapshot> {
        // `into` fits whether the snapshot holds records or `Arc`s of them.
        Arc::new(Snapshot {
            participants: self.participants.iter().cloned().map(Into::into).collect(),
            conferences: self
                .conferences
                .iter()
                .map(|r| (r.id, r.clone().into()))
                .collect(),
            requests: 3,
            complete: true,
            // As the server answered it: a picture nobody confirmed is not shown as live.
            confirmed: Some(t0()),
            ..Snapshot::default()
        })
    }

    /// The same world with 1% of the participants replaced by newcomers in the same conferences.
    pub fn churned(&self, seed: u64) -> World {
        let mut rng = Rng(seed);
        let mut participants = self.participants.clone();
        let mut calls = Vec::new();
        for (i, p) in participants.iter_mut().enumerate() {
            if i % 100 == 50 {
                let (cc, call) = participant(&mut rng, p.conference_id, i, t0());
                *p = cc;
                calls.push(call);
            }
        }
        World {
            conferences: self.conferences.clone(),
            participants,
            calls,
        }
    }
}

pub fn customer() -> Customer {
    serde_json::from_value(json!({
        "id": "5e4a0680-804e-11ec-8477-2fea5968d85b",
        "name": "Acme Support Ltd",
        "status": "active",
    }))
    .expect("customer decodes")
}

pub fn empty_state(mode: Mode) -> AppState {
    let cfg = AppConfig::new(mode, "api.voipbin.net", Duration::from_secs(2));
    let mut s = AppState::new(cfg, t0(), (WIDTH, HEIGHT));
    update(&mut s, Event::Sync(SyncEvent::Customer(customer())), t0());
    s
}

pub fn loaded_state(mode: Mode, w: &World) -> AppState {
    let mut s = empty_state(mode);
    update(&mut s, Event::Sync(SyncEvent::Snapshot(w.snapshot())), t0());
    update(&mut s, Event::Sync(SyncEvent::Calls(w.calls.clone())), t0());
    s
}

pub const INTERACTIVE: Mode = Mode::Interactive { read_only: false };

pub fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Kiosk => "kiosk",
        Mode::Headless => "headless",
        Mode::Interactive { .. } => "interactive",
    }
}

/// The commit measured, and whether `src/` differs from it: figures belong to a revision.
pub fn revision() -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
    };
    let head = git(&["rev-parse", "--short", "HEAD"]).map(|s| s.trim().to_owned());
    let dirty = git(&["status", "--porcelain", "--", "src"]).is_some_and(|s| !s.trim().is_empty());
    match head {
        Some(h) if dirty => format!("{h} with uncommitted changes in src/"),
        Some(h) => h,
        None => "unknown revision".to_owned(),
    }
}
