//! `POST` / `DELETE /calls/{id}/mute`: success is a bare 200 with an empty body; failures
//! answer with the error envelope (bare statuses with `--bare-errors`, as servers before April
//! 2026 did), as API.md §5 says the handlers do.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use uuid::Uuid;

use super::errors::{error, forbidden, unknown_id};
use super::params::Id;
use super::{Identity, Shared};
use crate::sim::world::MuteError;

pub(super) async fn mute(
    State(sh): State<Arc<Shared>>,
    Extension(who): Extension<Identity>,
    Id(call): Id,
    body: Bytes,
) -> Response {
    answer(&sh, who, call, &body, true)
}

pub(super) async fn unmute(
    State(sh): State<Arc<Shared>>,
    Extension(who): Extension<Identity>,
    Id(call): Id,
    body: Bytes,
) -> Response {
    answer(&sh, who, call, &body, false)
}

fn answer(sh: &Shared, who: Identity, call: Uuid, body: &[u8], on: bool) -> Response {
    let Ok(dir) = requested(body) else {
        return error(
            sh,
            StatusCode::BAD_REQUEST,
            "INVALID_JSON_BODY",
            "The request body is not valid JSON.",
        );
    };
    let result = {
        let mut w = sh.world();
        if on {
            w.mute(who.customer, call, &dir)
        } else {
            w.unmute(who.customer, call, &dir)
        }
    };
    match result {
        Ok(()) => StatusCode::OK.into_response(),
        Err(MuteError::Forbidden) => forbidden(sh),
        // The call-manager answers an unknown call, one not in progress and a direction it
        // does not know with a bare 400, which the gateway translates (API.md §3, §5).
        Err(MuteError::NotFound | MuteError::NotInProgress | MuteError::BadDirection) => {
            unknown_id(sh)
        }
    }
}

/// The body's `direction`, checked by the world: the body must be a JSON object (`BindJSON`
/// fails on an empty or unparsable one); the field may be missing.
fn requested(body: &[u8]) -> Result<String, MuteError> {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return Err(MuteError::BadDirection);
    };
    match map.get("direction") {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(MuteError::BadDirection),
    }
}
