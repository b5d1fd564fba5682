//! The gate every API request passes: counting, faults, authentication and the customer rate limit.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::{error, rate_limited};
use super::{Identity, Shared};

pub(super) async fn gate(
    State(sh): State<Arc<Shared>>,
    matched: MatchedPath,
    req: Request,
    next: Next,
) -> Response {
    let path = matched.as_str().trim_start_matches("/v1.0").to_owned();
    sh.count(format!("{} {}", req.method(), path));
    let resp = answer(&sh, &matched, req, next).await;
    let dropped = resp.extensions().get::<Dropped>().is_some();
    sh.count_status(if dropped { 0 } else { resp.status().as_u16() });
    resp
}

/// Faults, authentication and the rate limit, then the handler.
pub(super) async fn answer(
    sh: &Arc<Shared>,
    matched: &MatchedPath,
    mut req: Request,
    next: Next,
) -> Response {
    let sh = sh.clone();
    let faults = sh.faults();
    if let Some(secs) = faults.storm_retry_after {
        return rate_limited(&sh, Duration::from_secs(secs), "customer");
    }
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    let roll = sh.roll();
    let mut acc = 0.0;
    let mut hit = |rate: f64| {
        let lo = acc;
        acc += rate;
        roll >= lo && roll < acc
    };
    if hit(faults.error_rate) {
        return if roll < faults.error_rate / 2.0 {
            error(
                &sh,
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "Internal server error.",
            )
        } else {
            error(
                &sh,
                StatusCode::SERVICE_UNAVAILABLE,
                "UNAVAILABLE",
                "Service temporarily unavailable.",
            )
        };
    }
    if hit(faults.drop_rate) {
        return dropped();
    }
    if hit(faults.bare_429_rate) {
        return error(
            &sh,
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMIT_EXCEEDED",
            "Too many requests. Please retry later.",
        );
    }
    let malformed = hit(faults.malformed_rate);
    let truncate = hit(faults.truncate_rate);

    if matched.as_str().starts_with("/v1.0") {
        let (customer, agent) = match authenticate(&sh, &req) {
            Ok(c) => c,
            Err(resp) => return resp,
        };
        if let Some(limit) = sh.options().rate_limit
            && let Err(wait) = sh.limiter().check(customer, limit, Instant::now())
        {
            return rate_limited(&sh, wait, "customer");
        }
        req.extensions_mut().insert(Identity { customer, agent });
    }

    let resp = next.run(req).await;
    if malformed {
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"result\": [{\"id\": \"b8aa51f6-5cc1-40ba-9737-45ca24dab153\", \"status\": joined",
        )
            .into_response();
    }
    if truncate {
        let (parts, body) = resp.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        let cut = Bytes::copy_from_slice(&bytes[..bytes.len() / 2]);
        let mut resp = Response::from_parts(parts, Body::from(cut));
        resp.headers_mut().remove(header::CONTENT_LENGTH);
        return resp;
    }
    resp
}

/// Marks a response whose connection is dropped.
#[derive(Clone, Copy)]
pub(super) struct Dropped;

/// A response whose body fails mid-stream: the connection closes before a complete answer.
pub(super) fn dropped() -> Response {
    let stream = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other(
            "connection dropped by fault injection",
        ))
    });
    let mut resp = Response::new(Body::from_stream(stream));
    resp.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(4096u32));
    resp.extensions_mut().insert(Dropped);
    resp
}

/// The server's order: a JWT (cookie, `?token=`, `Authorization: Bearer`), then an access key
/// (cookie, `?accesskey=`). A value in `Bearer` is always read as a JWT (API.md §1). An empty
/// value counts as absent. Answers the customer and whether an agent's JWT was used.
pub(super) fn authenticate(sh: &Shared, req: &Request) -> Result<(usize, bool), Response> {
    let query: HashMap<String, String> = req
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .filter(|(_, v)| !v.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let cookies = cookies(req.headers());
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once("Bearer "))
        .map(|(_, t)| t.to_owned())
        .filter(|t| !t.is_empty());
    let jwt = cookies
        .get("token")
        .cloned()
        .or_else(|| query.get("token").cloned())
        .or(bearer);
    let invalid = || {
        error(
            sh,
            StatusCode::UNAUTHORIZED,
            "INVALID_CREDENTIALS",
            "The provided credentials are invalid or expired.",
        )
    };
    if let Some(jwt) = jwt {
        return sh
            .token_customer(&jwt)
            .map(|c| (c, true))
            .ok_or_else(invalid);
    }
    let key = cookies
        .get("accesskey")
        .cloned()
        .or_else(|| query.get("accesskey").cloned());
    match key {
        Some(key) => sh
            .world()
            .customer_by_key(&key)
            .map(|c| (c, false))
            .ok_or_else(invalid),
        None => Err(error(
            sh,
            StatusCode::UNAUTHORIZED,
            "AUTHENTICATION_REQUIRED",
            "Authentication is required.",
        )),
    }
}

pub(super) fn cookies(headers: &HeaderMap) -> HashMap<String, String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}
