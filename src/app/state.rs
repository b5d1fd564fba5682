//! The app state's own helpers: selection, scrolling, rebuilding the view, pages, messages.

use super::*;

impl AppState {
    pub fn new(cfg: AppConfig, now: Timestamp, size: (u16, u16)) -> AppState {
        // A warning printed before the screen started is hidden by it: say it here too.
        let toast = cfg.warnings.first().map(|w| Toast {
            text: w.clone(),
            level: Level::Warn,
            until: now + SignedDuration::from_secs(20),
        });
        let keys = match cfg.mode {
            Mode::Kiosk | Mode::Headless => KeyTable::empty(),
            Mode::Interactive { read_only } => KeyTable::new(read_only),
        };
        AppState {
            keys,
            now,
            size,
            sync: SyncStatus::default(),
            participants: IdMap::default(),
            conferences: IdMap::default(),
            callers: IdMap::default(),
            callers_unclaimed: IdMap::default(),
            view: View::default(),
            selection: None,
            cursor: 0,
            scroll: 0,
            filter: String::new(),
            filter_editing: false,
            searches: super::history::SearchHistory::new(cfg.searches.iter().cloned()),
            last_click: None,
            only: None,
            sort: match cfg.mode {
                Mode::Kiosk | Mode::Headless => SortMode::Trouble,
                _ => SortMode::default(),
            },
            collapsed: HashSet::new(),
            overlay: Overlay::None,
            detail_for: None,
            overlay_scroll: 0,
            acting: Default::default(),
            touched: false,
            toast,
            departures: Vec::new(),
            trend: trend::Trend::default(),
            alerts: alerts::Alerts::default(),
            watches: cfg
                .watches
                .iter()
                .map(|w| watch::Watching {
                    watch: w.clone(),
                    since: now,
                })
                .collect(),
            watch_seen: Default::default(),
            verdicts: IdMap::default(),
            acted: Default::default(),
            kiosk: super::kiosk::Pager::new(now),
            snapshots: 0,
            rebuilds: 0,
            told: Told::default(),
            burst: burst::Burst::default(),
            cfg,
        }
    }

    /// Takes this second into the trend: who is live, while the data is (stale data is a gap).
    pub(super) fn sample_trend(&mut self) {
        if !matches!(self.freshness(), Freshness::Live { .. }) || self.snapshots == 0 {
            self.trend.pass(self.now);
            return;
        }
        let by_conference = self.present_by_conference();
        let live = by_conference.values().sum();
        self.trend.sample(self.now, live, &by_conference);
    }

    /// Who is in each conference now, whatever the filter shows (the view's counts are of what
    /// it shows).
    pub fn present_by_conference(&self) -> std::collections::HashMap<Uuid, u32> {
        let mut present = std::collections::HashMap::new();
        for p in self.participants.values() {
            if p.gone_at.is_none() && p.status.is_live() {
                *present.entry(p.conference_id).or_insert(0) += 1;
            }
        }
        present
    }

    /// Whether this action on this participant was sent and is not answered yet.
    pub fn acting_on(&self, action: ActionKind, participant: Uuid) -> bool {
        self.acting.contains_key(&(action, participant))
    }

    /// The action in flight on a participant, if any (one at a time).
    pub fn action_on(&self, participant: Uuid) -> Option<ActionKind> {
        self.acting
            .keys()
            .find(|(_, p)| *p == participant)
            .map(|(a, _)| *a)
    }

    /// When the event loop should send [`Event::Wake`]: a held key acts then.
    pub fn deadline(&self) -> Option<Timestamp> {
        self.burst.deadline()
    }

    pub fn freshness(&self) -> Freshness {
        self.stale_rules().judge(&self.sync.conn, self.now)
    }

    /// The note that refreshes fail (`503`), while live: at once from the first failure,
    /// and held for as long as data takes to turn stale, so it does not flicker.
    pub fn retrying(&self) -> Option<&str> {
        self.sync
            .conn
            .retrying(self.now, self.stale_rules().stale_after)
    }

    /// When the data turns stale: later while push is healthy, as polls come less often.
    pub fn stale_rules(&self) -> StaleRules {
        match &self.sync.channel {
            Some(Channel::Push { poll }) => self.cfg.stale.with_period(*poll),
            _ => self.cfg.stale,
        }
    }

    /// What an action's audit line says of where and whom, in words already sanitised.
    pub(super) fn subject(
        &self,
        conference_name: String,
        caller_name: String,
        caller_number: String,
    ) -> crate::audit::Subject {
        crate::audit::Subject {
            api_host: self.cfg.host.clone(),
            customer_id: self.sync.customer.as_ref().map(|(id, _)| *id),
            conference_name,
            caller_name,
            caller_number,
        }
    }

    /// The request rate, when it is below the ceiling because the API answered 429.
    pub fn rate_cut(&self) -> Option<sync::budget::Rate> {
        self.sync
            .rate
            .filter(|r| r.cuts > 0 && r.per_second < r.ceiling * 0.95)
    }

    /// The instant the data on screen describes: now while it is live; the last good refresh
    /// once it is stale or withdrawn, so counters derived from it stop instead of counting on
    /// old data.
    pub fn data_now(&self) -> Timestamp {
        match self.freshness() {
            Freshness::Stale { last_ok }
            | Freshness::NoData {
                since: Some(last_ok),
                ..
            } => last_ok.min(self.now),
            _ => self.now,
        }
    }

    /// How long a participant has been (or was, until it left) in its conference; `None`
    /// until its own record says when it joined.
    pub fn in_conference(&self, p: &Participant) -> Option<SignedDuration> {
        let since = p.tm_create?;
        let end = p.gone_at.unwrap_or_else(|| self.data_now());
        Some(end.duration_since(since).max(SignedDuration::ZERO))
    }

    /// How long a participant has been stuck joining or leaving, as of [`Self::data_now`].
    pub fn stuck(&self, p: &Participant) -> Option<SignedDuration> {
        Thresholds::stuck_for(p, self.data_now())
    }

    /// The longest one of a conference's members (as the view groups them) is stuck, as of
    /// [`Self::data_now`]; zero when nobody is.
    pub fn group_stuck(&self, members: &[Uuid]) -> SignedDuration {
        members
            .iter()
            .filter_map(|id| self.participants.get(id))
            .filter_map(|p| self.stuck(p))
            .max()
            .unwrap_or_default()
    }

    /// The longest anyone shown is stuck, as of [`Self::data_now`].
    pub fn worst_stuck(&self) -> Option<SignedDuration> {
        let at = self.data_now();
        if at == self.now {
            return self.view.worst_stuck;
        }
        self.participants
            .values()
            .filter_map(|p| Thresholds::stuck_for(p, at))
            .max()
    }

    /// Whether VoIPbin is pushing changes (rather than conftop only polling).
    pub fn pushing(&self) -> bool {
        matches!(self.sync.channel, Some(Channel::Push { .. }))
    }

    /// Lines of the help as its box shows them at this size (long ones wrapped).
    pub fn help_lines(&self) -> usize {
        help::wrapped(self, self.help_width()).len()
    }

    /// Cells inside the help's box: at most 92 wide, less its borders.
    pub fn help_width(&self) -> u16 {
        self.size.0.min(layout::HELP_BOX).saturating_sub(2)
    }

    /// Whether the open overlay is one that scrolls (the help, the departures).
    pub fn overlay_scrolls(&self) -> bool {
        matches!(self.overlay, Overlay::Help | Overlay::Departures)
    }

    /// Whether a key's action works with the overlay open: one that scrolls takes its
    /// scrolling, closing and switching keys (and, the departures, `/`: they are searched as
    /// the list is); the rest wait until it is closed.
    pub fn overlay_allows(&self, action: Action) -> bool {
        use Action::*;
        if !self.overlay_scrolls() {
            return true;
        }
        let scrolling = matches!(
            action,
            Up | Down | PageUp | PageDown | Top | Bottom | Help | Departures | Back | Quit
        );
        scrolling || (action == Filter && self.overlay == Overlay::Departures)
    }

    /// Whether the footer should offer an action now: it works with what is open, and it has
    /// something to act on (without data on screen there is no row to open, find or remove).
    pub fn offers(&self, action: Action) -> bool {
        use Action::*;
        if !self.overlay_allows(action) {
            return false;
        }
        match action {
            // The pane is open already; Enter would close it, as Esc says.
            Open if self.overlay == Overlay::Detail => false,
            // Without a filter there is no match to go to.
            NextMatch | PrevMatch if self.filter.is_empty() => false,
            Open | Filter | NextMatch | PrevMatch | Sort | Remove | Mute | NextTrouble
            | OnlyStatus | FoldAll | Copy | NextGroup | PrevGroup | Collapse | Up | Down
            | PageUp | PageDown | Top | Bottom => !self.withdrawn(),
            _ => true,
        }
    }

    /// How far the open overlay can scroll: until its last line is at the bottom.
    pub(super) fn overlay_scroll_max(&self) -> usize {
        let lines = match self.overlay {
            Overlay::Help => self.help_lines(),
            Overlay::Departures => self.departures_shown().len(),
            _ => return 0,
        };
        lines.saturating_sub(self.overlay_height())
    }

    /// Lines of the open overlay scrolled past, within what it can scroll now (the departures
    /// may have shrunk under a filter since it last moved).
    pub fn overlay_scroll_now(&self) -> usize {
        self.overlay_scroll.min(self.overlay_scroll_max())
    }

    /// Lines inside an overlay's box (the body less its two borders).
    pub fn overlay_height(&self) -> usize {
        self.size
            .1
            .saturating_sub(layout::HEADER_HEIGHT + layout::FOOTER_HEIGHT + 2) as usize
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

    /// The caller of a participant, by its id.
    pub fn caller_of_id(&self, id: Uuid) -> Option<&Caller> {
        self.participants.get(&id).and_then(|p| self.caller_of(p))
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

    pub(super) fn selected_row(&self) -> Option<usize> {
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

    pub(super) fn select_row(&mut self, row: usize) {
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
    }

    /// Whether the list, scrolled to `scroll`, starts inside a room: then that room's header
    /// stays on the top line (sticky) and one row fewer fits below it.
    pub fn sticky_at(&self, scroll: usize) -> Option<usize> {
        match self.view.rows.get(scroll) {
            Some(Row::Participant(gi, _)) => Some(*gi),
            _ => None,
        }
    }

    /// Rows shown below the sticky header (if any) at a scroll position.
    pub fn rows_fitting(&self, scroll: usize) -> usize {
        let h = self.list_height();
        if self.sticky_at(scroll).is_some() {
            h.saturating_sub(1).max(1)
        } else {
            h
        }
    }

    pub(super) fn ensure_visible(&mut self) {
        let h = self.list_height();
        let row = self.cursor;
        let len = self.view.rows.len();
        // The furthest scroll that still fills the screen (the last row at the bottom).
        let mut max = len.saturating_sub(h);
        if max < len && self.sticky_at(max).is_some() && max + self.rows_fitting(max) < len {
            max += 1;
        }
        if row < self.scroll {
            self.scroll = row;
        } else if row >= self.scroll + self.rows_fitting(self.scroll) {
            self.scroll = row + 1 - h;
            if row >= self.scroll + self.rows_fitting(self.scroll) {
                self.scroll += 1;
            }
        }
        self.scroll = self.scroll.min(max);
    }

    /// Selects a room's header and scrolls so its rows show below it.
    pub(super) fn select_group_row(&mut self, row: usize) {
        self.select_row(row);
        let h = self.list_height();
        let max = self.view.rows.len().saturating_sub(h);
        if self.scroll < row {
            self.scroll = row.min(max.max(self.scroll));
        }
    }

    /// Rebuilds the derived view and keeps the selection on the same thing (or, if it is
    /// gone, on the row where it was).
    pub(super) fn rebuild(&mut self) {
        self.rebuilds += 1;
        self.view = view::build(&view::Inputs {
            participants: &self.participants,
            conferences: &self.conferences,
            callers: &self.callers,
            filter: &self.filter,
            region: self.cfg.region,
            sort: self.sort,
            collapsed: &self.collapsed,
            only: self.only.as_ref(),
            now: self.now,
            thresholds: self.cfg.thresholds,
            settled: self.sync.loading.is_none(),
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
    }

    pub(super) fn update_pages(&mut self) {
        if self.cfg.mode != Mode::Kiosk {
            return;
        }
        let (cols, _, height) = layout::kiosk_body(self.size.0, self.size.1);
        self.kiosk.pages = kiosk::paginate(&self.view, cols, height);
        if self.kiosk.page >= self.kiosk_pages() {
            self.kiosk.page = 0;
        }
        // A count never below the page shown; else it waits for the next turn.
        if self.kiosk.count <= self.kiosk.page || self.kiosk.count == 1 {
            self.kiosk.count = self.kiosk_pages();
        }
    }

    /// The page count to show: the one taken when a page turned ([`kiosk::Pager::count`]), but
    /// never fewer than the page shown.
    pub fn kiosk_count_shown(&self) -> usize {
        self.kiosk.count.max(self.kiosk.page + 1)
    }

    /// How many kiosk pages there are (at least one).
    pub fn kiosk_pages(&self) -> usize {
        self.kiosk.pages.len().max(1)
    }

    /// A toast no key asked for (a watch's notice, which rings and notifies as well): it
    /// does not hide a warning shown in the last few seconds, such as why a dialog closed.
    pub(super) fn toast_unasked(&mut self, level: Level, text: String) {
        const KEEP: SignedDuration = SignedDuration::from_secs(3);
        let warned = self.toast.as_ref().is_some_and(|t| {
            t.level != Level::Info && level == Level::Info && t.until - self.now > SHOWN - KEEP
        });
        if !warned {
            self.toast(level, text);
        }
    }

    pub(super) fn toast(&mut self, level: Level, text: String) {
        let shown = if level == Level::Error {
            SignedDuration::from_secs(10)
        } else {
            SHOWN
        };
        self.toast = Some(Toast {
            text,
            level,
            until: self.now + shown,
        });
    }
}

/// How long a toast other than an error stays.
const SHOWN: SignedDuration = SignedDuration::from_secs(6);
