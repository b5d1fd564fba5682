//! The tracker's rules that need no server: how answers merge into the picture, what is
//! checked directly, when pages pay, the scan's pace, the departures noted.

use super::*;

fn t0() -> Timestamp {
    "2026-11-24T10:00:00Z".parse().unwrap()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn cc(n: u128, room: u128, status: &str, age_s: i64) -> Conferencecall {
    serde_json::from_value(serde_json::json!({
        "id": id(n),
        "conference_id": id(1000 + room),
        "reference_type": "call",
        "reference_id": id(2000 + n),
        "status": status,
        "tm_create": (t0() - SignedDuration::from_secs(age_s)).to_string(),
        "tm_update": (t0() - SignedDuration::from_secs(1)).to_string(),
    }))
    .unwrap()
}

fn room(n: u128, status: &str, inside: &[u128]) -> Conference {
    serde_json::from_value(serde_json::json!({
        "id": id(1000 + n),
        "type": "conference",
        "status": status,
        "conferencecall_ids": inside.iter().map(|i| id(*i)).collect::<Vec<_>>(),
        "tm_update": (t0() - SignedDuration::from_secs(30)).to_string(),
    }))
    .unwrap()
}

fn tracker_with(records: Vec<Conferencecall>) -> Tracker {
    let mut t = Tracker::new(TrackerConfig::default());
    for r in records {
        t.upsert(r);
    }
    t
}

fn status(t: &Tracker, n: u128) -> Option<ConferencecallStatus> {
    t.live.get(&id(n)).map(|p| p.status.clone())
}

#[test]
fn a_listed_rooms_ids_are_authoritative_for_who_is_in_it() {
    let mut t = tracker_with(vec![
        cc(1, 1, "joined", 300),
        cc(2, 1, "joined", 200),
        cc(3, 1, "joining", 5),
        cc(4, 2, "joined", 100),
    ]);
    // The room lists 1 and 3: 2 left, 3 joined; another room's participant is untouched.
    t.reconcile(&room(1, "progressing", &[1, 3]), t0());
    assert_eq!(status(&t, 1), Some(ConferencecallStatus::Joined));
    assert_eq!(status(&t, 2), None, "missing from its room's list: gone");
    assert_eq!(status(&t, 3), Some(ConferencecallStatus::Joined));
    assert_eq!(status(&t, 4), Some(ConferencecallStatus::Joined));
}

#[test]
fn a_terminating_room_has_everyone_still_in_it_leaving_since_its_update() {
    let mut t = tracker_with(vec![cc(1, 1, "joined", 300), cc(2, 1, "joining", 5)]);
    t.reconcile(&room(1, "terminating", &[1, 2]), t0());
    for n in [1, 2] {
        let p = &t.live[&id(n)];
        assert_eq!(p.status, ConferencecallStatus::Leaving);
        assert_eq!(p.tm_update, Some(t0() - SignedDuration::from_secs(30)));
    }
    // Terminated: whoever it no longer lists is gone.
    t.reconcile(&room(1, "terminated", &[]), t0());
    assert_eq!(t.live_count(), 0);
}

#[test]
fn statuses_only_move_forward_and_a_record_that_left_goes() {
    let mut t = tracker_with(vec![cc(1, 1, "leaving", 300)]);
    // An older answer (joined) never undoes a newer one.
    t.upsert(cc(1, 1, "joined", 300));
    assert_eq!(status(&t, 1), Some(ConferencecallStatus::Leaving));
    t.upsert(cc(1, 1, "leaved", 300));
    assert_eq!(status(&t, 1), None);
    // A record arriving for a listed participant ends its wait.
    t.awaiting.insert(id(5), id(1001));
    t.upsert(cc(5, 1, "joined", 10));
    assert!(t.awaiting.is_empty());
}

#[test]
fn a_rooms_listed_participants_without_a_record_wait_for_it() {
    let mut t = tracker_with(vec![cc(1, 1, "joined", 300)]);
    t.await_listed(&room(1, "progressing", &[1, 7, 8]));
    let mut waiting: Vec<Uuid> = t.awaiting.keys().copied().collect();
    waiting.sort();
    assert_eq!(waiting, vec![id(7), id(8)]);
    // No longer listed: no longer waited for.
    t.await_listed(&room(1, "progressing", &[1, 8]));
    assert_eq!(t.awaiting.keys().copied().collect::<Vec<_>>(), vec![id(8)]);
}

#[test]
fn callers_on_screen_wait_until_their_conference_is_read_whole() {
    // Conference 1 lists 1, 2 and 3, whose records are in but 3's; conference 2 lists 4.
    let mut t = tracker_with(vec![
        cc(1, 1, "joined", 300),
        cc(2, 1, "joined", 200),
        cc(4, 2, "joined", 100),
    ]);
    t.await_listed(&room(1, "progressing", &[1, 2, 3]));
    t.await_listed(&room(2, "progressing", &[4]));
    let call = |n: u128| id(2000 + n);
    let on_screen = [call(1), call(2), call(4), call(4)];
    let now = t0();
    // 3 may have joined before 1 or 2 and push one of them off the screen: they wait.
    assert_eq!(t.to_name_on_screen(&on_screen, now), vec![call(4)]);
    // Unless this walk reads no more records for the screen: then nothing would settle them.
    t.screen_served = screen::SCREENFUL;
    assert_eq!(
        t.to_name_on_screen(&on_screen, now),
        vec![call(1), call(2), call(4)]
    );
    t.screen_served = 0;
    t.upsert(cc(3, 1, "joined", 250));
    assert_eq!(
        t.to_name_on_screen(&on_screen, now),
        vec![call(1), call(2), call(4)]
    );
    // Sent once.
    t.calls_done.insert(call(2), now);
    assert_eq!(t.to_name_on_screen(&on_screen, now), vec![call(1), call(4)]);
}

#[test]
fn a_screenful_of_callers_is_read_at_once_then_a_few_between_pages() {
    let mut t = tracker_with(Vec::new());
    assert_eq!(t.callers_at_once(), screen::SCREENFUL);
    t.screen_named = screen::SCREENFUL - 10;
    assert_eq!(t.callers_at_once(), 10);
    // A kiosk's pages turn: past a screenful, the walks of the calls list name the rest.
    t.screen_named = screen::SCREENFUL + 40;
    assert_eq!(t.callers_at_once(), 2);
}

#[test]
fn a_call_the_app_still_lacks_on_screen_long_after_it_was_sent_is_asked_again() {
    let mut t = tracker_with(vec![cc(1, 1, "joined", 300), cc(2, 1, "joined", 200)]);
    let (c1, c2) = (id(2001), id(2002));
    t.calls_done.insert(c1, t0());
    t.calls_done.insert(c2, t0());
    let wanted = |visible: Vec<Uuid>| Wanted {
        visible,
        everyone: true,
        ..Wanted::default()
    };
    let missing = |t: &Tracker, w: &Wanted, at| -> Vec<Uuid> {
        let mut m: Vec<Uuid> = t.missing_calls(w, at).iter().map(|m| m.2).collect();
        m.sort();
        m
    };
    // Sent moments ago: on its way to the app.
    assert!(missing(&t, &wanted(vec![c1]), t0() + SignedDuration::from_secs(5)).is_empty());
    // Long after, the row on screen still has no name: the app lost it. Off screen, a call
    // sent is not asked for again, however long ago.
    let later = t0() + SignedDuration::from_secs(60);
    assert_eq!(missing(&t, &wanted(vec![c1]), later), vec![c1]);
    assert_eq!(t.to_name_on_screen(&[c1], later), vec![c1]);
    // One that does not resolve is never asked for again.
    t.calls_done.remove(&c1);
    t.calls_gone.insert(c1);
    assert!(missing(&t, &wanted(vec![c1]), later).is_empty());
    assert!(t.to_name_on_screen(&[c1], later).is_empty());
}

#[test]
fn pages_pay_while_they_find_a_listed_participant_each() {
    assert!(
        walk::pages_pay_off(&[0; 5], 40),
        "within the first pages always"
    );
    let mut found = vec![3; 40];
    assert!(walk::pages_pay_off(&found, 40));
    found.extend([0; 10]);
    assert!(!walk::pages_pay_off(&found, 40), "the last ten ran dry");
    let sparse = vec![0; 45];
    assert!(
        !walk::pages_pay_off(&sparse, 40),
        "under one a page on average"
    );
}

#[test]
fn a_full_refresh_checks_every_unlisted_room_and_stuck_participant() {
    let mut t = tracker_with(vec![
        cc(1, 1, "joined", 300),
        cc(2, 7, "joined", 300),
        cc(3, 8, "joining", 120),
        cc(4, 1, "joining", 10),
    ]);
    t.listed.insert(id(1001));
    let mut targets = t.verification_targets(true, &HashSet::new(), t0());
    targets.sort_by_key(|t| *checks::t_id(t));
    assert_eq!(
        targets,
        vec![
            Target::Participant(id(3)),
            Target::Conference(id(1007)),
            Target::Conference(id(1008)),
        ],
        "unlisted rooms 7 and 8, and 3 stuck joining for 2 minutes (4 joined 10 s ago)"
    );
}

#[test]
fn a_normal_refresh_checks_one_target_in_turn_and_every_fourth_the_oldest_joined() {
    let mut t = tracker_with(vec![cc(1, 1, "joined", 300), cc(2, 7, "joined", 300)]);
    t.listed.insert(id(1001));
    t.conferences
        .insert(id(1007), Arc::new(room(7, "progressing", &[2])));
    let mut picks = Vec::new();
    for turn in 1..=8 {
        t.turn = turn;
        let targets = t.verification_targets(false, &HashSet::new(), t0());
        assert_eq!(targets.len(), 1, "{targets:?}");
        t.checked.insert(targets[0], turn);
        picks.push(targets[0]);
    }
    let sweeps = picks
        .iter()
        .filter(|p| matches!(p, Target::Participant(_)))
        .count();
    assert_eq!(
        sweeps, 2,
        "the joined one confirmed longest ago, every fourth: {picks:?}"
    );
    assert!(picks.contains(&Target::Conference(id(1007))));
}

#[test]
fn the_history_scan_reads_a_page_every_scan_every_refreshes() {
    let mut t = Tracker::new(TrackerConfig::default());
    t.deep = Some("2026-11-24T09:00:00.000000Z".into());
    let due: Vec<u64> = (1..=60)
        .filter(|turn| {
            t.turn = *turn;
            t.scan_due()
        })
        .collect();
    assert_eq!(due, vec![20, 40, 60]);
    t.deep = None;
    t.turn = 20;
    assert!(!t.scan_due(), "nothing left to scan");
}

#[test]
fn departures_on_the_pages_read_are_noted_once_within_the_window() {
    let mut t = Tracker::new(TrackerConfig::default());
    let mut left = cc(1, 1, "leaved", 600);
    left.tm_update = Some(t0() - SignedDuration::from_mins(5));
    t.note_departure(&left, t0());
    t.note_departure(&left, t0());
    assert_eq!(t.unsent_departures.len(), 1, "once");
    let mut long_ago = cc(2, 1, "leaved", 7200);
    long_ago.tm_update = Some(t0() - SignedDuration::from_mins(20));
    t.note_departure(&long_ago, t0());
    let joined = cc(3, 1, "joined", 60);
    t.note_departure(&joined, t0());
    assert_eq!(
        t.unsent_departures.len(),
        1,
        "out of the window, or still in: not a departure"
    );
}

#[test]
fn calls_are_listed_in_bulk_only_when_the_pages_are_fewer_than_the_calls() {
    let mut t = Tracker::new(TrackerConfig::default());
    let missing = |n: usize, age_s: i64| -> Vec<calls::Missing> {
        (0..n)
            .map(|i| {
                let at = t0() - SignedDuration::from_secs(age_s);
                (true, Reverse(Some(at)), id(i as u128))
            })
            .collect()
    };
    assert!(!t.bulk_pays(&missing(1, 60)), "one: by id");
    assert!(
        t.bulk_pays(&missing(5, 60)),
        "several, density unknown: a page is tried"
    );
    // One call a second: 40 minutes back is 24 pages, worth it for 50 calls, not for 20; the
    // newest minute is one page, worth it for two.
    t.calls_density = Some(1.0);
    t.calls_reached = Some(t0());
    assert!(t.bulk_pays(&missing(50, 2400)));
    assert!(!t.bulk_pays(&missing(20, 2400)));
    t.calls_density = Some(0.2);
    assert!(
        t.bulk_pays(&missing(2, 60)),
        "new callers are on the newest page"
    );
}

#[test]
fn the_newest_callers_are_listed_even_when_an_old_one_is_wanted_too() {
    let mut t = Tracker::new(TrackerConfig::default());
    t.calls_density = Some(10.0);
    t.calls_reached = Some(t0());
    let at = |age_s: i64| Reverse(Some(t0() - SignedDuration::from_secs(age_s)));
    // Ten newcomers of the last few seconds (one page at ten calls a second) and one caller
    // of forty minutes ago (240 pages back).
    let mut missing: Vec<calls::Missing> =
        (0..10).map(|i| (true, at(2 + i), id(i as u128))).collect();
    missing.push((true, at(2400), id(99)));
    assert!(!t.bulk_pays(&missing), "not all of them");
    let share = t.bulk_share(&missing);
    assert_eq!(share.len(), 10, "the newcomers, on the newest page");
    assert!(!share.iter().any(|w| w.2 == id(99)), "the old one by id");
    assert!(t.bulk_share(&missing[10..]).is_empty(), "one alone: by id");
}

/// Two trackers on one cache file, as two conftops of one host.
fn peers_on(dir: &std::path::Path) -> (Tracker, Tracker) {
    let open = || {
        let mut t = Tracker::new(TrackerConfig::default());
        let (cache, _) = crate::cache::Cache::open(
            dir,
            "h",
            id(7),
            SignedDuration::from_hours(1),
            Timestamp::now(),
        )
        .unwrap();
        t.remembered.peers = Some(cache.peers());
        t.remembered.peers_since = Timestamp::now() - SignedDuration::from_secs(5);
        t.remembered.cache = Some(cache);
        t
    };
    (open(), open())
}

#[tokio::test]
async fn a_record_one_peer_reads_is_the_others_without_a_request() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b) = peers_on(dir.path());
    let listed = room(1, "progressing", &[1, 2]);
    b.await_listed(&listed);
    let mut expected: HashSet<Uuid> = [id(1), id(2)].into();
    assert_eq!(
        b.records_from_peers(&mut expected).await,
        0,
        "nothing read yet"
    );
    // The first reads one record and shares it; the other takes it from the cache.
    let record = cc(1, 1, "joined", 300);
    a.share_records(&[&record]).await;
    assert_eq!(b.records_from_peers(&mut expected).await, 1);
    assert_eq!(expected, [id(2)].into(), "no longer looked for on a page");
    assert!(!b.awaiting.contains_key(&id(1)), "no longer awaited");
    let placed = b.live.get(&id(1)).expect("in the picture");
    assert_eq!(placed.conference_id, id(1001));
    assert_eq!(placed.reference_id, Some(id(2001)));
    assert_eq!(placed.tm_create, record.tm_create);
    // With the status the peer just read, as good as read here.
    assert_eq!(placed.status, ConferencecallStatus::Joined);
    assert!(!b.remembered.unread.contains(&id(1)));
    // One this tracker read itself and found gone is not brought back by a peer's row.
    b.unresolved.insert(id(2), b.turn);
    a.share_records(&[&cc(2, 1, "joined", 200)]).await;
    assert_eq!(b.records_from_peers(&mut expected).await, 0);
    assert!(!b.live.contains_key(&id(2)));
    // One the room does not list, and nobody awaits, is not taken in.
    a.share_records(&[&cc(3, 1, "joined", 10)]).await;
    assert_eq!(b.records_from_peers(&mut expected).await, 0);
    assert!(!b.live.contains_key(&id(3)));
}

#[tokio::test]
async fn a_status_a_peer_read_is_taken_only_while_it_is_seconds_old() {
    let dir = tempfile::tempdir().unwrap();
    let (a, mut b) = peers_on(dir.path());
    b.await_listed(&room(1, "progressing", &[1, 2]));
    let peers = a.remembered.peers.clone().unwrap();
    let now = Timestamp::now();
    let known = |n: u128, status: &str, read_ago: i64| crate::cache::Known {
        id: id(n),
        conference: id(1001),
        call: Some(id(2000 + n)),
        joined: Some(t0()),
        seen: now,
        read: Some(crate::cache::Read {
            status: status.into(),
            updated: Some(now - SignedDuration::from_secs(read_ago + 40)),
            at: now - SignedDuration::from_secs(read_ago),
        }),
    };
    // Stuck leaving, read by the peer a moment ago; and one it read a minute ago.
    peers.share(&[known(1, "leaving", 1), known(2, "leaving", 60)], &[]);
    let mut expected = HashSet::new();
    assert_eq!(b.records_from_peers(&mut expected).await, 2);
    assert_eq!(status(&b, 1), Some(ConferencecallStatus::Leaving));
    assert!(!b.remembered.unread.contains(&id(1)));
    let since = b.live[&id(1)].tm_update;
    assert!(since.is_some(), "since when it has been leaving");
    // A minute-old word is no status: shown as its room lists it, read again here.
    assert_eq!(status(&b, 2), Some(ConferencecallStatus::Joined));
    assert!(b.remembered.unread.contains(&id(2)));
}

#[tokio::test]
async fn what_one_peer_is_reading_the_other_leaves_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = peers_on(dir.path());
    let ids = [id(1), id(2), id(3)];
    assert!(a.is_ours(Kind::Record, id(2)).await);
    let mut ours = Vec::new();
    for i in ids {
        if b.is_ours(Kind::Record, i).await {
            ours.push(i);
        }
    }
    assert_eq!(ours, vec![id(1), id(3)], "id(2) is the other's");
    // A read that failed is let go: the other reads it itself.
    a.let_go(Kind::Record, id(2)).await;
    assert!(b.is_ours(Kind::Record, id(2)).await);
    // Without a cache there are no peers: everything is its own.
    let alone = Tracker::new(TrackerConfig::default());
    for i in ids {
        assert!(alone.is_ours(Kind::Call, i).await);
    }
}
