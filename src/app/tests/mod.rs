//! The app's rules, one event at a time, with a fake clock.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use uuid::Uuid;

use super::fixtures::*;
use super::*;
use crate::api::ApiError;
use crate::sync::{RemovalOutcome, SyncCommand, SyncEvent};

pub(super) fn removes(cmds: &[Command]) -> Vec<Uuid> {
    cmds.iter().filter_map(Command::removal).collect()
}

pub(super) fn select(s: &mut AppState, id: Uuid) {
    let row = s.view.row_of[&id];
    s.select_row(row);
}

mod confirm;
mod floor;
mod input;
mod mute;
mod typing;
mod view;
mod wall;
