//! Mute: one request per key press, never on a leaving or left row or without data, none while
//! one is unanswered, absent in read-only and kiosk modes; the answer names who.

use super::*;
use crate::api::MuteDirection;
use crate::verdict::Verdict;

fn mutes(cmds: &[Command]) -> Vec<(Uuid, bool)> {
    cmds.iter()
        .filter_map(|c| match c.action() {
            Some((ActionKind::Mute, p)) => Some((p, true)),
            Some((ActionKind::Unmute, p)) => Some((p, false)),
            _ => None,
        })
        .collect()
}

fn answer(participant: Uuid, call: Uuid, mute: bool, verdict: Verdict) -> Event {
    let action = if mute {
        ActionKind::Mute
    } else {
        ActionKind::Unmute
    };
    Event::Sync(SyncEvent::Acted(Box::new(Outcome {
        action,
        participant,
        conference: conference_id(1),
        call: Some(call),
        verdict,
        record: None,
        error: None,
    })))
}

#[test]
fn m_mutes_then_unmutes_one_request_per_press() {
    let mut s = populated();
    select(&mut s, part_id(2));
    let cmds = press_at(&mut s, ch('m'), t0());
    assert_eq!(mutes(&cmds), vec![(part_id(2), true)]);
    assert!(s.toast.as_ref().unwrap().text.contains("Muting Caller 2"));
    // Pressed again before the answer: nothing more is sent.
    assert!(mutes(&press_at(&mut s, ch('m'), t0())).is_empty());
    assert!(s.toast.as_ref().unwrap().text.contains("already under way"));
    update(
        &mut s,
        answer(part_id(2), call_id(2), true, Verdict::Muted),
        t0(),
    );
    assert_eq!(s.callers[&call_id(2)].mute, Some(MuteDirection::Both));
    assert!(s.toast.as_ref().unwrap().text.starts_with("Muted Caller 2"));
    // Muted now: the same key unmutes.
    let cmds = press_at(&mut s, ch('m'), t0());
    assert_eq!(mutes(&cmds), vec![(part_id(2), false)]);
    update(
        &mut s,
        answer(part_id(2), call_id(2), false, Verdict::Unmuted),
        t0(),
    );
    assert_eq!(s.callers[&call_id(2)].mute, None);
    assert!(
        s.toast
            .as_ref()
            .unwrap()
            .text
            .starts_with("Unmuted Caller 2")
    );
}

#[test]
fn a_refused_mute_names_who_and_changes_nothing() {
    let mut s = populated();
    select(&mut s, part_id(1));
    press_at(&mut s, ch('m'), t0());
    update(
        &mut s,
        answer(part_id(1), call_id(1), true, Verdict::Refused),
        t0(),
    );
    assert_eq!(s.callers[&call_id(1)].mute, None);
    let text = &s.toast.as_ref().unwrap().text;
    assert!(text.contains("refused to mute Caller 1"), "{text}");
    assert!(s.acting.is_empty(), "a new press may try again");
}

#[test]
fn never_on_a_leaving_row_nor_without_data() {
    let mut s = populated();
    select(&mut s, part_id(5));
    assert!(
        mutes(&press_at(&mut s, ch('m'), t0())).is_empty(),
        "leaving"
    );
    assert!(s.toast.as_ref().unwrap().text.contains("leaving or gone"));
    // Withdrawn data: nothing acts.
    let mut s = populated();
    select(&mut s, part_id(1));
    let late = t0() + secs(600);
    update(&mut s, Event::Tick, late);
    assert!(s.withdrawn());
    assert!(mutes(&press_at(&mut s, ch('m'), late)).is_empty());
}

#[test]
fn read_only_and_kiosk_have_no_mute() {
    for mode in [Mode::Interactive { read_only: true }, Mode::Kiosk] {
        let mut s = app(mode);
        update(&mut s, standard_snapshot_event(), t0());
        let mut sent = Vec::new();
        for ev in [
            ch('m'),
            key(KeyCode::Down),
            ch('m'),
            key(KeyCode::Enter),
            ch('m'),
        ] {
            sent.extend(mutes(&update(&mut s, ev, t0())));
        }
        assert!(sent.is_empty(), "{mode:?}");
        assert!(
            s.keys
                .bindings(crate::app::keys::Context::List)
                .all(|b| b.action != crate::app::keys::Action::Mute),
            "{mode:?}: no key, hint or help line for mute"
        );
    }
}

#[test]
fn a_pushed_call_update_shows_the_mute_and_an_older_page_never_undoes_it() {
    let mut s = populated();
    let mut muted = call(3, "Caller 3", "+15550103");
    muted.mute_direction = "in".into();
    muted.tm_update = Some(t0() + secs(5));
    update(
        &mut s,
        Event::Sync(SyncEvent::CallUpdated(Box::new(muted))),
        t0(),
    );
    assert_eq!(s.callers[&call_id(3)].mute, Some(MuteDirection::In));
    // A page of calls fetched earlier arrives late.
    let mut old = call(3, "Caller 3", "+15550103");
    old.tm_update = Some(t0());
    update(&mut s, Event::Sync(SyncEvent::Calls(vec![old])), t0());
    assert_eq!(s.callers[&call_id(3)].mute, Some(MuteDirection::In));
    // Calls of nobody on screen are not kept.
    let stranger = call(99, "Stranger", "+15559999");
    update(
        &mut s,
        Event::Sync(SyncEvent::CallUpdated(Box::new(stranger))),
        t0(),
    );
    assert!(!s.callers.contains_key(&call_id(99)));
}

fn standard_snapshot_event() -> Event {
    Event::Sync(standard_snapshot())
}
