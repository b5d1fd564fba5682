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
        let horizon = now.saturating_sub(self.cfg.horizon).unwrap_or(now);
        // A full walk's hard cap is the horizon; a normal one stops early.
        let cap = if full {
            usize::MAX
        } else {
            self.cfg.warm_pages
        };
        let frontier = if full { None } else { self.frontier };
        let mut newest = self.frontier;
        let mut seen = HashSet::new();
        let mut pager = Pager::new(self.cfg.page_size, None, cap);
        let mut recent_yield: Vec<usize> = Vec::new();
        if full {
            self.deep = None;
        }
        loop {
            let req = pager.request();
            let page = f.call(|c| c.list_conferencecalls(&req)).await?;
            let raw = page.items.len() + page.skipped;
            if page.skipped > 0 {
                tracing::warn!("{} undecodable participant records skipped", page.skipped);
            }
            let mut live_here = 0;
            let mut listed_here = 0;
            let mut at_frontier = false;
            let mut past_horizon = false;
            for cc in page.items {
                if let Some(created) = cc.tm_create {
                    self.scanned_to = Some(self.scanned_to.map_or(created, |s| s.min(created)));
                    at_frontier |= frontier.is_some_and(|fr| created <= fr);
                    past_horizon |= created < horizon;
                    // A record from the future would freeze the frontier; ignore its time.
                    if created
                        <= now
                            .saturating_add(SignedDuration::from_mins(5))
                            .unwrap_or(now)
                    {
                        newest = newest.max(Some(created));
                    }
                }
                if expected.remove(&cc.id) {
                    listed_here += 1;
                }
                seen.insert(cc.id);
                if cc.status.is_live() {
                    live_here += 1;
                }
                self.note_leaver(&cc, now);
                self.upsert(cc);
            }
            let step = pager.after(raw, page.next_page_token, &mut self.page_limit, full);
            recent_yield.push(listed_here);
            if full {
                self.progress(f, events, false).await;
            }
            if past_horizon || at_frontier {
                break;
            }
            match step {
                Step::End => break,
                Step::Capped(next) => {
                    if full {
                        self.deep = Some(next);
                    } else {
                        // More arrived since the last refresh than a normal walk covers.
                        self.warm = false;
                    }
                    break;
                }
                Step::Next if full && expected.is_empty() && live_here == 0 => {
                    // Everyone listed is found and this page holds nobody live: the rest is
                    // history, scanned in the background for old participants of unlisted
                    // rooms.
                    self.deep = pager.request().page_token;
                    break;
                }
                Step::Next if full && pages_pay_off(&recent_yield, self.cfg.full_pages) => {
                    // A page finds more of the participants still missing than fetching them
                    // one by one would for the same request: walk on.
                }
                Step::Next if full => {
                    // Pages no longer pay for themselves: the listed participants still missing
                    // are fetched one by one, the rest is left to the background scan.
                    self.deep = pager.request().page_token;
                    break;
                }
                Step::Next => {}
            }
        }
        self.frontier = newest;
        Ok(seen)
    }
}

/// Whether walking on pays: within the first `min_pages` pages always; after that while the
/// pages so far found at least one listed participant each on average (a page costs one
/// request, as one participant fetched by id does) and the last few have not run dry (the
/// walk has left the hours the participants joined in).
fn pages_pay_off(found: &[usize], min_pages: usize) -> bool {
    const WINDOW: usize = 10;
    if found.len() < min_pages.max(WINDOW) {
        return true;
    }
    let total: usize = found.iter().sum();
    let recent: usize = found[found.len() - WINDOW..].iter().sum();
    total >= found.len() && recent * 3 >= WINDOW
}
