//! What conftop says when something is wrong: in people's words, naming what was typed and
//! where the credential came from, never the credential.

use std::process::{Command, Output};

use conftop::api::{Client, ClientConfig, Credentials, ErrorKind};
use secrecy::SecretString;

use crate::common::quiet_sim;

const BIN: &str = env!("CARGO_BIN_EXE_conftop");

async fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.env_clear().env("HOME", home.path()).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::task::spawn_blocking(move || crate::common::output(&mut cmd).expect("conftop runs"))
        .await
        .unwrap()
}

fn client(base_url: String, key: &str) -> Client {
    Client::new(
        &ClientConfig {
            base_url,
            credential_source: Some("VOIPBIN_API_KEY".to_owned()),
            ..ClientConfig::default()
        },
        Credentials::AccessKey(SecretString::from(key.to_owned())),
    )
    .unwrap()
}

#[tokio::test]
async fn a_base_url_without_v1_0_gets_the_path_suggested() {
    let sim = quiet_sim(0).await;
    let bare = sim.base_url().trim_end_matches("/v1.0").to_owned();
    let e = client(bare.clone(), &sim.access_key())
        .get_customer()
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Gone);
    let said = e.to_string();
    assert!(
        said.contains(&format!("try --api-url {bare}/v1.0")),
        "{said}"
    );
    // With /v1.0 and a list route that answers, nothing to suggest.
    let ok = client(sim.base_url(), &sim.access_key());
    assert!(ok.get_customer().await.is_ok());

    // conftop list says it at once (asking again would not help), with exit status 4.
    let key = sim.access_key();
    let o = run(&["list", "--api-url", &bare], &[("VN_ACCESS_KEY", &key)]).await;
    assert_eq!(o.status.code(), Some(4));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("/v1.0") && !err.contains("tries"), "{err}");
}

#[tokio::test]
async fn https_to_a_plain_http_server_says_it_does_not_speak_tls() {
    let sim = quiet_sim(0).await;
    let https = sim.base_url().replacen("http://", "https://", 1);
    let e = client(https, &sim.access_key())
        .get_customer()
        .await
        .unwrap_err();
    let said = e.to_string();
    assert!(said.contains("does not speak TLS"), "{said}");
    assert!(!said.contains("InvalidContentType"), "{said}");
}

#[tokio::test]
async fn a_rejected_credential_names_its_source_not_its_value() {
    let sim = quiet_sim(0).await;
    let e = client(sim.base_url(), "sekrit-wrong-key")
        .get_customer()
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    let said = e.to_string();
    assert!(
        said.contains("credentials from VOIPBIN_API_KEY rejected"),
        "{said}"
    );
    assert!(!said.contains("sekrit"), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_that_cannot_work_are_refused_before_anything_starts() {
    let key = [("VN_ACCESS_KEY", "k")];
    let o = run(&["--api-url", "notaurl"], &key).await;
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("\"notaurl\" is not a valid"), "{err}");
    for args in [
        &["--timeout", "0s"][..],
        &["list", "--timeout", "0s"],
        &["list", "--api-url", "notaurl"],
    ] {
        let o = run(args, &key).await;
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("timeout") || err.contains("notaurl"), "{err}");
    }
}
