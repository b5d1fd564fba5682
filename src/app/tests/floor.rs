//! The support floor's rules: finding a caller, acting on the right one, reading time.

use super::*;
use crate::verdict::Verdict;

fn type_filter(s: &mut AppState, text: &str) {
    press_at(s, ch('/'), t0());
    type_text(s, text);
    press_at(s, key(KeyCode::Enter), t0());
}

/// [`populated`] with callers whose names and numbers are written as people write them.
fn floor() -> AppState {
    let mut s = populated();
    let calls = vec![
        call(2, "José Álvarez", "+61491570781"),
        call(4, "Mia Chen", "+61 (491) 570-999"),
    ];
    update(&mut s, Event::Sync(SyncEvent::Calls(calls)), t0());
    s
}

#[test]
fn enter_on_a_filter_lands_on_the_first_match_and_a_second_enter_opens_it() {
    let mut s = floor();
    select(&mut s, part_id(1));
    type_filter(&mut s, "Mia");
    assert_eq!(s.selection, Some(Selection::Participant(part_id(4))));
    press_at(&mut s, key(KeyCode::Enter), t0());
    assert_eq!(
        s.overlay,
        Overlay::Detail,
        "Enter opens the match, never folds"
    );
    assert!(s.view.row_of.contains_key(&part_id(4)));
}

#[test]
fn n_and_shift_n_go_to_the_next_and_previous_match_and_wrap() {
    let mut s = floor();
    type_filter(&mut s, "+61");
    assert_eq!(s.selection, Some(Selection::Participant(part_id(2))));
    press_at(&mut s, ch('n'), t0());
    assert_eq!(s.selection, Some(Selection::Participant(part_id(4))));
    press_at(&mut s, ch('n'), t0());
    assert_eq!(
        s.selection,
        Some(Selection::Participant(part_id(2))),
        "wraps"
    );
    assert!(s.toast.as_ref().is_some_and(|t| t.text.contains("wrapped")));
    press_at(&mut s, ch('N'), t0());
    assert_eq!(s.selection, Some(Selection::Participant(part_id(4))));
}

#[test]
fn numbers_by_digits_names_without_accents_and_ids_by_prefix() {
    for (needle, who) in [
        ("+61 491 570 781", 2),
        ("61491570781", 2),
        ("491-570-999", 4),
        ("Jose", 2),
        ("ALVAREZ", 2),
        ("ca110004", 4),
        ("aa000005", 5),
    ] {
        let mut s = floor();
        type_filter(&mut s, needle);
        let shown: Vec<Uuid> = s
            .view
            .groups
            .iter()
            .flat_map(|g| g.members.clone())
            .collect();
        assert_eq!(shown, vec![part_id(who)], "{needle:?}");
    }
    let mut s = floor();
    type_filter(&mut s, "c0ff0002");
    assert_eq!(s.view.groups.len(), 1, "a conference id finds its room");
}

#[test]
fn a_folded_room_with_a_match_unfolds() {
    let mut s = floor();
    select(&mut s, part_id(4));
    press_at(&mut s, ch(' '), t0());
    assert!(s.collapsed.contains(&conference_id(2)));
    type_filter(&mut s, "Mia");
    assert!(!s.collapsed.contains(&conference_id(2)));
    assert_eq!(s.selection, Some(Selection::Participant(part_id(4))));
}

#[test]
fn t_goes_to_the_next_participant_stuck_joining_or_leaving() {
    let mut s = floor();
    select(&mut s, part_id(1));
    // Caller 3 joining since t0-5s, caller 5 leaving since t0-1s: both stuck 40 s later.
    let later = t0() + secs(40);
    update(&mut s, Event::Tick, later);
    press_at(&mut s, ch('t'), later);
    let first = s.selection;
    press_at(&mut s, ch('t'), later);
    let second = s.selection;
    let stuck = [
        Some(Selection::Participant(part_id(3))),
        Some(Selection::Participant(part_id(5))),
    ];
    assert!(stuck.contains(&first) && stuck.contains(&second) && first != second);
    // Nobody stuck: it says so and stays.
    let mut calm = floor();
    press_at(&mut calm, ch('t'), t0());
    assert!(
        calm.toast
            .as_ref()
            .is_some_and(|t| t.text.contains("Nobody"))
    );
}

#[test]
fn f_shows_one_status_at_a_time_and_esc_shows_all_again() {
    let mut s = floor();
    press_at(&mut s, ch('f'), t0());
    assert_eq!(s.only, Some(ConferencecallStatus::Joining));
    let shown: Vec<Uuid> = s
        .view
        .groups
        .iter()
        .flat_map(|g| g.members.clone())
        .collect();
    assert_eq!(shown, vec![part_id(3)]);
    assert_eq!(s.selection, Some(Selection::Participant(part_id(3))));
    press_at(&mut s, ch('f'), t0());
    assert_eq!(s.only, Some(ConferencecallStatus::Joined));
    press_at(&mut s, key(KeyCode::Esc), t0());
    assert_eq!(s.only, None);
    assert_eq!(s.view.rows.len(), 7);
}

#[test]
fn z_folds_every_room_then_unfolds_them_all() {
    let mut s = floor();
    press_at(&mut s, ch('z'), t0());
    assert_eq!(s.view.rows.len(), 2, "two headers");
    assert!(matches!(s.selection, Some(Selection::Group(_))));
    press_at(&mut s, ch('z'), t0());
    assert_eq!(s.view.rows.len(), 7);
}

#[test]
fn c_offers_what_a_ticket_needs_and_copies_the_one_chosen() {
    let mut s = floor();
    select(&mut s, part_id(2));
    let cmds = press_at(&mut s, ch('c'), t0());
    assert!(cmds.is_empty(), "the menu first: {cmds:?}");
    let Overlay::Copy(menu) = &s.overlay else {
        panic!("{:?}", s.overlay)
    };
    let labels: Vec<&str> = menu.items.iter().map(|i| i.label).collect();
    assert_eq!(
        labels,
        [
            "summary",
            "caller's number",
            "caller's name",
            "participant id",
            "call id"
        ]
    );
    let summary = &menu.items[0].text;
    for part in [
        "José Álvarez +61491570781 in Alpha, joined",
        &part_id(2).to_string(),
        &call_id(2).to_string(),
    ] {
        assert!(summary.contains(part), "{part} in {summary}");
    }
    let cmds = press_at(&mut s, ch('2'), t0());
    assert_eq!(cmds, vec![Command::Copy("+61491570781".to_owned())]);
    assert_eq!(s.overlay, Overlay::None);
    let toast = &s.toast.as_ref().unwrap().text;
    assert!(
        toast.starts_with("Copied the caller's number: +61491570781 ("),
        "{toast}"
    );

    press_at(&mut s, ch('c'), t0());
    let cmds = press_at(&mut s, ch('4'), t0());
    assert_eq!(cmds, vec![Command::Copy(part_id(2).to_string())]);

    // Esc (or any key that is no choice) closes it, copying nothing.
    press_at(&mut s, ch('c'), t0());
    let cmds = press_at(&mut s, key(KeyCode::Esc), t0());
    assert!(cmds.is_empty() && s.overlay == Overlay::None);
}

#[test]
fn c_on_a_conference_offers_its_name_and_id() {
    let mut s = floor();
    press_at(&mut s, ch('g'), t0());
    assert!(matches!(s.selection, Some(Selection::Group(_))));
    press_at(&mut s, ch('c'), t0());
    let Overlay::Copy(menu) = &s.overlay else {
        panic!("{:?}", s.overlay)
    };
    let Some(Selection::Group(room)) = s.selection else {
        unreachable!()
    };
    assert_eq!(menu.items.len(), 3);
    let cmds = press_at(&mut s, ch('3'), t0());
    assert_eq!(cmds, vec![Command::Copy(room.to_string())]);
}

#[test]
fn c_and_a_digit_typed_together_are_text_and_copy_nothing() {
    let mut s = floor();
    select(&mut s, part_id(2));
    let cmds = type_keys(&mut s, "c2", SignedDuration::from_millis(60));
    assert!(
        cmds.iter().all(|c| !matches!(c, Command::Copy(_))),
        "{cmds:?}"
    );
    assert_eq!(s.filter, "c2");
}

#[test]
fn read_only_says_removal_is_off_when_d_is_pressed() {
    let mut s = app(Mode::Interactive { read_only: true });
    update(&mut s, Event::Sync(standard_snapshot()), t0());
    let cmds = press_at(&mut s, ch('d'), t0());
    assert!(removes(&cmds).is_empty());
    assert_eq!(s.overlay, Overlay::None);
    let toast = s.toast.as_ref().map(|t| t.text.as_str());
    assert_eq!(toast, Some("read-only: removal is off"));
}

#[test]
fn cancelling_a_removal_opened_from_the_detail_pane_goes_back_to_it() {
    let mut s = floor();
    select(&mut s, part_id(2));
    press_at(&mut s, key(KeyCode::Enter), t0());
    assert_eq!(s.overlay, Overlay::Detail);
    press_at(&mut s, ch('d'), t0());
    assert!(matches!(s.overlay, Overlay::Confirm(_)));
    press_at(&mut s, key(KeyCode::Esc), t0());
    assert_eq!(s.overlay, Overlay::Detail);
    // From the list, Cancel goes back to the list.
    press_at(&mut s, key(KeyCode::Esc), t0());
    press_at(&mut s, ch('d'), t0());
    press_at(&mut s, ch('n'), t0());
    assert_eq!(s.overlay, Overlay::None);
}

#[test]
fn a_removal_carries_who_and_where_for_the_audit_log() {
    let mut s = floor();
    s.sync.customer = Some((Uuid::from_u128(7), "Acme".into()));
    select(&mut s, part_id(2));
    press_at(&mut s, ch('d'), t0());
    let cmds = confirm_removal(&mut s);
    let Some(Command::Sync(SyncCommand::Act(Attempt { about, .. }))) = cmds.first() else {
        panic!("{cmds:?}")
    };
    assert_eq!(about.caller_name, "José Álvarez");
    assert_eq!(about.caller_number, "+61491570781");
    assert_eq!(about.conference_name, "Alpha");
    assert_eq!(about.api_host, "api.example.com");
    assert_eq!(about.customer_id, Some(Uuid::from_u128(7)));
}

#[test]
fn a_failed_removal_names_the_participant_even_once_its_row_is_gone() {
    let mut s = floor();
    select(&mut s, part_id(2));
    press_at(&mut s, ch('d'), t0());
    confirm_removal(&mut s);
    // The row goes before the answer comes.
    let without = snapshot(
        vec![cc(1, 1, "joined", 300), cc(4, 2, "joined", 100)],
        vec![conf(1, "Alpha"), conf(2, "Bravo")],
    );
    update(&mut s, Event::Sync(without), t0() + secs(1));
    update(&mut s, Event::Tick, t0() + secs(10));
    let err = ApiError::from_response("DELETE /conferencecalls/{id}", true, 503, None, b"");
    update(
        &mut s,
        removal_answer(part_id(2), conference_id(1), Err(err)),
        t0() + secs(10),
    );
    let toast = s.toast.as_ref().unwrap().text.clone();
    assert!(toast.contains("José Álvarez"), "{toast}");
}

#[test]
fn the_time_in_conference_of_a_row_that_left_stops_at_the_leave() {
    let mut s = floor();
    let without = snapshot(
        vec![cc(1, 1, "joined", 300), cc(4, 2, "joined", 100)],
        vec![conf(1, "Alpha"), conf(2, "Bravo")],
    );
    update(&mut s, Event::Sync(without), t0() + secs(2));
    let p2 = s.participants[&part_id(2)].clone();
    assert_eq!(s.in_conference(&p2), Some(secs(202)));
    update(&mut s, Event::Tick, t0() + secs(4));
    assert_eq!(s.in_conference(&p2), Some(secs(202)), "frozen at the leave");
    // Counters also stop while the data is stale.
    let p1 = s.participants[&part_id(1)].clone();
    update(&mut s, Event::Tick, t0() + secs(30));
    assert_eq!(
        s.in_conference(&p1),
        Some(secs(302)),
        "as of the last good refresh"
    );
}

#[test]
fn departures_keep_who_left_when_and_how_a_removal_ended() {
    let mut s = floor();
    select(&mut s, part_id(2));
    press_at(&mut s, ch('d'), t0());
    confirm_removal(&mut s);
    let left = cc(2, 1, "leaving", 200);
    update(
        &mut s,
        removal_answer(part_id(2), conference_id(1), Ok(left)),
        t0() + secs(1),
    );
    let without = snapshot(
        vec![cc(1, 1, "joined", 300), cc(4, 2, "joined", 100)],
        vec![conf(1, "Alpha"), conf(2, "Bravo")],
    );
    update(&mut s, Event::Sync(without), t0() + secs(2));
    update(&mut s, Event::Tick, t0() + secs(60));
    assert!(!s.participants.contains_key(&part_id(2)), "the row is gone");
    let d = s
        .departures
        .iter()
        .find(|d| d.participant == part_id(2))
        .expect("noted");
    assert_eq!(d.left, t0() + secs(2));
    assert_eq!(d.removal, Some(Verdict::Removed));
    assert!(d.who.contains("José"));
    press_at(&mut s, ch('L'), t0() + secs(60));
    assert_eq!(s.overlay, Overlay::Departures);
    // Kept fifteen minutes.
    update(&mut s, Event::Tick, t0() + secs(2 + 15 * 60));
    assert!(s.departures.is_empty());
}

#[test]
fn departures_include_those_who_left_before_this_session_saw_them() {
    let mut s = floor();
    let left_at = |n: u128, conference: u128, ago: i64| {
        let mut r = cc(n, conference, "leaved", ago + 600);
        r.tm_update = Some(t0() - secs(ago));
        std::sync::Arc::new(r)
    };
    // Left ten minutes ago, before this session started; twenty minutes ago (too old); and
    // one still in a room on screen (its own leaving comes with the next picture).
    let records = vec![left_at(8, 1, 600), left_at(9, 2, 1200), left_at(1, 1, 5)];
    update(
        &mut s,
        Event::Sync(SyncEvent::Departed(records.clone())),
        t0(),
    );
    let ids: Vec<Uuid> = s.departures.iter().map(|d| d.participant).collect();
    assert_eq!(ids, vec![part_id(8)], "only the one within the window");
    let d = &s.departures[0];
    assert_eq!(d.left, t0() - secs(600), "at the time it left, not now");
    assert_eq!(d.conference, "Alpha");
    assert!(!d.named && d.who.contains("participant"), "{}", d.who);
    // Told again: still once.
    update(&mut s, Event::Sync(SyncEvent::Departed(records)), t0());
    assert_eq!(s.departures.len(), 1);

    // Opened, its caller is wanted; the name, when it comes, names it.
    let cmds = press_at(&mut s, ch('L'), t0());
    let asked = cmds
        .iter()
        .any(|c| matches!(c, Command::Sync(SyncCommand::Visible(v)) if v.contains(&call_id(8))));
    assert!(asked, "{cmds:?}");
    let named = vec![call(8, "Lena Ortiz", "+15550001111")];
    update(&mut s, Event::Sync(SyncEvent::Calls(named)), t0());
    assert!(s.departures[0].who.contains("Lena Ortiz"));

    // The filter, typed with the departures open, finds it by name or number.
    type_filter(&mut s, "lena");
    assert_eq!(s.overlay, Overlay::Departures, "still open");
    assert_eq!(s.departures_shown().len(), 1);
    s.filter = "555 000".to_owned();
    assert_eq!(s.departures_shown().len(), 1);
    s.filter = "nobody".to_owned();
    assert!(s.departures_shown().is_empty());
}

#[test]
fn tab_wraps_from_the_last_room_to_the_first() {
    let mut s = floor();
    select(&mut s, part_id(5));
    press_at(&mut s, key(KeyCode::Tab), t0());
    assert_eq!(s.selection, Some(Selection::Group(conference_id(1))));
    press_at(&mut s, key(KeyCode::BackTab), t0());
    assert_eq!(s.selection, Some(Selection::Group(conference_id(2))));
}

#[test]
fn the_departures_scroll_to_the_oldest_and_ask_for_the_callers_shown() {
    let mut s = floor();
    update(&mut s, Event::Resize(80, 24), t0());
    thirty_departures(&mut s);
    assert_eq!(s.departures.len(), 30);
    press_at(&mut s, ch('L'), t0());
    assert!(s.visible_calls().contains(&call_id(100)));
    assert!(!s.visible_calls().contains(&call_id(129)), "not yet shown");
    for _ in 0..3 {
        press_at(&mut s, key(KeyCode::PageDown), t0());
    }
    // A box of 24 - header 2 - footer 1 - borders 2 lines: the oldest at its bottom.
    assert_eq!(s.overlay_scroll, 30 - 19);
    let asked = s.visible_calls();
    assert!(asked.contains(&call_id(129)) && !asked.contains(&call_id(100)));
    press_at(&mut s, ch('k'), t0());
    assert_eq!(s.overlay_scroll, 10, "the first key back moves it at once");
    press_at(&mut s, ch('g'), t0());
    assert_eq!(s.overlay_scroll, 0);
    press_at(&mut s, ch('G'), t0());
    assert_eq!(s.overlay_scroll, 11);
    // One more who left, newer than all: the view keeps its place rather than drifting.
    let mut r = cc(99, 1, "leaved", 900);
    r.tm_update = Some(t0() - secs(50));
    update(
        &mut s,
        Event::Sync(SyncEvent::Departed(vec![std::sync::Arc::new(r)])),
        t0(),
    );
    assert_eq!(s.departures_shown()[0].participant, part_id(99));
    assert_eq!(s.overlay_scroll, 12);
    // A filter starts again from the newest; closing and opening again too.
    type_filter(&mut s, "participant");
    assert_eq!((&s.overlay, s.overlay_scroll), (&Overlay::Departures, 0));
    press_at(&mut s, ch('G'), t0());
    press_at(&mut s, ch('L'), t0());
    press_at(&mut s, ch('L'), t0());
    assert_eq!((&s.overlay, s.overlay_scroll), (&Overlay::Departures, 0));
}

#[test]
fn a_departure_noticed_late_takes_its_time_from_its_record() {
    let mut s = floor();
    // Participant 2's leaving was missed; the room list shows it gone a minute later.
    let without = snapshot(
        vec![cc(1, 1, "joined", 300), cc(4, 2, "joined", 100)],
        vec![conf(1, "Alpha"), conf(2, "Bravo")],
    );
    update(&mut s, Event::Sync(without), t0() + secs(60));
    let d = |s: &AppState| {
        s.departures
            .iter()
            .find(|d| d.participant == part_id(2))
            .cloned()
    };
    assert_eq!(d(&s).expect("noted").left, t0() + secs(60), "when noticed");
    // Its record, read afterwards, says when it really left.
    let mut r = cc(2, 1, "leaved", 300);
    r.tm_update = Some(t0() + secs(20));
    let records = vec![std::sync::Arc::new(r)];
    update(
        &mut s,
        Event::Sync(SyncEvent::Departed(records)),
        t0() + secs(61),
    );
    let d = d(&s).expect("still once");
    assert_eq!(d.left, t0() + secs(20));
    assert!(d.who.contains("José"), "{}", d.who);
    let twos = s.departures.iter().filter(|d| d.participant == part_id(2));
    assert_eq!(twos.count(), 1);
}

#[test]
fn the_search_line_recalls_kept_filters_and_says_when_to_keep_them() {
    let mut cfg = AppConfig::new(
        Mode::Interactive { read_only: false },
        "h",
        Duration::from_secs(2),
    );
    cfg.searches = vec!["Mia".to_owned()];
    let mut s = AppState::new(cfg, t0(), (120, 40));
    update(&mut s, Event::Sync(standard_snapshot()), t0());
    press_at(&mut s, ch('/'), t0());
    type_text(&mut s, "Cal");
    press_at(&mut s, key(KeyCode::Up), t0());
    assert_eq!(s.filter, "Mia", "the kept one, from the last session");
    press_at(&mut s, key(KeyCode::Down), t0());
    assert_eq!(s.filter, "Cal", "back to what was typed");
    let cmds = press_at(&mut s, key(KeyCode::Enter), t0());
    assert_eq!(
        cmds.iter()
            .filter_map(|c| match c {
                Command::SaveSearches(e) => Some(e.clone()),
                _ => None,
            })
            .collect::<Vec<_>>(),
        vec![vec!["Mia".to_owned(), "Cal".to_owned()]]
    );
    // Cleared with Esc, a filter is not kept.
    press_at(&mut s, ch('/'), t0());
    type_text(&mut s, "zzz");
    let cmds = press_at(&mut s, key(KeyCode::Esc), t0());
    assert!(!cmds.iter().any(|c| matches!(c, Command::SaveSearches(_))));
    press_at(&mut s, ch('/'), t0());
    press_at(&mut s, key(KeyCode::Up), t0());
    assert_eq!(s.filter, "Cal");
}

#[test]
fn what_the_copy_menu_offers_holds_no_control_character() {
    let mut s = populated();
    let hostile = vec![call(
        2,
        "Eve\u{1b}]52;c;cHduZWQ=\u{7}",
        "+1555\u{1b}[2J0102",
    )];
    update(&mut s, Event::Sync(SyncEvent::Calls(hostile)), t0());
    select(&mut s, part_id(2));
    press_at(&mut s, ch('c'), t0());
    let Overlay::Copy(menu) = &s.overlay else {
        panic!("{:?}", s.overlay)
    };
    for item in &menu.items {
        assert!(!item.text.chars().any(char::is_control), "{:?}", item.text);
    }
}

#[test]
fn a_caller_whose_name_is_withheld_is_named_so_in_the_dialog_and_left_blank_in_the_audit() {
    let mut s = floor();
    update(
        &mut s,
        Event::Sync(SyncEvent::Calls(vec![call(2, "", "+61491570806")])),
        t0(),
    );
    select(&mut s, part_id(2));
    press_at(&mut s, ch('d'), t0());
    let Overlay::Confirm(c) = &s.overlay else {
        panic!("the dialog")
    };
    assert_eq!(c.who(), "(name withheld) +61491570806", "as the row says");
    let cmds = confirm_removal(&mut s);
    let Some(Command::Sync(SyncCommand::Act(Attempt { about, .. }))) = cmds.first() else {
        panic!("{cmds:?}")
    };
    assert_eq!(about.caller_name, "", "the server's word, not the dialog's");
    assert_eq!(about.caller_number, "+61491570806");
}
