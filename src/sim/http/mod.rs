// Early returns of ready-made error responses are the handler idiom here; the size of
// `Response` in an `Err` costs nothing that matters at these request rates.
#![allow(clippy::result_large_err)]

//! The simulator's HTTP surface: routes, authentication, the customer rate limit, fault
//! injection and the request counter, answering as API.md says the real server does.

mod auth;
mod calls;
mod conferencecalls;
mod conferences;
mod errors;
mod gate;
mod mute;
mod params;

pub(super) use errors::error;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::Shared;

/// Who is asking: the authenticated customer, and whether an agent's JWT (not an access key)
/// authenticated the request.
#[derive(Clone, Copy)]
pub(super) struct Identity {
    pub customer: usize,
    pub agent: bool,
}

tokio::task_local! {
    /// The request id of the request being answered, for error envelopes.
    static REQUEST_ID: String;
}

pub(super) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(
            "/ping",
            get(|| async { axum::Json(json!({"message": "pong"})) }),
        )
        .route("/auth/login", post(auth::login))
        .route("/v1.0/customer", get(auth::customer))
        .route("/v1.0/me", get(auth::me))
        .route("/v1.0/conferencecalls", get(conferencecalls::list))
        .route(
            "/v1.0/conferencecalls/{id}",
            get(conferencecalls::get).delete(conferencecalls::delete),
        )
        .route("/v1.0/conferences", get(conferences::list))
        .route(
            "/v1.0/conferences/{id}",
            get(conferences::get).delete(conferences::delete),
        )
        .route("/v1.0/calls", get(calls::list))
        .route("/v1.0/calls/{id}", get(calls::get))
        .route(
            "/v1.0/calls/{id}/mute",
            post(mute::mute).delete(mute::unmute),
        )
        .route("/v1.0/ws", get(super::ws::upgrade))
        .route_layer(middleware::from_fn_with_state(shared.clone(), gate::gate))
        .route("/_sim/stats", get(stats))
        .route("/_sim/faults", get(faults_now).put(set_faults))
        // The server has no 405: another method on a known path is an unknown route.
        .method_not_allowed_fallback(errors::no_route)
        .fallback(errors::no_route)
        .layer(middleware::from_fn_with_state(shared.clone(), request_ids))
        .with_state(shared)
}

/// A safe client-supplied `X-Request-Id` is reused, otherwise one is made; either way it is
/// echoed in the response header and in any error envelope (API.md §2).
async fn request_ids(State(sh): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let rid = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=64).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| errors::request_id(&sh));
    let mut resp = REQUEST_ID.scope(rid.clone(), next.run(req)).await;
    if let Ok(v) = HeaderValue::from_str(&rid) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

/// The REST faults a standalone simulator injects, changed while it runs (the websockets
/// already open stay up): `curl -X PUT …/_sim/faults -d '{"error_rate":1}'` cuts the REST API
/// while push goes on; `-d '{}'` ends every fault. Unauthenticated, like the stats.
async fn set_faults(State(sh): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<super::faults::FaultsBody>(&body) {
        Ok(b) => {
            let faults = b.faults();
            tracing::info!(?faults, "faults changed");
            *super::shared::lock(&sh.faults) = faults;
            faults_now(State(sh)).await
        }
        Err(e) => (
            axum::http::StatusCode::BAD_REQUEST,
            format!(
                "not a faults object ({e}); fields: {}\n",
                super::faults::FaultsBody::FIELDS
            ),
        )
            .into_response(),
    }
}

async fn faults_now(State(sh): State<Arc<Shared>>) -> Response {
    axum::Json(super::faults::FaultsBody::of(&sh.faults())).into_response()
}

/// Request counts and table sizes, unauthenticated, for tools watching a standalone simulator.
async fn stats(State(sh): State<Arc<Shared>>) -> Response {
    let counts: serde_json::Map<String, Value> = sh
        .counter()
        .iter()
        .map(|(k, v)| (k.to_owned(), v.into()))
        .collect();
    let statuses: serde_json::Map<String, Value> = sh
        .counter()
        .statuses()
        .map(|(k, v)| (k.to_string(), v.into()))
        .collect();
    let (participants, calls, conferences) = sh.world().sizes();
    axum::Json(json!({
        "requests": counts,
        "statuses": statuses,
        "records": {"conferencecalls": participants, "calls": calls, "conferences": conferences},
        "websocket": sh.hub.stats(),
    }))
    .into_response()
}
