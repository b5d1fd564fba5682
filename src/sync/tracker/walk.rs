//! The walk of `GET /conferencecalls` from the newest page: down to the frontier normally; on
//! a full refresh, on while pages pay for themselves.

use super::*;

impl Tracker {
    /// Walks `GET /conferencecalls` from the newest page. Returns the ids it saw.
    pub(super) async fn walk_newest(
        &mut self,
        f: &mut Fetcher<'_>,
        now: Timestamp,
        full: bool,
        expected: &mut HashSet<Uuid>,
        events: &Events,
    ) -> Result<HashSet<Uuid>, ApiError> {
        // A full walk's hard cap is the horizon; a normal one stops early.
        let cap = if full {
            usize::MAX
        } else {
            self.cfg.warm_pages
        };
        let mut walk = Walk {
            now,
            horizon: now.saturating_sub(self.horizon.span).unwrap_or(now),
            frontier: if full { None } else { self.frontier },
            newest: self.frontier,
            seen: HashSet::new(),
        };
        let mut pager = Pager::new(self.cfg.page_size, None, cap);
        let mut recent_yield: Vec<usize> = Vec::new();
        if full {
            self.deep = None;
            self.screen_served = 0;
            self.screen_named = 0;
        }
        loop {
            let req = pager.request();
            let page = f.call(|c| c.list_conferencecalls(&req)).await?;
            let raw = page.items.len() + page.skipped;
            if page.skipped > 0 {
                tracing::warn!("{} undecodable participant records skipped", page.skipped);
            }
            if full {
                // Peers starting at the same time walk the same pages: what each finds is
                // theirs at once, and what they found is not looked for further here.
                let live: Vec<&Conferencecall> =
                    page.items.iter().filter(|cc| cc.status.is_live()).collect();
                self.share_records(&live).await;
            }
            let found = self.take_page(&mut walk, page.items, expected);
            // What peers found counts as found here: they read the same pages (or the deeper
            // ones, which this walk would read next), so the pages pay as they would alone.
            let from_peers = if full {
                self.records_from_peers(expected).await
            } else {
                0
            };
            let step = pager.after(raw, page.next_page_token, &mut self.page_limit, full);
            recent_yield.push(found.listed + from_peers);
            if full {
                self.progress(f, events, false).await;
                self.serve_screen(f, events).await;
            }
            if self.walk_ends(step, full, &found, expected, &recent_yield, &pager) {
                break;
            }
        }
        self.frontier = walk.newest;
        Ok(walk.seen)
    }

    /// Whether the walk stops after this page, and where the background scan goes on.
    fn walk_ends(
        &mut self,
        step: Step,
        full: bool,
        found: &PageFound,
        expected: &HashSet<Uuid>,
        recent_yield: &[usize],
        pager: &Pager,
    ) -> bool {
        if found.past_horizon || found.at_frontier {
            return true;
        }
        match step {
            Step::End => true,
            Step::Capped(next) => {
                if full {
                    self.deep = Some(next);
                } else {
                    // More arrived since the last refresh than a normal walk covers.
                    self.warm = false;
                }
                true
            }
            Step::Next if !full => false,
            // Everyone listed is found and this page holds nobody live: the rest is history,
            // scanned in the background for old participants of unlisted rooms.
            Step::Next if expected.is_empty() && found.live == 0 => {
                self.deep = pager.request().page_token;
                true
            }
            // A page finds more of the participants still missing than fetching them one by
            // one would for the same request: walk on.
            Step::Next if pages_pay_off(recent_yield, self.cfg.full_pages) => false,
            // Pages no longer pay for themselves: the listed participants still missing are
            // fetched one by one, the rest is left to the background scan.
            Step::Next => {
                self.deep = pager.request().page_token;
                true
            }
        }
    }

    /// Takes one page's records into the picture; says what the page held.
    fn take_page(
        &mut self,
        walk: &mut Walk,
        items: Vec<Conferencecall>,
        expected: &mut HashSet<Uuid>,
    ) -> PageFound {
        let mut found = PageFound::default();
        // A record from the future would freeze the frontier; its time is not taken.
        let soon = walk
            .now
            .saturating_add(SignedDuration::from_mins(5))
            .unwrap_or(walk.now);
        for cc in items {
            if let Some(created) = cc.tm_create {
                self.scanned_to = Some(self.scanned_to.map_or(created, |s| s.min(created)));
                found.at_frontier |= walk.frontier.is_some_and(|fr| created <= fr);
                found.past_horizon |= created < walk.horizon;
                if created <= soon {
                    walk.newest = walk.newest.max(Some(created));
                }
            }
            found.listed += usize::from(expected.remove(&cc.id));
            found.live += usize::from(cc.status.is_live());
            walk.seen.insert(cc.id);
            self.note_departure(&cc, walk.now);
            self.upsert(cc);
        }
        found
    }
}

/// Where a walk stands.
struct Walk {
    now: Timestamp,
    horizon: Timestamp,
    /// The newest record time the last walk reached: a normal walk stops there.
    frontier: Option<Timestamp>,
    /// The newest record time this walk met.
    newest: Option<Timestamp>,
    seen: HashSet<Uuid>,
}

/// What one page held.
#[derive(Debug, Default)]
struct PageFound {
    /// Participants the room lists named.
    listed: usize,
    live: usize,
    at_frontier: bool,
    past_horizon: bool,
}

/// Whether walking on pays: within the first `min_pages` pages always; after that while the
/// pages so far found at least one listed participant each on average (a page costs one
/// request, as one participant fetched by id does) and the last few have not run dry (the
/// walk has left the hours the participants joined in).
pub(super) fn pages_pay_off(found: &[usize], min_pages: usize) -> bool {
    const WINDOW: usize = 10;
    if found.len() < min_pages.max(WINDOW) {
        return true;
    }
    let total: usize = found.iter().sum();
    let recent: usize = found[found.len() - WINDOW..].iter().sum();
    total >= found.len() && recent * 3 >= WINDOW
}
