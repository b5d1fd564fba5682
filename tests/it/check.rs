//! `conftop check` as a monitoring system runs it: the built binary, no terminal, no
//! environment but the API's, one line on stdout and the plugin's exit status, for each
//! state; and what it costs the API.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use conftop::sim::{Faults, Scenario, ServerOptions, Sim, SimConfig};

use crate::common::sim_with;

const BIN: &str = env!("CARGO_BIN_EXE_conftop");

/// A still world whose newcomers stay `joining` until told.
async fn still_sim() -> Sim {
    sim_with(SimConfig {
        scenario: Scenario {
            seed: 9,
            conferences: 3,
            participants: 3,
            connect_conferences: 1,
            history: 400,
            churn_per_min: 0.0,
            join_delay: 3_600_000_000,
            ..Scenario::default()
        },
        server: ServerOptions {
            rate_limit: None,
            ..ServerOptions::default()
        },
        ..SimConfig::default()
    })
    .await
}

/// `conftop check ARGS` with a home of its own (`home`) and `env` only, off the runtime's
/// threads.
async fn check(home: &std::path::Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .arg("check")
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::task::spawn_blocking(move || crate::common::output(&mut cmd).expect("conftop runs"))
        .await
        .unwrap()
}

fn env(sim: &Sim) -> Vec<(&'static str, String)> {
    vec![
        ("VOIPBIN_API_URL", sim.base_url()),
        ("VN_ACCESS_KEY", sim.access_key()),
    ]
}

/// The exit status and the one line printed.
fn answer(o: &Output) -> (i32, String) {
    let out = String::from_utf8(o.stdout.clone()).unwrap();
    assert_eq!(out.lines().count(), 1, "one line: {out:?}");
    (o.status.code().unwrap(), out.trim_end().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ok_warning_and_critical_as_people_stay_joining_and_no_caller_is_read() {
    let sim = still_sim().await;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let (rooms, people) =
        sim.with_world(|w| (w.open_conferences(0).len(), w.live_participants(0).len()));
    let (code, line) = answer(&check(h, &[], &env(&sim)).await);
    assert_eq!(code, 0, "{line}");
    assert!(
        line.starts_with(&format!(
            "CONFTOP OK - {rooms} conferences, {people} participants, none stuck | \
             conferences={rooms};;;0 participants={people};;;0"
        )),
        "{line}"
    );
    assert!(line.ends_with("longest_stuck=0s;30;120;0"), "{line}");
    let cold = sim.counter();
    assert_eq!(cold.method("GET"), cold.total());
    assert_eq!(
        cold.get("GET", "/calls") + cold.get("GET", "/calls/{id}"),
        0
    );
    sim.reset_counter();

    // Someone joins and stays joining.
    let room = sim.with_world(|w| {
        let r = w
            .open_conferences(0)
            .iter()
            .find(|r| r.kind == conftop::sim::ConferenceKind::Conference)
            .unwrap()
            .id;
        w.spawn_participant(r).unwrap();
        w.set_conference_name(r, "Ops | bridge\n2");
        r
    });
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let thresholds = |warn: &str, crit: &str| {
        vec![
            "--stuck-warn".to_owned(),
            warn.to_owned(),
            "--stuck-crit".to_owned(),
            crit.to_owned(),
        ]
    };
    let args = thresholds("1s", "1h");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, line) = answer(&check(h, &args, &env(&sim)).await);
    assert_eq!(code, 1, "{line}");
    assert!(
        line.starts_with("CONFTOP WARNING - 1 stuck past 1s (longest joining ")
            && line.contains("s in Ops / bridge 2), "),
        "{line}"
    );
    assert_eq!(line.matches('|').count(), 1, "{line}");
    let warm = sim.counter();
    assert_eq!(
        warm.get("GET", "/calls") + warm.get("GET", "/calls/{id}"),
        0
    );
    assert!(
        warm.total() <= cold.total(),
        "a warm cache costs no more: {} then {}",
        cold.total(),
        warm.total()
    );

    let args = thresholds("1s", "2s");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut with_json = args.clone();
    with_json.extend(["-o", "json"]);
    let o = check(h, &with_json, &env(&sim)).await;
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["state"], "critical");
    assert_eq!(v["stuck"][0]["conference_id"], room.to_string());
    assert_eq!(v["stuck"][0]["conference_name"], "Ops | bridge 2");
    assert_eq!(v["stuck"][0]["level"], "critical");
    assert_eq!(v["totals"]["joining"], 1);
    let (code, line) = answer(&check(h, &args, &env(&sim)).await);
    assert_eq!(code, 2, "{line}");
    assert!(
        line.starts_with("CONFTOP CRITICAL - 1 stuck past 2s"),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_that_fails_refuses_the_key_or_is_gone_is_critical() {
    let mut sim = still_sim().await;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let wrong = vec![
        ("VOIPBIN_API_URL", sim.base_url()),
        ("VN_ACCESS_KEY", "sim-not-a-key-1234".to_owned()),
    ];
    let (code, line) = answer(&check(h, &[], &wrong).await);
    assert_eq!(code, 2, "{line}");
    assert!(
        line.starts_with("CONFTOP CRITICAL - the API refuses the credential")
            && line.contains("401"),
        "{line}"
    );
    assert!(
        line.contains("VN_ACCESS_KEY") && !line.contains("sim-not-a-key"),
        "{line}"
    );

    sim.set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    let (code, line) = answer(&check(h, &[], &env(&sim)).await);
    assert_eq!(code, 2, "{line}");
    assert!(
        line.starts_with("CONFTOP CRITICAL - API unreachable or failing"),
        "{line}"
    );

    // A request that hangs: the check still answers within its --timeout.
    sim.set_faults(Faults {
        latency: Duration::from_secs(20),
        ..Faults::default()
    });
    let started = Instant::now();
    let (code, line) = answer(&check(h, &["--timeout", "2s"], &env(&sim)).await);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(code, 2, "{line}");
    assert!(line.contains("no answer within 2s"), "{line}");

    sim.set_faults(Faults::default());
    let url = sim.base_url();
    sim.stop().await;
    let (code, line) = answer(&check(h, &[], &env(&sim)).await);
    assert_eq!(code, 2, "{line}");
    assert!(line.contains("connection refused"), "{url}: {line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_check_itself_gets_wrong_is_unknown() {
    let sim = still_sim().await;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let (code, line) = answer(&check(h, &[], &[]).await);
    assert_eq!(code, 3, "no credential: {line}");
    assert!(
        line.starts_with("CONFTOP UNKNOWN - no VoIPbin credentials"),
        "{line}"
    );
    let (code, line) = answer(&check(h, &["--stuck-warn", "soon"], &env(&sim)).await);
    assert_eq!(code, 3, "{line}");
    assert!(line.starts_with("CONFTOP UNKNOWN - "), "{line}");
    let (code, line) =
        answer(&check(h, &["--stuck-warn", "5m", "--stuck-crit", "1m"], &env(&sim)).await);
    assert_eq!(code, 3, "{line}");
    let no_version = vec![
        (
            "VOIPBIN_API_URL",
            sim.base_url().trim_end_matches("/v1.0").to_owned(),
        ),
        ("VN_ACCESS_KEY", sim.access_key()),
    ];
    let (code, line) = answer(&check(h, &[], &no_version).await);
    assert_eq!(code, 3, "a wrong URL is the check's own: {line}");
    assert!(line.contains("/v1.0"), "{line}");
    let o = check(h, &["--help"], &env(&sim)).await;
    assert_eq!(o.status.code(), Some(0), "help is no failure");
}
