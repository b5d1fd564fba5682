//! The cache between runs, over real HTTP: a restart asks little, `conftop list` runs from
//! it, two processes write it at once, a busy account's first screen is named first, and a
//! restart has the last hour's trend.

use std::collections::HashSet;
use std::time::Duration;

use conftop::app::Mode;
use conftop::sim::{MINUTE, RateLimit, Scenario, ServerOptions, Sim, SimConfig};
use conftop::sync::{self, BudgetConfig, SyncConfig, SyncEvent, TrackerConfig};
use tokio::time::{Instant, timeout};
use uuid::Uuid;

use crate::common::{client_for, sim_with};
use crate::live::{Live, Options};

/// A busy account that keeps still while a test runs: no churn, and no call near the server's
/// hour (the busy scenario's live participants joined within the last hour, so their calls
/// start ending two minutes in). Here they joined within the last 40 minutes, among about as
/// many short calls as a walk passes to reach the busy scenario's oldest.
fn still_busy() -> Scenario {
    Scenario {
        churn_per_min: 0.0,
        recent_window: 40 * MINUTE,
        recent_share: 0.1,
        ..Scenario::busy()
    }
}

async fn busy_sim() -> Sim {
    sim_with(SimConfig {
        scenario: still_busy(),
        server: ServerOptions {
            rate_limit: Some(RateLimit::default()),
            ..ServerOptions::default()
        },
        ..SimConfig::default()
    })
    .await
}

fn with_cache(dir: &std::path::Path) -> SyncConfig {
    SyncConfig {
        // The history is read at once, as a listing reads it: what the cache keeps is the
        // point here, not the background scan's gentle pace.
        tracker: TrackerConfig {
            cache: Some(dir.to_owned()),
            ..TrackerConfig::default()
        }
        .scan_at_once(),
        name_everyone: true,
        budget: BudgetConfig::default().optional_unlimited(),
        ..SyncConfig::polling_only()
    }
}

/// Runs a sync task until a complete picture with every caller, or `within`; returns the
/// participants and the callers it had, and the requests it took.
async fn whole_picture(
    sim: &Sim,
    config: SyncConfig,
    within: Duration,
) -> (HashSet<Uuid>, HashSet<Uuid>, u64) {
    let before = sim.counter().total();
    let mut handle = sync::spawn(client_for(sim), config);
    let deadline = Instant::now() + within;
    let mut participants = HashSet::new();
    let mut calls: HashSet<Uuid> = HashSet::new();
    let mut complete = false;
    loop {
        let ev = timeout(deadline - Instant::now(), handle.events.recv())
            .await
            .expect("a whole picture in time")
            .expect("the sync task runs");
        match ev {
            SyncEvent::Snapshot(s) if !s.interim => {
                complete = s.complete && s.awaited == 0;
                participants = s.participants.iter().map(|p| p.id).collect();
                let wanted: HashSet<Uuid> = s
                    .participants
                    .iter()
                    .filter_map(|p| p.reference_id)
                    .collect();
                calls.retain(|c| wanted.contains(c));
            }
            SyncEvent::Calls(found) | SyncEvent::Remembered(found) => {
                calls.extend(found.iter().map(|c| c.id));
            }
            _ => {}
        }
        if complete && !participants.is_empty() && calls.len() >= participants.len() {
            break;
        }
    }
    let requests = sim.counter().total() - before;
    drop(handle.commands);
    let _ = timeout(Duration::from_secs(5), handle.task).await;
    (participants, calls, requests)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_with_the_cache_knows_the_picture_for_a_handful_of_requests() {
    let sim = busy_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (cold, _, cold_requests) =
        whole_picture(&sim, with_cache(dir.path()), Duration::from_secs(240)).await;
    let (warm, named, warm_requests) =
        whole_picture(&sim, with_cache(dir.path()), Duration::from_secs(30)).await;
    println!("cold: {cold_requests} requests; warm: {warm_requests}");
    let server: HashSet<Uuid> =
        sim.with_world(|w| w.live_participants(0).iter().map(|p| p.id).collect());
    assert_eq!(warm, server, "the server's picture, not the cache's");
    assert_eq!(cold, server);
    assert!(named.len() >= warm.len(), "every caller named");
    assert!(
        warm_requests <= 20,
        "{warm_requests} requests for a warm start ({cold_requests} cold)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_with_the_cache_brings_back_the_last_hour() {
    let sim = busy_sim().await;
    let dir = tempfile::tempdir().unwrap();
    whole_picture(&sim, with_cache(dir.path()), Duration::from_secs(240)).await;
    let live = sim.with_world(|w| w.live_participants(0).len());
    let mut handle = sync::spawn(client_for(&sim), with_cache(dir.path()));
    let (stays, written) = loop {
        let ev = timeout(Duration::from_secs(30), handle.events.recv())
            .await
            .expect("what the cache remembers, at the start")
            .expect("the sync task runs");
        if let SyncEvent::Stays { stays, written } = ev {
            break (stays, written);
        }
    };
    drop(handle.commands);
    // Everyone live on the server is remembered as live at the last write, with when they
    // joined: what the hour is made again from.
    let server: HashSet<Uuid> =
        sim.with_world(|w| w.live_participants(0).iter().map(|p| p.id).collect());
    assert!(stays.len() >= live, "{} stays, {live} live", stays.len());
    let at_write = stays
        .iter()
        .filter(|s| s.seen >= written - jiff::SignedDuration::from_secs(90) && s.joined.is_some())
        .count();
    assert!(
        at_write >= server.len(),
        "{at_write} live at the write of {}",
        server.len()
    );
    let now = jiff::Timestamp::now();
    let mut trend = conftop::app::trend::Trend::default();
    trend.backfill(&stays, written, now);
    let hour = trend.live(now, 60);
    // What is claimed is the whole count, never the survivors' count of a time before the
    // first run: those minutes are gaps.
    for n in hour.iter().flatten() {
        assert!(*n as usize >= live * 9 / 10, "{n} of {live}: {hour:?}");
    }
    assert!(
        hour[..50].iter().all(Option::is_none),
        "no minute before the first run is claimed: {hour:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_cache_remembers_is_overruled_by_the_server() {
    let sim = busy_sim().await;
    let dir = tempfile::tempdir().unwrap();
    whole_picture(&sim, with_cache(dir.path()), Duration::from_secs(240)).await;
    // Between the runs: some leave, one joins.
    let (gone, joined) = sim.with_world(|w| {
        let live = w.live_participants(0);
        let gone: Vec<Uuid> = live.iter().take(5).map(|p| p.id).collect();
        for id in &gone {
            w.hang_up(*id);
        }
        let room = w.open_conferences(0)[0].id;
        (gone, w.spawn_participant(room).unwrap())
    });
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (warm, _, _) = whole_picture(&sim, with_cache(dir.path()), Duration::from_secs(60)).await;
    for id in &gone {
        assert!(
            !warm.contains(id),
            "{id} left and is not shown from the cache"
        );
    }
    assert!(warm.contains(&joined), "the newcomer is found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_listings_at_once_share_the_cache() {
    let sim = busy_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let list = |dir: std::path::PathBuf, url: String, key: String| {
        tokio::task::spawn_blocking(move || {
            crate::common::output(
                std::process::Command::new(env!("CARGO_BIN_EXE_conftop"))
                    .args(["list", "-o", "json", "--timeout", "240s"])
                    .env_clear()
                    .env("HOME", &dir)
                    .env("XDG_CACHE_HOME", &dir)
                    .env("VOIPBIN_API_URL", url)
                    .env("VN_ACCESS_KEY", key),
            )
            .unwrap()
        })
    };
    let (a, b) = tokio::join!(
        list(dir.path().to_owned(), sim.base_url(), sim.access_key()),
        list(dir.path().to_owned(), sim.base_url(), sim.access_key())
    );
    for out in [a.unwrap(), b.unwrap()] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A third, warm: the two wrote it whole.
    let before = sim.counter().total();
    let out = list(dir.path().to_owned(), sim.base_url(), sim.access_key())
        .await
        .unwrap();
    assert!(out.status.success());
    let requests = sim.counter().total() - before;
    assert!(requests <= 20, "{requests} requests for a warm listing");
    let listing: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let people: usize = listing["conferences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["participants"].as_array().unwrap().len())
        .sum();
    assert_eq!(people, sim.with_world(|w| w.live_participants(0).len()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_accounts_first_screen_is_named_before_the_walk_ends() {
    let sim = busy_sim().await;
    let mut live = Live::start(
        &sim,
        Options {
            mode: Mode::Interactive { read_only: true },
            no_data_after: Duration::from_secs(600),
            sync: SyncConfig::polling_only(),
            ..Options::default()
        },
    );
    live.app.size = (200, 50);
    sim.reset_counter();
    live.until(
        Duration::from_secs(120),
        "the first screen named",
        first_screen_named,
    )
    .await;
    let requests = sim.counter().total();
    let still_loading = live.app.sync.loading.is_some();
    let by_path: Vec<String> = sim
        .counter()
        .iter()
        .map(|(k, n)| format!("{k}: {n}"))
        .collect();
    println!(
        "first screen named after {requests} requests ({}; loading still: {still_loading})",
        by_path.join(", ")
    );
    // The walk alone is about a hundred pages and the listed participants' calls as many
    // again. The screen's forty rows cost two requests each (a record and a call), the
    // records of the conference partly on screen a few more (which of its members are its
    // first rows is known from their records), the lists and a page or two the rest: pages
    // walked between the screen's reads would cost more.
    assert!(
        requests <= 104,
        "{requests} requests before the screen was named"
    );
}

/// Whether every participant row on the screen has its caller (and there are rows).
fn first_screen_named(a: &conftop::app::AppState) -> bool {
    let rows: Vec<Uuid> = a
        .view
        .rows
        .iter()
        .skip(a.scroll)
        .take(a.list_height())
        .filter_map(|r| match r {
            conftop::app::view::Row::Participant(_, id) => Some(*id),
            _ => None,
        })
        .collect();
    rows.len() > 20 && rows.iter().all(|id| a.caller_of_id(*id).is_some())
}

/// A wall screen of 200×50 on the busy account, with its cache in `dir`.
fn wall_screen(sim: &Sim, dir: &std::path::Path) -> Live {
    let mut live = Live::start(
        sim,
        Options {
            mode: Mode::Interactive { read_only: true },
            no_data_after: Duration::from_secs(600),
            sync: SyncConfig {
                tracker: TrackerConfig {
                    cache: Some(dir.to_owned()),
                    ..TrackerConfig::default()
                },
                budget: BudgetConfig::fixed(6.0, 12.0),
                ..SyncConfig::polling_only()
            },
            ..Options::default()
        },
    );
    live.app.size = (200, 50);
    live
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_screens_of_one_host_started_together_share_the_reading() {
    let sim = busy_sim().await;
    // One screen alone, cold: what naming its first screen costs.
    let alone_dir = tempfile::tempdir().unwrap();
    sim.reset_counter();
    let mut alone = wall_screen(&sim, alone_dir.path());
    alone
        .until(
            Duration::from_secs(120),
            "one screen named",
            first_screen_named,
        )
        .await;
    let alone_requests = sim.counter().total();
    drop(alone);
    // Two started together on one cache, cold: each reads part, and takes the rest from it.
    let dir = tempfile::tempdir().unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    sim.reset_counter();
    let mut a = wall_screen(&sim, dir.path());
    let mut b = wall_screen(&sim, dir.path());
    let (ta, tb) = tokio::join!(
        a.until(
            Duration::from_secs(120),
            "the first named",
            first_screen_named
        ),
        b.until(
            Duration::from_secs(120),
            "the second named",
            first_screen_named
        )
    );
    let together = sim.counter().total();
    println!("alone: {alone_requests} requests; two together: {together} ({ta:?}, {tb:?})");
    // Each alone would make as many as the one alone did: the pair shares the records and
    // callers it reads one by one, and walks the pages each.
    assert!(
        together * 10 <= alone_requests * 14,
        "{together} requests for two screens, {alone_requests} for one"
    );
    for (name, screen) in [("first", &a), ("second", &b)] {
        let shown = screen.shown();
        let server: HashSet<Uuid> = sim.with_world(|w| {
            w.live_participants(0)
                .iter()
                .filter(|p| shown.contains(&p.id))
                .map(|p| p.id)
                .collect()
        });
        assert_eq!(
            shown.len(),
            server.len(),
            "the {name} shows only who is live"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_calls_page_read_anyway_confirms_the_calls_the_cache_named() {
    let sim = crate::common::quiet_sim(40).await;
    let dir = tempfile::tempdir().unwrap();
    // A first run names everyone, into the cache.
    whole_picture(&sim, with_cache(dir.path()), Duration::from_secs(60)).await;
    // Three newcomers since: a page of calls is read for their callers.
    sim.with_world(|w| {
        let room = w.open_conferences(0)[0].id;
        for _ in 0..3 {
            w.spawn_participant(room).unwrap();
        }
    });
    tokio::time::sleep(Duration::from_secs(4)).await;
    sim.reset_counter();
    let mut handle = sync::spawn(client_for(&sim), with_cache(dir.path()));
    let (mut remembered, mut confirmed) = (HashSet::new(), HashSet::new());
    let deadline = Instant::now() + Duration::from_secs(6);
    while let Ok(Some(ev)) = timeout(deadline - Instant::now(), handle.events.recv()).await {
        match ev {
            SyncEvent::Remembered(calls) => remembered.extend(calls.iter().map(|c| c.id)),
            SyncEvent::Calls(calls) => confirmed.extend(
                calls
                    .iter()
                    .map(|c| c.id)
                    .filter(|id| remembered.contains(id)),
            ),
            _ => {}
        }
    }
    drop(handle.commands);
    let by_id = sim.counter().get("GET", "/calls/{id}");
    let pages = sim.counter().get("GET", "/calls");
    println!(
        "{} remembered, {} of them confirmed; {by_id} read by id, {pages} pages",
        remembered.len(),
        confirmed.len()
    );
    assert!(remembered.len() >= 40, "the cache named them");
    // Their state is read again: mostly from the page read for the newcomers anyway.
    assert!(confirmed.len() * 2 >= remembered.len(), "confirmed");
    assert!(
        by_id * 4 < confirmed.len() as u64,
        "{by_id} by id for {} confirmed",
        confirmed.len()
    );
}
