//! Optional work on a busy account: callers are looked up only when wanted (on screen, or
//! everyone's once the user searches), in bulk only when the pages are fewer than the calls,
//! and the background history scan reads a page now and then instead of hundreds at once.

use std::collections::HashSet;

use conftop::sim::{Scenario, ServerOptions, Sim, SimConfig};
use conftop::sync::{self, BudgetConfig, SyncEvent, Tracker, TrackerConfig, Wanted};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::common::{client_for, sim_with};

/// A still world without a rate limit.
async fn still(scenario: Scenario) -> Sim {
    sim_with(SimConfig {
        scenario: Scenario {
            churn_per_min: 0.0,
            ..scenario
        },
        server: ServerOptions {
            rate_limit: None,
            ..ServerOptions::default()
        },
        ..SimConfig::default()
    })
    .await
}

/// Runs `turns` refreshes with what is `wanted`; returns the live participants' call ids and
/// the calls named so far.
async fn refresh(
    sim: &Sim,
    tracker: &mut Tracker,
    wanted: &Wanted,
    turns: usize,
    named: &mut HashSet<Uuid>,
) -> HashSet<Uuid> {
    let unlimited = BudgetConfig::fixed(1e6, 1e6);
    refresh_on(unlimited, sim, tracker, wanted, turns, named).await
}

/// [`refresh`] on a budget of its own.
async fn refresh_on(
    budget: BudgetConfig,
    sim: &Sim,
    tracker: &mut Tracker,
    wanted: &Wanted,
    turns: usize,
    named: &mut HashSet<Uuid>,
) -> HashSet<Uuid> {
    let client = client_for(sim);
    let budget = sync::Budget::new(budget);
    let (tx, mut rx) = mpsc::channel::<SyncEvent>(4096);
    let mut live = HashSet::new();
    for _ in 0..turns {
        let mut f = sync::Fetcher::new(&client, &budget);
        tracker
            .refresh(&mut f, jiff::Timestamp::now(), wanted, &tx, false)
            .await
            .expect("refresh");
        while let Ok(ev) = rx.try_recv() {
            match ev {
                SyncEvent::Snapshot(s) => {
                    live = s
                        .participants
                        .iter()
                        .filter_map(|p| p.reference_id)
                        .collect()
                }
                SyncEvent::Calls(calls) => named.extend(calls.iter().map(|c| c.id)),
                _ => {}
            }
        }
    }
    live
}

fn calls_asked(sim: &Sim) -> u64 {
    sim.counter().get("GET", "/calls") + sim.counter().get("GET", "/calls/{id}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_callers_on_screen_are_looked_up_until_a_search() {
    let sim = still(Scenario {
        conferences: 30,
        participants: 10,
        connect_conferences: 0,
        queue_conferences: 0,
        history: 100,
        ..Scenario::default()
    })
    .await;
    let mut tracker = Tracker::new(TrackerConfig::default());
    let mut named = HashSet::new();

    // Nothing on screen yet: no caller is asked about.
    let live = refresh(&sim, &mut tracker, &Wanted::default(), 2, &mut named).await;
    assert_eq!(live.len(), 300);
    assert_eq!(
        calls_asked(&sim),
        0,
        "no call looked up for nobody on screen"
    );
    assert!(named.is_empty());

    // Five rows on screen: those five, and only those.
    let shown: Vec<Uuid> = live.iter().take(5).copied().collect();
    let on_screen = Wanted {
        visible: shown.clone(),
        ..Wanted::default()
    };
    refresh(&sim, &mut tracker, &on_screen, 3, &mut named).await;
    assert_eq!(named, shown.iter().copied().collect::<HashSet<_>>());
    assert!(
        calls_asked(&sim) <= 5,
        "{} call requests",
        calls_asked(&sim)
    );

    // A search: everyone's, in bulk (these calls are dense on the newest pages).
    sim.reset_counter();
    refresh(&sim, &mut tracker, &Wanted::everyone(), 3, &mut named).await;
    assert!(
        live.is_subset(&named),
        "{} of {} named",
        named.len(),
        live.len()
    );
    assert!(
        sim.counter().get("GET", "/calls/{id}") < 10,
        "dense calls are listed, not fetched one by one: {}",
        sim.counter().get("GET", "/calls/{id}")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_spread_through_dense_history_are_fetched_one_by_one() {
    // A hundred live participants among 10,000 calls of the last three hours: twenty rows on
    // screen sit on about a hundred pages of `GET /calls`, so listing them would cost five
    // times what asking for each does.
    let sim = still(Scenario {
        conferences: 10,
        participants: 10,
        history: 20_000,
        recent_share: 0.5,
        ..Scenario::busy()
    })
    .await;
    let mut tracker = Tracker::new(TrackerConfig::default());
    let mut named = HashSet::new();
    let live = refresh(&sim, &mut tracker, &Wanted::default(), 1, &mut named).await;
    assert_eq!(live.len(), 100);
    // Twenty of them, the oldest first, as rows far down a list would be.
    let mut by_age: Vec<(i64, Uuid)> = sim.with_world(|w| {
        w.live_participants(0)
            .iter()
            .map(|p| (p.tm_create, p.call))
            .collect()
    });
    by_age.sort();
    let shown: Vec<Uuid> = by_age.iter().take(20).map(|p| p.1).collect();
    sim.reset_counter();
    let on_screen = Wanted {
        visible: shown.clone(),
        ..Wanted::default()
    };
    refresh(&sim, &mut tracker, &on_screen, 2, &mut named).await;
    assert_eq!(named, shown.iter().copied().collect::<HashSet<_>>());
    let pages = sim.counter().get("GET", "/calls");
    let one_by_one = sim.counter().get("GET", "/calls/{id}");
    assert!(
        pages <= 2,
        "a page or two to learn the density, not a walk: {pages}"
    );
    assert!(one_by_one <= 20, "{one_by_one}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_a_search_is_on_every_callers_name_draws_on_the_whole_rate() {
    // Callers spread thin (one by one), and a budget that leaves optional work nothing: only a
    // search on may name those off screen.
    let sim = still(Scenario {
        conferences: 10,
        participants: 10,
        history: 20_000,
        recent_share: 0.5,
        ..Scenario::busy()
    })
    .await;
    let budget = BudgetConfig {
        optional_share: 0.0,
        ..BudgetConfig::fixed(1e6, 1e6)
    };
    let mut tracker = Tracker::new(TrackerConfig::default());
    let mut named = HashSet::new();
    let searched_once = Wanted {
        searching: false,
        ..Wanted::everyone()
    };
    let live = refresh_on(budget, &sim, &mut tracker, &searched_once, 2, &mut named).await;
    assert_eq!(live.len(), 100);
    assert!(
        calls_asked(&sim) <= 1 && named.len() < 10,
        "everyone's wanted, but on optional work's share (here one request): {} requests, {} named",
        calls_asked(&sim),
        named.len()
    );
    let searching = Wanted {
        searching: true,
        ..Wanted::everyone()
    };
    refresh_on(budget, &sim, &mut tracker, &searching, 1, &mut named).await;
    assert!(
        live.is_subset(&named),
        "{} of {} named",
        named.len(),
        live.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_scan_reads_a_page_every_few_refreshes() {
    // Small pages make a long history of a small world: the newest pages hold every live
    // participant, and the scan of the day behind them is many pages.
    let sim = still(Scenario {
        conferences: 5,
        participants: 4,
        history: 3_000,
        ..Scenario::default()
    })
    .await;
    let cfg = TrackerConfig {
        page_size: 10,
        // A day of history to scan, whatever this server's calls last.
        horizon: conftop::sync::HorizonSetting::Fixed(jiff::SignedDuration::from_hours(24)),
        ..TrackerConfig::default()
    };
    let every = cfg.scan_every;
    let mut tracker = Tracker::new(cfg);
    let mut named = HashSet::new();
    refresh(&sim, &mut tracker, &Wanted::default(), 1, &mut named).await;
    let first = sim.counter().get("GET", "/conferencecalls");
    sim.reset_counter();
    let turns = 2 * every as usize;
    refresh(&sim, &mut tracker, &Wanted::default(), turns, &mut named).await;
    let pages = sim.counter().get("GET", "/conferencecalls");
    // One newest page per refresh, and two scan pages in forty refreshes.
    assert!(
        first < 20,
        "the full walk stopped at the live participants: {first}"
    );
    assert_eq!(
        pages,
        turns as u64 + 2,
        "{pages} pages in {turns} refreshes"
    );
}
