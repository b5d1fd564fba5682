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
