//! Where the memory goes with 10,000 participants (1,000 conferences × 10): the heap held by the
//! app state, by the sync task's tracker, and by a snapshot on its way between them, counted by
//! a global allocator that keeps the number of live heap bytes. These are exact heap figures
//! (no allocator overhead, fragmentation, stacks or code); the binary's resident memory is
//! measured by `benches/live.rs` (`memory` phase).
//!
//! Run: `cargo bench --bench memory` (a few seconds; the tracker part fetches from an
//! in-process simulator without rate limit).

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use conftop::api::{Call, Conference, Conferencecall};
use conftop::app::model::{self, Caller, Participant};
use conftop::app::{Event, update};
use conftop::sim::{Scenario, ServerOptions, Sim, SimConfig};
use conftop::sync::{Budget, BudgetConfig, Fetcher, SyncEvent, Tracker, TrackerConfig, Wanted};

use common::{INTERACTIVE, client_for, empty_state, revision, t0, world};

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grow(n: usize) {
    let now = LIVE.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrink(n: usize) {
    LIVE.fetch_sub(n, Ordering::Relaxed);
}

// SAFETY: every call is passed to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        shrink(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            shrink(layout.size());
            grow(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Starts counting a new peak from the current level.
fn reset_peak() {
    PEAK.store(live(), Ordering::Relaxed);
}

fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

fn mib(bytes: usize) -> String {
    format!("{:6.2} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn per(bytes: usize, n: usize) -> String {
    format!("{:5.0} B each", bytes as f64 / n as f64)
}

fn app_side() {
    let w = world(1_000, 10, 42);
    let n = w.participants.len();

    let before = live();
    let snap = w.snapshot();
    let snapshot_bytes = live() - before;
    let before = live();
    let calls: Vec<Call> = w.calls.clone();
    let calls_bytes = live() - before;

    let before = live();
    let mut s = empty_state(INTERACTIVE);
    let empty = live() - before;
    reset_peak();
    update(&mut s, Event::Sync(SyncEvent::Snapshot(snap.clone())), t0());
    let with_participants = live() - before;
    let peak_snapshot = peak() - before;
    reset_peak();
    // The batch is consumed (and freed) by the update; it was allocated before `before`.
    update(&mut s, Event::Sync(SyncEvent::Calls(calls)), t0());
    let with_callers = live() + calls_bytes - before;
    // `before` already counts the batch, so this is what the state needs on top of it.
    let peak_calls = peak() - before;

    println!(
        "memory: sizes: Conferencecall {} B, Conference {} B, Call {} B, Participant {} B, \
         conference state {} B, Caller {} B (plus their heap strings)",
        size_of::<Conferencecall>(),
        size_of::<Conference>(),
        size_of::<Call>(),
        size_of::<Participant>(),
        size_of::<model::Conference>(),
        size_of::<Caller>()
    );
    println!(
        "memory: a Snapshot of {n} participants in 1000 conferences: {} ({})",
        mib(snapshot_bytes),
        per(snapshot_bytes, n)
    );
    println!(
        "memory: a batch of {n} calls as decoded: {} ({})",
        mib(calls_bytes),
        per(calls_bytes, n)
    );
    println!("memory: RESULT app state, empty: {}", mib(empty));
    println!(
        "memory: RESULT app state with {n} participants (participants, rooms, view): {} ({}); \
         peak while applying the snapshot {}",
        mib(with_participants),
        per(with_participants, n),
        mib(peak_snapshot)
    );
    println!(
        "memory: RESULT app state with their callers too: {} (callers {}, {}); peak while \
         applying the calls (on top of the batch itself) {}",
        mib(with_callers),
        mib(with_callers - with_participants),
        per(with_callers - with_participants, n),
        mib(peak_calls)
    );
    drop(s);
    drop(snap);
}

fn sync_side() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let sim = rt
        .block_on(Sim::start(SimConfig {
            scenario: Scenario {
                history: 5_000,
                conferences: 1_000,
                participants: 10,
                connect_conferences: 0,
                churn_per_min: 0.0,
                ..Scenario::default()
            },
            server: ServerOptions {
                rate_limit: None,
                ..ServerOptions::default()
            },
            ..SimConfig::default()
        }))
        .expect("simulator starts");
    let client = client_for(&sim);
    let budget = Budget::new(BudgetConfig::fixed(1e9, 1e9));
    let (tx, mut rx) = tokio::sync::mpsc::channel::<SyncEvent>(4096);
    rt.block_on(async {
        // Warm the connection pool and the runtime before counting.
        let _ = client.get_customer().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let before = live();
        let mut tracker = Tracker::new(TrackerConfig::default());
        let mut peaks = Vec::new();
        let mut requests = Vec::new();
        for _ in 0..3 {
            reset_peak();
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
            requests.push(f.requests);
            while let Ok(ev) = rx.try_recv() {
                drop(ev);
            }
            peaks.push(peak().saturating_sub(before));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let held = live().saturating_sub(before);
        println!(
            "memory: RESULT sync tracker with {} live participants after 3 refreshes \
             ({requests:?} requests): {} held ({}); peak during a refresh (the simulator's \
             answers in this process included): {}",
            tracker.live_count(),
            mib(held),
            per(held, tracker.live_count().max(1)),
            mib(peaks.iter().copied().max().unwrap_or(0))
        );
        drop(tracker);
    });
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    println!("memory: conftop at {}", revision());
    app_side();
    sync_side();
}
