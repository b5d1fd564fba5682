//! The picture sent to the app: every live participant, and the listed ones whose records
//! are still to come (as placeholders), with how far the loading and the history scan are.

use super::*;

impl Tracker {
    /// Sends the picture as it stands while a long refresh goes on (at most a few times a
    /// second, or `now`: after each record read for the screen, at most a screenful a walk),
    /// so the screen fills in as details arrive.
    pub(super) async fn progress(&mut self, f: &Fetcher<'_>, events: &Events, now: bool) {
        const EVERY: std::time::Duration = std::time::Duration::from_millis(300);
        // Only a full refresh takes long enough to be worth showing as it goes.
        if self.warm {
            return;
        }
        if now || self.last_sent.is_none_or(|t| t.elapsed() >= EVERY) {
            self.send_snapshot(f, events, true).await;
        }
    }

    pub(super) async fn send_snapshot(&mut self, f: &Fetcher<'_>, events: &Events, interim: bool) {
        let mut participants: Vec<Arc<Conferencecall>> = self.live.values().cloned().collect();
        let mut awaited = 0;
        for (id, conference) in &self.awaiting {
            if !self.live.contains_key(id) {
                participants.push(Arc::new(placeholder(*id, *conference)));
                awaited += 1;
            }
        }
        let now = Timestamp::now();
        let history = self.deep.as_ref().map(|_| {
            let reached = self.scanned_to.unwrap_or(now);
            let span = self.horizon.span.as_secs_f64().max(1.0);
            (now.duration_since(reached).as_secs_f64() / span).clamp(0.0, 1.0) as f32
        });
        let snapshot = Snapshot {
            participants,
            conferences: self.conferences.clone(),
            requests: f.requests,
            complete: self.deep.is_none(),
            awaited,
            history,
            interim,
            confirmed: f.answered,
            conferences_listed: self.conferences_listed,
            horizon: self.horizon,
        };
        self.last_sent = Some(std::time::Instant::now());
        let _ = events.send(SyncEvent::Snapshot(Arc::new(snapshot))).await;
    }
}

/// A listed participant whose record has not arrived: in the room, so `joined` or `leaving`
/// (shown as joined until its record says otherwise), times unknown.
fn placeholder(id: Uuid, conference: Uuid) -> Conferencecall {
    Conferencecall {
        id,
        customer_id: None,
        activeflow_id: None,
        conference_id: conference,
        reference_type: Default::default(),
        reference_id: None,
        status: ConferencecallStatus::Joined,
        tm_create: None,
        tm_update: None,
        tm_delete: None,
    }
}
