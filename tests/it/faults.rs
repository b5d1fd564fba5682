//! Faults, each injected into the simulator while conftop runs. In every case: no panic, the
//! last good data stays on screen marked stale (then withdrawn, with the reason in words),
//! everything is back within one refresh after the API recovers, and the request rate stays
//! within the budget.

use std::collections::HashSet;
use std::time::Duration;

use conftop::app::freshness::Freshness;
use conftop::sim::{Faults, Scenario, ServerOptions, Sim, SimConfig};
use conftop::sync::{BudgetConfig, SyncConfig};
use tokio::time::Instant;
use uuid::Uuid;

use crate::common::sim_with;
use crate::live::{Live, Options};

fn scenario(history: usize) -> SimConfig {
    SimConfig {
        scenario: Scenario {
            history,
            conferences: 4,
            participants: 3,
            connect_conferences: 1,
            ..Scenario::default()
        },
        server: ServerOptions {
            rate_limit: None,
            ..ServerOptions::default()
        },
        ..SimConfig::default()
    }
}

const BUDGET: BudgetConfig = BudgetConfig::fixed(6.0, 6.0);

fn options() -> Options {
    Options {
        sync: SyncConfig {
            budget: BUDGET,
            ..SyncConfig::polling_only()
        },
        ..Options::default()
    }
}

/// The participants on screen (rows that left excluded).
fn shown(a: &conftop::app::AppState) -> HashSet<Uuid> {
    a.participants
        .values()
        .filter(|p| p.gone_at.is_none())
        .map(|p| p.id)
        .collect()
}

fn sim_live(sim: &Sim) -> HashSet<Uuid> {
    sim.with_world(|w| w.live_participants(0).iter().map(|p| p.id).collect())
}

/// Requests in a window must fit the budget: the burst plus the rate times the window.
fn assert_within_budget(sim: &Sim, since: Instant, what: &str) {
    let secs = since.elapsed().as_secs_f64();
    let total = sim.counter().total() as f64;
    let allowed = BUDGET.burst + BUDGET.per_second * secs + 1.0;
    assert!(
        total <= allowed,
        "{what}: {total} requests in {secs:.1}s (budget {allowed:.0})"
    );
}

/// After recovery: live again within one refresh attempt, showing what the server holds.
async fn assert_recovers(live: &mut Live, sim: &Sim, what: &str) {
    let started = live.refreshes;
    // Any refresh already in flight when the fault cleared may still fail; the first one that
    // starts after recovery must succeed. (A full refresh shows the room lists' picture first,
    // already live; rooms no list shows come with its walk a moment later.)
    let server = sim_live(sim);
    live.until(Duration::from_secs(15), what, |a| {
        matches!(a.freshness(), Freshness::Live { .. }) && shown(a) == server
    })
    .await;
    let attempts = live.refreshes - started;
    assert!(
        attempts <= 2,
        "{what}: took {attempts} refreshes to recover"
    );
    assert_eq!(
        live.shown(),
        sim_live(sim),
        "{what}: the picture matches the server's"
    );
}

/// Runs a fault for `for_`, checks the data turns stale (and, if long enough, withdrawn with
/// `reason`), then clears it and checks recovery.
async fn fault_case(faults: Faults, for_: Duration, reason: &str, what: &str) {
    let sim = sim_with(scenario(300)).await;
    let mut live = Live::start(&sim, options());
    // The whole first picture (rooms no list shows come with the walk, after the rooms'),
    // so that what stays on screen while the fault lasts is known.
    let server = sim_live(&sim);
    live.until(Duration::from_secs(20), "first picture", |a| {
        a.sync.loading.is_none() && a.sync.history_complete && shown(a) == server
    })
    .await;
    let before = live.shown();
    sim.reset_counter();
    let t0 = Instant::now();
    sim.set_faults(faults);
    live.until(Duration::from_secs(10), what, |a| {
        matches!(a.freshness(), Freshness::Stale { .. })
    })
    .await;
    assert_eq!(
        live.shown(),
        before,
        "{what}: the last good data stays on screen while stale"
    );
    let rest = for_.saturating_sub(t0.elapsed());
    live.pump(rest).await;
    match live.app.freshness() {
        Freshness::NoData { reason: r, .. } => assert!(r.contains(reason), "{what}: reason {r:?}"),
        other => panic!("{what}: expected NO DATA after {for_:?}, got {other:?}"),
    }
    assert_within_budget(&sim, t0, what);
    sim.set_faults(Faults::default());
    assert_recovers(&mut live, &sim, what).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_slower_than_the_timeout() {
    fault_case(
        Faults {
            latency: Duration::from_secs(3),
            ..Faults::default()
        },
        Duration::from_secs(7),
        "timed out",
        "latency",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_5xx() {
    fault_case(
        Faults {
            error_rate: 1.0,
            ..Faults::default()
        },
        Duration::from_secs(6),
        "server error",
        "5xx",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_with_retry_after() {
    fault_case(
        Faults {
            storm_retry_after: Some(2),
            ..Faults::default()
        },
        Duration::from_secs(7),
        "rate limited",
        "429 storm",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json() {
    fault_case(
        Faults {
            malformed_rate: 1.0,
            ..Faults::default()
        },
        Duration::from_secs(6),
        "unreadable response",
        "malformed",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_json() {
    fault_case(
        Faults {
            truncate_rate: 1.0,
            ..Faults::default()
        },
        Duration::from_secs(6),
        "unreadable response",
        "truncated",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections() {
    fault_case(
        Faults {
            drop_rate: 1.0,
            ..Faults::default()
        },
        Duration::from_secs(6),
        "connection failed",
        "dropped",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_down_at_start_then_up() {
    let mut sim = sim_with(scenario(300)).await;
    sim.stop().await;
    let mut live = Live::start(&sim, options());
    live.until(Duration::from_secs(5), "no data at start", |a| {
        matches!(&a.freshness(), Freshness::NoData { since: None, reason } if reason == "connection refused")
    })
    .await;
    live.pump(Duration::from_secs(3)).await;
    assert!(live.shown().is_empty());
    sim.restart().await.unwrap();
    assert_recovers(&mut live, &sim, "down at start").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_down_and_back_refetches_everything() {
    let mut sim = sim_with(scenario(300)).await;
    let mut live = Live::start(&sim, options());
    live.until(Duration::from_secs(10), "first picture", |a| {
        a.sync.conn.last_ok.is_some()
    })
    .await;
    let t0 = Instant::now();
    sim.reset_counter();
    sim.stop().await;
    live.until(Duration::from_secs(5), "stale", |a| {
        matches!(a.freshness(), Freshness::Stale { .. })
    })
    .await;
    // While it is down the world moves on: someone leaves, someone arrives.
    let (gone, room) = sim.with_world(|w| {
        let p = w.live_participants(0)[0];
        (p.id, p.conference)
    });
    sim.with_world(|w| {
        w.hang_up(gone);
        w.spawn_participant(room)
    });
    live.until(Duration::from_secs(10), "no data", |a| {
        matches!(&a.freshness(), Freshness::NoData { since: Some(_), reason } if reason == "connection refused")
    })
    .await;
    assert_within_budget(&sim, t0, "down");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    sim.restart().await.unwrap();
    assert_recovers(&mut live, &sim, "down and back").await;
    assert!(!live.shown().contains(&gone));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intermittent_errors_keep_the_data_fresh_enough() {
    let sim = sim_with(scenario(300)).await;
    let mut live = Live::start(&sim, options());
    live.until(Duration::from_secs(10), "first picture", |a| {
        a.sync.conn.last_ok.is_some()
    })
    .await;
    sim.reset_counter();
    let t0 = Instant::now();
    sim.set_faults(Faults {
        error_rate: 0.2,
        drop_rate: 0.05,
        ..Faults::default()
    });
    let mut no_data = false;
    let end = Instant::now() + Duration::from_secs(8);
    while Instant::now() < end {
        live.pump(Duration::from_millis(250)).await;
        no_data |= matches!(live.app.freshness(), Freshness::NoData { .. });
    }
    assert!(!no_data, "occasional failures never withdraw the data");
    assert_within_budget(&sim, t0, "intermittent");
    sim.set_faults(Faults::default());
    assert_recovers(&mut live, &sim, "intermittent").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pagination_loop_is_cut_short() {
    let sim = sim_with(scenario(3_000)).await;
    sim.set_faults(Faults {
        pagination_loop: true,
        ..Faults::default()
    });
    let t0 = Instant::now();
    let mut live = Live::start(&sim, options());
    live.until(Duration::from_secs(10), "a picture despite the loop", |a| {
        a.sync.conn.last_ok.is_some()
    })
    .await;
    live.pump(Duration::from_secs(4)).await;
    assert!(live.is_live(), "{:?}", live.app.freshness());
    assert_eq!(live.shown(), sim_live(&sim));
    assert_within_budget(&sim, t0, "pagination loop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_pages_never_run_away() {
    // No history: past the live records the server invents pages forever.
    let sim = sim_with(scenario(0)).await;
    sim.set_faults(Faults {
        endless_pages: true,
        ..Faults::default()
    });
    let t0 = Instant::now();
    let mut live = Live::start(&sim, options());
    live.until(
        Duration::from_secs(10),
        "a picture despite endless pages",
        |a| a.sync.conn.last_ok.is_some(),
    )
    .await;
    live.pump(Duration::from_secs(5)).await;
    assert!(live.is_live(), "{:?}", live.app.freshness());
    assert_eq!(
        live.shown(),
        sim_live(&sim),
        "invented history holds nobody live"
    );
    assert_within_budget(&sim, t0, "endless pages");
}

/// The REST API fails while the websocket stays up and keeps pushing changes: the screen
/// turns STALE within three light-poll periods of the last picture the server confirmed
/// (pushed rows are not a confirmation), the viewer probes cheaply, and once the API answers
/// again it is live at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_down_with_the_websocket_up_is_stale_not_live_and_probes_cheaply() {
    let sim = sim_with(SimConfig {
        scenario: Scenario {
            history: 300,
            conferences: 4,
            participants: 3,
            churn_per_min: 120.0,
            join_delay: 200_000,
            ..Scenario::default()
        },
        server: ServerOptions {
            rate_limit: None,
            ..ServerOptions::default()
        },
        ..SimConfig::default()
    })
    .await;
    let mut live = Live::start(
        &sim,
        Options {
            no_data_after: Duration::from_secs(600),
            sync: SyncConfig {
                budget: BudgetConfig::fixed(8.0, 16.0),
                ..SyncConfig::default()
            },
            ..Options::default()
        },
    );
    live.until(Duration::from_secs(20), "push and a first picture", |a| {
        a.pushing() && a.sync.conn.last_ok.is_some()
    })
    .await;
    live.pump(Duration::from_secs(1)).await;
    let frames = sim.ws_stats().frames_sent;
    let cut = jiff::Timestamp::now();
    sim.set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    let cut_at = Instant::now();
    let stale_after = live.app.stale_rules().stale_after;
    live.until(
        Duration::try_from(stale_after).unwrap() + Duration::from_secs(10),
        "STALE while push goes on",
        |a| matches!(a.freshness(), Freshness::Stale { .. }),
    )
    .await;
    assert!(
        live.app.sync.conn.last_ok.unwrap() <= cut + jiff::SignedDuration::from_secs(1),
        "no update claimed after the API failed: {:?} vs {cut}",
        live.app.sync.conn.last_ok
    );
    assert!(
        live.app.retrying().is_some_and(|r| r.starts_with('5')),
        "the note names the failure: {:?}",
        live.app.retrying()
    );
    // Ten seconds into the outage, the viewer costs at most one request every two seconds.
    let ten = cut_at + Duration::from_secs(10);
    if Instant::now() < ten {
        live.pump(ten - Instant::now()).await;
    }
    let before = sim.counter().total();
    live.pump(Duration::from_secs(20)).await;
    let probes = sim.counter().total() - before;
    assert!(probes <= 10, "{probes} requests in 20 s of outage");
    assert!(
        sim.ws_stats().frames_sent > frames,
        "push went on meanwhile, so only the rule kept it from looking live"
    );
    sim.set_faults(Faults::default());
    live.until(Duration::from_secs(15), "live again", |a| {
        matches!(a.freshness(), Freshness::Live { .. })
    })
    .await;
}
