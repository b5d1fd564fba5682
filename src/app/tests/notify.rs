//! Who is told: alerts for the alert command (start and end, each once, rate-limited) and
//! watches (a caller by number across a re-join, a conference), with a fake clock.

use super::*;
use crate::app::alerts::{Alert, AlertKind, AlertState, PER_MINUTE};
use crate::app::freshness::StaleRules;
use crate::app::view::Thresholds;
use crate::app::watch::{Watch, Watching};

fn alerting() -> AppState {
    let mut s = app(Mode::Kiosk);
    s.cfg.alerts = true;
    s.cfg.thresholds = Thresholds {
        warn: secs(10),
        crit: secs(30),
    };
    s.cfg.stale = StaleRules::new(
        std::time::Duration::from_secs(2),
        std::time::Duration::from_secs(60),
    );
    s
}

fn alerts(cmds: &[Command]) -> Vec<Alert> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Alert(a) => Some((**a).clone()),
            _ => None,
        })
        .collect()
}

fn kinds(cmds: &[Command]) -> Vec<(AlertKind, AlertState)> {
    alerts(cmds).iter().map(|a| (a.kind, a.state)).collect()
}

/// The server's picture at `t0 + at` s, then a tick; the commands of both.
fn picture(s: &mut AppState, at: i64, parts: Vec<crate::api::Conferencecall>) -> Vec<Command> {
    let rooms = vec![conf(1, "Sales bridge"), conf(2, "Support")];
    let mut cmds = update(s, Event::Sync(snapshot(parts, rooms)), t0() + secs(at));
    cmds.extend(update(s, Event::Tick, t0() + secs(at)));
    cmds
}

#[test]
fn a_participant_held_joining_alerts_once_when_past_critical_and_once_when_it_clears() {
    let mut s = alerting();
    update(
        &mut s,
        Event::Sync(SyncEvent::Calls(vec![call(
            1,
            "Fatima Okafor",
            "+442079460679",
        )])),
        t0(),
    );
    let held = || vec![cc(1, 1, "joining", 5), cc(2, 1, "joined", 50)];
    let mut sent = Vec::new();
    for at in (0..60).step_by(2) {
        sent.extend(picture(&mut s, at, held()));
    }
    let got = alerts(&sent);
    assert_eq!(got.len(), 1, "one start while held: {got:?}");
    let a = &got[0];
    assert_eq!((a.kind, a.state), (AlertKind::Stuck, AlertState::Start));
    assert_eq!(a.participant, Some(part_id(1)));
    assert_eq!(a.conference, Some(conference_id(1)));
    assert_eq!(a.conference_name, "Sales bridge");
    assert_eq!(a.caller_name, "Fatima Okafor");
    assert_eq!(a.caller_number, "+442079460679");
    assert!(a.detail.starts_with("joining for 3"), "{}", a.detail);
    let env = a.env();
    assert!(env.contains(&("CONFTOP_ALERT", "stuck".to_owned())));
    assert!(env.contains(&("CONFTOP_STATE", "start".to_owned())));
    // It joins: the trouble ends, once.
    let mut sent = picture(
        &mut s,
        62,
        vec![cc(1, 1, "joined", 5), cc(2, 1, "joined", 50)],
    );
    sent.extend(picture(
        &mut s,
        64,
        vec![cc(1, 1, "joined", 5), cc(2, 1, "joined", 50)],
    ));
    assert_eq!(kinds(&sent), vec![(AlertKind::Stuck, AlertState::End)]);
    assert_eq!(alerts(&sent)[0].detail, "now joined");
}

/// Ticks with no answer from `from` to `to` s (the data goes stale after 6 s).
fn silence(s: &mut AppState, from: i64, to: i64) -> Vec<Command> {
    (from..=to)
        .flat_map(|at| update(s, Event::Tick, t0() + secs(at)))
        .collect()
}

#[test]
fn a_flapping_trouble_runs_at_most_once_a_minute_and_a_held_start_runs_if_still_on() {
    let mut s = alerting();
    let parts = || vec![cc(1, 1, "joined", 50)];
    let mut log: Vec<(i64, AlertKind)> = Vec::new();
    let note = |cmds: Vec<Command>, log: &mut Vec<(i64, AlertKind)>| {
        for a in alerts(&cmds) {
            log.push(((a.at - t0()).as_secs(), a.kind));
        }
    };
    note(picture(&mut s, 0, parts()), &mut log);
    note(silence(&mut s, 1, 10), &mut log); // stale at 7: sent
    note(picture(&mut s, 12, parts()), &mut log); // live: its end, sent
    note(silence(&mut s, 13, 20), &mut log); // stale at 19: too soon, held
    note(picture(&mut s, 22, parts()), &mut log); // live before it ran: neither said
    let held = silence(&mut s, 23, 70);
    assert!(
        alerts(&held).is_empty(),
        "held until a minute after the last run (12 s)"
    );
    note(silence(&mut s, 71, 78), &mut log); // run at 72, as it began at 29
    note(picture(&mut s, 80, parts()), &mut log); // live: its end
    assert_eq!(
        log,
        vec![
            (7, AlertKind::Stale),
            (12, AlertKind::Live),
            (29, AlertKind::Stale),
            (80, AlertKind::Live)
        ]
    );
}

#[test]
fn a_storm_is_capped_a_minute_and_the_rest_run_as_the_limit_allows() {
    let mut s = alerting();
    let many: Vec<_> = (1..=30).map(|n| cc(n, 1, "joining", 0)).collect();
    let mut sent = picture(&mut s, 0, many.clone());
    // All thirty pass the critical threshold at once.
    sent.extend(picture(&mut s, 30, many.clone()));
    assert_eq!(alerts(&sent).len(), PER_MINUTE, "a minute's worth at most");
    let said = s.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default();
    assert!(said.contains("10 alerts wait"), "{said}");
    for at in (32..130).step_by(2) {
        sent.extend(picture(&mut s, at, many.clone()));
    }
    let mut who: Vec<Uuid> = alerts(&sent).iter().filter_map(|a| a.participant).collect();
    who.sort();
    who.dedup();
    assert_eq!(who.len(), 30, "each one's start, once, in time");
    assert_eq!(alerts(&sent).len(), 30);
}

#[test]
fn stale_data_alerts_and_live_again_ends_it() {
    let mut s = alerting();
    let parts = || vec![cc(1, 1, "joined", 50)];
    let mut sent = picture(&mut s, 0, parts());
    assert!(alerts(&sent).is_empty(), "live from the start: nothing");
    // No answer for ten seconds: stale (after three 2 s intervals).
    for at in 1..=10 {
        sent.extend(update(&mut s, Event::Tick, t0() + secs(at)));
    }
    assert_eq!(kinds(&sent), vec![(AlertKind::Stale, AlertState::Start)]);
    // Then NO DATA: said again, as a worse start.
    let mut worse = Vec::new();
    for at in 11..=70 {
        worse.extend(update(&mut s, Event::Tick, t0() + secs(at)));
    }
    let worse = alerts(&worse);
    assert_eq!(worse.len(), 1, "{worse:?}");
    assert!(
        worse[0].detail.starts_with("no data"),
        "{}",
        worse[0].detail
    );
    // Answers again: live.
    let back = picture(&mut s, 72, parts());
    assert_eq!(kinds(&back), vec![(AlertKind::Live, AlertState::Start)]);
    assert!(alerts(&picture(&mut s, 74, parts())).is_empty());
}

#[test]
fn a_conference_that_empties_alerts_and_ends_when_someone_joins() {
    let mut s = alerting();
    assert!(
        alerts(&picture(
            &mut s,
            0,
            vec![cc(1, 1, "joined", 50), cc(2, 2, "joined", 9)]
        ))
        .is_empty()
    );
    // Room 2's only participant leaves; the room stays listed.
    let mut sent = picture(&mut s, 2, vec![cc(1, 1, "joined", 50)]);
    sent.extend(update(&mut s, Event::Tick, t0() + secs(3)));
    let got = alerts(&sent);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0].kind, got[0].state),
        (AlertKind::Emptied, AlertState::Start)
    );
    assert_eq!(got[0].conference_name, "Support");
    let back = picture(
        &mut s,
        12,
        vec![cc(1, 1, "joined", 50), cc(3, 2, "joined", 0)],
    );
    assert_eq!(kinds(&back), vec![(AlertKind::Emptied, AlertState::End)]);
}

#[test]
fn without_an_alert_command_nothing_is_worked_out() {
    let mut s = alerting();
    s.cfg.alerts = false;
    let mut sent = Vec::new();
    for at in (0..60).step_by(2) {
        sent.extend(picture(&mut s, at, vec![cc(1, 1, "joining", 0)]));
    }
    assert!(alerts(&sent).is_empty());
}

/// `w` at `t0 + at` s, acted on a second later (a key acts once no other key follows it).
fn press_w(s: &mut AppState, at: i64) {
    press_at(s, ch('w'), t0() + secs(at));
    update(s, Event::Wake, t0() + secs(at + 1));
}

fn watching(s: &AppState) -> Vec<&Watch> {
    s.watches.iter().map(|w| &w.watch).collect()
}

fn notices(cmds: &[Command]) -> Vec<String> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Notify(n) => Some(n.body.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_watched_caller_is_told_across_a_rejoin_under_a_new_id() {
    let mut s = interactive();
    update(
        &mut s,
        Event::Sync(SyncEvent::Calls(vec![call(
            1,
            "Fatima Okafor",
            "+442079460679",
        )])),
        t0(),
    );
    picture(
        &mut s,
        0,
        vec![cc(1, 1, "joined", 50), cc(2, 1, "joined", 9)],
    );
    select(&mut s, part_id(1));
    press_w(&mut s, 1);
    assert_eq!(
        watching(&s),
        vec![&Watch::Caller("+442079460679".to_owned())]
    );
    assert!(s.watched(part_id(1)));
    assert!(!s.watched(part_id(2)));
    // Already there when the watch was set: not news.
    assert!(
        notices(&picture(
            &mut s,
            4,
            vec![cc(1, 1, "joined", 50), cc(2, 1, "joined", 9)]
        ))
        .is_empty()
    );
    // Hangs up: told once.
    let left = picture(&mut s, 6, vec![cc(2, 1, "joined", 9)]);
    assert_eq!(notices(&left).len(), 1, "{:?}", notices(&left));
    assert!(
        notices(&left)[0].contains("Fatima Okafor +442079460679 left"),
        "{:?}",
        notices(&left)
    );
    assert!(notices(&picture(&mut s, 8, vec![cc(2, 1, "joined", 9)])).is_empty());
    // Rings back in: a new participant and a new call, the same number.
    let mut rejoin = cc(7, 2, "joining", 0);
    rejoin.reference_id = Some(call_id(70));
    let mut sent = picture(&mut s, 10, vec![cc(2, 1, "joined", 9), rejoin.clone()]);
    let mut again = call(70, "Fatima Okafor", "+44 20 7946 0679");
    again.id = call_id(70);
    sent.extend(update(
        &mut s,
        Event::Sync(SyncEvent::Calls(vec![again])),
        t0() + secs(11),
    ));
    rejoin.status = crate::api::ConferencecallStatus::Joined;
    sent.extend(picture(&mut s, 12, vec![cc(2, 1, "joined", 9), rejoin]));
    let told = notices(&sent);
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].contains("joined · Support"), "{told:?}");
    assert!(s.toast.as_ref().unwrap().text.starts_with("Watch: "));
}

#[test]
fn a_watched_conference_tells_who_joins_and_who_is_stuck() {
    let mut s = interactive();
    s.cfg.thresholds = Thresholds {
        warn: secs(10),
        crit: secs(30),
    };
    s.watches.push(Watching {
        watch: Watch::Conference(conference_id(2)),
        since: t0(),
    });
    picture(&mut s, 0, vec![cc(1, 1, "joined", 50)]);
    let mut sent = Vec::new();
    for at in (2..50).step_by(2) {
        sent.extend(picture(
            &mut s,
            at,
            vec![cc(1, 1, "joined", 50), cc(3, 2, "joining", 0)],
        ));
    }
    let told = notices(&sent);
    assert_eq!(told.len(), 1, "only the stuck, once: {told:?}");
    assert!(told[0].contains("is stuck joining · Support"), "{told:?}");
    // Someone in another room is none of this watch's business.
    assert!(!s.watched(part_id(1)));
    // `w` on the room's title stops the watch.
    s.selection = Some(Selection::Group(conference_id(2)));
    press_w(&mut s, 60);
    assert!(s.watches.is_empty());
}

#[test]
fn a_sip_caller_is_watched_by_address_and_an_agent_cannot_be() {
    let mut s = interactive();
    update(
        &mut s,
        Event::Sync(SyncEvent::Calls(vec![
            call(1, "Bob Walker", "sip:Warehouse@voip.example.org"),
            call(2, "Agent Osei", "agent"),
        ])),
        t0(),
    );
    picture(
        &mut s,
        0,
        vec![cc(1, 1, "joined", 50), cc(2, 1, "joined", 9)],
    );
    select(&mut s, part_id(1));
    press_w(&mut s, 1);
    assert_eq!(
        watching(&s),
        vec![&Watch::Caller("warehouse@voip.example.org".to_owned())]
    );
    assert!(s.watched(part_id(1)));
    select(&mut s, part_id(2));
    press_w(&mut s, 3);
    assert_eq!(s.watches.len(), 1);
    let said = &s.toast.as_ref().unwrap().text;
    assert!(
        said.contains("has no number or address to watch by"),
        "{said}"
    );
    assert!(!said.contains("yet"), "{said}");
}

#[test]
fn a_watched_participant_on_the_first_screen_that_leaves_before_the_first_look_is_told() {
    let mut s = interactive();
    // As a watch from the config is: set at start, before anything is known.
    s.watches.push(Watching {
        watch: Watch::Conference(conference_id(2)),
        since: t0(),
    });
    let rooms = || vec![conf(1, "Sales bridge"), conf(2, "Support")];
    let at = |ms| t0() + SignedDuration::from_millis(ms);
    let first = vec![cc(1, 2, "joined", 50), cc(2, 2, "leaved", 40)];
    update(&mut s, Event::Sync(snapshot(first, rooms())), at(100));
    // Gone from the next picture, within the second: no look at the watch in between.
    update(&mut s, Event::Sync(snapshot(vec![], rooms())), at(400));
    let told = notices(&update(&mut s, Event::Tick, at(1000)));
    assert_eq!(told.len(), 1, "only who left while watched: {told:?}");
    assert!(told[0].contains(" left · Support"), "{told:?}");
    assert!(told[0].contains(&short_id(&part_id(1))), "{told:?}");
    assert!(notices(&update(&mut s, Event::Tick, at(2000))).is_empty());
}

#[test]
fn a_watch_notice_does_not_hide_why_the_removal_dialog_just_closed() {
    let mut s = interactive();
    s.watches.push(Watching {
        watch: Watch::Conference(conference_id(2)),
        since: t0(),
    });
    picture(
        &mut s,
        0,
        vec![cc(1, 2, "joined", 50), cc(2, 2, "joined", 9)],
    );
    select(&mut s, part_id(1));
    press_at(&mut s, ch('d'), t0() + secs(2));
    assert!(matches!(s.overlay, Overlay::Confirm(_)));
    let at = s.now.duration_since(t0()).as_secs() + 1;
    let told = notices(&picture(&mut s, at, vec![cc(2, 2, "joined", 9)]));
    assert_eq!(told.len(), 1, "the bell and notice still go out: {told:?}");
    assert_eq!(s.overlay, Overlay::None);
    let toast = &s.toast.as_ref().unwrap().text;
    assert!(toast.contains("the dialog closed"), "{toast}");
    // A few seconds on, the next notice shows again.
    let told = notices(&picture(
        &mut s,
        at + 4,
        vec![cc(2, 2, "joined", 9), cc(3, 2, "joined", 0)],
    ));
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(s.toast.as_ref().unwrap().text.starts_with("Watch: "));
}
