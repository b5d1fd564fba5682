//! Recent departures: who left in the last minutes, when, and how any removal of them ended,
//! so "my caller got dropped ten minutes ago" has an answer after the row itself is gone.

use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use crate::verdict::Verdict;

use super::AppState;
use super::apply::describe;

/// How long a departure is kept.
pub const KEPT: SignedDuration = SignedDuration::from_secs(15 * 60);

/// One participant that left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departure {
    pub participant: Uuid,
    /// The caller in words, as known when it left.
    pub who: String,
    pub conference: String,
    pub joined: Option<Timestamp>,
    pub left: Timestamp,
    /// How a removal of it from this conftop ended, if one was sent.
    pub removal: Option<Verdict>,
}

impl AppState {
    /// Notes that a participant left at `at` (once; the newest first).
    pub(super) fn note_departure(&mut self, id: Uuid, at: Timestamp) {
        if self.departures.iter().any(|d| d.participant == id) {
            return;
        }
        let Some(p) = self.participants.get(&id) else {
            return;
        };
        let d = Departure {
            participant: id,
            who: describe(self, p),
            conference: self.conference_label(&p.conference_id),
            joined: p.tm_create,
            left: at,
            removal: self.verdicts.get(&id).copied(),
        };
        self.departures.insert(0, d);
    }

    /// Remembers a removal's verdict, for the departure it leads to (or already led to).
    pub(super) fn note_verdict(&mut self, id: Uuid, v: Verdict) {
        self.verdicts.insert(id, v);
        if let Some(d) = self.departures.iter_mut().find(|d| d.participant == id) {
            d.removal = Some(v);
        }
    }

    /// Forgets departures older than [`KEPT`].
    pub(super) fn prune_departures(&mut self) {
        let now = self.now;
        self.departures
            .retain(|d| now.duration_since(d.left) < KEPT);
        // Every tick: no set of every participant, only a look-up per verdict kept (few).
        let (participants, departures) = (&self.participants, &self.departures);
        self.verdicts.retain(|id, _| {
            participants.contains_key(id) || departures.iter().any(|d| d.participant == *id)
        });
    }
}
