//! Login, the caller's own agent and customer.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::errors::{error, rate_limited};
use super::{Identity, Shared};
use crate::sim::wire;

pub(super) async fn login(State(sh): State<Arc<Shared>>, body: Bytes) -> Response {
    #[derive(serde::Deserialize)]
    struct Login {
        username: String,
        password: String,
    }
    // The `auth_public` tier: 10/s, burst 20, per client IP (API.md §7).
    let limit = crate::sim::RateLimit {
        per_second: 10.0,
        burst: 20.0,
    };
    if let Err(wait) = sh.login_limit(limit) {
        return rate_limited(&sh, wait, "ip");
    }
    // Any failure is a bare 400 with an empty body, even on current servers.
    let Ok(login) = serde_json::from_slice::<Login>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match sh.login(&login.username, &login.password) {
        Some(token) => {
            let mut resp =
                axum::Json(json!({"username": login.username, "token": token})).into_response();
            let cookie =
                format!("token={token}; Max-Age=604800; Path=/; Secure; HttpOnly; SameSite=Strict");
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                resp.headers_mut().insert(header::SET_COOKIE, v);
            }
            resp
        }
        None => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// The logged-in agent: only an agent's JWT has one (API.md §1).
pub(super) async fn me(
    State(sh): State<Arc<Shared>>,
    Extension(Identity { agent, .. }): Extension<Identity>,
) -> Response {
    if !agent {
        return error(
            &sh,
            StatusCode::FORBIDDEN,
            "AGENT_AUTH_REQUIRED",
            "This endpoint requires agent authentication.",
        );
    }
    axum::Json(sh.agent(sh.time_form())).into_response()
}

pub(super) async fn customer(
    State(sh): State<Arc<Shared>>,
    Extension(Identity { customer: c, .. }): Extension<Identity>,
) -> Response {
    let form = sh.time_form();
    let w = sh.world();
    axum::Json(wire::customer(&w.customers[c], form)).into_response()
}
