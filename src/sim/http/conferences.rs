//! `/conferences`: the conference list, one conference, and its deletion.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Extension, Query, State};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::errors::{forbidden, unknown_id};
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
        let page = w.list_conferences(c, token.unwrap_or(w.now() + 1), size);
        let items: Vec<Value> = page
            .items
            .iter()
            .map(|r| wire::conference(&w, r, form))
            .collect();
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
    match w.conference(id) {
        None => unknown_id(&sh),
        Some(r) if r.customer != c => forbidden(&sh),
        Some(r) => axum::Json(wire::conference(&w, r, form)).into_response(),
    }
}

/// Deletes a conference: terminating, out of the list at once, everyone in it kicked (API.md §4).
pub(super) async fn delete(
    State(sh): State<Arc<Shared>>,
    Extension(Identity { customer: c, .. }): Extension<Identity>,
    Id(id): Id,
) -> Response {
    let form = sh.time_form();
    let mut w = sh.world();
    match w.conference(id).map(|r| r.customer) {
        None => unknown_id(&sh),
        Some(owner) if owner != c => forbidden(&sh),
        Some(_) => {
            w.end_conference(id);
            let r = w.conference(id).expect("the conference exists");
            axum::Json(wire::conference(&w, r, form)).into_response()
        }
    }
}
