//! API cost of the sync strategy against the built-in simulator, with 100,000 history records
//! and 500 live participants in 50 conferences.
//!
//! Printed (not timed): requests per steady-state refresh of the real sync task
//! (`conftop::sync::spawn`, interval 2 s, budget 8 req/s burst 16, simulator rate limit on),
//! the requests a cold start makes before its first snapshot, and the requests of the naive
//! walk over every page of `GET /conferencecalls`.
//!
//! Timed with criterion:
//! - `sync/cold_start_to_first_snapshot`: from building the client to the first
//!   `SyncEvent::Snapshot` of a fresh sync task (the simulator's rate limit on; a pause between
//!   runs, outside the timing, lets its bucket refill).
//! - `sync/steady_refresh`: one `Tracker::refresh` once everything is known. The budget is
//!   unlimited and the simulator's rate limit off for this one, so that back-to-back refreshes
//!   measure the work and the round trips rather than the pacing (in the real task refreshes are
//!   2 s apart and the budget is full at the start of each).
//! - `sync/naive_walk_every_page`: the baseline, every page of `GET /conferencecalls`
//!   (rate limit off as well).
//!
//! Run: `cargo bench --bench sync`. Under `cargo test --benches` every part runs once, shortened.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use conftop::api::{Client, PageRequest};
use conftop::sim::{Scenario, ServerOptions, Sim, SimConfig};
use conftop::sync::{
    self, Budget, BudgetConfig, Fetcher, Snapshot, SyncConfig, SyncEvent, Tracker, TrackerConfig,
    Wanted,
};
use criterion::{Criterion, SamplingMode};
use tokio::runtime::Runtime;

use common::{client_for, revision};
use tokio::sync::mpsc;

const HISTORY: usize = 100_000;
const CONFERENCES: usize = 50;
const PER_CONFERENCE: usize = 10;
const LIVE: usize = CONFERENCES * PER_CONFERENCE;
const PAGE: usize = 100;

/// `cargo bench` passes `--bench`; `cargo test --benches` does not (criterion's test mode).
fn bench_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test" || a == "--list")
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn sim_config() -> SimConfig {
    SimConfig {
        scenario: Scenario {
            history: HISTORY,
            conferences: CONFERENCES,
            participants: PER_CONFERENCE,
            connect_conferences: 0,
            churn_per_min: 0.0,
            ..Scenario::default()
        },
        // The default per-customer rate limit (17 req/s, burst 33) stays on.
        server: ServerOptions::default(),
        ..SimConfig::default()
    }
}

fn no_rate_limit() -> ServerOptions {
    ServerOptions {
        rate_limit: None,
        ..ServerOptions::default()
    }
}

/// Median, min and max of a sample (sorted copy).
fn summary(xs: &[u64]) -> String {
    if xs.is_empty() {
        return "no data".to_owned();
    }
    let mut v = xs.to_vec();
    v.sort_unstable();
    format!(
        "median {}, min {}, max {} (n={})",
        v[v.len() / 2],
        v[0],
        v[v.len() - 1],
        v.len()
    )
}

/// The first snapshot of a sync task, and how many requests had been counted then.
async fn first_snapshot(handle: &mut sync::SyncHandle, sim: &Sim) -> (Arc<Snapshot>, u64) {
    loop {
        match tokio::time::timeout(Duration::from_secs(60), handle.events.recv()).await {
            Ok(Some(SyncEvent::Snapshot(s))) => return (s, sim.counter().total()),
            Ok(Some(SyncEvent::Failed { error, .. })) => panic!("refresh failed: {error}"),
            Ok(Some(_)) => {}
            Ok(None) => panic!("the sync task stopped"),
            Err(_) => panic!("no snapshot within 60 s"),
        }
    }
}

/// Stops a sync task the way the binary's shutdown does: closing its channels ends the loop,
/// which aborts a refresh in progress.
async fn stop(handle: sync::SyncHandle) {
    let sync::SyncHandle {
        commands,
        events,
        task,
    } = handle;
    drop(commands);
    drop(events);
    let _ = task.await;
}

/// Requests per refresh of the real sync task, cycle by cycle: the count between the quiet
/// moments after two snapshots is one refresh and whatever spare work followed it.
fn steady_state_counts(rt: &Runtime, sim: &Sim, quick: bool) {
    let interval = Duration::from_secs(2);
    let (settle_limit, measure) = if quick {
        (Duration::from_secs(60), 3)
    } else {
        (Duration::from_secs(180), 20)
    };
    rt.block_on(async {
        sim.reset_counter();
        let t0 = Instant::now();
        let mut handle = sync::spawn(
            client_for(sim),
            SyncConfig {
                interval,
                budget: conftop::sync::BudgetConfig::fixed(8.0, 16.0),
                ..SyncConfig::polling_only()
            },
        );
        let (first, at_first) = first_snapshot(&mut handle, sim).await;
        let cold_time = t0.elapsed();
        let cold_live = first.participants.len();
        let cold_requests = first.requests;

        // Counts are read in the quiet part of each cycle, after a snapshot and the optional
        // work that follows it, and well before the next refresh starts.
        let quiet = || tokio::time::sleep(Duration::from_millis(600));
        quiet().await;
        let mut marks: Vec<u64> = vec![sim.counter().total()];
        let mut settled_at: Option<usize> = None;
        let mut costs: Vec<u64> = Vec::new();
        let start = Instant::now();
        loop {
            let ev = tokio::time::timeout(Duration::from_secs(30), handle.events.recv())
                .await
                .expect("the sync task said something in time")
                .expect("the sync task is running");
            match ev {
                SyncEvent::Snapshot(s) => {
                    quiet().await;
                    marks.push(sim.counter().total());
                    let cost = marks[marks.len() - 1] - marks[marks.len() - 2];
                    costs.push(cost);
                    // Settled: the history scan is done and three cycles in a row were cheap.
                    if settled_at.is_none()
                        && s.complete
                        && costs.len() >= 3
                        && costs[costs.len() - 3..].iter().all(|&c| c <= 3)
                    {
                        settled_at = Some(costs.len());
                    }
                    if let Some(s) = settled_at
                        && costs.len() >= s + measure
                    {
                        break;
                    }
                    if settled_at.is_none() && start.elapsed() > settle_limit {
                        println!("sync: did not settle within {settle_limit:?}; costs {costs:?}");
                        break;
                    }
                }
                SyncEvent::Failed { error, .. } => println!("sync: a refresh failed: {error}"),
                _ => {}
            }
        }
        let counter = sim.counter();
        stop(handle).await;

        println!();
        println!(
            "sync: scenario history={HISTORY}, {CONFERENCES} conferences x {PER_CONFERENCE} \
             = {LIVE} live, interval {interval:?}, budget 8 req/s burst 16, sim rate limit on"
        );
        println!(
            "sync: cold start: {cold_requests} requests before the first snapshot \
             ({at_first} counted by the simulator by then), {cold_live} participants, \
             {:.0} ms  [target <= 20 requests, < 1 s]",
            cold_time.as_secs_f64() * 1e3
        );
        if let Some(s) = settled_at {
            let settle_requests: u64 = costs[..s].iter().sum();
            println!(
                "sync: settled after {s} refresh cycles ({settle_requests} requests: history scan \
                 and call lookups with spare budget); cycles until then: {:?}",
                &costs[..s]
            );
            let steady = &costs[s..];
            println!(
                "sync: requests per steady-state refresh: {}  {:?}  [target <= 3; naive walk {}]",
                summary(steady),
                steady,
                HISTORY.div_ceil(PAGE) + 1
            );
        }
        println!(
            "sync: answered 429: {}; requests by endpoint over the whole run:",
            counter.status(429)
        );
        for (k, v) in counter.iter() {
            println!("sync:   {k:<32} {v}");
        }
        println!();
    });
}

/// Walks every page of `GET /conferencecalls`; returns the requests made and the records read.
async fn naive_walk(client: &Client) -> (u64, usize) {
    let mut req = PageRequest::first(PAGE as u32);
    let mut requests = 0;
    let mut records = 0;
    loop {
        let page = client
            .list_conferencecalls(&req)
            .await
            .expect("page answered");
        requests += 1;
        records += page.items.len();
        match page.next_page_token {
            Some(t) if !page.items.is_empty() => req = PageRequest::after(PAGE as u32, t),
            _ => return (requests, records),
        }
    }
}

fn extras() {
    let quick = !bench_mode();
    let rt = runtime();
    let sim = rt
        .block_on(Sim::start(sim_config()))
        .expect("simulator starts");
    steady_state_counts(&rt, &sim, quick);
    sim.set_options(no_rate_limit());
    sim.reset_counter();
    let client = client_for(&sim);
    let (requests, records) = rt.block_on(naive_walk(&client));
    println!(
        "sync: naive baseline: walking every page of GET /conferencecalls took {requests} \
         requests for {records} records (ceil(history/100)+1 = {}); at the 8 req/s budget that \
         is at least {:.0} s per refresh",
        HISTORY.div_ceil(PAGE) + 1,
        (requests as f64 - 16.0).max(0.0) / 8.0
    );
    println!();
}

fn cold_start(c: &mut Criterion) {
    let rt = runtime();
    let sim = rt
        .block_on(Sim::start(sim_config()))
        .expect("simulator starts");
    let pause = if bench_mode() {
        Duration::from_millis(1500)
    } else {
        Duration::ZERO
    };
    let mut seen: Vec<(u64, u64, usize)> = Vec::new();
    let mut group = c.benchmark_group("sync");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("cold_start_to_first_snapshot", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    // Let the simulator's rate-limit bucket refill (and stray requests of the
                    // previous run finish) before counting from zero.
                    tokio::time::sleep(pause).await;
                    sim.reset_counter();
                    let t0 = Instant::now();
                    let mut handle = sync::spawn(
                        client_for(&sim),
                        SyncConfig {
                            interval: Duration::from_secs(2),
                            budget: conftop::sync::BudgetConfig::fixed(8.0, 16.0),
                            ..SyncConfig::polling_only()
                        },
                    );
                    let (snap, counted) = first_snapshot(&mut handle, &sim).await;
                    total += t0.elapsed();
                    seen.push((snap.requests as u64, counted, snap.participants.len()));
                    stop(handle).await;
                }
                total
            })
        })
    });
    group.finish();
    let reqs: Vec<u64> = seen.iter().map(|s| s.0).collect();
    let counted: Vec<u64> = seen.iter().map(|s| s.1).collect();
    let live: Vec<u64> = seen.iter().map(|s| s.2 as u64).collect();
    println!(
        "sync/cold_start_to_first_snapshot: requests before the snapshot: {}; counted by the \
         simulator on arrival: {}; participants in it: {}; answered 429 overall: {}",
        summary(&reqs),
        summary(&counted),
        summary(&live),
        sim.counter().status(429)
    );
}

fn steady_refresh(c: &mut Criterion) {
    let rt = runtime();
    let sim = rt
        .block_on(Sim::start(sim_config()))
        .expect("simulator starts");
    sim.set_options(no_rate_limit());
    let client = client_for(&sim);
    let budget = Budget::new(BudgetConfig::fixed(1e9, 1e9));
    let (tx, mut rx) = mpsc::channel::<SyncEvent>(4096);
    let mut tracker = Tracker::new(TrackerConfig::default());
    // Settle: the first refresh is full, and with an unlimited budget its spare work (the
    // history scan and call lookups) finishes at once; a few more make sure.
    let mut costs = Vec::new();
    rt.block_on(async {
        for _ in 0..5 {
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
                .expect("refresh");
            costs.push(f.requests as u64);
            while rx.try_recv().is_ok() {}
        }
    });
    println!("sync/steady_refresh: settling refreshes cost {costs:?} requests");
    let mut per_refresh: Vec<u64> = Vec::new();
    let mut group = c.benchmark_group("sync");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    group.bench_function("steady_refresh", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let before = sim.counter().total();
                    let t0 = Instant::now();
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
                        .expect("refresh");
                    total += t0.elapsed();
                    per_refresh.push(sim.counter().total() - before);
                    while rx.try_recv().is_ok() {}
                }
                total
            })
        })
    });
    group.finish();
    println!(
        "sync/steady_refresh: requests per refresh (simulator's count): {}; live tracked: {}",
        summary(&per_refresh),
        tracker.live_count()
    );
}

fn naive_baseline(c: &mut Criterion) {
    let rt = runtime();
    let sim = rt
        .block_on(Sim::start(sim_config()))
        .expect("simulator starts");
    sim.set_options(no_rate_limit());
    let client = client_for(&sim);
    let mut group = c.benchmark_group("sync");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    group.bench_function("naive_walk_every_page", |b| {
        b.iter(|| rt.block_on(naive_walk(&client)))
    });
    group.finish();
}

fn main() {
    println!("sync: conftop at {}", revision());
    let mut criterion = Criterion::default().configure_from_args();
    if !std::env::args().any(|a| a == "--list") {
        extras();
    }
    cold_start(&mut criterion);
    steady_refresh(&mut criterion);
    naive_baseline(&mut criterion);
    criterion.final_summary();
}
