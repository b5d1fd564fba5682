//! Metrics for a NOC's Prometheus: what conftop already knows, served at `/metrics`
//! (`--metrics-listen`), never a request to the API of its own.
//!
//! The app's figures ([`crate::app::health::Health`]) are published after each round of the
//! event loop (the dashboard's, the wall's or `conftop serve`'s) on a watch channel; the API
//! requests are the client's own counts ([`crate::api::RequestCounts`]). A scrape reads both
//! and writes them out ([`encode`]); it holds no client, so it cannot reach the API.

pub mod encode;
pub mod server;

pub use encode::{Format, exposition};
pub use server::{MetricsError, Publisher, Source, bind, channel, serve};
