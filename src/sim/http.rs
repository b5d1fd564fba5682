// Early returns of ready-made error responses are the handler idiom here; the size of
// `Response` in an `Err` costs nothing that matters at these request rates.
#![allow(clippy::result_large_err)]

//! The simulator's HTTP surface: routes, authentication, the customer rate limit, fault
//! injection and the request counter, answering as API.md says the real server does.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Extension, FromRequestParts, MatchedPath, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use uuid::Uuid;

use super::Shared;
use super::wire::{self, TimeForm};
use super::world::{Kick, Micros, PartStatus};

/// The authenticated customer of a request, and whether an agent's JWT (not an access key)
/// authenticated it.
#[derive(Clone, Copy)]
struct Caller(usize, bool);

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
        .route("/auth/login", post(login))
        .route("/v1.0/customer", get(customer))
        .route("/v1.0/me", get(me))
        .route("/v1.0/conferencecalls", get(list_conferencecalls))
        .route(
            "/v1.0/conferencecalls/{id}",
            get(get_conferencecall).delete(delete_conferencecall),
        )
        .route("/v1.0/conferences", get(list_conferences))
        .route(
            "/v1.0/conferences/{id}",
            get(get_conference).delete(delete_conference),
        )
        .route("/v1.0/calls", get(list_calls))
        .route("/v1.0/calls/{id}", get(get_call))
        .route_layer(middleware::from_fn_with_state(shared.clone(), gate))
        .route("/_sim/stats", get(stats))
        // The server has no 405: another method on a known path is an unknown route.
        .method_not_allowed_fallback(no_route)
        .fallback(no_route)
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
        .unwrap_or_else(|| request_id(&sh));
    let mut resp = REQUEST_ID.scope(rid.clone(), next.run(req)).await;
    if let Ok(v) = HeaderValue::from_str(&rid) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

// ----- errors --------------------------------------------------------------------------------

/// `req_` and 26 base32 characters, as the server's request ids.
fn request_id(sh: &Shared) -> String {
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
fn error(sh: &Shared, status: StatusCode, reason: &str, message: &str) -> Response {
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

fn invalid_id(sh: &Shared) -> Response {
    error(
        sh,
        StatusCode::BAD_REQUEST,
        "INVALID_ID",
        "The provided id is not a valid UUID.",
    )
}

/// Unknown ids: conference-manager answers a bare 400, which the gateway maps like this
/// (API.md §3), although the docs promise 404.
fn unknown_id(sh: &Shared) -> Response {
    error(
        sh,
        StatusCode::BAD_REQUEST,
        "INVALID_ARGUMENT",
        "The request contains invalid data.",
    )
}

fn forbidden(sh: &Shared) -> Response {
    error(
        sh,
        StatusCode::FORBIDDEN,
        "PERMISSION_DENIED",
        "You do not have permission to access this resource.",
    )
}

async fn no_route(State(sh): State<Arc<Shared>>, req: Request) -> Response {
    sh.count(format!("{} (no route)", req.method()));
    error(
        &sh,
        StatusCode::NOT_FOUND,
        "ROUTE_NOT_FOUND",
        "The requested route does not exist.",
    )
}

// ----- the gate: counting, faults, auth, rate limit -------------------------------------------

async fn gate(
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
async fn answer(sh: &Arc<Shared>, matched: &MatchedPath, mut req: Request, next: Next) -> Response {
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
        req.extensions_mut().insert(Caller(customer, agent));
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

fn rate_limited(sh: &Shared, wait: Duration, by: &str) -> Response {
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

/// Marks a response whose connection is dropped.
#[derive(Clone, Copy)]
struct Dropped;

/// A response whose body fails mid-stream: the connection closes before a complete answer.
fn dropped() -> Response {
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
fn authenticate(sh: &Shared, req: &Request) -> Result<(usize, bool), Response> {
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

fn cookies(headers: &HeaderMap) -> HashMap<String, String> {
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

// ----- handlers --------------------------------------------------------------------------------

async fn login(State(sh): State<Arc<Shared>>, body: Bytes) -> Response {
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
async fn me(
    State(sh): State<Arc<Shared>>,
    Extension(Caller(_, agent)): Extension<Caller>,
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

async fn customer(
    State(sh): State<Arc<Shared>>,
    Extension(Caller(c, _)): Extension<Caller>,
) -> Response {
    let form = sh.time_form();
    let w = sh.world();
    axum::Json(wire::customer(&w.customers[c], form)).into_response()
}

/// `page_size` missing, `<= 0` or `> 100` all mean 100; a non-integer is a 400.
fn page_params(
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
    let token = match q.get("page_token").map(|s| s.as_str()) {
        None | Some("") => None,
        Some(t) => match crate::api::timestamp::parse(t) {
            Ok(Some(ts)) => Some(ts.as_microsecond()),
            _ => return Err(bad("page_token")),
        },
    };
    Ok((size, token))
}

/// The page-token answer, including the pagination faults.
fn next_token(sh: &Shared, requested: Option<Micros>, last: Option<Micros>) -> String {
    let form = sh.time_form();
    let faults = sh.faults();
    match (faults.pagination_loop, requested, last) {
        (true, Some(req), _) => form.token(req),
        (_, _, Some(last)) => form.token(last),
        _ => String::new(),
    }
}

async fn list_conferencecalls(
    State(sh): State<Arc<Shared>>,
    Extension(Caller(c, _)): Extension<Caller>,
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
        let page = w.list_parts(c, before, size);
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
fn invented_page(
    w: &super::world::World,
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

/// A record id from the path: not a UUID, or the nil UUID, is 400 `INVALID_ID` (API.md §3).
struct Id(Uuid);

impl FromRequestParts<Arc<Shared>> for Id {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        sh: &Arc<Shared>,
    ) -> Result<Self, Response> {
        let Path(raw) = Path::<String>::from_request_parts(parts, sh)
            .await
            .map_err(IntoResponse::into_response)?;
        match Uuid::parse_str(&raw) {
            Ok(id) if !id.is_nil() => Ok(Id(id)),
            _ => Err(invalid_id(sh)),
        }
    }
}

async fn get_conferencecall(
    State(sh): State<Arc<Shared>>,
    Extension(Caller(c, _)): Extension<Caller>,
    Id(id): Id,
) -> Response {
    let form = sh.time_form();
    let w = sh.world();
    match w.part(id) {
        None => unknown_id(&sh),
        Some(p) if p.customer != c => forbidden(&sh),
        Some(p) => axum::Json(wire::conferencecall(&w, p, form)).into_response(),
    }
}

async fn delete_conferencecall(
    State(sh): State<Arc<Shared>>,
    Extension(Caller(c, _)): Extension<Caller>,
    Id(id): Id,
) -> Response {
    let form = sh.time_form();
    let kick_fails = sh.roll() < sh.faults().kick_fail_rate;
    let mut w = sh.world();
    // Only a participant still joining or joined is kicked; otherwise nothing happens.
    let kickable = w
        .part(id)
        .is_some_and(|p| matches!(p.status, PartStatus::Joining | PartStatus::Joined));
    match w.kick(c, id) {
        Kick::NotFound => unknown_id(&sh),
        Kick::Forbidden => forbidden(&sh),
        // The status already moved to leaving; the bridge kick failed and the listenhandler
        // answers a bare 400, which the gateway maps like an unknown id.
        Kick::Done if kick_fails && kickable => unknown_id(&sh),
        Kick::Done => {
            let p = w.part(id).expect("kicked participant exists");
            axum::Json(wire::conferencecall(&w, p, form)).into_response()
        }
    }
}

async fn list_conferences(
    State(sh): State<Arc<Shared>>,
    Extension(Caller(c, _)): Extension<Caller>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (size, token) = match page_params(&sh, &q) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = sh.time_form();
    let (items, last) = {
        let w = sh.world();
        let page = w.list_rooms(c, token.unwrap_or(w.now() + 1), size);
        let items: Vec<Value> = page
            .items
            .iter()
            .map(|r| wire::conference(&w, r, form))
            .collect();
        (items, page.last)
    };
    axum::Json(wire::list(items, next_token(&sh, token, last))).into_response()
}

async fn get_conference(
    State(sh): State<Arc<Shared>>,
    Extension(Caller(c, _)): Extension<Caller>,
    Id(id): Id,
) -> Response {
    let form = sh.time_form();
    let w = sh.world();
    match w.room(id) {
        None => unknown_id(&sh),
        Some(r) if r.customer != c => forbidden(&sh),
        Some(r) => axum::Json(wire::conference(&w, r, form)).into_response(),
    }
}

/// Deletes a room: terminating, out of the list at once, everyone in it kicked (API.md §4).
async fn delete_conference(
    State(sh): State<Arc<Shared>>,
    Extension(Caller(c, _)): Extension<Caller>,
    Id(id): Id,
) -> Response {
    let form = sh.time_form();
    let mut w = sh.world();
    match w.room(id).map(|r| r.customer) {
        None => unknown_id(&sh),
        Some(owner) if owner != c => forbidden(&sh),
        Some(_) => {
            w.end_room(id);
            let r = w.room(id).expect("the room exists");
            axum::Json(wire::conference(&w, r, form)).into_response()
        }
    }
}

async fn list_calls(
    State(sh): State<Arc<Shared>>,
    Extension(Caller(c, _)): Extension<Caller>,
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

async fn get_call(
    State(sh): State<Arc<Shared>>,
    Extension(Caller(c, _)): Extension<Caller>,
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

/// Request counts and table sizes, unauthenticated, for tools watching a standalone simulator.
async fn stats(State(sh): State<Arc<Shared>>) -> Response {
    let counts: serde_json::Map<String, Value> = sh
        .counter()
        .iter()
        .map(|(k, v)| (k.to_owned(), v.into()))
        .collect();
    let (parts, calls, rooms) = sh.world().sizes();
    axum::Json(json!({
        "requests": counts,
        "records": {"conferencecalls": parts, "calls": calls, "conferences": rooms},
    }))
    .into_response()
}
