//! conftop following the simulator's websocket: joins and leaves arrive by push while polling
//! is slowed right down (so only push can explain the speed), and every way the socket can
//! fail falls back to polling and comes back.

use std::time::Duration;

use conftop::api::ConferencecallStatus;
use conftop::app::AppState;
use conftop::sim::{ConferenceKind, Scenario, ServerOptions, Sim, SimConfig, WsFaults, WsOptions};
use conftop::sync::{Channel, PushConfig, SyncConfig, Wanted};
use tokio::time::Instant;
use uuid::Uuid;

use crate::common::sim_with;
use crate::live::{Live, Options};

/// A still world without a rate limit, joins taking about half a second; the server pings
/// often enough that a socket is never silent for the clients' short `silent_after`.
fn config() -> SimConfig {
    SimConfig {
        scenario: Scenario {
            history: 200,
            join_delay: 400_000,
            ..Scenario::default()
        },
        server: ServerOptions {
            rate_limit: None,
            ..ServerOptions::default()
        },
        websocket: WsOptions {
            ping_interval: Duration::from_millis(500),
            ..WsOptions::default()
        },
        ..SimConfig::default()
    }
}

/// Polling slowed right down while push is healthy: a light poll a minute, a check every ten.
fn slow_polls() -> SyncConfig {
    SyncConfig {
        push_poll: Duration::from_secs(60),
        push_check: Duration::from_secs(600),
        push: PushConfig {
            silent_after: Duration::from_millis(1500),
            backoff_min: Duration::from_millis(200),
            backoff_max: Duration::from_secs(1),
            ..PushConfig::default()
        },
        ..SyncConfig::default()
    }
}

async fn pushing(sim: &Sim, sync: SyncConfig) -> Live {
    let mut live = Live::start(
        sim,
        Options {
            no_data_after: Duration::from_secs(600),
            sync,
            ..Options::default()
        },
    );
    live.until(Duration::from_secs(10), "push up", |a| a.pushing())
        .await;
    live
}

fn a_conference(sim: &Sim) -> Uuid {
    sim.with_world(|w| {
        w.open_conferences(0)
            .into_iter()
            .find(|r| r.kind == ConferenceKind::Conference)
            .expect("a conference room")
            .id
    })
}

fn joined(a: &AppState, id: Uuid) -> bool {
    a.participants
        .get(&id)
        .is_some_and(|p| p.gone_at.is_none() && p.status == ConferencecallStatus::Joined)
}

fn left(a: &AppState, id: Uuid) -> bool {
    a.participants.get(&id).is_none_or(|p| p.gone_at.is_some())
}

/// Waits in the simulator's own terms for the participant to be joined there.
async fn joined_in_sim(sim: &Sim, id: Uuid) -> Instant {
    let t0 = Instant::now();
    loop {
        let j = sim.with_world(|w| {
            w.live_participants(0)
                .iter()
                .any(|p| p.id == id && p.status == conftop::sim::ParticipantStatus::Joined)
        });
        if j {
            return Instant::now();
        }
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "never joined in the simulator"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joins_and_leaves_arrive_by_push() {
    let sim = sim_with(config()).await;
    let mut live = pushing(&sim, slow_polls()).await;
    // Let the first picture settle (the refresh push coming up asks for included), then count
    // only what push causes.
    live.settle().await;
    let refreshes = live.refreshes;
    let room = a_conference(&sim);
    for _ in 0..3 {
        let id = sim.with_world(|w| w.spawn_participant(room)).unwrap();
        let t0 = Instant::now();
        let (in_sim, took) = tokio::join!(
            joined_in_sim(&sim, id),
            live.until(Duration::from_secs(3), "a join by push", |a| joined(a, id))
        );
        let lag = (t0 + took).saturating_duration_since(in_sim);
        assert!(
            lag < Duration::from_secs(2),
            "on screen {lag:?} after the join"
        );
        sim.with_world(|w| w.hang_up(id));
        live.until(Duration::from_secs(3), "a leave by push", |a| left(a, id))
            .await;
    }
    assert_eq!(
        live.refreshes, refreshes,
        "no poll ran: push alone explains it"
    );
    assert!(matches!(live.app.sync.channel, Some(Channel::Push { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrapped_frames_are_followed_too() {
    let sim = sim_with(SimConfig {
        websocket: WsOptions {
            wrapped_events: true,
            ..WsOptions::default()
        },
        ..config()
    })
    .await;
    let mut live = pushing(&sim, slow_polls()).await;
    let room = a_conference(&sim);
    let id = sim.with_world(|w| w.spawn_participant(room)).unwrap();
    live.until(Duration::from_secs(4), "a join by wrapped push", |a| {
        joined(a, id)
    })
    .await;
    sim.with_world(|w| w.hang_up(id));
    live.until(Duration::from_secs(3), "a leave by wrapped push", |a| {
        left(a, id)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_upgrade_means_polling_as_before() {
    let sim = sim_with(SimConfig {
        ws_faults: WsFaults {
            refuse_upgrades: true,
            ..WsFaults::default()
        },
        ..config()
    })
    .await;
    let mut live = Live::start(
        &sim,
        Options {
            sync: slow_polls(),
            ..Options::default()
        },
    );
    live.until(
        Duration::from_secs(5),
        "push refused",
        |a| matches!(&a.sync.channel, Some(Channel::Polling { why }) if why.contains("refused")),
    )
    .await;
    let before = live.refreshes;
    live.pump(Duration::from_secs(3)).await;
    // Polling every interval (1 s here), exactly as without push.
    assert!(live.refreshes - before >= 2, "{}", live.refreshes - before);
    assert!(!live.app.pushing());
    let room = a_conference(&sim);
    let id = sim.with_world(|w| w.spawn_participant(room)).unwrap();
    live.until(Duration::from_secs(4), "a join by polling", |a| {
        joined(a, id)
    })
    .await;
    // Lifting the fault brings push back.
    sim.set_ws_faults(WsFaults::default());
    live.until(Duration::from_secs(5), "push back", |a| a.pushing())
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_and_silent_sockets_reconnect_and_resubscribe() {
    let sim = sim_with(config()).await;
    let mut live = pushing(&sim, slow_polls()).await;
    let room = a_conference(&sim);

    sim.drop_websockets();
    live.until(Duration::from_secs(3), "push down", |a| !a.pushing())
        .await;
    live.until(Duration::from_secs(5), "push back", |a| a.pushing())
        .await;
    let id = sim.with_world(|w| w.spawn_participant(room)).unwrap();
    live.until(Duration::from_secs(4), "a join after reconnecting", |a| {
        joined(a, id)
    })
    .await;

    // A server that stops pinging is given up after `silent_after`, and reconnected.
    let handshakes = sim.ws_stats().handshakes;
    sim.set_ws_faults(WsFaults {
        no_ping: true,
        ..WsFaults::default()
    });
    live.until(
        Duration::from_secs(5),
        "a silent socket given up",
        |a| matches!(&a.sync.channel, Some(Channel::Polling { why }) if why.contains("silent")),
    )
    .await;
    sim.set_ws_faults(WsFaults::default());
    live.until(Duration::from_secs(5), "push back", |a| a.pushing())
        .await;
    assert!(sim.ws_stats().handshakes > handshakes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_and_binary_frames_are_skipped() {
    let sim = sim_with(SimConfig {
        ws_faults: WsFaults {
            garbage_rate: 1.0,
            binary_rate: 1.0,
            ..WsFaults::default()
        },
        ..config()
    })
    .await;
    let mut live = pushing(&sim, slow_polls()).await;
    let room = a_conference(&sim);
    let id = sim.with_world(|w| w.spawn_participant(room)).unwrap();
    live.until(Duration::from_secs(4), "a join among junk", |a| {
        joined(a, id)
    })
    .await;
    assert!(live.app.pushing(), "junk frames do not bring push down");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_consistency_check_repairs_frames_lost_to_a_full_queue() {
    let sim = sim_with(SimConfig {
        websocket: WsOptions {
            queue: 1,
            ..WsOptions::default()
        },
        ws_faults: WsFaults {
            delay: Duration::from_millis(800),
            ..WsFaults::default()
        },
        ..config()
    })
    .await;
    let mut live = pushing(
        &sim,
        SyncConfig {
            push_check: Duration::from_secs(3),
            ..slow_polls()
        },
    )
    .await;
    let room = a_conference(&sim);
    let ids: Vec<Uuid> = (0..6)
        .map(|_| sim.with_world(|w| w.spawn_participant(room)).unwrap())
        .collect();
    live.until(
        Duration::from_secs(10),
        "every join, frames lost or not",
        |a| ids.iter().all(|id| joined(a, *id)),
    )
    .await;
    assert!(
        sim.ws_stats().frames_dropped > 0,
        "the queue overflowed: {:?}",
        sim.ws_stats()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_failure_of_the_socket_shows_the_key() {
    let sim = sim_with(config()).await;
    let key = sim.access_key();
    let mut live = pushing(&sim, slow_polls()).await;
    let mut reasons = Vec::new();
    for faults in [
        WsFaults {
            refuse_upgrades: true,
            ..WsFaults::default()
        },
        WsFaults {
            no_ping: true,
            ..WsFaults::default()
        },
    ] {
        sim.set_ws_faults(faults);
        sim.drop_websockets();
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(3) {
            live.pump(Duration::from_millis(100)).await;
            if let Some(Channel::Polling { why }) = &live.app.sync.channel {
                reasons.push(why.clone());
            }
        }
    }
    assert!(!reasons.is_empty());
    for why in &reasons {
        assert!(!why.contains(&key) && !why.contains("accesskey"), "{why}");
    }
    let help: String = conftop::app::help::lines(&live.app)
        .iter()
        .flat_map(|l| l.parts.iter().map(|(t, _)| t.clone()))
        .collect();
    assert!(!help.contains(&key));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pushed_record_applies_once_however_often_it_comes() {
    use conftop::sync::{Budget, BudgetConfig, Fetcher, SyncEvent, Tracker, TrackerConfig};
    let sim = sim_with(config()).await;
    let client = crate::common::client_for(&sim);
    let budget = Budget::new(BudgetConfig::fixed(1e6, 1e6));
    let mut tracker = Tracker::new(TrackerConfig::default());
    let (tx, mut rx) = tokio::sync::mpsc::channel::<SyncEvent>(1024);
    let mut f = Fetcher::new(&client, &budget);
    tracker
        .refresh(
            &mut f,
            jiff::Timestamp::now(),
            &Wanted::everyone(),
            &tx,
            false,
        )
        .await
        .unwrap();
    let room = a_conference(&sim);
    let id = sim.with_world(|w| w.spawn_participant(room)).unwrap();
    joined_in_sim(&sim, id).await;
    let record = client.get_conference(room).await.unwrap();
    assert!(record.conferencecall_ids.contains(&id));
    let before = tracker.live_count();
    let mut costs = Vec::new();
    for copies in [2, 1, 3] {
        let mut f = Fetcher::new(&client, &budget);
        let records = vec![record.clone(); copies];
        tracker
            .apply_pushed(
                &mut f,
                records,
                jiff::Timestamp::now(),
                &Wanted::everyone(),
                &tx,
            )
            .await
            .unwrap();
        costs.push(f.requests);
    }
    assert_eq!(tracker.live_count(), before + 1);
    // The new participant is fetched once (and its caller looked up); repeats cost nothing.
    assert!(costs[0] >= 1 && costs[1] == 0 && costs[2] == 0, "{costs:?}");
    let mut last = None;
    while let Ok(ev) = rx.try_recv() {
        if let SyncEvent::Snapshot(s) = ev {
            last = Some(s);
        }
    }
    let last = last.expect("a snapshot per application");
    assert_eq!(last.participants.iter().filter(|p| p.id == id).count(), 1);
}
