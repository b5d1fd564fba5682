//! The rows on screen first. On a busy account the first, full refresh walks a hundred
//! pages before every listed participant's record is found, and callers are looked up after
//! it; meanwhile the screen would show rows without caller or time. So while it walks, the
//! rows on screen are served between its pages: their records by id and their callers, all
//! of them up to a wall's screenful a walk (a page finds a few of the screen's records at
//! best; reading them is what the user waits for). The walk itself goes on exactly as it
//! would (the records served are still looked for on its pages, so it stops where it would
//! have), only later.

use std::sync::Mutex;

use super::*;

/// Records read for the screen in one walk, at most, and callers read at once (a wall's
/// screenful). A kiosk's screen is two pages, turning every few seconds: past a screenful, its
/// callers are left to the walks of `GET /calls`, cheaper for everyone's, but for [`STEP`].
pub(super) const SCREENFUL: usize = 60;
/// Callers read for the screen between two pages, past a screenful.
const STEP: usize = 2;

impl Tracker {
    /// Reads what the screen wants from the sync task while a refresh runs.
    pub fn follow_screen(&mut self, screen: Arc<Mutex<Wanted>>) {
        self.screen = Some(screen);
    }

    fn screen_now(&self) -> Option<Wanted> {
        Some(self.screen.as_ref()?.lock().ok()?.clone())
    }

    /// Ids in the order to fetch them: those of rows on screen first, in screen order.
    pub(super) fn screen_first(&self, ids: HashSet<Uuid>) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = ids.into_iter().collect();
        if let Some(wanted) = self.screen_now() {
            let order: HashMap<&Uuid, usize> = wanted
                .awaited
                .iter()
                .enumerate()
                .map(|(i, id)| (id, i))
                .collect();
            ids.sort_by_key(|id| order.get(id).copied().unwrap_or(usize::MAX));
        }
        ids
    }

    /// Between two pages of a full walk: the records and callers the rows on screen lack.
    pub(super) async fn serve_screen(&mut self, f: &mut Fetcher<'_>, events: &Events) {
        let Some(wanted) = self.screen_now() else {
            return;
        };
        let left = SCREENFUL.saturating_sub(self.screen_served);
        // What peers read meanwhile; then those no peer is reading, each claimed just before
        // it is read (so a failure leaves no claim behind but its own, let go).
        if self.records_from_peers(&mut HashSet::new()).await > 0 {
            self.progress(f, events, true).await;
        }
        let mut served = 0;
        for id in wanted.awaited {
            if served >= left {
                break;
            }
            if !self.awaiting.contains_key(&id) {
                continue;
            }
            // Between two records, the callers of the rows the app placed meanwhile: names
            // appear from the top down as the records come.
            self.name_screen(f, events).await;
            if !self.is_ours(Kind::Record, id).await {
                continue;
            }
            served += 1;
            self.screen_served += 1;
            // On the walk's own footing: optional work's half-interval is long gone in a walk
            // this long, and this is what the user is looking at.
            match f.call(|c| c.get_conferencecall(id)).await {
                Ok(cc) => {
                    self.checked.insert(Target::Participant(id), self.turn);
                    if cc.status.is_live() {
                        self.share_records(&[&cc]).await;
                    } else {
                        // It left: the cache keeps only who is live, so peers ask themselves;
                        // and it is not asked for again after the walk.
                        self.let_go(Kind::Record, id).await;
                        self.unresolved.insert(id, self.turn);
                    }
                    self.upsert(cc);
                    // The picture at once: the app places the row, and asks for its caller.
                    self.progress(f, events, true).await;
                }
                Err(e) if e.kind == ErrorKind::Gone => {
                    self.let_go(Kind::Record, id).await;
                    self.unresolved.insert(id, self.turn);
                    self.awaiting.remove(&id);
                }
                // The API fails: no more requests into it until the next page answers.
                Err(_) => {
                    self.let_go(Kind::Record, id).await;
                    return;
                }
            }
        }
        self.name_screen(f, events).await;
    }

    /// The callers of the rows on screen, while the first picture fills in: those the app
    /// asked for, as [`Tracker::to_name_on_screen`] orders them.
    pub(super) async fn name_screen(&mut self, f: &mut Fetcher<'_>, events: &Events) {
        if self.warm {
            return;
        }
        let Some(wanted) = self.screen_now() else {
            return;
        };
        let unnamed = self.to_name_on_screen(&wanted.visible, Timestamp::now());
        // Those peers named meanwhile; then those no peer is reading, each claimed just before
        // it is read.
        let unnamed = self.calls_from_peers(unnamed, events).await;
        let most = self.callers_at_once();
        let mut found = Vec::new();
        for id in unnamed.into_iter().take(most) {
            if !self.is_ours(Kind::Call, id).await {
                continue;
            }
            self.screen_named += 1;
            match f.call(|c| c.get_call(id)).await {
                Ok(call) => {
                    self.call_sent(id);
                    found.push(call);
                }
                Err(e) if matches!(e.kind, ErrorKind::Gone | ErrorKind::Forbidden) => {
                    self.let_go(Kind::Call, id).await;
                    self.calls_gone.insert(id);
                }
                Err(_) => {
                    self.let_go(Kind::Call, id).await;
                    break;
                }
            }
        }
        if !found.is_empty() {
            self.share_calls(&found).await;
            self.calls_read(&found);
            let _ = events.send(SyncEvent::Calls(found)).await;
        }
    }

    /// How many callers of the screen may be read now, one by one: the rest of a screenful
    /// this walk, and past it a few between two pages.
    pub(super) fn callers_at_once(&self) -> usize {
        SCREENFUL.saturating_sub(self.screen_named).max(STEP)
    }

    /// Of the calls on screen without a name, those to read now, in screen order: not those
    /// sent already ([`Tracker::call_wanted`]), nor, while this walk still reads records for
    /// the screen, those of a conference whose members are not all read yet (its rows on
    /// screen are its first members by join time, known once their records are in: a row
    /// shown now may yet be pushed below the screen by a member who joined before it).
    pub(super) fn to_name_on_screen(&self, visible: &[Uuid], now: Timestamp) -> Vec<Uuid> {
        let mut waiting: HashSet<Uuid> = HashSet::new();
        if self.screen_served < SCREENFUL {
            let unsettled: HashSet<Uuid> = self
                .awaiting
                .iter()
                .filter(|(id, _)| !self.live.contains_key(id))
                .map(|(_, conference)| *conference)
                .collect();
            waiting = self
                .live
                .values()
                .filter(|p| unsettled.contains(&p.conference_id))
                .filter_map(|p| p.reference_id)
                .collect();
        }
        let mut listed = HashSet::new();
        visible
            .iter()
            .copied()
            .filter(|c| !waiting.contains(c) && self.call_wanted(c, true, now))
            .filter(|c| listed.insert(*c))
            .collect()
    }
}
