//! Each option rule, and the precedence flag > environment > config file > default.

use std::path::PathBuf;

use clap::Parser;
use secrecy::ExposeSecret;

use super::*;
use crate::cli::{Cli, Sub};

/// A scratch directory with a config file; audit and log paths inside it.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new(config: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let p = dir.path().join("config.toml");
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        Fixture { dir }
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    /// Resolves `flags` with this config file and the given environment.
    fn resolve(&self, flags: &[&str], env: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let config = self.config();
        let audit = self.dir.path().join("audit.jsonl");
        let mut argv = vec![
            "conftop".to_owned(),
            "--config".to_owned(),
            config.display().to_string(),
            "--audit-log".to_owned(),
            audit.display().to_string(),
        ];
        argv.extend(flags.iter().map(|s| s.to_string()));
        let cli = Cli::try_parse_from(argv).expect("flags parse");
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = move |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        Settings::resolve(&cli.dash, &lookup)
    }
}

const KEY: &str = "access_key = \"k-file\"\n";

fn ok(f: &Fixture, flags: &[&str]) -> Settings {
    f.resolve(flags, &[]).expect("valid settings")
}

fn err(f: &Fixture, flags: &[&str]) -> String {
    f.resolve(flags, &[]).unwrap_err().to_string()
}

#[test]
fn defaults_apply_when_nothing_is_given() {
    let s = ok(&Fixture::new(KEY), &[]);
    assert_eq!(s.interval, defaults::INTERVAL);
    assert_eq!(s.stuck_warn, defaults::STUCK_WARN);
    assert_eq!(s.stuck_crit, defaults::STUCK_CRIT);
    assert_eq!(s.rotate, defaults::ROTATE);
    assert_eq!(s.no_data_after, defaults::NO_DATA_AFTER);
    assert_eq!(s.timeout, defaults::TIMEOUT);
    assert_eq!(s.budget, defaults::BUDGET);
    assert_eq!(s.mode, Mode::Interactive { read_only: false });
    match s.source {
        Source::Api { url, credentials } => {
            assert_eq!(url, DEFAULT_API_URL);
            assert!(
                matches!(credentials, Credentials::AccessKey(k) if k.expose_secret() == "k-file")
            );
        }
        Source::Demo => panic!("not a demo"),
    }
}

#[test]
fn flags_beat_the_file_which_beats_the_default() {
    let f = Fixture::new(&format!(
        "{KEY}interval = \"5s\"\nbudget = 4\ntimeout = \"3s\"\n"
    ));
    let s = ok(&f, &[]);
    assert_eq!(s.interval, Duration::from_secs(5));
    assert_eq!(s.budget, 4.0);
    assert_eq!(s.timeout, Duration::from_secs(3));
    let s = ok(
        &f,
        &["--interval", "7s", "--budget", "2", "--timeout", "1s"],
    );
    assert_eq!(s.interval, Duration::from_secs(7));
    assert_eq!(s.budget, 2.0);
    assert_eq!(s.timeout, Duration::from_secs(1));
}

#[test]
fn api_url_flag_beats_environment_beats_file() {
    let f = Fixture::new(&format!("{KEY}api_url = \"https://file.example/v1.0\"\n"));
    let url = |flags: &[&str], env: &[(&str, &str)]| match f.resolve(flags, env).unwrap().source {
        Source::Api { url, .. } => url,
        Source::Demo => panic!("not a demo"),
    };
    assert_eq!(url(&[], &[]), "https://file.example/v1.0");
    let env = [("VOIPBIN_API_URL", "https://env.example/v1.0")];
    assert_eq!(url(&[], &env), "https://env.example/v1.0");
    let flag = ["--api-url", "https://flag.example/v1.0"];
    assert_eq!(url(&flag, &env), "https://flag.example/v1.0");
}

#[test]
fn credentials_from_the_environment_beat_the_file() {
    let f = Fixture::new(KEY);
    let s = f.resolve(&[], &[("VN_ACCESS_KEY", "k-env")]).unwrap();
    assert!(matches!(
        s.source,
        Source::Api { credentials: Credentials::AccessKey(k), .. } if k.expose_secret() == "k-env"
    ));
    let e = Fixture::new("").resolve(&[], &[]).unwrap_err();
    assert!(matches!(
        e,
        SettingsError::Config(ConfigError::NoCredentials { .. })
    ));
}

/// A home directory with `~/.vn/config.yaml` holding `text` (mode 0600).
fn vn_home(f: &Fixture, text: &str) -> String {
    let home = f.dir.path().join("home");
    std::fs::create_dir_all(home.join(".vn")).unwrap();
    let path = home.join(".vn/config.yaml");
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    home.display().to_string()
}

const VN: &str = "current_profile: main\nprofiles:\n  main:\n    access_key: k-vn-main\n    \
                  api_url: https://main.example/v1.0\n  other:\n    access_key: k-vn-other\n";

fn key_and_url(s: &Settings) -> (String, String) {
    match &s.source {
        Source::Api {
            url,
            credentials: Credentials::AccessKey(k),
        } => (k.expose_secret().to_owned(), url.clone()),
        other => panic!("not an access key: {other:?}"),
    }
}

#[test]
fn the_vn_profile_comes_after_the_environment_and_the_config_file() {
    let f = Fixture::new("");
    let home = vn_home(&f, VN);
    let h = [("HOME", home.as_str())];
    let s = f.resolve(&[], &h).unwrap();
    assert_eq!(
        key_and_url(&s),
        ("k-vn-main".into(), "https://main.example/v1.0".into())
    );
    let shown = s.credential_source.to_string();
    assert!(
        shown.contains("vn profile \"main\"") && shown.contains(".vn/config.yaml"),
        "{shown}"
    );
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);

    // --profile beats CONFTOP_PROFILE beats current_profile; no api_url: the default.
    let s = f.resolve(&["--profile", "other"], &h).unwrap();
    assert_eq!(
        key_and_url(&s),
        ("k-vn-other".into(), DEFAULT_API_URL.into())
    );
    let env = [("HOME", home.as_str()), ("CONFTOP_PROFILE", "other")];
    assert_eq!(key_and_url(&f.resolve(&[], &env).unwrap()).0, "k-vn-other");
    let s = f.resolve(&["--profile", "main"], &env).unwrap();
    assert_eq!(key_and_url(&s).0, "k-vn-main");

    // The profile's api_url yields to the flag and the environment only.
    let env = [
        ("HOME", home.as_str()),
        ("VOIPBIN_API_URL", "https://env.example/v1.0"),
    ];
    assert_eq!(
        key_and_url(&f.resolve(&[], &env).unwrap()).1,
        "https://env.example/v1.0"
    );
    let s = f
        .resolve(&["--api-url", "https://flag.example/v1.0"], &h)
        .unwrap();
    assert_eq!(key_and_url(&s).1, "https://flag.example/v1.0");

    // The environment, then the config file, come first; a profile asked for is then unused
    // and a warning says so.
    let env = [("HOME", home.as_str()), ("VN_ACCESS_KEY", "k-env")];
    let s = f.resolve(&["--profile", "other"], &env).unwrap();
    assert_eq!(key_and_url(&s), ("k-env".into(), DEFAULT_API_URL.into()));
    assert_eq!(s.credential_source.to_string(), "VN_ACCESS_KEY");
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("--profile \"other\" is not used"))
    );
    let g = Fixture::new(&format!("{KEY}api_url = \"https://file.example/v1.0\"\n"));
    let home_g = vn_home(&g, VN);
    let s = g.resolve(&[], &[("HOME", home_g.as_str())]).unwrap();
    assert_eq!(
        key_and_url(&s),
        ("k-file".into(), "https://file.example/v1.0".into())
    );
    assert!(
        s.credential_source
            .to_string()
            .starts_with("access_key in ")
    );
}

#[test]
fn vn_profile_errors_name_the_file_and_the_profile_never_the_key() {
    let f = Fixture::new("");
    let home = vn_home(&f, VN);
    let h = [("HOME", home.as_str())];
    let file = format!("{home}/.vn/config.yaml");
    let e = f
        .resolve(&["--profile", "nope"], &h)
        .unwrap_err()
        .to_string();
    assert!(e.contains(&file) && e.contains("\"nope\""), "{e}");
    assert!(!e.contains("k-vn"), "{e}");
    let home = vn_home(
        &f,
        "profiles:\n  main:\n    api_url: https://x.example/v1.0\n",
    );
    let e = f
        .resolve(&["--profile", "main"], &h)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&file) && e.contains("\"main\"") && e.contains("access_key"),
        "{e}"
    );
    let _ = vn_home(&f, "current_profile: [k-vn-secret\n");
    let e = f
        .resolve(&[], &[("HOME", home.as_str())])
        .unwrap_err()
        .to_string();
    assert!(e.contains(&file) && !e.contains("k-vn-secret"), "{e}");

    // No file: nothing to use, unless a profile was asked for.
    let empty = f.dir.path().join("empty-home").display().to_string();
    let e = f.resolve(&[], &[("HOME", empty.as_str())]).unwrap_err();
    assert!(
        matches!(e, SettingsError::Config(ConfigError::NoCredentials { .. })),
        "{e}"
    );
    let e = f
        .resolve(&[], &[("HOME", empty.as_str()), ("CONFTOP_PROFILE", "x")])
        .unwrap_err()
        .to_string();
    assert!(e.contains("CONFTOP_PROFILE") && e.contains("\"x\""), "{e}");
}

#[cfg(unix)]
#[test]
fn a_vn_config_others_can_read_draws_the_same_warning() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::new("");
    let home = vn_home(&f, VN);
    let path = format!("{home}/.vn/config.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let s = f.resolve(&[], &[("HOME", home.as_str())]).unwrap();
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert!(s.warnings[0].contains(&format!("chmod 600 {path}")));
    assert!(!s.warnings[0].contains("k-vn"));
}

#[test]
fn the_demo_needs_no_credentials() {
    let s = ok(&Fixture::new(""), &["--demo"]);
    assert!(matches!(s.source, Source::Demo));
}

#[test]
fn interval_has_a_floor_from_either_source() {
    let f = Fixture::new(KEY);
    let e = err(&f, &["--interval", "500ms"]);
    assert!(e.contains("--interval 500ms") && e.contains("1s"), "{e}");
    assert!(ok(&f, &["--interval", "1s"]).interval == defaults::MIN_INTERVAL);
    let f = Fixture::new(&format!("{KEY}interval = \"0s\"\n"));
    let e = err(&f, &[]);
    assert!(
        e.contains("interval in") && e.contains("config.toml"),
        "{e}"
    );
}

#[test]
fn stuck_crit_must_not_come_before_stuck_warn() {
    let f = Fixture::new(KEY);
    let e = err(&f, &["--stuck-warn", "2m", "--stuck-crit", "1m"]);
    assert!(
        e.contains("--stuck-crit 1m") && e.contains("--stuck-warn 2m"),
        "{e}"
    );
    // Equal is allowed; the file's value counts against the flag's.
    let s = ok(&f, &["--stuck-warn", "1m", "--stuck-crit", "1m"]);
    assert_eq!(s.stuck_warn, s.stuck_crit);
    let f = Fixture::new(&format!("{KEY}stuck_crit = \"20s\"\n"));
    assert!(err(&f, &[]).contains("--stuck-crit 20s"));
    assert_eq!(
        ok(&f, &["--stuck-warn", "10s"]).stuck_crit,
        Duration::from_secs(20)
    );
}

#[test]
fn rotate_has_a_floor() {
    let f = Fixture::new(KEY);
    assert!(err(&f, &["--rotate", "999ms"]).contains("--rotate 999ms"));
    assert_eq!(ok(&f, &["--rotate", "1s"]).rotate, Duration::from_secs(1));
}

#[test]
fn budget_is_one_rule_for_flag_and_file() {
    let f = Fixture::new(KEY);
    for bad in ["0.4", "16.5", "0", "-3", "NaN", "inf"] {
        let e = err(&f, &[&format!("--budget={bad}")]);
        assert!(
            e.contains("--budget") && e.contains("0.5 to 16"),
            "{bad}: {e}"
        );
    }
    for good in ["0.5", "16", "8"] {
        ok(&f, &["--budget", good]);
    }
    let f = Fixture::new(&format!("{KEY}budget = 20\n"));
    let e = err(&f, &[]);
    assert!(e.contains("budget in") && e.contains("0.5 to 16"), "{e}");
}

#[test]
fn timeout_must_leave_time_for_an_answer() {
    let f = Fixture::new(KEY);
    let e = err(&f, &["--timeout", "0s"]);
    assert!(e.contains("--timeout 0s") && e.contains("100ms"), "{e}");
    assert_eq!(
        ok(&f, &["--timeout", "100ms"]).timeout,
        defaults::MIN_TIMEOUT
    );
}

#[test]
fn durations_are_shown_as_they_are_typed() {
    for (d, text) in [
        (500, "500ms"),
        (45_000, "45s"),
        (120_000, "2m"),
        (90_000, "90s"),
        (3_600_000, "1h"),
        (0, "0s"),
    ] {
        let d = Duration::from_millis(d);
        assert_eq!(shown(d), text);
        assert_eq!(crate::cli::parse_duration(text), Ok(d));
    }
}

#[test]
fn push_is_on_unless_a_flag_or_the_file_turns_it_off() {
    let f = Fixture::new(KEY);
    assert!(ok(&f, &[]).sync_config(None).push.enabled);
    assert!(!ok(&f, &["--no-push"]).sync_config(None).push.enabled);
    let f = Fixture::new(&format!("{KEY}push = false\n"));
    assert!(!ok(&f, &[]).push);
}

#[test]
fn read_only_modes_keep_no_audit_log() {
    let f = Fixture::new(KEY);
    let s = ok(&f, &["--kiosk"]);
    assert_eq!(s.mode, Mode::Kiosk);
    assert!(s.audit_log.is_none() && !s.sync_config(None).allow_actions);
    let s = ok(&f, &["--read-only"]);
    assert!(s.mode.read_only() && s.audit_log.is_none());
    let f = Fixture::new(&format!("{KEY}read_only = true\n"));
    assert!(ok(&f, &[]).mode.read_only());
    let s = ok(&Fixture::new(KEY), &[]);
    assert!(s.audit_log.is_some() && s.sync_config(None).allow_actions);
}

#[test]
fn a_theme_that_cannot_load_is_an_option_error() {
    let f = Fixture::new(KEY);
    assert!(matches!(
        f.resolve(&["--theme", "sparkly"], &[]),
        Err(SettingsError::Theme(_))
    ));
}

#[test]
fn settings_reach_the_app_and_the_sync_task() {
    let f = Fixture::new(KEY);
    let s = ok(
        &f,
        &[
            "--interval",
            "3s",
            "--budget",
            "4",
            "--rotate",
            "9s",
            "--stuck-warn",
            "5s",
        ],
    );
    let app = s.app_config("h".into(), None);
    assert_eq!(app.interval, Duration::from_secs(3));
    assert_eq!(app.rotate, SignedDuration::from_secs(9));
    assert_eq!(app.thresholds.warn, SignedDuration::from_secs(5));
    let sync = s.sync_config(None);
    assert_eq!(sync.interval, Duration::from_secs(3));
    assert_eq!(sync.budget.per_second, 4.0);
}

fn sim(flags: &[&str]) -> Result<SimConfig, SettingsError> {
    let mut argv = vec!["conftop", "sim"];
    argv.extend(flags);
    match Cli::try_parse_from(argv).expect("flags parse").command {
        Some(Sub::Sim(a)) => sim_config(&a),
        _ => panic!("not the sim subcommand"),
    }
}

#[test]
fn simulator_rates_speed_and_churn_are_checked() {
    for (flag, bad) in [
        ("--error-rate", "1.5"),
        ("--ws-garbage-rate", "2"),
        ("--drop-rate", "-0.1"),
        ("--malformed-rate", "2"),
        ("--truncate-rate", "9"),
        ("--kick-fail-rate", "1.01"),
        ("--speed", "0"),
        ("--speed", "1001"),
        ("--churn", "0.001"),
    ] {
        let e = sim(&[&format!("{flag}={bad}")]).unwrap_err().to_string();
        assert!(e.starts_with(flag), "{flag} {bad}: {e}");
    }
    let c = sim(&["--error-rate", "0.2", "--churn", "0", "--speed", "10"]).unwrap();
    assert_eq!(c.faults.error_rate, 0.2);
    assert_eq!(c.scenario.churn_per_min, 0.0);
    assert_eq!(c.speed, 10.0);
    assert!(
        sim(&["--no-rate-limit"])
            .unwrap()
            .server
            .rate_limit
            .is_none()
    );
}

#[test]
fn simulator_scenario_and_websocket_knobs_are_checked() {
    let c = sim(&["--busy"]).unwrap();
    assert_eq!(c.scenario.history, Scenario::busy().history);
    assert_eq!(c.scenario.recent_share, Scenario::busy().recent_share);
    let c = sim(&["--busy", "--recent-share", "0.5", "--recent-window", "1h"]).unwrap();
    assert_eq!(c.scenario.conferences, Scenario::busy().conferences);
    assert_eq!(c.scenario.recent_share, 0.5);
    assert_eq!(c.scenario.recent_window, 3_600_000_000);
    let c = sim(&[]).unwrap();
    assert_eq!(c.scenario.recent_share, Scenario::default().recent_share);
    assert_eq!(c.websocket.queue, WsOptions::default().queue);
    let c = sim(&[
        "--ws-ping-interval",
        "500ms",
        "--ws-pong-timeout",
        "2s",
        "--ws-queue",
        "5",
    ])
    .unwrap();
    assert_eq!(c.websocket.ping_interval, Duration::from_millis(500));
    assert_eq!(c.websocket.pong_timeout, Duration::from_secs(2));
    assert_eq!(c.websocket.queue, 5);
    // A long ping interval with no pings at all is fine.
    assert!(sim(&["--ws-no-ping", "--ws-pong-timeout", "1s"]).is_ok());

    for (flags, option) in [
        (&["--recent-share", "1.5"][..], "--recent-share"),
        (&["--recent-share=-0.1"], "--recent-share"),
        (&["--recent-window", "0s"], "--recent-window"),
        (&["--ws-ping-interval", "10ms"], "--ws-ping-interval"),
        (&["--ws-pong-timeout", "5s"], "--ws-pong-timeout"),
        (
            &["--ws-ping-interval", "30s", "--ws-pong-timeout", "30s"],
            "--ws-pong-timeout",
        ),
        (&["--ws-queue", "0"], "--ws-queue"),
    ] {
        let e = sim(flags).unwrap_err().to_string();
        assert!(e.starts_with(option), "{flags:?}: {e}");
    }
    let argv = ["conftop", "sim", "--demo", "--busy"];
    assert!(Cli::try_parse_from(argv).is_err(), "--demo and --busy");
}

#[test]
fn the_simulator_listens_on_host_names_that_are_this_machine() {
    let c = sim(&["--listen", "localhost:8080"]).unwrap();
    assert!(c.listen.ip().is_loopback(), "{}", c.listen);
    assert_eq!(c.listen.port(), 8080);
    assert!(
        sim(&["--listen", "[::1]:0"])
            .unwrap()
            .listen
            .ip()
            .is_loopback()
    );
    let e = sim(&["--listen", "0.0.0.0:8080"]).unwrap_err().to_string();
    assert!(
        e.starts_with("--listen 0.0.0.0:8080") && e.contains("--allow-remote"),
        "{e}"
    );
    assert!(sim(&["--listen", "0.0.0.0:8080", "--allow-remote"]).is_ok());
    let e = sim(&["--listen", "localhost"]).unwrap_err().to_string();
    assert!(e.contains("HOST:PORT"), "{e}");
    let e = sim(&["--listen", "no-such-host.invalid:80"])
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("--listen no-such-host.invalid:80"), "{e}");
}

#[test]
fn the_region_for_numbers_comes_from_the_option_the_file_or_the_locale() {
    use crate::domain::search::region_named;
    let f = Fixture::new(KEY);
    let locale = [("LANG", "en_GB.UTF-8")];
    assert_eq!(f.resolve(&[], &locale).unwrap().region, region_named("GB"));
    assert_eq!(ok(&f, &[]).region, None, "no locale, no region");
    let s = f.resolve(&["--region", "us"], &locale).unwrap();
    assert_eq!(s.region, region_named("US"), "the option wins");
    assert_eq!(
        s.app_config("h".into(), None).region,
        region_named("US"),
        "and reaches the app"
    );
    let file = Fixture::new(&format!("{KEY}region = \"KR\"\n"));
    assert_eq!(
        file.resolve(&[], &locale).unwrap().region,
        region_named("KR")
    );
    let err = f.resolve(&["--region", "Britain"], &[]).unwrap_err();
    assert!(matches!(err, SettingsError::Region { .. }));
    assert!(err.to_string().contains("--region \"Britain\""), "{err}");
    let bad = Fixture::new(&format!("{KEY}region = \"UK\"\n"));
    let err = bad.resolve(&[], &[]).unwrap_err().to_string();
    assert!(err.contains("region in"), "{err}");
}

#[test]
fn a_zero_duration_is_echoed_as_typed_and_the_list_timeout_says_what_it_bounds() {
    let f = Fixture::new(KEY);
    let err = f
        .resolve(&["--interval", "0s"], &[])
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("--interval 0s:"), "{err}");
    let err = super::list_timeout(Some(Duration::ZERO))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("--timeout 0s: the whole picture"), "{err}");
    assert!(!err.contains("request"), "{err}");
}

#[test]
fn a_wall_names_every_caller_over_time_and_the_desk_only_those_it_shows() {
    let f = Fixture::new(KEY);
    assert!(ok(&f, &["--kiosk"]).sync_config(None).name_everyone);
    assert!(!ok(&f, &[]).sync_config(None).name_everyone);
    assert!(!ok(&f, &["--kiosk"]).mouse, "no mouse capture on a wall");
    assert!(ok(&f, &[]).mouse);
    assert!(!ok(&f, &["--no-mouse"]).mouse);
}

#[test]
fn an_alert_command_must_name_a_runnable_program_and_watches_must_read() {
    let f = Fixture::new(KEY);
    assert_eq!(ok(&f, &[]).alert_command, None);
    assert!(!ok(&f, &[]).app_config("h".into(), None).alerts);
    let s = ok(&f, &["--alert-command", "/bin/sh"]);
    assert_eq!(s.alert_command, Some(vec!["/bin/sh".to_owned()]));
    assert!(s.app_config("h".into(), None).alerts);
    // A bare name is looked up on PATH when it runs.
    assert!(
        ok(&f, &["--alert-command", "page-noc"])
            .alert_command
            .is_some()
    );
    let e = err(&f, &["--alert-command", "/nonexistent/page-noc"]);
    assert!(
        e.starts_with("--alert-command: /nonexistent/page-noc"),
        "{e}"
    );
    let not_runnable = f.config().display().to_string();
    let e = err(&f, &["--alert-command", &not_runnable]);
    assert!(e.contains("not an executable file"), "{e}");

    let f = Fixture::new(&format!(
        "{KEY}\nalert_command = [\"/bin/sh\", \"-c\", \"true\"]\nwatch = [\"+44 20 7946 0679\", \"conference:00000000-0000-0000-0000-000000000005\"]\n"
    ));
    let s = ok(&f, &[]);
    assert_eq!(s.alert_command.as_ref().map(Vec::len), Some(3));
    assert_eq!(
        s.app_config("h".into(), None).watches,
        vec![
            crate::app::watch::Watch::Caller("+442079460679".into()),
            crate::app::watch::Watch::Conference(uuid::Uuid::from_u128(5)),
        ]
    );
    // The flag wins over the file.
    assert_eq!(
        ok(&f, &["--alert-command", "/bin/true"]).alert_command,
        Some(vec!["/bin/true".to_owned()])
    );
    let f = Fixture::new(&format!("{KEY}\nalert_command = []\n"));
    let e = err(&f, &[]);
    assert!(e.starts_with("alert_command in "), "{e}");
    assert!(e.contains("name the program"), "{e}");
    let f = Fixture::new(&format!("{KEY}\nwatch = [\"Fatima\"]\n"));
    let e = err(&f, &[]);
    assert!(
        e.contains("\"Fatima\" is neither a phone number, a SIP address nor conference:<id>"),
        "{e}"
    );
}

mod metrics;
