//! The mouse: a click selects a row, a second click on it opens its details, a click on a
//! conference's title folds it, the wheel moves. Nothing destructive comes from the mouse
//! alone: removal and mute stay on their keys (and the dialog still asks), and a click while a
//! dialog or the copy menu is open does nothing.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use jiff::{SignedDuration, Timestamp};

use super::keys::Action;
use super::layout::{FOOTER_HEIGHT, HEADER_HEIGHT};
use super::view::Row;
use super::{AppState, Command, Mode, Overlay, input};

/// Two clicks on one row this close together are a double click.
pub const DOUBLE_CLICK: SignedDuration = SignedDuration::from_millis(500);
/// Rows the wheel moves a notch.
const WHEEL_ROWS: usize = 3;

/// The last click: when, and on which row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Click {
    pub at: Timestamp,
    pub row: usize,
}

pub(super) fn on_mouse(s: &mut AppState, m: MouseEvent, out: &mut Vec<Command>) {
    if s.cfg.mode == Mode::Kiosk || s.filter_editing {
        return;
    }
    if matches!(s.overlay, Overlay::Confirm(_) | Overlay::Copy(_)) {
        return;
    }
    match m.kind {
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            s.touched = true;
            let action = if m.kind == MouseEventKind::ScrollDown {
                Action::Down
            } else {
                Action::Up
            };
            for _ in 0..WHEEL_ROWS {
                input::list_key(s, action, out);
            }
        }
        MouseEventKind::Down(MouseButton::Left) => click(s, m.column, m.row, out),
        _ => {}
    }
}

fn click(s: &mut AppState, x: u16, y: u16, out: &mut Vec<Command>) {
    if s.overlay_scrolls() || s.withdrawn() {
        return;
    }
    // The detail pane beside the list is not the list.
    if let Some(pane) = super::layout::detail_pane(s.size.0, s.overlay == Overlay::Detail)
        && x >= s.size.0.saturating_sub(pane)
    {
        return;
    }
    let Some(row) = s.row_at(y) else {
        return;
    };
    s.touched = true;
    let now = s.now;
    let double = s
        .last_click
        .is_some_and(|c| c.row == row && now.duration_since(c.at) <= DOUBLE_CLICK);
    s.last_click = (!double).then_some(Click { at: now, row });
    s.select_row(row);
    match s.view.rows.get(row) {
        Some(Row::Group(gi)) => {
            let conference = s.view.groups[*gi].conference;
            input::toggle_fold(s, conference);
        }
        Some(Row::Participant(..)) if double => input::list_key(s, Action::Open, out),
        _ => {}
    }
}

impl AppState {
    /// The row of the list drawn on screen line `y`, as the list draws it: below the header
    /// and the banner line, a room's title held on the top line while scrolling inside it.
    pub fn row_at(&self, y: u16) -> Option<usize> {
        let top = HEADER_HEIGHT + 1;
        let bottom = self.size.1.saturating_sub(FOOTER_HEIGHT);
        if y < top || y >= bottom {
            return None;
        }
        let mut first = top;
        if let Some(gi) = self.sticky_at(self.scroll) {
            if y == top {
                return self.view.group_rows.get(gi).copied();
            }
            first += 1;
        }
        let row = self.scroll + usize::from(y - first);
        (row < self.view.rows.len()).then_some(row)
    }
}
