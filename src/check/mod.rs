//! `conftop check`: one look, as a monitoring plugin (Nagios, Icinga, Sensu, Zabbix's
//! agent…) takes it: one line and an exit status, 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
//!
//! It reads what `conftop list` reads, with the same sync task, budget and cache, but only
//! the participants' statuses and times: no caller is looked up, and it stops at the first
//! complete picture (on a host whose cache is warm, a handful of requests). That picture goes
//! through the app's own state, so stuck is judged by the screen's rule
//! ([`crate::app::health`]), then by [`judge`].

mod judge;

use std::time::Duration;

use jiff::Timestamp;

pub use judge::{Report, SCHEMA_VERSION, State, failed, judge, unknown};

use crate::api::Client;
use crate::app::{AppState, Event, update};
use crate::list::{self, Wants};
use crate::settings::Settings;
use crate::sync::SyncEvent;

/// Reads the picture within `timeout` (each request within half of it) and judges it.
pub async fn run(settings: &Settings, timeout: Duration) -> Report {
    let (mut client_config, credentials, _demo) = match settings.connect().await {
        Ok(c) => c,
        Err(e) => return unknown(&format!("cannot start the demo simulator: {e}")),
    };
    // Each request gets at most half the time, so that one that hangs is a failure said
    // within the check's time rather than a check that ran out of it.
    client_config.timeout = client_config
        .timeout
        .min(timeout / 2)
        .max(crate::defaults::MIN_TIMEOUT);
    let client = match Client::new(&client_config, credentials) {
        Ok(c) => c,
        Err(e) => return unknown(&e.to_string()),
    };
    let mut app = AppState::new(
        settings.app_config(client.host(), None),
        Timestamp::now(),
        (0, 0),
    );
    let picture = list::gather(client, settings.sync_config(None), timeout, Wants::Statuses).await;
    let picture = match picture {
        Ok(p) => p,
        Err(e) => return failed(&app.health(), &e),
    };
    if let Some(c) = picture.customer.clone() {
        update(&mut app, Event::Sync(SyncEvent::Customer(c)), picture.at);
    }
    update(
        &mut app,
        Event::Sync(SyncEvent::Snapshot(picture.snapshot.clone())),
        picture.at,
    );
    judge(&app.health(), picture.complete)
}
