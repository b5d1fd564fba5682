//! The HTTP side: `GET /metrics` answers the latest published figures and the client's
//! request counts. It holds no client and sends no request: a scrape costs the API nothing.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::encode::{Format, exposition};
use crate::api::RequestCounts;
use crate::app::health::Health;

/// Why the metrics cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("cannot serve the metrics on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// What a scrape reads: the figures as last published, and the requests sent so far.
#[derive(Debug, Clone)]
pub struct Source {
    pub health: watch::Receiver<Arc<Health>>,
    pub requests: Arc<RequestCounts>,
}

/// Where the event loop publishes the figures after each round, for the metrics to read.
pub type Publisher = watch::Sender<Arc<Health>>;

/// A publisher and the source that reads it, starting from `first`.
pub fn channel(first: Health, requests: Arc<RequestCounts>) -> (Publisher, Source) {
    let (tx, rx) = watch::channel(Arc::new(first));
    let source = Source {
        health: rx,
        requests,
    };
    (tx, source)
}

/// Takes the address now, so that a port in use is said before anything else starts.
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, MetricsError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| MetricsError::Bind { addr, source })
}

/// Serves `/metrics` on `listener` until the runtime stops.
pub fn serve(listener: TcpListener, source: Source) -> JoinHandle<()> {
    let app = axum::Router::new()
        .route("/metrics", get(metrics))
        .route("/", get(index))
        .with_state(source);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!("the metrics endpoint stopped: {e}");
        }
    })
}

async fn metrics(State(source): State<Source>, headers: HeaderMap) -> Response {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let format = Format::negotiate(accept);
    let health = source.health.borrow().clone();
    let body = exposition(
        &health,
        &source.requests.snapshot(),
        jiff::Timestamp::now(),
        format,
    );
    ([(header::CONTENT_TYPE, format.content_type())], body).into_response()
}

async fn index() -> impl IntoResponse {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "conftop: metrics at /metrics\n",
    )
}
