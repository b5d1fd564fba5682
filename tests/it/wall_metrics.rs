//! A wall with `--metrics-listen`: the kiosk in a pseudo-terminal, scraped while it shows the
//! rooms; the screen and the metrics tell the same truth.

use std::time::Duration;

use conftop::sim::{Faults, Scenario, ServerOptions, SimConfig};

use crate::common::sim_with;
use crate::pty::Pty;
use crate::scrape;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wall_serves_its_metrics_and_both_go_stale_together() {
    let sim = sim_with(SimConfig {
        scenario: Scenario {
            seed: 3,
            conferences: 2,
            participants: 3,
            connect_conferences: 0,
            history: 30,
            churn_per_min: 0.0,
            ..Scenario::default()
        },
        server: ServerOptions {
            rate_limit: None,
            ..ServerOptions::default()
        },
        ..SimConfig::default()
    })
    .await;
    let (url, key) = (sim.base_url(), sim.access_key());
    let env = [
        ("VOIPBIN_API_URL", url.as_str()),
        ("VN_ACCESS_KEY", key.as_str()),
    ];
    let mut pty = Pty::spawn(
        &[
            "--kiosk",
            "--no-push",
            "--interval",
            "1s",
            "--metrics-listen",
            "127.0.0.1:0",
        ],
        &env,
        120,
        30,
    );
    pty.wait_for(WAIT, |s| s.contains("● live")).await;
    // Where it listens is in its log (an ephemeral port was asked for).
    let deadline = tokio::time::Instant::now() + WAIT;
    let addr = loop {
        let log = pty.log();
        if let Some(rest) = log.split("metrics at http://").nth(1) {
            break rest.split("/metrics").next().unwrap().to_owned();
        }
        assert!(tokio::time::Instant::now() < deadline, "{log}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let people = sim.with_world(|w| w.live_participants(0).len()) as f64;
    scrape::until(&addr, WAIT, |s| {
        s.state().as_deref() == Some("live") && s.sum("conftop_participants") == people
    })
    .await;

    sim.set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    pty.wait_for(WAIT, |s| s.contains("STALE")).await;
    let s = scrape::until(&addr, WAIT, |s| s.state().as_deref() == Some("stale")).await;
    assert!(s.get("conftop_data_age_seconds", &[]).unwrap() > 3.0);
    pty.signal("TERM");
    assert!(pty.exit(WAIT).await.success());
    assert!(pty.restored());
}
