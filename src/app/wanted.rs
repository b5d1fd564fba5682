//! What the app tells the sync task it wants: the callers and records of the rows on screen
//! (or of the wall's page and the next), everyone's during a search, the details pane's.

use super::*;

impl AppState {
    /// Call ids of the rows on screen without a name yet, so the sync task looks those up:
    /// the list's rows, or on a kiosk this page's and the next one's (named before it turns).
    pub(super) fn visible_calls(&self) -> Vec<Uuid> {
        let mut calls: Vec<Uuid> = self
            .shown_rows()
            .iter()
            .filter_map(|id| self.participants.get(id).and_then(|p| p.call_id))
            .collect();
        // The recent departures, while they are open: their callers, for those who left
        // before this session saw them.
        if self.overlay == Overlay::Departures {
            let rows = self.overlay_height();
            let shown = self.departures_shown();
            let scroll = self.overlay_scroll_now();
            calls.extend(
                shown
                    .iter()
                    .skip(scroll)
                    .take(rows)
                    .filter(|d| !d.named)
                    .filter_map(|d| d.call),
            );
        }
        calls.retain(|c| !self.callers.contains_key(c));
        calls
    }

    /// Participants on screen whose own record has not arrived yet (shown from their room's
    /// list alone): the sync task reads those first. Then the rest of such participants in a
    /// room only partly on screen: its rows are its first members by join time, and one
    /// without a record sorts first until it comes, so until they all come, each read moves
    /// another into view and the screen never settles.
    pub(super) fn awaited_rows(&self) -> Vec<Uuid> {
        let unread = |id: &Uuid| self.participants.get(id).is_some_and(|p| !p.record_read());
        let shown = self.shown_rows();
        let mut awaited: Vec<Uuid> = shown.iter().filter(|id| unread(id)).copied().collect();
        let mut listed: HashSet<Uuid> = awaited.iter().copied().collect();
        let mut groups: Vec<usize> = Vec::new();
        for id in &shown {
            let row = self
                .view
                .row_of
                .get(id)
                .and_then(|r| self.view.rows.get(*r));
            if let Some(Row::Participant(gi, _)) = row
                && !groups.contains(gi)
            {
                groups.push(*gi);
            }
        }
        for gi in groups {
            for id in self.view.groups.get(gi).map_or(&[][..], |g| &g.members) {
                if unread(id) && listed.insert(*id) {
                    awaited.push(*id);
                }
            }
        }
        awaited
    }

    /// The participant rows on screen: the list's, or on a kiosk this page's and the next
    /// one's (named before it turns); none without a screen.
    pub(super) fn shown_rows(&self) -> Vec<Uuid> {
        if self.cfg.mode == Mode::Headless {
            return Vec::new();
        }
        if self.cfg.mode == Mode::Kiosk {
            let pages = self.kiosk.pages.len().max(1);
            [self.kiosk.page, (self.kiosk.page + 1) % pages]
                .iter()
                .take(pages.min(2))
                .filter_map(|p| self.kiosk.pages.get(*p))
                .flat_map(|page| page.columns.iter().flatten())
                .filter_map(|placed| {
                    let members = &self.view.groups.get(placed.group)?.members;
                    Some(members.iter().skip(placed.first).take(placed.shown))
                })
                .flatten()
                .copied()
                .collect()
        } else {
            let h = self.list_height();
            self.view
                .rows
                .iter()
                .skip(self.scroll)
                .take(h)
                .filter_map(|r| match r {
                    Row::Participant(_, id) => Some(*id),
                    Row::Group(_) => None,
                })
                .collect()
        }
    }

    /// Callers named so far, of every participant in a room (those whose record has not
    /// arrived have no call yet, so no name either): (known, total).
    pub fn names_known(&self) -> (usize, usize) {
        let present = self.participants.values().filter(|p| p.gone_at.is_none());
        present.fold((0, 0), |(known, total), p| {
            (known + usize::from(self.caller_of(p).is_some()), total + 1)
        })
    }

    /// Whether every caller is being looked up (since the first search), not only those on
    /// screen.
    pub fn name_everyone(&self) -> bool {
        self.told.name_everyone
    }

    /// Tells the sync task when a search starts or ends: its names are wanted now.
    pub(super) fn report_searching(&mut self, out: &mut Vec<Command>) {
        let searching = self.filter_editing || !self.filter.is_empty();
        if searching != self.told.searching {
            self.told.searching = searching;
            self.told.name_everyone |= searching;
            out.push(Command::Sync(sync::SyncCommand::Searching(searching)));
        }
    }

    /// Tells the sync task whose details are open while something of them is not known yet
    /// (the record, the caller): those come before anything else.
    pub(super) fn report_inspect(&mut self, out: &mut Vec<Command>) {
        let wanted = match self.overlay {
            Overlay::Detail => self
                .detail_for
                .and_then(|id| self.participants.get(&id))
                .filter(|p| !p.record_read() || self.caller_of(p).is_none())
                .map(|p| p.id),
            _ => None,
        };
        if wanted != self.told.inspect {
            self.told.inspect = wanted;
            out.push(Command::Sync(sync::SyncCommand::Inspect(wanted)));
        }
    }

    pub(super) fn report_visible(&mut self, out: &mut Vec<Command>) {
        let awaited = self.awaited_rows();
        if awaited != self.told.awaited {
            self.told.awaited = awaited.clone();
            out.push(Command::Sync(sync::SyncCommand::Awaited(awaited)));
        }
        // Said when it empties too: the sync task asks again for a call the screen still
        // lacks long after it was sent, so what it holds must be the screen's now.
        let visible = self.visible_calls();
        if visible != self.told.visible {
            self.told.visible = visible.clone();
            out.push(Command::Sync(sync::SyncCommand::Visible(visible)));
        }
    }
}
