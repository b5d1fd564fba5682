//! Keys: the list, the filter line, folding.

use super::*;

pub(super) fn on_key(s: &mut AppState, key: KeyEvent, out: &mut Vec<Command>) {
    if s.cfg.mode == Mode::Kiosk || key.kind == KeyEventKind::Release {
        return;
    }
    let repeat = key.kind == KeyEventKind::Repeat;
    // Too small for the layout, nothing is on screen to act on: only quitting works (even
    // from the filter or a dialog that the message hides).
    if layout::too_small(s.size.0, s.size.1) {
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl_c || s.keys.lookup(Context::List, &key) == Some(Action::Quit) {
            out.push(Command::Quit);
        }
        return;
    }
    if s.filter_editing {
        edit_filter(s, key, out);
        return;
    }
    if let Overlay::Confirm(_) = s.overlay {
        if let Some(action) = s.keys.lookup(Context::Dialog, &key)
            && !repeat
        {
            dialog_action(s, action, out);
        }
        return;
    }
    let Some(action) = s.keys.lookup(Context::List, &key) else {
        return;
    };
    // Held keys move; they never trigger anything else.
    if repeat
        && !matches!(
            action,
            Action::Up | Action::Down | Action::PageUp | Action::PageDown
        )
    {
        return;
    }
    if s.overlay == Overlay::Help {
        // The help scrolls; other keys wait until it is closed.
        let page = s.list_height();
        match action {
            Action::Up => s.help_scroll = s.help_scroll.saturating_sub(1),
            Action::Down => s.help_scroll = (s.help_scroll + 1).min(s.help_scroll_max()),
            Action::PageUp => s.help_scroll = s.help_scroll.saturating_sub(page),
            Action::PageDown => s.help_scroll = (s.help_scroll + page).min(s.help_scroll_max()),
            Action::Top => s.help_scroll = 0,
            Action::Help | Action::Back | Action::Quit => {
                s.help_scroll = 0;
                list_action(s, action, out);
            }
            _ => {}
        }
        s.dirty = true;
        return;
    }
    list_action(s, action, out);
    if s.overlay == Overlay::Detail {
        // The pane follows the selection the user moves.
        s.detail_for = s.selected_participant().map(|p| p.id);
    }
}

pub(super) fn edit_filter(s: &mut AppState, key: KeyEvent, out: &mut Vec<Command>) {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('c') if ctrl => out.push(Command::Quit),
        KeyCode::Char('u') if ctrl => s.filter.clear(),
        KeyCode::Char(c) if !ctrl && !c.is_control() => {
            if s.filter.chars().count() < 64 {
                s.filter.push(c);
            }
        }
        KeyCode::Backspace => {
            s.filter.pop();
        }
        KeyCode::Enter => s.filter_editing = false,
        KeyCode::Esc => {
            s.filter.clear();
            s.filter_editing = false;
        }
        _ => return,
    }
    s.rebuild();
}

pub(super) fn list_action(s: &mut AppState, action: Action, out: &mut Vec<Command>) {
    let h = s.list_height();
    let row = s.selected_row().unwrap_or(s.cursor);
    match action {
        Action::Up => s.select_row(row.saturating_sub(1)),
        Action::Down => s.select_row(row + 1),
        Action::PageUp => s.select_row(row.saturating_sub(h)),
        Action::PageDown => s.select_row(row + h),
        Action::Top => s.select_row(0),
        Action::Bottom => s.select_row(usize::MAX),
        Action::NextGroup => {
            if let Some(&next) = s.view.group_rows.iter().find(|&&r| r > row) {
                s.select_row(next);
            }
        }
        Action::PrevGroup => {
            let current = s.view.group_rows.iter().rev().find(|&&r| r <= row).copied();
            let target = match current {
                Some(c) if c < row => Some(c),
                _ => s.view.group_rows.iter().rev().find(|&&r| r < row).copied(),
            };
            if let Some(t) = target {
                s.select_row(t);
            }
        }
        Action::Open => match s.selection {
            Some(Selection::Group(conference)) => toggle_fold(s, conference),
            Some(Selection::Participant(_)) if s.withdrawn() => {
                s.toast(
                    Level::Warn,
                    "No data on screen: nothing to show until the API answers".to_owned(),
                );
            }
            Some(Selection::Participant(id)) => {
                s.overlay = if s.overlay == Overlay::Detail {
                    Overlay::None
                } else {
                    s.detail_for = Some(id);
                    Overlay::Detail
                };
                s.dirty = true;
            }
            None => {}
        },
        Action::Collapse => {
            let conference = match s.selection {
                Some(Selection::Group(conference)) => Some(conference),
                Some(Selection::Participant(id)) => {
                    s.participants.get(&id).map(|p| p.conference_id)
                }
                None => None,
            };
            if let Some(conference) = conference {
                toggle_fold(s, conference);
            }
        }
        Action::Filter => {
            s.filter_editing = true;
            s.dirty = true;
        }
        Action::Sort => {
            s.sort = s.sort.next();
            s.rebuild();
            s.toast(Level::Info, format!("Sorted by {}", s.sort.label()));
        }
        Action::Refresh => {
            out.push(Command::Sync(sync::SyncCommand::RefreshNow));
            s.toast(Level::Info, "Refreshing…".to_owned());
        }
        Action::Remove => open_confirm(s),
        Action::Help => {
            s.overlay = if s.overlay == Overlay::Help {
                Overlay::None
            } else {
                Overlay::Help
            };
            s.dirty = true;
        }
        Action::Back => {
            if s.overlay != Overlay::None {
                s.overlay = Overlay::None;
                s.dirty = true;
            } else if !s.filter.is_empty() {
                s.filter.clear();
                s.rebuild();
            }
        }
        Action::Quit => out.push(Command::Quit),
        Action::Confirm | Action::Cancel | Action::SwitchButton | Action::Activate => {}
    }
}

pub(super) fn toggle_fold(s: &mut AppState, conference: Uuid) {
    if !s.collapsed.remove(&conference) {
        s.collapsed.insert(conference);
    }
    s.selection = Some(Selection::Group(conference));
    s.rebuild();
}
