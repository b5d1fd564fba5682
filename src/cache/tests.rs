//! The cache's rules, on files in a temporary directory.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use super::file::LAYOUT;
use super::*;

fn t0() -> Timestamp {
    "2026-11-24T10:00:00Z".parse().unwrap()
}

fn mins(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

const HOUR: SignedDuration = SignedDuration::from_hours(1);

fn known(n: u128, seen: Timestamp) -> Known {
    Known {
        id: Uuid::from_u128(n),
        conference: Uuid::from_u128(1000),
        call: Some(Uuid::from_u128(2000 + n)),
        joined: Some(seen - mins(10)),
        seen,
        read: None,
    }
}

fn call(n: u128, created: Timestamp) -> Call {
    serde_json::from_value(serde_json::json!({
        "id": Uuid::from_u128(2000 + n),
        "direction": "incoming",
        "status": "progressing",
        "mute_direction": "both",
        "source": {"type": "tel", "target": "+15550100", "target_name": format!("Caller {n}")},
        "destination": {"type": "conference", "target": "room"},
        "tm_create": created.to_string(),
    }))
    .unwrap()
}

fn open(dir: &Path, host: &str, customer: u128, now: Timestamp) -> (Cache, Warm) {
    Cache::open(dir, host, Uuid::from_u128(customer), HOUR, now).expect("opens")
}

#[test]
fn what_is_written_is_there_at_the_next_start_without_any_state() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, warm) = open(dir.path(), "api.example.com", 7, t0());
    assert!(warm.participants.is_empty() && warm.calls.is_empty() && warm.walked.is_none());
    let walked = Walked {
        frontier: t0() - mins(1),
        deep: Some("2026-11-24T09:20:00.000000Z".into()),
        at: t0(),
    };
    cache.save(Batch {
        participants: vec![known(1, t0()), known(2, t0())],
        calls: vec![call(1, t0() - mins(11))],
        walked: Some(walked.clone()),
    });
    cache.close();
    let (_, warm) = open(dir.path(), "api.example.com", 7, t0() + mins(1));
    assert_eq!(warm.participants.len(), 2);
    assert!(warm.participants.contains(&known(1, t0())));
    assert_eq!(warm.walked, Some(walked));
    let c = &warm.calls[0];
    assert_eq!(c.source.target_name, "Caller 1");
    assert_eq!(c.tm_create, Some(t0() - mins(11)));
    // Who rang whom, never the call's state.
    assert_eq!(c.mute_direction, "");
    assert_ne!(c.status.as_str(), "progressing");
}

#[test]
fn a_participant_seen_again_keeps_the_latest_time() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, _) = open(dir.path(), "h", 1, t0());
    cache.save(Batch {
        participants: vec![known(1, t0())],
        ..Batch::default()
    });
    cache.save(Batch {
        participants: vec![known(1, t0() - mins(5))],
        ..Batch::default()
    });
    cache.close();
    let (_, warm) = open(dir.path(), "h", 1, t0());
    assert_eq!(warm.participants[0].seen, t0());
}

#[test]
fn what_is_past_the_horizon_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, _) = open(dir.path(), "h", 1, t0());
    cache.save(Batch {
        participants: vec![known(1, t0()), known(2, t0() - HOUR - mins(30))],
        calls: vec![call(1, t0() - mins(5)), call(2, t0() - HOUR * 2)],
        walked: None,
    });
    cache.close();
    let (_, warm) = open(dir.path(), "h", 1, t0());
    let ids: Vec<Uuid> = warm.participants.iter().map(|k| k.id).collect();
    assert_eq!(ids, vec![Uuid::from_u128(1)]);
    assert_eq!(warm.calls.len(), 1);
}

#[test]
fn another_host_or_customer_never_sees_it() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, _) = open(dir.path(), "api.example.com:443", 1, t0());
    cache.save(Batch {
        participants: vec![known(1, t0())],
        ..Batch::default()
    });
    cache.close();
    for (host, customer) in [("api.example.com:443", 2), ("other.example.com:443", 1)] {
        let (_, warm) = open(dir.path(), host, customer, t0());
        assert!(warm.participants.is_empty(), "{host} {customer}");
    }
    // Not even a host name that would climb out of the directory.
    let p = path_for(dir.path(), "../../etc", Uuid::nil());
    assert_eq!(p.parent(), Some(dir.path()));
}

#[test]
fn the_file_is_the_users_alone() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("conftop");
    let (cache, _) = open(&sub, "h", 1, t0());
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&sub), 0o700);
    assert_eq!(mode(cache.path()), 0o600);
    // Even a file someone made readable goes back to 0600.
    fs::set_permissions(cache.path(), fs::Permissions::from_mode(0o644)).unwrap();
    let path = cache.path().to_owned();
    cache.close();
    open(&sub, "h", 1, t0());
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn a_corrupt_cache_is_set_aside_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = path_for(dir.path(), "h", Uuid::from_u128(1));
    fs::write(&path, b"this is not a database, it never was; ".repeat(200)).unwrap();
    let (cache, warm) = open(dir.path(), "h", 1, t0());
    assert!(warm.participants.is_empty());
    cache.save(Batch {
        participants: vec![known(1, t0())],
        ..Batch::default()
    });
    cache.close();
    let (_, warm) = open(dir.path(), "h", 1, t0());
    assert_eq!(warm.participants.len(), 1, "rebuilt and in use");
}

#[test]
fn an_unreadable_cache_directory_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    fs::write(&file, b"x").unwrap();
    let e = Cache::open(&file.join("cache"), "h", Uuid::nil(), HOUR, t0()).unwrap_err();
    assert!(e.to_string().contains("cannot use the cache"), "{e}");
}

#[test]
fn two_writers_at_once_both_land() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = open(dir.path(), "h", 1, t0());
    let (b, _) = open(dir.path(), "h", 1, t0());
    for n in 0..50u128 {
        a.save(Batch {
            participants: vec![known(n, t0())],
            ..Batch::default()
        });
        b.save(Batch {
            participants: vec![known(100 + n, t0())],
            ..Batch::default()
        });
    }
    a.close();
    b.close();
    let (_, warm) = open(dir.path(), "h", 1, t0());
    assert_eq!(warm.participants.len(), 100);
}

#[test]
fn the_size_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, _) = open(dir.path(), "h", 1, t0());
    let many = (0..(MOST as u128 + 10))
        .map(|n| known(n, t0() - SignedDuration::from_millis(n as i64)))
        .collect();
    cache.save(Batch {
        participants: many,
        ..Batch::default()
    });
    cache.close();
    let (_, warm) = open(dir.path(), "h", 1, t0());
    assert_eq!(warm.participants.len() as i64, MOST);
    assert!(
        warm.participants.iter().any(|k| k.id == Uuid::from_u128(0)),
        "the newest kept"
    );
}

#[test]
fn a_claim_is_held_by_one_peer_until_it_lapses() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = open(dir.path(), "h", 1, t0());
    let (b, _) = open(dir.path(), "h", 1, t0());
    let (a, b) = (a.peers(), b.peers());
    let ids: Vec<Uuid> = (1..=3).map(Uuid::from_u128).collect();
    assert_eq!(a.claim(Kind::Record, &ids[..2], t0()), ids[..2]);
    // The other peer gets only what is free; the first keeps what it holds.
    assert_eq!(b.claim(Kind::Record, &ids, t0()), ids[2..]);
    assert_eq!(a.claim(Kind::Record, &ids[..1], t0()), ids[..1]);
    // A call is not a record: the same id is a claim of its own.
    assert_eq!(b.claim(Kind::Call, &ids[..1], t0()), ids[..1]);
    // Let go, or lapsed, it is the other's to take.
    a.release(Kind::Record, &ids[1..2]);
    assert_eq!(b.claim(Kind::Record, &ids[..2], t0()), ids[1..2]);
    let later = t0() + CLAIM_FOR + SignedDuration::from_secs(1);
    assert_eq!(b.claim(Kind::Record, &ids[..1], later), ids[..1]);
    assert!(a.claim(Kind::Record, &ids[..1], later).is_empty());
}

#[test]
fn what_a_peer_reads_the_others_find_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = open(dir.path(), "h", 1, t0());
    let (b, _) = open(dir.path(), "h", 1, t0());
    let (a, b) = (a.peers(), b.peers());
    assert!(b.participants_since(t0() - mins(1)).is_empty());
    a.share(
        &[known(1, t0()), known(2, t0() - mins(5))],
        &[call(1, t0())],
    );
    // Shared at once, without the writer thread: written since a minute ago, only the first.
    let since: Vec<Uuid> = b
        .participants_since(t0() - mins(1))
        .iter()
        .map(|k| k.id)
        .collect();
    assert_eq!(since, vec![Uuid::from_u128(1)]);
    let calls = b.calls(&[Uuid::from_u128(2001), Uuid::from_u128(2002)]);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].source.target_name, "Caller 1");
    // Who rang whom, never the call's state.
    assert_eq!(calls[0].mute_direction, "");
}

#[test]
fn a_broken_shared_cache_leaves_every_read_to_each_peer() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = open(dir.path(), "h", 1, t0());
    let peers = a.peers();
    peers.share(&[known(1, t0())], &[call(1, t0())]);
    // Its tables go from under it (an older conftop laying the file out again, say).
    Connection::open(a.path())
        .unwrap()
        .execute_batch("DROP TABLE claims; DROP TABLE participants; DROP TABLE calls;")
        .unwrap();
    let ids = [Uuid::from_u128(1)];
    assert_eq!(
        peers.claim(Kind::Record, &ids, t0()),
        ids,
        "everything is its own"
    );
    assert!(peers.participants_since(t0()).is_empty());
    assert!(peers.calls(&[Uuid::from_u128(2001)]).is_empty());
    peers.share(&[known(1, t0())], &[]);
    peers.release(Kind::Record, &ids);
}

#[test]
fn the_latest_status_read_is_kept_and_a_write_without_one_leaves_it() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = open(dir.path(), "h", 1, t0());
    let peers = a.peers();
    let read = |status: &str, at: Timestamp| Known {
        read: Some(Read {
            status: status.into(),
            updated: Some(at - mins(1)),
            at,
        }),
        ..known(1, at)
    };
    peers.share(&[read("leaving", t0())], &[]);
    // Read earlier (a slower peer's answer), and "still seen" without a status: neither
    // replaces it.
    peers.share(
        &[read("joined", t0() - mins(1)), known(1, t0() + mins(1))],
        &[],
    );
    let got = peers.participants_since(t0() - mins(5));
    let k = &got[0];
    assert_eq!(k.read.as_ref().map(|r| r.status.as_str()), Some("leaving"));
    assert_eq!(k.read.as_ref().map(|r| r.at), Some(t0()));
    assert_eq!(k.seen, t0() + mins(1));
    // A later read does.
    peers.share(&[read("joined", t0() + mins(2))], &[]);
    let got = peers.participants_since(t0() - mins(5));
    assert_eq!(
        got[0].read.as_ref().map(|r| r.status.as_str()),
        Some("joined")
    );
}

#[test]
fn a_busy_or_newer_cache_is_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, _) = open(dir.path(), "h", 1, t0());
    cache.save(Batch {
        participants: vec![known(1, t0())],
        ..Batch::default()
    });
    let path = cache.path().to_owned();
    cache.close();
    // A peer holds the write lock longer than a start waits: this start goes without the
    // cache, and the peer's file stays.
    let holder = Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let e = Cache::open(dir.path(), "h", Uuid::from_u128(1), HOUR, t0()).unwrap_err();
    assert!(e.to_string().contains("cannot use the cache"), "{e}");
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    let (_, warm) = open(dir.path(), "h", 1, t0());
    assert_eq!(warm.participants.len(), 1, "not set aside");
    // A later version's layout is its own: not laid out again.
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", LAYOUT + 1)
        .unwrap();
    let e = Cache::open(dir.path(), "h", Uuid::from_u128(1), HOUR, t0()).unwrap_err();
    assert!(e.to_string().contains("later version"), "{e}");
    let layout: i64 = Connection::open(&path)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(layout, LAYOUT + 1);
}
