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
//! 3. Rooms that list does not show (`connect` and `queue` rooms, deleted rooms still
//!    emptying) are checked with `GET /conferences/{id}`: all of them on a full refresh,
//!    otherwise a few per refresh in turn.
//!
//! A full refresh (the first, and the first after any failure) walks the newest pages until
//! every listed participant is found and a page holds nobody live; the rest of the history
//! within the 24 h health-check horizon is then scanned with spare budget only, so that old
//! participants of unlisted rooms are found too. Call details are looked up with spare budget,
//! in bulk (`GET /calls` pages) when many are missing, rows on screen first.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::api::{
    ApiError, Call, Conference, ConferenceStatus, Conferencecall, ConferencecallStatus, ErrorKind,
    PageRequest,
};

use super::fetch::Fetcher;
use super::snapshot::{Snapshot, SyncEvent};

/// Knobs of the refresh strategy.
#[derive(Debug, Clone)]
pub struct TrackerConfig {
    pub page_size: u32,
    /// Participants older than this are kicked by the server's health check (API.md §3).
    pub horizon: SignedDuration,
    /// Pages a full refresh walks before leaving the rest to the background scan.
    pub full_pages: usize,
    /// Pages a normal refresh walks before giving up and asking for a full one.
    pub warm_pages: usize,
    /// Unlisted rooms (and stuck `joining` participants) checked per normal refresh.
    pub verify_per_refresh: usize,
    /// Tokens optional work leaves in the budget for the next refresh.
    pub spare_reserve: f64,
    /// From this many missing call details on, look them up by listing `GET /calls` pages.
    pub bulk_calls: usize,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        TrackerConfig {
            page_size: 100,
            horizon: SignedDuration::from_hours(24),
            full_pages: 40,
            warm_pages: 10,
            verify_per_refresh: 1,
            spare_reserve: 4.0,
            bulk_calls: 10,
        }
    }
}

/// Something checked with a direct request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Room(Uuid),
    Participant(Uuid),
}

/// The background scan of older history.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Deep {
    /// Continue from this page token.
    From(String),
    Done,
}

/// The sync task's picture of the live conferences, carried from refresh to refresh.
#[derive(Debug)]
pub struct Tracker {
    cfg: TrackerConfig,
    live: HashMap<Uuid, Conferencecall>,
    rooms: HashMap<Uuid, Conference>,
    listed: HashSet<Uuid>,
    frontier: Option<Timestamp>,
    warm: bool,
    deep: Deep,
    turn: u64,
    /// The refresh turn at which each participant's status was last confirmed directly.
    checked: HashMap<Uuid, u64>,
    customer_known: bool,
    /// Call ids already sent to the app (or known not to resolve).
    calls_done: HashSet<Uuid>,
    /// Where the bulk `GET /calls` walk continues.
    calls_token: Option<String>,
    /// The most items the server returns per page. A shorter page is the last one, which
    /// saves the extra request that only answers `[]`. Learned downwards if a server turns out
    /// to cap pages below what was asked.
    page_limit: usize,
}

/// Where a refresh sends what it learns.
pub type Events = mpsc::Sender<SyncEvent>;

impl Tracker {
    pub fn new(cfg: TrackerConfig) -> Tracker {
        Tracker {
            cfg,
            live: HashMap::new(),
            rooms: HashMap::new(),
            listed: HashSet::new(),
            frontier: None,
            warm: false,
            deep: Deep::Done,
            turn: 0,
            checked: HashMap::new(),
            customer_known: false,
            calls_done: HashSet::new(),
            calls_token: None,
            page_limit: usize::MAX,
        }
    }

    /// Whether a page is the last one, and what the server's page cap must be.
    fn is_last(&mut self, len: usize, next: &Option<String>) -> bool {
        self.page_limit = self.page_limit.min(self.cfg.page_size as usize);
        next.is_none() || len == 0 || len < self.page_limit
    }

    /// A page that was expected to be the last turned out not to be: the server caps pages
    /// at `len` items.
    fn learn_limit(&mut self, len: usize) {
        if len > 0 && len < self.page_limit {
            tracing::info!("the server returns at most {len} items per page");
            self.page_limit = len;
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

    /// One refresh. Sends the snapshot as soon as the picture is complete, then spends spare
    /// budget on call details and the background history scan.
    pub async fn refresh(
        &mut self,
        f: &mut Fetcher<'_>,
        now: Timestamp,
        visible: &[Uuid],
        events: &Events,
    ) -> Result<(), ApiError> {
        let full = !self.warm;
        if !self.customer_known {
            let customer = f.call(|c| c.get_customer()).await?;
            self.customer_known = true;
            let _ = events.send(SyncEvent::Customer(customer)).await;
        }

        // 1. The listed rooms and their joined/leaving sets.
        let listed = self.list_rooms(f).await?;
        let was_listed = std::mem::take(&mut self.listed);
        let mut expected: HashSet<Uuid> = HashSet::new();
        for room in listed {
            self.listed.insert(room.id);
            expected.extend(room.conferencecall_ids.iter().copied());
            self.reconcile(&room);
            self.rooms.insert(room.id, room);
        }

        // 2. The newest participants, down to the frontier.
        let seen = self.walk_newest(f, now, full, &mut expected).await?;

        // Listed participants the walk did not reach (joined long ago, or missed by a cap).
        for id in expected {
            if self.live.contains_key(&id) {
                continue;
            }
            match f.call(|c| c.get_conferencecall(id)).await {
                Ok(cc) => {
                    self.checked.insert(cc.id, self.turn + 1);
                    self.upsert(cc)
                }
                Err(e) if e.kind == ErrorKind::Gone => {}
                Err(e) => return Err(e),
            }
        }

        // 3. What no list confirms: unlisted rooms, stuck `joining`, and a slow sweep.
        self.turn += 1;
        for target in self.verification_targets(full, &was_listed, &seen, now) {
            match target {
                Target::Room(room) => match f.call(|c| c.get_conference(room)).await {
                    Ok(conf) => {
                        self.reconcile(&conf);
                        self.rooms.insert(conf.id, conf);
                    }
                    Err(e) if e.kind == ErrorKind::Gone => {
                        self.live.retain(|_, p| p.conference_id != room);
                    }
                    Err(e) => return Err(e),
                },
                Target::Participant(id) => match f.call(|c| c.get_conferencecall(id)).await {
                    Ok(cc) => {
                        self.checked.insert(id, self.turn);
                        self.upsert(cc)
                    }
                    Err(e) if e.kind == ErrorKind::Gone => {
                        self.live.remove(&id);
                    }
                    Err(e) => return Err(e),
                },
            }
        }
        let turn = self.turn;
        for id in &seen {
            self.checked.insert(*id, turn);
        }
        let live = &self.live;
        self.checked.retain(|id, _| live.contains_key(id));

        let keep: HashSet<Uuid> = self.live.values().map(|p| p.conference_id).collect();
        let listed_now = &self.listed;
        self.rooms
            .retain(|id, _| listed_now.contains(id) || keep.contains(id));
        self.warm = true;

        let snapshot = Snapshot {
            taken_at: Some(Timestamp::now()),
            participants: self.live.values().cloned().collect(),
            conferences: self.rooms.clone(),
            requests: f.requests,
            complete: self.deep == Deep::Done,
        };
        let _ = events.send(SyncEvent::Snapshot(Arc::new(snapshot))).await;

        // Optional work with spare budget only; failures here do not fail the refresh.
        self.lookup_calls(f, visible, events).await;
        self.scan_history(f, now).await;
        Ok(())
    }

    /// Every page of `GET /conferences` (normally one).
    async fn list_rooms(&mut self, f: &mut Fetcher<'_>) -> Result<Vec<Conference>, ApiError> {
        let mut rooms = Vec::new();
        let mut req = PageRequest::first(self.cfg.page_size);
        let full = !self.warm;
        let mut short_page = None;
        for _ in 0..self.cfg.full_pages {
            let page = f.call(|c| c.list_conferences(&req)).await?;
            let len = page.items.len();
            if let Some(prev) = short_page.take()
                && len > 0
            {
                self.learn_limit(prev);
            }
            rooms.extend(page.items);
            let last = self.is_last(len, &page.next_page_token);
            match page.next_page_token {
                // A full refresh checks the short page's token once, to learn a lower cap.
                Some(t) if len > 0 && Some(&t) != req.page_token.as_ref() && (!last || full) => {
                    if last {
                        short_page = Some(len);
                    }
                    req = PageRequest::after(self.cfg.page_size, t)
                }
                _ => break,
            }
        }
        Ok(rooms)
    }

    /// Applies a room's authoritative `conferencecall_ids` to the participants tracked in it.
    fn reconcile(&mut self, room: &Conference) {
        let inside: HashSet<&Uuid> = room.conferencecall_ids.iter().collect();
        let ended = room.status == ConferenceStatus::Terminated;
        // A terminating room has kicked everyone still in it (API.md §4).
        let kicked = room.status == ConferenceStatus::Terminating;
        self.live.retain(|id, p| {
            if p.conference_id != room.id {
                return true;
            }
            let listed = inside.contains(id);
            match p.status {
                _ if ended && !listed => false,
                ConferencecallStatus::Joining | ConferencecallStatus::Joined
                    if kicked && listed =>
                {
                    p.status = ConferencecallStatus::Leaving;
                    true
                }
                ConferencecallStatus::Joining if listed => {
                    p.status = ConferencecallStatus::Joined;
                    true
                }
                ConferencecallStatus::Joined | ConferencecallStatus::Leaving => listed,
                _ => true,
            }
        });
    }

    /// Merges a record; statuses only move forward, so an older answer never undoes a newer one.
    fn upsert(&mut self, cc: Conferencecall) {
        if !cc.status.is_live() {
            self.live.remove(&cc.id);
            return;
        }
        match self.live.get_mut(&cc.id) {
            Some(old) if cc.status.rank() < old.status.rank() && cc.status.rank() > 0 => {}
            Some(old) => *old = cc,
            None => {
                self.live.insert(cc.id, cc);
            }
        }
    }

    /// Walks `GET /conferencecalls` from the newest page. Returns the ids it saw.
    async fn walk_newest(
        &mut self,
        f: &mut Fetcher<'_>,
        now: Timestamp,
        full: bool,
        expected: &mut HashSet<Uuid>,
    ) -> Result<HashSet<Uuid>, ApiError> {
        let horizon = now - self.cfg.horizon;
        let cap = if full {
            self.cfg.full_pages
        } else {
            self.cfg.warm_pages
        };
        let frontier = if full { None } else { self.frontier };
        let mut newest = self.frontier;
        let mut seen = HashSet::new();
        let mut token: Option<String> = None;
        if full {
            self.deep = Deep::Done;
        }
        for page_no in 1.. {
            let req = match &token {
                None => PageRequest::first(self.cfg.page_size),
                Some(t) => PageRequest::after(self.cfg.page_size, t.clone()),
            };
            let page = f.call(|c| c.list_conferencecalls(&req)).await?;
            let empty = page.items.is_empty();
            let len = page.items.len();
            let mut live_here = 0;
            let mut at_frontier = false;
            let mut past_horizon = false;
            for cc in page.items {
                if let Some(created) = cc.tm_create {
                    at_frontier |= frontier.is_some_and(|fr| created <= fr);
                    past_horizon |= created < horizon;
                    newest = newest.max(Some(created));
                }
                expected.remove(&cc.id);
                seen.insert(cc.id);
                if cc.status.is_live() {
                    live_here += 1;
                }
                self.upsert(cc);
            }
            let next = page.next_page_token;
            let looped = next.is_some() && next == token;
            if looped {
                tracing::warn!("the server repeated a page token; stopping this walk");
            }
            let last = self.is_last(len, &next);
            if empty || last || looped || past_horizon || at_frontier {
                break;
            }
            if full && expected.is_empty() && live_here == 0 {
                // Everyone listed is found and this page holds nobody live: the rest is
                // history, scanned in the background for old participants of unlisted rooms.
                self.deep = Deep::From(next.unwrap_or_default());
                break;
            }
            if page_no >= cap {
                if full {
                    self.deep = Deep::From(next.unwrap_or_default());
                } else {
                    // More arrived since the last refresh than a normal walk covers.
                    self.warm = false;
                }
                break;
            }
            token = next;
        }
        self.frontier = newest;
        Ok(seen)
    }

    /// What to check with a direct request this refresh. Always: rooms never seen and rooms
    /// that just left the list (deleted, still emptying). On a full refresh: every unlisted
    /// room and every stuck participant. Otherwise `verify_per_refresh` picks in turn, from
    /// unlisted rooms and stuck `joining` (or unknown-status) participants, alternating with
    /// the `joined` participant confirmed longest ago, which catches one stuck in `leaving`.
    fn verification_targets(
        &self,
        full: bool,
        was_listed: &HashSet<Uuid>,
        seen: &HashSet<Uuid>,
        now: Timestamp,
    ) -> Vec<Target> {
        let mut unlisted: Vec<Uuid> = self
            .live
            .values()
            .map(|p| p.conference_id)
            .filter(|r| !self.listed.contains(r))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        unlisted.sort_unstable();
        let mut stuck: Vec<&Conferencecall> = self
            .live
            .values()
            .filter(|p| !seen.contains(&p.id))
            .filter(|p| {
                !matches!(
                    p.status,
                    ConferencecallStatus::Joined | ConferencecallStatus::Leaving
                )
            })
            .filter(|p| {
                p.tm_create
                    .is_none_or(|t| now.duration_since(t) > SignedDuration::from_secs(30))
            })
            .collect();
        stuck.sort_by_key(|p| (self.checked.get(&p.id).copied().unwrap_or(0), p.id));

        if full {
            let rooms = unlisted.into_iter().map(Target::Room);
            return rooms
                .chain(stuck.into_iter().map(|p| Target::Participant(p.id)))
                .collect();
        }
        let mut out: Vec<Target> = unlisted
            .iter()
            .filter(|r| !self.rooms.contains_key(r) || was_listed.contains(r))
            .map(|r| Target::Room(*r))
            .collect();
        let mut rotation: Vec<Target> = unlisted
            .iter()
            .filter(|r| !out.contains(&Target::Room(**r)))
            .map(|r| Target::Room(*r))
            .chain(stuck.iter().map(|p| Target::Participant(p.id)))
            .collect();
        let sweep = self
            .live
            .values()
            .filter(|p| p.status == ConferencecallStatus::Joined && !seen.contains(&p.id))
            .min_by_key(|p| (self.checked.get(&p.id).copied().unwrap_or(0), p.id))
            .map(|p| Target::Participant(p.id));
        for i in 0..self.cfg.verify_per_refresh as u64 {
            let turn = self.turn * self.cfg.verify_per_refresh as u64 + i;
            let pick = match (&sweep, rotation.is_empty()) {
                (Some(s), true) => Some(*s),
                (Some(s), false) if turn % 2 == 1 => Some(*s),
                (_, false) => Some(rotation.remove((turn / 2) as usize % rotation.len())),
                (None, true) => None,
            };
            if let Some(t) = pick
                && !out.contains(&t)
            {
                out.push(t);
            }
        }
        out
    }

    /// Looks up call details not sent yet: rows on screen first, in bulk when many are missing.
    async fn lookup_calls(&mut self, f: &mut Fetcher<'_>, visible: &[Uuid], events: &Events) {
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
        let reserve = self.cfg.spare_reserve;
        let mut found: Vec<Call> = Vec::new();

        if wanted.len() >= self.cfg.bulk_calls {
            let oldest = self
                .live
                .values()
                .filter(|p| {
                    p.reference_id
                        .is_some_and(|r| !self.calls_done.contains(&r))
                })
                .filter_map(|p| p.tm_create)
                .min();
            let mut missing: HashSet<Uuid> = wanted.iter().map(|w| w.2).collect();
            while !missing.is_empty() {
                let req = match &self.calls_token {
                    None => PageRequest::first(self.cfg.page_size),
                    Some(t) => PageRequest::after(self.cfg.page_size, t.clone()),
                };
                let Some(result) = f
                    .spare(reserve, |c| async move { c.list_calls(&req).await })
                    .await
                else {
                    break;
                };
                let Ok(page) = result else {
                    self.calls_token = None;
                    break;
                };
                let mut older_than_all = page.items.is_empty();
                for call in page.items {
                    if let (Some(t), Some(o)) = (call.tm_create, oldest) {
                        older_than_all |= t < o - SignedDuration::from_mins(10);
                    }
                    if missing.remove(&call.id) {
                        self.calls_done.insert(call.id);
                        found.push(call);
                    }
                }
                let next = page.next_page_token;
                if older_than_all || next.is_none() || next == self.calls_token {
                    self.calls_token = None;
                    break;
                }
                self.calls_token = next;
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
            let Some(result) = f.spare(reserve, |c| c.get_call(id)).await else {
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

    /// Continues the background scan of history within the horizon, with spare budget only.
    async fn scan_history(&mut self, f: &mut Fetcher<'_>, now: Timestamp) {
        let horizon = now - self.cfg.horizon;
        while let Deep::From(token) = self.deep.clone() {
            let req = PageRequest::after(self.cfg.page_size, token.clone());
            let Some(result) = f
                .spare(self.cfg.spare_reserve, |c| async move {
                    c.list_conferencecalls(&req).await
                })
                .await
            else {
                return;
            };
            let Ok(page) = result else { return };
            let mut past_horizon = page.items.is_empty();
            for cc in page.items {
                past_horizon |= cc.tm_create.is_some_and(|t| t < horizon);
                if cc.status.is_live() && !self.live.contains_key(&cc.id) {
                    self.live.insert(cc.id, cc);
                }
            }
            self.deep = match page.next_page_token {
                Some(next) if !past_horizon && next != token => Deep::From(next),
                _ => Deep::Done,
            };
        }
    }
}
