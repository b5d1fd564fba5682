//! Which callers the app keeps. A caller is kept while a participant has its call, and for a
//! while after no participant has: a call put through from a queue to an agent is a new
//! participant of the same call, which may come in a later picture than the old one's
//! departure; and a name from the cache or a peer may come before the picture with its
//! participant. The sync task sends a call once; a caller dropped in between would leave its
//! row without a name until the sync task sees the app still lacks it (half a minute).

use std::collections::HashSet;

use jiff::SignedDuration;
use uuid::Uuid;

use super::AppState;

/// How long a caller no participant has is kept.
pub const UNCLAIMED_FOR: SignedDuration = SignedDuration::from_mins(2);

impl AppState {
    /// Drops the callers no participant has had for [`UNCLAIMED_FOR`]; `changed`: the
    /// participants changed (else only a caller already unclaimed can be due).
    pub(super) fn sweep_callers(&mut self, changed: bool) {
        let now = self.now;
        let due = self
            .callers_unclaimed
            .values()
            .any(|since| now.duration_since(*since) >= UNCLAIMED_FOR);
        if !changed && !due {
            return;
        }
        let calls: HashSet<Uuid> = self
            .participants
            .values()
            .filter_map(|p| p.call_id)
            .collect();
        let unclaimed = &mut self.callers_unclaimed;
        unclaimed.retain(|id, _| !calls.contains(id));
        self.callers.retain(|id, _| {
            calls.contains(id)
                || now.duration_since(*unclaimed.entry(*id).or_insert(now)) < UNCLAIMED_FOR
        });
        unclaimed.retain(|id, _| self.callers.contains_key(id));
    }
}
