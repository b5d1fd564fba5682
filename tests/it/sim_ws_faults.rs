//! The simulator's websocket keepalive, queue limit and faults (API.md §6, "Matching and
//! delivery"), against a plain tokio-tungstenite client.

use std::time::Duration;

use conftop::sim::{ConferenceKind, SimConfig, WsFaults, WsOptions};
use futures::StreamExt;
use tokio::time::Instant;
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::{self, Message};

use crate::common::sim_with;
use crate::sim_ws::{Got, config, connect, frame, next, subscribe};

fn quick(ping: u64, pong: u64) -> SimConfig {
    SimConfig {
        websocket: WsOptions {
            ping_interval: Duration::from_millis(ping),
            pong_timeout: Duration::from_millis(pong),
            ..WsOptions::default()
        },
        ..config()
    }
}

fn created(sim: &conftop::sim::Sim) -> String {
    format!(
        "customer_id:{}:conference:conference_created",
        sim.customer_id()
    )
}

/// Waits for a ping, answering nothing.
async fn ping_within(ws: &mut crate::sim_ws::Ws, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Ok(Some(Ok(Message::Ping(_)))) => return true,
            Ok(Some(Ok(_))) => {}
            _ => return false,
        }
    }
}

#[tokio::test]
async fn the_server_pings_and_a_reading_client_stays() {
    let sim = sim_with(quick(100, 400)).await;
    let mut ws = connect(&sim).await;
    assert!(ping_within(&mut ws, Duration::from_secs(1)).await);
    // Reading answers pings, so the pong deadline keeps moving.
    assert_eq!(
        next(&mut ws, Duration::from_millis(900)).await,
        Got::Silence
    );
    subscribe(&mut ws, &[created(&sim)]).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let room = sim.with_world(|w| w.open_conference(ConferenceKind::Conference));
    assert_eq!(
        frame(&mut ws, Duration::from_secs(1)).await["id"],
        room.to_string()
    );
}

#[tokio::test]
async fn no_pong_drops_the_connection_after_the_deadline() {
    let sim = sim_with(quick(100, 400)).await;
    let mut ws = connect(&sim).await;
    let opened = Instant::now();
    // Not reading means never answering a ping.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(sim.ws_stats().open, 0, "dropped at the pong deadline");
    assert!(opened.elapsed() >= Duration::from_millis(400));
    let mut saw_ping = false;
    loop {
        match tokio::time::timeout(Duration::from_secs(2), ws.next()).await {
            Ok(Some(Ok(Message::Ping(_)))) => saw_ping = true,
            Ok(Some(Ok(Message::Close(_)))) => panic!("no close frame is sent"),
            Ok(Some(Ok(other))) => panic!("unexpected {other:?}"),
            Ok(None | Some(Err(_))) => break,
            Err(_) => panic!("the connection stayed open"),
        }
    }
    assert!(saw_ping, "pings were sent before the drop");
}

#[tokio::test]
async fn a_full_queue_drops_frames_and_counts_them() {
    let sim = sim_with(SimConfig {
        websocket: WsOptions {
            queue: 5,
            ..WsOptions::default()
        },
        ..config()
    })
    .await;
    let mut ws = connect(&sim).await;
    subscribe(&mut ws, &[created(&sim)]).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    // Thirty events in one world access: the connection cannot drain its queue meanwhile.
    sim.with_world(|w| {
        for _ in 0..30 {
            w.open_conference(ConferenceKind::Conference);
        }
    });
    let mut received = 0;
    while let Got::Text(_) = next(&mut ws, Duration::from_millis(300)).await {
        received += 1;
    }
    let stats = sim.ws_stats();
    assert!((5..=6).contains(&received), "{received}");
    assert_eq!(stats.frames_sent, received);
    assert_eq!(stats.frames_dropped, 30 - received);
    // The standalone view agrees.
    let shown: serde_json::Value = reqwest::get(format!("http://{}/_sim/stats", sim.addr()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(shown["websocket"]["frames_dropped"], 30 - received);
    assert_eq!(shown["websocket"]["frames_sent"], received);
    assert_eq!(shown["websocket"]["open"], 1);
    assert_eq!(shown["websocket"]["handshakes"], 1);
}

#[tokio::test]
async fn refused_upgrades_answer_503_before_upgrading() {
    let sim = sim_with(SimConfig {
        ws_faults: WsFaults {
            refuse_upgrades: true,
            ..WsFaults::default()
        },
        ..config()
    })
    .await;
    let url = format!("{}?accesskey={}", sim.ws_url(), sim.access_key());
    match connect_async(url.as_str()).await {
        Err(tungstenite::Error::Http(resp)) => assert_eq!(resp.status().as_u16(), 503),
        other => panic!("expected a 503, got {:?}", other.map(|_| ())),
    }
    assert_eq!(sim.ws_stats().handshakes, 0);
    sim.set_ws_faults(WsFaults::default());
    connect_async(url.as_str()).await.expect("upgrades again");
}

#[tokio::test]
async fn the_no_ping_fault_silences_pings() {
    let sim = sim_with(SimConfig {
        ws_faults: WsFaults {
            no_ping: true,
            ..WsFaults::default()
        },
        ..quick(100, 10_000)
    })
    .await;
    let mut ws = connect(&sim).await;
    assert!(!ping_within(&mut ws, Duration::from_millis(500)).await);
    sim.set_ws_faults(WsFaults::default());
    assert!(ping_within(&mut ws, Duration::from_millis(500)).await);
}

#[tokio::test]
async fn garbage_and_binary_faults_come_before_the_real_frame() {
    let sim = sim_with(config()).await;
    let mut ws = connect(&sim).await;
    subscribe(&mut ws, &[created(&sim)]).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    sim.set_ws_faults(WsFaults {
        garbage_rate: 1.0,
        binary_rate: 1.0,
        ..WsFaults::default()
    });
    let room = sim.with_world(|w| w.open_conference(ConferenceKind::Conference));
    match next(&mut ws, Duration::from_secs(1)).await {
        Got::Text(t) => assert!(
            serde_json::from_str::<serde_json::Value>(&t).is_err(),
            "{t}"
        ),
        other => panic!("expected garbage, got {other:?}"),
    }
    assert_eq!(next(&mut ws, Duration::from_secs(1)).await, Got::Binary);
    assert_eq!(
        frame(&mut ws, Duration::from_secs(1)).await["id"],
        room.to_string()
    );
}

#[tokio::test]
async fn the_delay_fault_holds_frames() {
    let sim = sim_with(SimConfig {
        ws_faults: WsFaults {
            delay: Duration::from_millis(600),
            ..WsFaults::default()
        },
        ..config()
    })
    .await;
    let mut ws = connect(&sim).await;
    subscribe(&mut ws, &[created(&sim)]).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let published = Instant::now();
    sim.with_world(|w| w.open_conference(ConferenceKind::Conference));
    assert_eq!(
        next(&mut ws, Duration::from_millis(400)).await,
        Got::Silence
    );
    frame(&mut ws, Duration::from_secs(2)).await;
    assert!(published.elapsed() >= Duration::from_millis(600));
}

#[tokio::test]
async fn drop_websockets_ends_every_socket_without_a_close_frame() {
    let sim = sim_with(config()).await;
    let mut a = connect(&sim).await;
    let mut b = connect(&sim).await;
    assert_eq!(next(&mut a, Duration::from_millis(100)).await, Got::Silence);
    assert_eq!(sim.ws_stats().open, 2);
    sim.drop_websockets();
    for ws in [&mut a, &mut b] {
        assert_eq!(
            next(ws, Duration::from_secs(1)).await,
            Got::Closed { close_frame: false }
        );
    }
    assert_eq!(sim.ws_stats().open, 0);
    connect(&sim).await;
    assert_eq!(
        sim.ws_stats().handshakes,
        3,
        "new sockets are still welcome"
    );
}
