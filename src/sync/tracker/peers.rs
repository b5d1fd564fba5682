//! Sharing the reading with peers (other conftops of this host and customer, on the same
//! cache; see [`crate::cache::Peers`]). Four screens of a wall started together would each
//! read the same records and callers; instead, each record or call read one by one is claimed
//! first, read by the one that holds the claim, and written to the cache at once, where the
//! others take it. A participant a peer read shows with the status the peer read, while that
//! is seconds old (else as its room lists it, as the cache's do); a caller by name, while its
//! call's state is read again with spare budget.
//!
//! Without a cache (`--no-cache`, the demo) there are no peers, and everything below is the
//! identity: every id is this conftop's to read.

use std::time::Duration;

use crate::cache::{CLAIM_FOR, Kind, Known, Read};

use super::*;

/// How often claims held by peers are looked at again while waiting for what they read.
const PEER_POLL: Duration = Duration::from_millis(200);

/// A status a peer read from the server is taken while it is this fresh; an older one is not
/// (the participant shows as its room lists it, as the cache's do).
const FRESH: SignedDuration = SignedDuration::from_secs(30);

impl Tracker {
    /// Participants whose record a peer wrote since last asked: in the picture as the cache's
    /// are, no longer awaited (nor looked for on a page). Returns how many came.
    pub(super) async fn records_from_peers(&mut self, expected: &mut HashSet<Uuid>) -> usize {
        let Some(peers) = self.remembered.peers.clone() else {
            return 0;
        };
        if self.awaiting.is_empty() && expected.is_empty() {
            return 0;
        }
        let since = self.remembered.peers_since;
        let now = Timestamp::now();
        let written = off_thread(peers, Vec::new(), move |p| p.participants_since(since)).await;
        // A row is stamped before its transaction commits: the last seconds are read again.
        self.remembered.peers_since = now - SignedDuration::from_secs(5);
        let mut came = 0;
        for k in written {
            // This one's own reading wins: one it has (or that did not resolve to someone
            // live) is not taken from a peer's older word.
            if self.live.contains_key(&k.id) || self.unresolved.contains_key(&k.id) {
                continue;
            }
            let listed_in = self.awaiting.get(&k.id).copied();
            if listed_in.is_none() && !expected.contains(&k.id) {
                continue;
            }
            let conference = listed_in.unwrap_or(k.conference);
            self.awaiting.remove(&k.id);
            expected.remove(&k.id);
            let mut record = remember::unread(&k, conference);
            match k.read.as_ref().filter(|r| now.duration_since(r.at) < FRESH) {
                // The server's word, seconds old: as good as read here.
                Some(r) if r.status.is_live() => {
                    record.status = r.status.clone();
                    record.tm_update = r.updated;
                    self.checked.insert(Target::Participant(k.id), self.turn);
                }
                _ => {
                    self.remembered.unread.insert(k.id);
                }
            }
            self.live.insert(k.id, Arc::new(record));
            self.remembered.written.insert(k.id, k.seen);
            came += 1;
        }
        came
    }

    /// Of `ids` (calls wanted), those a peer has named: sent as the cache's are (names now, state
    /// later); returns the rest, in order.
    pub(super) async fn calls_from_peers(&mut self, ids: Vec<Uuid>, events: &Events) -> Vec<Uuid> {
        let Some(peers) = self.remembered.peers.clone() else {
            return ids;
        };
        // Asked between every two records read for the screen: no query for nothing.
        if ids.is_empty() {
            return ids;
        }
        let asked = ids.clone();
        let found = off_thread(peers, Vec::new(), move |p| p.calls(&asked)).await;
        if found.is_empty() {
            return ids;
        }
        let named: HashSet<Uuid> = found.iter().map(|c| c.id).collect();
        for c in &found {
            self.call_sent(c.id);
            self.remembered.stale_calls.insert(c.id);
        }
        let _ = events.send(SyncEvent::Remembered(found)).await;
        ids.into_iter().filter(|id| !named.contains(id)).collect()
    }

    /// Whether this conftop reads `id`: always without peers; with them, when it could claim
    /// it (a peer reading it now holds the claim).
    pub(super) async fn is_ours(&self, kind: Kind, id: Uuid) -> bool {
        let Some(peers) = self.remembered.peers.clone() else {
            return true;
        };
        off_thread(peers, vec![id], move |p| {
            p.claim(kind, &[id], Timestamp::now())
        })
        .await
        .contains(&id)
    }

    /// Lets go of a claim whose read failed: a peer reads it instead.
    pub(super) async fn let_go(&self, kind: Kind, id: Uuid) {
        if let Some(peers) = self.remembered.peers.clone() {
            off_thread(peers, (), move |p| p.release(kind, &[id])).await;
        }
    }

    /// Writes records just read, at once, for peers waiting on them.
    pub(super) async fn share_records(&mut self, records: &[&Conferencecall]) {
        let Some(peers) = self.remembered.peers.clone() else {
            return;
        };
        let now = Timestamp::now();
        let known: Vec<Known> = records
            .iter()
            .filter(|cc| cc.status.is_live())
            .map(|cc| Known {
                id: cc.id,
                conference: cc.conference_id,
                call: cc.reference_id,
                joined: cc.tm_create,
                seen: now,
                read: Some(Read {
                    status: cc.status.clone(),
                    updated: cc.tm_update,
                    at: now,
                }),
            })
            .collect();
        if known.is_empty() {
            return;
        }
        for k in &known {
            self.remembered.written.insert(k.id, now);
        }
        off_thread(peers, (), move |p| p.share(&known, &[])).await;
    }

    /// Writes calls just read, at once, for peers waiting on them.
    pub(super) async fn share_calls(&self, calls: &[Call]) {
        if let Some(peers) = self.remembered.peers.clone() {
            let calls = calls.to_vec();
            off_thread(peers, (), move |p| p.share(&[], &calls)).await;
        }
    }

    /// Waits for the records peers are reading (`theirs`), and reads itself any whose claim
    /// lapsed or was let go, until none is left or the longest a claim holds has passed.
    pub(super) async fn await_peers(
        &mut self,
        f: &mut Fetcher<'_>,
        mut theirs: Vec<Uuid>,
        events: &Events,
    ) {
        let deadline = tokio::time::Instant::now() + CLAIM_FOR.unsigned_abs() + PEER_POLL;
        while !theirs.is_empty() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(PEER_POLL).await;
            let mut waiting: HashSet<Uuid> = theirs.iter().copied().collect();
            if self.records_from_peers(&mut waiting).await > 0 {
                self.progress(f, events, true).await;
            }
            theirs.retain(|id| self.awaiting.contains_key(id) && !self.live.contains_key(id));
            // Those whose claim lapsed or was let go are read here, each claimed just before.
            let mut still = Vec::new();
            for id in std::mem::take(&mut theirs) {
                if !self.is_ours(Kind::Record, id).await {
                    still.push(id);
                    continue;
                }
                if !self.read_listed(f, id).await {
                    return;
                }
                self.progress(f, events, false).await;
            }
            theirs = still;
        }
    }
}

/// Runs a query on the shared cache off the async thread (a peer's long transaction must not
/// hold up the screen); `fallback` if that thread could not run it.
async fn off_thread<T: Send + 'static>(
    peers: Arc<crate::cache::Peers>,
    fallback: T,
    f: impl FnOnce(&crate::cache::Peers) -> T + Send + 'static,
) -> T {
    tokio::task::spawn_blocking(move || f(&peers))
        .await
        .unwrap_or(fallback)
}
