//! Each state of the check, from figures made by the app itself.

use super::*;
use crate::api::ApiError;
use crate::app::fixtures::*;
use crate::app::view::Thresholds as Levels;
use crate::app::{AppState, Event, Mode, update};

fn headless() -> AppState {
    let mut s = app(Mode::Headless);
    s.cfg.thresholds = Levels {
        warn: secs(30),
        crit: secs(120),
    };
    s
}

/// The standard rooms, with participant 6 joining Alpha for `joining` seconds.
fn with_one_joining(joining: i64) -> Health {
    let mut s = headless();
    let mut parts = standard_snapshot_records();
    parts.push(cc(6, 1, "joining", joining));
    let snap = snapshot(parts, vec![conf(1, "Alpha | x=1"), conf(2, "Bravo")]);
    update(&mut s, Event::Sync(snap), t0());
    s.health()
}

#[test]
fn ok_warning_and_critical_follow_the_thresholds() {
    let r = judge(&with_one_joining(10), true);
    assert_eq!((r.state, r.exit_code), (State::Ok, 0));
    assert_eq!(
        r.line(),
        "CONFTOP OK - 2 conferences, 6 participants, none stuck | conferences=2;;;0 \
         participants=6;;;0 joining=2;;;0 leaving=1;;;0 stuck_warn=0;;;0 stuck_crit=0;;;0 \
         longest_stuck=0s;30;120;0"
    );
    let r = judge(&with_one_joining(45), true);
    assert_eq!((r.state, r.exit_code), (State::Warning, 1));
    assert!(
        r.line().starts_with(
            "CONFTOP WARNING - 1 stuck past 30s (longest joining 45s in Alpha / x=1), 2 \
             conferences, 6 participants | "
        ),
        "a | in a name never starts the perfdata: {}",
        r.line()
    );
    assert_eq!(r.line().matches('|').count(), 1);
    let r = judge(&with_one_joining(600), true);
    assert_eq!((r.state, r.exit_code), (State::Critical, 2));
    assert!(
        r.line()
            .starts_with("CONFTOP CRITICAL - 1 stuck past 2m (longest joining 10m00s in Alpha"),
        "{}",
        r.line()
    );
    assert!(
        r.line().ends_with("longest_stuck=600s;30;120;0"),
        "{}",
        r.line()
    );
    let s = &r.stuck[0];
    assert_eq!(
        (s.participant_id, s.seconds, s.level, s.status.as_str()),
        (part_id(6), 600, State::Critical, "joining")
    );
}

#[test]
fn nobody_stuck_in_an_incomplete_picture_is_unknown_but_someone_stuck_is_said() {
    let r = judge(&with_one_joining(10), false);
    assert_eq!(r.state, State::Unknown);
    assert!(r.summary.contains("not complete in time"), "{}", r.summary);
    let r = judge(&with_one_joining(600), false);
    assert_eq!(
        r.state,
        State::Critical,
        "what was read is enough to say so"
    );
    assert!(!r.complete);
}

#[test]
fn an_api_that_fails_is_critical_and_a_request_it_refuses_is_unknown() {
    let h = headless().health();
    let e = |status| ApiError::from_response("GET /customer", true, status, None, b"");
    let cases = [
        (
            ListError::Rejected { error: e(401) },
            State::Critical,
            "rejected",
        ),
        (
            ListError::Unreachable {
                tries: 3,
                error: e(503),
            },
            State::Critical,
            "unreachable",
        ),
        (
            ListError::Refused { error: e(404) },
            State::Unknown,
            "refused",
        ),
        (
            ListError::Incomplete {
                waited: "30s".into(),
                last: Some(e(500)),
            },
            State::Critical,
            "unreachable",
        ),
        (
            ListError::Incomplete {
                waited: "30s".into(),
                last: None,
            },
            State::Unknown,
            "timeout",
        ),
    ];
    for (error, state, kind) in cases {
        let r = failed(&h, &error);
        assert_eq!(
            (r.state, r.exit_code),
            (state, state.exit_code()),
            "{error}"
        );
        assert_eq!(r.error.as_ref().unwrap().kind, kind);
        assert!(
            r.line()
                .starts_with(&format!("CONFTOP {} - ", state.word()))
        );
        assert!(!r.line().contains(" | "), "no perfdata without figures");
    }
    let r = failed(&h, &ListError::Rejected { error: e(403) });
    assert_eq!(r.error.unwrap().http_status, Some(403));
    let r = unknown("no VoIPbin credentials.\nSet VN_ACCESS_KEY");
    assert_eq!(r.exit_code, 3);
    assert_eq!(r.line().lines().count(), 1, "{}", r.line());
}

#[test]
fn json_carries_the_same_facts() {
    let r = judge(&with_one_joining(45), true);
    let v: serde_json::Value = serde_json::from_str(&r.json()).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["state"], "warning");
    assert_eq!(v["exit_code"], 1);
    assert_eq!(v["totals"]["participants"], 6);
    assert_eq!(v["stuck"][0]["conference_name"], "Alpha | x=1");
    assert_eq!(v["stuck"][0]["level"], "warning");
    assert_eq!(v["stuck"][0]["seconds"], 45);
    assert_eq!(v["thresholds"]["crit_seconds"], 120.0);
    assert_eq!(v["api_host"], "api.example.com");
    assert_eq!(v["at"], "2026-11-24T10:00:00Z");
    assert!(v["error"].is_null());
}
