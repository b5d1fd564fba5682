//! The cache ([`crate::cache`]) on the tracker's side: what a start takes from it, and what
//! each job gives back. Nothing from the cache is a status: a participant it knows is shown as
//! its room lists it (joined, until its record says otherwise), and a call it knows names the
//! caller while the call's state is read again, with spare budget.

use crate::cache::{Batch, Cache, Known, Peers, Walked, Warm};
use crate::sync::snapshot::Stay;

use super::*;

/// A participant seen live this shortly before the cache was last written was live then.
const LAST_SEEN: SignedDuration = SignedDuration::from_mins(2);
/// How often a participant still live has its "seen" time written again.
const SEEN_EVERY: SignedDuration = SignedDuration::from_mins(1);

/// The cache, as far as one tracker uses it.
#[derive(Debug, Default)]
pub(super) struct Remembered {
    pub cache: Option<Cache>,
    /// Opening was tried (it is tried once, when the customer is known).
    pub tried: bool,
    /// Participants the cache knows that are not in the picture yet.
    pub known: IdMap<Known>,
    /// Participants in the picture from the cache alone (no record of theirs read yet).
    pub unread: IdSet,
    /// Calls known from the cache whose state has not been read.
    pub stale_calls: IdSet,
    /// Calls read since the last write.
    pub calls: Vec<Call>,
    /// When each participant was last written as seen.
    pub written: IdMap<Timestamp>,
    /// This conftop's side of the cache shared with its peers (see [`super::peers`]).
    pub peers: Option<Arc<Peers>>,
    /// Participants written since this time have not been looked at for peers' reads.
    pub peers_since: Timestamp,
}

impl Tracker {
    /// Opens the cache for this host and customer and takes what it holds.
    pub(super) async fn open_cache(&mut self, f: &Fetcher<'_>, events: &Events, now: Timestamp) {
        let (Some(dir), Some(customer)) = (self.cfg.cache.clone(), self.customer) else {
            return;
        };
        if std::mem::replace(&mut self.remembered.tried, true) {
            return;
        }
        let host = f.client.host();
        let span = self.horizon.span;
        let opened =
            tokio::task::spawn_blocking(move || Cache::open(&dir, &host, customer, span, now))
                .await;
        match opened {
            Ok(Ok((cache, warm))) => {
                tracing::info!(path = %cache.path().display(), participants = warm.participants.len(), calls = warm.calls.len(), "cache opened");
                self.remembered.peers = Some(cache.peers());
                self.remembered.peers_since = now;
                self.remembered.cache = Some(cache);
                self.take_warm(warm, events, now).await;
            }
            Ok(Err(e)) => tracing::warn!("running without a cache: {e}"),
            Err(e) => tracing::warn!("running without a cache: {e}"),
        }
    }

    /// What a start knows from the cache: callers' names at once; the participants live at its
    /// last write, as their rooms will confirm or not; and, when that is within the horizon,
    /// how far the history was read: this start reads only what is newer, and the background
    /// scan goes on where it stopped.
    async fn take_warm(&mut self, warm: Warm, events: &Events, now: Timestamp) {
        let Warm {
            participants,
            calls,
            walked,
        } = warm;
        for c in &calls {
            self.call_sent(c.id);
            self.remembered.stale_calls.insert(c.id);
        }
        if !calls.is_empty() {
            let _ = events.send(SyncEvent::Remembered(calls)).await;
        }
        let horizon = now.saturating_sub(self.horizon.span).unwrap_or(now);
        let walked = walked.filter(|w| w.frontier > horizon && w.at <= now);
        if let Some(w) = &walked {
            let stays = participants
                .iter()
                .map(|k| Stay {
                    conference: k.conference,
                    joined: k.joined,
                    seen: k.seen,
                })
                .collect();
            let _ = events
                .send(SyncEvent::Stays {
                    stays,
                    written: w.at,
                })
                .await;
        }
        for k in participants {
            let live_then = walked.as_ref().is_some_and(|w| k.seen >= w.at - LAST_SEEN);
            if live_then && !self.live.contains_key(&k.id) {
                self.live.insert(k.id, Arc::new(unread(&k, k.conference)));
                self.remembered.unread.insert(k.id);
            }
            self.remembered.known.insert(k.id, k);
        }
        if let Some(w) = &walked {
            // Everything older was in that picture: only what came since is walked, and the
            // rooms (listed, or checked one by one) say who of it is still there.
            self.frontier = Some(w.frontier);
            self.deep = w.deep.clone();
            self.warm = true;
        }
    }

    /// A participant its room lists whose record the cache knows: in the picture at once,
    /// with no request. Returns whether it was known.
    pub(super) fn place_known(&mut self, id: Uuid, conference: Uuid) -> bool {
        let Some(k) = self.remembered.known.get(&id) else {
            return false;
        };
        self.live.insert(id, Arc::new(unread(k, conference)));
        self.remembered.unread.insert(id);
        true
    }

    /// Calls read from the server: their state is current, and they go to the cache.
    pub(super) fn calls_read(&mut self, calls: &[Call]) {
        for c in calls {
            self.remembered.stale_calls.remove(&c.id);
        }
        if self.remembered.cache.is_some() {
            self.remembered.calls.extend(calls.iter().cloned());
        }
    }

    /// Writes what this job learned: new participants (and, once a minute, that those still
    /// live were seen), the calls read, how far the history is read.
    pub(super) fn remember(&mut self) {
        let Some(cache) = &self.remembered.cache else {
            return;
        };
        let now = Timestamp::now();
        let mut batch = Batch {
            calls: std::mem::take(&mut self.remembered.calls),
            ..Batch::default()
        };
        for p in self.live.values() {
            let due = self
                .remembered
                .written
                .get(&p.id)
                .is_none_or(|t| now.duration_since(*t) >= SEEN_EVERY);
            // One known from the cache and not read again is written when its room still
            // lists it (it is live: the trend after a restart counts on that), not on a guess.
            let confirmed = !self.remembered.unread.contains(&p.id)
                || self
                    .conferences
                    .get(&p.conference_id)
                    .is_some_and(|c| c.conferencecall_ids.contains(&p.id));
            if due && confirmed {
                batch.participants.push(Known {
                    id: p.id,
                    conference: p.conference_id,
                    call: p.reference_id,
                    joined: p.tm_create,
                    seen: now,
                    read: None,
                });
            }
        }
        for k in &batch.participants {
            self.remembered.written.insert(k.id, now);
        }
        let live = &self.live;
        self.remembered
            .written
            .retain(|id, _| live.contains_key(id));
        batch.walked = self.frontier.map(|frontier| Walked {
            frontier,
            deep: self.deep.clone(),
            at: now,
        });
        cache.save(batch);
    }

    /// Reads again, with spare budget, the state of calls known from the cache: those on
    /// screen first.
    pub(super) async fn confirm_calls(
        &mut self,
        f: &mut Fetcher<'_>,
        wanted: &Wanted,
        events: &Events,
    ) {
        if self.remembered.stale_calls.is_empty() {
            return;
        }
        let stale = &self.remembered.stale_calls;
        let mut ids: Vec<Uuid> = wanted
            .visible
            .iter()
            .filter(|c| stale.contains(c))
            .copied()
            .collect();
        let first: HashSet<Uuid> = ids.iter().copied().collect();
        let live_calls = self.live.values().filter_map(|p| p.reference_id);
        ids.extend(live_calls.filter(|c| stale.contains(c) && !first.contains(c)));
        let mut found = Vec::new();
        for id in ids {
            match f.spare(|c| c.get_call(id)).await {
                None => break,
                Some(Ok(call)) => found.push(call),
                Some(Err(e)) if matches!(e.kind, ErrorKind::Gone | ErrorKind::Forbidden) => {
                    self.remembered.stale_calls.remove(&id);
                }
                Some(Err(_)) => break,
            }
        }
        if !found.is_empty() {
            self.calls_read(&found);
            let _ = events.send(SyncEvent::Calls(found)).await;
        }
    }
}

/// A record made of what the cache knows, in the room that lists it: joined (as a listed
/// participant whose record has not been read is shown), with its real join time and call.
pub(super) fn unread(k: &Known, conference: Uuid) -> Conferencecall {
    Conferencecall {
        id: k.id,
        customer_id: None,
        activeflow_id: None,
        conference_id: conference,
        reference_type: Default::default(),
        reference_id: k.call,
        status: ConferencecallStatus::Joined,
        tm_create: k.joined,
        tm_update: None,
        tm_delete: None,
    }
}
