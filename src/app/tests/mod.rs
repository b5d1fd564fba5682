//! The app's rules, one event at a time, with a fake clock.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use uuid::Uuid;

use super::fixtures::*;
use super::*;
use crate::api::ApiError;
use crate::api::Conferencecall;
use crate::sync::{Attempt, Outcome, SyncCommand, SyncEvent};
use crate::verdict::ActionKind;

pub(super) fn removes(cmds: &[Command]) -> Vec<Uuid> {
    cmds.iter().filter_map(Command::removal).collect()
}

/// A removal's answer (the record the server answered with, or its error), as the sync task
/// reports it.
pub(super) fn removal_answer(
    participant: Uuid,
    conference: Uuid,
    answer: Result<Conferencecall, ApiError>,
) -> Event {
    let attempt = Attempt {
        action: ActionKind::Remove,
        participant,
        conference,
        call: None,
        about: Default::default(),
    };
    Event::Sync(SyncEvent::Acted(Box::new(Outcome::new(
        &attempt,
        answer.map(Some),
    ))))
}

pub(super) fn select(s: &mut AppState, id: Uuid) {
    let row = s.view.row_of[&id];
    s.select_row(row);
}

mod confirm;
mod floor;
mod input;
mod mute;
mod notify;
mod truth;
mod typing;
mod view;
mod wall;
