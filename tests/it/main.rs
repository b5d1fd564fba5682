//! Integration tests: real HTTP on loopback against the built-in simulator.

mod api_client;
mod busy;
mod cache;
mod check;
mod common;
mod e2e;
mod faults;
mod fuzz;
mod list;
mod live;
mod messages;
mod notify;
mod optional;
mod pty;
mod push;
mod removal;
mod scrape;
mod serve;
mod sim_busy;
mod sim_mute;
mod sim_ws;
mod sim_ws_faults;
mod soak;
mod spec;
mod sync;
mod wall_metrics;
