//! Moving the cursor to what is sought: the filter's first match, the next or previous match,
//! the next participant stuck joining or leaving. A folded room holding one opens first.

use super::*;

/// After the filter changed: the view follows, and the cursor goes to the first match.
pub(super) fn filter_changed(s: &mut AppState) {
    // The departures it filters start again from the newest.
    s.overlay_scroll = 0;
    s.rebuild();
    if !s.filter.is_empty() {
        // A folded room with a match opens, so the match is on screen.
        unfold_where(s, |_, _| true);
        first_match(s);
    }
}

/// Opens the folded rooms holding a participant that `holds` accepts (the view shows only
/// matches, so the members of a group are matches), then rebuilds the view once.
fn unfold_where(s: &mut AppState, holds: impl Fn(&AppState, &Uuid) -> bool) {
    let folded: Vec<Uuid> = s
        .view
        .groups
        .iter()
        .filter(|g| g.collapsed && g.members.iter().any(|id| holds(s, id)))
        .map(|g| g.conference)
        .collect();
    if !folded.is_empty() {
        for c in folded {
            s.collapsed.remove(&c);
        }
        s.rebuild();
    }
}

/// Puts the cursor on the first participant shown, if any.
pub(super) fn first_match(s: &mut AppState) {
    if let Some(row) = s
        .view
        .rows
        .iter()
        .position(|r| matches!(r, Row::Participant(..)))
    {
        s.select_row(row);
    }
}

/// The next participant row after (or before) the cursor that `wanted` accepts, wrapping.
fn seek(s: &AppState, forward: bool, wanted: impl Fn(&Uuid) -> bool) -> Option<usize> {
    let n = s.view.rows.len();
    let from = s.selected_row().unwrap_or(s.cursor);
    (1..=n)
        .map(|k| {
            if forward {
                (from + k) % n
            } else {
                (from + n - k % n) % n
            }
        })
        .find(|&r| matches!(s.view.rows[r], Row::Participant(_, id) if wanted(&id)))
}

pub(super) fn next_match(s: &mut AppState, forward: bool) {
    if s.filter.is_empty() && s.only.is_none() {
        s.toast(
            Level::Info,
            "No filter: / searches, f shows one status".to_owned(),
        );
        return;
    }
    let from = s.selected_row().unwrap_or(s.cursor);
    match seek(s, forward, |_| true) {
        Some(row) => {
            if (forward && row <= from) || (!forward && row >= from) {
                s.toast(Level::Info, "Search wrapped".to_owned());
            }
            s.select_row(row);
        }
        None => s.toast(Level::Info, "No match".to_owned()),
    }
}

pub(super) fn next_trouble(s: &mut AppState) {
    let th = s.cfg.thresholds;
    let now = s.now;
    let stuck = |p: &Participant| th.level(Thresholds::stuck_for(p, now)) != view::Trouble::None;
    // A stuck participant in a folded room: the room opens first.
    unfold_where(s, |s, id| s.participants.get(id).is_some_and(&stuck));
    let parts = &s.participants;
    match seek(s, true, |id| parts.get(id).is_some_and(&stuck)) {
        Some(row) => s.select_row(row),
        None => s.toast(Level::Info, "Nobody is stuck joining or leaving".to_owned()),
    }
}
