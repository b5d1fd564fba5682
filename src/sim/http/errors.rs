//! Error answers: the envelope (or a bare status for older servers), request ids, and the 429 with `Retry-After`.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{REQUEST_ID, Shared};
use std::sync::Arc;

/// `req_` and 26 base32 characters, as the server's request ids.
pub(super) fn request_id(sh: &Shared) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    // splitmix64: a different, well-mixed value per request.
    let mut state = sh.next_request();
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let bits = [next(), next(), next()];
    let mut out = String::from("req_");
    for i in 0..26 {
        let word = bits[i / 12];
        out.push(ALPHABET[((word >> ((i % 12) * 5)) & 31) as usize] as char);
    }
    out
}

/// An error in the envelope, or a bare status when the simulator plays an older server.
pub(in crate::sim) fn error(
    sh: &Shared,
    status: StatusCode,
    reason: &str,
    message: &str,
) -> Response {
    let rid = REQUEST_ID
        .try_with(String::clone)
        .unwrap_or_else(|_| request_id(sh));
    let mut resp = if sh.options().bare_errors {
        status.into_response()
    } else {
        let word = match status.as_u16() {
            400 => "INVALID_ARGUMENT",
            401 => "UNAUTHENTICATED",
            403 => "PERMISSION_DENIED",
            404 => "NOT_FOUND",
            429 => "RESOURCE_EXHAUSTED",
            503 => "UNAVAILABLE",
            _ => "INTERNAL",
        };
        let body = json!({"error": {
            "status": word, "reason": reason, "message": message, "request_id": rid,
        }});
        (status, axum::Json(body)).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&rid) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

pub(super) fn invalid_id(sh: &Shared) -> Response {
    error(
        sh,
        StatusCode::BAD_REQUEST,
        "INVALID_ID",
        "The provided id is not a valid UUID.",
    )
}

/// Unknown ids: conference-manager answers a bare 400, which the gateway maps like this
/// (API.md §3), although the docs promise 404.
pub(super) fn unknown_id(sh: &Shared) -> Response {
    error(
        sh,
        StatusCode::BAD_REQUEST,
        "INVALID_ARGUMENT",
        "The request contains invalid data.",
    )
}

pub(super) fn forbidden(sh: &Shared) -> Response {
    error(
        sh,
        StatusCode::FORBIDDEN,
        "PERMISSION_DENIED",
        "You do not have permission to access this resource.",
    )
}

pub(super) async fn no_route(State(sh): State<Arc<Shared>>, req: Request) -> Response {
    sh.count(format!("{} (no route)", req.method()));
    error(
        &sh,
        StatusCode::NOT_FOUND,
        "ROUTE_NOT_FOUND",
        "The requested route does not exist.",
    )
}

pub(super) fn rate_limited(sh: &Shared, wait: Duration, by: &str) -> Response {
    let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
    let mut resp = error(
        sh,
        StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMIT_EXCEEDED",
        "Too many requests. Please try again later.",
    );
    if !sh.options().bare_errors {
        let (parts, _) = resp.into_parts();
        let body = json!({"error": {
            "status": "RESOURCE_EXHAUSTED",
            "reason": "RATE_LIMIT_EXCEEDED",
            "message": "Too many requests. Please try again later.",
            "details": [{"limited_by": by}],
            "request_id": parts.headers.get("x-request-id").and_then(|v| v.to_str().ok()),
        }});
        resp = Response::from_parts(parts, Body::from(body.to_string()));
    }
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    resp
}
