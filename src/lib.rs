//! conftop: a terminal dashboard for live VoIPbin conferences.
//!
//! Data flows one way: [`api`] (HTTP client and wire types) → [`sync`] (the task that follows
//! the API) → [`app`] (the only owner of state, updated by a pure function) → [`ui`] (a pure
//! draw), with [`tui`] running the loop. [`settings`] turns the command line, environment and
//! config file into one validated value before any of it starts. [`sim`] is a
//! VoIPbin-compatible server used by `--demo`, `conftop sim` and the tests.
//!
//! # Glossary: one word per thing
//! - **participant**: one person in a conference. VoIPbin calls it a *conferencecall*:
//!   [`api::Conferencecall`] is the wire record, [`app::model::Participant`] what the app
//!   knows of one.
//! - **conference**: a room people are in (types `conference`, `connect`, `queue`).
//!   [`api::Conference`] is the wire record, [`app::model::Conference`] the app's.
//! - **call**: the participant's phone or SIP call ([`api::Call`]); it says who the
//!   **caller** is ([`app::model::Caller`]: name and number of the remote party).
//! - **snapshot**: the sync task's picture of every live participant after one refresh.
//! - **verdict**: how an action against the API (remove, mute) ended ([`verdict::Verdict`]),
//!   shown on screen and written to the audit log alike.
//! - **sync event** / **sync command**: what the sync task tells the app, and what the app
//!   asks of it; an app **command** is what the app asks of the event loop.

pub mod api;
pub mod app;
pub mod audit;
pub mod cache;
pub mod cli;
pub mod config;
pub mod format;
pub mod ids;
pub mod list;
pub mod logging;
pub mod settings;
pub mod sim;
pub mod sync;
pub mod text;
pub mod tui;
pub mod ui;
pub mod verdict;
pub mod vn;
