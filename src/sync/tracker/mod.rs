//! What one refresh asks, and how the answers merge into the picture of live participants.
//!
//! `GET /conferencecalls` has no filters and returns the customer's whole history newest
//! first, so walking it costs ceil(history/100)+1 requests. Instead, a refresh costs about the
//! same whatever the history:
//!
//! 1. `GET /conferences` (one page per 100 rooms): each listed room's `conferencecall_ids` is
//!    the authoritative set of its `joined` and `leaving` participants. A tracked participant
//!    missing from it has left; a `joining` one present in it has joined; an unknown id in it
//!    is fetched with `GET /conferencecalls/{id}`.
//! 2. `GET /conferencecalls` from the newest page down to the newest record already seen (the
//!    frontier): new participants (`joining` is in no room list yet) and the current status
//!    of every recent one. Normally one page.
//! 3. What no list confirms is checked with a direct request: rooms never seen and rooms that
//!    just left the list (deleted, still emptying) every time; then one target per refresh:
//!    in turn the unlisted rooms (`connect`, `queue`) and stuck `joining` participants, and
//!    every fourth refresh the `joined` participant confirmed longest ago (which catches one
//!    stuck in `leaving`). A full refresh checks every unlisted room and stuck participant.
//!
//! A full refresh (the first, and the first after any failure) walks the newest pages until
//! every listed participant is found and a page holds nobody live. The rest of the history
//! within the 24 h health-check horizon is then scanned in the background, so that old
//! participants of unlisted rooms are found too: one page every [`TrackerConfig::scan_every`]
//! refreshes, a few per cent of the steady cost, because on a busy account that scan is
//! hundreds of pages per viewer. Call details are looked up for the callers wanted (see
//! [`calls`]). Optional work never runs past half the interval, so it can never delay the
//! next refresh.
//!
//! Only the room list and the newest-page walk are essential: if one of them fails, the
//! refresh fails. A failed check of one room or one participant is skipped and retried later.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::api::{
    ApiError, Call, Conference, ConferenceStatus, ConferenceType, Conferencecall,
    ConferencecallStatus, ErrorKind,
};
use crate::cache::Kind;
use crate::ids::{IdMap, IdSet};

use crate::sync::fetch::Fetcher;
use crate::sync::pager::{Pager, Step};
use crate::sync::snapshot::{Snapshot, SyncEvent};

mod calls;
mod checks;
mod departures;
mod history;
pub mod horizon;
mod peers;
mod picture;
mod push;
mod remember;
mod screen;
mod walk;

pub use calls::Wanted;
pub use horizon::{Horizon, HorizonSetting};

/// Knobs of the refresh strategy.
#[derive(Debug, Clone)]
pub struct TrackerConfig {
    pub page_size: u32,
    /// How far back a live participant can have joined (see [`horizon`]).
    pub horizon: HorizonSetting,
    /// Pages a full refresh walks before leaving the rest to the background scan; it goes on
    /// past this while each page still finds participants the room lists named (a page finds
    /// up to 100 for one request, where fetching them one by one costs one request each).
    pub full_pages: usize,
    /// Pages a normal refresh walks before giving up and asking for a full one.
    pub warm_pages: usize,
    /// Targets checked in turn per normal refresh.
    pub verify_per_refresh: usize,
    /// From this many missing call details on, look them up by listing `GET /calls` pages.
    pub bulk_calls: usize,
    /// Refreshes before an id that did not resolve is asked about again.
    pub retry_unresolved: u64,
    /// The background history scan reads on every this many refreshes…
    pub scan_every: u64,
    /// …this many pages at most (within spare budget and half the interval).
    pub scan_pages: usize,
    /// Where the cache of what never changes lives; `None`: no cache.
    pub cache: Option<std::path::PathBuf>,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        TrackerConfig {
            page_size: 100,
            horizon: HorizonSetting::Learned,
            full_pages: 40,
            warm_pages: 10,
            verify_per_refresh: 1,
            bulk_calls: 2,
            retry_unresolved: 30,
            scan_every: 20,
            scan_pages: 1,
            cache: None,
        }
    }
}

impl TrackerConfig {
    /// The same, with the background history scan reading the whole horizon at once, on
    /// every refresh: for a listing, complete only when the history is read.
    pub fn scan_at_once(self) -> TrackerConfig {
        TrackerConfig {
            scan_every: 1,
            scan_pages: usize::MAX,
            ..self
        }
    }
}

/// Something checked with a direct request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    Conference(Uuid),
    Participant(Uuid),
}

/// The sync task's picture of the live conferences, carried from refresh to refresh.
#[derive(Debug)]
pub struct Tracker {
    cfg: TrackerConfig,
    live: IdMap<Arc<Conferencecall>>,
    conferences: IdMap<Arc<Conference>>,
    listed: IdSet,
    /// Rooms that left the list while people were still in them: checked every refresh
    /// until empty.
    emptying: IdSet,
    frontier: Option<Timestamp>,
    warm: bool,
    /// Where the background scan of older history continues (`None`: nothing left).
    deep: Option<String>,
    turn: u64,
    /// The refresh at which each target was last confirmed directly (or seen on a page).
    checked: HashMap<Target, u64>,
    /// Listed ids that did not resolve to a live participant, and when that was learned.
    unresolved: IdMap<u64>,
    customer: Option<Uuid>,
    /// Call ids already sent to the app, and when (see [`Tracker::call_wanted`]).
    calls_done: IdMap<Timestamp>,
    /// Call ids known not to resolve (404, 403): never asked for again.
    calls_gone: IdSet,
    /// Where the bulk `GET /calls` walk continues.
    calls_token: Option<String>,
    /// The oldest call time the bulk walk has reached (`None`: it starts from the newest).
    calls_reached: Option<Timestamp>,
    /// Calls per second in `GET /calls`, as its pages have shown.
    calls_density: Option<f64>,
    /// The most items the server returns per page, as learned.
    page_limit: usize,
    /// Listed participants whose record has not arrived yet → their conference. They are on
    /// screen already, details to follow.
    awaiting: IdMap<Uuid>,
    /// The oldest record time any walk reached, for the history scan's progress.
    scanned_to: Option<Timestamp>,
    /// When the conferences were last asked for: who is in each is the server's word as of then.
    conferences_listed: Option<Timestamp>,
    /// When the last snapshot went out.
    last_sent: Option<std::time::Instant>,
    /// Departures told to the app, with when they left, so that each is told once (the app
    /// keeps the departures; this is only what it was told, forgotten once out of the window).
    departures_told: IdMap<Timestamp>,
    /// Those not sent yet.
    unsent_departures: Vec<Arc<Conferencecall>>,
    /// How far back the picture reaches.
    horizon: Horizon,
    /// What the cache gives and takes.
    remembered: remember::Remembered,
    /// What the screen wants now, as the sync task last heard (see [`screen`]).
    screen: Option<Arc<std::sync::Mutex<Wanted>>>,
    /// Records read for the screen during this walk.
    screen_served: usize,
    /// Callers read for the screen during this walk.
    screen_named: usize,
}

/// Where a refresh sends what it learns.
pub type Events = mpsc::Sender<SyncEvent>;

impl Tracker {
    pub fn new(cfg: TrackerConfig) -> Tracker {
        Tracker {
            horizon: Horizon::new(cfg.horizon),
            cfg,
            live: IdMap::default(),
            conferences: IdMap::default(),
            listed: IdSet::default(),
            emptying: IdSet::default(),
            frontier: None,
            warm: false,
            deep: None,
            turn: 0,
            checked: HashMap::new(),
            unresolved: IdMap::default(),
            customer: None,
            calls_done: IdMap::default(),
            calls_gone: IdSet::default(),
            calls_token: None,
            calls_reached: None,
            calls_density: None,
            page_limit: usize::MAX,
            awaiting: IdMap::default(),
            scanned_to: None,
            conferences_listed: None,
            last_sent: None,
            departures_told: IdMap::default(),
            unsent_departures: Vec::new(),
            remembered: remember::Remembered::default(),
            screen: None,
            screen_served: 0,
            screen_named: 0,
        }
    }

    /// The next refresh refetches everything (after a failure, nothing seen before is trusted
    /// to be complete).
    pub fn invalidate(&mut self) {
        self.warm = false;
    }

    /// How many participants are tracked (for tests and memory bounds).
    pub fn live_count(&self) -> usize {
        self.live.len()
    }

    /// The horizon in force.
    pub fn horizon(&self) -> Horizon {
        self.horizon
    }

    /// A live participant's join time is evidence of how far back the live ones reach: one
    /// older than the horizon widens it, and the next refresh walks the history it now covers.
    fn learn_horizon(&mut self, cc: &Conferencecall) {
        let Some(joined) = cc.tm_create else { return };
        let age = Timestamp::now().duration_since(joined);
        if self.horizon.saw(age) {
            tracing::info!(
                ?age,
                "a live participant older than the call limit: horizon widened"
            );
            self.warm = false;
        }
    }

    /// The customer, once the first refresh has asked (push topics need it).
    pub fn customer(&self) -> Option<Uuid> {
        self.customer
    }

    /// One refresh. Sends the snapshot as soon as the picture is complete, then spends spare
    /// budget on call details and the background history scan. A `light` one (while push
    /// reports the rooms) only walks the newest participants, for what push never says:
    /// `joining`, `leaving` and new records; the first refresh is never light.
    pub async fn refresh(
        &mut self,
        f: &mut Fetcher<'_>,
        now: Timestamp,
        wanted: &Wanted,
        events: &Events,
        light: bool,
    ) -> Result<(), ApiError> {
        self.turn += 1;
        if self.customer.is_none() {
            let customer = f.call(|c| c.get_customer()).await?;
            self.customer = Some(customer.id);
            let _ = events.send(SyncEvent::Customer(customer)).await;
            // What the last run learned of this customer, before deciding how much to walk.
            self.open_cache(f, events, now).await;
        }
        let full = !self.warm;
        let light = light && !full;

        // 1. The listed rooms and their joined/leaving sets.
        let mut expected: HashSet<Uuid> = HashSet::new();
        if !light {
            // As of when they were asked: a list answered after a removal's 404 may have been
            // read before it.
            let asked = Timestamp::now();
            let listed = self.list_conferences(f, full).await?;
            self.conferences_listed = Some(asked);
            let was_listed = std::mem::take(&mut self.listed);
            for conference in listed {
                self.listed.insert(conference.id);
                expected.extend(conference.conferencecall_ids.iter().copied());
                self.await_listed(&conference);
                self.reconcile(&conference, now);
                self.conferences.insert(conference.id, Arc::new(conference));
            }
            for gone in was_listed.difference(&self.listed) {
                self.emptying.insert(*gone);
            }
            // Those the cache knows need not be found on a page.
            expected.retain(|id| !self.remembered.unread.contains(id));
            // The rooms and their participants are on screen at once; details follow.
            if full {
                self.progress(f, events, true).await;
            }
        }

        // 2. The newest participants, down to the frontier.
        let seen = self
            .walk_newest(f, now, full, &mut expected, events)
            .await?;

        // Listed participants the walk did not reach (joined long ago, or missed by a cap).
        self.resolve(f, expected, events).await;

        // 3. What no list confirms.
        if !light {
            for target in self.verification_targets(full, &seen, now) {
                if !self.verify(f, target, now).await {
                    break;
                }
            }
        }
        self.finish(f, &seen, events).await;

        // Optional work with spare budget only; failures here do not fail the refresh.
        self.lookup_calls(f, wanted, events).await;
        self.scan_history(f, now).await;
        self.confirm_calls(f, wanted, events).await;
        Ok(())
    }

    /// Fetches listed participants not known yet, one by one; those that do not resolve to a
    /// live participant are not asked about again for a while.
    async fn resolve(&mut self, f: &mut Fetcher<'_>, ids: HashSet<Uuid>, events: &Events) {
        let turn = self.turn;
        let retry = self.cfg.retry_unresolved;
        self.unresolved.retain(|_, t| turn - *t < retry);
        // What peers read meanwhile need not be read again.
        let mut ids = ids;
        self.records_from_peers(&mut ids).await;
        // Rows on screen first; and, as their records come, their callers.
        let ids = self.screen_first(ids);
        let mut theirs = Vec::new();
        for (i, id) in ids.into_iter().enumerate() {
            if self.live.contains_key(&id) || self.unresolved.contains_key(&id) {
                continue;
            }
            if i % 2 == 1 {
                self.name_screen(f, events).await;
            }
            if !self.is_ours(Kind::Record, id).await {
                theirs.push(id);
                continue;
            }
            if !self.read_listed(f, id).await {
                return;
            }
            self.progress(f, events, false).await;
        }
        self.await_peers(f, theirs, events).await;
    }

    /// Reads a listed participant's record by id; false when the API fails (the rest wait for
    /// a refresh it answers, rather than each sending a request into the outage).
    async fn read_listed(&mut self, f: &mut Fetcher<'_>, id: Uuid) -> bool {
        let turn = self.turn;
        match f.call(|c| c.get_conferencecall(id)).await {
            Ok(cc) if cc.status.is_live() => {
                self.checked.insert(Target::Participant(id), turn);
                self.share_records(&[&cc]).await;
                self.upsert(cc);
            }
            Ok(_)
            | Err(ApiError {
                kind: ErrorKind::Gone,
                ..
            }) => {
                self.let_go(Kind::Record, id).await;
                self.unresolved.insert(id, turn);
                self.awaiting.remove(&id);
            }
            Err(e) => {
                self.let_go(Kind::Record, id).await;
                tracing::warn!("skipped checking listed participant {id} and the rest: {e}");
                return false;
            }
        }
        true
    }

    /// Forgets what no longer matters and sends the snapshot.
    async fn finish(&mut self, f: &mut Fetcher<'_>, seen: &HashSet<Uuid>, events: &Events) {
        let turn = self.turn;
        for id in seen {
            self.checked.insert(Target::Participant(*id), turn);
        }
        let live = &self.live;
        let in_use: HashSet<Uuid> = live.values().map(|p| p.conference_id).collect();
        self.checked.retain(|t, _| match t {
            Target::Participant(id) => live.contains_key(id),
            Target::Conference(id) => in_use.contains(id),
        });
        self.emptying.retain(|r| in_use.contains(r));
        let listed_now = &self.listed;
        self.conferences
            .retain(|id, _| listed_now.contains(id) || in_use.contains(id));
        self.warm = true;

        self.awaiting
            .retain(|_, conference| listed_now.contains(conference) || in_use.contains(conference));
        tracing::debug!(
            requests = f.requests,
            participants = self.live.len(),
            awaiting = self.awaiting.len(),
            turn,
            "snapshot"
        );
        self.send_snapshot(f, events, false).await;
        self.send_departures(events).await;
        self.remember();
        f.essential_done();
    }

    /// Every page of `GET /conferences` (normally one).
    async fn list_conferences(
        &mut self,
        f: &mut Fetcher<'_>,
        probe: bool,
    ) -> Result<Vec<Conference>, ApiError> {
        let mut conferences = Vec::new();
        let mut pager = Pager::new(self.cfg.page_size, None, self.cfg.full_pages);
        loop {
            let req = pager.request();
            let page = f.call(|c| c.list_conferences(&req)).await?;
            let raw = page.items.len() + page.skipped;
            conferences.extend(page.items);
            match pager.after(raw, page.next_page_token, &mut self.page_limit, probe) {
                Step::Next => {}
                Step::End | Step::Capped(_) => return Ok(conferences),
            }
        }
    }

    /// Notes the room's listed participants whose records are not known yet (and forgets
    /// those it no longer lists).
    fn await_listed(&mut self, conference: &Conference) {
        let inside: HashSet<&Uuid> = conference.conferencecall_ids.iter().collect();
        self.awaiting
            .retain(|id, c| *c != conference.id || inside.contains(id));
        for id in &conference.conferencecall_ids {
            if !self.live.contains_key(id)
                && !self.unresolved.contains_key(id)
                && !self.place_known(*id, conference.id)
            {
                self.awaiting.insert(*id, conference.id);
            }
        }
    }

    /// Applies a room's authoritative `conferencecall_ids` to the participants tracked in it.
    fn reconcile(&mut self, conference: &Conference, now: Timestamp) {
        let inside: HashSet<&Uuid> = conference.conferencecall_ids.iter().collect();
        let ended = conference.status == ConferenceStatus::Terminated;
        // A terminating room has kicked everyone still in it (API.md §4): they are leaving
        // since the room's last update, not since they joined.
        let kicked = conference.status == ConferenceStatus::Terminating;
        let since = conference.tm_update.unwrap_or(now).min(now);
        self.live.retain(|id, p| {
            if p.conference_id != conference.id {
                return true;
            }
            let listed = inside.contains(id);
            match p.status {
                _ if ended && !listed => false,
                ConferencecallStatus::Joining | ConferencecallStatus::Joined
                    if kicked && listed =>
                {
                    let p = Arc::make_mut(p);
                    p.status = ConferencecallStatus::Leaving;
                    p.tm_update = Some(since);
                    true
                }
                ConferencecallStatus::Joining if listed => {
                    Arc::make_mut(p).status = ConferencecallStatus::Joined;
                    true
                }
                ConferencecallStatus::Joined | ConferencecallStatus::Leaving => listed,
                _ => true,
            }
        });
    }

    /// Merges a record; statuses only move forward, so an older answer never undoes a newer one.
    fn upsert(&mut self, cc: Conferencecall) {
        self.awaiting.remove(&cc.id);
        self.remembered.unread.remove(&cc.id);
        if !cc.status.is_live() {
            self.live.remove(&cc.id);
            return;
        }
        self.learn_horizon(&cc);
        match self.live.get_mut(&cc.id) {
            Some(old) if !cc.status.supersedes(&old.status) => {}
            Some(old) => *old = Arc::new(cc),
            None => {
                self.live.insert(cc.id, Arc::new(cc));
            }
        }
    }
}

#[cfg(test)]
mod tests;
