//! `POST` / `DELETE /calls/{id}/mute`: success is a bare 200 and every failure a bare 400,
//! both with empty bodies, as the server's `AbortWithStatus` answers (API.md §5).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use uuid::Uuid;

use super::{Identity, Shared};
use crate::sim::world::MuteError;

pub(super) async fn mute(
    State(sh): State<Arc<Shared>>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    answer(&sh, who, &id, &body, true)
}

pub(super) async fn unmute(
    State(sh): State<Arc<Shared>>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    answer(&sh, who, &id, &body, false)
}

fn answer(sh: &Shared, who: Identity, id: &str, body: &[u8], on: bool) -> Response {
    let result = requested(body).and_then(|dir| {
        let call = Uuid::parse_str(id).map_err(|_| MuteError::NotFound)?;
        let mut w = sh.world();
        if on {
            w.mute(who.customer, call, &dir)
        } else {
            w.unmute(who.customer, call, &dir)
        }
    });
    match result {
        Ok(()) => StatusCode::OK.into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
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
