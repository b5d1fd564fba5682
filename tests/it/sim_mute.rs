//! Muting a participant's call on the simulator over real HTTP (API.md §5).

use std::collections::HashSet;
use std::time::Duration;

use conftop::sim::{Scenario, Sim, SimConfig};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::sim_with;
use crate::sim_ws::{config, connect, frame, subscribe};

/// A live participant's call that is not muted.
fn unmuted_call(sim: &Sim) -> Uuid {
    sim.with_world(|w| {
        w.live_participants(0)
            .iter()
            .map(|p| w.call(p.call).unwrap())
            .find(|c| c.mute_direction.is_empty())
            .expect("an unmuted live call")
            .id
    })
}

/// Sends a mute or unmute; answers the status and the body text.
async fn send(sim: &Sim, method: Method, call: &str, body: Option<&str>) -> (StatusCode, String) {
    let url = format!(
        "{}/calls/{call}/mute?accesskey={}",
        sim.base_url(),
        sim.access_key()
    );
    let mut req = reqwest::Client::new().request(method, url);
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_owned());
    }
    let resp = req.send().await.unwrap();
    (resp.status(), resp.text().await.unwrap())
}

async fn get_call(sim: &Sim, call: Uuid) -> Value {
    reqwest::get(format!(
        "{}/calls/{call}?accesskey={}",
        sim.base_url(),
        sim.access_key()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap()
}

/// Sends one request that must succeed, then reads the direction back.
async fn step(sim: &Sim, method: Method, call: Uuid, body: &str) -> String {
    let (status, text) = send(sim, method, &call.to_string(), Some(body)).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, ""), "{body}");
    get_call(sim, call).await["mute_direction"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn mute_and_unmute_follow_the_call_managers_rules() {
    let sim = sim_with(config()).await;
    let call = unmuted_call(&sim);
    let before = get_call(&sim, call).await;
    assert_eq!(before["mute_direction"], "");
    tokio::time::sleep(Duration::from_millis(20)).await;

    assert_eq!(
        step(&sim, Method::POST, call, r#"{"direction":"in"}"#).await,
        "in"
    );
    let after = get_call(&sim, call).await;
    let time = |v: &Value| {
        v["tm_update"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .unwrap()
    };
    assert!(
        time(&after) > time(&before),
        "tm_update moves: {} → {}",
        before["tm_update"],
        after["tm_update"]
    );
    // The list shows it too.
    let list: Value = reqwest::get(format!(
        "{}/calls?page_size=100&accesskey={}",
        sim.base_url(),
        sim.access_key()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let listed = list["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == call.to_string())
        .expect("the call is on the first page");
    assert_eq!(listed["mute_direction"], "in");

    let d = Method::DELETE;
    let p = Method::POST;
    // Missing or empty direction means both.
    assert_eq!(step(&sim, p.clone(), call, "{}").await, "both");
    assert_eq!(
        step(&sim, d.clone(), call, r#"{"direction":"in"}"#).await,
        "out"
    );
    assert_eq!(
        step(&sim, d.clone(), call, r#"{"direction":"out"}"#).await,
        ""
    );
    assert_eq!(
        step(&sim, p.clone(), call, r#"{"direction":""}"#).await,
        "both"
    );
    assert_eq!(
        step(&sim, d.clone(), call, r#"{"direction":"out"}"#).await,
        "in"
    );
    // Other combinations leave it as it is.
    assert_eq!(
        step(&sim, d.clone(), call, r#"{"direction":"both"}"#).await,
        "in"
    );
    assert_eq!(
        step(&sim, d.clone(), call, r#"{"direction":"out"}"#).await,
        "in"
    );
    assert_eq!(
        step(&sim, d.clone(), call, r#"{"direction":"in"}"#).await,
        ""
    );
    assert_eq!(
        step(&sim, p.clone(), call, r#"{"direction":"out"}"#).await,
        "out"
    );
    assert_eq!(step(&sim, d.clone(), call, "{}").await, "out");
    assert_eq!(step(&sim, p, call, r#"{"direction":"both"}"#).await, "both");
    assert_eq!(step(&sim, d, call, r#"{}"#).await, "");

    let counts = sim.counter();
    assert_eq!(counts.get("POST", "/calls/{id}/mute"), 5);
    assert_eq!(counts.get("DELETE", "/calls/{id}/mute"), 8);
}

#[tokio::test]
async fn failures_answer_with_the_error_envelope_or_bare_as_older_servers() {
    let sim = sim_with(config()).await;
    let call = unmuted_call(&sim);
    let foreign = sim.with_world(|w| w.live_participants(1)[0].call);
    let (_, gone) = crate::sim_ws::busy_room(&sim);
    let hung_up = sim.with_world(|w| {
        assert!(w.hang_up(gone));
        w.participant(gone).unwrap().call
    });
    let good = Some(r#"{"direction":"in"}"#);
    // (id, body, status, reason): API.md §5 since April 2026.
    let cases: Vec<(String, Option<&str>, u16, &str)> = vec![
        (call.to_string(), None, 400, "INVALID_JSON_BODY"),
        (call.to_string(), Some(""), 400, "INVALID_JSON_BODY"),
        (
            call.to_string(),
            Some("{not json"),
            400,
            "INVALID_JSON_BODY",
        ),
        (call.to_string(), Some("[]"), 400, "INVALID_JSON_BODY"),
        (
            call.to_string(),
            Some(r#"{"direction":3}"#),
            400,
            "INVALID_JSON_BODY",
        ),
        (
            call.to_string(),
            Some(r#"{"direction":"sideways"}"#),
            400,
            "INVALID_ARGUMENT",
        ),
        (Uuid::new_v4().to_string(), good, 400, "INVALID_ARGUMENT"),
        ("not-a-uuid".to_owned(), good, 400, "INVALID_ID"),
        (Uuid::nil().to_string(), good, 400, "INVALID_ID"),
        (foreign.to_string(), good, 403, "PERMISSION_DENIED"),
        (hung_up.to_string(), good, 400, "INVALID_ARGUMENT"),
    ];
    for bare in [false, true] {
        sim.set_options(conftop::sim::ServerOptions {
            bare_errors: bare,
            rate_limit: None,
            ..conftop::sim::ServerOptions::default()
        });
        for method in [Method::POST, Method::DELETE] {
            for (id, body, status, reason) in &cases {
                let (got, text) = send(&sim, method.clone(), id, *body).await;
                let what = format!("{method} {id} {body:?} bare {bare}");
                assert_eq!(got.as_u16(), *status, "{what}");
                if bare {
                    assert_eq!(text, "", "{what}");
                } else {
                    let v: Value = serde_json::from_str(&text).expect("an envelope");
                    assert_eq!(v["error"]["reason"], *reason, "{what}");
                    assert!(
                        v["error"]["request_id"]
                            .as_str()
                            .unwrap()
                            .starts_with("req_")
                    );
                }
            }
        }
    }
    assert_eq!(get_call(&sim, call).await["mute_direction"], "");
    // Authentication still answers first, with the envelope.
    sim.set_options(conftop::sim::ServerOptions::default());
    let resp = reqwest::Client::new()
        .post(format!("{}/calls/{call}/mute", sim.base_url()))
        .json(&json!({"direction": "in"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["reason"], "AUTHENTICATION_REQUIRED");
}

/// conftop reads a mute's failure in either shape, and both mean the same to it.
#[tokio::test]
async fn the_client_reads_mute_failures_in_both_shapes() {
    let sim = sim_with(config()).await;
    let client = crate::common::client_for(&sim);
    let foreign = sim.with_world(|w| w.live_participants(1)[0].call);
    for bare in [false, true] {
        sim.set_options(conftop::sim::ServerOptions {
            bare_errors: bare,
            rate_limit: None,
            ..conftop::sim::ServerOptions::default()
        });
        let e = client
            .mute(Uuid::new_v4(), conftop::api::MuteDirection::Both)
            .await
            .unwrap_err();
        assert_eq!(e.status, Some(400));
        assert_eq!(
            conftop::verdict::Verdict::of_error(&e),
            conftop::verdict::Verdict::Refused,
            "bare {bare}"
        );
        assert_eq!(e.reason.is_some(), !bare, "{e:?}");
        let e = client
            .mute(foreign, conftop::api::MuteDirection::Both)
            .await
            .unwrap_err();
        assert_eq!(
            conftop::verdict::Verdict::of_error(&e),
            conftop::verdict::Verdict::Forbidden
        );
    }
}

#[tokio::test]
async fn a_mute_publishes_call_updated_on_the_calls_topics() {
    let sim = sim_with(config()).await;
    let call = unmuted_call(&sim);
    let c = sim.customer_id();
    let mut one = connect(&sim).await;
    let mut all = connect(&sim).await;
    subscribe(&mut one, &[format!("customer_id:{c}:call:{call}")]).await;
    subscribe(&mut all, &[format!("customer_id:{c}:call:call_updated")]).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    send(
        &sim,
        Method::POST,
        &call.to_string(),
        Some(r#"{"direction":"out"}"#),
    )
    .await;
    let seen = frame(&mut one, Duration::from_secs(1)).await;
    assert_eq!(seen["id"], call.to_string());
    assert_eq!(seen["mute_direction"], "out");
    assert_eq!(frame(&mut all, Duration::from_secs(1)).await, seen);
}

/// The muted calls among the main customer's live participants, read from `GET /calls`.
async fn muted_live_calls(sim: &Sim) -> (HashSet<(String, String)>, usize) {
    let live: HashSet<String> = sim.with_world(|w| {
        w.live_participants(0)
            .iter()
            .map(|p| p.call.to_string())
            .collect()
    });
    let mut muted = HashSet::new();
    let mut seen = 0;
    let mut token = String::new();
    loop {
        let page: Value = reqwest::get(format!(
            "{}/calls?page_size=100&page_token={token}&accesskey={}",
            sim.base_url(),
            sim.access_key()
        ))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        let items = page["result"].as_array().unwrap();
        if items.is_empty() {
            break;
        }
        for c in items
            .iter()
            .filter(|c| live.contains(c["id"].as_str().unwrap()))
        {
            seen += 1;
            let dir = c["mute_direction"].as_str().unwrap().to_owned();
            assert!(["", "in", "out", "both"].contains(&dir.as_str()));
            if !dir.is_empty() {
                muted.insert((c["id"].as_str().unwrap().to_owned(), dir));
            }
        }
        token = page["next_page_token"].as_str().unwrap().to_owned();
    }
    assert_eq!(seen, live.len(), "every live call listed");
    (muted, seen)
}

#[tokio::test]
async fn a_small_seeded_share_of_callers_starts_muted() {
    let busy = || SimConfig {
        scenario: Scenario {
            conferences: 20,
            participants: 10,
            history: 0,
            ..Scenario::default()
        },
        ..config()
    };
    let a = sim_with(busy()).await;
    let b = sim_with(busy()).await;
    let (muted, live) = muted_live_calls(&a).await;
    assert!(live >= 200, "{live}");
    assert!(
        (2..=live / 4).contains(&muted.len()),
        "{} of {live} muted",
        muted.len()
    );
    assert_eq!(
        muted_live_calls(&b).await.0,
        muted,
        "same seed, same callers"
    );
}
