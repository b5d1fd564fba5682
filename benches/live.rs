//! The real `conftop` binary in a pseudo-terminal against an in-process simulator: CPU and
//! output while idle, resident memory with 10,000 participants, and how long a change in the
//! simulator takes to reach the screen.
//!
//! The simulator runs in this process (its own tokio runtime), so its work is not counted
//! against conftop: CPU and memory are read from `/proc/<conftop pid>/{stat,status}`.
//!
//! Phases (`CONFTOP_BENCH_PHASES`, comma-separated, default `idle,latency,memory`):
//! - `idle`: 100 conferences × 10 participants, history 5,000, no churn, `--interval 2s`.
//!   After the first picture and `CONFTOP_BENCH_SETTLE` seconds (default 10), utime+stime over
//!   `CONFTOP_BENCH_IDLE` seconds (default 60), as % of one core, per 10 s window and overall;
//!   bytes written to the terminal per second; redraws (bursts of output) per second;
//!   requests per second the simulator answered.
//! - `latency`: same binary and world. `CONFTOP_BENCH_TRIALS` times (default 20): after a
//!   random pause, `spawn_participant` in the conference shown first, then the time until its
//!   short id is on the vt100 screen (checked on every chunk of output the terminal receives),
//!   against one interval + 100 ms. The participant then hangs up. Then
//!   `CONFTOP_BENCH_WORST_TRIALS` (default 5) at the worst phase: the change is made 20 ms
//!   after the simulator counted the refresh's `GET /conferencecalls`, so only the next
//!   refresh can see it (reported with the 20 ms added back). `CONFTOP_BENCH_SEED` varies the
//!   random pauses (default fixed).
//! - `memory`: `CONFTOP_BENCH_MEM_ROOMS` conferences (default 1,000) × 10, history 5,000,
//!   conftop at its default budget (8 req/s) or `--budget CONFTOP_BENCH_MEM_BUDGET` (e.g.
//!   16, the most conftop allows). Waits until the header counts every participant and call
//!   lookups have stopped (none for 30 s), then VmRSS (and VmHWM) over
//!   `CONFTOP_BENCH_MEM_SAMPLE` seconds (default 20), with the CPU used then. With 1,000
//!   conferences a refresh costs 13 requests (the room list alone is 11 pages), so call
//!   details arrive with what is left of the budget: about 2.5 min after the first picture at
//!   8 req/s, under 1 min at 16.
//!
//! Other knobs: `CONFTOP_BENCH_SIZE` (terminal, default `160x50`), `CONFTOP_BENCH_MEM_TIMEOUT`
//! (s, default 1,800), `CONFTOP_BENCH_QUICK=1` (settle 5 s, idle 20 s, 5 + 2 trials, 10 s of
//! memory samples: a quick look, not the figures). Under `cargo test --benches` (no `--bench`
//! argument) only a short smoke run of `idle` and `latency` is made.
//!
//! Run: `cargo bench --bench live` (about 2.5 min for idle and latency, plus about 3 min for
//! the memory phase at the default budget, 1.5 min at budget 16).

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use conftop::sim::{ConferenceKind, Counter, Scenario, ServerOptions, Sim, SimConfig};
use tokio::runtime::Runtime;

use common::pty::Pty;
use common::revision;

const INTERVAL_S: u64 = 2;
const INTERVAL: &str = "2s";

// ----- settings -------------------------------------------------------------------------------

struct Settings {
    phases: Vec<String>,
    settle: Duration,
    idle: Duration,
    trials: usize,
    worst_trials: usize,
    seed: u64,
    mem_rooms: usize,
    mem_budget: Option<String>,
    mem_sample: Duration,
    mem_timeout: Duration,
    cols: u16,
    rows: u16,
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

impl Settings {
    fn from_env() -> Settings {
        let bench = std::env::args().any(|a| a == "--bench");
        let quick = !bench || std::env::var_os("CONFTOP_BENCH_QUICK").is_some();
        let default_phases = if bench {
            "idle,latency,memory"
        } else {
            "idle,latency"
        };
        let phases = std::env::var("CONFTOP_BENCH_PHASES")
            .unwrap_or_else(|_| default_phases.to_owned())
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        let (settle, idle, trials, worst, sample) = match (bench, quick) {
            (false, _) => (2, 4, 2, 1, 5),
            (true, true) => (5, 20, 5, 2, 10),
            (true, false) => (10, 60, 20, 5, 20),
        };
        let (cols, rows) = std::env::var("CONFTOP_BENCH_SIZE")
            .ok()
            .and_then(|s| {
                let (w, h) = s.split_once('x')?;
                Some((w.parse().ok()?, h.parse().ok()?))
            })
            .unwrap_or((160, 50));
        Settings {
            phases,
            settle: Duration::from_secs(env_u64("CONFTOP_BENCH_SETTLE", settle)),
            idle: Duration::from_secs(env_u64("CONFTOP_BENCH_IDLE", idle)),
            trials: env_u64("CONFTOP_BENCH_TRIALS", trials) as usize,
            worst_trials: env_u64("CONFTOP_BENCH_WORST_TRIALS", worst) as usize,
            seed: env_u64("CONFTOP_BENCH_SEED", 20_261_124),
            mem_rooms: env_u64("CONFTOP_BENCH_MEM_ROOMS", 1_000) as usize,
            mem_budget: std::env::var("CONFTOP_BENCH_MEM_BUDGET")
                .ok()
                .filter(|v| v != "default"),
            mem_sample: Duration::from_secs(env_u64("CONFTOP_BENCH_MEM_SAMPLE", sample)),
            mem_timeout: Duration::from_secs(env_u64("CONFTOP_BENCH_MEM_TIMEOUT", 1_800)),
            cols,
            rows,
        }
    }

    fn has(&self, phase: &str) -> bool {
        self.phases.iter().any(|p| p == phase)
    }
}

// ----- the binary in a pseudo-terminal ----------------------------------------------------------

/// The options every phase runs conftop with, and `extra`.
fn with_interval<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--interval", INTERVAL];
    all.extend_from_slice(extra);
    all
}

// ----- /proc ------------------------------------------------------------------------------------

fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// utime + stime of the whole process (all threads), in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc/pid/stat");
    // Fields after the command name (which may contain spaces) start with the state, field 3.
    let rest = &stat[stat.rfind(')').expect("comm") + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = f[11].parse().expect("utime");
    let stime: u64 = f[12].parse().expect("stime");
    utime + stime
}

/// A `kB` line of /proc/<pid>/status, e.g. `VmRSS`.
fn status_kb(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/pid/status");
    status
        .lines()
        .find_map(|l| {
            let v = l.strip_prefix(key)?.strip_prefix(':')?;
            v.split_whitespace().next()?.parse().ok()
        })
        .unwrap_or(0)
}

fn threads(pid: u32) -> u64 {
    status_kb(pid, "Threads")
}

/// Resident memory, split into anonymous (heap, stacks) and file-backed (the executable's and
/// libraries' pages in use).
fn memory_line(pid: u32) -> String {
    let mib = |k: &str| status_kb(pid, k) as f64 / 1024.0;
    format!(
        "VmRSS {:.1} MiB (RssAnon {:.1}, RssFile {:.1}), VmHWM {:.1} MiB, {} threads",
        mib("VmRSS"),
        mib("RssAnon"),
        mib("RssFile"),
        mib("VmHWM"),
        threads(pid)
    )
}

// ----- statistics -------------------------------------------------------------------------------

fn sorted(xs: &[f64]) -> Vec<f64> {
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    v
}

/// Nearest-rank percentile of a sorted sample.
fn pct(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    v[rank.min(v.len()) - 1]
}

fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn describe(xs: &[f64], unit: &str, digits: usize) -> String {
    let v = sorted(xs);
    if v.is_empty() {
        return "no samples".to_owned();
    }
    format!(
        "median {:.d$}{unit}, min {:.d$}{unit}, max {:.d$}{unit} (n={})",
        median(&v),
        v[0],
        v[v.len() - 1],
        v.len(),
        d = digits
    )
}

fn counter_delta(before: &Counter, after: &Counter) -> BTreeMap<String, u64> {
    after
        .iter()
        .map(|(k, v)| {
            let b = before
                .iter()
                .find(|(bk, _)| *bk == k)
                .map_or(0, |(_, bv)| bv);
            (k.to_owned(), v - b)
        })
        .filter(|(_, v)| *v > 0)
        .collect()
}

// ----- the simulator ----------------------------------------------------------------------------

fn start_sim(rt: &Runtime, conferences: usize) -> Sim {
    rt.block_on(Sim::start(SimConfig {
        scenario: Scenario {
            history: 5_000,
            conferences,
            participants: 10,
            connect_conferences: 0,
            churn_per_min: 0.0,
            ..Scenario::default()
        },
        server: ServerOptions::default(),
        ..SimConfig::default()
    }))
    .expect("simulator starts")
}

/// The number before "joined" in the header's totals ("… · 1000 joined · …").
fn joined_total(screen: &str) -> Option<u64> {
    let line = screen.lines().find(|l| l.contains(" joined"))?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let i = words.iter().position(|w| *w == "joined")?;
    words.get(i.checked_sub(1)?)?.parse().ok()
}

// ----- phases -----------------------------------------------------------------------------------

fn idle(pty: &Pty, sim: &Sim, s: &Settings) {
    let pid = pty.pid();
    let hz = clock_ticks_per_second();
    println!(
        "idle: settling {:?}, then measuring {:?} (CLK_TCK {hz})",
        s.settle, s.idle
    );
    std::thread::sleep(s.settle);
    let requests_before = sim.counter();
    let t_start = Instant::now();
    let mut samples: Vec<(Instant, u64)> = vec![(t_start, cpu_ticks(pid))];
    while t_start.elapsed() < s.idle {
        std::thread::sleep(Duration::from_secs(1));
        samples.push((Instant::now(), cpu_ticks(pid)));
    }
    let t_end = Instant::now();
    let requests = counter_delta(&requests_before, &sim.counter());
    let wall = (t_end - t_start).as_secs_f64();
    let (first, last) = (samples[0], samples[samples.len() - 1]);
    let overall = (last.1 - first.1) as f64 / hz / (last.0 - first.0).as_secs_f64() * 100.0;
    // Per 10 s window (CPU time is counted in 1/CLK_TCK s steps, so short windows are coarse).
    let mut windows = Vec::new();
    let mut i = 0;
    while i + 10 < samples.len() {
        let (a, b) = (samples[i], samples[i + 10]);
        windows.push((b.1 - a.1) as f64 / hz / (b.0 - a.0).as_secs_f64() * 100.0);
        i += 10;
    }
    let reads = pty.reads_since(t_start);
    let reads: Vec<(Instant, usize)> = reads.into_iter().filter(|(t, _)| *t <= t_end).collect();
    let total_bytes: usize = reads.iter().map(|r| r.1).sum();
    let mut per_second = vec![0f64; wall.floor().max(1.0) as usize];
    let mut bursts_per_second = vec![0f64; per_second.len()];
    let mut last_read: Option<Instant> = None;
    let mut bursts = 0usize;
    let mut burst_sizes: Vec<f64> = Vec::new();
    for (t, n) in &reads {
        let sec = (*t - t_start).as_secs() as usize;
        let new_burst = last_read.is_none_or(|l| *t - l > Duration::from_millis(30));
        if new_burst {
            bursts += 1;
            burst_sizes.push(0.0);
        }
        if let Some(last) = burst_sizes.last_mut() {
            *last += *n as f64;
        }
        if sec < per_second.len() {
            per_second[sec] += *n as f64;
            if new_burst {
                bursts_per_second[sec] += 1.0;
            }
        }
        last_read = Some(*t);
    }
    let total_requests: u64 = requests.values().sum();
    println!(
        "idle: RESULT cpu {overall:.3}% of one core over {wall:.0} s [target < 1%]; per 10 s \
         window: {}",
        describe(&windows, "%", 2)
    );
    println!(
        "idle: RESULT output {:.0} bytes/s on average; per second: {}",
        total_bytes as f64 / wall,
        describe(&per_second, " B", 0)
    );
    println!(
        "idle: RESULT redraws (bursts of output 30 ms apart) {:.2}/s ({bursts} in {wall:.0} s); \
         per second: {}; size: {}",
        bursts as f64 / wall,
        describe(&bursts_per_second, "", 0),
        describe(&burst_sizes, " B", 0)
    );
    println!(
        "idle: RESULT requests answered by the simulator: {:.2}/s ({total_requests} in {wall:.0} s): \
         {requests:?}",
        total_requests as f64 / wall
    );
    println!("idle: conftop {}", memory_line(pid));
}

fn latency(pty: &Pty, sim: &Sim, s: &Settings) {
    // The conference drawn first: its new member is the last row of the first group.
    let screen = pty.text();
    let conferences: Vec<(uuid::Uuid, String)> = sim.with_world(|w| {
        w.open_conferences(0)
            .iter()
            .filter(|r| r.kind == ConferenceKind::Conference)
            .map(|r| (r.id, r.name.clone()))
            .collect()
    });
    let lines: Vec<&str> = screen.lines().collect();
    let (conference, name) = conferences
        .iter()
        .filter_map(|(id, name)| {
            let header = format!("▾ {name}  ");
            lines
                .iter()
                .position(|l| l.contains(&header))
                .map(|row| (row, *id, name.clone()))
        })
        .min()
        .map(|(_, id, name)| (id, name))
        .expect("a conference header on screen");
    let target = Duration::from_millis(INTERVAL_S * 1000 + 100);
    println!(
        "latency: {} trials in {name:?} (the first conference on screen); target {target:?}",
        s.trials
    );
    let mut rng = fastrand::Rng::with_seed(s.seed);
    let mut results: Vec<f64> = Vec::new();
    let mut missed = 0;
    for trial in 0..s.trials {
        // A random phase against the refresh cycle.
        std::thread::sleep(Duration::from_millis(500 + rng.u64(..INTERVAL_S * 1000)));
        match one_change(pty, sim, conference) {
            Some((ms, short)) => {
                println!("latency: trial {:>2}: {ms:7.1} ms  ({short})", trial + 1);
                results.push(ms);
            }
            None => {
                missed += 1;
                println!("latency: trial {:>2}: not on screen within 10 s", trial + 1);
            }
        }
    }
    report("latency", &results, missed, target, Duration::ZERO);

    // The worst phase: the change lands just after a refresh read the newest participants, so
    // only the next refresh can see it. Wait for the simulator to count a
    // `GET /conferencecalls`, give it WORST_GUARD to answer, then change.
    let mut worst: Vec<f64> = Vec::new();
    let mut missed = 0;
    for trial in 0..s.worst_trials {
        std::thread::sleep(Duration::from_millis(500));
        let pages = |sim: &Sim| sim.counter().get("GET", "/conferencecalls");
        let before = pages(sim);
        let deadline = Instant::now() + Duration::from_secs(10);
        while pages(sim) == before && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(WORST_GUARD);
        match one_change(pty, sim, conference) {
            Some((ms, short)) => {
                println!(
                    "latency: worst-phase trial {:>2}: {ms:7.1} ms (+{} ms guard)  ({short})",
                    trial + 1,
                    WORST_GUARD.as_millis()
                );
                worst.push(ms);
            }
            None => {
                missed += 1;
                println!(
                    "latency: worst-phase trial {:>2}: not on screen within 10 s",
                    trial + 1
                );
            }
        }
    }
    if s.worst_trials > 0 {
        report("latency worst phase", &worst, missed, target, WORST_GUARD);
    }
}

/// How long after the simulator counts a `GET /conferencecalls` the worst-phase change is made,
/// so that the request has surely been answered without it.
const WORST_GUARD: Duration = Duration::from_millis(20);

/// Spawns a participant in `conference`, waits until its short id is on screen, then hangs it up.
/// Returns the milliseconds it took and the short id.
fn one_change(pty: &Pty, sim: &Sim, conference: uuid::Uuid) -> Option<(f64, String)> {
    let id = sim
        .with_world(|w| w.spawn_participant(conference))
        .expect("the conference exists");
    let t0 = Instant::now();
    let short: String = id.simple().to_string()[..8].to_owned();
    pty.watch(&short);
    let deadline = t0 + Duration::from_secs(10);
    let seen = loop {
        if let Some(at) = pty.seen() {
            break Some(at);
        }
        if Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    sim.with_world(|w| w.hang_up(id));
    seen.map(|at| (at.saturating_duration_since(t0).as_secs_f64() * 1e3, short))
}

/// Prints the distribution of latencies (plus `guard`, the part of the cycle a worst-phase
/// trial skipped) against the target.
fn report(what: &str, results: &[f64], missed: usize, target: Duration, guard: Duration) {
    let g = guard.as_secs_f64() * 1e3;
    let v: Vec<f64> = sorted(results).iter().map(|x| x + g).collect();
    let over = v
        .iter()
        .filter(|&&x| x > target.as_secs_f64() * 1e3)
        .count();
    let plus = if guard.is_zero() {
        String::new()
    } else {
        format!(" (guard of {g:.0} ms included)")
    };
    println!(
        "latency: RESULT {what}: median {:.0} ms, p90 {:.0} ms, max {:.0} ms, min {:.0} ms{plus} \
         (n={}, {missed} never seen); {over} over the {} ms target",
        median(&v),
        pct(&v, 90.0),
        v.last().copied().unwrap_or(f64::NAN),
        v.first().copied().unwrap_or(f64::NAN),
        v.len(),
        target.as_millis()
    );
}

fn memory(rt: &Runtime, s: &Settings) {
    let sim = start_sim(rt, s.mem_rooms);
    let expected = (s.mem_rooms * 10) as u64;
    let mut extra: Vec<&str> = Vec::new();
    if let Some(b) = &s.mem_budget {
        extra.extend(["--budget", b.as_str()]);
    }
    let t0 = Instant::now();
    let pty = Pty::spawn(&sim, &with_interval(&extra), s.cols, s.rows);
    let pid = pty.pid();
    println!(
        "memory: {} conferences x 10 = {expected} participants, budget {}; waiting for all of \
         them on screen (timeout {:?})",
        s.mem_rooms,
        s.mem_budget.as_deref().unwrap_or("8 (default)"),
        s.mem_timeout
    );
    let mut last_report = Instant::now();
    let mut first_data: Option<Duration> = None;
    let all = loop {
        let screen = pty.text();
        let joined = joined_total(&screen);
        if first_data.is_none() && joined.is_some_and(|j| j > 0) {
            first_data = Some(t0.elapsed());
        }
        if joined == Some(expected) {
            break Some(t0.elapsed());
        }
        if t0.elapsed() > s.mem_timeout {
            break None;
        }
        if last_report.elapsed() >= Duration::from_secs(30) {
            last_report = Instant::now();
            println!(
                "memory:   {:>4.0} s: {}, {} requests so far, header: {:?}",
                t0.elapsed().as_secs_f64(),
                memory_line(pid),
                sim.counter().total(),
                joined
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let Some(all) = all else {
        println!(
            "memory: RESULT not all participants shown within {:?}",
            s.mem_timeout
        );
        pty.quit();
        return;
    };
    println!(
        "memory: RESULT first picture of {expected} participants after {:.1} s ({} requests; \
         first data on screen after {:.1} s)",
        all.as_secs_f64(),
        sim.counter().total(),
        first_data.unwrap_or(all).as_secs_f64()
    );
    // Settled once call lookups stop: no request for call details for 15 refresh intervals
    // (with little spare budget they come a few refreshes apart).
    let calls = |c: &Counter| c.get("GET", "/calls") + c.get("GET", "/calls/{id}");
    let mut last = calls(&sim.counter());
    let mut quiet_since = Instant::now();
    let settle_deadline = Instant::now() + Duration::from_secs(600);
    while quiet_since.elapsed() < Duration::from_secs(15 * INTERVAL_S) {
        if Instant::now() > settle_deadline {
            println!("memory: call lookups still running after 600 s; measuring anyway");
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
        let now = calls(&sim.counter());
        if now != last {
            last = now;
            quiet_since = Instant::now();
        }
    }
    println!(
        "memory: call lookups done after {:.1} s ({} call requests)",
        t0.elapsed().as_secs_f64(),
        last
    );
    let hz = clock_ticks_per_second();
    let before = sim.counter();
    let (c0, w0) = (cpu_ticks(pid), Instant::now());
    let mut rss = Vec::new();
    while w0.elapsed() < s.mem_sample {
        rss.push(status_kb(pid, "VmRSS") as f64 / 1024.0);
        std::thread::sleep(Duration::from_secs(1));
    }
    let cpu = (cpu_ticks(pid) - c0) as f64 / hz / w0.elapsed().as_secs_f64() * 100.0;
    let requests = counter_delta(&before, &sim.counter());
    let screen = pty.text();
    let rows = screen.lines().filter(|l| l.contains("JOINED")).count();
    let unresolved = screen
        .lines()
        .filter(|l| l.contains("JOINED") && l.contains("   … "))
        .count();
    println!(
        "memory: participant rows on screen: {rows}, of which {unresolved} without caller \
         details yet (\"…\"); call requests so far: {}",
        calls(&sim.counter())
    );
    println!(
        "memory: RESULT VmRSS {} [target < 30 MB = 28.6 MiB]; at the end: {}",
        describe(&rss, " MiB", 1),
        memory_line(pid)
    );
    println!(
        "memory: RESULT cpu {cpu:.2}% of one core while settled with {expected} participants; \
         requests then: {requests:?}"
    );
    pty.quit();
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let s = Settings::from_env();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    println!(
        "live: conftop {} at {}, terminal {}x{}, interval {INTERVAL_S}s, phases {:?}",
        env!("CARGO_BIN_EXE_conftop"),
        revision(),
        s.cols,
        s.rows,
        s.phases
    );
    if s.has("idle") || s.has("latency") {
        let sim = start_sim(&rt, 100);
        let t0 = Instant::now();
        let pty = Pty::spawn(&sim, &with_interval(&[]), s.cols, s.rows);
        let shown = pty
            .wait_for(Duration::from_secs(60), |t| {
                joined_total(t) == Some(1_000) && t.contains("● JOINED")
            })
            .expect("1,000 participants on screen within 60 s");
        println!(
            "live: 100 conferences x 10 = 1000 participants on screen {:.0} ms after start",
            (shown - t0).as_secs_f64() * 1e3
        );
        if s.has("idle") {
            idle(&pty, &sim, &s);
        }
        if s.has("latency") {
            latency(&pty, &sim, &s);
        }
        pty.quit();
    }
    if s.has("memory") {
        memory(&rt, &s);
    }
}
