//! The world's own rules, checked without a server.

use super::*;

const NOW: Micros = 1_795_000_000 * SECOND;

fn world(seed: u64, history: usize) -> World {
    World::new(
        Scenario {
            seed,
            history,
            ..Scenario::default()
        },
        NOW,
    )
}

#[test]
fn history_rooms_end_the_way_real_ones_do() {
    check_history(&world(1, 3_000));
}

#[test]
fn recent_history_ends_the_same_way_and_before_now() {
    let w = World::new(
        Scenario {
            history: 6_000,
            conferences: 10,
            churn_per_min: 0.0,
            ..Scenario::busy()
        },
        NOW,
    );
    check_history(&w);
    let window = NOW - w.scenario.recent_window;
    let recent = w
        .participants
        .iter()
        .filter(|p| p.customer == 0 && p.tm_create >= window)
        .inspect(|p| assert!(p.tm_update.unwrap_or(p.tm_create) < NOW))
        .filter(|p| p.status == ParticipantStatus::Leaved)
        .count();
    assert!((1_790..=1_810).contains(&recent), "{recent}");
    for c in &w.calls {
        assert!(c.tm_hangup.is_none_or(|t| t < NOW));
    }
    for r in &w.conferences {
        assert!(r.tm_end.is_none_or(|t| t < NOW) && r.tm_delete.is_none_or(|t| t < NOW));
    }
}

/// Every finished conference ended as real ones do, and its participants with it.
fn check_history(w: &World) {
    let mut kinds = HashMap::new();
    for r in w
        .conferences
        .iter()
        .filter(|r| r.status != ConferenceStatus::Progressing)
    {
        *kinds.entry(r.kind).or_insert(0) += 1;
        let members: Vec<&Participant> = w
            .participants
            .iter()
            .filter(|p| p.conference == r.id)
            .collect();
        assert!(!members.is_empty());
        let last_out = members.iter().filter_map(|p| p.tm_update).max();
        for p in &members {
            let left = p.tm_update.unwrap();
            assert!(left > p.tm_create);
            assert!(p.tm_create > r.tm_create);
            let call = w.call(p.call).unwrap();
            assert_eq!(call.status, "hangup");
            // A hang-up ends the participant; a kick leaves the call to finish later.
            assert!(call.tm_hangup.unwrap() >= left);
        }
        match r.kind {
            ConferenceKind::Connect => {
                assert!(members.len() <= 2, "a connect conference holds two parties");
                assert_eq!(r.status, ConferenceStatus::Terminated);
                assert_eq!(r.tm_end, last_out);
            }
            _ => {
                let deleted = r.tm_delete.expect("deleted or timed out");
                if r.timeout > 0 {
                    assert!(deleted <= r.tm_create + r.timeout * SECOND);
                }
                assert!(members.iter().all(|p| p.tm_create < deleted));
                match r.status {
                    // The last participant leaving destroyed it, after the deletion.
                    ConferenceStatus::Terminated => {
                        assert_eq!(r.tm_end, last_out);
                        assert!(r.tm_end.unwrap() > deleted);
                    }
                    // Empty when deleted: stays terminating, no end time (API.md §4).
                    ConferenceStatus::Terminating => {
                        assert_eq!(r.tm_end, None);
                        assert!(last_out.unwrap() < deleted);
                    }
                    ConferenceStatus::Progressing => unreachable!(),
                }
            }
        }
    }
    for kind in [
        ConferenceKind::Conference,
        ConferenceKind::Connect,
        ConferenceKind::Queue,
    ] {
        assert!(
            kinds.get(&kind).is_some_and(|&n| n > 3),
            "{kind:?}: {kinds:?}"
        );
    }
}

#[test]
fn a_room_is_deleted_when_its_timeout_expires() {
    let (mut w, id, expires) = (1..20)
        .find_map(|seed| {
            let w = world(seed, 0);
            let timed = w
                .conferences
                .iter()
                .filter(|r| r.timeout > 0 && r.tm_delete.is_none())
                .map(|r| (r.id, r.tm_create + r.timeout * SECOND))
                .min_by_key(|t| t.1)?;
            Some((w, timed.0, timed.1))
        })
        .expect("some seed has a conference with a timeout");
    // Live rooms never expire within half an hour of the start.
    assert!(expires >= NOW + 30 * MINUTE);
    w.advance(expires - 1);
    assert!(w.conference(id).unwrap().tm_delete.is_none());
    let inside = w.conference(id).unwrap().members.clone();
    w.advance(expires);
    let r = w.conference(id).unwrap();
    assert_eq!(r.tm_delete, Some(expires));
    assert_eq!(r.status, ConferenceStatus::Terminating);
    for p in inside {
        assert_eq!(w.participant(p).unwrap().status, ParticipantStatus::Leaving);
    }
}

#[test]
fn calls_end_at_the_hour_as_the_real_servers_do_unless_uncapped() {
    for limit in [Some(HOUR), None] {
        let mut w = World::new(
            Scenario {
                history: 3_000,
                conferences: 10,
                churn_per_min: 0.0,
                call_limit: limit,
                ..Scenario::busy()
            },
            NOW,
        );
        let live: Vec<Uuid> = w.live_participants(0).iter().map(|p| p.id).collect();
        let oldest = w
            .live_participants(0)
            .iter()
            .map(|p| NOW - p.tm_create)
            .max()
            .unwrap();
        match limit {
            Some(l) => assert!(oldest < l, "nobody live is older than the limit"),
            None => assert!(oldest > HOUR, "uncapped: the busy window's three hours"),
        }
        // An hour on, under the limit, everyone who was live has left, ended by the server.
        w.advance(NOW + HOUR);
        let still = live
            .iter()
            .filter(|id| w.participant(**id).is_some_and(|p| p.status.is_live()))
            .count();
        if limit.is_some() {
            assert_eq!(still, 0);
            let p = w.participant(live[0]).unwrap();
            let call = w.call(p.call).unwrap();
            assert_eq!(call.hangup_reason, "timeout");
        } else {
            // Rooms still time out and kick their people; no call is ended by a limit.
            assert!(still > 0);
            assert!(w.calls.iter().all(|c| c.hangup_reason != "timeout"));
        }
    }
}
