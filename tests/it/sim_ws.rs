//! The simulator's websocket against a plain tokio-tungstenite client: authentication, topic
//! rules, and which frames each change publishes (API.md §6).

use std::time::Duration;

use conftop::sim::{ConferenceKind, RateLimit, Scenario, ServerOptions, Sim, SimConfig, WsOptions};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};
use uuid::Uuid;

use crate::common::sim_with;

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

const SECOND: i64 = 1_000_000;

/// A still world with short, predictable joins and leaves, and no rate limit.
pub fn config() -> SimConfig {
    SimConfig {
        scenario: Scenario {
            history: 20,
            join_delay: SECOND,
            leave_delay: 2 * SECOND,
            ..Scenario::default()
        },
        server: ServerOptions {
            rate_limit: None,
            ..ServerOptions::default()
        },
        ..SimConfig::default()
    }
}

/// A websocket opened with the main customer's access key.
pub async fn connect(sim: &Sim) -> Ws {
    let url = format!("{}?accesskey={}", sim.ws_url(), sim.access_key());
    connect_async(url).await.expect("websocket opens").0
}

pub async fn subscribe(ws: &mut Ws, topics: &[String]) {
    let msg = json!({"type": "subscribe", "topics": topics}).to_string();
    ws.send(Message::text(msg)).await.unwrap();
}

/// What the client sees next, pings and pongs aside.
#[derive(Debug, PartialEq)]
pub enum Got {
    Text(String),
    Binary,
    /// The connection ended; `close_frame` says whether the server sent a close frame first.
    Closed {
        close_frame: bool,
    },
    Silence,
}

pub async fn next(ws: &mut Ws, within: Duration) -> Got {
    let deadline = Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) => return Got::Silence,
            Ok(None | Some(Err(_))) => return Got::Closed { close_frame: false },
            Ok(Some(Ok(Message::Close(_)))) => return Got::Closed { close_frame: true },
            Ok(Some(Ok(Message::Text(t)))) => return Got::Text(t.to_string()),
            Ok(Some(Ok(Message::Binary(_)))) => return Got::Binary,
            Ok(Some(Ok(_))) => {}
        }
    }
}

/// The next frame as JSON; panics on anything else.
pub async fn frame(ws: &mut Ws, within: Duration) -> Value {
    match next(ws, within).await {
        Got::Text(t) => serde_json::from_str(&t).expect("a JSON frame"),
        other => panic!("expected a frame, got {other:?}"),
    }
}

pub fn ids(frame: &Value) -> Vec<String> {
    frame["conferencecall_ids"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

/// A conference room of the main customer with joined participants: (room, one of them).
pub fn busy_room(sim: &Sim) -> (Uuid, Uuid) {
    sim.with_world(|w| {
        let r = w
            .open_conferences(0)
            .into_iter()
            .find(|r| r.kind == ConferenceKind::Conference && !r.members.is_empty())
            .expect("a room with participants");
        (r.id, r.members[0])
    })
}

fn topic(sim: &Sim, rest: &str) -> String {
    format!("customer_id:{}:{rest}", sim.customer_id())
}

/// The HTTP status and JSON body of a refused handshake.
async fn refused(request: impl IntoClientRequest + Unpin) -> (u16, Value) {
    match connect_async(request).await {
        Err(tungstenite::Error::Http(resp)) => {
            let body = resp.body().clone().unwrap_or_default();
            (
                resp.status().as_u16(),
                serde_json::from_slice(&body).unwrap_or(Value::Null),
            )
        }
        Err(e) => panic!("expected an HTTP refusal, got {e}"),
        Ok(_) => panic!("the handshake was accepted"),
    }
}

async fn login_token(sim: &Sim) -> String {
    let (username, password) = sim.login();
    let resp: Value = reqwest::Client::new()
        .post(format!("http://{}/auth/login", sim.addr()))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    resp["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_credential_form_opens_and_none_is_401_before_upgrade() {
    let sim = sim_with(config()).await;
    let token = login_token(&sim).await;
    let key = sim.access_key();
    let url = sim.ws_url();

    connect_async(format!("{url}?accesskey={key}"))
        .await
        .unwrap();
    connect_async(format!("{url}?token={token}")).await.unwrap();
    let mut bearer = url.as_str().into_client_request().unwrap();
    bearer
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    connect_async(bearer).await.unwrap();
    let mut cookie = url.as_str().into_client_request().unwrap();
    cookie
        .headers_mut()
        .insert("cookie", format!("accesskey={key}").parse().unwrap());
    connect_async(cookie).await.unwrap();
    assert_eq!(sim.ws_stats().handshakes, 4);

    let (status, body) = refused(url.as_str()).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["reason"], "AUTHENTICATION_REQUIRED");
    let (status, body) = refused(format!("{url}?accesskey=sim-wrong")).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["reason"], "INVALID_CREDENTIALS");
    // An access key is never read from `Bearer`.
    let mut wrong = url.as_str().into_client_request().unwrap();
    wrong
        .headers_mut()
        .insert("authorization", format!("Bearer {key}").parse().unwrap());
    assert_eq!(refused(wrong).await.0, 401);
    assert_eq!(sim.ws_stats().handshakes, 4, "refusals never upgrade");
    assert_eq!(sim.counter().get("GET", "/ws"), 7);
}

#[tokio::test]
async fn the_handshake_spends_the_customer_rate_limit() {
    let sim = sim_with(SimConfig {
        server: ServerOptions {
            rate_limit: Some(RateLimit {
                per_second: 0.01,
                burst: 3.0,
            }),
            ..ServerOptions::default()
        },
        ..config()
    })
    .await;
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(connect(&sim).await);
    }
    let url = format!("{}?accesskey={}", sim.ws_url(), sim.access_key());
    let (status, body) = refused(url.as_str()).await;
    assert_eq!(status, 429);
    assert_eq!(body["error"]["reason"], "RATE_LIMIT_EXCEEDED");
    assert_eq!(sim.counter().get("GET", "/ws"), 4);
    assert_eq!(sim.counter().status(429), 1);
    assert_eq!(sim.ws_stats().open, 3);
}

#[tokio::test]
async fn a_join_is_one_frame_per_matching_published_topic() {
    let sim = sim_with(config()).await;
    let (room, _) = busy_room(&sim);
    let mut broad = connect(&sim).await;
    let mut new_form = connect(&sim).await;
    let mut one_room = connect(&sim).await;
    let mut participants = connect(&sim).await;
    subscribe(&mut broad, &[topic(&sim, "conference")]).await;
    subscribe(&mut new_form, &[topic(&sim, "conference:conference_")]).await;
    // Subscribing twice changes nothing.
    subscribe(&mut new_form, &[topic(&sim, "conference:conference_")]).await;
    subscribe(&mut one_room, &[topic(&sim, &format!("conference:{room}"))]).await;
    subscribe(&mut participants, &[topic(&sim, "conferencecall")]).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let requests = sim.counter().total();

    let joining = sim.with_world(|w| w.spawn_participant(room)).unwrap();
    // `joining` publishes nothing; the join (a second later) publishes `conference_updated`.
    assert_eq!(
        next(&mut broad, Duration::from_millis(400)).await,
        Got::Silence
    );
    let first = frame(&mut broad, Duration::from_secs(3)).await;
    assert_eq!(first["id"], room.to_string());
    assert!(ids(&first).contains(&joining.to_string()));
    assert_eq!(frame(&mut broad, Duration::from_secs(1)).await, first);
    assert_eq!(frame(&mut new_form, Duration::from_secs(1)).await, first);
    assert_eq!(frame(&mut one_room, Duration::from_secs(1)).await, first);
    for ws in [&mut broad, &mut new_form, &mut one_room, &mut participants] {
        assert_eq!(next(ws, Duration::from_millis(200)).await, Got::Silence);
    }
    assert_eq!(
        sim.counter().total(),
        requests,
        "pushed without any request advancing the world"
    );
}

#[tokio::test]
async fn leaving_is_silent_and_leaved_drops_the_id() {
    let sim = sim_with(config()).await;
    let (room, victim) = busy_room(&sim);
    let mut ws = connect(&sim).await;
    subscribe(&mut ws, &[topic(&sim, "conference:conference_")]).await;
    let url = format!(
        "{}/conferencecalls/{victim}?accesskey={}",
        sim.base_url(),
        sim.access_key()
    );
    let kicked: Value = reqwest::Client::new()
        .delete(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(kicked["status"], "leaving");
    // The leave delay is 1–3 s: nothing for the first half second.
    assert_eq!(
        next(&mut ws, Duration::from_millis(500)).await,
        Got::Silence
    );
    let after = frame(&mut ws, Duration::from_secs(4)).await;
    assert_eq!(after["id"], room.to_string());
    assert!(!ids(&after).contains(&victim.to_string()));
    assert_eq!(
        next(&mut ws, Duration::from_millis(200)).await,
        Got::Silence
    );
}

#[tokio::test]
async fn delete_and_final_termination_each_send_conference_deleted() {
    let sim = sim_with(config()).await;
    let (room, _) = busy_room(&sim);
    let mut deleted = connect(&sim).await;
    let mut updated = connect(&sim).await;
    subscribe(
        &mut deleted,
        &[topic(&sim, "conference:conference_deleted")],
    )
    .await;
    subscribe(
        &mut updated,
        &[topic(&sim, "conference:conference_updated")],
    )
    .await;
    let url = format!(
        "{}/conferences/{room}?accesskey={}",
        sim.base_url(),
        sim.access_key()
    );
    let resp = reqwest::Client::new().delete(url).send().await.unwrap();
    assert_eq!(resp.status(), 200);

    let status = frame(&mut updated, Duration::from_secs(1)).await;
    assert_eq!(status["status"], "terminating");
    let first = frame(&mut deleted, Duration::from_secs(1)).await;
    assert_eq!(first["status"], "terminating");
    assert!(first["tm_delete"].is_string());
    assert!(first["tm_end"].is_null());
    // Everyone is kicked; the last one out destroys the room.
    let last = frame(&mut deleted, Duration::from_secs(5)).await;
    assert_eq!(last["id"], room.to_string());
    assert_eq!(last["status"], "terminated");
    assert!(last["tm_end"].is_string());
    assert!(ids(&last).is_empty());
    assert_eq!(
        next(&mut deleted, Duration::from_millis(300)).await,
        Got::Silence
    );
}

#[tokio::test]
async fn a_hangup_is_published_on_the_calls_topics() {
    let sim = sim_with(config()).await;
    let (_, who) = busy_room(&sim);
    let call = sim.with_world(|w| w.participant(who).unwrap().call);
    let mut old_form = connect(&sim).await;
    let mut new_form = connect(&sim).await;
    subscribe(&mut old_form, &[topic(&sim, &format!("call:{call}"))]).await;
    subscribe(&mut new_form, &[topic(&sim, "call:call_hangup")]).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(sim.with_world(|w| w.hang_up(who)));
    let seen = frame(&mut old_form, Duration::from_secs(1)).await;
    assert_eq!(seen["id"], call.to_string());
    assert_eq!(seen["status"], "hangup");
    assert_eq!(frame(&mut new_form, Duration::from_secs(1)).await, seen);
}

#[tokio::test]
async fn the_wrapped_option_sends_type_and_data() {
    let sim = sim_with(SimConfig {
        websocket: WsOptions {
            wrapped_events: true,
            ..WsOptions::default()
        },
        ..config()
    })
    .await;
    let mut ws = connect(&sim).await;
    subscribe(&mut ws, &[topic(&sim, "conference:conference_")]).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let room = sim.with_world(|w| w.open_conference(ConferenceKind::Conference));
    let got = frame(&mut ws, Duration::from_secs(1)).await;
    assert_eq!(got["type"], "conference_created");
    assert_eq!(got["data"]["id"], room.to_string());
    assert_eq!(got["data"]["type"], "conference");
}

#[tokio::test]
async fn invalid_json_is_ignored_and_nothing_is_acknowledged() {
    let sim = sim_with(config()).await;
    let mut ws = connect(&sim).await;
    ws.send(Message::text("{not json")).await.unwrap();
    ws.send(Message::text(r#"{"type":"hello"}"#)).await.unwrap();
    subscribe(&mut ws, &[topic(&sim, "conference:conference_created")]).await;
    assert_eq!(
        next(&mut ws, Duration::from_millis(300)).await,
        Got::Silence
    );
    let room = sim.with_world(|w| w.open_conference(ConferenceKind::Conference));
    assert_eq!(
        frame(&mut ws, Duration::from_secs(1)).await["id"],
        room.to_string()
    );
}

#[tokio::test]
async fn a_bad_topic_drops_the_connection_without_a_close_frame() {
    let sim = sim_with(config()).await;
    let token = login_token(&sim).await;
    let me: Value = reqwest::get(format!("{}/me?token={token}", sim.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let agent = me["id"].as_str().unwrap().to_owned();
    let good = topic(&sim, "conference");
    let other = Uuid::from_u128(42);
    let bad = [
        format!("customer_id:{other}:conference"),
        format!("customer_id:{}:conference", Uuid::nil()),
        "customer_id:not-a-uuid:conference".to_owned(),
        format!("project_id:{}:conference", sim.customer_id()),
        "customer_id".to_owned(),
        // An access key has no agent.
        format!("agent_id:{agent}:call"),
    ];
    for b in bad {
        let mut ws = connect(&sim).await;
        subscribe(&mut ws, &[good.clone(), b.clone()]).await;
        assert_eq!(
            next(&mut ws, Duration::from_secs(2)).await,
            Got::Closed { close_frame: false },
            "{b}"
        );
    }
    // The agent's own id is fine with the agent's token, and so is unsubscribing.
    let mut ws = connect_async(format!("{}?token={token}", sim.ws_url()))
        .await
        .unwrap()
        .0;
    subscribe(&mut ws, &[format!("agent_id:{agent}:call"), good.clone()]).await;
    let msg = json!({"type": "unsubscribe", "topics": [good]}).to_string();
    ws.send(Message::text(msg)).await.unwrap();
    assert_eq!(
        next(&mut ws, Duration::from_millis(300)).await,
        Got::Silence
    );
    sim.with_world(|w| w.open_conference(ConferenceKind::Conference));
    assert_eq!(
        next(&mut ws, Duration::from_millis(300)).await,
        Got::Silence,
        "unsubscribed"
    );
}

#[tokio::test]
async fn a_binary_frame_drops_the_connection() {
    let sim = sim_with(config()).await;
    let mut ws = connect(&sim).await;
    ws.send(Message::binary(b"{}".to_vec())).await.unwrap();
    assert_eq!(
        next(&mut ws, Duration::from_secs(2)).await,
        Got::Closed { close_frame: false }
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(sim.ws_stats().open, 0);
}
