//! Many viewers of one busy account: N real `conftop` binaries, each in its own
//! pseudo-terminal, started together against one in-process simulator playing the busy
//! account (500 live participants in 50 rooms, 100,000 history records of which 30,000 are
//! from the last three hours, the customer's real limit of 17 requests/s with a burst of 33).
//!
//! For each N in `CONFTOP_BENCH_VIEWERS` (default `1,4,10`) and each mode in
//! `CONFTOP_BENCH_MODES` (default `push,polling`; polling = `--no-push`), for
//! `CONFTOP_BENCH_MINUTES` minutes (default 5), it prints:
//! - answers 429 in total;
//! - per viewer: first screen (every room name and a row per listed participant on screen)
//!   and complete (no `loading` left in the header: every status and time known), in seconds;
//! - total requests per second in each minute, and over minutes 3–5;
//! - steady: requests per second (and by route) over the whole minutes that began a minute
//!   or more after the last viewer was complete, when there are any.
//!
//! Targets (BENCHMARKS.md): 4 viewers: ≤ 8 answers 429 (goal 0), first screen ≤ 2 s, complete
//! ≤ 120 s, minutes 3–5 ≤ 1 request/s with push and ≤ 6 without; 10 viewers with push, steady:
//! ≤ 2.5 requests/s in total.
//!
//! Run: `cargo bench --bench viewers` (about 30 min for the six runs). Under
//! `cargo test --benches` a short smoke run is made (2 viewers, push, 40 s).

mod common;

use std::time::{Duration, Instant};

use conftop::sim::{RateLimit, Scenario, ServerOptions, Sim, SimConfig};
use tokio::runtime::Runtime;

use common::pty::Pty;
use common::revision;

fn env_list(name: &str, default: &str) -> Vec<String> {
    std::env::var(name)
        .unwrap_or_else(|_| default.to_owned())
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn busy(rt: &Runtime) -> Sim {
    rt.block_on(Sim::start(SimConfig {
        scenario: Scenario {
            churn_per_min: 0.0,
            ..Scenario::busy()
        },
        server: ServerOptions {
            rate_limit: Some(RateLimit::default()),
            ..ServerOptions::default()
        },
        ..SimConfig::default()
    }))
    .expect("simulator starts")
}

/// Rows on screen whose status is known to be in a room (joined/leaving).
fn rows(screen: &str) -> usize {
    screen
        .lines()
        .filter(|l| l.contains("● JOINED") || l.contains("- LEAVING"))
        .count()
}

fn run(rt: &Runtime, viewers: usize, push: bool, length: Duration) {
    let sim = busy(rt);
    let rooms = sim.with_world(|w| w.open_conferences(0).len());
    let names: Vec<String> = sim.with_world(|w| {
        w.open_conferences(0)
            .iter()
            .map(|c| c.name.clone())
            .collect()
    });
    sim.reset_counter();
    let mode = if push { "push" } else { "polling" };
    let extra: &[&str] = if push { &[] } else { &["--no-push"] };
    let t0 = Instant::now();
    // Tall screens: the first screen is judged by the rows a screen can hold.
    let (cols, lines) = (160u16, 60u16);
    let ptys: Vec<Pty> = (0..viewers)
        .map(|_| Pty::spawn(&sim, extra, cols, lines))
        .collect();
    let mut first = vec![None::<f64>; viewers];
    let mut complete = vec![None::<f64>; viewers];
    // The counter at each minute's end, with the time it was read.
    let mut minutes_read: Vec<(Instant, conftop::sim::Counter)> = Vec::new();
    let mut minute_start = Instant::now();
    while t0.elapsed() < length {
        let secs = t0.elapsed().as_secs_f64();
        for (i, p) in ptys.iter().enumerate() {
            let screen = p.text();
            if first[i].is_none() {
                // The screen is full of room headers and rows (a room header every ten rows or
                // so), and the header counts all rooms.
                let full_rows = rows(&screen) >= (lines as usize * 2 / 3).min(400);
                let counted = screen.contains(&format!("{rooms} conferences"));
                let named = names.iter().any(|n| screen.contains(n.as_str()));
                if full_rows && counted && named {
                    first[i] = Some(secs);
                }
            }
            if first[i].is_some() && complete[i].is_none() && !screen.contains("loading") {
                complete[i] = Some(secs);
            }
        }
        if minute_start.elapsed() >= Duration::from_secs(60) {
            minute_start = Instant::now();
            minutes_read.push((minute_start, sim.counter()));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let c = sim.counter();
    let fmt = |v: &[Option<f64>]| {
        v.iter()
            .map(|x| x.map_or("never".to_owned(), |s| format!("{s:.1}")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "viewers: RESULT {viewers} × {mode}: {} requests, {} answered 429",
        c.total(),
        c.status(429)
    );
    println!(
        "viewers: RESULT {viewers} × {mode}: first screen (s): {}",
        fmt(&first)
    );
    println!(
        "viewers: RESULT {viewers} × {mode}: complete (s): {}",
        fmt(&complete)
    );
    let mut edges = vec![(t0, 0u64)];
    edges.extend(minutes_read.iter().map(|(t, c)| (*t, c.total())));
    let minutes: Vec<String> = edges
        .windows(2)
        .map(|w| {
            format!(
                "{:.2}",
                (w[1].1 - w[0].1) as f64 / (w[1].0 - w[0].0).as_secs_f64()
            )
        })
        .collect();
    println!(
        "viewers: RESULT {viewers} × {mode}: requests/s by minute: {}",
        minutes.join(", ")
    );
    // Requests by route since `from` (since the start when none).
    let routes = |from: Option<&conftop::sim::Counter>| {
        c.iter()
            .map(|(k, v)| {
                (
                    k,
                    v - from.map_or(0, |f| f.iter().find(|e| e.0 == k).map_or(0, |e| e.1)),
                )
            })
            .filter(|(_, v)| *v > 0)
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "viewers: RESULT {viewers} × {mode}: by route: {}",
        routes(None)
    );
    let since = |label: &str, (t, before): &(Instant, conftop::sim::Counter)| {
        let rate = (c.total() - before.total()) as f64 / t.elapsed().as_secs_f64();
        let from = (*t - t0).as_secs_f64();
        println!(
            "viewers: RESULT {viewers} × {mode}: requests/s {label} (from {from:.0} s to the end): {rate:.2}"
        );
        println!(
            "viewers: RESULT {viewers} × {mode}: by route {label}: {}",
            routes(Some(before))
        );
    };
    if let Some(m2) = minutes_read.get(1) {
        since("after minute 2", m2);
    }
    // Steady: from the first minute's end a minute after every viewer was complete (their
    // callers on screen come in that minute).
    let last = complete
        .iter()
        .copied()
        .collect::<Option<Vec<f64>>>()
        .map(|v| v.into_iter().fold(0.0, f64::max));
    match last.and_then(|l| {
        minutes_read
            .iter()
            .find(|(t, _)| (*t - t0).as_secs_f64() >= l + 60.0)
    }) {
        Some(m) if m.0.elapsed() >= Duration::from_secs(50) => since("steady", m),
        _ => println!("viewers: RESULT {viewers} × {mode}: not steady within the run"),
    }
    for p in ptys {
        p.quit();
    }
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!("viewers: revision {}", revision());
    if quick {
        run(&rt, 2, true, Duration::from_secs(40));
        return;
    }
    let minutes: u64 = std::env::var("CONFTOP_BENCH_MINUTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    for n in env_list("CONFTOP_BENCH_VIEWERS", "1,4,10") {
        let n: usize = n.parse().expect("a number of viewers");
        for mode in env_list("CONFTOP_BENCH_MODES", "push,polling") {
            run(&rt, n, mode == "push", Duration::from_secs(minutes * 60));
        }
    }
}
