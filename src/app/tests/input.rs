//! Keys: navigation, folding, filter, sort, help, kiosk, tiny terminals.

use super::*;

#[test]
fn navigation_keys() {
    let mut s = populated();
    press_at(&mut s, ch('j'), t0());
    assert_eq!(s.selection, Some(Selection::Participant(part_id(2))));
    press_at(&mut s, key(KeyCode::Up), t0());
    press_at(&mut s, key(KeyCode::Up), t0());
    assert_eq!(s.selection, Some(Selection::Group(conference_id(1))));
    press_at(&mut s, key(KeyCode::Tab), t0());
    assert_eq!(s.selection, Some(Selection::Group(conference_id(2))));
    press_at(&mut s, key(KeyCode::BackTab), t0());
    assert_eq!(s.selection, Some(Selection::Group(conference_id(1))));
    press_at(&mut s, ch('G'), t0());
    assert_eq!(s.selection, Some(Selection::Participant(part_id(5))));
    press_at(&mut s, ch('g'), t0());
    assert_eq!(s.cursor, 0);
    update(&mut s, repeat(KeyCode::Down), t0());
    assert_eq!(s.cursor, 1, "held arrows still move");
    press_at(&mut s, key(KeyCode::PageDown), t0());
    assert_eq!(s.cursor, 6, "clamped to the last row");
}

#[test]
fn folding_a_conference() {
    let mut s = populated();
    press_at(&mut s, ch(' '), t0());
    assert_eq!(s.view.rows.len(), 4, "Alpha folded");
    assert_eq!(s.selection, Some(Selection::Group(conference_id(1))));
    press_at(&mut s, key(KeyCode::Enter), t0());
    assert_eq!(s.view.rows.len(), 7, "Enter on a header unfolds");
}

#[test]
fn filter_matches_names_numbers_rooms_and_ids() {
    let mut s = populated();
    press_at(&mut s, ch('/'), t0());
    type_text(&mut s, "caller 4");
    assert_eq!(s.view.groups.len(), 1);
    assert_eq!(s.view.groups[0].members, vec![part_id(4)]);
    press_at(&mut s, key(KeyCode::Enter), t0());
    assert!(!s.filter_editing);
    press_at(&mut s, key(KeyCode::Esc), t0());
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
    press_at(&mut s, ch('s'), t0());
    assert_eq!(s.sort, SortMode::Name);
    press_at(&mut s, ch('s'), t0());
    assert_eq!(s.sort, SortMode::Size);
    assert_eq!(
        s.view.groups[0].conference,
        conference_id(1),
        "Alpha has more participants"
    );
    press_at(&mut s, ch('s'), t0());
    press_at(&mut s, ch('s'), t0());
    assert_eq!(s.sort, SortMode::Trouble);
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
    assert_eq!(s.kiosk.page, 0);
    update(&mut s, Event::Tick, t0() + secs(14));
    assert_eq!(s.kiosk.page, 0);
    update(&mut s, Event::Tick, t0() + secs(15));
    assert_eq!(s.kiosk.page, 1);
    for i in 1..=s.kiosk_pages() as i64 {
        update(&mut s, Event::Tick, t0() + secs(15 + 15 * i));
    }
    assert_eq!(s.kiosk.page, 1, "wraps around");
}

#[test]
fn help_and_quit() {
    let mut s = populated();
    press_at(&mut s, ch('?'), t0());
    assert_eq!(s.overlay, Overlay::Help);
    press_at(&mut s, ch('j'), t0());
    assert_eq!(s.cursor, 1, "keys other than close are ignored under help");
    press_at(&mut s, key(KeyCode::Esc), t0());
    assert_eq!(s.overlay, Overlay::None);
    assert_eq!(press_at(&mut s, ch('q'), t0()), vec![Command::Quit]);
    let cmds = update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        t0(),
    );
    assert_eq!(cmds, vec![Command::Quit]);
}

#[test]
fn a_terminal_too_small_acts_on_no_key_but_quit() {
    let mut s = populated();
    select(&mut s, part_id(2));
    update(&mut s, Event::Resize(40, 10), t0());
    // The list is not on screen: nothing opens, nothing is removed.
    for c in ['d', 'y', '/', 'j'] {
        let cmds = press_at(&mut s, ch(c), t0());
        assert!(removes(&cmds).is_empty());
    }
    assert_eq!(s.overlay, Overlay::None);
    assert!(!s.filter_editing);
    // A dialog opened before the terminal shrank cannot be confirmed behind the message,
    // and q still quits from it.
    update(&mut s, Event::Resize(120, 40), t0());
    press_at(&mut s, ch('d'), t0());
    assert!(matches!(s.overlay, Overlay::Confirm(_)));
    update(&mut s, Event::Resize(40, 10), t0());
    assert!(removes(&confirm_removal(&mut s)).is_empty());
    assert!(press_at(&mut s, ch('q'), t0()).contains(&Command::Quit));
}

#[test]
fn read_only_help_and_hints_hold_nothing_about_removal() {
    let s = app(Mode::Interactive { read_only: true });
    assert_eq!(s.keys.bindings(keys::Context::Dialog).count(), 0);
    assert!(
        s.keys
            .hints(keys::Context::List)
            .iter()
            .all(|(_, _, w)| *w != "remove")
    );
}

#[test]
fn the_help_scrolls_no_further_than_its_end() {
    let mut s = populated();
    update(&mut s, Event::Resize(80, 24), t0());
    press_at(&mut s, ch('?'), t0());
    for _ in 0..10 {
        press_at(&mut s, key(KeyCode::PageDown), t0());
    }
    // The last line at the bottom of a box of 24 - header 2 - footer 1 - borders 2 lines.
    let end = s.overlay_scroll;
    assert_eq!(end, s.help_lines() - 19);
    // The first key back moves it at once.
    press_at(&mut s, ch('k'), t0());
    assert_eq!(s.overlay_scroll, end - 1);
}
