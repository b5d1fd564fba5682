//! Conference records pushed over the websocket, applied to the picture: the record's
//! `conferencecall_ids` is authoritative for its joined and leaving participants, exactly as a
//! listed room's is, so a lost id is a participant who left and a new id one who joined.

use super::*;

/// Up to this many new participants are fetched one by one; more, and the newest pages are
/// walked instead: new participants are the newest records, and one request finds up to a
/// page of them where fetching them costs one each (under churn, records come in batches).
const FETCH_ONE_BY_ONE: usize = 0;

impl Tracker {
    /// Applies pushed conference records (in the order they came), fetches the participants
    /// they name that are not known yet, and sends the snapshot. Duplicates change nothing;
    /// a record older than the one held is skipped.
    pub async fn apply_pushed(
        &mut self,
        f: &mut Fetcher<'_>,
        records: Vec<Conference>,
        now: Timestamp,
        wanted: &Wanted,
        events: &Events,
    ) -> Result<(), ApiError> {
        self.turn += 1;
        let mut unknown: HashSet<Uuid> = HashSet::new();
        for conference in records {
            if let Some(held) = self.conferences.get(&conference.id)
                && held.tm_update > conference.tm_update
            {
                continue;
            }
            // Someone just joined: forget that their id did not resolve before.
            for id in &conference.conferencecall_ids {
                if !self.live.contains_key(id) {
                    self.unresolved.remove(id);
                }
            }
            self.reconcile(&conference, now);
            self.await_listed(&conference);
            unknown.extend(
                conference
                    .conferencecall_ids
                    .iter()
                    .filter(|id| !self.live.contains_key(id)),
            );
            if conference.status == ConferenceStatus::Terminated {
                self.listed.remove(&conference.id);
                self.emptying.remove(&conference.id);
                self.conferences.remove(&conference.id);
            } else {
                if conference.kind == ConferenceType::Conference && conference.tm_delete.is_none() {
                    self.listed.insert(conference.id);
                }
                self.conferences.insert(conference.id, Arc::new(conference));
            }
        }
        let mut seen = HashSet::new();
        if unknown.len() > FETCH_ONE_BY_ONE {
            seen = self
                .walk_newest(f, now, false, &mut unknown, events)
                .await?;
        }
        self.resolve(f, unknown, events).await;
        self.finish(f, &seen, events).await;
        self.lookup_calls(f, wanted, events).await;
        Ok(())
    }
}
