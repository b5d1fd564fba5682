//! Who is told, end to end: the real binary in a pseudo-terminal against the simulator. A
//! watch rings the bell and sends desktop notifications with nothing raw in them; the alert
//! command hears a participant held in `joining` once when it passes the critical threshold
//! and once when it clears.

use std::path::Path;
use std::time::Duration;

use conftop::sim::{ConferenceKind, Scenario, ServerOptions, Sim, SimConfig};
use uuid::Uuid;

use crate::common::sim_with;
use crate::pty::{Pty, find_last};

const WAIT: Duration = Duration::from_secs(30);

async fn sim(join_delay: i64) -> Sim {
    sim_with(SimConfig {
        scenario: Scenario {
            history: 300,
            conferences: 3,
            participants: 3,
            connect_conferences: 1,
            join_delay,
            leave_delay: 1_000_000,
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

fn spawn(sim: &Sim, args: &[&str]) -> Pty {
    let url = sim.base_url();
    let key = sim.access_key();
    let mut all = vec!["--interval", "1s", "--no-mouse"];
    all.extend_from_slice(args);
    Pty::spawn(
        &all,
        &[("VOIPBIN_API_URL", &url), ("VN_ACCESS_KEY", &key)],
        140,
        30,
    )
}

fn write_private(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_rings_the_bell_and_notifies_with_a_hostile_name_made_plain() {
    let sim = sim(2_000_000).await;
    let (room, target) = sim.with_world(|w| {
        let r = w
            .open_conferences(0)
            .into_iter()
            .find(|r| r.kind == ConferenceKind::Conference && !r.members.is_empty())
            .unwrap();
        (r.id, r.members[0])
    });
    sim.with_world(|w| w.set_caller_name(target, "\x1b]0;pwned-title\x07Eve\u{9b}2J; x"));
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    write_private(&config, &format!("watch = [\"conference:{room}\"]\n"));
    let mut pty = spawn(&sim, &["--config", config.to_str().unwrap()]);
    pty.wait_for(WAIT, |s| s.contains("Eve") && s.contains("[watched]"))
        .await;
    assert!(
        !pty.raw().contains(&0x07),
        "no bell before anything happened"
    );
    sim.with_world(|w| w.hang_up(target));
    pty.wait_for(WAIT, |s| s.contains("Watch:") && s.contains("left"))
        .await;
    let raw = pty.raw();
    let at = find_last(&raw, b"\x07\x1b]9;").expect("the bell, then OSC 9");
    let rest = &raw[at + 1..];
    // Two sequences of ours (OSC 9 and OSC 777), each closed by BEL.
    let osc9_end = rest[1..].iter().position(|b| *b == 0x07).unwrap() + 1;
    let osc9 = String::from_utf8_lossy(&rest[..osc9_end]);
    assert!(osc9.starts_with("\x1b]9;conftop: Eve"), "{osc9:?}");
    assert!(osc9.contains("left"), "{osc9:?}");
    let after = &rest[osc9_end + 1..];
    let osc777_end = after.iter().position(|b| *b == 0x07).unwrap();
    let osc777 = String::from_utf8_lossy(&after[..osc777_end]);
    assert!(
        osc777.starts_with("\x1b]777;notify;conftop;Eve"),
        "{osc777:?}"
    );
    for text in [&osc9[1..], &osc777[1..]] {
        assert!(!text.contains('\x1b'), "nothing raw: {text:?}");
        assert!(!text.contains('\u{9b}'), "{text:?}");
        assert!(!text.contains("pwned"), "{text:?}");
    }
    // The name's own `;` never ends a field of OSC 777.
    assert_eq!(osc777.matches(';').count(), 3, "{osc777:?}");
    pty.signal("TERM");
    pty.exit(WAIT).await;
}

/// The alert command: writes its CONFTOP_* environment to a file of its own in `dir`.
fn recorder(dir: &Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("record-alert");
    let out = dir.join("alerts");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nenv | grep '^CONFTOP_' | sort > '{}/alert.'$$\n",
            out.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// Every alert recorded so far that names `participant`.
fn recorded(dir: &Path, participant: Uuid) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(dir.join("alerts"))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .filter(|s| s.contains(&participant.to_string()))
        .collect();
    found.sort();
    found
}

async fn until(what: &str, f: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !f() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not in time"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_alert_command_hears_a_held_participant_once_past_critical_and_once_when_it_clears() {
    // An hour in `joining`: held there until it hangs up.
    let sim = sim(3_600_000_000).await;
    let held = sim.with_world(|w| {
        let room = w.open_conferences(0)[0].id;
        w.spawn_participant(room).unwrap()
    });
    let dir = tempfile::tempdir().unwrap();
    let script = recorder(dir.path());
    let mut pty = spawn(
        &sim,
        &[
            "--kiosk",
            "--stuck-warn",
            "1s",
            "--stuck-crit",
            "2s",
            "--alert-command",
            script.to_str().unwrap(),
        ],
    );
    let d = dir.path().to_owned();
    until("the start", || !recorded(&d, held).is_empty()).await;
    // Held on: nothing more is said of it.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let start = recorded(dir.path(), held);
    assert_eq!(start.len(), 1, "{start:?}");
    let start = &start[0];
    assert!(start.contains("CONFTOP_ALERT=stuck\n"), "{start}");
    assert!(start.contains("CONFTOP_STATE=start\n"), "{start}");
    assert!(start.contains("CONFTOP_DETAIL=joining for "), "{start}");
    assert!(start.contains("CONFTOP_CONFERENCE_ID="), "{start}");
    assert!(!start.contains("VN_ACCESS_KEY"), "{start}");
    sim.with_world(|w| w.hang_up(held));
    until("the end", || recorded(&d, held).len() >= 2).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let all = recorded(dir.path(), held);
    assert_eq!(all.len(), 2, "{all:?}");
    let end = all
        .iter()
        .find(|s| s.contains("CONFTOP_STATE=end"))
        .unwrap();
    assert!(end.contains("CONFTOP_ALERT=stuck\n"), "{end}");
    pty.signal("TERM");
    pty.exit(WAIT).await;
}
