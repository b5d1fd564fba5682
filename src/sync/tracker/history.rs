//! The background scan of older history within the horizon, so that old participants of
//! unlisted rooms are found too: a page every few refreshes, with spare budget only (a
//! listing reads on as long as its budget allows).

use super::*;

impl Tracker {
    /// Whether this refresh reads a page of the background scan: one in `scan_every`, a few
    /// per cent of the steady cost.
    pub(super) fn scan_due(&self) -> bool {
        self.deep.is_some() && self.turn.is_multiple_of(self.cfg.scan_every.max(1))
    }

    /// Continues the background scan of history within the horizon by a page, on every
    /// `scan_every`-th refresh and with spare budget only.
    pub(super) async fn scan_history(&mut self, f: &mut Fetcher<'_>, now: Timestamp) {
        if !self.scan_due() {
            return;
        }
        let horizon = now.saturating_sub(self.horizon.span).unwrap_or(now);
        let Some(start) = self.deep.take() else {
            return;
        };
        let mut pager = Pager::new(self.cfg.page_size, Some(start), self.cfg.scan_pages);
        loop {
            let req = pager.request();
            let Some(result) = f
                .spare(|c| async move { c.list_conferencecalls(&req).await })
                .await
            else {
                self.deep = pager.request().page_token;
                return;
            };
            let page = match result {
                Ok(page) => page,
                // A token the server rejects will not work next time either.
                Err(e) if e.kind == ErrorKind::Rejected || e.kind == ErrorKind::Gone => return,
                Err(_) => {
                    self.deep = pager.request().page_token;
                    return;
                }
            };
            let raw = page.items.len() + page.skipped;
            let mut past_horizon = false;
            for cc in page.items {
                past_horizon |= cc.tm_create.is_some_and(|t| t < horizon);
                if let Some(t) = cc.tm_create {
                    self.scanned_to = Some(self.scanned_to.map_or(t, |s| s.min(t)));
                }
                self.note_departure(&cc, now);
                if cc.status.is_live() && !self.live.contains_key(&cc.id) {
                    self.learn_horizon(&cc);
                    self.live.insert(cc.id, Arc::new(cc));
                }
            }
            if past_horizon {
                return;
            }
            match pager.after(raw, page.next_page_token, &mut self.page_limit, false) {
                Step::Next => {}
                Step::End => return,
                Step::Capped(next) => {
                    self.deep = Some(next);
                    return;
                }
            }
        }
    }
}
