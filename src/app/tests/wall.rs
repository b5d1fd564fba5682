//! The wall's rules: what the kiosk counts and shows beside the totals.

use super::*;

/// A caller of participant `n` whose call is muted in `direction` ("" for not muted).
fn muted_call(n: u128, direction: &str) -> crate::api::Call {
    serde_json::from_value(serde_json::json!({
        "id": call_id(n),
        "direction": "incoming",
        "source": {"type": "tel", "target": format!("+1555010{n}"), "target_name": format!("Caller {n}")},
        "mute_direction": direction,
    }))
    .unwrap()
}

#[test]
fn muted_counts_participants_in_their_room_whose_call_is_muted() {
    let mut s = app(Mode::Kiosk);
    update(&mut s, Event::Sync(standard_snapshot()), t0());
    assert_eq!(s.muted(), 0, "callers not known yet: nobody counted");
    let calls = vec![
        muted_call(1, "both"),
        muted_call(2, ""),
        muted_call(3, "in"),
        muted_call(4, "out"),
        muted_call(5, "nonsense"),
    ];
    update(&mut s, Event::Sync(SyncEvent::Calls(calls)), t0());
    assert_eq!(
        s.muted(),
        3,
        "any direction counts; none and unknown do not"
    );

    // Participant 4 leaves: a muted caller who is gone is no longer counted.
    let snap = snapshot(
        vec![
            cc(1, 1, "joined", 300),
            cc(2, 1, "joined", 200),
            cc(3, 1, "joining", 5),
            cc(5, 2, "leaving", 50),
        ],
        vec![conf(1, "Alpha"), conf(2, "Bravo")],
    );
    update(&mut s, Event::Sync(snap), t0() + secs(2));
    assert_eq!(s.muted(), 2);
}

#[test]
fn a_key_on_the_kiosk_only_shows_how_it_is_stopped_for_a_few_seconds() {
    let mut s = app(Mode::Kiosk);
    s.cfg.pid = Some(4242);
    update(&mut s, Event::Sync(standard_snapshot()), t0());
    let view = s.view.clone();
    assert_eq!(s.kiosk_hint(), None);
    let cmds = update(&mut s, Event::KeyIgnored, t0() + secs(1));
    assert!(cmds.is_empty(), "a key sends nothing: {cmds:?}");
    assert_eq!(s.view, view, "and changes nothing shown");
    let [long, short] = s.kiosk_hint().expect("the hint shows");
    for text in [&long, &short] {
        assert!(text.contains("kill -TERM 4242"), "{text}");
        assert!(text.contains("the terminal"), "{text}");
        // Information only: it names no key to press.
        assert!(!text.contains("press"), "{text}");
    }
    assert!(long.contains("Ctrl-C too"), "{long}");
    assert!(crate::text::width(&short) <= 76, "fits 80 columns: {short}");

    // Still there just before the end; another key starts the time again.
    update(&mut s, Event::Tick, t0() + secs(6));
    assert!(s.kiosk_hint().is_some());
    update(&mut s, Event::KeyIgnored, t0() + secs(6));
    update(&mut s, Event::Tick, t0() + secs(11));
    assert!(s.kiosk_hint().is_some());
    update(&mut s, Event::Tick, t0() + secs(12));
    assert_eq!(s.kiosk_hint(), None, "gone by itself");
}

#[test]
fn an_ignored_key_means_nothing_outside_the_kiosk() {
    let mut s = populated();
    let cmds = update(&mut s, Event::KeyIgnored, t0() + secs(1));
    assert!(cmds.is_empty());
    assert_eq!(s.kiosk_hint(), None);
}

#[test]
fn the_page_count_holds_still_until_a_page_turns() {
    let mut s = app(Mode::Kiosk);
    update(&mut s, Event::Resize(80, 24), t0());
    let rooms = |n: u128| -> (Vec<Conferencecall>, Vec<crate::api::Conference>) {
        let parts = (1..=n * 10)
            .map(|p| cc(p, (p - 1) / 10 + 1, "joined", 100))
            .collect();
        let confs = (1..=n).map(|c| conf(c, &format!("Room {c}"))).collect();
        (parts, confs)
    };
    let (parts, confs) = rooms(6);
    update(&mut s, Event::Sync(snapshot(parts, confs)), t0());
    let before = s.kiosk_count_shown();
    assert!(before > 1, "{before}");
    // Six more rooms join: more pages, but the count on screen waits for the turn.
    let (parts, confs) = rooms(12);
    update(&mut s, Event::Sync(snapshot(parts, confs)), t0() + secs(1));
    assert!(s.kiosk_pages() > before);
    assert_eq!(s.kiosk_count_shown(), before, "not while the page is read");
    update(&mut s, Event::Tick, t0() + secs(16));
    assert_eq!(s.kiosk.page, 1);
    assert_eq!(s.kiosk_count_shown(), s.kiosk_pages(), "at the turn");
}
