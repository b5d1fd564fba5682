//! `conftop serve` as a host with no screen runs it: the built binary with no terminal and no
//! environment but the API's, against the simulator on loopback, scraped as Prometheus would.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use conftop::sim::{Faults, Scenario, ServerOptions, Sim, SimConfig};

use crate::common::sim_with;
use crate::scrape::{self, Samples};

const BIN: &str = env!("CARGO_BIN_EXE_conftop");
const WAIT: Duration = Duration::from_secs(30);

/// A still world whose newcomers stay `joining` (their pre-flow never ends) until told.
async fn still_sim() -> Sim {
    sim_with(SimConfig {
        scenario: Scenario {
            seed: 5,
            conferences: 3,
            participants: 3,
            connect_conferences: 1,
            history: 40,
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

/// A running `conftop serve`, stopped (SIGTERM) when dropped.
pub struct Served {
    child: Child,
    /// Where its metrics are, `127.0.0.1:PORT`.
    pub addr: String,
    pub dir: tempfile::TempDir,
    /// What it wrote to stderr after the address.
    pub stderr: mpsc::Receiver<String>,
}

impl Served {
    /// SIGTERM, then its exit status (within a few seconds).
    pub fn stop(&mut self) -> std::process::ExitStatus {
        terminate(&self.child);
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("conftop serve did not stop on SIGTERM");
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            terminate(&self.child);
            let _ = self.child.wait();
        }
    }
}

fn terminate(child: &Child) {
    // Our own child, by its id.
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    unsafe { libc::kill(pid, libc::SIGTERM) };
}

/// The command as a host runs it: no terminal, no environment but a home and `env`.
fn command(dir: &tempfile::TempDir, args: &[&str], env: &[(&str, String)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .arg("serve")
        .args([
            "--log-file",
            dir.path().join("conftop.log").to_str().unwrap(),
        ])
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

fn sim_env(sim: &Sim) -> Vec<(&'static str, String)> {
    vec![
        ("VOIPBIN_API_URL", sim.base_url()),
        ("VN_ACCESS_KEY", sim.access_key()),
    ]
}

/// Starts `conftop serve` on an ephemeral loopback port with `args`, and waits for it to say
/// where its metrics are.
pub fn serve(sim: &Sim, args: &[&str]) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&dir, &["--metrics-listen", "127.0.0.1:0"], &sim_env(sim));
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = {
        let _one_at_a_time = crate::common::spawning();
        cmd.spawn().expect("conftop serve starts")
    };
    let (tx, rx) = mpsc::channel();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let line = rx
        .recv_timeout(WAIT)
        .expect("conftop serve says where it serves");
    let addr = line
        .strip_prefix("conftop: serving metrics at http://")
        .and_then(|rest| rest.strip_suffix("/metrics"))
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned();
    Served {
        child,
        addr,
        dir,
        stderr: rx,
    }
}

fn live(s: &Samples) -> bool {
    s.state().as_deref() == Some("live")
}

/// Who is in each room of the simulator, by status: (room, status) → count.
fn world_counts(sim: &Sim) -> std::collections::BTreeMap<(String, String), f64> {
    let mut out = std::collections::BTreeMap::new();
    sim.with_world(|w| {
        for p in w.live_participants(0) {
            *out.entry((p.conference.to_string(), p.status.as_str().to_owned()))
                .or_insert(0.0) += 1.0;
        }
    });
    out
}

fn scraped_counts(s: &Samples) -> std::collections::BTreeMap<(String, String), f64> {
    s.all("conftop_participants")
        .into_iter()
        .filter(|(_, v)| *v > 0.0)
        .map(|(l, v)| ((l["conference_id"].clone(), l["status"].clone()), v))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scrape_follows_the_simulator_with_no_terminal_and_names_hostile_rooms_safely() {
    let sim = still_sim().await;
    let mut served = serve(
        &sim,
        &[
            "--no-push",
            "--interval",
            "1s",
            "--no-data-after",
            "5s",
            "--stuck-warn",
            "1s",
            "--stuck-crit",
            "3s",
        ],
    );
    let addr = served.addr.clone();
    let s = scrape::until(&addr, WAIT, |s| {
        live(s) && scraped_counts(s) == world_counts(&sim)
    })
    .await;
    assert_eq!(s.get("conftop_history_complete", &[]), Some(1.0));
    let raw = scrape::raw(&addr).await;
    assert!(!raw.contains(&sim.access_key()), "no credential anywhere");
    assert!(!raw.contains("accesskey"), "no URL anywhere");

    // Someone joins and stays joining; a room gets a hostile name; someone hangs up.
    let (room, gone) = sim.with_world(|w| {
        let rooms = w.open_conferences(0);
        let room = rooms
            .iter()
            .find(|r| r.kind == conftop::sim::ConferenceKind::Conference && r.members.len() > 1)
            .unwrap();
        (room.id, room.members[0])
    });
    let hostile = "\u{1b}]0;pwned\u{7}Ops \"Bridge\" \\ A} b{x=\"1\nline";
    sim.with_world(|w| {
        w.spawn_participant(room).unwrap();
        w.set_conference_name(room, hostile);
        assert!(w.hang_up(gone));
    });
    let id = room.to_string();
    let s = scrape::until(&addr, WAIT, |s| {
        s.get(
            "conftop_participants",
            &[("conference_id", &id), ("status", "joining")],
        ) == Some(1.0)
            && scraped_counts(s) == world_counts(&sim)
            && s.get("conftop_stuck_participants", &[("level", "crit")]) == Some(1.0)
    })
    .await;
    let names: Vec<String> = s
        .all("conftop_conference_info")
        .into_iter()
        .filter(|(l, _)| l["conference_id"] == id)
        .map(|(l, _)| l["name"].clone())
        .collect();
    assert_eq!(
        names,
        [r#"Ops "Bridge" \ A} b{x="1 line"#],
        "escaped, read back as the screen shows it"
    );
    assert!(
        s.get("conftop_stuck_longest_seconds", &[("status", "joining")])
            .unwrap()
            >= 3.0
    );
    assert_eq!(
        s.all("conftop_conference_info").len(),
        world_counts(&sim)
            .keys()
            .map(|(r, _)| r.clone())
            .chain(sim.with_world(|w| {
                w.open_conferences(0)
                    .iter()
                    .map(|r| r.id.to_string())
                    .collect::<Vec<_>>()
            }))
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        "one info series a room, none injected"
    );

    // The API fails: its answers are counted, the data goes stale, then is withdrawn.
    sim.set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    let s = scrape::until(&addr, WAIT, |s| s.state().as_deref() == Some("stale")).await;
    let failed: f64 = s
        .all("conftop_api_requests_total")
        .iter()
        .filter(|(l, _)| l["answer"].starts_with('5'))
        .map(|(_, v)| v)
        .sum();
    assert!(failed >= 1.0, "{:#?}", s.all("conftop_api_requests_total"));
    let s = scrape::until(&addr, WAIT, |s| s.state().as_deref() == Some("no_data")).await;
    assert!(s.all("conftop_participants").is_empty(), "no old figures");
    assert!(s.get("conftop_data_age_seconds", &[]).unwrap() >= 5.0);

    // And live again once it answers.
    sim.set_faults(Faults::default());
    scrape::until(&addr, WAIT, live).await;
    let status = served.stop();
    assert!(status.success(), "{status:?}");
    let log = std::fs::read_to_string(served.dir.path().join("conftop.log")).unwrap();
    assert!(log.contains("conftop serve started"), "{log}");
    assert!(!log.contains(&sim.access_key()));
    assert!(served.stderr.try_recv().is_err(), "nothing else on stderr");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scrape_costs_no_request_and_every_request_is_counted() {
    let sim = still_sim().await;
    // Polling once a minute: after the first picture, a quiet minute.
    let served = serve(&sim, &["--no-push", "--interval", "60s"]);
    let addr = served.addr.clone();
    scrape::until(&addr, WAIT, live).await;
    // Until the first refresh's optional work is over.
    let mut before = sim.counter().total();
    loop {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let now = sim.counter().total();
        if now == before {
            break;
        }
        before = now;
    }
    assert!(before > 0, "the simulator counts conftop's requests");
    let mut counted = 0.0;
    for _ in 0..30 {
        counted = scrape::scrape(&addr)
            .await
            .sum("conftop_api_requests_total");
    }
    assert_eq!(sim.counter().total(), before, "30 scrapes, no request");
    assert_eq!(
        counted, before as f64,
        "conftop counts every request it sends"
    );
    // By endpoint too: the client's route templates are the simulator's.
    let s = scrape::scrape(&addr).await;
    for (endpoint, n) in sim.counter().iter() {
        let (method, path) = endpoint.split_once(' ').unwrap();
        let ours: f64 = s
            .all("conftop_api_requests_total")
            .iter()
            .filter(|(l, _)| l["endpoint"] == format!("{method} {path}"))
            .map(|(_, v)| v)
            .sum();
        assert_eq!(ours, n as f64, "{endpoint}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_api_is_no_data_and_counted_as_no_connection() {
    let mut sim = still_sim().await;
    let served = serve(
        &sim,
        &["--no-push", "--interval", "1s", "--no-data-after", "3s"],
    );
    let addr = served.addr.clone();
    scrape::until(&addr, WAIT, live).await;
    sim.stop().await;
    let s = scrape::until(&addr, WAIT, |s| s.state().as_deref() == Some("no_data")).await;
    let refused = s
        .all("conftop_api_requests_total")
        .into_iter()
        .filter(|(l, _)| l["answer"] == "no_connection")
        .count();
    assert!(refused >= 1, "{:#?}", s.all("conftop_api_requests_total"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_refuses_a_remote_address_unless_asked_and_says_a_port_in_use() {
    let sim = still_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut cmd = command(&dir, args, &sim_env(&sim));
        crate::common::output(&mut cmd).unwrap()
    };
    let out = run(&["--metrics-listen", "0.0.0.0:0"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--metrics-allow-remote"), "{err}");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run(&["--metrics-listen", &port]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("cannot serve the metrics on 127.0.0.1:{port}")),
        "{err}"
    );
}
