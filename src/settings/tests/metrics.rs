//! `--metrics-listen`: where, from which source, and never off this machine unless asked.

use super::*;

#[test]
fn the_metrics_listen_on_this_machine_unless_remote_is_asked_for() {
    let f = Fixture::new(KEY);
    assert_eq!(ok(&f, &[]).metrics, None, "no metrics unless asked");
    let at = |flags: &[&str]| ok(&f, flags).metrics.expect("metrics").to_string();
    assert_eq!(
        at(&["--metrics-listen", "127.0.0.1:9464"]),
        "127.0.0.1:9464"
    );
    assert_eq!(
        at(&["--metrics-listen", "9464"]),
        "127.0.0.1:9464",
        "a port alone"
    );
    assert_eq!(at(&["--metrics-listen", ":9100"]), "127.0.0.1:9100");
    assert!(
        ok(&f, &["--metrics-listen", "localhost:0"])
            .metrics
            .unwrap()
            .ip()
            .is_loopback()
    );
    let e = err(&f, &["--metrics-listen", "0.0.0.0:9464"]);
    assert!(
        e.starts_with("--metrics-listen 0.0.0.0:9464: it is 0.0.0.0")
            && e.contains("--metrics-allow-remote"),
        "{e}"
    );
    assert_eq!(
        at(&["--metrics-listen", "0.0.0.0:9464", "--metrics-allow-remote"]),
        "0.0.0.0:9464"
    );
    let e = err(&f, &["--metrics-listen", "somewhere"]);
    assert!(e.contains("HOST:PORT or a port"), "{e}");
    let e = err(&f, &["--metrics-listen", "99999"]);
    assert!(e.starts_with("--metrics-listen 99999"), "{e}");
}

#[test]
fn the_config_file_may_name_the_metrics_address_and_the_flag_wins() {
    let f = Fixture::new(&format!("{KEY}metrics_listen = \"127.0.0.1:9300\"\n"));
    assert_eq!(ok(&f, &[]).metrics.unwrap().port(), 9300);
    let flagged = ok(&f, &["--metrics-listen", "9400"]);
    assert_eq!(flagged.metrics.unwrap().port(), 9400);
    let f = Fixture::new(&format!("{KEY}metrics_listen = \"[::]:9300\"\n"));
    let e = err(&f, &[]);
    assert!(
        e.starts_with("metrics_listen in ") && e.contains("metrics_allow_remote = true"),
        "{e}"
    );
    let f = Fixture::new(&format!(
        "{KEY}metrics_listen = \"[::]:9300\"\nmetrics_allow_remote = true\n"
    ));
    assert_eq!(ok(&f, &[]).metrics.unwrap().to_string(), "[::]:9300");
}

#[test]
fn serve_and_check_are_read_only_and_have_no_screen() {
    let f = Fixture::new(KEY);
    let s = ok(&f, &["--kiosk"]).headless();
    assert_eq!(s.mode, Mode::Headless);
    assert!(s.mode.read_only() && !s.mouse);
    assert!(!s.sync_config(None).allow_actions);
    assert!(!s.sync_config(None).name_everyone, "no screen: no callers");
    let argv = [
        "conftop",
        "serve",
        "--metrics-listen",
        "9464",
        "--interval",
        "5s",
    ];
    let Some(Sub::Serve(serve)) = Cli::try_parse_from(argv).unwrap().command else {
        panic!("conftop serve parses");
    };
    let dash = serve.dash_args();
    assert!(dash.read_only && dash.metrics.metrics_listen.is_some());
    let argv = ["conftop", "check", "--stuck-crit", "5m", "-o", "json"];
    let Some(Sub::Check(check)) = Cli::try_parse_from(argv).unwrap().command else {
        panic!("conftop check parses");
    };
    assert_eq!(
        check.dash_args().stuck.stuck_crit,
        Some(Duration::from_secs(300))
    );
    for argv in [
        &["conftop", "serve", "--kiosk"][..],
        &["conftop", "serve", "--theme", "mono"],
        &["conftop", "check", "--metrics-listen", "9464"],
    ] {
        assert!(Cli::try_parse_from(argv).is_err(), "{argv:?}");
    }
    assert_eq!(crate::check::State::Unknown.exit_code(), 3);
    assert!(check_timeout(Some(Duration::from_millis(10))).is_err());
    assert_eq!(check_timeout(None).unwrap(), defaults::CHECK_TIMEOUT);
}
