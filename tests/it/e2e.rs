//! End to end: the real binary in a pseudo-terminal against the simulator.

use std::time::Duration;

use conftop::sim::{ConferenceKind, ParticipantStatus, Scenario, ServerOptions, Sim, SimConfig};

use crate::common::sim_with;
use crate::pty::{Pty, contains};

const WAIT: Duration = Duration::from_secs(20);

async fn small_sim() -> Sim {
    sim_with(SimConfig {
        scenario: Scenario {
            history: 300,
            conferences: 3,
            participants: 3,
            connect_conferences: 1,
            leave_delay: 1_500_000,
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

fn env(sim: &Sim) -> Vec<(&'static str, String)> {
    vec![
        ("VOIPBIN_API_URL", sim.base_url()),
        ("VN_ACCESS_KEY", sim.access_key()),
    ]
}

fn spawn(sim: &Sim, args: &[&str], cols: u16, rows: u16) -> Pty {
    let e = env(sim);
    let pairs: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut all = vec!["--interval", "1s"];
    all.extend_from_slice(args);
    Pty::spawn(&all, &pairs, cols, rows)
}

/// The short id shown on the first participant row (the one selected at start).
fn first_short_id(pty: &Pty) -> String {
    let text = pty.text();
    let row = text
        .lines()
        .find(|l| l.contains("● JOINED"))
        .expect("a joined participant on screen");
    row.split_whitespace().last().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn see_a_participant_remove_it_and_see_it_leave() {
    let sim = small_sim().await;
    let audit_dir = tempfile::tempdir().unwrap();
    let audit = audit_dir.path().join("audit.jsonl");
    let mut pty = spawn(&sim, &["--audit-log", audit.to_str().unwrap()], 120, 30);
    pty.wait_for(WAIT, |s| s.contains("● JOINED") && !s.contains("…  "))
        .await;
    let short = first_short_id(&pty);
    let target = sim.with_world(|w| {
        w.live_participants(0)
            .into_iter()
            .find(|p| p.id.simple().to_string().starts_with(&short))
            .map(|p| p.id)
            .expect("the row is a real participant")
    });

    pty.type_keys(&["d"]).await;
    pty.wait_for(WAIT, |s| {
        s.contains("Remove participant?") && s.contains(&short)
    })
    .await;
    // The dialog says which keys remove; a practised hand presses them at once.
    assert!(pty.text().contains("→ then Enter removes"));
    pty.type_keys(&["\x1b[C", "\r"]).await;
    pty.wait_for(WAIT, |s| {
        s.lines()
            .any(|l| l.contains(&short) && (l.contains("LEAVING") || l.contains("LEFT")))
    })
    .await;
    assert_eq!(sim.counter().get("DELETE", "/conferencecalls/{id}"), 1);
    assert_ne!(
        sim.with_world(|w| w.participant(target).unwrap().status),
        ParticipantStatus::Joined
    );
    // It leaves, lingers marked, then goes.
    pty.wait_for(WAIT, |s| !s.contains(&short)).await;
    assert_eq!(
        sim.counter().get("DELETE", "/conferencecalls/{id}"),
        1,
        "exactly once"
    );

    let line = std::fs::read_to_string(&audit).unwrap();
    let entry: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(entry["participant_id"], target.to_string());
    assert_eq!(entry["outcome"], "removed");

    pty.type_keys(&["q"]).await;
    let status = pty.exit(WAIT).await;
    assert!(status.success(), "{status:?}");
    assert!(pty.restored(), "the terminal is put back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_sends_no_delete_whatever_keys_arrive() {
    let sim = small_sim().await;
    let mut pty = spawn(&sim, &["--read-only"], 120, 30);
    let screen = pty.wait_for(WAIT, |s| s.contains("● JOINED")).await;
    assert!(screen.contains("READ-ONLY"));
    assert!(!screen.to_lowercase().contains("remove"), "{screen}");
    let barrage = [
        "d", "y", "\r", "\x1b[3~", "Y", "j", "d", "\t", "d", "y", "\r", "\x1b[C", "\r", "?", "d",
        "\x1b", "G", "d", "y", "k", "\x1b[3~", "y", "m", "j", "m", "M",
    ];
    for _ in 0..3 {
        pty.type_keys(&barrage).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sim.counter().method("DELETE"), 0);
    assert_eq!(sim.counter().get("POST", "/calls/{id}/mute"), 0, "no mute");
    assert!(!screen.contains("m mute"), "no mute hint: {screen}");
    assert!(pty.running());
    pty.type_keys(&["\x1b", "q"]).await;
    assert!(pty.exit(WAIT).await.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosk_ignores_every_key_and_stops_only_on_a_signal() {
    let sim = small_sim().await;
    let mut pty = spawn(&sim, &["--kiosk"], 100, 30);
    let screen = pty
        .wait_for(WAIT, |s| {
            s.contains("READ-ONLY · KIOSK") && s.contains("JOINED")
        })
        .await;
    assert!(!screen.contains("quit") && !screen.contains("help"));
    pty.type_keys(&[
        "d", "y", "\r", "\x03", "q", "\x1b", "d", "y", "\r", "\x03", "m", "j", "m",
    ])
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(pty.running(), "Ctrl-C and q do not stop a kiosk");
    assert_eq!(sim.counter().method("DELETE"), 0);
    assert_eq!(sim.counter().get("POST", "/calls/{id}/mute"), 0, "no mute");
    assert!(!pty.text().contains("Remove participant?"));
    pty.signal("TERM");
    let status = pty.exit(WAIT).await;
    assert!(status.success(), "SIGTERM exits 0: {status:?}");
    assert!(pty.restored());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signals_restore_the_terminal_and_exit_zero() {
    let sim = small_sim().await;
    for sig in ["INT", "TERM", "HUP"] {
        let mut pty = spawn(&sim, &[], 100, 24);
        pty.wait_for(WAIT, |s| s.contains("JOINED")).await;
        pty.signal(sig);
        let status = pty.exit(WAIT).await;
        assert!(status.success(), "SIG{sig}: {status:?}");
        assert!(pty.restored(), "SIG{sig}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_terminal_ends_it_cleanly() {
    let sim = small_sim().await;
    let mut pty = spawn(&sim, &[], 100, 24);
    pty.wait_for(WAIT, |s| s.contains("JOINED")).await;
    // The kernel hangs the terminal up once the last copy of its master side closes; no other
    // child holds one (children start one at a time, `common::spawning`).
    pty.close_terminal();
    let status = pty.exit(WAIT).await;
    assert!(status.success(), "{status:?}");
    // Nothing may panic on the way out, though every write to the terminal now fails.
    let log = std::fs::read_to_string(pty.path("conftop.log")).unwrap();
    assert!(
        log.contains("SIGHUP") && log.contains("conftop stopped"),
        "{log}"
    );
    assert!(!log.contains("panic"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_restores_the_terminal_and_reports_only_to_the_log() {
    let sim = small_sim().await;
    let mut pty = spawn(&sim, &["--crash-test"], 100, 24);
    let status = pty.exit(WAIT).await;
    assert!(!status.success());
    assert!(pty.restored(), "restored before anything is printed");
    let raw = String::from_utf8_lossy(&pty.raw()).to_string();
    assert!(
        !raw.contains("deliberate crash test"),
        "the report stays off the screen"
    );
    assert!(raw.contains("conftop stopped unexpectedly; the report is in"));
    let log = pty.log();
    assert!(
        log.contains("panic") && log.contains("deliberate crash test"),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_strings_never_reach_the_terminal_raw() {
    let sim = small_sim().await;
    let (room, parts) = sim.with_world(|w| {
        let rooms = w.open_conferences(0);
        let r = rooms
            .iter()
            .find(|r| r.kind == ConferenceKind::Conference)
            .unwrap();
        let parts: Vec<_> = rooms.iter().flat_map(|r| r.members.clone()).collect();
        (r.id, parts)
    });
    let hostile = [
        "\x1b]0;pwned-title\x07Eve",
        "\x1b]8;;http://evil.example/\x1b\\Mallory\x1b]8;;\x1b\\",
        "\x1b[?1000hTrudy\x1bPpwned-dcs\x1b\\\u{9b}?1049l",
        "\u{202e}Oscar\u{200b}\u{2066}\x07\x08",
    ];
    sim.with_world(|w| {
        for (p, name) in parts.iter().zip(hostile) {
            w.set_caller_name(*p, name);
        }
        w.set_conference_name(
            room,
            "\x1b]2;pwned-room\x07Zalgo\u{301}\u{301}\u{301}\u{301}\u{301}\u{301} Room",
        );
    });
    // Without mouse capture conftop itself never writes `?1000h`: any would be Trudy's.
    let mut pty = spawn(&sim, &["--no-mouse"], 140, 30);
    pty.wait_for(WAIT, |s| {
        s.contains("Eve") && s.contains("Mallory") && s.contains("Trudy") && s.contains("Oscar")
    })
    .await;
    let raw = pty.raw();
    for bad in [
        &b"\x1b]"[..],
        b"\x07",
        b"\x1bP",
        b"?1000h",
        b"pwned",
        "\u{9b}".as_bytes(),
        "\u{202e}".as_bytes(),
        "\u{200b}".as_bytes(),
        "\u{2066}".as_bytes(),
        "\u{301}\u{301}\u{301}".as_bytes(),
    ] {
        assert!(
            !contains(&raw, bad),
            "{:?} reached the terminal",
            String::from_utf8_lossy(bad)
        );
    }
    pty.type_keys(&["q"]).await;
    assert!(pty.exit(WAIT).await.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wide_names_keep_the_columns_aligned() {
    let sim = small_sim().await;
    let parts = sim.with_world(|w| {
        let r = w
            .open_conferences(0)
            .into_iter()
            .find(|r| r.kind == ConferenceKind::Conference)
            .unwrap();
        r.members.clone()
    });
    sim.with_world(|w| {
        w.set_caller_name(parts[0], "王小明王小明");
        w.set_caller_name(parts[1], "Plain Name");
    });
    let mut pty = spawn(&sim, &[], 120, 30);
    pty.wait_for(WAIT, |s| s.contains("王小明") && s.contains("Plain Name"))
        .await;
    let (wide, plain) = (
        pty.row_of("王小明").unwrap(),
        pty.row_of("Plain Name").unwrap(),
    );
    let number_col = |row: u16| {
        let line = pty.text().lines().nth(row as usize).unwrap().to_owned();
        let number = line
            .split_whitespace()
            .find(|w| w.starts_with('+') || w.contains('@') || *w == "agent")
            .unwrap()
            .to_owned();
        pty.col_of(row, &number).unwrap()
    };
    assert_eq!(
        number_col(wide),
        number_col(plain),
        "the number column lines up"
    );
    pty.type_keys(&["q"]).await;
    assert!(pty.exit(WAIT).await.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_credentials_are_a_clear_message_not_a_panic() {
    let mut pty = Pty::spawn(
        &[],
        &[("VOIPBIN_API_URL", "http://127.0.0.1:9/v1.0")],
        100,
        24,
    );
    let status = pty.exit(WAIT).await;
    assert_eq!(status.exit_code(), 2);
    let out = String::from_utf8_lossy(&pty.raw()).to_string();
    for word in [
        "VN_ACCESS_KEY",
        "VOIPBIN_API_KEY",
        "VOIPBIN_TOKEN",
        "--demo",
    ] {
        assert!(out.contains(word), "{word}: {out}");
    }
    assert!(!out.contains("panicked"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_answered_while_requests_hang() {
    let sim = small_sim().await;
    let mut pty = spawn(&sim, &[], 120, 40);
    pty.wait_for(WAIT, |s| s.contains("JOINED")).await;
    sim.set_faults(conftop::sim::Faults {
        latency: Duration::from_secs(30),
        ..conftop::sim::Faults::default()
    });
    tokio::time::sleep(Duration::from_millis(2500)).await;
    // A screen that waited on the network would answer after the 30 s of latency; one that
    // does not answers within seconds, however loaded the machine.
    for _ in 0..3 {
        pty.send("?");
        pty.wait_for(Duration::from_secs(5), |s| s.contains("Help · ↑/↓ scroll"))
            .await;
        pty.send("\x1b");
        pty.wait_for(Duration::from_secs(5), |s| !s.contains("Help · ↑/↓ scroll"))
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // Each hanging refresh still ends well (30 s late): STALE shows in the gaps between them.
    pty.wait_for(WAIT * 2, |s| s.contains("STALE")).await;
    pty.send("q");
    assert!(
        pty.exit(WAIT).await.success(),
        "quits at once even with requests in flight"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_small_then_resized_and_q_still_quits() {
    let sim = small_sim().await;
    let mut pty = spawn(&sim, &[], 50, 10);
    pty.wait_for(WAIT, |s| s.contains("Terminal too small: 50×10"))
        .await;
    pty.resize(120, 30);
    pty.wait_for(WAIT, |s| s.contains("JOINED") && s.contains("sort:"))
        .await;
    pty.resize(40, 8);
    pty.wait_for(WAIT, |s| s.contains("Terminal too small: 40×8"))
        .await;
    pty.send("q");
    assert!(pty.exit(WAIT).await.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mouse_is_taken_while_running_and_given_back_at_exit() {
    let sim = small_sim().await;
    let mut pty = spawn(&sim, &[], 120, 30);
    pty.wait_for(WAIT, |s| s.contains("JOINED")).await;
    assert!(contains(&pty.raw(), b"\x1b[?1000h"), "mouse capture on");
    pty.send("q");
    assert!(pty.exit(WAIT).await.success());
    assert!(
        contains(&pty.raw(), b"\x1b[?1000l"),
        "and off again at exit"
    );
    let kiosk = spawn(&sim, &["--kiosk"], 120, 30);
    kiosk.wait_for(WAIT, |s| s.contains("JOINED")).await;
    assert!(!contains(&kiosk.raw(), b"\x1b[?1000h"), "never on a wall");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_never_reach_the_screen_the_log_or_help() {
    let sim = small_sim().await;
    let key = sim.access_key();
    let audit_dir = tempfile::tempdir().unwrap();
    let audit = audit_dir.path().join("audit.jsonl");
    let mut pty = spawn(&sim, &["--audit-log", audit.to_str().unwrap()], 120, 30);
    pty.wait_for(WAIT, |s| s.contains("JOINED")).await;
    // Every way the websocket (whose URL carries the key) fails, with the help open to show
    // why push is off.
    pty.wait_for(WAIT, |s| s.contains("· push ·")).await;
    sim.set_ws_faults(conftop::sim::WsFaults {
        refuse_upgrades: true,
        ..conftop::sim::WsFaults::default()
    });
    sim.drop_websockets();
    pty.wait_for(WAIT, |s| s.contains("· polling ·")).await;
    pty.send("?");
    tokio::time::sleep(Duration::from_millis(400)).await;
    // The reason is at the end of the help.
    pty.send(&"j".repeat(30));
    pty.wait_for(WAIT, |s| s.contains("websocket refused"))
        .await;
    pty.send("\x1b");
    sim.set_ws_faults(conftop::sim::WsFaults::default());
    pty.wait_for(Duration::from_secs(40), |s| s.contains("· push ·"))
        .await;
    // A removal (for the audit log), a failure (for error messages), then quit.
    pty.type_keys(&["d", "\x1b[C", "\r"]).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    sim.set_faults(conftop::sim::Faults {
        error_rate: 1.0,
        ..conftop::sim::Faults::default()
    });
    pty.wait_for(WAIT, |s| s.contains("STALE")).await;
    pty.type_keys(&["j", "\r"]).await;
    pty.type_keys(&["\x1b", "q"]).await;
    pty.exit(WAIT).await;
    let raw = String::from_utf8_lossy(&pty.raw()).to_string();
    assert!(!raw.contains(&key), "the key reached the screen");
    let log = pty.log();
    assert!(
        log.contains("refresh failed") && log.contains("push is down"),
        "the log has the failures: {log}"
    );
    assert!(
        !log.contains(&key) && !log.contains("accesskey="),
        "the key reached the log"
    );
    let audit_text = std::fs::read_to_string(&audit).unwrap();
    assert!(!audit_text.is_empty() && !audit_text.contains(&key));

    // --help shows the variable names but never their values.
    let out = crate::common::output(
        std::process::Command::new(env!("CARGO_BIN_EXE_conftop"))
            .arg("--help")
            .env("VN_ACCESS_KEY", &key)
            .env(
                "VOIPBIN_API_URL",
                format!("{}?accesskey={key}", sim.base_url()),
            ),
    )
    .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("VN_ACCESS_KEY"));
    assert!(!help.contains(&key), "{help}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_to_a_remote_host_is_refused() {
    let mut pty = Pty::spawn(
        &[],
        &[
            ("VOIPBIN_API_URL", "http://api.example.com/v1.0"),
            ("VN_ACCESS_KEY", "k"),
        ],
        100,
        24,
    );
    let status = pty.exit(WAIT).await;
    assert_eq!(status.exit_code(), 2);
    let out = String::from_utf8_lossy(&pty.raw()).to_string();
    assert!(
        out.contains("refusing plain http to api.example.com"),
        "{out}"
    );
    assert!(out.contains("--allow-insecure-http"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standalone_simulator_answers_curl() {
    use std::io::BufRead;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    /// Stops the simulator however the test ends.
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let spawning = crate::common::spawning();
    let mut child = Kill(
        std::process::Command::new(env!("CARGO_BIN_EXE_conftop"))
            .args([
                "sim",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--history",
                "250",
                "--seed",
                "3",
            ])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    drop(spawning);
    let mut lines = std::io::BufReader::new(child.0.stdout.take().unwrap()).lines();
    let mut base = String::new();
    let mut key = String::new();
    for line in lines.by_ref() {
        if !base.is_empty() && !key.is_empty() {
            break;
        }
        let line = line.unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["base", "URL", url, ..] => base = url.to_string(),
            ["access", "key", k, ..] => key = k.to_string(),
            _ => {}
        }
    }
    assert_eq!(base, format!("http://127.0.0.1:{port}/v1.0"));
    let get = |path: String| {
        let url = format!("{base}{path}");
        async move { reqwest::get(url).await.unwrap() }
    };
    let page: serde_json::Value = get(format!("/conferencecalls?page_size=3&accesskey={key}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["result"].as_array().unwrap().len(), 3);
    let id = page["result"][0]["id"].as_str().unwrap().to_owned();
    let call = page["result"][0]["reference_id"]
        .as_str()
        .unwrap()
        .to_owned();
    for path in [
        format!("/conferencecalls/{id}?accesskey={key}"),
        format!("/conferences?accesskey={key}"),
        format!("/calls/{call}?accesskey={key}"),
        format!("/calls?page_size=2&accesskey={key}"),
        format!("/customer?accesskey={key}"),
    ] {
        assert_eq!(get(path.clone()).await.status(), 200, "{path}");
    }
    assert_eq!(get("/customer".into()).await.status(), 401);
    let stats: serde_json::Value = reqwest::get(format!("http://127.0.0.1:{port}/_sim/stats"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["requests"]["GET /customer"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_a_background_task_leaves_the_screen_to_the_running_ui() {
    let sim = small_sim().await;
    let mut pty = spawn(&sim, &["--crash-test-task"], 100, 30);
    pty.wait_for(WAIT, |s| s.contains("JOINED")).await;
    let t0 = std::time::Instant::now();
    while !pty
        .log()
        .contains("deliberate crash test in a background task")
    {
        assert!(t0.elapsed() < WAIT, "the task panicked and was logged");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(pty.running());
    let raw = String::from_utf8_lossy(&pty.raw()).to_string();
    assert!(
        !raw.contains("\x1b[?1049l"),
        "the alternate screen was not left"
    );
    assert!(!raw.contains("stopped unexpectedly"));
    pty.send("?");
    // The help opens: the screen still answers keys.
    pty.wait_for(WAIT, |s| s.contains("Help · ")).await;
    pty.type_keys(&["\x1b", "q"]).await;
    assert!(pty.exit(WAIT).await.success());
    assert!(pty.restored());
}

#[test]
fn option_errors_come_before_the_terminal_check() {
    let run = |args: &[&str]| {
        let out = crate::common::output(
            std::process::Command::new(env!("CARGO_BIN_EXE_conftop"))
                .args(args)
                .env("VN_ACCESS_KEY", "k")
                .env("CONFTOP_CONFIG", "/nonexistent-dir/conftop.toml"),
        )
        .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, err) = run(&["--interval", "0s", "--config", "/dev/null"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("--interval 0s:") && !err.contains("terminal"),
        "{err}"
    );
    let (code, err) = run(&["--budget", "40", "--config", "/dev/null"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--budget 40"), "{err}");
    // Valid options, no terminal: that is what it says.
    let (code, err) = run(&["--config", "/dev/null"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("needs a terminal"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn m_mutes_and_unmutes_the_selected_participant_with_an_audit_line_each() {
    let sim = small_sim().await;
    let audit_dir = tempfile::tempdir().unwrap();
    let audit = audit_dir.path().join("audit.jsonl");
    let mut pty = spawn(&sim, &["--audit-log", audit.to_str().unwrap()], 120, 30);
    pty.wait_for(WAIT, |s| s.contains("● JOINED") && !s.contains("…  "))
        .await;
    let short = first_short_id(&pty);
    let row = |s: &str| s.lines().find(|l| l.contains(&short)).map(str::to_owned);
    let call = sim.with_world(|w| {
        let p = w
            .live_participants(0)
            .into_iter()
            .find(|p| p.id.simple().to_string().starts_with(&short))
            .expect("the row is a real participant");
        w.call(p.call).expect("its call").id
    });
    let muted_in_sim = |sim: &Sim| sim.with_world(|w| w.call(call).unwrap().mute_direction);
    let was_muted = row(&pty.text()).is_some_and(|l| l.contains("[muted]"));
    assert_eq!(
        was_muted,
        muted_in_sim(&sim) == "both",
        "the row tells the call's state"
    );

    for flip in [!was_muted, was_muted] {
        pty.type_keys(&["m"]).await;
        pty.wait_for(WAIT, |s| {
            row(s).is_some_and(|l| l.contains("[muted]") == flip)
        })
        .await;
        assert_eq!(muted_in_sim(&sim) == "both", flip);
    }
    let c = sim.counter();
    assert_eq!(
        c.get("POST", "/calls/{id}/mute") + c.get("DELETE", "/calls/{id}/mute"),
        2,
        "one request per press"
    );
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let actions: Vec<&str> = lines
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    let outcomes: Vec<&str> = lines
        .iter()
        .map(|l| l["outcome"].as_str().unwrap())
        .collect();
    if was_muted {
        assert_eq!(actions, ["unmute", "mute"]);
        assert_eq!(outcomes, ["unmuted", "muted"]);
    } else {
        assert_eq!(actions, ["mute", "unmute"]);
        assert_eq!(outcomes, ["muted", "unmuted"]);
    }
    pty.type_keys(&["q"]).await;
    assert!(pty.exit(WAIT).await.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_typed_without_slash_or_pasted_remove_and_mute_nobody() {
    let sim = small_sim().await;
    let audit_dir = tempfile::tempdir().unwrap();
    let audit = audit_dir.path().join("audit.jsonl");
    let mut pty = spawn(&sim, &["--audit-log", audit.to_str().unwrap()], 120, 30);
    pty.wait_for(WAIT, |s| s.contains("● JOINED") && !s.contains("…  "))
        .await;
    // `j j`, as a person moves to a row.
    for _ in 0..2 {
        pty.send("j");
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    // Names typed as a hurried person types into a search box, forgetting `/`: each holds
    // keys that remove (`d` … `y`), mute (`m`) or fold (space) when pressed on their own.
    // The last two are typed slowly, every key on its own: still a search, whole.
    for (text, every) in [
        ("Andy", 90),
        ("Emma Smith", 60),
        ("dolly", 140),
        ("my day", 30),
        ("maria", 250),
        ("dylan", 700),
    ] {
        for c in text.chars() {
            pty.send(&c.to_string());
            tokio::time::sleep(Duration::from_millis(every)).await;
        }
        pty.wait_for(WAIT, |s| s.contains(&format!("/{text}")))
            .await;
        pty.send("\x1b");
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    // A paste (bracketed, as the terminal sends it) is text too.
    pty.send("\x1b[200~dy m\x1b[201~");
    pty.wait_for(WAIT, |s| s.contains("/dy m")).await;
    pty.send("\x1b");
    tokio::time::sleep(Duration::from_millis(400)).await;
    // The habit of other tools, `d`, a pause, `y`, even on Remove: the letter is a search.
    for k in ["d", "\x1b[C", "y"] {
        pty.send(k);
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    pty.wait_for(WAIT, |s| {
        s.contains("/dy") && s.contains("Letters never remove")
    })
    .await;
    pty.send("\x1b");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let c = sim.counter();
    assert_eq!(c.method("DELETE"), 0, "no removal");
    assert_eq!(c.get("POST", "/calls/{id}/mute"), 0, "no mute");
    assert!(
        std::fs::read_to_string(&audit)
            .unwrap_or_default()
            .is_empty(),
        "nothing to audit"
    );
    pty.type_keys(&["q"]).await;
    assert!(pty.exit(WAIT).await.success());
}
