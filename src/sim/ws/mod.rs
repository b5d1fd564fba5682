//! `GET /v1.0/ws`: the event websocket, as API.md §6 says the real server behaves. The
//! handshake passes the same gate as REST (counted, authenticated, rate-limited); afterwards
//! the client subscribes to topics and receives each matching event as one text frame.

mod connection;
mod hub;
mod settings;
mod topics;

use std::sync::Arc;

use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::http::{Identity, error};
use super::wire::{self, TimeForm};
use super::world::{Event, Record, World};
use super::{Shared, lock};

pub use hub::{Hub, WsStats};
pub use settings::{WsFaults, WsOptions};
use topics::Owner;

/// The upgrade, once the gate has let the request through.
pub(super) async fn upgrade(
    State(sh): State<Arc<Shared>>,
    Extension(who): Extension<Identity>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if sh.ws_faults().refuse_upgrades {
        return error(
            &sh,
            StatusCode::SERVICE_UNAVAILABLE,
            "UNAVAILABLE",
            "Service temporarily unavailable.",
        );
    }
    let upgrade = match upgrade {
        Ok(u) => u,
        Err(_) => {
            return error(
                &sh,
                StatusCode::BAD_REQUEST,
                "INVALID_ARGUMENT",
                "A websocket upgrade was expected.",
            );
        }
    };
    let owner = Owner {
        customer: lock(&sh.world).customer_id(who.customer),
        agent: who.agent.then_some(sh.agent_id),
    };
    upgrade.on_upgrade(move |socket| connection::run(sh, owner, socket))
}

/// Publishes the world's new events to the subscribers, each record written as it stood.
pub(super) fn publish(sh: &Shared, w: &World, events: Vec<Event>) {
    if events.is_empty() || !sh.hub.has_connections() {
        return;
    }
    let form = sh.time_form();
    let wrapped = sh.ws_options().wrapped_events;
    for event in events {
        let topics = topics::of_event(w.customer_id(event.customer()), &event);
        sh.hub
            .publish(&topics, || frame(w, &event, form, wrapped).to_string());
    }
}

/// The bare record (current servers), or `{"type", "data"}` (servers before 2026-08).
fn frame(w: &World, event: &Event, form: TimeForm, wrapped: bool) -> serde_json::Value {
    let data = match &event.record {
        Record::Conference(c) => wire::conference(w, c, form),
        Record::Call(c) => wire::call(w, c, form),
    };
    if wrapped {
        json!({"type": event.kind, "data": data})
    } else {
        data
    }
}
