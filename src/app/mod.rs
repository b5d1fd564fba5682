//! The app state: the only owner of what conftop knows and shows.
//!
//! [`update`] is a pure function of (state, event, now): no I/O, no awaits, no clock reads.
//! What it wants done (refresh, remove, quit) comes back as [`Command`]s for the event loop.

pub mod freshness;
pub mod keys;
pub mod kiosk;
pub mod layout;
pub mod model;
pub mod view;

use std::collections::HashSet;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use crate::api::{ConferencecallStatus, ErrorKind};
use crate::ids::IdMap;
use crate::sync::{self, RemovalOutcome, Snapshot, SyncEvent};
use crate::text::{sanitize, short_id};
use crate::verdict::Verdict;

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
}

impl AppConfig {
    pub fn new(mode: Mode, host: impl Into<String>, interval: Duration) -> AppConfig {
        AppConfig {
            mode,
            host: host.into(),
            interval,
            stale: StaleRules::new(interval, crate::settings::defaults::NO_DATA_AFTER),
            thresholds: Thresholds::default(),
            rotate: SignedDuration::try_from(crate::settings::defaults::ROTATE)
                .unwrap_or(SignedDuration::MAX),
            linger: SignedDuration::from_secs(5),
            highlight: SignedDuration::from_secs(3),
            audit_path: None,
            tz: TimeZone::UTC,
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
}

/// What the app asks the event loop to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Sync(sync::SyncCommand),
    Quit,
}

/// The selected line, pinned to what it shows rather than to a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    Group(Uuid),
    Participant(Uuid),
}

/// A dialog button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    Cancel,
    Remove,
}

/// The removal confirmation: it names its target, pinned when it opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub participant: Uuid,
    pub conference: Uuid,
    pub caller: String,
    pub number: String,
    pub short_id: String,
    pub conference_name: String,
    pub focus: Button,
}

impl Confirm {
    /// The participant in words: caller and number, as far as known.
    pub fn who(&self) -> String {
        if self.number.is_empty() {
            self.caller.clone()
        } else {
            format!("{} {}", self.caller, self.number)
        }
    }
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

/// The whole state.
#[derive(Debug)]
pub struct AppState {
    pub cfg: AppConfig,
    pub keys: KeyTable,
    pub now: Timestamp,
    pub size: (u16, u16),
    pub conn: Connection,
    /// Whether the sync task has scanned all history within the horizon (until then, an old
    /// participant of a room no list shows may still be missing).
    pub history_complete: bool,
    pub customer: Option<(Uuid, String)>,
    pub participants: IdMap<Participant>,
    pub conferences: IdMap<Conference>,
    pub callers: IdMap<Caller>,
    pub view: View,
    pub selection: Option<Selection>,
    /// The selected row's index, to fall back on when the selected thing disappears.
    pub cursor: usize,
    pub scroll: usize,
    pub filter: String,
    pub filter_editing: bool,
    pub sort: SortMode,
    pub collapsed: HashSet<Uuid>,
    pub overlay: Overlay,
    /// The participant the detail pane was opened on.
    detail_for: Option<Uuid>,
    /// Lines of the help scrolled past.
    pub help_scroll: usize,
    /// Participants with a removal sent and not yet answered.
    pub pending: HashSet<Uuid>,
    pub toast: Option<Toast>,
    pub kiosk_page: usize,
    /// Kiosk pages for the current view and size, laid out when the view changes (never per
    /// frame).
    pub pages: Vec<kiosk::Page>,
    page_started: Timestamp,
    snapshots: u64,
    /// How many times the view was rebuilt (it should not be, when nothing changed).
    pub rebuilds: u64,
    visible_sent: Vec<Uuid>,
    dirty: bool,
}

impl AppState {
    pub fn new(cfg: AppConfig, now: Timestamp, size: (u16, u16)) -> AppState {
        let keys = match cfg.mode {
            Mode::Kiosk => KeyTable::empty(),
            Mode::Interactive { read_only } => KeyTable::new(read_only),
        };
        AppState {
            keys,
            now,
            size,
            conn: Connection::default(),
            history_complete: false,
            customer: None,
            participants: IdMap::default(),
            conferences: IdMap::default(),
            callers: IdMap::default(),
            view: View::default(),
            selection: None,
            cursor: 0,
            scroll: 0,
            filter: String::new(),
            filter_editing: false,
            sort: match cfg.mode {
                Mode::Kiosk => SortMode::Trouble,
                _ => SortMode::default(),
            },
            collapsed: HashSet::new(),
            overlay: Overlay::None,
            detail_for: None,
            help_scroll: 0,
            pending: HashSet::new(),
            toast: None,
            kiosk_page: 0,
            pages: Vec::new(),
            page_started: now,
            snapshots: 0,
            rebuilds: 0,
            visible_sent: Vec::new(),
            dirty: true,
            cfg,
        }
    }

    /// Whether something on screen changed since the last call; clears the flag.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    pub fn freshness(&self) -> Freshness {
        self.cfg.stale.judge(&self.conn, self.now)
    }

    /// Lines of the help overlay. The UI lays out exactly these (a screen test keeps the two
    /// in step): "Keys" and a line per binding, a blank, the badge legend under its title, a
    /// blank, the thresholds, the sort orders, the staleness rules, and the read-only or
    /// audit-log line.
    pub fn help_lines(&self) -> usize {
        let keys =
            self.keys.bindings(Context::List).count() + self.keys.bindings(Context::Dialog).count();
        let last = usize::from(self.cfg.mode.read_only() || self.cfg.audit_path.is_some());
        1 + keys + 1 + 1 + HELP_LEGEND_LINES + 1 + 3 + last
    }

    /// How far the help can scroll: until its last line is at the bottom.
    fn help_scroll_max(&self) -> usize {
        let body = self
            .size
            .1
            .saturating_sub(layout::HEADER_HEIGHT + layout::FOOTER_HEIGHT);
        // The help's box borders take two lines.
        self.help_lines()
            .saturating_sub(body.saturating_sub(2) as usize)
    }

    /// Whether the rows are off the screen (no data yet, or withdrawn as too old to trust):
    /// then nothing may be selected, opened or removed from them.
    pub fn withdrawn(&self) -> bool {
        matches!(
            self.freshness(),
            Freshness::NoData { .. } | Freshness::Connecting
        )
    }

    /// The selected participant, if a participant row is selected.
    pub fn selected_participant(&self) -> Option<&Participant> {
        match self.selection? {
            Selection::Participant(id) => self.participants.get(&id),
            Selection::Group(_) => None,
        }
    }

    pub fn caller_of(&self, p: &Participant) -> Option<&Caller> {
        p.call_id.and_then(|c| self.callers.get(&c))
    }

    /// A room's display name: its name, else its type and short id.
    pub fn conference_label(&self, id: &Uuid) -> String {
        match self.conferences.get(id) {
            Some(r) if !r.name.is_empty() => r.name.clone(),
            Some(r) if !r.kind.as_str().is_empty() => {
                format!("{} {}", r.kind.as_str(), short_id(id))
            }
            _ => format!("room {}", short_id(id)),
        }
    }

    /// Rows the interactive list can show.
    pub fn list_height(&self) -> usize {
        layout::list_height(self.size.1).max(1)
    }

    fn selected_row(&self) -> Option<usize> {
        match self.selection? {
            Selection::Participant(id) => self.view.row_of.get(&id).copied(),
            Selection::Group(conference) => self
                .view
                .groups
                .iter()
                .position(|g| g.conference == conference)
                .map(|gi| self.view.group_rows[gi]),
        }
    }

    fn select_row(&mut self, row: usize) {
        let Some(last) = self.view.rows.len().checked_sub(1) else {
            self.selection = None;
            self.cursor = 0;
            return;
        };
        let row = row.min(last);
        self.cursor = row;
        self.selection = Some(match self.view.rows[row] {
            Row::Group(gi) => Selection::Group(self.view.groups[gi].conference),
            Row::Participant(_, id) => Selection::Participant(id),
        });
        self.ensure_visible();
        self.dirty = true;
    }

    fn ensure_visible(&mut self) {
        let h = self.list_height();
        let row = self.cursor;
        if row < self.scroll {
            self.scroll = row;
        } else if row >= self.scroll + h {
            self.scroll = row + 1 - h;
        }
        self.scroll = self.scroll.min(self.view.rows.len().saturating_sub(h));
    }

    /// Rebuilds the derived view and keeps the selection on the same thing (or, if it is
    /// gone, on the row where it was).
    fn rebuild(&mut self) {
        self.rebuilds += 1;
        self.view = view::build(&view::Inputs {
            participants: &self.participants,
            conferences: &self.conferences,
            callers: &self.callers,
            filter: &self.filter,
            sort: self.sort,
            collapsed: &self.collapsed,
            now: self.now,
            thresholds: self.cfg.thresholds,
        });
        match self.selected_row() {
            Some(row) => {
                self.cursor = row;
                self.ensure_visible();
            }
            None if self.view.rows.is_empty() => {
                self.selection = None;
                self.scroll = 0;
            }
            None => {
                // Keep a fresh start on the first participant rather than a header.
                let row = if self.selection.is_none() {
                    self.view
                        .rows
                        .iter()
                        .position(|r| matches!(r, Row::Participant(..)))
                        .unwrap_or(0)
                } else {
                    self.cursor
                };
                self.select_row(row);
            }
        }
        self.update_pages();
        self.dirty = true;
    }

    fn update_pages(&mut self) {
        if self.cfg.mode != Mode::Kiosk {
            return;
        }
        let (cols, _, height) = layout::kiosk_body(self.size.0, self.size.1);
        self.pages = kiosk::paginate(&self.view, cols, height);
        if self.kiosk_page >= self.kiosk_pages() {
            self.kiosk_page = 0;
        }
    }

    /// How many kiosk pages there are (at least one).
    pub fn kiosk_pages(&self) -> usize {
        self.pages.len().max(1)
    }

    fn toast(&mut self, level: Level, text: String) {
        let secs = if level == Level::Error { 10 } else { 6 };
        self.toast = Some(Toast {
            text,
            level,
            until: self.now + SignedDuration::from_secs(secs),
        });
        self.dirty = true;
    }

    /// Call ids of the rows on screen, so the sync task looks those up first.
    fn visible_calls(&self) -> Vec<Uuid> {
        let h = self.list_height();
        self.view
            .rows
            .iter()
            .skip(self.scroll)
            .take(h)
            .filter_map(|r| match r {
                Row::Participant(_, id) => self.participants.get(id).and_then(|p| p.call_id),
                Row::Group(_) => None,
            })
            .filter(|c| !self.callers.contains_key(c))
            .collect()
    }

    fn report_visible(&mut self, out: &mut Vec<Command>) {
        let visible = self.visible_calls();
        if visible != self.visible_sent {
            self.visible_sent = visible.clone();
            if !visible.is_empty() {
                out.push(Command::Sync(sync::SyncCommand::Visible(visible)));
            }
        }
    }
}

/// Applies one event at instant `now`; returns what the event loop should do.
pub fn update(s: &mut AppState, event: Event, now: Timestamp) -> Vec<Command> {
    s.now = now;
    let mut out = Vec::new();
    match event {
        Event::Tick => on_tick(s),
        Event::Resize(w, h) => {
            s.size = (w, h);
            // Scroll no further than the selection needs: a taller screen shows what is above.
            s.scroll = s.scroll.min((s.cursor + 1).saturating_sub(s.list_height()));
            s.ensure_visible();
            s.update_pages();
            s.dirty = true;
        }
        Event::Key(key) => on_key(s, key, &mut out),
        Event::Sync(ev) => on_sync(s, ev),
    }
    close_outdated_overlays(s);
    s.report_visible(&mut out);
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
        Overlay::Confirm(_) if withdrawn => {
            s.overlay = Overlay::None;
            s.toast(
                Level::Warn,
                "No data on screen: the removal dialog was closed and nothing was sent".to_owned(),
            );
        }
        Overlay::Detail if withdrawn || s.selected_participant().map(|p| p.id) != s.detail_for => {
            s.overlay = Overlay::None;
            s.dirty = true;
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
    s.dirty = true;
    if s.toast.as_ref().is_some_and(|t| t.until <= s.now) {
        s.toast = None;
    }
    let linger = s.cfg.linger;
    let now = s.now;
    let before = s.participants.len();
    s.participants
        .retain(|_, p| p.gone_at.is_none_or(|g| now.duration_since(g) < linger));
    let mut changed = s.participants.len() != before;
    if changed {
        let calls: HashSet<Uuid> = s.participants.values().filter_map(|p| p.call_id).collect();
        s.callers.retain(|id, _| calls.contains(id));
        let rooms_in_use: HashSet<Uuid> =
            s.participants.values().map(|p| p.conference_id).collect();
        s.conferences
            .retain(|id, r| rooms_in_use.contains(id) || r.listed);
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
    if s.cfg.mode == Mode::Kiosk && now.duration_since(s.page_started) >= s.cfg.rotate {
        s.kiosk_page = (s.kiosk_page + 1) % s.kiosk_pages();
        s.page_started = now;
    }
}

fn on_sync(s: &mut AppState, ev: SyncEvent) {
    match ev {
        SyncEvent::Refreshing => {
            s.conn.refreshing = true;
        }
        SyncEvent::Customer(c) => {
            s.customer = Some((c.id, sanitize(&c.name, 48)));
            s.dirty = true;
        }
        SyncEvent::Snapshot(snap) => apply_snapshot(s, &snap),
        SyncEvent::Calls(calls) => {
            for call in calls {
                s.callers.insert(call.id, Caller::from_api(&call));
            }
            if s.filter.is_empty() && s.sort != SortMode::Name {
                s.dirty = true;
            } else {
                s.rebuild();
            }
        }
        SyncEvent::Failed { at, error } => {
            s.conn.refreshing = false;
            s.conn.last_error = Some((at, error.describe()));
            s.conn.hint = match error.kind {
                ErrorKind::Unauthenticated => {
                    Some("Check VN_ACCESS_KEY / VOIPBIN_API_KEY, VOIPBIN_TOKEN or the config file.")
                }
                _ => None,
            };
            s.dirty = true;
        }
        SyncEvent::Removal(outcome) => on_removal(s, outcome),
    }
}

fn apply_snapshot(s: &mut AppState, snap: &Snapshot) {
    let now = s.now;
    // Rows of the very first picture are not "new".
    let seen_at = if s.snapshots == 0 {
        now - s.cfg.highlight - SignedDuration::from_secs(1)
    } else {
        now
    };
    s.snapshots += 1;
    // Most refreshes of a quiet system change nothing: then the view is not rebuilt.
    let mut changed = s.snapshots == 1;
    let number = s.snapshots;
    for cc in &snap.participants {
        match s.participants.get_mut(&cc.id) {
            Some(p) => {
                changed |= p.merge(cc, now);
                p.seen = number;
            }
            None => {
                let mut p = Participant::from_api(cc, now);
                p.first_seen = seen_at;
                p.seen = number;
                s.participants.insert(cc.id, p);
                changed = true;
            }
        }
    }
    for p in s.participants.values_mut() {
        if p.gone_at.is_none() && p.seen != number {
            p.gone_at = Some(now);
            changed = true;
        }
    }
    for conf in snap.conferences.values() {
        let mut conference = Conference::from_api(conf);
        conference.listed = true;
        if s.conferences.get(&conf.id) != Some(&conference) {
            s.conferences.insert(conf.id, conference);
            changed = true;
        }
    }
    if s.conferences.len() != snap.conferences.len() {
        let in_use: HashSet<Uuid> = s.participants.values().map(|p| p.conference_id).collect();
        for (id, r) in s.conferences.iter_mut() {
            r.listed = snap.conferences.contains_key(id);
        }
        let before = s.conferences.len();
        s.conferences
            .retain(|id, r| r.listed || in_use.contains(id));
        changed |= s.conferences.len() != before;
    }
    s.conn.last_ok = Some(now);
    s.conn.last_error = None;
    s.conn.hint = None;
    s.conn.refreshing = false;
    s.history_complete = snap.complete;
    if changed {
        s.rebuild();
    } else {
        // "updated 0s ago" changed.
        s.dirty = true;
    }
}

fn on_removal(s: &mut AppState, o: RemovalOutcome) {
    s.pending.remove(&o.participant);
    let who = s
        .participants
        .get(&o.participant)
        .map(|p| describe(s, p))
        .unwrap_or_else(|| short_id(&o.participant));
    let conference = s.conference_label(&o.conference);
    let now = s.now;
    if let Ok(cc) = &o.result
        && let Some(p) = s.participants.get_mut(&o.participant)
    {
        p.merge(cc, now);
    }
    let code = match &o.result {
        Err(e) => e.status.map(|c| format!(" ({c})")).unwrap_or_default(),
        Ok(_) => String::new(),
    };
    let describe = || {
        o.result
            .as_ref()
            .err()
            .map(|e| e.describe())
            .unwrap_or_default()
    };
    let (level, text) = match o.verdict {
        Verdict::Removed => (
            Level::Info,
            format!("Removed {who} from {conference}: leaving"),
        ),
        Verdict::AlreadyLeft => (Level::Info, format!("{who} had already left {conference}")),
        Verdict::Accepted => {
            let status = o
                .result
                .as_ref()
                .map(|cc| cc.status.as_str())
                .unwrap_or("?");
            let status = sanitize(status, 16);
            (
                Level::Warn,
                format!("Removal of {who} answered with status {status:?}"),
            )
        }
        Verdict::Forbidden => (Level::Error, format!("Not permitted to remove {who}{code}")),
        Verdict::Gone => {
            if let Some(p) = s.participants.get_mut(&o.participant) {
                p.gone_at.get_or_insert(now);
            }
            (Level::Warn, format!("{who} was already gone{code}"))
        }
        // An unknown id, or a kick the server could not carry out (API.md §3); the next
        // refresh shows which.
        Verdict::Refused => (
            Level::Warn,
            format!(
                "The server refused to remove {who}{code}: already gone, or the kick failed; watch the row"
            ),
        ),
        Verdict::RateLimited => (
            Level::Warn,
            format!("Rate limited{code}: nothing changed; try again shortly"),
        ),
        Verdict::Unauthenticated => (
            Level::Error,
            format!("Credentials rejected{code}: {who} was not removed"),
        ),
        Verdict::Rejected => (
            Level::Error,
            format!("{who} was not removed{code}: {}", describe()),
        ),
        Verdict::Failed => (
            Level::Error,
            format!("Network error: nothing changed; try again ({})", describe()),
        ),
        Verdict::Unknown => (
            Level::Error,
            format!(
                "No clear answer ({}): {who} may or may not have been removed; watch the row",
                describe()
            ),
        ),
    };
    s.toast(level, text);
    s.rebuild();
}

/// "Alice Smith +15551234567" or the short id when the caller is not known yet.
fn describe(s: &AppState, p: &Participant) -> String {
    match s.caller_of(p) {
        Some(c) if !c.remote().name.is_empty() => {
            format!("{} {}", c.remote().name, c.remote().shown())
        }
        Some(c) if !c.remote().shown().is_empty() => c.remote().shown().to_owned(),
        _ => format!("participant {}", short_id(&p.id)),
    }
}

fn on_key(s: &mut AppState, key: KeyEvent, out: &mut Vec<Command>) {
    if s.cfg.mode == Mode::Kiosk || key.kind == KeyEventKind::Release {
        return;
    }
    let repeat = key.kind == KeyEventKind::Repeat;
    // Too small for the layout, nothing is on screen to act on: only quitting works (even
    // from the filter or a dialog that the message hides).
    if layout::too_small(s.size.0, s.size.1) {
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl_c || s.keys.lookup(Context::List, &key) == Some(Action::Quit) {
            out.push(Command::Quit);
        }
        return;
    }
    if s.filter_editing {
        edit_filter(s, key, out);
        return;
    }
    if let Overlay::Confirm(_) = s.overlay {
        if let Some(action) = s.keys.lookup(Context::Dialog, &key)
            && !repeat
        {
            dialog_action(s, action, out);
        }
        return;
    }
    let Some(action) = s.keys.lookup(Context::List, &key) else {
        return;
    };
    // Held keys move; they never trigger anything else.
    if repeat
        && !matches!(
            action,
            Action::Up | Action::Down | Action::PageUp | Action::PageDown
        )
    {
        return;
    }
    if s.overlay == Overlay::Help {
        // The help scrolls; other keys wait until it is closed.
        let page = s.list_height();
        match action {
            Action::Up => s.help_scroll = s.help_scroll.saturating_sub(1),
            Action::Down => s.help_scroll = (s.help_scroll + 1).min(s.help_scroll_max()),
            Action::PageUp => s.help_scroll = s.help_scroll.saturating_sub(page),
            Action::PageDown => s.help_scroll = (s.help_scroll + page).min(s.help_scroll_max()),
            Action::Top => s.help_scroll = 0,
            Action::Help | Action::Back | Action::Quit => {
                s.help_scroll = 0;
                list_action(s, action, out);
            }
            _ => {}
        }
        s.dirty = true;
        return;
    }
    list_action(s, action, out);
    if s.overlay == Overlay::Detail {
        // The pane follows the selection the user moves.
        s.detail_for = s.selected_participant().map(|p| p.id);
    }
}

/// Entries of the badge legend in the help (one per status, and one for unknown ones).
const HELP_LEGEND_LINES: usize = 5;

fn edit_filter(s: &mut AppState, key: KeyEvent, out: &mut Vec<Command>) {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('c') if ctrl => out.push(Command::Quit),
        KeyCode::Char('u') if ctrl => s.filter.clear(),
        KeyCode::Char(c) if !ctrl && !c.is_control() => {
            if s.filter.chars().count() < 64 {
                s.filter.push(c);
            }
        }
        KeyCode::Backspace => {
            s.filter.pop();
        }
        KeyCode::Enter => s.filter_editing = false,
        KeyCode::Esc => {
            s.filter.clear();
            s.filter_editing = false;
        }
        _ => return,
    }
    s.rebuild();
}

fn list_action(s: &mut AppState, action: Action, out: &mut Vec<Command>) {
    let h = s.list_height();
    let row = s.selected_row().unwrap_or(s.cursor);
    match action {
        Action::Up => s.select_row(row.saturating_sub(1)),
        Action::Down => s.select_row(row + 1),
        Action::PageUp => s.select_row(row.saturating_sub(h)),
        Action::PageDown => s.select_row(row + h),
        Action::Top => s.select_row(0),
        Action::Bottom => s.select_row(usize::MAX),
        Action::NextGroup => {
            if let Some(&next) = s.view.group_rows.iter().find(|&&r| r > row) {
                s.select_row(next);
            }
        }
        Action::PrevGroup => {
            let current = s.view.group_rows.iter().rev().find(|&&r| r <= row).copied();
            let target = match current {
                Some(c) if c < row => Some(c),
                _ => s.view.group_rows.iter().rev().find(|&&r| r < row).copied(),
            };
            if let Some(t) = target {
                s.select_row(t);
            }
        }
        Action::Open => match s.selection {
            Some(Selection::Group(conference)) => toggle_fold(s, conference),
            Some(Selection::Participant(_)) if s.withdrawn() => {
                s.toast(
                    Level::Warn,
                    "No data on screen: nothing to show until the API answers".to_owned(),
                );
            }
            Some(Selection::Participant(id)) => {
                s.overlay = if s.overlay == Overlay::Detail {
                    Overlay::None
                } else {
                    s.detail_for = Some(id);
                    Overlay::Detail
                };
                s.dirty = true;
            }
            None => {}
        },
        Action::Collapse => {
            let conference = match s.selection {
                Some(Selection::Group(conference)) => Some(conference),
                Some(Selection::Participant(id)) => {
                    s.participants.get(&id).map(|p| p.conference_id)
                }
                None => None,
            };
            if let Some(conference) = conference {
                toggle_fold(s, conference);
            }
        }
        Action::Filter => {
            s.filter_editing = true;
            s.dirty = true;
        }
        Action::Sort => {
            s.sort = s.sort.next();
            s.rebuild();
            s.toast(Level::Info, format!("Sorted by {}", s.sort.label()));
        }
        Action::Refresh => {
            out.push(Command::Sync(sync::SyncCommand::RefreshNow));
            s.toast(Level::Info, "Refreshing…".to_owned());
        }
        Action::Remove => open_confirm(s),
        Action::Help => {
            s.overlay = if s.overlay == Overlay::Help {
                Overlay::None
            } else {
                Overlay::Help
            };
            s.dirty = true;
        }
        Action::Back => {
            if s.overlay != Overlay::None {
                s.overlay = Overlay::None;
                s.dirty = true;
            } else if !s.filter.is_empty() {
                s.filter.clear();
                s.rebuild();
            }
        }
        Action::Quit => out.push(Command::Quit),
        Action::Confirm | Action::Cancel | Action::SwitchButton | Action::Activate => {}
    }
}

fn toggle_fold(s: &mut AppState, conference: Uuid) {
    if !s.collapsed.remove(&conference) {
        s.collapsed.insert(conference);
    }
    s.selection = Some(Selection::Group(conference));
    s.rebuild();
}

fn open_confirm(s: &mut AppState) {
    if s.cfg.mode.read_only() {
        return;
    }
    if s.withdrawn() {
        s.toast(
            Level::Warn,
            "No data on screen: nothing to remove until the API answers".to_owned(),
        );
        return;
    }
    let Some(p) = s.selected_participant() else {
        s.toast(Level::Warn, "Select a participant to remove".to_owned());
        return;
    };
    let who = describe(s, p);
    if s.pending.contains(&p.id) {
        s.toast(
            Level::Warn,
            format!("Removal of {who} is already under way"),
        );
        return;
    }
    if !p.removable() {
        let state = match p.shown_status() {
            ConferencecallStatus::Leaving => "already leaving",
            ConferencecallStatus::Leaved => "already gone",
            _ => "not in a state that can be removed",
        };
        s.toast(Level::Warn, format!("{who} is {state}"));
        return;
    }
    let caller = s.caller_of(p);
    let confirm = Confirm {
        participant: p.id,
        conference: p.conference_id,
        caller: caller
            .map(|c| c.remote().name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "unknown caller".to_owned()),
        number: caller
            .map(|c| c.remote().shown().to_owned())
            .unwrap_or_default(),
        short_id: short_id(&p.id),
        conference_name: s.conference_label(&p.conference_id),
        focus: Button::Cancel,
    };
    s.overlay = Overlay::Confirm(confirm);
    s.dirty = true;
}

fn dialog_action(s: &mut AppState, action: Action, out: &mut Vec<Command>) {
    let Overlay::Confirm(c) = &mut s.overlay else {
        return;
    };
    match action {
        Action::SwitchButton => {
            c.focus = match c.focus {
                Button::Cancel => Button::Remove,
                Button::Remove => Button::Cancel,
            };
            s.dirty = true;
        }
        Action::Cancel => {
            s.overlay = Overlay::None;
            s.dirty = true;
        }
        Action::Confirm => send_removal(s, out),
        Action::Activate => match c.focus {
            Button::Remove => send_removal(s, out),
            Button::Cancel => {
                s.overlay = Overlay::None;
                s.dirty = true;
            }
        },
        _ => {}
    }
}

/// Sends exactly one removal for the participant pinned when the dialog opened.
fn send_removal(s: &mut AppState, out: &mut Vec<Command>) {
    let Overlay::Confirm(c) = std::mem::take(&mut s.overlay) else {
        return;
    };
    if s.cfg.mode.read_only() || !s.pending.insert(c.participant) {
        return;
    }
    out.push(Command::Sync(sync::SyncCommand::Remove {
        participant: c.participant,
        conference: c.conference,
    }));
    s.toast(
        Level::Info,
        format!("Removing {} from {}…", c.who(), c.conference_name),
    );
}

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
