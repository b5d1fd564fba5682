//! `/conferencecalls`: the participant list, one participant, and the kick.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Extension, Query, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use uuid::Uuid;

use super::errors::{forbidden, unknown_id};
use super::params::{Id, next_token, page_params};
use super::{Identity, Shared};
use crate::sim::wire::{self, TimeForm};
use crate::sim::world::{Kick, Micros, ParticipantStatus, World};

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
        let before = token.unwrap_or(w.now() + 1);
        let page = w.list_participants(c, before, size);
        let items: Vec<Value> = page
            .items
            .iter()
            .map(|p| wire::conferencecall(&w, p, form))
            .collect();
        if items.is_empty() && sh.faults().endless_pages {
            let (items, last) = invented_page(&w, c, before, size, form);
            return axum::Json(wire::list(items, form.token(last))).into_response();
        }
        (items, page.last)
    };
    axum::Json(wire::list(items, next_token(&sh, token, last))).into_response()
}

/// Old records that never existed, for the endless-pages fault.
pub(super) fn invented_page(
    w: &World,
    c: usize,
    before: Micros,
    size: usize,
    form: TimeForm,
) -> (Vec<Value>, Micros) {
    let mut t = before;
    let items = (0..size)
        .map(|i| {
            t -= 1_000_000;
            json!({
                "id": Uuid::from_u64_pair(t as u64, i as u64).to_string(),
                "customer_id": w.customer_id(c).to_string(),
                "activeflow_id": Uuid::nil().to_string(),
                "conference_id": Uuid::from_u64_pair(7, t as u64 / 3_600_000_000).to_string(),
                "reference_type": "call",
                "reference_id": Uuid::from_u64_pair(t as u64, 9).to_string(),
                "status": "leaved",
                "tm_create": form.nullable(Some(t)),
                "tm_update": form.nullable(Some(t + 1)),
                "tm_delete": form.nullable(None),
            })
        })
        .collect();
    (items, t)
}

pub(super) async fn get(
    State(sh): State<Arc<Shared>>,
    Extension(Identity { customer: c, .. }): Extension<Identity>,
    Id(id): Id,
) -> Response {
    let form = sh.time_form();
    let w = sh.world();
    match w.participant(id) {
        None => unknown_id(&sh),
        Some(p) if p.customer != c => forbidden(&sh),
        Some(p) => axum::Json(wire::conferencecall(&w, p, form)).into_response(),
    }
}

pub(super) async fn delete(
    State(sh): State<Arc<Shared>>,
    Extension(Identity { customer: c, .. }): Extension<Identity>,
    Id(id): Id,
) -> Response {
    let form = sh.time_form();
    let kick_fails = sh.roll() < sh.faults().kick_fail_rate;
    let mut w = sh.world();
    // Only a participant still joining or joined is kicked; otherwise nothing happens.
    let kickable = w.participant(id).is_some_and(|p| {
        matches!(
            p.status,
            ParticipantStatus::Joining | ParticipantStatus::Joined
        )
    });
    match w.kick(c, id) {
        Kick::NotFound => unknown_id(&sh),
        Kick::Forbidden => forbidden(&sh),
        // The status already moved to leaving; the bridge kick failed and the listenhandler
        // answers a bare 400, which the gateway maps like an unknown id.
        Kick::Done if kick_fails && kickable => unknown_id(&sh),
        Kick::Done => {
            let p = w.participant(id).expect("kicked participant exists");
            axum::Json(wire::conferencecall(&w, p, form)).into_response()
        }
    }
}
