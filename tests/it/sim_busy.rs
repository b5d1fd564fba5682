//! The busy-account scenario: recent history interleaved with the live participants, so a
//! newest-first walk of `GET /conferencecalls` meets them only deep in the list.

use conftop::sim::{Scenario, ServerOptions, Sim, SimConfig};
use serde_json::Value;

use crate::common::sim_with;

const HOUR: i64 = 3_600_000_000;

async fn start(scenario: Scenario) -> Sim {
    sim_with(SimConfig {
        scenario,
        server: ServerOptions {
            rate_limit: None,
            ..ServerOptions::default()
        },
        ..SimConfig::default()
    })
    .await
}

/// The busy preset at a tenth of its size, standing still.
fn small_busy() -> Scenario {
    Scenario {
        history: 10_000,
        conferences: 20,
        churn_per_min: 0.0,
        ..Scenario::busy()
    }
}

/// Walks `GET /conferencecalls` newest first through the last `hours`: per page of 100, how
/// many records are live and how many finished.
async fn walk_recent(sim: &Sim, hours: i64) -> Vec<(usize, usize)> {
    let since = sim.with_world(|w| w.now()) - hours * HOUR;
    let mut pages = Vec::new();
    let mut token = String::new();
    loop {
        let page: Value = reqwest::get(format!(
            "{}/conferencecalls?page_size=100&page_token={token}&accesskey={}",
            sim.base_url(),
            sim.access_key()
        ))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        let mut counts = (0, 0);
        let mut done = false;
        for p in page["result"].as_array().unwrap() {
            let created: jiff::Timestamp = p["tm_create"].as_str().unwrap().parse().unwrap();
            if created.as_microsecond() < since {
                done = true;
                break;
            }
            if p["status"] == "leaved" {
                counts.1 += 1;
            } else {
                counts.0 += 1;
            }
        }
        pages.push(counts);
        token = page["next_page_token"].as_str().unwrap().to_owned();
        if done || token.is_empty() {
            return pages;
        }
    }
}

#[tokio::test]
async fn live_participants_are_spread_through_the_recent_pages() {
    // A server whose calls outlast the hour: the live ones joined anywhere in the window.
    let scenario = Scenario {
        call_limit: None,
        ..small_busy()
    };
    let live_total = scenario.conferences * scenario.participants;
    let recent = scenario.recent_records();
    assert_eq!(recent, 3_000);
    let sim = start(scenario).await;
    assert_eq!(sim.with_world(|w| w.live_participants(0).len()), live_total);

    let pages = walk_recent(&sim, 3).await;
    let live: usize = pages.iter().map(|p| p.0).sum();
    let finished: usize = pages.iter().map(|p| p.1).sum();
    assert_eq!(
        live, live_total,
        "every live participant joined in the window"
    );
    // The recent share is as asked (a few older records may straddle the window's edge).
    assert!((2_990..=3_030).contains(&finished), "{finished}");
    assert!(
        pages[0].0 <= live_total / 10,
        "the first page holds {} of {live_total} live participants",
        pages[0].0
    );
    let with_live = pages.iter().filter(|p| p.0 > 0).count();
    assert!(
        with_live * 2 >= pages.len(),
        "live participants on {with_live} of {} pages",
        pages.len()
    );
    let last_half: usize = pages[pages.len() / 2..].iter().map(|p| p.0).sum();
    assert!(last_half * 4 >= live_total, "{last_half} in the older half");
}

#[tokio::test]
async fn without_a_recent_share_the_live_participants_come_first() {
    let sim = start(Scenario {
        recent_share: 0.0,
        ..small_busy()
    })
    .await;
    let pages = walk_recent(&sim, 3).await;
    assert_eq!(pages[0], (100, 0));
    assert_eq!(pages[1], (100, 0));
    // Only the tail of the old history reaches into the window.
    let finished: usize = pages.iter().map(|p| p.1).sum();
    assert!(finished < 100, "{finished}");
}
