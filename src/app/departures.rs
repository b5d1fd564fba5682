//! Recent departures: who left in the last minutes, when, and how any removal of them ended,
//! so "my caller got dropped ten minutes ago" has an answer after the row itself is gone.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use crate::api::Conferencecall;
use crate::verdict::Verdict;

use super::apply::{describe, describe_caller};
use super::{AppState, Overlay};

/// How long a departure is kept.
pub const KEPT: SignedDuration =
    SignedDuration::from_secs(crate::defaults::DEPARTURES.as_secs() as i64);

/// One participant that left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departure {
    pub participant: Uuid,
    /// Its call, whose caller names it.
    pub call: Option<Uuid>,
    /// The caller in words, as known when it left (or when the name came).
    pub who: String,
    /// Whether `who` has the caller's name or number (not only the short id).
    pub named: bool,
    pub conference: String,
    pub joined: Option<Timestamp>,
    pub left: Timestamp,
    /// How a removal of it from this conftop ended, if one was sent.
    pub removal: Option<Verdict>,
}

impl AppState {
    /// Notes that a participant left at `at` (once; the newest first).
    pub(super) fn departure_seen(&mut self, id: Uuid, at: Timestamp) {
        if self.departures.iter().any(|d| d.participant == id) {
            return;
        }
        let Some(p) = self.participants.get(&id) else {
            return;
        };
        let d = Departure {
            participant: id,
            call: p.call_id,
            who: describe(self, p),
            named: self.caller_of(p).is_some(),
            conference: self.conference_label(&p.conference_id),
            joined: p.tm_create,
            left: at,
            removal: self.verdicts.get(&id).copied(),
        };
        self.keeping_place(|s| s.departures.insert(0, d));
    }

    /// Changes the departures so that a scrolled view keeps the one at its top there, rather
    /// than drifting as newer ones arrive above it.
    fn keeping_place(&mut self, change: impl FnOnce(&mut Self)) {
        let top = if self.overlay == Overlay::Departures && self.overlay_scroll > 0 {
            let shown = self.departures_shown();
            shown.get(self.overlay_scroll).map(|d| d.participant)
        } else {
            None
        };
        change(self);
        let found = top.and_then(|id| {
            let shown = self.departures_shown();
            shown.iter().position(|d| d.participant == id)
        });
        if let Some(i) = found {
            self.overlay_scroll = i;
        }
    }

    /// Takes in participants the sync task found to have left recently: those this session
    /// never saw in a room too (from the newest history pages), at the time they left.
    pub(super) fn departures_read(&mut self, records: &[Arc<Conferencecall>]) {
        self.keeping_place(|s| s.add_departed(records));
    }

    fn add_departed(&mut self, records: &[Arc<Conferencecall>]) {
        let mut changed = false;
        for cc in records {
            let Some(left) = cc.tm_update.or(cc.tm_delete) else {
                continue;
            };
            // One still on screen leaves with the next picture, as any other.
            let shown = self
                .participants
                .get(&cc.id)
                .is_some_and(|p| p.gone_at.is_none());
            let caller = cc.reference_id.and_then(|c| self.callers.get(&c));
            let left = left.min(self.now);
            if let Some(d) = self.departures.iter_mut().find(|d| d.participant == cc.id) {
                // Noticed here after the fact (a push frame lost, its record not yet read):
                // its record says when it left, and whose call it was.
                if left < d.left {
                    d.left = left;
                    changed = true;
                }
                if d.call.is_none() && cc.reference_id.is_some() {
                    d.call = cc.reference_id;
                    d.who = describe_caller(caller, &cc.id);
                    d.named = caller.is_some();
                    changed = true;
                }
                continue;
            }
            if shown || self.now.duration_since(left) >= KEPT {
                continue;
            }
            self.departures.push(Departure {
                participant: cc.id,
                call: cc.reference_id,
                who: describe_caller(caller, &cc.id),
                named: caller.is_some(),
                conference: self.conference_label(&cc.conference_id),
                joined: cc.tm_create,
                left,
                removal: self.verdicts.get(&cc.id).copied(),
            });
            changed = true;
        }
        if changed {
            self.departures.sort_by_key(|d| std::cmp::Reverse(d.left));
        }
    }

    /// A caller's name came: the departure of its call is named with it.
    pub(super) fn name_departure(&mut self, call: Uuid) {
        let caller = self.callers.get(&call);
        for d in self.departures.iter_mut() {
            if !d.named && d.call == Some(call) {
                d.who = describe_caller(caller, &d.participant);
                d.named = caller.is_some();
            }
        }
    }

    /// The departures the filter matches (all of them without one), newest first.
    pub fn departures_shown(&self) -> Vec<&Departure> {
        let needle = super::search::Needle::new(&self.filter, self.cfg.region);
        self.departures
            .iter()
            .filter(|d| {
                needle.matches_any(
                    std::iter::once(&d.participant).chain(&d.call),
                    &[&d.who, &d.conference],
                )
            })
            .collect()
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
