//! A busy account (hundreds live among dense recent history) and several viewers at once: the
//! first picture comes from the room lists, details fill in, and viewers share the customer's
//! limit without a storm of 429s.

use std::time::Duration;

use conftop::sim::{RateLimit, Scenario, ServerOptions, Sim, SimConfig};
use conftop::sync::{self, BudgetConfig, SyncConfig, SyncEvent};
use tokio::time::{Instant, timeout};

use crate::common::{client_for, sim_with};

/// The busy scenario, still (no churn), with the real server's customer limit.
async fn busy_sim() -> Sim {
    sim_with(SimConfig {
        scenario: Scenario {
            churn_per_min: 0.0,
            ..Scenario::busy()
        },
        server: ServerOptions {
            rate_limit: Some(RateLimit::default()),
            ..ServerOptions::default()
        },
        ..SimConfig::default()
    })
    .await
}

fn polling(budget: BudgetConfig) -> SyncConfig {
    SyncConfig {
        budget,
        ..SyncConfig::polling_only()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_picture_comes_from_the_room_lists() {
    let sim = busy_sim().await;
    let live = sim.with_world(|w| w.live_participants(0).len());
    let rooms = sim.with_world(|w| w.open_conferences(0).len());
    assert!(live >= 450 && rooms == 50, "{live} live in {rooms}");
    sim.reset_counter();
    let mut handle = sync::spawn(client_for(&sim), polling(BudgetConfig::default()));
    let first = loop {
        let ev = timeout(Duration::from_secs(10), handle.events.recv())
            .await
            .expect("a picture in time")
            .expect("the sync task runs");
        if let SyncEvent::Snapshot(s) = ev {
            break s;
        }
    };
    // Customer and room list only: every room and every listed participant, details to come.
    // (As the tracker counted when it sent it: it goes on walking meanwhile.)
    assert!(first.requests <= 3, "{}", first.requests);
    assert_eq!(first.conferences.len(), 50);
    let listed: usize = first
        .conferences
        .values()
        .map(|c| c.conferencecall_ids.len())
        .sum();
    assert!(first.participants.len() >= listed, "a row per listed id");
    assert!(first.awaited > listed / 2, "{} awaited", first.awaited);
    let placeholders = first.participants.iter().filter(|p| p.tm_create.is_none());
    assert_eq!(placeholders.count(), first.awaited);

    // Then the details fill in, within the budget, and the picture completes.
    let t0 = Instant::now();
    let mut last = first;
    while last.awaited > 0 {
        let ev = timeout(Duration::from_secs(120), handle.events.recv())
            .await
            .expect("the picture completes")
            .expect("the sync task runs");
        if let SyncEvent::Snapshot(s) = ev {
            assert!(
                s.awaited <= last.awaited || s.awaited < 20,
                "progress only goes on"
            );
            last = s;
        }
    }
    let took = t0.elapsed();
    let requests = sim.counter().total();
    // A walk of the recent pages, not one request per participant.
    assert!(
        requests < live as u64,
        "{requests} requests for {live} participants"
    );
    assert_eq!(sim.counter().status(429), 0);
    println!("busy: complete after {took:?}, {requests} requests");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewers_started_together_share_the_limit_without_a_storm() {
    let sim = busy_sim().await;
    sim.reset_counter();
    let mut viewers: Vec<_> = (0..4)
        .map(|_| {
            sync::spawn(
                client_for(&sim),
                SyncConfig {
                    // A fixed budget at the ceiling would storm: 4 × 8 > 17.
                    budget: BudgetConfig::adaptive(8.0),
                    ..SyncConfig::default()
                },
            )
        })
        .collect();
    let t0 = Instant::now();
    let mut complete = [None::<Duration>; 4];
    while t0.elapsed() < Duration::from_secs(40) && complete.iter().any(Option::is_none) {
        for (i, v) in viewers.iter_mut().enumerate() {
            while let Ok(ev) = v.events.try_recv() {
                if let SyncEvent::Snapshot(s) = ev
                    && s.awaited == 0
                    && complete[i].is_none()
                {
                    complete[i] = Some(t0.elapsed());
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let c = sim.counter();
    let (total, storms) = (c.total(), c.status(429));
    println!("4 viewers: {total} requests, {storms} answered 429, complete {complete:?}");
    assert!(storms <= 8, "{storms} answers 429 of {total}");
    assert!(total > 200, "they did work: {total}");
}
