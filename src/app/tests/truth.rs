//! What the screen says of its data is true: "updated" means the server confirmed the
//! picture, a failure shows at once, and the last update never moves backwards.

use std::sync::Arc;

use super::*;
use crate::app::freshness::Freshness;
use crate::sync::Snapshot;

/// A picture as the sync task sends it, confirmed by the server at `confirmed` (or not).
fn picture(confirmed: Option<Timestamp>, interim: bool) -> Event {
    let SyncEvent::Snapshot(s) = standard_snapshot() else {
        unreachable!()
    };
    Event::Sync(SyncEvent::Snapshot(Arc::new(Snapshot {
        confirmed,
        interim,
        ..(*s).clone()
    })))
}

fn failed(at: Timestamp, status: u16) -> Event {
    let error = ApiError::from_response("GET /conferencecalls", true, status, None, b"");
    Event::Sync(SyncEvent::Failed { at, error })
}

#[test]
fn pushed_pictures_without_the_servers_word_do_not_keep_the_data_live() {
    let mut s = interactive();
    update(&mut s, picture(Some(t0()), false), t0());
    assert_eq!(s.freshness(), Freshness::Live { last_ok: t0() });
    // The REST API fails from now on; push frames keep the rows changing every second.
    for k in 1..=20 {
        update(&mut s, picture(None, false), t0() + secs(k));
        if k % 2 == 0 {
            update(&mut s, failed(t0() + secs(k), 503), t0() + secs(k));
        }
    }
    // Three 2 s intervals after the last confirmation it is STALE, whatever pushes arrived,
    // and it says when the server last answered.
    update(&mut s, Event::Tick, t0() + secs(7));
    assert_eq!(s.freshness(), Freshness::Stale { last_ok: t0() });
}

#[test]
fn the_last_update_never_moves_backwards() {
    let mut s = interactive();
    update(
        &mut s,
        picture(Some(t0() + secs(10)), false),
        t0() + secs(10),
    );
    // A job that began earlier ends later, with an older confirmation.
    update(
        &mut s,
        picture(Some(t0() + secs(4)), false),
        t0() + secs(11),
    );
    assert_eq!(s.sync.conn.last_ok, Some(t0() + secs(10)));
    // A confirmation is never later than the moment it arrives.
    update(
        &mut s,
        picture(Some(t0() + secs(60)), false),
        t0() + secs(12),
    );
    assert_eq!(s.sync.conn.last_ok, Some(t0() + secs(12)));
}

#[test]
fn while_loading_the_picture_is_as_fresh_as_the_servers_last_answer() {
    let mut s = app(Mode::Kiosk);
    update(&mut s, picture(Some(t0()), true), t0());
    // The walk goes on, every request failing and retried: interim pictures come, but the
    // server answered nothing since t0.
    for k in 1..=10 {
        update(&mut s, picture(Some(t0()), true), t0() + secs(k));
    }
    assert_eq!(s.freshness(), Freshness::Stale { last_ok: t0() });
}

#[test]
fn the_first_failure_shows_at_once_and_the_note_does_not_flicker() {
    let mut s = interactive();
    update(&mut s, picture(Some(t0()), false), t0());
    assert_eq!(s.retrying(), None);
    update(&mut s, failed(t0() + secs(1), 503), t0() + secs(1));
    assert_eq!(s.retrying(), Some("503"), "at once, while still live");
    assert!(matches!(s.freshness(), Freshness::Live { .. }));
    // An API failing every other refresh: the note stays on through the successes.
    for k in 2..=12 {
        let at = t0() + secs(k);
        if k % 2 == 0 {
            update(&mut s, picture(Some(at), false), at);
        } else {
            update(&mut s, failed(at, 503), at);
        }
        assert_eq!(s.retrying(), Some("503"), "at {k}s");
    }
    // Quiet for longer than the data takes to turn stale: it goes.
    for k in 13..=20 {
        let at = t0() + secs(k);
        update(&mut s, picture(Some(at), false), at);
    }
    assert_eq!(s.retrying(), None);
}

#[test]
fn opening_a_row_whose_record_is_not_read_asks_for_it_first_and_says_what_is_not_known() {
    let mut s = interactive();
    // Listed by its room only: no record yet, so no times and no call.
    let mut listed = cc(1, 1, "joined", 0);
    listed.tm_create = None;
    listed.tm_update = None;
    listed.reference_id = None;
    update(
        &mut s,
        Event::Sync(snapshot(vec![listed], vec![conf(1, "Alpha")])),
        t0(),
    );
    select(&mut s, part_id(1));
    let cmds = press(&mut s, key(KeyCode::Enter));
    assert!(
        cmds.contains(&Command::Sync(SyncCommand::Inspect(Some(part_id(1))))),
        "{cmds:?}"
    );
    let p = &s.participants[&part_id(1)];
    assert!(!p.record_read());
    assert_eq!(
        s.in_conference(p),
        None,
        "how long it has been there is not known"
    );
    // Closed: no longer first.
    let cmds = press(&mut s, key(KeyCode::Esc));
    assert!(cmds.contains(&Command::Sync(SyncCommand::Inspect(None))));
}
