//! Integration tests: real HTTP on loopback against the built-in simulator.

mod api_client;
mod common;
mod spec;
mod sync;
