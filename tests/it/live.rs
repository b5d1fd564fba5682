//! The real sync task feeding the real app rules against the simulator, with real time: the
//! whole of conftop except the terminal.

use std::time::Duration;

use conftop::api::{Client, ClientConfig, Credentials};
use conftop::app::freshness::{Freshness, StaleRules};
use conftop::app::{self, AppConfig, AppState, Command, Event, Mode};
use conftop::sim::Sim;
use conftop::sync::{self, SyncConfig, SyncEvent, SyncHandle};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::{SignedDuration, Timestamp};
use secrecy::SecretString;
use tokio::time::{Instant, timeout};

pub struct Live {
    pub app: AppState,
    pub sync: SyncHandle,
    /// Refreshes started so far.
    pub refreshes: usize,
    /// Removals answered so far.
    pub removals: usize,
    /// Mutes and unmutes answered so far, and how many of them conftop held back unsent.
    pub mutes: usize,
    pub mutes_unsent: usize,
    /// When the last key was pressed, on the app's clock.
    last_key: Option<Timestamp>,
    /// How far the app's clock runs ahead of the wall's: keys paced on the app's clock
    /// ([`Live::pace_keys_on_the_apps_clock`]) move it on instead of waiting.
    skew: SignedDuration,
    paced: bool,
}

/// How long a person pauses between keys they mean one by one (the app tells typed text from
/// commands by such pauses, and mutes or confirms a removal only after a second of them).
const PAUSE: Duration = Duration::from_millis(1100);

pub struct Options {
    pub mode: Mode,
    pub interval: Duration,
    pub no_data_after: Duration,
    pub timeout: Duration,
    pub sync: SyncConfig,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mode: Mode::Interactive { read_only: false },
            interval: Duration::from_secs(1),
            no_data_after: Duration::from_secs(4),
            timeout: Duration::from_secs(2),
            // The fixed budget of earlier versions: these tests are about other things.
            sync: SyncConfig {
                budget: conftop::sync::BudgetConfig::fixed(8.0, 16.0),
                ..SyncConfig::polling_only()
            },
        }
    }
}

impl Live {
    pub fn start(sim: &Sim, o: Options) -> Live {
        let client = Client::new(
            &ClientConfig {
                base_url: sim.base_url(),
                timeout: o.timeout,
                connect_timeout: o.timeout,
                ..ClientConfig::default()
            },
            Credentials::AccessKey(SecretString::from(sim.access_key())),
        )
        .unwrap();
        let sync = sync::spawn(
            client,
            SyncConfig {
                interval: o.interval,
                allow_actions: !o.mode.read_only(),
                ..o.sync
            },
        );
        let mut cfg = AppConfig::new(o.mode, "sim", o.interval);
        cfg.stale = StaleRules::new(o.interval, o.no_data_after);
        Live {
            app: AppState::new(cfg, Timestamp::now(), (120, 40)),
            sync,
            refreshes: 0,
            removals: 0,
            mutes: 0,
            mutes_unsent: 0,
            last_key: None,
            skew: SignedDuration::ZERO,
            paced: false,
        }
    }

    /// Applies one event and forwards the app's commands to the sync task.
    pub async fn apply(&mut self, ev: Event) -> Vec<Command> {
        if let Event::Sync(s) = &ev {
            match s {
                SyncEvent::Refreshing => self.refreshes += 1,
                SyncEvent::Acted(o) if o.action == conftop::verdict::ActionKind::Remove => {
                    self.removals += 1
                }
                SyncEvent::Acted(o) => {
                    self.mutes += 1;
                    if o.error.as_ref().is_some_and(|e| !e.was_sent()) {
                        self.mutes_unsent += 1;
                    }
                }
                _ => {}
            }
        }
        let now = self.now();
        let cmds = app::update(&mut self.app, ev, now);
        for c in &cmds {
            if let Command::Sync(c) = c {
                self.sync.commands.send(c.clone()).await.unwrap();
            }
        }
        cmds
    }

    pub async fn key(&mut self, code: KeyCode) -> Vec<Command> {
        self.key_event(KeyEvent::new(code, KeyModifiers::NONE))
            .await
    }

    /// The app's clock.
    fn now(&self) -> Timestamp {
        Timestamp::now() + self.skew
    }

    /// From now on the pauses between keys pass on the app's clock at once instead of being
    /// waited for, so that thousands of deliberate presses take seconds. The app's clock then
    /// runs ahead of the sync task's, so freshness must not depend on it: the data is never
    /// judged stale.
    pub fn pace_keys_on_the_apps_clock(&mut self) {
        self.paced = true;
        let day = SignedDuration::from_hours(24);
        self.app.cfg.stale = StaleRules {
            stale_after: day * 365,
            no_data_after: day * 365,
        };
    }

    /// Lets `d` pass on the app's clock: waited for, or skipped when paced.
    async fn pass(&mut self, d: SignedDuration) {
        if d.is_positive() {
            if self.paced {
                self.skew += d;
            } else {
                tokio::time::sleep(Duration::try_from(d).unwrap_or_default()).await;
            }
        }
    }

    /// A key pressed as a person presses one: after a pause, then left alone until a held
    /// key has acted. Returns every command it led to.
    pub async fn key_event(&mut self, k: KeyEvent) -> Vec<Command> {
        if let Some(last) = self.last_key {
            let pause = SignedDuration::try_from(PAUSE).unwrap();
            let since = self.now().duration_since(last);
            self.pass(pause - since).await;
        }
        let mut cmds = self.apply(Event::Key(k)).await;
        self.last_key = Some(self.now());
        // A held key, then a mute or a removal waiting out its second.
        while let Some(due) = self.app.deadline() {
            let wait = self.now().duration_until(due);
            self.pass(wait).await;
            cmds.extend(self.apply(Event::Wake).await);
        }
        cmds
    }

    /// Runs for `d`: sync events as they come, a tick every 250 ms.
    pub async fn pump(&mut self, d: Duration) {
        let end = Instant::now() + d;
        while Instant::now() < end {
            let left = end - Instant::now();
            match timeout(
                left.min(Duration::from_millis(250)),
                self.sync.events.recv(),
            )
            .await
            {
                Ok(Some(ev)) => {
                    self.apply(Event::Sync(ev)).await;
                }
                Ok(None) => panic!("the sync task stopped"),
                Err(_) => {
                    self.apply(Event::Tick).await;
                }
            }
        }
        self.apply(Event::Tick).await;
    }

    /// Pumps until `pred` holds; returns how long it took. Fails after `max`.
    pub async fn until(
        &mut self,
        max: Duration,
        what: &str,
        pred: impl Fn(&AppState) -> bool,
    ) -> Duration {
        let t0 = Instant::now();
        while !pred(&self.app) {
            assert!(
                t0.elapsed() < max,
                "{what}: not within {max:?}; freshness {:?}",
                self.app.freshness()
            );
            self.pump(Duration::from_millis(50)).await;
        }
        t0.elapsed()
    }

    /// Pumps until no refresh has started for most of a second and none is running: the
    /// picture is as settled as it gets.
    pub async fn settle(&mut self) {
        let t0 = Instant::now();
        loop {
            let before = self.refreshes;
            self.pump(Duration::from_millis(800)).await;
            if self.refreshes == before && !self.app.sync.conn.refreshing {
                return;
            }
            assert!(t0.elapsed() < Duration::from_secs(30), "never settled");
        }
    }

    pub fn is_live(&self) -> bool {
        matches!(self.app.freshness(), Freshness::Live { .. })
    }

    /// Live participants on screen (not counting rows that already left).
    pub fn shown(&self) -> std::collections::HashSet<uuid::Uuid> {
        self.app
            .participants
            .values()
            .filter(|p| p.gone_at.is_none())
            .map(|p| p.id)
            .collect()
    }
}
