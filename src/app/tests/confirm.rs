//! The removal dialog: asked first, exactly once, pinned to its participant, outcomes.

use super::*;

#[test]
fn removal_asks_first_and_cancel_is_the_default() {
    let mut s = populated();
    select(&mut s, part_id(2));
    let cmds = press_at(&mut s, ch('d'), t0());
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
    let cmds = press_at(&mut s, key(KeyCode::Enter), t0());
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
        key(KeyCode::Right),
        key(KeyCode::Enter),
        key(KeyCode::Enter),
        ch('d'),
        key(KeyCode::Right),
        key(KeyCode::Enter),
        key(KeyCode::Delete),
        key(KeyCode::Right),
        key(KeyCode::Enter),
    ] {
        sent.extend(removes(&press(&mut s, ev)));
    }
    assert_eq!(sent, vec![part_id(2)]);
    assert!(s.acting_on(ActionKind::Remove, part_id(2)));
    // Switch to Remove and press Enter on another participant: one more, for that one.
    select(&mut s, part_id(1));
    press_at(&mut s, ch('d'), t0());
    press_at(&mut s, key(KeyCode::Right), t0());
    let cmds = press_at(&mut s, key(KeyCode::Enter), t0());
    assert_eq!(removes(&cmds), vec![part_id(1)]);
}

#[test]
fn held_keys_never_confirm() {
    let mut s = populated();
    select(&mut s, part_id(2));
    press_at(&mut s, ch('d'), t0());
    press(&mut s, key(KeyCode::Right));
    // Enter held down from the key before (the list's details) repeats: it presses nothing.
    let mut k = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    k.kind = KeyEventKind::Repeat;
    let at = s.now + secs(1);
    let cmds = update(&mut s, Event::Key(k), at);
    assert!(removes(&cmds).is_empty());
    assert!(matches!(s.overlay, Overlay::Confirm(_)));
    let mut d = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE);
    d.kind = KeyEventKind::Repeat;
    update(&mut s, Event::Key(d), t0());
}

#[test]
fn the_dialog_keeps_its_target_while_the_list_changes() {
    let mut s = populated();
    select(&mut s, part_id(2));
    press_at(&mut s, ch('d'), t0());
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
    press_at(&mut s, key(KeyCode::Down), t0() + secs(1));
    let cmds = confirm_removal(&mut s);
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
    press_at(&mut s, ch('d'), t0());
    assert_eq!(s.overlay, Overlay::None);
    assert!(s.toast.as_ref().unwrap().text.contains("already leaving"));
    select(&mut s, part_id(1));
    press_at(&mut s, ch('d'), t0());
    confirm_removal(&mut s);
    press_at(&mut s, ch('d'), t0());
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
    press_at(&mut s, ch('d'), t0());
    confirm_removal(&mut s);
    let leaving = cc(1, 1, "leaving", 300);
    // The sync task sends its picture with the answer in it, then the answer's verdict (its
    // relay keeps an older picture from undoing it: sync::relay's tests).
    let mut others = standard_snapshot_records();
    others.retain(|p| p.id != part_id(1));
    others.push(leaving.clone());
    let ev = snapshot(others, vec![conf(1, "Alpha"), conf(2, "Bravo")]);
    update(&mut s, Event::Sync(ev), t0() + secs(1));
    let ev = removal_answer(part_id(1), conference_id(1), Ok(leaving));
    update(&mut s, ev, t0() + secs(1));
    assert_eq!(
        s.participants[&part_id(1)].status,
        ConferencecallStatus::Leaving
    );
    assert!(!s.acting_on(ActionKind::Remove, part_id(1)));
    assert!(
        s.toast
            .as_ref()
            .unwrap()
            .text
            .starts_with("Removed Caller 1")
    );

    for (status, words) in [
        (403u16, "Not permitted"),
        (400, "refused to remove"),
        (429, "Rate limited"),
        (404, "already gone"),
    ] {
        let mut s = populated();
        let err = ApiError::from_response("DELETE /conferencecalls/{id}", true, status, None, b"");
        let ev = removal_answer(part_id(2), conference_id(1), Err(err));
        update(&mut s, ev, t0() + secs(3));
        let text = &s.toast.as_ref().unwrap().text;
        assert!(text.contains(words), "{status}: {text}");
        // The row is the sync task's to change, in its next picture.
        assert!(s.participants[&part_id(2)].gone_at.is_none(), "{status}");
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
        key(KeyCode::Right),
        key(KeyCode::Enter),
        ch('Y'),
    ] {
        all.extend(update(&mut s, ev, t0()));
    }
    assert!(removes(&all).is_empty());
    assert!(!matches!(s.overlay, Overlay::Confirm(_)));
}

#[test]
fn nothing_is_opened_or_removed_while_the_data_is_withdrawn() {
    let mut s = populated();
    select(&mut s, part_id(2));
    press_at(&mut s, ch('d'), t0());
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
    press_at(&mut s, ch('d'), t0() + secs(62));
    assert_eq!(s.overlay, Overlay::None);
    press_at(&mut s, key(KeyCode::Enter), t0() + secs(62));
    assert_eq!(s.overlay, Overlay::None, "no details of rows not on screen");
}

#[test]
fn a_dialog_closes_when_its_participant_is_removed_by_someone_else() {
    let mut s = populated();
    select(&mut s, part_id(2));
    press_at(&mut s, ch('d'), t0());
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
    assert!(removes(&confirm_removal(&mut s)).is_empty());
}
