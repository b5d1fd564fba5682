//! The app state: the only owner of what conftop knows and shows.
//!
//! [`update`] is a pure function of (state, event, now): no I/O, no awaits, no clock reads.
//! What it wants done (refresh, remove, quit) comes back as [`Command`]s for the event loop.

pub mod burst;
pub mod departures;
pub mod freshness;
pub mod help;
pub mod history;
pub mod keys;
pub mod kiosk;
pub mod layout;

pub use crate::domain::{model, search, status, view};

pub mod alerts;
mod apply;
mod callers;
mod confirm;
pub mod copy;
pub mod health;
mod input;
pub mod mouse;
pub mod mute;
mod outcome;
mod seek;
mod state;
pub mod trend;
mod wanted;
pub mod watch;

pub use confirm::{Button, Confirm};

use apply::{describe, on_sync};
use confirm::{dialog_action, open_confirm};
use input::{on_key, on_paste};

use std::collections::HashSet;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use crate::api::{ConferencecallStatus, ErrorKind};
use crate::ids::IdMap;
use crate::sync::{self, Channel, Snapshot, SyncEvent};
use crate::text::{sanitize, short_id};
use crate::verdict::{ActionKind, Verdict};

use freshness::{Connection, Freshness, StaleRules};
use keys::{Action, Context, KeyTable};
use model::{Caller, Conference, Participant};
use view::{Row, SortMode, Thresholds, View};

/// How conftop runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Support staff: every key; removal unless read-only.
    Interactive { read_only: bool },
    /// Wall display: read-only, no keys at all, pages rotate.
    Kiosk,
    /// No screen at all (`conftop serve`, `conftop check`): read-only, no keys, and no rows
    /// shown, so no caller is looked up for one.
    Headless,
}

impl Mode {
    pub fn read_only(self) -> bool {
        !matches!(self, Mode::Interactive { read_only: false })
    }
}

/// Settings the app needs; fixed for a run.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub mode: Mode,
    /// API host and port, for the header.
    pub host: String,
    pub interval: Duration,
    pub stale: StaleRules,
    pub thresholds: Thresholds,
    /// Kiosk page rotation period.
    pub rotate: SignedDuration,
    /// How long a row that left stays on screen, marked.
    pub linger: SignedDuration,
    /// How long a new row stays highlighted.
    pub highlight: SignedDuration,
    /// Shown in the help overlay.
    pub audit_path: Option<String>,
    /// For the clock and times of day.
    pub tz: TimeZone,
    /// Running against the built-in simulator (`--demo`): said on screen, so a demo left on a
    /// wall is never taken for real traffic.
    pub demo: bool,
    /// This process's id, for the kiosk's "how to stop it" hint; set by `main`.
    pub pid: Option<u32>,
    /// Where the credential comes from (`VN_ACCESS_KEY`, the config file, a vn profile…),
    /// never the credential.
    pub credential_source: String,
    /// Said before the screen started (e.g. a config file others can read), and again in the
    /// app where they can be seen.
    pub warnings: Vec<String>,
    /// Whose way of writing phone numbers the filter understands (`--region`, the locale).
    pub region: Option<crate::domain::search::Region>,
    /// What the copy toast says of OSC 52 in this terminal ([`copy::clipboard_caveat`]).
    pub clipboard_caveat: &'static str,
    /// Filters kept in earlier sessions, oldest first, and the file they are kept in.
    pub searches: Vec<String>,
    pub searches_file: Option<std::path::PathBuf>,
    /// Whether an alert command is set (`--alert-command`): only then are alerts worked out.
    pub alerts: bool,
    /// Watched from the start (`watch = [...]` in the config file).
    pub watches: Vec<watch::Watch>,
}

impl AppConfig {
    pub fn new(mode: Mode, host: impl Into<String>, interval: Duration) -> AppConfig {
        AppConfig {
            mode,
            host: host.into(),
            interval,
            stale: StaleRules::new(interval, crate::defaults::NO_DATA_AFTER),
            thresholds: Thresholds::default(),
            rotate: SignedDuration::try_from(crate::defaults::ROTATE)
                .unwrap_or(SignedDuration::MAX),
            linger: SignedDuration::from_secs(5),
            highlight: SignedDuration::from_secs(3),
            audit_path: None,
            tz: TimeZone::UTC,
            demo: false,
            pid: None,
            credential_source: String::new(),
            warnings: Vec::new(),
            region: None,
            clipboard_caveat: copy::clipboard_caveat(&|_| None),
            searches: Vec::new(),
            searches_file: None,
            alerts: false,
            watches: Vec::new(),
        }
    }
}

/// What the app hears. (A few of these arrive per second; boxing the large sync variant
/// would buy nothing.)
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Event {
    Key(KeyEvent),
    Sync(SyncEvent),
    /// Once a second: the clock, durations, staleness, rotation, rows leaving.
    Tick,
    Resize(u16, u16),
    /// A key was pressed on a kiosk. It carries no key, so no key can act: the wall only
    /// says for a moment how it is stopped.
    KeyIgnored,
    /// Text pasted into the terminal (bracketed paste): always text, never keys.
    Paste(String),
    /// A click or the wheel (only when mouse capture is on: never on a kiosk).
    Mouse(crossterm::event::MouseEvent),
    /// The moment [`AppState::deadline`] named: a held key acts now.
    Wake,
    /// The alert command failed (in words, sanitised).
    AlertFailed(String),
}

/// What the app asks the event loop to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Sync(sync::SyncCommand),
    /// Put this text on the clipboard (the event loop writes an OSC 52 sequence).
    Copy(String),
    /// Keep these filters (oldest first) for the next start.
    SaveSearches(Vec<String>),
    /// Run the alert command with these facts.
    Alert(Box<alerts::Alert>),
    /// A watch fired: ring the bell, and show a desktop notification where the terminal can.
    Notify(watch::Notice),
    Quit,
}

impl Command {
    /// The action this command performs, and on whom.
    pub fn action(&self) -> Option<(ActionKind, Uuid)> {
        match self {
            Command::Sync(sync::SyncCommand::Act(a)) => Some(a.key()),
            _ => None,
        }
    }

    /// The participant this command removes, if it is a removal.
    pub fn removal(&self) -> Option<Uuid> {
        self.action()
            .filter(|(a, _)| *a == ActionKind::Remove)
            .map(|(_, p)| p)
    }
}

/// The selected line, pinned to what it shows rather than to a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    Group(Uuid),
    Participant(Uuid),
}

/// What covers the list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Overlay {
    #[default]
    None,
    Help,
    /// Details of the selected participant, beside the list.
    Detail,
    Confirm(Confirm),
    /// Who left recently, and how any removal of them ended.
    Departures,
    /// What `c` can copy of the selection.
    Copy(copy::CopyMenu),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// A message in the footer that goes away by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub text: String,
    pub level: Level,
    pub until: Timestamp,
}

/// What the sync task last said of itself and of the picture's reach.
#[derive(Debug, Default)]
pub struct SyncStatus {
    pub conn: Connection,
    /// Whether the sync task has scanned all history within the horizon (until then, an old
    /// participant of a room no list shows may still be missing).
    pub history_complete: bool,
    /// While the background scan of older history goes on: how much of it is done (0–1).
    pub history: Option<f32>,
    /// How far back the picture reaches, and why.
    pub horizon: Option<sync::Horizon>,
    /// While the first picture fills in: participants with details / participants listed.
    pub loading: Option<(usize, usize)>,
    pub customer: Option<(Uuid, String)>,
    /// How changes reach conftop (push or polling, and why); `None` until the sync task says.
    pub channel: Option<Channel>,
    /// The request rate in use, once the API's 429s have cut it.
    pub rate: Option<sync::budget::Rate>,
}

/// What the app last told the sync task it wants, so that it says only what changed.
#[derive(Debug, Default)]
struct Told {
    /// The participants on screen.
    visible: Vec<Uuid>,
    /// Whether every caller is wanted (the first search asks).
    name_everyone: bool,
    /// Whether a search is on.
    searching: bool,
    /// The participant whose record and caller are wanted first.
    inspect: Option<Uuid>,
    /// The rows on screen without a record.
    awaited: Vec<Uuid>,
}

/// The whole state.
#[derive(Debug)]
pub struct AppState {
    pub cfg: AppConfig,
    pub(crate) keys: KeyTable,
    pub now: Timestamp,
    pub size: (u16, u16),
    /// What the sync task last said of itself and of the picture's reach.
    pub sync: SyncStatus,
    pub participants: IdMap<Participant>,
    pub conferences: IdMap<Conference>,
    pub callers: IdMap<Caller>,
    /// Since when no participant has had a caller's call (see [`callers`]).
    callers_unclaimed: IdMap<Timestamp>,
    pub view: View,
    pub(crate) selection: Option<Selection>,
    /// The selected row's index, to fall back on when the selected thing disappears.
    pub(crate) cursor: usize,
    pub scroll: usize,
    pub(crate) filter: String,
    pub(crate) filter_editing: bool,
    /// Filters kept before, for `↑`/`↓` in the search line.
    pub(crate) searches: history::SearchHistory,
    /// The last click, to tell a double click.
    last_click: Option<mouse::Click>,
    /// Only participants in this status are shown, when set (`f` cycles).
    pub(crate) only: Option<ConferencecallStatus>,
    pub(crate) sort: SortMode,
    collapsed: HashSet<Uuid>,
    pub overlay: Overlay,
    /// The participant the detail pane was opened on.
    detail_for: Option<Uuid>,
    /// Lines of the open overlay (the help, the departures) scrolled past.
    overlay_scroll: usize,
    /// Actions sent and not yet answered, with whom they are about in words (for the
    /// answer's message, even if the row is gone by then).
    pub acting: std::collections::HashMap<(ActionKind, Uuid), String>,
    /// Whether any key has been pressed yet.
    touched: bool,

    pub toast: Option<Toast>,
    /// Who left in the last minutes, newest first.
    pub(crate) departures: Vec<departures::Departure>,
    /// The last hour, a bucket a minute.
    pub(crate) trend: trend::Trend,
    /// Troubles on, and the alerts sent about them.
    alerts: alerts::Alerts,
    /// Callers and conferences watched (`w`), and what was last seen of who they match.
    watches: Vec<watch::Watching>,
    watch_seen: std::collections::HashMap<Uuid, watch::Seen>,
    /// Verdicts of removals sent from here, by participant.
    verdicts: IdMap<Verdict>,
    /// Every action's outcome so far, counted by action and verdict (the audit log's words).
    pub(crate) acted: std::collections::BTreeMap<(&'static str, &'static str), u64>,
    /// The wall's pages.
    pub(crate) kiosk: kiosk::Pager,
    snapshots: u64,
    /// How many times the view was rebuilt (it should not be, when nothing changed).
    rebuilds: u64,
    /// What the sync task was last told of what is wanted.
    told: Told,
    /// The recent keys, to tell typed text from commands.
    burst: burst::Burst,
}

/// Applies one event at instant `now`; returns what the event loop should do.
pub fn update(s: &mut AppState, event: Event, now: Timestamp) -> Vec<Command> {
    s.now = now;
    let mut out = Vec::new();
    let tick = matches!(event, Event::Tick);
    match event {
        Event::Tick => on_tick(s),
        Event::Resize(w, h) => {
            s.size = (w, h);
            s.kiosk.count = 1;
            // Scroll no further than the selection needs: a taller screen shows what is above.
            s.scroll = s.scroll.min((s.cursor + 1).saturating_sub(s.list_height()));
            s.ensure_visible();
            s.update_pages();
        }
        Event::Key(key) => on_key(s, key, &mut out),
        Event::KeyIgnored => s.key_ignored(),
        Event::Paste(text) => on_paste(s, &text),
        Event::Mouse(m) => mouse::on_mouse(s, m, &mut out),
        Event::Sync(ev) => on_sync(s, ev),
        Event::Wake => {}
        Event::AlertFailed(why) => s.toast(Level::Warn, why),
    }
    // A held key whose gap passed acts now (a key within the gap saw to it already).
    if let Some(held) = s.burst.due(now) {
        input::act_held(s, held, &mut out);
    }
    close_outdated_overlays(s);
    s.report_visible(&mut out);
    s.report_searching(&mut out);
    s.report_inspect(&mut out);
    // Troubles and watched participants are looked at once a second: an alert or a notice can
    // wait that long, and a key press or a pushed record need not scan every participant.
    if tick {
        s.report_alerts(&mut out);
        s.report_watches(&mut out);
    }
    out
}

/// A pane or dialog about something no longer on screen closes, saying why, rather than
/// quietly showing (or acting on) something else.
fn close_outdated_overlays(s: &mut AppState) {
    let withdrawn = s.withdrawn();
    // A dialog whose participant can no longer be removed (it left, or someone else removed
    // it meanwhile) has nothing left to confirm.
    if let Overlay::Confirm(c) = &s.overlay
        && !withdrawn
        && !s
            .participants
            .get(&c.participant)
            .is_some_and(|p| p.removable())
    {
        let who = c.who();
        s.overlay = Overlay::None;
        s.toast(
            Level::Warn,
            format!("{who} is already leaving or gone: the dialog closed and nothing was sent"),
        );
        return;
    }
    match s.overlay {
        Overlay::Copy(_) if withdrawn => {
            s.overlay = Overlay::None;
        }
        Overlay::Confirm(_) if withdrawn => {
            s.overlay = Overlay::None;
            s.toast(
                Level::Warn,
                "No data on screen: the removal dialog was closed and nothing was sent".to_owned(),
            );
        }
        Overlay::Detail if withdrawn || s.selected_participant().map(|p| p.id) != s.detail_for => {
            s.overlay = Overlay::None;
            if !withdrawn {
                s.toast(
                    Level::Info,
                    "The participant in the detail pane has left the list".to_owned(),
                );
            }
        }
        _ => {}
    }
}

fn on_tick(s: &mut AppState) {
    // The clock and durations change every second.
    s.sample_trend();
    if s.toast.as_ref().is_some_and(|t| t.until <= s.now) {
        s.toast = None;
    }
    let linger = s.cfg.linger;
    let now = s.now;
    let before = s.participants.len();
    s.participants
        .retain(|_, p| p.gone_at.is_none_or(|g| now.duration_since(g) < linger));
    s.prune_departures();
    let mut changed = s.participants.len() != before;
    s.sweep_callers(changed);
    if changed {
        let conferences_in_use: HashSet<Uuid> =
            s.participants.values().map(|p| p.conference_id).collect();
        s.conferences
            .retain(|id, r| conferences_in_use.contains(id) || r.listed);
    }
    // Crossing a trouble threshold may reorder conferences. Only participants in `joining`
    // or `leaving` can cross one with time alone.
    if !changed {
        let th = s.cfg.thresholds;
        let mut levels = vec![view::Trouble::None; s.view.groups.len()];
        let mut worst = None;
        for (gi, id) in &s.view.transitional {
            let stuck = s
                .participants
                .get(id)
                .and_then(|p| Thresholds::stuck_for(p, now));
            levels[*gi] = levels[*gi].max(th.level(stuck));
            worst = worst.max(stuck);
        }
        changed = s
            .view
            .groups
            .iter()
            .zip(&levels)
            .any(|(g, l)| g.trouble != *l);
        s.view.worst_stuck = worst;
    }
    if changed {
        s.rebuild();
    }
    if s.cfg.mode == Mode::Kiosk && now.duration_since(s.kiosk.page_started) >= s.cfg.rotate {
        s.kiosk.page = (s.kiosk.page + 1) % s.kiosk_pages();
        s.kiosk.count = s.kiosk_pages();
        s.kiosk.page_started = now;
    }
}

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
