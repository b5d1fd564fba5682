//! `conftop list`, the shell's completions, the man page and `--version`, as a user runs them:
//! the built binary, a fake `HOME` with VoIPbin CLI's `~/.vn/config.yaml`, no other
//! environment at all, and the simulator on loopback.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use conftop::list::{self, Listing};
use conftop::sim::{Faults, Scenario, ServerOptions, Sim, SimConfig};
use conftop::sync::SyncConfig;

use crate::common::{client_for, sim_with};

const BIN: &str = env!("CARGO_BIN_EXE_conftop");

/// A still world with rooms of every type, so the list is the same from start to end.
async fn still_sim() -> Sim {
    sim_with(SimConfig {
        scenario: Scenario {
            seed: 11,
            conferences: 3,
            participants: 3,
            connect_conferences: 1,
            queue_conferences: 1,
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
    .await
}

/// A home directory whose `~/.vn/config.yaml` holds `yaml` (mode 0600, as `vn login` writes).
fn home_with(yaml: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".vn")).unwrap();
    let path = home.path().join(".vn/config.yaml");
    std::fs::write(&path, yaml).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    home
}

/// `main` is rejected by the simulator; `other` is its real customer.
fn profiles(sim: &Sim) -> String {
    format!(
        "current_profile: main\nprofiles:\n  main:\n    access_key: wrong-key-main-123\n    \
         api_url: {url}\n  other:\n    access_key: {key}\n    api_url: {url}\n",
        url = sim.base_url(),
        key = sim.access_key(),
    )
}

fn vn_path(home: &Path) -> PathBuf {
    home.join(".vn/config.yaml")
}

/// Runs the binary with no environment but `HOME` (and `extra`), off the runtime's threads.
async fn run(home: &Path, args: &[&str], extra: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.env_clear().env("HOME", home).args(args);
    for (k, v) in extra {
        cmd.env(k, v);
    }
    tokio::task::spawn_blocking(move || crate::common::output(&mut cmd).expect("conftop runs"))
        .await
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn live_ids(sim: &Sim) -> BTreeSet<(String, String, String)> {
    sim.with_world(|w| {
        w.live_participants(0)
            .iter()
            .map(|p| {
                (
                    p.id.to_string(),
                    p.conference.to_string(),
                    p.status.as_str().to_owned(),
                )
            })
            .collect()
    })
}

fn listed_ids(json: &serde_json::Value) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for room in json["conferences"].as_array().unwrap() {
        for p in room["participants"].as_array().unwrap() {
            out.insert((
                p["id"].as_str().unwrap().to_owned(),
                room["id"].as_str().unwrap().to_owned(),
                p["status"].as_str().unwrap().to_owned(),
            ));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_from_a_vn_profile_with_no_environment_is_every_live_participant() {
    let sim = still_sim().await;
    let yaml = format!(
        "current_profile: default\nprofiles:\n  default:\n    access_key: {}\n    api_url: {}\n",
        sim.access_key(),
        sim.base_url()
    );
    let home = home_with(&yaml);
    let o = run(home.path(), &["list", "-o", "json"], &[]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "nothing on stderr when all is well");
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["schema_version"], list::SCHEMA_VERSION);
    assert_eq!(
        json["api_host"],
        sim.base_url()
            .trim_start_matches("http://")
            .trim_end_matches("/v1.0")
    );
    assert!(json["customer"]["id"].is_string());
    assert!(json["at"].as_str().unwrap().ends_with('Z'));
    let live = live_ids(&sim);
    assert!(live.len() >= 9, "a world with people in it: {live:?}");
    assert_eq!(
        listed_ids(&json),
        live,
        "every live participant, nothing else"
    );
    assert_eq!(
        json["totals"]["participants"].as_u64(),
        Some(live.len() as u64)
    );
    // Callers as the simulator knows them.
    let calls = sim.with_world(|w| {
        w.live_participants(0)
            .iter()
            .map(|p| (p.id.to_string(), p.call.to_string()))
            .collect::<Vec<_>>()
    });
    for room in json["conferences"].as_array().unwrap() {
        for p in room["participants"].as_array().unwrap() {
            let id = p["id"].as_str().unwrap();
            let (_, call) = calls.iter().find(|(i, _)| i == id).unwrap();
            assert_eq!(p["call_id"].as_str(), Some(call.as_str()));
            assert!(p["caller"]["number"].is_string(), "{p}");
            assert!(p["in_conference_seconds"].as_i64().unwrap() >= 0);
            assert!(p["muted"].is_boolean());
        }
    }
    assert_eq!(json["callers_complete"], true);
    assert_eq!(json["complete"], true);
    assert!(!stdout(&o).contains(&sim.access_key()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_other_picks_the_other_one_and_a_rejected_key_names_its_profile() {
    let sim = still_sim().await;
    let home = home_with(&profiles(&sim));
    let o = run(
        home.path(),
        &["list", "-o", "json", "--profile", "other"],
        &[],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(listed_ids(&json), live_ids(&sim));
    let o = run(home.path(), &["list"], &[("CONFTOP_PROFILE", "other")]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // The current profile's key is wrong: exit 3, one line naming where the key came from.
    let o = run(home.path(), &["list", "-o", "json"], &[]).await;
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("vn profile \"main\""), "{err}");
    assert!(err.contains("rejected"), "{err}");
    assert!(!err.contains("wrong-key-main-123"), "{err}");
    assert_eq!(stdout(&o), "");
    // The environment comes first (and the profile's api_url goes with the profile's key).
    let url = sim.base_url();
    let env = [
        ("VN_ACCESS_KEY", "from-env-key-456"),
        ("VOIPBIN_API_URL", &url),
    ];
    let o = run(home.path(), &["list"], &env).await;
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    assert!(
        err.contains("VN_ACCESS_KEY") && !err.contains("from-env-key-456"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vn_config_errors_name_the_file_and_the_profile_never_the_key() {
    let sim = still_sim().await;
    let home = home_with(&profiles(&sim));
    let file = vn_path(home.path()).display().to_string();
    let key = sim.access_key();

    let o = run(home.path(), &["list", "--profile", "nope"], &[]).await;
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(&file) && err.contains("\"nope\""), "{err}");
    assert!(
        err.contains("\"main\", \"other\""),
        "names the profiles there are: {err}"
    );
    assert!(!err.contains(&key) && !err.contains("wrong-key"), "{err}");

    let home = home_with(&format!(
        "current_profile: other\nprofiles:\n  other:\n    api_url: {}\n",
        sim.base_url()
    ));
    let o = run(home.path(), &["list"], &[]).await;
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&vn_path(home.path()).display().to_string())
            && err.contains("\"other\"")
            && err.contains("no access_key"),
        "{err}"
    );

    let home = home_with(&format!("profiles:\n  default: {key}\n  [broken\n"));
    let o = run(home.path(), &["list"], &[]).await;
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&vn_path(home.path()).display().to_string()),
        "{err}"
    );
    assert!(err.contains("not valid"), "{err}");
    assert!(!err.contains(&key), "{err}");

    // No credential anywhere: exit 2 and how to get one.
    let empty = tempfile::tempdir().unwrap();
    let o = run(empty.path(), &["list"], &[]).await;
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("vn login") && err.contains("VN_ACCESS_KEY"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_statuses_for_an_unreachable_api_and_a_picture_too_slow() {
    let home = tempfile::tempdir().unwrap();
    // Nothing listens there (a port just freed).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/v1.0");
    let env = [
        ("VN_ACCESS_KEY", "k-unreachable"),
        ("VOIPBIN_API_URL", &url),
    ];
    let o = run(home.path(), &["list", "--timeout", "60s"], &env).await;
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("gave up after 3 failed tries") && err.contains("connection refused"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    let slow = sim_with(SimConfig {
        faults: Faults {
            latency: Duration::from_millis(1500),
            ..Faults::default()
        },
        ..SimConfig::default()
    })
    .await;
    let (url, key) = (slow.base_url(), slow.access_key());
    let env = [("VN_ACCESS_KEY", key.as_str()), ("VOIPBIN_API_URL", &url)];
    let o = run(home.path(), &["list", "--timeout", "1s"], &env).await;
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no complete picture within 1s"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");

    let o = run(home.path(), &["list", "--timeout", "0s"], &env).await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(home.path(), &["list", "-o", "xml"], &env).await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_and_yaml_for_people_and_pipes() {
    let sim = still_sim().await;
    let home = home_with(&profiles(&sim));
    let o = run(home.path(), &["list", "--profile", "other"], &[]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(!table.contains('\u{1b}'), "no escape sequence in a pipe");
    // Into a pipe nothing is cut: a script gets every name whole.
    assert!(!table.contains('…'), "{table}");
    assert!(table.starts_with("CONFERENCE "), "{table}");
    let live = live_ids(&sim).len();
    assert_eq!(
        table.lines().count(),
        live + 2,
        "header, a row each, totals"
    );
    assert!(
        table.contains(&format!("{live} participants in ")),
        "{table}"
    );

    let o = run(
        home.path(),
        &["list", "-o", "yaml", "--profile", "other"],
        &[],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let yaml: serde_json::Value = serde_norway::from_str(&stdout(&o)).unwrap();
    assert_eq!(yaml["schema_version"], 1);
    assert_eq!(listed_ids(&yaml), live_ids(&sim));

    // --filter with the dashboard's rules: a room's name keeps the whole room.
    let (room, members) = sim.with_world(|w| {
        let room = w
            .open_conferences(0)
            .into_iter()
            .find(|r| !r.name.is_empty() && !r.present.is_empty())
            .expect("a named room with people")
            .clone();
        (room.name, room.present.len())
    });
    let o = run(
        home.path(),
        &[
            "list",
            "-o",
            "json",
            "--profile",
            "other",
            "--filter",
            &room,
        ],
        &[],
    )
    .await;
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["filter"], room.as_str());
    assert_eq!(json["conferences"].as_array().unwrap().len(), 1, "{json}");
    assert_eq!(
        json["totals"]["participants"].as_u64(),
        Some(members as u64)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_picture_cut_short_is_printed_marked_incomplete_with_exit_5() {
    // Ten thousand records in the last three hours: scanning them within the budget takes far
    // longer than the timeout, so the picture is never complete.
    let sim = sim_with(SimConfig {
        scenario: Scenario {
            history: 20_000,
            recent_share: 0.5,
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
    let home = tempfile::tempdir().unwrap();
    let (url, key) = (sim.base_url(), sim.access_key());
    let env = [("VN_ACCESS_KEY", key.as_str()), ("VOIPBIN_API_URL", &url)];
    let o = run(
        home.path(),
        &["list", "-o", "json", "--timeout", "10s"],
        &env,
    )
    .await;
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("not complete within 10s"), "{err}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["complete"], false);
    let listed = listed_ids(&json);
    assert!(!listed.is_empty());
    assert!(listed.is_subset(&live_ids(&sim)), "only live participants");
}

/// The table of a still world, through the same collection as the binary; the times and the
/// port, which change from run to run, are fixed first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_snapshot() {
    let sim = still_sim().await;
    let picture = list::collect(
        client_for(&sim),
        SyncConfig::polling_only(),
        Duration::from_secs(20),
    )
    .await
    .expect("a picture");
    let mut listing = Listing::new(&picture, None, None);
    listing.at = "2026-12-01T09:30:00Z".to_owned();
    listing.api_host = "127.0.0.1:8080".to_owned();
    for room in &mut listing.conferences {
        for (i, p) in room.participants.iter_mut().enumerate() {
            p.in_conference_seconds = Some(65 + 600 * i as i64);
        }
    }
    insta::assert_snapshot!(list::table(&listing, Some(80)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_man_page_and_version() {
    let home = tempfile::tempdir().unwrap();
    for (shell, mark) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef conftop"),
        ("fish", "complete -c conftop"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion"),
    ] {
        let o = run(home.path(), &["completions", shell], &[]).await;
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains(mark), "{shell}: {text}");
        assert!(text.contains("list") && text.contains("profile"), "{shell}");
    }
    let o = run(home.path(), &["completions", "tcsh"], &[]).await;
    assert_eq!(o.status.code(), Some(2));

    let o = run(home.path(), &["man"], &[]).await;
    assert_eq!(o.status.code(), Some(0));
    let man = stdout(&o);
    assert!(
        man.starts_with(".ie") || man.contains(".TH conftop"),
        "{man}"
    );
    assert!(
        man.contains("VN_ACCESS_KEY") && man.contains("\\-\\-profile"),
        "{man}"
    );

    let o = run(home.path(), &["--version"], &[]).await;
    assert_eq!(o.status.code(), Some(0));
    let version = stdout(&o);
    let expected = format!("conftop {}", env!("CARGO_PKG_VERSION"));
    assert!(version.starts_with(&expected), "{version}");
    let head = crate::common::output(
        Command::new("git")
            .args(["rev-parse", "--short=12", "HEAD"])
            .current_dir(env!("CARGO_MANIFEST_DIR")),
    );
    if let Ok(head) = head
        && head.status.success()
    {
        let commit = String::from_utf8_lossy(&head.stdout).trim().to_owned();
        assert_eq!(version.trim(), format!("{expected} (commit {commit})"));
    }
}
