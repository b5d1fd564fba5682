//! Applying snapshots and failures: groups, totals, selection, lingering, staleness.

use super::*;

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
    assert!(!s.view.row_of.contains_key(&part_id(5)));
    // Its caller stays a while (the call may be put through to another conference), then goes.
    assert!(s.callers.contains_key(&call_id(5)));
    update(&mut s, Event::Tick, t0() + secs(8) + callers::UNCLAIMED_FOR);
    assert!(!s.callers.contains_key(&call_id(5)), "its call details too");
    assert_eq!(s.callers.len(), 4, "only its own");
}

/// The sync task sends a call once. A caller that comes before the picture with its
/// participant (a name from the cache or a peer), or whose call comes back as a new
/// participant (a queue's caller put through to an agent), must still be there when the
/// participant is, though departures are swept meanwhile.
#[test]
fn a_caller_that_comes_before_its_participant_is_kept_for_it() {
    let mut s = populated();
    let early = call(6, "Early Bird", "+15550106");
    update(
        &mut s,
        Event::Sync(SyncEvent::Remembered(vec![early])),
        t0() + secs(1),
    );
    // Participant 5 leaves and lingers out: a sweep of callers while 6 has no participant yet.
    let mut left = standard_snapshot_records();
    left.pop();
    update(
        &mut s,
        Event::Sync(snapshot(
            left.clone(),
            vec![conf(1, "Alpha"), conf(2, "Bravo")],
        )),
        t0() + secs(2),
    );
    update(&mut s, Event::Tick, t0() + secs(8));
    assert!(!s.participants.contains_key(&part_id(5)), "swept");
    // Participant 6 comes; participant 4 leaves and is swept.
    left.retain(|r| r.id != part_id(4));
    left.push(cc(6, 2, "joined", 3));
    let conferences = || vec![conf(1, "Alpha"), conf(2, "Bravo")];
    update(
        &mut s,
        Event::Sync(snapshot(left.clone(), conferences())),
        t0() + secs(9),
    );
    update(&mut s, Event::Tick, t0() + secs(20));
    assert!(!s.participants.contains_key(&part_id(4)), "swept");
    // Then participant 7 comes: a new participant of participant 4's call.
    let mut moved = cc(7, 1, "joined", 1);
    moved.reference_id = Some(call_id(4));
    left.push(moved);
    update(
        &mut s,
        Event::Sync(snapshot(left, conferences())),
        t0() + secs(30),
    );
    let name = |s: &AppState, n| {
        let p = &s.participants[&part_id(n)];
        s.caller_of(p).map(|c| c.remote().name.clone())
    };
    assert_eq!(name(&s, 6).as_deref(), Some("Early Bird"));
    assert_eq!(name(&s, 7).as_deref(), Some("Caller 4"));
    // Kept as long as a participant has the call, not only for a while.
    update(
        &mut s,
        Event::Tick,
        t0() + secs(20) + callers::UNCLAIMED_FOR * 2,
    );
    assert!(!s.callers.contains_key(&call_id(5)), "a sweep ran");
    assert_eq!(name(&s, 6).as_deref(), Some("Early Bird"));
    assert_eq!(name(&s, 7).as_deref(), Some("Caller 4"));
    assert!(s.callers_unclaimed.is_empty(), "nothing left to sweep");
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
    assert_eq!(s.view.groups[0].trouble, crate::app::view::Trouble::Warn);
    update(&mut s, Event::Tick, t0() + secs(200));
    assert_eq!(
        s.view.groups[0].conference,
        conference_id(2),
        "the troubled room is pinned first"
    );
    assert_eq!(s.view.groups[0].trouble, crate::app::view::Trouble::Crit);
    assert!(s.view.worst_stuck.unwrap() >= secs(200));
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
    // One failure is not staleness: three intervals (6 s) are.
    update(&mut s, Event::Tick, t0() + secs(6));
    assert_eq!(s.freshness(), Freshness::Live { last_ok: t0() });
    update(&mut s, Event::Tick, t0() + secs(7));
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
    let visible = |cmds: Vec<Command>| -> Vec<Vec<Uuid>> {
        cmds.iter()
            .filter_map(|c| match c {
                Command::Sync(SyncCommand::Visible(v)) => Some(v.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(visible(cmds), vec![vec![call_id(1), call_id(2)]]);
    // Not repeated while nothing changes.
    assert!(update(&mut s, Event::Tick, t0() + secs(1)).is_empty());
    // Said as the names come, down to none: the sync task holds the screen's own list (it asks
    // again for a call the screen still lacks long after it was sent).
    let named = |n| SyncEvent::Calls(vec![call(n, "Someone", "+15550100")]);
    let cmds = update(&mut s, Event::Sync(named(1)), t0() + secs(2));
    assert_eq!(visible(cmds), vec![vec![call_id(2)]]);
    let cmds = update(&mut s, Event::Sync(named(2)), t0() + secs(3));
    assert_eq!(visible(cmds), vec![Vec::<Uuid>::new()]);
}

#[test]
fn a_room_partly_on_screen_has_every_member_without_a_record_awaited() {
    let mut s = interactive();
    // Eight rows: room A's title and its three, room B's title and three of its six.
    s.size = (120, 12);
    let listed = |n: u128, room: u128| -> crate::api::Conferencecall {
        serde_json::from_value(serde_json::json!({
            "id": part_id(n),
            "conference_id": conference_id(room),
            "status": "joined",
        }))
        .unwrap()
    };
    let mut parts: Vec<_> = (1..=3).map(|n| listed(n, 1)).collect();
    parts.extend((11..=16).map(|n| listed(n, 2)));
    let cmds = update(
        &mut s,
        Event::Sync(snapshot(parts, vec![conf(1, "A"), conf(2, "B")])),
        t0(),
    );
    let awaited: Vec<Vec<Uuid>> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::Sync(SyncCommand::Awaited(ids)) => Some(ids.clone()),
            _ => None,
        })
        .collect();
    let [awaited] = &awaited[..] else {
        panic!("one Awaited: {awaited:?}")
    };
    // The rows on screen first, in screen order; then the rest of B, whose first three by
    // join time are not known until all six records are in.
    assert_eq!(&awaited[..6], &s.shown_rows()[..]);
    let rest: HashSet<Uuid> = awaited[6..].iter().copied().collect();
    let b: HashSet<Uuid> = (11..=16).map(part_id).collect();
    let on_screen: HashSet<Uuid> = awaited[..6].iter().copied().collect();
    assert_eq!(rest, b.difference(&on_screen).copied().collect());
    // Once B's records are in, only what is on screen and still unread is asked for.
    let mut read: Vec<_> = (1..=3).map(|n| listed(n, 1)).collect();
    read.extend((11..=16).map(|n| cc(n, 2, "joined", n as i64)));
    let cmds = update(
        &mut s,
        Event::Sync(snapshot(read, vec![conf(1, "A"), conf(2, "B")])),
        t0() + secs(1),
    );
    let awaited = cmds.iter().find_map(|c| match c {
        Command::Sync(SyncCommand::Awaited(ids)) => Some(ids.clone()),
        _ => None,
    });
    assert_eq!(awaited, Some((1..=3).map(part_id).collect::<Vec<_>>()));
}

#[test]
fn an_unchanged_snapshot_does_not_rebuild_the_view() {
    let mut s = populated();
    let before = s.rebuilds;
    update(&mut s, Event::Sync(standard_snapshot()), t0() + secs(2));
    assert_eq!(s.rebuilds, before, "nothing changed");
    assert_eq!(
        s.sync.conn.last_ok,
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
fn the_detail_pane_closes_when_its_participant_leaves_the_list() {
    let mut s = populated();
    select(&mut s, part_id(5));
    press_at(&mut s, key(KeyCode::Enter), t0());
    assert_eq!(s.overlay, Overlay::Detail);
    // Moving the selection moves the pane with it.
    press_at(&mut s, ch('k'), t0());
    assert_eq!(s.overlay, Overlay::Detail);
    press_at(&mut s, ch('j'), t0());
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
fn the_selection_stays_on_the_first_row_while_the_picture_fills_in() {
    use crate::api::Conferencecall;
    let mut s = interactive();
    // First picture: one room listed with two participants, details to come.
    let placeholder = |n: u128| -> Conferencecall {
        let mut c = cc(n, 1, "joined", 0);
        c.tm_create = None;
        c.tm_update = None;
        c
    };
    let first = match snapshot(vec![placeholder(1), placeholder(2)], vec![conf(1, "Alpha")]) {
        SyncEvent::Snapshot(mut snap) => {
            std::sync::Arc::make_mut(&mut snap).awaited = 2;
            SyncEvent::Snapshot(snap)
        }
        _ => unreachable!(),
    };
    update(&mut s, Event::Sync(first), t0());
    assert_eq!(s.sync.loading, Some((0, 2)));
    // Details arrive: participant 2 joined earlier, so it now sorts first.
    update(
        &mut s,
        Event::Sync(snapshot(
            vec![cc(1, 1, "joined", 100), cc(2, 1, "joined", 300)],
            vec![conf(1, "Alpha")],
        )),
        t0(),
    );
    assert_eq!(s.sync.loading, None);
    let first_row = s.view.rows.iter().find_map(|r| match r {
        Row::Participant(_, id) => Some(*id),
        _ => None,
    });
    assert_eq!(s.selected_participant().map(|p| p.id), first_row);
    // Once a key was pressed, the selection is the user's.
    press_at(&mut s, key(KeyCode::Down), t0());
    let chosen = s.selected_participant().map(|p| p.id);
    update(
        &mut s,
        Event::Sync(snapshot(
            vec![cc(1, 1, "joined", 100), cc(2, 1, "joined", 300)],
            vec![conf(1, "Alpha")],
        )),
        t0(),
    );
    assert_eq!(s.selected_participant().map(|p| p.id), chosen);
}

#[test]
fn start_up_warnings_and_the_credential_source_are_said_in_the_app() {
    let mut cfg = AppConfig::new(
        Mode::Interactive { read_only: false },
        "api.example.com",
        std::time::Duration::from_secs(2),
    );
    cfg.warnings = vec!["warning: /x/config.toml is readable by others".to_owned()];
    cfg.credential_source = "VN_ACCESS_KEY".to_owned();
    let s = AppState::new(cfg, t0(), (120, 40));
    let toast = s.toast.as_ref().expect("the warning is shown at start");
    assert!(toast.text.contains("readable by others"));
    let help: String = crate::app::help::lines(&s)
        .iter()
        .flat_map(|l| l.parts.iter().map(|(t, _)| t.clone()))
        .collect();
    assert!(help.contains("Credentials from VN_ACCESS_KEY"), "{help}");
    assert!(help.contains("readable by others"));
}

#[test]
fn a_search_tells_the_sync_task_when_it_starts_and_when_it_ends() {
    let mut s = populated();
    let told = |cmds: &[Command]| -> Vec<bool> {
        cmds.iter()
            .filter_map(|c| match c {
                Command::Sync(SyncCommand::Searching(on)) => Some(*on),
                _ => None,
            })
            .collect()
    };
    assert!(told(&press_at(&mut s, key(KeyCode::Down), t0())).is_empty());
    assert!(!s.name_everyone());
    assert_eq!(
        told(&press_at(&mut s, ch('/'), t0())),
        vec![true],
        "a search needs every name"
    );
    assert!(s.name_everyone());
    assert!(
        told(&press_at(&mut s, ch('m'), t0())).is_empty(),
        "told once"
    );
    assert!(
        told(&press_at(&mut s, key(KeyCode::Enter), t0())).is_empty(),
        "a filter kept is a search still on"
    );
    assert_eq!(
        told(&press_at(&mut s, key(KeyCode::Esc), t0())),
        vec![false],
        "cleared"
    );
    press_at(&mut s, ch('/'), t0());
    assert_eq!(
        told(&press_at(&mut s, key(KeyCode::Esc), t0())),
        vec![false],
        "abandoned while typed"
    );
    assert!(s.name_everyone(), "everyone's names stay wanted");
}

#[test]
fn a_kiosk_asks_for_the_callers_of_its_page_and_the_next_only() {
    // Forty rooms of five on a small wall: several pages.
    let mut s = app(Mode::Kiosk);
    update(&mut s, Event::Resize(100, 30), t0());
    let parts: Vec<_> = (1..=200)
        .map(|n| cc(n, (n - 1) / 5 + 1, "joined", 100))
        .collect();
    let rooms: Vec<_> = (1..=40).map(|n| conf(n, &format!("Room {n:02}"))).collect();
    let cmds = update(&mut s, Event::Sync(snapshot(parts, rooms)), t0());
    assert!(s.kiosk_pages() > 2, "{} pages", s.kiosk_pages());
    let asked: Vec<Uuid> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::Sync(SyncCommand::Visible(v)) => Some(v.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    let on_two_pages: usize = s.kiosk.pages[..2]
        .iter()
        .flat_map(|p| p.columns.iter().flatten())
        .map(|placed| placed.shown)
        .sum();
    assert_eq!(asked.len(), on_two_pages, "this page's and the next one's");
    assert!(asked.len() < 200);
}
