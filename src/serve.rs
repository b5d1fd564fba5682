//! `conftop serve`: the dashboard's sync task and app state with no terminal at all, for a
//! host with no screen. The loop is the event loop's without input or drawing: sync events and
//! a once-a-second tick go to [`app::update`], the figures are published for the metrics after
//! each, and the app's commands are carried out (alerts run; nothing ever acts on a
//! participant, as the mode is read-only). It stops on SIGTERM, SIGINT or SIGHUP.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::mpsc;

use crate::app::{self, AppState, Command, Event};
use crate::sync::SyncEvent;
use crate::tui::Outlets;

/// Runs until `shutdown` resolves.
pub async fn run<S: Future<Output = ()>>(
    app: &mut AppState,
    mut sync_events: mpsc::Receiver<SyncEvent>,
    outlets: Outlets,
    shutdown: S,
) {
    tokio::pin!(shutdown);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let (failed, mut alert_failures) = mpsc::channel(16);
    let alerts = outlets
        .alert_command
        .map(|argv| crate::alert::AlertRunner::new(argv, failed));
    let mut sync_open = true;
    loop {
        let event = tokio::select! {
            biased;
            _ = &mut shutdown => return,
            ev = sync_events.recv(), if sync_open => match ev {
                Some(ev) => Event::Sync(ev),
                None => {
                    // Nothing more will come: the ticks go on, so the figures go stale and
                    // then say NO DATA, as a screen would.
                    tracing::error!("the sync task has stopped");
                    sync_open = false;
                    continue;
                }
            },
            Some(why) = alert_failures.recv() => Event::AlertFailed(why),
            _ = tick.tick() => Event::Tick,
        };
        for command in app::update(app, event, Timestamp::now()) {
            match command {
                Command::Sync(c) => {
                    if outlets.sync.send(c).await.is_err() {
                        tracing::error!("the sync task has stopped");
                    }
                }
                Command::Alert(alert) => match &alerts {
                    Some(runner) => runner.run(*alert),
                    None => tracing::debug!("an alert with no alert command: {}", alert.summary()),
                },
                // No terminal to ring: the log says it.
                Command::Notify(n) => tracing::info!("{}: {}", n.title, n.body),
                // Asked for only by keys, and there are none here.
                Command::Copy(_) | Command::SaveSearches(_) | Command::Quit => {}
            }
        }
        if let Some(m) = &outlets.metrics {
            m.send_replace(Arc::new(app.health()));
        }
    }
}
