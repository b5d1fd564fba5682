//! `/calls`: the call list and one call.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::errors::{error, forbidden};
use super::params::{Id, next_token, page_params};
use super::{Identity, Shared};
use crate::sim::wire;

pub(super) async fn list(
    State(sh): State<Arc<Shared>>,
    Extension(Identity { customer: c, .. }): Extension<Identity>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (size, token) = match page_params(&sh, &q) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = sh.time_form();
    let (items, last) = {
        let w = sh.world();
        let page = w.list_calls(c, token.unwrap_or(w.now() + 1), size);
        let items: Vec<Value> = page.items.iter().map(|k| wire::call(&w, k, form)).collect();
        (items, page.last)
    };
    axum::Json(wire::list(items, next_token(&sh, token, last))).into_response()
}

pub(super) async fn get(
    State(sh): State<Arc<Shared>>,
    Extension(Identity { customer: c, .. }): Extension<Identity>,
    Id(id): Id,
) -> Response {
    let form = sh.time_form();
    let w = sh.world();
    match w.call(id) {
        // call-manager answers unknown ids with 404 through the gateway.
        None => error(
            &sh,
            StatusCode::NOT_FOUND,
            "CALL_NOT_FOUND",
            "The call was not found.",
        ),
        Some(k) if k.customer != c => forbidden(&sh),
        Some(k) => axum::Json(wire::call(&w, k, form)).into_response(),
    }
}
