//! conftop: a terminal dashboard for live VoIPbin conferences.
//!
//! Data flows one way: [`api`] (HTTP client and wire types) → [`sync`] (the polling task) →
//! [`app`] (the only owner of state, updated by a pure function) → [`ui`] (a pure draw), with
//! [`tui`] running the loop. [`sim`] is a VoIPbin-compatible server used by `--demo`,
//! `conftop sim` and the tests.

pub mod api;
pub mod app;
pub mod audit;
pub mod cli;
pub mod config;
pub mod format;
pub mod ids;
pub mod logging;
pub mod settings;
pub mod sim;
pub mod sync;
pub mod text;
pub mod tui;
pub mod ui;
pub mod verdict;
