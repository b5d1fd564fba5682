//! Call details (who each participant is), with spare budget, rows on screen first, in bulk
//! by `GET /calls` pages when many are missing.

use super::*;

impl Tracker {
    /// Looks up call details not sent yet: rows on screen first, in bulk when many are missing.
    pub(super) async fn lookup_calls(
        &mut self,
        f: &mut Fetcher<'_>,
        visible: &[Uuid],
        events: &Events,
    ) {
        let live_calls: HashSet<Uuid> = self.live.values().filter_map(|p| p.reference_id).collect();
        self.calls_done.retain(|id| live_calls.contains(id));
        // Sorted: on screen first, then newest first.
        let mut wanted: Vec<(bool, Reverse<Option<Timestamp>>, Uuid)> = self
            .live
            .values()
            .filter_map(|p| p.reference_id.map(|r| (p, r)))
            .filter(|(_, r)| !self.calls_done.contains(r))
            .map(|(p, r)| (!visible.contains(&r), Reverse(p.tm_create), r))
            .collect();
        if wanted.is_empty() {
            return;
        }
        wanted.sort();
        let mut found: Vec<Call> = Vec::new();

        if wanted.len() >= self.cfg.bulk_calls {
            // Calls begin a few seconds before their participant joins; stop well past the
            // oldest one wanted.
            let oldest = wanted
                .iter()
                .filter_map(|w| w.1.0)
                .min()
                .map(|t| t.saturating_sub(SignedDuration::from_mins(10)).unwrap_or(t));
            let mut missing: HashSet<Uuid> = wanted.iter().map(|w| w.2).collect();
            let mut pager = Pager::new(
                self.cfg.page_size,
                self.calls_token.take(),
                self.cfg.full_pages,
            );
            while !missing.is_empty() {
                let req = pager.request();
                let Some(result) = f.spare(|c| async move { c.list_calls(&req).await }).await
                else {
                    // Out of spare budget or time: continue from here next refresh.
                    self.calls_token = pager.request().page_token;
                    break;
                };
                let Ok(page) = result else { break };
                let raw = page.items.len() + page.skipped;
                let mut older_than_all = false;
                for call in page.items {
                    older_than_all |=
                        matches!((call.tm_create, oldest), (Some(t), Some(o)) if t < o);
                    if missing.remove(&call.id) {
                        self.calls_done.insert(call.id);
                        found.push(call);
                    }
                }
                // Each page's findings go out at once: names appear page by page, and the
                // app never has to take in one huge batch.
                if !found.is_empty() {
                    let _ = events
                        .send(SyncEvent::Calls(std::mem::take(&mut found)))
                        .await;
                }
                if older_than_all {
                    break;
                }
                match pager.after(raw, page.next_page_token, &mut self.page_limit, false) {
                    Step::Next => {}
                    Step::End => break,
                    Step::Capped(next) => {
                        // Enough for one refresh; the bulk walk resumes here next time
                        // rather than falling back to one request per call.
                        self.calls_token = Some(next);
                        break;
                    }
                }
            }
            wanted.retain(|w| missing.contains(&w.2));
            if !found.is_empty() {
                let _ = events
                    .send(SyncEvent::Calls(std::mem::take(&mut found)))
                    .await;
            }
            if self.calls_token.is_some() {
                return; // The walk continues next refresh; per-id lookups would duplicate it.
            }
        }

        for (_, _, id) in wanted {
            let Some(result) = f.spare(|c| c.get_call(id)).await else {
                break;
            };
            match result {
                Ok(call) => {
                    self.calls_done.insert(id);
                    found.push(call);
                }
                Err(e) if matches!(e.kind, ErrorKind::Gone | ErrorKind::Forbidden) => {
                    // It will not resolve; do not ask again.
                    self.calls_done.insert(id);
                }
                Err(_) => break,
            }
        }
        if !found.is_empty() {
            let _ = events.send(SyncEvent::Calls(found)).await;
        }
    }
}
