//! What requests carry besides a body: page size and token, and a record id in the path.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use super::Shared;
use super::errors::{error, invalid_id};
use crate::sim::world::Micros;

/// `page_size` missing, `<= 0` or `> 100` all mean 100; a non-integer is a 400. A token that
/// is not a time is not refused: it selects nothing.
pub(super) fn page_params(
    sh: &Shared,
    q: &HashMap<String, String>,
) -> Result<(usize, Option<Micros>), Response> {
    let bad = |what: &str| {
        error(
            sh,
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_PARAMETER",
            &format!("Invalid value for parameter {what}."),
        )
    };
    let size = match q.get("page_size") {
        None => 100,
        Some(s) => match s.trim().parse::<i64>() {
            Ok(n) if (1..=100).contains(&n) => n as usize,
            Ok(_) => 100,
            Err(_) => return Err(bad("page_size")),
        },
    };
    // The gateway does not check the token: it goes into `tm_create < token` as it is, and a
    // string the database cannot read as a time selects nothing (API.md §2).
    let token = match q.get("page_token").map(|s| s.as_str()) {
        None | Some("") => None,
        Some(t) => match crate::api::timestamp::parse(t) {
            Ok(Some(ts)) => Some(ts.as_microsecond()),
            _ => Some(0),
        },
    };
    Ok((size, token))
}

/// The page-token answer, including the pagination faults.
pub(super) fn next_token(sh: &Shared, requested: Option<Micros>, last: Option<Micros>) -> String {
    let form = sh.time_form();
    let faults = sh.faults();
    match (faults.pagination_loop, requested, last) {
        (true, Some(req), _) => form.token(req),
        (_, _, Some(last)) => form.token(last),
        _ => String::new(),
    }
}

/// A record id from the path: not a UUID, or the nil UUID, is 400 `INVALID_ID` (API.md §3).
pub(super) struct Id(pub Uuid);

impl FromRequestParts<Arc<Shared>> for Id {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        sh: &Arc<Shared>,
    ) -> Result<Self, Response> {
        // A path that is not UTF-8 is no UUID either: the same JSON answer.
        let Path(raw) = Path::<String>::from_request_parts(parts, sh)
            .await
            .map_err(|_| invalid_id(sh))?;
        match Uuid::parse_str(&raw) {
            Ok(id) if !id.is_nil() => Ok(Id(id)),
            _ => Err(invalid_id(sh)),
        }
    }
}
