//! The API client against the simulator over real HTTP on loopback: every call, every error
//! kind, pagination and redaction.

use std::collections::HashSet;
use std::time::Duration;

use conftop::api::{
    Client, ClientConfig, ConferenceType, ConferencecallStatus, Credentials, ErrorKind, PageRequest,
};
use conftop::sim::{Faults, ParticipantStatus, RateLimit, Scenario, ServerOptions, Sim, SimConfig};
use secrecy::SecretString;
use uuid::Uuid;

use crate::common::{client_for, quiet_sim, sim_with};

#[tokio::test]
async fn every_call_answers() {
    let sim = quiet_sim(200).await;
    let client = client_for(&sim);

    let customer = client.get_customer().await.unwrap();
    assert_eq!(customer.id, sim.customer_id());
    assert_eq!(customer.name, "Acme Support Ltd");

    let page = client
        .list_conferencecalls(&PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 10);
    assert!(page.next_page_token.is_some());
    let newest = &page.items[0];
    assert!(
        page.items
            .windows(2)
            .all(|w| w[0].tm_create > w[1].tm_create),
        "newest first"
    );

    let one = client.get_conferencecall(newest.id).await.unwrap();
    assert_eq!(&one, newest);

    let call = client
        .get_call(newest.reference_id.expect("a call reference"))
        .await
        .unwrap();
    assert!(!call.remote().target.is_empty());

    let rooms = client
        .list_conferences(&PageRequest::first(100))
        .await
        .unwrap();
    assert_eq!(rooms.items.len(), 8, "only the live conference-type rooms");
    assert!(
        rooms
            .items
            .iter()
            .all(|r| r.kind == ConferenceType::Conference)
    );
    let room = client.get_conference(rooms.items[0].id).await.unwrap();
    assert_eq!(room.id, rooms.items[0].id);

    let calls = client.list_calls(&PageRequest::first(5)).await.unwrap();
    assert_eq!(calls.items.len(), 5);
}

#[tokio::test]
async fn delete_leaves_then_leaved_and_repeats_are_unchanged() {
    let sim = quiet_sim(0).await;
    let client = client_for(&sim);
    let target = sim.with_world(|w| {
        w.live_participants(0)
            .into_iter()
            .find(|p| p.status == ParticipantStatus::Joined)
            .map(|p| (p.id, p.conference))
            .unwrap()
    });

    let kicked = client.delete_conferencecall(target.0).await.unwrap();
    assert_eq!(kicked.status, ConferencecallStatus::Leaving);
    // Still listed in its room until the bridge confirms the leave.
    let room = client.get_conference(target.1).await.unwrap();
    assert!(room.conferencecall_ids.contains(&target.0));

    let again = client.delete_conferencecall(target.0).await.unwrap();
    assert_eq!(again.status, ConferencecallStatus::Leaving, "unchanged");

    tokio::time::sleep(Duration::from_millis(1800)).await;
    let after = client.get_conferencecall(target.0).await.unwrap();
    assert_eq!(after.status, ConferencecallStatus::Leaved);
    let room = client.get_conference(target.1).await.unwrap();
    assert!(!room.conferencecall_ids.contains(&target.0));
    let last = client.delete_conferencecall(target.0).await.unwrap();
    assert_eq!(
        last.status,
        ConferencecallStatus::Leaved,
        "200 with the unchanged record"
    );
}

#[tokio::test]
async fn connect_rooms_are_unlisted_but_fetchable() {
    let sim = quiet_sim(0).await;
    let client = client_for(&sim);
    let connect = sim.with_world(|w| {
        w.open_conferences(0)
            .into_iter()
            .find(|r| r.kind == conftop::sim::ConferenceKind::Connect)
            .map(|r| r.id)
            .unwrap()
    });
    let listed = client
        .list_conferences(&PageRequest::first(100))
        .await
        .unwrap();
    assert!(listed.items.iter().all(|r| r.id != connect));
    let room = client.get_conference(connect).await.unwrap();
    assert_eq!(room.kind, ConferenceType::Connect);
    assert_eq!(room.conferencecall_ids.len(), 2);
}

#[tokio::test]
async fn error_kinds() {
    let sim = quiet_sim(0).await;
    let client = client_for(&sim);

    // Another customer's participant: 403.
    let other_key = sim.other_access_key();
    let foreign = sim.with_world(|w| w.live_participants(1)[0].id);
    let e = client.get_conferencecall(foreign).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Forbidden, "{e}");
    let e = client.delete_conferencecall(foreign).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Forbidden, "{e}");
    let other = Client::new(
        &config(&sim),
        Credentials::AccessKey(SecretString::from(other_key)),
    )
    .unwrap();
    assert!(other.get_conferencecall(foreign).await.is_ok());

    // Unknown ids: 400 from the server, "gone" to us.
    let e = client.get_conferencecall(Uuid::new_v4()).await.unwrap_err();
    assert_eq!((e.kind, e.status), (ErrorKind::Gone, Some(400)), "{e}");
    assert_eq!(e.reason.as_deref(), Some("INVALID_ARGUMENT"));
    let e = client
        .delete_conferencecall(Uuid::new_v4())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Gone);
    let e = client.get_conference(Uuid::new_v4()).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Gone);
    let e = client.get_call(Uuid::new_v4()).await.unwrap_err();
    assert_eq!((e.kind, e.status), (ErrorKind::Gone, Some(404)));

    // Wrong key: 401 INVALID_CREDENTIALS.
    let wrong = Client::new(
        &config(&sim),
        Credentials::AccessKey(SecretString::from("sim-wrong")),
    )
    .unwrap();
    let e = wrong.get_customer().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    assert_eq!(e.reason.as_deref(), Some("INVALID_CREDENTIALS"));
    let rid = e.request_id.clone().unwrap();
    assert!(
        rid.len() == 30
            && rid.starts_with("req_")
            && rid[4..]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)),
        "req_ and 26 base32 characters: {rid}"
    );
    let again = wrong.get_customer().await.unwrap_err().request_id.unwrap();
    assert_ne!(rid, again, "a new id per request");

    // 5xx.
    sim.set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    let e = client.get_customer().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Server, "{e}");

    // Malformed and truncated JSON.
    sim.set_faults(Faults {
        malformed_rate: 1.0,
        ..Faults::default()
    });
    let e = client
        .list_conferencecalls(&PageRequest::first(5))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Decode, "{e}");
    sim.set_faults(Faults {
        truncate_rate: 1.0,
        ..Faults::default()
    });
    let e = client
        .list_conferences(&PageRequest::first(5))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Decode, "{e}");

    // A connection dropped mid-answer.
    sim.set_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    });
    let e = client.get_customer().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Connect, "{e}");

    // Slower than the timeout.
    sim.set_faults(Faults {
        latency: Duration::from_millis(1500),
        ..Faults::default()
    });
    let quick = Client::new(
        &ClientConfig {
            timeout: Duration::from_millis(300),
            ..config(&sim)
        },
        Credentials::AccessKey(SecretString::from(sim.access_key())),
    )
    .unwrap();
    let e = quick.get_customer().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
    sim.set_faults(Faults::default());
}

#[tokio::test]
async fn connection_refused() {
    let mut sim = quiet_sim(0).await;
    let client = client_for(&sim);
    sim.stop().await;
    let e = client.get_customer().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Connect);
    assert_eq!(e.describe(), "connection refused");
    assert!(e.nothing_changed());
    sim.restart().await.unwrap();
    assert!(
        client.get_customer().await.is_ok(),
        "serves again after a restart"
    );
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let sim = sim_with(SimConfig {
        scenario: Scenario {
            history: 0,
            ..Scenario::default()
        },
        server: ServerOptions {
            rate_limit: Some(RateLimit {
                per_second: 2.0,
                burst: 3.0,
            }),
            ..ServerOptions::default()
        },
        ..SimConfig::default()
    })
    .await;
    let client = client_for(&sim);
    for _ in 0..3 {
        client.get_customer().await.unwrap();
    }
    let e = client.get_customer().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(e.retry_after, Some(Duration::from_secs(1)));
    assert_eq!(e.reason.as_deref(), Some("RATE_LIMIT_EXCEEDED"));
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(client.get_customer().await.is_ok(), "refilled");
    // A storm: every request answered 429 with the configured Retry-After.
    sim.set_faults(Faults {
        storm_retry_after: Some(7),
        ..Faults::default()
    });
    let e = client.get_customer().await.unwrap_err();
    assert_eq!(e.retry_after, Some(Duration::from_secs(7)));
}

#[tokio::test]
async fn bare_error_bodies_and_legacy_timestamps() {
    let sim = sim_with(SimConfig {
        scenario: Scenario {
            history: 50,
            ..Scenario::default()
        },
        server: ServerOptions {
            legacy_timestamps: true,
            bare_errors: true,
            rate_limit: None,
        },
        ..SimConfig::default()
    })
    .await;
    let client = client_for(&sim);
    let e = client.get_conferencecall(Uuid::new_v4()).await.unwrap_err();
    assert_eq!(
        (e.kind, e.status, e.reason.clone()),
        (ErrorKind::Gone, Some(400), None)
    );
    let wrong = Client::new(
        &config(&sim),
        Credentials::AccessKey(SecretString::from("nope")),
    )
    .unwrap();
    let e = wrong.get_customer().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    assert_eq!(e.describe(), "credentials rejected (401)");

    // Legacy timestamps and sentinels decode, and the legacy token pages correctly.
    let raw: serde_json::Value = reqwest::get(format!(
        "{}/conferencecalls?page_size=2&accesskey={}",
        sim.base_url(),
        sim.access_key()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let token = raw["next_page_token"].as_str().unwrap();
    assert_eq!(token.len(), "2022-08-06 16:57:12.247946".len(), "{token}");
    assert_eq!(raw["result"][0]["tm_delete"], "9999-01-01 00:00:00.000000");
    let all = walk(&client, 40).await;
    let expected = sim.with_world(|w| w.list_participants(0, i64::MAX, usize::MAX).items.len());
    assert_eq!(all.len(), expected);
    let first = client
        .list_conferencecalls(&PageRequest::first(1))
        .await
        .unwrap();
    assert!(first.items[0].tm_create.is_some());
    assert!(first.items[0].tm_delete.is_none());
}

#[tokio::test]
async fn jwt_login_and_bearer() {
    let sim = quiet_sim(0).await;
    let (user, password) = sim.login();
    let http = reqwest::Client::new();
    let login = format!("http://{}/auth/login", sim.addr());
    let bad = http
        .post(&login)
        .json(&serde_json::json!({"username": user, "password": "wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.bytes().await.unwrap().is_empty(), "a bare 400");
    let ok: serde_json::Value = http
        .post(&login)
        .json(&serde_json::json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = ok["token"].as_str().unwrap().to_owned();
    let client = Client::new(
        &config(&sim),
        Credentials::Token(SecretString::from(token.clone())),
    )
    .unwrap();
    assert_eq!(client.get_customer().await.unwrap().id, sim.customer_id());
    // `?token=` works too.
    let via_query = http
        .get(format!("{}/customer?token={token}", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(via_query.status(), 200);

    // An access key in Bearer is read as a JWT and rejected.
    let key_as_bearer = Client::new(
        &config(&sim),
        Credentials::Token(SecretString::from(sim.access_key())),
    )
    .unwrap();
    let e = key_as_bearer.get_customer().await.unwrap_err();
    assert_eq!(e.reason.as_deref(), Some("INVALID_CREDENTIALS"));

    // No credential at all.
    let none: serde_json::Value = http
        .get(format!("{}/customer", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(none["error"]["reason"], "AUTHENTICATION_REQUIRED");
}

#[tokio::test]
async fn page_size_rules_and_the_extra_empty_page() {
    let sim = quiet_sim(150).await;
    let key = sim.access_key();
    let base = sim.base_url();
    let get = |q: String| {
        let url = format!("{base}/conferencecalls?accesskey={key}&{q}");
        async move { reqwest::get(url).await.unwrap() }
    };
    for q in ["page_size=0", "page_size=-3", "page_size=1000", ""] {
        let v: serde_json::Value = get(q.to_owned()).await.json().await.unwrap();
        assert_eq!(v["result"].as_array().unwrap().len(), 100, "{q}");
    }
    let bad = get("page_size=ten".into()).await;
    assert_eq!(bad.status(), 400);
    let v: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(v["error"]["reason"], "INVALID_REQUEST_PARAMETER");
    // The gateway does not check a token (API.md §2): one that is no time selects nothing.
    for token in ["banana", "%FF%FE", "2026-13-45T99:99:99Z", "9999999999"] {
        let r = get(format!("page_token={token}")).await;
        assert_eq!(r.status(), 200, "{token}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["result"].as_array().unwrap().len(), 0, "{token}");
        assert_eq!(v["next_page_token"], "", "{token}");
    }
    // A path id that is not UTF-8 is no UUID: the same JSON answer as any other.
    let r = reqwest::get(format!("{base}/conferencecalls/%FF%FE?accesskey={key}"))
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["reason"], "INVALID_ID");

    // A short last page still carries a token; the end is one more request answering [].
    let total = sim.with_world(|w| w.list_participants(0, i64::MAX, usize::MAX).items.len());
    let mut token = String::new();
    let mut pages = 0;
    let mut seen = 0;
    loop {
        let q = if token.is_empty() {
            "page_size=100".to_owned()
        } else {
            format!("page_size=100&page_token={token}")
        };
        let v: serde_json::Value = get(q).await.json().await.unwrap();
        pages += 1;
        let n = v["result"].as_array().unwrap().len();
        seen += n;
        token = v["next_page_token"].as_str().unwrap().to_owned();
        if n == 0 {
            assert_eq!(token, "", "empty only with an empty result");
            break;
        }
        assert!(!token.is_empty());
        assert_eq!(token.len(), "2026-08-20T09:12:33.123456Z".len());
    }
    assert_eq!(seen, total);
    assert_eq!(pages, total.div_ceil(100) + 1);
}

/// Walks every page with the client and returns the ids in order.
async fn walk(client: &Client, page_size: u32) -> Vec<Uuid> {
    let mut ids = Vec::new();
    let mut req = PageRequest::first(page_size);
    loop {
        let page = client.list_conferencecalls(&req).await.unwrap();
        assert_eq!(page.skipped, 0);
        ids.extend(page.items.iter().map(|c| c.id));
        match page.next_page_token {
            Some(t) if !page.items.is_empty() => req = PageRequest::after(page_size, t),
            _ => break,
        }
    }
    ids
}

#[tokio::test]
async fn walking_10000_history_records_loses_and_repeats_nothing() {
    let sim = quiet_sim(10_000).await;
    let client = client_for(&sim);
    let ids = walk(&client, 100).await;
    let expected: Vec<Uuid> = sim.with_world(|w| {
        w.list_participants(0, i64::MAX, usize::MAX)
            .items
            .iter()
            .map(|p| p.id)
            .collect()
    });
    assert!(expected.len() >= 10_000);
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no repetition");
    assert_eq!(ids, expected, "every record, newest first");
}

#[tokio::test]
async fn credentials_never_appear_in_errors() {
    let mut sim = quiet_sim(0).await;
    let key = sim.access_key();
    let client = client_for(&sim);
    let mut texts = Vec::new();
    for faults in [
        Faults {
            drop_rate: 1.0,
            ..Faults::default()
        },
        Faults {
            malformed_rate: 1.0,
            ..Faults::default()
        },
        Faults {
            error_rate: 1.0,
            ..Faults::default()
        },
    ] {
        sim.set_faults(faults);
        let e = client
            .list_conferencecalls(&PageRequest::first(5))
            .await
            .unwrap_err();
        texts.push(format!("{e} {e:?}"));
    }
    sim.stop().await;
    let e = client.get_conferencecall(Uuid::new_v4()).await.unwrap_err();
    texts.push(format!("{e} {e:?}"));
    texts.push(format!("{client:?}"));
    for t in &texts {
        assert!(!t.contains(&key), "key leaked: {t}");
        assert!(!t.contains("accesskey="), "URL leaked: {t}");
    }
}

fn config(sim: &Sim) -> ClientConfig {
    ClientConfig {
        base_url: sim.base_url(),
        ..ClientConfig::default()
    }
}

#[tokio::test]
async fn tied_creation_times_lose_a_record_at_a_page_boundary_as_the_server_does() {
    let sim = sim_with(SimConfig {
        scenario: Scenario {
            history: 1_000,
            conferences: 0,
            connect_conferences: 0,
            ties: 10,
            ..Scenario::default()
        },
        server: ServerOptions {
            rate_limit: None,
            ..ServerOptions::default()
        },
        ..SimConfig::default()
    })
    .await;
    let client = client_for(&sim);
    let all: Vec<(Uuid, i64)> = sim.with_world(|w| {
        w.list_participants(0, i64::MAX, usize::MAX)
            .items
            .iter()
            .map(|p| (p.id, p.tm_create))
            .collect()
    });
    let walked: HashSet<Uuid> = walk(&client, 10).await.into_iter().collect();
    let lost: Vec<&(Uuid, i64)> = all.iter().filter(|(id, _)| !walked.contains(id)).collect();
    assert!(!lost.is_empty(), "some tied pair straddled a page boundary");
    for (id, t) in &lost {
        let twins = all.iter().filter(|(_, u)| u == t).count();
        assert_eq!(
            twins, 2,
            "{id} was lost only because it shares tm_create {t}"
        );
    }
}

/// Decodes a base64url (no padding) JWT segment.
fn unbase64url(s: &str) -> Vec<u8> {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let vals: Vec<u32> = s
        .bytes()
        .map(|b| ABC.iter().position(|&a| a == b).unwrap() as u32)
        .collect();
    let mut out = Vec::new();
    for chunk in vals.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, v)| n | v << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

#[tokio::test]
async fn the_login_token_carries_the_agent_and_me_needs_it() {
    let sim = quiet_sim(0).await;
    let (user, password) = sim.login();
    let http = reqwest::Client::new();
    let resp = http
        .post(format!("http://{}/auth/login", sim.addr()))
        .json(&serde_json::json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap();
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    let token = resp.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with(&format!("token={token}; Max-Age=604800;")));
    // Clients read the customer from the claims (API.md §1).
    let payload = token.split('.').nth(1).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(&unbase64url(payload)).unwrap();
    assert_eq!(claims["type"], "agent");
    assert_eq!(
        claims["agent"]["customer_id"],
        sim.customer_id().to_string()
    );
    assert_eq!(claims["expire"].as_str().unwrap().len(), 27);

    let base = sim.base_url();
    let me = |q: String| {
        let (http, base) = (http.clone(), base.clone());
        async move { http.get(format!("{base}/me?{q}")).send().await.unwrap() }
    };
    let agent = me(format!("token={token}")).await;
    assert_eq!(agent.status(), 200);
    let agent: serde_json::Value = agent.json().await.unwrap();
    assert_eq!(agent["username"], user.as_str());
    let by_key = me(format!("accesskey={}", sim.access_key())).await;
    assert_eq!(by_key.status(), 403);
    let body: serde_json::Value = by_key.json().await.unwrap();
    assert_eq!(body["error"]["reason"], "AGENT_AUTH_REQUIRED");
    // An empty `token` is no token: the access key behind it is used.
    let empty = me(format!("token=&accesskey={}", sim.access_key())).await;
    assert_eq!(empty.status(), 403, "read as the access key");

    // `/auth/*` has its own limit per client IP: 10/s, burst 20.
    let mut limited = Vec::new();
    for _ in 0..25 {
        let r = http
            .post(format!("http://{}/auth/login", sim.addr()))
            .json(&serde_json::json!({"username": user, "password": "wrong"}))
            .send()
            .await
            .unwrap();
        if r.status() == 429 {
            assert!(r.headers().contains_key("retry-after"));
            limited.push(r.json::<serde_json::Value>().await.unwrap());
        }
    }
    assert!(!limited.is_empty(), "a login storm is throttled");
    assert_eq!(limited[0]["error"]["details"][0]["limited_by"], "ip");
}

#[tokio::test]
async fn request_ids_unknown_methods_and_room_deletion() {
    let sim = quiet_sim(0).await;
    let http = reqwest::Client::new();
    let key = sim.access_key();
    let base = sim.base_url();

    // A safe client request id is echoed, on success and in the error envelope.
    let ok = http
        .get(format!("{base}/customer?accesskey={key}"))
        .header("x-request-id", "my-req-123")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.headers()["x-request-id"], "my-req-123");
    let err = http
        .get(format!("{base}/conferencecalls/not-a-uuid?accesskey={key}"))
        .header("x-request-id", "my-req-456")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = err.json().await.unwrap();
    assert_eq!(body["error"]["request_id"], "my-req-456");
    let unsafe_id = http
        .get(format!("{base}/customer?accesskey={key}"))
        .header("x-request-id", "bad id with spaces")
        .send()
        .await
        .unwrap();
    assert!(
        unsafe_id.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .starts_with("req_")
    );

    // No 405: another method on a known path is an unknown route.
    let post = http
        .post(format!("{base}/conferencecalls?accesskey={key}"))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 404);
    let body: serde_json::Value = post.json().await.unwrap();
    assert_eq!(body["error"]["reason"], "ROUTE_NOT_FOUND");

    // DELETE /conferences/{id}: terminating, out of the list at once, everyone kicked.
    let client = client_for(&sim);
    let room = client
        .list_conferences(&PageRequest::first(100))
        .await
        .unwrap()
        .items
        .remove(0);
    let deleted: serde_json::Value = http
        .delete(format!("{base}/conferences/{}?accesskey={key}", room.id))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(deleted["status"], "terminating");
    assert!(deleted["tm_delete"].is_string());
    let listed = client
        .list_conferences(&PageRequest::first(100))
        .await
        .unwrap();
    assert!(listed.items.iter().all(|r| r.id != room.id));
    for id in &room.conferencecall_ids {
        let p = client.get_conferencecall(*id).await.unwrap();
        assert_eq!(p.status, ConferencecallStatus::Leaving);
    }
}

#[tokio::test]
async fn a_kick_leaves_the_call_up_and_a_hang_up_skips_leaving() {
    let sim = sim_with(SimConfig {
        server: ServerOptions {
            rate_limit: None,
            ..ServerOptions::default()
        },
        // A failing bridge only matters to participants that can be kicked.
        faults: Faults {
            kick_fail_rate: 1.0,
            ..Faults::default()
        },
        ..SimConfig::default()
    })
    .await;
    let client = client_for(&sim);
    let joined: Vec<(Uuid, Uuid)> = sim.with_world(|w| {
        w.live_participants(0)
            .into_iter()
            .filter(|p| p.status == ParticipantStatus::Joined)
            .map(|p| (p.id, p.call))
            .take(2)
            .collect()
    });
    let (kicked, kicked_call) = joined[0];
    let (hung, hung_call) = joined[1];

    let e = client.delete_conferencecall(kicked).await.unwrap_err();
    assert_eq!(e.status, Some(400), "the bridge kick failed");
    assert_eq!(
        client.get_conferencecall(kicked).await.unwrap().status,
        ConferencecallStatus::Leaving
    );
    // The kick removes the call from the bridge; it does not hang it up.
    let call = client.get_call(kicked_call).await.unwrap();
    assert_eq!(call.status.as_str(), "progressing");
    // Nothing happens to a participant already leaving: 200, unchanged, even now.
    let again = client.delete_conferencecall(kicked).await.unwrap();
    assert_eq!(again.status, ConferencecallStatus::Leaving);

    // Hanging up: the bridge reports the leave at once, so no `leaving` in between.
    assert!(sim.with_world(|w| w.hang_up(hung)));
    let p = client.get_conferencecall(hung).await.unwrap();
    assert_eq!(p.status, ConferencecallStatus::Leaved);
    assert_eq!(
        client.get_call(hung_call).await.unwrap().status.as_str(),
        "hangup"
    );
}

#[tokio::test]
async fn a_standalone_simulators_faults_change_while_it_runs() {
    let sim = quiet_sim(10).await;
    let http = reqwest::Client::new();
    let faults = format!("http://{}/_sim/faults", sim.addr());
    let rooms = format!(
        "{}/conferences?accesskey={}",
        sim.base_url(),
        sim.access_key()
    );
    assert_eq!(reqwest::get(&rooms).await.unwrap().status(), 200);
    let r = http
        .put(&faults)
        .body(r#"{"error_rate": 1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let now: serde_json::Value = r.json().await.unwrap();
    assert_eq!(now["error_rate"], 1.0);
    assert!(
        reqwest::get(&rooms)
            .await
            .unwrap()
            .status()
            .is_server_error()
    );
    let r = http
        .put(&faults)
        .body(r#"{"eror_rate": 1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "a misspelt field is refused, not ignored");
    assert!(r.text().await.unwrap().contains("error_rate"));
    http.put(&faults).body("{}").send().await.unwrap();
    assert_eq!(reqwest::get(&rooms).await.unwrap().status(), 200);
}
