//! Integration tests: real HTTP on loopback against the built-in simulator.

mod api_client;
mod common;
mod e2e;
mod pty;
mod spec;
mod sync;
