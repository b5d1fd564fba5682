//! Shared test fixtures: a fixed clock, deterministic ids and small scenarios.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use super::*;
use crate::api::{Call, Conference, Conferencecall};
use crate::sync::{Snapshot, SyncEvent};

pub fn t0() -> Timestamp {
    "2026-11-24T10:00:00Z".parse().unwrap()
}

pub fn secs(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n)
}

// Distinct leading digits, so short-id prefixes tell them apart.
pub fn conference_id(n: u128) -> Uuid {
    Uuid::from_u128((0xc0ff_0000 + n) << 96)
}

pub fn part_id(n: u128) -> Uuid {
    Uuid::from_u128((0xaa00_0000 + n) << 96)
}

pub fn call_id(n: u128) -> Uuid {
    Uuid::from_u128((0xca11_0000 + n) << 96)
}

pub fn cc(n: u128, conference: u128, status: &str, age: i64) -> Conferencecall {
    serde_json::from_value(serde_json::json!({
        "id": part_id(n),
        "conference_id": conference_id(conference),
        "reference_type": "call",
        "reference_id": call_id(n),
        "status": status,
        "tm_create": (t0() - secs(age)).to_string(),
        // The status changed a second ago.
        "tm_update": (t0() - secs(1)).to_string(),
    }))
    .unwrap()
}

pub fn conf(n: u128, name: &str) -> Conference {
    serde_json::from_value(serde_json::json!({
        "id": conference_id(n),
        "type": "conference",
        "status": "progressing",
        "name": name,
        "tm_create": (t0() - secs(3600)).to_string(),
    }))
    .unwrap()
}

pub fn call(n: u128, name: &str, number: &str) -> Call {
    serde_json::from_value(serde_json::json!({
        "id": call_id(n),
        "direction": "incoming",
        "source": {"type": "tel", "target": number, "target_name": name},
    }))
    .unwrap()
}

pub fn snapshot(parts: Vec<Conferencecall>, conferences: Vec<Conference>) -> SyncEvent {
    SyncEvent::Snapshot(Arc::new(Snapshot {
        participants: parts.into_iter().map(Arc::new).collect(),
        conferences: conferences
            .into_iter()
            .map(|c| (c.id, Arc::new(c)))
            .collect(),
        requests: 2,
        complete: true,
        // Confirmed by the server whenever it is applied.
        confirmed: Some(Timestamp::MAX),
        ..Snapshot::default()
    }))
}

pub fn app(mode: Mode) -> AppState {
    AppState::new(
        AppConfig::new(mode, "api.example.com", Duration::from_secs(2)),
        t0(),
        (120, 40),
    )
}

pub fn interactive() -> AppState {
    app(Mode::Interactive { read_only: false })
}

/// How long a person takes between deliberate key presses in these tests: as long as
/// [`burst::COMMIT`], so each press is a key on its own, never part of typed text.
pub const KEY_STEP: SignedDuration = SignedDuration::from_secs(1);

/// A deliberate key press at `at`, or a [`KEY_STEP`] after the last event or key if later,
/// then left alone until a held key has acted: what a person pressing one key sees.
pub fn press_at(s: &mut AppState, ev: Event, at: Timestamp) -> Vec<Command> {
    let last_key = s.burst.last().map_or(at, |t| t + KEY_STEP);
    let at = at.max(s.now + KEY_STEP).max(last_key);
    let mut out = update(s, ev, at);
    // A held key, then a mute or a removal waiting out its second.
    while let Some(due) = s.deadline() {
        out.extend(update(s, Event::Wake, due));
    }
    out
}

/// [`press_at`] a [`KEY_STEP`] after the last event.
pub fn press(s: &mut AppState, ev: Event) -> Vec<Command> {
    press_at(s, ev, s.now)
}

/// Keys typed as a hurried person types, `every` apart, starting a [`KEY_STEP`] after the
/// last event or key, and the wakes the event loop gives between them. Returns every command.
pub fn type_keys(s: &mut AppState, text: &str, every: SignedDuration) -> Vec<Command> {
    let mut at = (s.now + KEY_STEP).max(s.burst.last().map_or(s.now, |t| t + KEY_STEP));
    let mut out = Vec::new();
    for c in text.chars() {
        // The event loop wakes the app at its deadline between keys.
        while let Some(due) = s.deadline().filter(|d| *d <= at) {
            out.extend(update(s, Event::Wake, due));
        }
        out.extend(update(s, ch(c), at));
        at += every;
    }
    while let Some(due) = s.deadline() {
        out.extend(update(s, Event::Wake, due));
    }
    out
}

/// At the open removal dialog, the only way to remove: `→` to Remove, then Enter, each a
/// deliberate press. Returns every command.
pub fn confirm_removal(s: &mut AppState) -> Vec<Command> {
    let mut out = press(s, key(KeyCode::Right));
    out.extend(press(s, key(KeyCode::Enter)));
    out
}

/// Text typed into the filter line (already open), 50 ms a key.
pub fn type_text(s: &mut AppState, text: &str) {
    type_keys(s, text, SignedDuration::from_millis(50));
}

pub fn key(c: KeyCode) -> Event {
    Event::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Event {
    key(KeyCode::Char(c))
}

pub fn repeat(c: KeyCode) -> Event {
    let mut k = KeyEvent::new(c, KeyModifiers::NONE);
    k.kind = KeyEventKind::Repeat;
    Event::Key(k)
}

/// The snapshot behind [`populated`]: "Alpha" with participants 1–3 (3 joining), "Bravo" with
/// 4–5 (5 leaving).
pub fn standard_snapshot() -> SyncEvent {
    snapshot(
        standard_snapshot_records(),
        vec![conf(1, "Alpha"), conf(2, "Bravo")],
    )
}

/// The participants of [`standard_snapshot`].
pub fn standard_snapshot_records() -> Vec<Conferencecall> {
    vec![
        cc(1, 1, "joined", 300),
        cc(2, 1, "joined", 200),
        cc(3, 1, "joining", 5),
        cc(4, 2, "joined", 100),
        cc(5, 2, "leaving", 50),
    ]
}

/// [`standard_snapshot`] applied, with every caller known.
pub fn populated() -> AppState {
    let mut s = interactive();
    update(&mut s, Event::Sync(standard_snapshot()), t0());
    let calls = (1..=5)
        .map(|n| call(n, &format!("Caller {n}"), &format!("+1555010{n}")))
        .collect();
    update(&mut s, Event::Sync(SyncEvent::Calls(calls)), t0());
    s
}

/// Thirty who left in the last minutes, before this session saw them, the newest first:
/// participant 100 left 100 s ago, 129 left 129 s ago (all from conference 1).
pub fn thirty_departures(s: &mut AppState) {
    let records: Vec<_> = (100..130u128)
        .map(|n| {
            let mut r = cc(n, 1, "leaved", 900);
            r.tm_update = Some(t0() - secs(n as i64));
            Arc::new(r)
        })
        .collect();
    update(s, Event::Sync(SyncEvent::Departed(records)), t0());
}
