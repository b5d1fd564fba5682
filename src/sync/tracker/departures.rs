//! Departures read on the way: participants that left within the departures window, as the
//! pages read anyway show them, told to the app once each (the app keeps the departures).

use super::*;

/// How long a departure is kept ([`crate::defaults::DEPARTURES`]).
fn window() -> SignedDuration {
    SignedDuration::try_from(crate::defaults::DEPARTURES).unwrap_or(SignedDuration::from_mins(15))
}

impl Tracker {
    /// Notes a record of a participant that left within the departures window (pages read
    /// anyway hold them: no request is made for this).
    pub(super) fn note_departure(&mut self, cc: &Conferencecall, now: Timestamp) {
        if cc.status != ConferencecallStatus::Leaved || self.departures_told.contains_key(&cc.id) {
            return;
        }
        let Some(left) = cc.tm_update.or(cc.tm_delete) else {
            return;
        };
        let window = window();
        if now.duration_since(left) < window && left <= now {
            self.departures_told.insert(cc.id, left);
            self.unsent_departures.push(Arc::new(cc.clone()));
        }
    }

    /// Sends the departures noted since last time, and forgets those out of the window.
    pub(super) async fn send_departures(&mut self, events: &Events) {
        let now = Timestamp::now();
        let window = window();
        self.departures_told
            .retain(|_, left| now.duration_since(*left) < window);
        if !self.unsent_departures.is_empty() {
            let unsent_departures = std::mem::take(&mut self.unsent_departures);
            let _ = events.send(SyncEvent::Departed(unsent_departures)).await;
        }
    }
}
