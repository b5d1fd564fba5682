//! Keys: the list, the filter line, folding; typed text and pastes.

use super::*;
use burst::{Held, Kind};
use seek::{filter_changed, first_match, next_match, next_trouble};

pub(super) fn on_key(s: &mut AppState, key: KeyEvent, out: &mut Vec<Command>) {
    if s.cfg.mode == Mode::Kiosk || key.kind == KeyEventKind::Release {
        return;
    }
    s.touched = true;
    let now = s.now;
    let typed = burst::printable(&key);
    let letter_quiet = s.burst.letter_quiet(now);
    let mut held = s.burst.held.take();
    // A held key acts if its wait passed, or if what follows types nothing (an arrow, Enter:
    // no word goes on that way); another letter within its wait makes it part of a word.
    if let Some(h) = held.filter(|h| now >= h.due || (!h.commit && typed.is_none())) {
        act_held(s, h, out);
        held = s.burst.held.take();
    }
    // Any key before a pending mute went out cancels it; another letter continues a word, the
    // same key again is a key held down.
    if let Some(h) = held.filter(|h| h.commit && now < h.due) {
        s.toast(
            Level::Warn,
            "Mute cancelled: a key came before it went out · nothing was sent".to_owned(),
        );
        if let Some(ch) = typed {
            s.burst.press(now, typed);
            if Some(ch) != h.key && key.kind != KeyEventKind::Repeat {
                typed_text(s, h.key.into_iter().chain([ch]).collect());
            }
            return;
        }
    }
    if let (Overlay::Confirm(c), Some(ch)) = (&mut s.overlay, typed) {
        c.typed.push(ch);
    }
    let mut kind = s.burst.press(now, typed);
    if key.kind == KeyEventKind::Repeat {
        kind = Kind::Repeat;
    }
    // Too small for the layout, nothing is on screen to act on: only quitting works (even
    // from the filter or a dialog that the message hides).
    if layout::too_small(s.size.0, s.size.1) {
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl_c {
            out.push(Command::Quit);
        } else if kind == Kind::Alone && s.keys.lookup(Context::List, &key) == Some(Action::Quit) {
            let held = Held::new(Action::Quit, Context::List, now, letter_quiet, typed);
            s.burst.held = Some(held);
        }
        return;
    }
    if s.filter_editing {
        edit_filter(s, key, out);
        return;
    }
    if let Kind::Text(text) = kind {
        // An `m` taken as a letter of a word is not taken silently.
        let key_of = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        let mute = text
            .chars()
            .any(|c| s.keys.lookup(Context::List, &key_of(c)) == Some(Action::Mute));
        let dialog = matches!(s.overlay, Overlay::Confirm(_));
        typed_text(s, text);
        if mute && !dialog {
            s.toast(
                Level::Warn,
                "Typed letters are a search: nothing muted · press m on its own to mute".to_owned(),
            );
        }
        return;
    }
    let repeat = kind == Kind::Repeat;
    if let Overlay::Copy(_) = s.overlay {
        // Copying changes nothing: a choice acts at once; any other key closes the menu.
        match (s.keys.lookup(Context::Copy, &key), key.code) {
            (Some(Action::CopyPick), KeyCode::Char(c)) => super::copy::choose(s, c, out),
            _ => {
                s.overlay = Overlay::None;
            }
        }
        return;
    }
    if let Overlay::Confirm(c) = &s.overlay {
        let Some(action) = s.keys.lookup(Context::Dialog, &key) else {
            // A letter that answers nothing: the start of a word.
            if typed.is_some() && !repeat {
                let word = c.typed.clone();
                super::confirm::dialog_to_search(s, &word);
            }
            return;
        };
        if repeat {
            return;
        }
        if typed.is_some() {
            let held = Held::new(action, Context::Dialog, now, letter_quiet, typed);
            s.burst.held = Some(held);
        } else {
            dialog_action(s, action, out);
        }
        return;
    }
    let Some(action) = s.keys.lookup(Context::List, &key) else {
        if !repeat && let Some(dropped) = s.keys.dropped_dangerous(Context::List, &key) {
            let what = match dropped {
                Action::Mute => "muting",
                _ => "removal",
            };
            s.toast(Level::Warn, format!("read-only: {what} is off"));
        }
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
    if action == Action::Mute {
        let held = Held::new(action, Context::List, now, letter_quiet, typed);
        begin_mute(s, held);
        return;
    }
    if typed.is_some() && !burst::acts_at_once(action) {
        let held = Held::new(action, Context::List, now, letter_quiet, typed);
        s.burst.held = Some(held);
        return;
    }
    list_key(s, action, out);
}

/// `m`: a mute (or unmute) waits out [`burst::COMMIT`], saying so, and only after a second
/// with no letter typed: a slow typist's word never mutes anyone.
fn begin_mute(s: &mut AppState, held: Held) {
    if held.letter_quiet < burst::COMMIT {
        // Within a second of other letters: a word being typed, as the rest of it will be.
        typed_text(s, held.key.map(String::from).unwrap_or_default());
        s.toast(
            Level::Warn,
            "Nothing muted: m came within a second of other letters, so it is a search · \
             press m on its own to mute"
                .to_owned(),
        );
        return;
    }
    // What cannot be muted is said at once, not after the second.
    let plan = match super::mute::mute_plan(s) {
        Ok(plan) => plan,
        Err((level, why)) => {
            s.toast(level, why);
            return;
        }
    };
    s.toast(
        Level::Info,
        format!(
            "{} {} in a second · any key cancels",
            plan.doing(),
            plan.who
        ),
    );
    s.burst.held = Some(Held {
        target: Some(plan.participant),
        ..held.committing(burst::COMMIT)
    });
}

/// A held key whose gap passed with no other letter: it was meant.
pub(super) fn act_held(s: &mut AppState, held: Held, out: &mut Vec<Command>) {
    if layout::too_small(s.size.0, s.size.1) {
        // Nothing else is on screen to act on.
        if (held.context, held.action) == (Context::List, Action::Quit) {
            out.push(Command::Quit);
        }
        return;
    }
    let dialog = matches!(s.overlay, Overlay::Confirm(_));
    match held.context {
        // A mute waited out its second: for the participant it was pressed on.
        Context::List if held.commit => {
            let on = s.selected_participant().map(|p| p.id);
            if !s.filter_editing && !dialog && on == held.target {
                super::mute::toggle_mute(s, out);
            }
        }
        Context::List if !s.filter_editing && !dialog => {
            list_key(s, held.action, out);
            if let (Overlay::Confirm(c), Some(ch)) = (&mut s.overlay, held.key) {
                c.typed.push(ch);
            }
        }
        Context::Dialog if dialog => dialog_action(s, held.action, out),
        _ => {}
    }
}

/// Text typed without `/` (or pasted): it starts a search, as the user meant; over the
/// removal dialog, the word from the key that opened it does, and the dialog closes.
pub(super) fn typed_text(s: &mut AppState, text: String) {
    if let Overlay::Confirm(c) = &s.overlay {
        // A word typed at the dialog: the whole word, from the key that opened it.
        let word = c.typed.clone();
        super::confirm::dialog_to_search(s, &word);
        return;
    }
    if matches!(s.overlay, Overlay::Help | Overlay::Copy(_)) {
        s.overlay = Overlay::None;
    }
    s.filter_editing = true;
    s.filter = text.chars().filter(|c| !c.is_control()).take(64).collect();
    filter_changed(s);
}

/// A paste is always text, whatever keys it holds.
pub(super) fn on_paste(s: &mut AppState, text: &str) {
    if s.cfg.mode == Mode::Kiosk {
        s.key_ignored();
        return;
    }
    s.touched = true;
    s.burst.pasted(s.now);
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let clean: String = line.chars().filter(|c| !c.is_control()).collect();
    if clean.is_empty() {
        return;
    }
    if let Overlay::Confirm(c) = &s.overlay {
        // The word from the `d` that opened the dialog, as typed letters are.
        let word = format!("{}{clean}", c.typed);
        super::confirm::dialog_to_search(s, &word);
        return;
    }
    if s.filter_editing {
        let space = 64usize.saturating_sub(s.filter.chars().count());
        s.filter.extend(clean.chars().take(space));
        filter_changed(s);
    } else {
        typed_text(s, clean);
    }
}

/// A list action from a key, with an overlay that scrolls taking its own keys first.
pub(super) fn list_key(s: &mut AppState, action: Action, out: &mut Vec<Command>) {
    if s.overlay_scrolls() {
        // An overlay scrolls; other keys wait until it is closed.
        let (page, max) = (s.overlay_height().max(1), s.overlay_scroll_max());
        let scroll = s.overlay_scroll_now();
        if !s.overlay_allows(action) {
            return;
        }
        match action {
            Action::Up => s.overlay_scroll = scroll.saturating_sub(1),
            Action::Down => s.overlay_scroll = (scroll + 1).min(max),
            Action::PageUp => s.overlay_scroll = scroll.saturating_sub(page),
            Action::PageDown => s.overlay_scroll = (scroll + page).min(max),
            Action::Top => s.overlay_scroll = 0,
            Action::Bottom => s.overlay_scroll = max,
            Action::Filter => list_action(s, action, out),
            _ => {
                s.overlay_scroll = 0;
                list_action(s, action, out);
            }
        }
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
        KeyCode::Char('u') if ctrl => {
            s.searches.stop_recalling();
            s.filter.clear();
        }
        KeyCode::Char(c) if !ctrl && !c.is_control() => {
            s.searches.stop_recalling();
            if s.filter.chars().count() < 64 {
                s.filter.push(c);
            }
        }
        KeyCode::Backspace => {
            s.searches.stop_recalling();
            s.filter.pop();
        }
        KeyCode::Up => match s.searches.older(&s.filter) {
            Some(older) => s.filter = older.to_owned(),
            None => return,
        },
        KeyCode::Down => match s.searches.newer() {
            Some(newer) => s.filter = newer,
            None => return,
        },
        KeyCode::Enter => {
            s.filter_editing = false;
            if s.searches.remember(&s.filter) {
                out.push(Command::SaveSearches(s.searches.entries().to_vec()));
            }
        }
        KeyCode::Esc => {
            s.searches.stop_recalling();
            s.filter.clear();
            s.filter_editing = false;
        }
        _ => return,
    }
    filter_changed(s);
}

fn cycle_status(s: &mut AppState) {
    use ConferencecallStatus as S;
    s.only = match s.only {
        None => Some(S::Joining),
        Some(S::Joining) => Some(S::Joined),
        Some(S::Joined) => Some(S::Leaving),
        Some(S::Leaving) => Some(S::Leaved),
        _ => None,
    };
    s.rebuild();
    if s.only.is_some() {
        first_match(s);
    }
}

fn fold_all(s: &mut AppState) {
    let all: Vec<Uuid> = s.view.groups.iter().map(|g| g.conference).collect();
    if all.iter().all(|c| s.collapsed.contains(c)) {
        s.collapsed.clear();
        s.rebuild();
        s.toast(Level::Info, "Every conference unfolded".to_owned());
    } else {
        // The cursor stays with its room.
        let conference = match s.selection {
            Some(Selection::Participant(id)) => s.participants.get(&id).map(|p| p.conference_id),
            Some(Selection::Group(c)) => Some(c),
            None => None,
        };
        s.collapsed.extend(all);
        s.selection = conference.map(Selection::Group);
        s.rebuild();
        s.toast(
            Level::Info,
            "Every conference folded (z again unfolds)".to_owned(),
        );
    }
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
            // Wraps to the first room after the last.
            let next = s.view.group_rows.iter().find(|&&r| r > row);
            if let Some(&next) = next.or(s.view.group_rows.first()) {
                s.select_group_row(next);
            }
        }
        Action::PrevGroup => {
            let current = s.view.group_rows.iter().rev().find(|&&r| r <= row).copied();
            let target = match current {
                Some(c) if c < row => Some(c),
                _ => s.view.group_rows.iter().rev().find(|&&r| r < row).copied(),
            };
            // Wraps to the last room before the first.
            if let Some(t) = target.or(s.view.group_rows.last().copied()) {
                s.select_group_row(t);
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
            // Docked on a wide screen, the details are on screen already.
            Some(Selection::Participant(_))
                if s.overlay != Overlay::Detail
                    && super::layout::detail_pane(s.size.0, false).is_some() =>
            {
                s.toast(
                    Level::Info,
                    "The details are beside the list: they follow the selection".to_owned(),
                );
            }
            Some(Selection::Participant(id)) => {
                s.overlay = if s.overlay == Overlay::Detail {
                    Overlay::None
                } else {
                    s.detail_for = Some(id);
                    Overlay::Detail
                };
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
        Action::Mute => super::mute::toggle_mute(s, out),
        Action::NextMatch => next_match(s, true),
        Action::PrevMatch => next_match(s, false),
        Action::NextTrouble => next_trouble(s),
        Action::OnlyStatus => cycle_status(s),
        Action::FoldAll => fold_all(s),
        Action::Copy => super::copy::open(s),
        Action::Watch => s.toggle_watch(),
        Action::Departures => {
            s.overlay = if s.overlay == Overlay::Departures {
                Overlay::None
            } else {
                Overlay::Departures
            };
        }
        Action::Help => {
            s.overlay = if s.overlay == Overlay::Help {
                Overlay::None
            } else {
                Overlay::Help
            };
        }
        Action::Back => {
            if s.overlay != Overlay::None {
                s.overlay = Overlay::None;
            } else if !s.filter.is_empty() || s.only.is_some() {
                s.filter.clear();
                s.only = None;
                s.rebuild();
            }
        }
        Action::Quit => out.push(Command::Quit),
        Action::Cancel
        | Action::FocusCancel
        | Action::FocusRemove
        | Action::Activate
        | Action::CopyPick
        | Action::CopyClose => {}
    }
}

pub(super) fn toggle_fold(s: &mut AppState, conference: Uuid) {
    if !s.collapsed.remove(&conference) {
        s.collapsed.insert(conference);
    }
    s.selection = Some(Selection::Group(conference));
    s.rebuild();
}
