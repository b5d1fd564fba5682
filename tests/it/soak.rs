//! Runs for days: a long, accelerated scenario with thousands of joins and leaves. What conftop
//! holds must stay bounded by what is live now, not grow with what has passed.

use std::time::Duration;

use conftop::app::Mode;
use conftop::sim::{Scenario, ServerOptions, SimConfig};
use tokio::time::Instant;

use crate::common::sim_with;
use crate::live::{Live, Options};

// Forty seconds of wall time: run by `.ci/run` (`cargo test --test it -- --ignored`), not by
// every `cargo test`.
#[ignore = "a 40 s soak; .ci/run runs it"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_bounded_through_thousands_of_joins_and_leaves() {
    // 400 live participants; simulated time runs 4× faster; 1,500 arrivals per simulated
    // minute (100 per real second), each staying 16 simulated seconds on average.
    let sim = sim_with(SimConfig {
        scenario: Scenario {
            history: 2_000,
            conferences: 40,
            participants: 10,
            connect_conferences: 4,
            churn_per_min: 1_500.0,
            conference_lifetime: 2 * 60 * 1_000_000,
            join_delay: 1_000_000,
            leave_delay: 1_000_000,
            ..Scenario::default()
        },
        server: ServerOptions {
            rate_limit: None,
            ..ServerOptions::default()
        },
        speed: 4.0,
        ..SimConfig::default()
    })
    .await;
    let mut live = Live::start(
        &sim,
        Options {
            mode: Mode::Kiosk,
            ..Options::default()
        },
    );
    let start_records = sim.with_world(|w| w.sizes().0);
    let t0 = Instant::now();
    let mut peak = (0usize, 0usize, 0usize);
    while t0.elapsed() < Duration::from_secs(40) {
        live.pump(Duration::from_secs(1)).await;
        let a = &live.app;
        peak.0 = peak.0.max(a.participants.len());
        peak.1 = peak.1.max(a.callers.len());
        peak.2 = peak.2.max(a.conferences.len());
    }
    let joined = sim.with_world(|w| w.sizes().0) - start_records;
    let live_now = sim.with_world(|w| w.live_participants(0).len());
    println!(
        "{joined} participants joined during the run; peak held: {} participants, {} callers, {} rooms; {live_now} live now",
        peak.0, peak.1, peak.2
    );
    assert!(joined >= 3_000, "the scenario churned ({joined} joins)");
    // Live participants plus those lingering for 5 s after leaving (about 100 leave per second
    // at this rate), with headroom; far below everything that passed through.
    let bound = live_now + 800;
    assert!(
        peak.0 <= bound,
        "participants held peaked at {} (bound {bound})",
        peak.0
    );
    assert!(peak.0 * 3 < joined, "held {} of {joined}", peak.0);
    assert!(
        peak.1 <= peak.0,
        "call details are evicted with their participants"
    );
    assert!(peak.2 <= 40 + 4 + 40, "rooms held peaked at {}", peak.2);
    assert!(live.is_live(), "kept up: {:?}", live.app.freshness());
}
