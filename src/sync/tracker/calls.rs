//! Call details (who each participant is). Naming a busy account's every caller costs
//! hundreds of requests per viewer, so only the callers wanted are looked up:
//! those on screen, and everyone's once the user searches (a search needs every name). They
//! are listed by `GET /calls` pages when the pages that hold them are fewer than the calls,
//! else asked for one by one; rows on screen first either way. Names on screen draw on the
//! whole rate (the user is reading them), and so does everyone's while a search is on (the
//! user is waiting on its answer); else everyone else's draw on optional work's share.

use super::*;

/// Whose calls to look up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wanted {
    /// Call ids of the rows on screen without a name yet.
    pub visible: Vec<Uuid>,
    /// Every live participant's (a search, a listing), not only those on screen.
    pub everyone: bool,
    /// A search is on: everyone's are wanted now, on the whole rate.
    pub searching: bool,
    /// The participant whose details are open: its record and its caller come first.
    pub inspect: Option<Uuid>,
    /// Participants on screen whose record has not arrived: while the first walk goes on,
    /// their records are read first.
    pub awaited: Vec<Uuid>,
}

impl Wanted {
    /// Every caller, rows on screen first.
    pub fn everyone() -> Wanted {
        Wanted {
            everyone: true,
            ..Wanted::default()
        }
    }
}

/// A call wanted and not looked up yet: (off screen, newest first, call id), in the order it
/// is asked for.
pub(super) type Missing = (bool, Reverse<Option<Timestamp>>, Uuid);

/// A call sent to the app this long ago that a row on screen still lacks was lost on the way
/// (its caller dropped while the participant was out of the picture): it is asked for again.
const RESEND: SignedDuration = SignedDuration::from_secs(30);

/// How long before its participant joins a call usually began.
const USUAL_LEAD: SignedDuration = SignedDuration::from_secs(10);

/// Calls begin a few seconds before their participant joins; a walk for a participant's call
/// goes this far past the participant's record.
const CALL_LEAD: SignedDuration = SignedDuration::from_mins(10);

impl Tracker {
    /// Looks up the wanted callers between refreshes (rows that just came on screen), the
    /// record of the participant whose details are open first.
    pub async fn look_up_callers(&mut self, f: &mut Fetcher<'_>, wanted: &Wanted, events: &Events) {
        self.inspect(f, wanted, events).await;
        self.lookup_calls(f, wanted, events).await;
    }

    /// Fetches the record of the participant whose details are open, if its room listed it
    /// and its record has not arrived: someone is reading that row now.
    async fn inspect(&mut self, f: &mut Fetcher<'_>, wanted: &Wanted, events: &Events) {
        let Some(id) = wanted.inspect.filter(|id| self.awaiting.contains_key(id)) else {
            return;
        };
        match f.shown(|c| c.get_conferencecall(id)).await {
            Some(Ok(cc)) => {
                self.upsert(cc);
                self.send_snapshot(f, events, true).await;
            }
            Some(Err(e)) => tracing::warn!("could not read the record of {id}: {e}"),
            None => {}
        }
    }

    /// How many wanted callers are not looked up yet.
    pub fn callers_left(&self, wanted: &Wanted) -> usize {
        self.missing_calls(wanted, Timestamp::now()).len()
    }

    /// Notes a call sent to the app (read here, or named from the cache or by a peer).
    pub(super) fn call_sent(&mut self, id: Uuid) {
        self.calls_done.insert(id, Timestamp::now());
    }

    /// Whether a call is to be asked for: not if it was sent to the app already, unless a row
    /// on screen still lacks it [`RESEND`] after (the app lost it: asked for again); never if
    /// it does not resolve.
    pub(super) fn call_wanted(&self, id: &Uuid, on_screen: bool, now: Timestamp) -> bool {
        if self.calls_gone.contains(id) {
            return false;
        }
        self.calls_done
            .get(id)
            .is_none_or(|sent| on_screen && now.duration_since(*sent) >= RESEND)
    }

    /// The wanted calls not looked up yet: (off screen, newest first, call id).
    pub(super) fn missing_calls(&self, wanted: &Wanted, now: Timestamp) -> Vec<Missing> {
        let on_screen: HashSet<&Uuid> = wanted.visible.iter().collect();
        let live_calls: HashSet<Uuid> = self.live.values().filter_map(|p| p.reference_id).collect();
        let mut missing: Vec<_> = self
            .live
            .values()
            .filter_map(|p| p.reference_id.map(|r| (p, r)))
            .filter(|(_, r)| wanted.everyone || on_screen.contains(r))
            .filter(|(_, r)| self.call_wanted(r, on_screen.contains(r), now))
            .map(|(p, r)| (!on_screen.contains(&r), Reverse(p.tm_create), r))
            .collect();
        // Calls on screen that are not a live participant's (recent departures).
        missing.extend(
            wanted
                .visible
                .iter()
                .filter(|c| !live_calls.contains(c) && self.call_wanted(c, true, now))
                .map(|c| (false, Reverse(None), *c)),
        );
        missing
    }

    /// Looks up the wanted call details not sent yet: rows on screen first, in bulk when that
    /// is cheaper.
    pub(super) async fn lookup_calls(
        &mut self,
        f: &mut Fetcher<'_>,
        wanted: &Wanted,
        events: &Events,
    ) {
        let live_calls: HashSet<Uuid> = self.live.values().filter_map(|p| p.reference_id).collect();
        let on_screen: HashSet<&Uuid> = wanted.visible.iter().collect();
        let keep = |id: &Uuid| live_calls.contains(id) || on_screen.contains(id);
        self.calls_done.retain(|id, _| keep(id));
        self.calls_gone.retain(|id| keep(id));
        let mut missing = self.missing_calls(wanted, Timestamp::now());
        if missing.is_empty() {
            return;
        }
        // The participant whose details are open, then the rows on screen in screen order (a
        // kiosk's page before the next one); then the newest first.
        let inspected = wanted
            .inspect
            .and_then(|id| self.live.get(&id))
            .and_then(|p| p.reference_id);
        let order: HashMap<&Uuid, usize> = inspected
            .iter()
            .chain(&wanted.visible)
            .enumerate()
            .map(|(i, c)| (c, i))
            .collect();
        missing.sort_by_key(|w| (w.0, order.get(&w.2).copied().unwrap_or(0), w.1, w.2));
        // The newest of them are on the newest pages: those are listed, the rest asked for
        // by id (one old caller must not make every newcomer cost a request of its own).
        let bulk = self.bulk_share(&missing);
        if !bulk.is_empty() {
            let left = self.calls_in_bulk(f, wanted, &bulk, events).await;
            let listed: HashSet<Uuid> = bulk.iter().map(|w| w.2).collect();
            missing.retain(|w| left.contains(&w.2) || !listed.contains(&w.2));
            if self.calls_token.is_some() {
                return; // The walk continues next refresh; per-id lookups would duplicate it.
            }
        }
        self.calls_one_by_one(f, wanted, missing, events).await;
    }

    /// Walks `GET /calls` pages for the missing calls, each page's findings sent at once;
    /// returns those not found. Stops when the calls left are older than the page, when
    /// asking one by one pays again, or at the page cap (to go on from there next time).
    async fn calls_in_bulk(
        &mut self,
        f: &mut Fetcher<'_>,
        wanted: &Wanted,
        missing: &[Missing],
        events: &Events,
    ) -> HashSet<Uuid> {
        let mut left: HashSet<Uuid> = missing.iter().map(|w| w.2).collect();
        let token = self.calls_token.take();
        let mut pager = Pager::new(self.cfg.page_size, token, self.cfg.full_pages);
        while !left.is_empty() {
            // Those peers named meanwhile are not looked for on the pages.
            let unnamed = self
                .calls_from_peers(left.iter().copied().collect(), events)
                .await;
            left = unnamed.into_iter().collect();
            if left.is_empty() {
                self.calls_reached = None;
                break;
            }
            let req = pager.request();
            // While a row on screen still lacks its name, the page is for the screen.
            let for_screen =
                wanted.searching || missing.iter().any(|w| !w.0 && left.contains(&w.2));
            let sent = if for_screen {
                f.shown(|c| async move { c.list_calls(&req).await }).await
            } else {
                f.spare(|c| async move { c.list_calls(&req).await }).await
            };
            let Some(result) = sent else {
                // Out of spare budget or time: continue from here next refresh.
                self.calls_token = pager.request().page_token;
                break;
            };
            let Ok(page) = result else {
                self.calls_reached = None;
                break;
            };
            let raw = page.items.len() + page.skipped;
            let older_than_all = self
                .take_calls_page(page.items, missing, &mut left, events)
                .await;
            let step = pager.after(raw, page.next_page_token, &mut self.page_limit, false);
            let rest: Vec<Missing> = missing
                .iter()
                .filter(|w| left.contains(&w.2))
                .copied()
                .collect();
            match step {
                // Found, or the rest are asked for one by one, from the newest page next time.
                _ if older_than_all || left.is_empty() || !self.bulk_pays(&rest) => {}
                Step::Next => continue,
                // Enough for one refresh; the walk resumes here next time rather than falling
                // back to one request per call.
                Step::Capped(next) => {
                    self.calls_token = Some(next);
                    break;
                }
                Step::End => {}
            }
            self.calls_reached = None;
            break;
        }
        left
    }

    /// Takes one `GET /calls` page: the calls still missing among them (and those named
    /// before whose state is stale) go to the app at once. Says whether the page went past
    /// the oldest call left.
    async fn take_calls_page(
        &mut self,
        items: Vec<Call>,
        missing: &[Missing],
        left: &mut HashSet<Uuid>,
        events: &Events,
    ) -> bool {
        self.learn_density(&items);
        let oldest = missing
            .iter()
            .filter(|w| left.contains(&w.2))
            .filter_map(|w| w.1.0)
            .min();
        let oldest = oldest.map(|t| t.saturating_sub(CALL_LEAD).unwrap_or(t));
        let mut older_than_all = false;
        let mut found = Vec::new();
        for call in items {
            older_than_all |= matches!((call.tm_create, oldest), (Some(t), Some(o)) if t < o);
            if let Some(t) = call.tm_create {
                self.calls_reached = Some(self.calls_reached.map_or(t, |r| r.min(t)));
            }
            if left.remove(&call.id) {
                self.call_sent(call.id);
                found.push(call);
            } else if self.remembered.stale_calls.contains(&call.id) {
                // Named from the cache or by a peer, its state not read here yet: this page,
                // read anyway, has it.
                found.push(call);
            }
        }
        // Names appear page by page, and the app never takes in one huge batch.
        if !found.is_empty() {
            self.share_calls(&found).await;
            self.calls_read(&found);
            let _ = events.send(SyncEvent::Calls(found)).await;
        }
        older_than_all
    }

    /// Asks for each missing call by id, in order, while the budget allows.
    async fn calls_one_by_one(
        &mut self,
        f: &mut Fetcher<'_>,
        wanted: &Wanted,
        missing: Vec<Missing>,
        events: &Events,
    ) {
        let mut found: Vec<Call> = Vec::new();
        let mut faults = 0;
        // Those peers named meanwhile; the rest, unless a peer is reading them now.
        let ids = missing.iter().map(|w| w.2).collect();
        let left: HashSet<Uuid> = self
            .calls_from_peers(ids, events)
            .await
            .into_iter()
            .collect();
        for (off_screen, _, id) in missing {
            if !left.contains(&id) || !self.is_ours(Kind::Call, id).await {
                continue;
            }
            let sent = if off_screen && !wanted.searching {
                f.spare(|c| c.get_call(id)).await
            } else {
                f.shown(|c| c.get_call(id)).await
            };
            let Some(result) = sent else {
                self.let_go(Kind::Call, id).await;
                break;
            };
            match result {
                Ok(call) => {
                    self.call_sent(id);
                    self.share_calls(std::slice::from_ref(&call)).await;
                    found.push(call);
                }
                Err(e) if matches!(e.kind, ErrorKind::Gone | ErrorKind::Forbidden) => {
                    // It will not resolve; do not ask again.
                    self.let_go(Kind::Call, id).await;
                    self.calls_gone.insert(id);
                }
                // A passing fault loses only this one (asked again next time); a second
                // says the API is failing, and the rest wait.
                Err(e) if e.kind == ErrorKind::Server && faults == 0 => {
                    self.let_go(Kind::Call, id).await;
                    faults += 1;
                }
                Err(_) => {
                    self.let_go(Kind::Call, id).await;
                    break;
                }
            }
        }
        if !found.is_empty() {
            self.calls_read(&found);
            let _ = events.send(SyncEvent::Calls(found)).await;
        }
    }

    /// The largest share of `missing`, newest first, that listing pages finds for fewer
    /// requests than asking for each (empty when none does); in `missing`'s order.
    pub(super) fn bulk_share(&self, missing: &[Missing]) -> Vec<Missing> {
        if self.bulk_pays(missing) {
            return missing.to_vec();
        }
        let mut by_age: Vec<Missing> = missing
            .iter()
            .filter(|w| w.1.0.is_some())
            .copied()
            .collect();
        by_age.sort_by_key(|w| w.1);
        let best = (self.cfg.bulk_calls.max(1)..=by_age.len())
            .rev()
            .find(|&k| self.bulk_pays(&by_age[..k]));
        let Some(k) = best else {
            return Vec::new();
        };
        let chosen: HashSet<Uuid> = by_age[..k].iter().map(|w| w.2).collect();
        missing
            .iter()
            .filter(|w| chosen.contains(&w.2))
            .copied()
            .collect()
    }

    /// Whether listing `GET /calls` pages finds these calls for fewer requests than asking for
    /// each: the pages between where the walk stands and the oldest call wanted, at the density
    /// the list has shown, must be fewer than the calls. Until a page has shown the density,
    /// a bulk walk is tried when many are missing.
    pub(super) fn bulk_pays(&self, missing: &[Missing]) -> bool {
        if missing.len() < self.cfg.bulk_calls {
            return false;
        }
        let Some(per_second) = self.calls_density else {
            return true;
        };
        let Some(oldest) = missing.iter().filter_map(|w| w.1.0).min() else {
            return false;
        };
        // Most calls begin seconds before their participant joins: the estimate counts on
        // that, while the walk itself goes the whole lead past before it gives up.
        let oldest = oldest.saturating_sub(USUAL_LEAD).unwrap_or(oldest);
        let from = self.calls_reached.unwrap_or_else(Timestamp::now);
        let span = from.duration_since(oldest).as_secs_f64().max(0.0);
        let pages = (span * per_second / self.cfg.page_size.max(1) as f64).ceil();
        pages < missing.len() as f64
    }

    /// Calls per second in the list, from the times on one page (averaged with what earlier
    /// pages showed).
    fn learn_density(&mut self, calls: &[Call]) {
        let times = calls.iter().filter_map(|c| c.tm_create);
        let (Some(newest), Some(oldest)) = (times.clone().max(), times.min()) else {
            return;
        };
        let span = newest.duration_since(oldest).as_secs_f64();
        if calls.len() < 2 || span <= 0.0 {
            return;
        }
        let here = (calls.len() - 1) as f64 / span;
        self.calls_density = Some(self.calls_density.map_or(here, |d| (d + here) / 2.0));
    }
}
