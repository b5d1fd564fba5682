//! The app's rules, one event at a time, with a fake clock.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use uuid::Uuid;

use super::fixtures::*;
use super::*;
use crate::api::ApiError;
use crate::sync::{RemovalOutcome, SyncCommand, SyncEvent};

fn removes(cmds: &[Command]) -> Vec<Uuid> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Sync(SyncCommand::Remove { participant, .. }) => Some(*participant),
            _ => None,
        })
        .collect()
}

fn select(s: &mut AppState, id: Uuid) {
    let row = s.view.row_of[&id];
    s.select_row(row);
}

#[test]
fn a_snapshot_builds_groups_and_totals() {
    let s = populated();
    assert_eq!(s.view.groups.len(), 2);
    assert_eq!(s.view.totals.joined, 3);
    assert_eq!(s.view.totals.joining, 1);
    assert_eq!(s.view.totals.leaving, 1);
    assert_eq!(s.view.totals.conferences, 2);
    // Rows: Alpha header, 1, 2, 3, Bravo header, 4, 5 (join order within a room).
    assert_eq!(s.view.rows.len(), 7);
    assert_eq!(s.view.rows[1], Row::Participant(0, part_id(1)));
    assert_eq!(
        s.selection,
        Some(Selection::Participant(part_id(1))),
        "starts on the first participant"
    );
    assert!(s.freshness() == Freshness::Live { last_ok: t0() });
}

#[test]
fn first_picture_is_not_highlighted_but_later_arrivals_are() {
    let mut s = populated();
    let p = &s.participants[&part_id(1)];
    assert!(s.now.duration_since(p.first_seen) > s.cfg.highlight);
    let later = t0() + secs(2);
    let ev = snapshot(
        vec![cc(1, 1, "joined", 300), cc(6, 1, "joining", 0)],
        vec![conf(1, "Alpha"), conf(2, "Bravo")],
    );
    update(&mut s, Event::Sync(ev), later);
    assert_eq!(s.participants[&part_id(6)].first_seen, later);
}

#[test]
fn selection_stays_on_the_same_participant_when_rows_move() {
    let mut s = populated();
    select(&mut s, part_id(4));
    let before = s.view.row_of[&part_id(4)];
    // Two newcomers in Alpha push Bravo's rows down.
    let ev = snapshot(
        vec![
            cc(1, 1, "joined", 300),
            cc(2, 1, "joined", 200),
            cc(3, 1, "joined", 5),
            cc(7, 1, "joining", 1),
            cc(8, 1, "joining", 1),
            cc(4, 2, "joined", 100),
            cc(5, 2, "leaving", 50),
        ],
        vec![conf(1, "Alpha"), conf(2, "Bravo")],
    );
    update(&mut s, Event::Sync(ev), t0() + secs(2));
    assert_eq!(s.selection, Some(Selection::Participant(part_id(4))));
    assert_eq!(s.view.row_of[&part_id(4)], before + 2);
    assert_eq!(s.cursor, before + 2);
}

#[test]
fn rows_that_leave_linger_marked_then_go() {
    let mut s = populated();
    let ev = snapshot(
        vec![
            cc(1, 1, "joined", 300),
            cc(2, 1, "joined", 200),
            cc(3, 1, "joined", 5),
            cc(4, 2, "joined", 100),
        ],
        vec![conf(1, "Alpha"), conf(2, "Bravo")],
    );
    update(&mut s, Event::Sync(ev), t0() + secs(2));
    let p5 = &s.participants[&part_id(5)];
    assert_eq!(p5.shown_status(), ConferencecallStatus::Leaved);
    assert!(s.view.row_of.contains_key(&part_id(5)), "still shown");
    assert_eq!(s.view.totals.left, 1);
    update(&mut s, Event::Tick, t0() + secs(5));
    assert!(s.participants.contains_key(&part_id(5)));
    update(&mut s, Event::Tick, t0() + secs(8));
    assert!(
        !s.participants.contains_key(&part_id(5)),
        "evicted after the linger"
    );
    assert!(!s.callers.contains_key(&call_id(5)), "its call details too");
    assert!(!s.view.row_of.contains_key(&part_id(5)));
}

#[test]
fn navigation_keys() {
    let mut s = populated();
    update(&mut s, ch('j'), t0());
    assert_eq!(s.selection, Some(Selection::Participant(part_id(2))));
    update(&mut s, key(KeyCode::Up), t0());
    update(&mut s, key(KeyCode::Up), t0());
    assert_eq!(s.selection, Some(Selection::Group(conference_id(1))));
    update(&mut s, key(KeyCode::Tab), t0());
    assert_eq!(s.selection, Some(Selection::Group(conference_id(2))));
    update(&mut s, key(KeyCode::BackTab), t0());
    assert_eq!(s.selection, Some(Selection::Group(conference_id(1))));
    update(&mut s, ch('G'), t0());
    assert_eq!(s.selection, Some(Selection::Participant(part_id(5))));
    update(&mut s, ch('g'), t0());
    assert_eq!(s.cursor, 0);
    update(&mut s, repeat(KeyCode::Down), t0());
    assert_eq!(s.cursor, 1, "held arrows still move");
    update(&mut s, key(KeyCode::PageDown), t0());
    assert_eq!(s.cursor, 6, "clamped to the last row");
}

#[test]
fn folding_a_conference() {
    let mut s = populated();
    update(&mut s, ch(' '), t0());
    assert_eq!(s.view.rows.len(), 4, "Alpha folded");
    assert_eq!(s.selection, Some(Selection::Group(conference_id(1))));
    update(&mut s, key(KeyCode::Enter), t0());
    assert_eq!(s.view.rows.len(), 7, "Enter on a header unfolds");
}

#[test]
fn filter_matches_names_numbers_rooms_and_ids() {
    let mut s = populated();
    update(&mut s, ch('/'), t0());
    for c in "caller 4".chars() {
        update(&mut s, ch(c), t0());
    }
    assert_eq!(s.view.groups.len(), 1);
    assert_eq!(s.view.groups[0].members, vec![part_id(4)]);
    update(&mut s, key(KeyCode::Enter), t0());
    assert!(!s.filter_editing);
    update(&mut s, key(KeyCode::Esc), t0());
    assert!(s.filter.is_empty());
    assert_eq!(s.view.rows.len(), 7);

    s.filter = "+15550102".into();
    s.rebuild();
    assert_eq!(s.view.groups[0].members, vec![part_id(2)]);
    s.filter = "bra".into();
    s.rebuild();
    assert_eq!(s.view.groups.len(), 1);
    assert_eq!(
        s.view.groups[0].members.len(),
        2,
        "a room match shows the whole room"
    );
    s.filter = part_id(3).to_string()[..8].to_owned();
    s.rebuild();
    assert_eq!(s.view.groups[0].members, vec![part_id(3)]);
    s.filter = "nobody".into();
    s.rebuild();
    assert!(s.view.rows.is_empty());
    assert_eq!(s.selection, None);
}

#[test]
fn sort_cycles() {
    let mut s = populated();
    assert_eq!(s.sort, SortMode::Trouble);
    update(&mut s, ch('s'), t0());
    assert_eq!(s.sort, SortMode::Name);
    update(&mut s, ch('s'), t0());
    assert_eq!(s.sort, SortMode::Size);
    assert_eq!(
        s.view.groups[0].conference,
        conference_id(1),
        "Alpha has more participants"
    );
    update(&mut s, ch('s'), t0());
    update(&mut s, ch('s'), t0());
    assert_eq!(s.sort, SortMode::Trouble);
}

#[test]
fn stuck_participants_raise_trouble_and_pin_their_room_first() {
    let mut s = populated();
    assert_eq!(s.view.groups[0].conference, conference_id(1));
    // Alpha's joining participant joins; Bravo's participant 5 stays in `leaving`.
    let ev = snapshot(
        vec![
            cc(1, 1, "joined", 300),
            cc(2, 1, "joined", 200),
            cc(3, 1, "joined", 5),
            cc(4, 2, "joined", 100),
            cc(5, 2, "leaving", 50),
        ],
        vec![conf(1, "Alpha"), conf(2, "Bravo")],
    );
    update(&mut s, Event::Sync(ev), t0() + secs(1));
    assert_eq!(s.view.groups[0].conference, conference_id(1));
    // Leaving since t0-1s: a warning after 30 s, critical after 120 s.
    update(&mut s, Event::Tick, t0() + secs(40));
    assert_eq!(s.view.groups[0].trouble, view::Trouble::Warn);
    update(&mut s, Event::Tick, t0() + secs(200));
    assert_eq!(
        s.view.groups[0].conference,
        conference_id(2),
        "the troubled room is pinned first"
    );
    assert_eq!(s.view.groups[0].trouble, view::Trouble::Crit);
    assert!(s.view.worst_stuck.unwrap() >= secs(200));
}

#[test]
fn removal_asks_first_and_cancel_is_the_default() {
    let mut s = populated();
    select(&mut s, part_id(2));
    let cmds = update(&mut s, ch('d'), t0());
    assert!(removes(&cmds).is_empty());
    let Overlay::Confirm(c) = &s.overlay else {
        panic!("dialog open")
    };
    assert_eq!(c.focus, Button::Cancel);
    assert_eq!(c.caller, "Caller 2");
    assert_eq!(c.number, "+15550102");
    assert_eq!(c.conference_name, "Alpha");
    assert_eq!(c.short_id, short_id(&part_id(2)));
    // Enter on the default button cancels.
    let cmds = update(&mut s, key(KeyCode::Enter), t0());
    assert!(removes(&cmds).is_empty());
    assert_eq!(s.overlay, Overlay::None);
}

#[test]
fn confirming_sends_exactly_one_removal_whatever_keys_follow() {
    let mut s = populated();
    select(&mut s, part_id(2));
    let mut sent = Vec::new();
    for ev in [
        ch('d'),
        ch('y'),
        ch('y'),
        ch('d'),
        ch('y'),
        key(KeyCode::Enter),
        ch('d'),
        ch('y'),
    ] {
        sent.extend(removes(&update(&mut s, ev, t0())));
    }
    assert_eq!(sent, vec![part_id(2)]);
    assert!(s.pending.contains(&part_id(2)));
    // Switch to Remove and press Enter on another participant: one more, for that one.
    select(&mut s, part_id(1));
    update(&mut s, ch('d'), t0());
    update(&mut s, key(KeyCode::Right), t0());
    let cmds = update(&mut s, key(KeyCode::Enter), t0());
    assert_eq!(removes(&cmds), vec![part_id(1)]);
}

#[test]
fn held_keys_never_confirm() {
    let mut s = populated();
    select(&mut s, part_id(2));
    update(&mut s, ch('d'), t0());
    let mut k = KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE);
    k.kind = KeyEventKind::Repeat;
    let cmds = update(&mut s, Event::Key(k), t0());
    assert!(removes(&cmds).is_empty());
    let mut d = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE);
    d.kind = KeyEventKind::Repeat;
    update(&mut s, Event::Key(d), t0());
}

#[test]
fn the_dialog_keeps_its_target_while_the_list_changes() {
    let mut s = populated();
    select(&mut s, part_id(2));
    update(&mut s, ch('d'), t0());
    // A refresh reorders everything and drops the row under the cursor.
    let ev = snapshot(
        vec![
            cc(9, 1, "joining", 0),
            cc(1, 1, "joined", 300),
            cc(2, 1, "joined", 200),
            cc(4, 2, "joined", 100),
        ],
        vec![conf(1, "Alpha"), conf(2, "Bravo")],
    );
    update(&mut s, Event::Sync(ev), t0() + secs(1));
    update(&mut s, key(KeyCode::Down), t0() + secs(1));
    let cmds = update(&mut s, ch('y'), t0() + secs(1));
    assert_eq!(
        removes(&cmds),
        vec![part_id(2)],
        "the participant named when it opened"
    );
}

#[test]
fn leaving_or_pending_participants_cannot_be_removed_again() {
    let mut s = populated();
    select(&mut s, part_id(5));
    update(&mut s, ch('d'), t0());
    assert_eq!(s.overlay, Overlay::None);
    assert!(s.toast.as_ref().unwrap().text.contains("already leaving"));
    select(&mut s, part_id(1));
    update(&mut s, ch('d'), t0());
    update(&mut s, ch('y'), t0());
    update(&mut s, ch('d'), t0());
    assert_eq!(
        s.overlay,
        Overlay::None,
        "not while the first removal is under way"
    );
    assert!(s.toast.as_ref().unwrap().text.contains("already under way"));
}

#[test]
fn removal_outcomes() {
    let mut s = populated();
    select(&mut s, part_id(1));
    update(&mut s, ch('d'), t0());
    update(&mut s, ch('y'), t0());
    let leaving = cc(1, 1, "leaving", 300);
    let ev = SyncEvent::Removal(RemovalOutcome::new(
        part_id(1),
        conference_id(1),
        Ok(leaving),
    ));
    update(&mut s, Event::Sync(ev), t0() + secs(1));
    assert_eq!(
        s.participants[&part_id(1)].status,
        ConferencecallStatus::Leaving
    );
    assert!(!s.pending.contains(&part_id(1)));
    assert!(
        s.toast
            .as_ref()
            .unwrap()
            .text
            .starts_with("Removed Caller 1")
    );
    // A snapshot from before the removal must not turn it back to joined.
    let ev = snapshot(vec![cc(1, 1, "joined", 300)], vec![conf(1, "Alpha")]);
    update(&mut s, Event::Sync(ev), t0() + secs(2));
    assert_eq!(
        s.participants[&part_id(1)].status,
        ConferencecallStatus::Leaving
    );

    for (status, words, gone) in [
        (403u16, "Not permitted", false),
        (400, "refused to remove", false),
        (429, "Rate limited", false),
        (404, "already gone", true),
    ] {
        let mut s = populated();
        let err = ApiError::from_response("DELETE /conferencecalls/{id}", true, status, None, b"");
        let ev = SyncEvent::Removal(RemovalOutcome::new(part_id(2), conference_id(1), Err(err)));
        update(&mut s, Event::Sync(ev), t0() + secs(3));
        let text = &s.toast.as_ref().unwrap().text;
        assert!(text.contains(words), "{status}: {text}");
        assert_eq!(
            s.participants[&part_id(2)].gone_at.is_some(),
            gone,
            "{status}"
        );
    }
}

#[test]
fn read_only_never_opens_a_dialog_or_sends_a_removal() {
    let mut s = app(Mode::Interactive { read_only: true });
    update(
        &mut s,
        Event::Sync(snapshot(vec![cc(1, 1, "joined", 10)], vec![conf(1, "A")])),
        t0(),
    );
    let mut all = Vec::new();
    for ev in [
        ch('d'),
        key(KeyCode::Delete),
        ch('y'),
        key(KeyCode::Enter),
        ch('Y'),
    ] {
        all.extend(update(&mut s, ev, t0()));
    }
    assert!(removes(&all).is_empty());
    assert!(!matches!(s.overlay, Overlay::Confirm(_)));
}

#[test]
fn kiosk_ignores_every_key_and_rotates_pages() {
    let mut s = app(Mode::Kiosk);
    s.size = (80, 24);
    let parts: Vec<_> = (1..=60).map(|n| cc(n, n % 12, "joined", 100)).collect();
    let conferences: Vec<_> = (0..12).map(|n| conf(n, &format!("Room {n}"))).collect();
    update(&mut s, Event::Sync(snapshot(parts, conferences)), t0());
    assert!(s.kiosk_pages() > 1, "{} pages", s.kiosk_pages());
    let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    for ev in [
        ch('q'),
        ch('d'),
        ch('y'),
        key(KeyCode::Enter),
        ctrl_c,
        ch('/'),
    ] {
        assert!(update(&mut s, ev, t0()).is_empty());
    }
    assert_eq!(s.overlay, Overlay::None);
    assert!(!s.filter_editing);
    assert_eq!(s.kiosk_page, 0);
    update(&mut s, Event::Tick, t0() + secs(14));
    assert_eq!(s.kiosk_page, 0);
    update(&mut s, Event::Tick, t0() + secs(15));
    assert_eq!(s.kiosk_page, 1);
    for i in 1..=s.kiosk_pages() as i64 {
        update(&mut s, Event::Tick, t0() + secs(15 + 15 * i));
    }
    assert_eq!(s.kiosk_page, 1, "wraps around");
}

#[test]
fn failures_make_the_data_stale_then_withdrawn_and_a_success_restores_it() {
    let mut s = populated();
    let err = ApiError::from_response("GET /conferences", false, 503, None, b"");
    update(
        &mut s,
        Event::Sync(SyncEvent::Failed {
            at: t0() + secs(3),
            error: err,
        }),
        t0() + secs(3),
    );
    assert_eq!(s.freshness(), Freshness::Live { last_ok: t0() });
    update(&mut s, Event::Tick, t0() + secs(5));
    assert_eq!(s.freshness(), Freshness::Stale { last_ok: t0() });
    update(&mut s, Event::Tick, t0() + secs(61));
    assert_eq!(
        s.freshness(),
        Freshness::NoData {
            since: Some(t0()),
            reason: "server error (503)".into()
        }
    );
    let ev = snapshot(vec![cc(1, 1, "joined", 300)], vec![conf(1, "Alpha")]);
    update(&mut s, Event::Sync(ev), t0() + secs(62));
    assert_eq!(
        s.freshness(),
        Freshness::Live {
            last_ok: t0() + secs(62)
        }
    );
}

#[test]
fn visible_rows_are_reported_for_call_lookups() {
    let mut s = interactive();
    let cmds = update(
        &mut s,
        Event::Sync(snapshot(
            vec![cc(1, 1, "joined", 10), cc(2, 1, "joined", 5)],
            vec![conf(1, "A")],
        )),
        t0(),
    );
    let visible: Vec<_> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::Sync(SyncCommand::Visible(v)) => Some(v.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(visible, vec![vec![call_id(1), call_id(2)]]);
    // Not repeated while nothing changes.
    assert!(update(&mut s, Event::Tick, t0() + secs(1)).is_empty());
}

#[test]
fn help_and_quit() {
    let mut s = populated();
    update(&mut s, ch('?'), t0());
    assert_eq!(s.overlay, Overlay::Help);
    update(&mut s, ch('j'), t0());
    assert_eq!(s.cursor, 1, "keys other than close are ignored under help");
    update(&mut s, key(KeyCode::Esc), t0());
    assert_eq!(s.overlay, Overlay::None);
    assert_eq!(update(&mut s, ch('q'), t0()), vec![Command::Quit]);
    let cmds = update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        t0(),
    );
    assert_eq!(cmds, vec![Command::Quit]);
}

#[test]
fn an_unchanged_snapshot_does_not_rebuild_the_view() {
    let mut s = populated();
    let before = s.rebuilds;
    update(&mut s, Event::Sync(standard_snapshot()), t0() + secs(2));
    assert_eq!(s.rebuilds, before, "nothing changed");
    assert_eq!(
        s.conn.last_ok,
        Some(t0() + secs(2)),
        "but the data is fresher"
    );
    let changed = snapshot(
        vec![cc(1, 1, "leaving", 300)],
        vec![conf(1, "Alpha"), conf(2, "Bravo")],
    );
    update(&mut s, Event::Sync(changed), t0() + secs(4));
    assert_eq!(s.rebuilds, before + 1);
    assert_eq!(
        s.participants[&part_id(2)].shown_status(),
        ConferencecallStatus::Leaved
    );
}

#[test]
fn a_terminal_too_small_acts_on_no_key_but_quit() {
    let mut s = populated();
    select(&mut s, part_id(2));
    update(&mut s, Event::Resize(40, 10), t0());
    // The list is not on screen: nothing opens, nothing is removed.
    for c in ['d', 'y', '/', 'j'] {
        let cmds = update(&mut s, ch(c), t0());
        assert!(removes(&cmds).is_empty());
    }
    assert_eq!(s.overlay, Overlay::None);
    assert!(!s.filter_editing);
    // A dialog opened before the terminal shrank cannot be confirmed behind the message,
    // and q still quits from it.
    update(&mut s, Event::Resize(120, 40), t0());
    update(&mut s, ch('d'), t0());
    assert!(matches!(s.overlay, Overlay::Confirm(_)));
    update(&mut s, Event::Resize(40, 10), t0());
    assert!(removes(&update(&mut s, ch('y'), t0())).is_empty());
    assert!(update(&mut s, ch('q'), t0()).contains(&Command::Quit));
}

#[test]
fn nothing_is_opened_or_removed_while_the_data_is_withdrawn() {
    let mut s = populated();
    select(&mut s, part_id(2));
    update(&mut s, ch('d'), t0());
    assert!(matches!(s.overlay, Overlay::Confirm(_)));
    let err = ApiError::from_response("GET /conferences", false, 503, None, b"");
    update(
        &mut s,
        Event::Sync(SyncEvent::Failed {
            at: t0() + secs(3),
            error: err,
        }),
        t0() + secs(3),
    );
    update(&mut s, Event::Tick, t0() + secs(61));
    assert!(s.withdrawn());
    assert_eq!(s.overlay, Overlay::None, "the dialog closes with the data");
    assert!(s.toast.as_ref().unwrap().text.contains("nothing was sent"));
    update(&mut s, ch('d'), t0() + secs(62));
    assert_eq!(s.overlay, Overlay::None);
    update(&mut s, key(KeyCode::Enter), t0() + secs(62));
    assert_eq!(s.overlay, Overlay::None, "no details of rows not on screen");
}

#[test]
fn the_detail_pane_closes_when_its_participant_leaves_the_list() {
    let mut s = populated();
    select(&mut s, part_id(5));
    update(&mut s, key(KeyCode::Enter), t0());
    assert_eq!(s.overlay, Overlay::Detail);
    // Moving the selection moves the pane with it.
    update(&mut s, ch('k'), t0());
    assert_eq!(s.overlay, Overlay::Detail);
    update(&mut s, ch('j'), t0());
    assert_eq!(s.overlay, Overlay::Detail);
    // Participant 5 leaves, lingers, then goes: the pane does not jump to someone else.
    let ev = snapshot(
        vec![
            cc(1, 1, "joined", 300),
            cc(2, 1, "joined", 200),
            cc(3, 1, "joined", 5),
            cc(4, 2, "joined", 100),
        ],
        vec![conf(1, "Alpha"), conf(2, "Bravo")],
    );
    update(&mut s, Event::Sync(ev), t0() + secs(2));
    assert_eq!(s.overlay, Overlay::Detail, "still shown while it lingers");
    update(&mut s, Event::Tick, t0() + secs(8));
    assert_eq!(s.overlay, Overlay::None);
    assert!(s.toast.as_ref().unwrap().text.contains("has left"));
}

#[test]
fn read_only_help_and_hints_hold_nothing_about_removal() {
    let s = app(Mode::Interactive { read_only: true });
    assert_eq!(s.keys.bindings(keys::Context::Dialog).count(), 0);
    assert!(
        s.keys
            .hints(keys::Context::List)
            .all(|(_, w)| w != "remove")
    );
}

#[test]
fn a_dialog_closes_when_its_participant_is_removed_by_someone_else() {
    let mut s = populated();
    select(&mut s, part_id(2));
    update(&mut s, ch('d'), t0());
    assert!(matches!(s.overlay, Overlay::Confirm(_)));
    // Another client kicked participant 2 meanwhile.
    let ev = snapshot(
        vec![
            cc(1, 1, "joined", 300),
            cc(2, 1, "leaving", 200),
            cc(3, 1, "joining", 5),
            cc(4, 2, "joined", 100),
            cc(5, 2, "leaving", 50),
        ],
        vec![conf(1, "Alpha"), conf(2, "Bravo")],
    );
    update(&mut s, Event::Sync(ev), t0() + secs(2));
    assert_eq!(s.overlay, Overlay::None);
    let toast = s.toast.as_ref().unwrap().text.clone();
    assert!(
        toast.contains("Caller 2") && toast.contains("nothing was sent"),
        "{toast}"
    );
    assert!(removes(&update(&mut s, ch('y'), t0() + secs(3))).is_empty());
}

#[test]
fn the_help_scrolls_no_further_than_its_end() {
    let mut s = populated();
    update(&mut s, Event::Resize(80, 24), t0());
    update(&mut s, ch('?'), t0());
    for _ in 0..10 {
        update(&mut s, key(KeyCode::PageDown), t0());
    }
    // The last line at the bottom of a box of 24 - header 2 - footer 1 - borders 2 lines.
    let end = s.help_scroll;
    assert_eq!(end, s.help_lines() - 19);
    // The first key back moves it at once.
    update(&mut s, ch('k'), t0());
    assert_eq!(s.help_scroll, end - 1);
}
