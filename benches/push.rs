//! Push against polling, side by side in one run: two real `conftop` binaries in
//! pseudo-terminals, each against its own in-process simulator with the same world, one whose
//! websocket works (conftop follows it) and one that refuses the upgrade (conftop polls as it
//! always did). Separate simulators keep each viewer's requests apart.
//!
//! Per trial (`CONFTOP_BENCH_TRIALS`, default 30), in both worlds at once: a participant
//! arrives (`joining`, which push never reports) and joins after about `JOIN_DELAY`; later it
//! hangs up. Measured on each screen:
//! - joining seen: arrival → its row on screen (any status); target ≤ 5 s with push;
//! - join: the moment the simulator made it `joined` (and sent the frame) → the row says
//!   JOINED; target p95 ≤ 300 ms with push (polling: up to one interval);
//! - leave: the hang-up → the row says LEFT; target ≤ 300 ms with push.
//!
//! Then `CONFTOP_BENCH_STEADY` seconds (default 60) with nothing changing: requests per second
//! each simulator answered (target ≤ 0.25/s with push; polling as before, 1.5/s).
//!
//! Run: `cargo bench --bench push` (about 5 min). Under `cargo test --benches` a short smoke run
//! is made (3 trials, 10 s steady).

mod common;

use std::time::{Duration, Instant};

use conftop::sim::{ConferenceKind, ParticipantStatus, Scenario, Sim, SimConfig, WsFaults};
use tokio::runtime::Runtime;

use common::pty::Pty;
use common::revision;

/// Micros: about how long a participant stays `joining`.
const JOIN_DELAY: i64 = 3_000_000;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn start_sim(rt: &Runtime, refuse_ws: bool) -> Sim {
    rt.block_on(Sim::start(SimConfig {
        scenario: Scenario {
            seed: 5,
            history: 2_000,
            // Every room on one screen, so that every arrival is.
            conferences: 5,
            participants: 8,
            connect_conferences: 0,
            queue_conferences: 0,
            churn_per_min: 0.0,
            join_delay: JOIN_DELAY,
            ..Scenario::default()
        },
        ws_faults: WsFaults {
            refuse_upgrades: refuse_ws,
            ..WsFaults::default()
        },
        ..SimConfig::default()
    }))
    .expect("simulator starts")
}

/// The line of the screen that holds `short`, if any.
fn row(screen: &str, short: &str) -> Option<String> {
    screen
        .lines()
        .find(|l| l.contains(short))
        .map(str::to_owned)
}

/// One viewer and its world.
struct Side {
    name: &'static str,
    sim: Sim,
    pty: Pty,
    room: uuid::Uuid,
    joining_seen: Vec<f64>,
    join: Vec<f64>,
    leave: Vec<f64>,
    missed: usize,
}

impl Side {
    fn new(rt: &Runtime, name: &'static str, refuse_ws: bool) -> Side {
        let sim = start_sim(rt, refuse_ws);
        let room = sim.with_world(|w| {
            w.open_conferences(0)
                .into_iter()
                .find(|r| r.kind == ConferenceKind::Conference)
                .expect("a room")
                .id
        });
        let pty = Pty::spawn(&sim, &["--interval", "2s"], 160, 60);
        Side {
            name,
            sim,
            pty,
            room,
            joining_seen: Vec::new(),
            join: Vec::new(),
            leave: Vec::new(),
            missed: 0,
        }
    }
}

/// What one trial is waiting for on one side.
#[derive(Default)]
struct Trial {
    id: Option<uuid::Uuid>,
    short: String,
    arrived: Option<Instant>,
    seen: Option<Instant>,
    joined_sim: Option<Instant>,
    joined_screen: Option<Instant>,
    left_sim: Option<Instant>,
    left_screen: Option<Instant>,
}

fn ms(a: Instant, b: Instant) -> f64 {
    b.saturating_duration_since(a).as_secs_f64() * 1e3
}

/// Runs one trial on both sides at once: arrival, join, hang-up, each watched on screen.
fn trial(sides: &mut [Side]) {
    let mut t: Vec<Trial> = sides.iter().map(|_| Trial::default()).collect();
    for (s, tr) in sides.iter().zip(t.iter_mut()) {
        let id = s
            .sim
            .with_world(|w| w.spawn_participant(s.room))
            .expect("room");
        tr.id = Some(id);
        tr.short = id.simple().to_string()[..8].to_owned();
        tr.arrived = Some(Instant::now());
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = Instant::now();
        for (s, tr) in sides.iter().zip(t.iter_mut()) {
            let id = tr.id.expect("spawned");
            if tr.joined_sim.is_none() {
                let joined = s.sim.with_world(|w| {
                    w.participant(id)
                        .is_some_and(|p| p.status == ParticipantStatus::Joined)
                });
                if joined {
                    tr.joined_sim = Some(now);
                }
            }
            let screen = s.pty.text();
            let line = row(&screen, &tr.short);
            if tr.seen.is_none() && line.is_some() {
                tr.seen = Some(now);
            }
            if tr.joined_screen.is_none()
                && tr.joined_sim.is_some()
                && line.as_deref().is_some_and(|l| l.contains("JOINED"))
            {
                tr.joined_screen = Some(now);
                s.sim.with_world(|w| w.hang_up(id));
                tr.left_sim = Some(Instant::now());
            }
            if tr.left_screen.is_none()
                && tr.left_sim.is_some()
                && line.as_deref().is_none_or(|l| l.contains("LEFT"))
            {
                tr.left_screen = Some(now);
            }
        }
        if t.iter().all(|tr| tr.left_screen.is_some()) || now > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    for (s, tr) in sides.iter_mut().zip(t) {
        match (tr.arrived, tr.seen, tr.joined_sim, tr.joined_screen) {
            (Some(a), Some(seen), Some(js), Some(jscr)) => {
                s.joining_seen.push(ms(a, seen));
                s.join.push(ms(js, jscr));
            }
            _ => s.missed += 1,
        }
        if let (Some(l), Some(lscr)) = (tr.left_sim, tr.left_screen) {
            s.leave.push(ms(l, lscr));
        } else if let Some(id) = tr.id {
            s.sim.with_world(|w| w.hang_up(id));
        }
    }
}

fn describe(v: &[f64]) -> String {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return "no data".to_owned();
    }
    let pct = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    format!(
        "median {:.0} ms, p95 {:.0} ms, max {:.0} ms, min {:.0} ms (n={})",
        pct(0.5),
        pct(0.95),
        v[v.len() - 1],
        v[0],
        v.len()
    )
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let trials = if quick {
        3
    } else {
        env_u64("CONFTOP_BENCH_TRIALS", 30)
    };
    let steady = Duration::from_secs(if quick {
        10
    } else {
        env_u64("CONFTOP_BENCH_STEADY", 60)
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!("push: revision {}", revision());
    let mut sides = vec![
        Side::new(&rt, "push", false),
        Side::new(&rt, "polling", true),
    ];
    for s in &sides {
        let up = s
            .pty
            .wait_for(Duration::from_secs(20), |t| t.contains("● live"))
            .is_some();
        assert!(up, "{} viewer shows live data", s.name);
    }
    let pushing = sides[0]
        .pty
        .wait_for(Duration::from_secs(20), |t| t.contains("● live · push"))
        .is_some();
    assert!(pushing, "the push viewer says push");
    std::thread::sleep(Duration::from_secs(3));
    for n in 0..trials {
        trial(&mut sides);
        // A pause of varying length, so trials fall at every phase of the polling cycle.
        std::thread::sleep(Duration::from_millis(300 + (n * 377) % 1700));
    }
    for s in &sides {
        println!(
            "push: RESULT {} joining seen: {}",
            s.name,
            describe(&s.joining_seen)
        );
        println!(
            "push: RESULT {} join → JOINED: {}",
            s.name,
            describe(&s.join)
        );
        println!(
            "push: RESULT {} leave → LEFT: {}",
            s.name,
            describe(&s.leave)
        );
        if s.missed > 0 {
            println!("push: {} trials never completed on {}", s.missed, s.name);
        }
    }
    // Steady cost: nothing changes for `steady`.
    std::thread::sleep(Duration::from_secs(5));
    let before: Vec<u64> = sides.iter().map(|s| s.sim.counter().total()).collect();
    let t0 = Instant::now();
    std::thread::sleep(steady);
    let secs = t0.elapsed().as_secs_f64();
    for (s, b) in sides.iter().zip(before) {
        let n = s.sim.counter().total() - b;
        println!(
            "push: RESULT {} steady: {n} requests in {secs:.0} s = {:.3} requests/s",
            s.name,
            n as f64 / secs
        );
    }
    for s in sides {
        s.pty.quit();
    }
}
