//! conftop: a terminal dashboard for live VoIPbin conferences.
//!
//! Data flows one way: [`api`] (HTTP client and wire types) → [`sync`] (the task that follows
//! the API) → [`app`] (the only owner of state, updated by a pure function) → [`ui`] (a pure
//! draw), with [`tui`] running the loop. [`settings`] turns the command line, environment and
//! config file into one validated value before any of it starts; [`defaults`] are the values
//! every layer falls back to. [`domain`] is what both front ends (the dashboard and `conftop
//! list`) mean by a participant, a conference, a filter and a status. [`sim`] is a
//! VoIPbin-compatible server used by `--demo`, `conftop sim` and the tests.
//!
//! # Glossary: one word per thing
//! - **participant**: one person in a conference. VoIPbin calls it a *conferencecall*:
//!   [`api::Conferencecall`] is the wire record, [`domain::model::Participant`] what the app
//!   knows of one. Its **record** is what `GET /conferencecalls/{id}` answers; a participant
//!   shown before its record arrived (its conference's list named it) is **awaited**.
//! - **conference**: a room people are in (types `conference`, `connect`, `queue`).
//!   [`api::Conference`] is the wire record, [`domain::model::Conference`] the app's; on screen
//!   each is a **group** of rows. ("Room" is the same thing, in prose only.)
//! - **call**: the participant's phone or SIP call ([`api::Call`]); it says who the
//!   **caller** is ([`domain::model::Caller`]: name and number of the remote party, and the
//!   call's state).
//! - **left**: no longer in the conference. The API's status is `leaved`, the badge `LEFT`;
//!   a row that left is kept a moment (`gone_at`); a **departure** is one that left in the last
//!   minutes, whether this session saw it go or read it from the history.
//! - **snapshot**: the sync task's picture of every live participant after one job; it is
//!   **confirmed** as of the server's last answer to that job (push alone confirms nothing).
//!   The sync task is the one owner of who is in and in what status (statuses only move
//!   forward; a removal's answer is laid over its snapshots by its **relay** until they agree),
//!   and the app shows the latest snapshot as it is.
//! - **job**: what the sync task runs, one at a time: a **refresh** (normal, or light while push
//!   is healthy), pushed records applied, or a **names** lookup between refreshes. While the
//!   API fails, refreshes are **probes**: one try each, at growing pauses.
//! - **horizon**: how far back a live participant can have joined, so how much history a
//!   complete picture reads ([`sync::tracker::horizon`]).
//! - **cache**: what never changes, on disk between runs ([`cache`]); a call the cache
//!   **remembers** names its caller before the server is asked about its state. The other
//!   conftops of the host using it at the same time are **peers**: a record or call one of them
//!   is reading is **claimed** in the cache, and the others take it from there.
//! - **action**: what conftop does to a participant: remove, mute, unmute
//!   ([`verdict::ActionKind`]). An **attempt** is one action asked for once (a confirmation, a
//!   key press); it is **in flight** until answered; its **outcome** carries the
//!   **verdict** ([`verdict::Verdict`]), shown on screen and written to the audit log alike.
//! - **burst**: keys closer together than anyone presses separate commands: typed text. A
//!   command key is **held** for a moment, to see whether a burst follows.
//! - **sync event** / **sync command**: what the sync task tells the app, and what the app
//!   asks of it; an app **command** is what the app asks of the event loop.
//! - **name everyone**: every caller is wanted, not only those on screen (from the first search
//!   on, and always in `conftop list`).
//! - **trend**: the last hour, a [`app::trend::Minute`] each (people present, joins, leaves),
//!   from what conftop saw; a **stay** is a participant's time in a conference as the cache
//!   remembers it, from which a restart makes the trend again.
//! - **watch**: a caller (by number or SIP address) or a conference the user asked to be told
//!   about ([`app::watch::Watch`]); what it tells is a **notice** (toast, bell, desktop).
//! - **trouble** / **alert**: a trouble is something wrong on screen (stuck, stale, a
//!   conference emptied); an alert is one trouble's start or end, handed to the user's
//!   `--alert-command` ([`app::alerts::Alert`]).

pub mod alert;
pub mod api;
pub mod app;
pub mod audit;
pub mod cache;
pub mod check;
pub mod cli;
pub mod config;
pub mod defaults;
pub mod domain;
pub mod format;
pub mod ids;
pub mod list;
pub mod logging;
pub mod memory;
pub mod metrics;
pub mod serve;
pub mod settings;
pub mod sim;
pub mod sync;
pub mod text;
pub mod tui;
pub mod ui;
pub mod verdict;
pub mod vn;
