//! The rows on screen first. On a busy account the first, full refresh walks hundreds of
//! pages before every listed participant's record is found, and callers are looked up only
//! after it; meanwhile the screen shows rows without caller or time. So while it runs, the
//! rows on screen are served between its steps: their records by id (a screenful at most) and
//! their callers, one or two at a time, so that what the user is looking at fills in within
//! seconds while the walk goes on. The callers cost what they would after the walk; the
//! records, a few requests the walk would have saved.

use std::sync::Mutex;

use super::*;

/// Callers looked up for the screen between two steps of the walk (or of the one-by-one
/// fetches after it).
pub(super) const STEP: usize = 2;
/// Records fetched by id for the screen between two steps of the walk: one, so that many
/// viewers starting together do not add a burst to theirs.
const RECORDS_STEP: usize = 1;
/// Records fetched by id for the screen in one full refresh, at most (about a small
/// terminal's rows): each is a request the walk would have saved, and many viewers starting
/// together share the customer's limit.
const RECORDS: usize = 24;

impl Tracker {
    /// Reads what the screen wants from the sync task while a refresh runs.
    pub fn follow_screen(&mut self, screen: Arc<Mutex<Wanted>>) {
        self.screen = Some(screen);
    }

    pub(super) fn screen_now(&self) -> Option<Wanted> {
        let screen = self.screen.as_ref()?.lock().ok()?;
        Some(screen.clone())
    }

    /// Between steps of a full refresh: a few of the awaited records on screen, then a few of
    /// the screen's callers. `expected` (listed, not found yet) loses those found here.
    pub(super) async fn serve_screen(
        &mut self,
        f: &mut Fetcher<'_>,
        expected: &mut HashSet<Uuid>,
        events: &Events,
    ) {
        if self.warm {
            return;
        }
        let Some(wanted) = self.screen_now() else {
            return;
        };
        let ids: HashSet<Uuid> = wanted
            .awaited
            .iter()
            .filter(|id| expected.contains(id) && !self.live.contains_key(id))
            .take(RECORDS_STEP.min(RECORDS.saturating_sub(self.screen_records)))
            .copied()
            .collect();
        if !ids.is_empty() {
            self.screen_records += ids.len();
            self.resolve(f, ids.clone(), events).await;
            expected.retain(|id| !ids.contains(id));
        }
        self.name_screen(f, &wanted, events).await;
    }

    /// A few callers of the rows on screen, during a full refresh: those the app asked for and
    /// those of awaited rows whose record just came (the app has not seen their call yet).
    pub(super) async fn name_screen(
        &mut self,
        f: &mut Fetcher<'_>,
        wanted: &Wanted,
        events: &Events,
    ) {
        if self.warm {
            return;
        }
        let of_awaited = wanted
            .awaited
            .iter()
            .filter_map(|id| self.live.get(id).and_then(|p| p.reference_id));
        let calls: Vec<Uuid> = wanted
            .visible
            .iter()
            .copied()
            .chain(of_awaited)
            .filter(|c| !self.calls_done.contains(c))
            .take(STEP)
            .collect();
        let mut found = Vec::new();
        for id in calls {
            match f.call(|c| c.get_call(id)).await {
                Ok(call) => {
                    self.calls_done.insert(id);
                    found.push(call);
                }
                Err(e) if matches!(e.kind, ErrorKind::Gone | ErrorKind::Forbidden) => {
                    self.calls_done.insert(id);
                }
                // Asked again after the refresh, as any other.
                Err(e) => tracing::debug!("caller on screen not looked up: {e}"),
            }
        }
        if !found.is_empty() {
            let _ = events.send(SyncEvent::Calls(found)).await;
        }
    }
}
