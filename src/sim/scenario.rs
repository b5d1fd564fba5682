//! The shape of a simulated customer: how many rooms and participants, how much history, and
//! how lively it is.

use super::world::{HOUR, MINUTE, Micros, SECOND};

/// Callers waiting in each simulated queue room.
pub const QUEUE_CALLERS: usize = 3;

/// A seeded scenario. The same seed and settings build the same world.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub seed: u64,
    /// Rooms of type `conference` (the ones `GET /conferences` lists).
    pub conferences: usize,
    /// Live participants per conference room at the start (and churn's target).
    pub participants: usize,
    /// 1:1 rooms of type `connect`, two participants each, absent from `GET /conferences`.
    pub connect_conferences: usize,
    /// Rooms of type `queue` (the queue system's own), three callers each, also unlisted.
    pub queue_conferences: usize,
    /// Finished (`leaved`) participants from the two weeks before the start.
    pub history: usize,
    /// Share (0.0–1.0) of `history` placed in the last `recent_window` instead, short calls
    /// among the live participants, who then joined at any time in that window. So a
    /// newest-first walk of `GET /conferencecalls` meets the live ones only deep in the list.
    /// 0 (the default) keeps all history before the live window.
    pub recent_share: f64,
    /// How far back the recent history and the live participants' joins reach.
    pub recent_window: Micros,
    /// The longest a call lasts: VoIPbin's call-manager hangs every call up an hour after it
    /// began (API.md §5), and its participant leaves. `None` plays a server without that cap.
    pub call_limit: Option<Micros>,
    /// Participant arrivals per simulated minute across all rooms; 0 keeps the world still
    /// except for what requests and controls do.
    pub churn_per_min: f64,
    /// Mean lifetime of a conference room before it is deleted and replaced; 0 = forever.
    pub conference_lifetime: Micros,
    /// Typical time in `joining` (the pre-flow) before `joined`.
    pub join_delay: Micros,
    /// Typical time in `leaving` before `leaved`.
    pub leave_delay: Micros,
    /// When non-zero, every n-th history record has the same `tm_create` as the one before it,
    /// as happens on the real server now and then; walks lose one of a tied pair when the pair
    /// straddles a page boundary, exactly as against the server. Applies only to history older
    /// than every live participant.
    pub ties: usize,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            seed: 1,
            conferences: 8,
            participants: 6,
            connect_conferences: 3,
            queue_conferences: 0,
            history: 5_000,
            recent_share: 0.0,
            recent_window: 3 * HOUR,
            call_limit: Some(HOUR),
            churn_per_min: 0.0,
            conference_lifetime: 0,
            join_delay: 2 * SECOND,
            leave_delay: SECOND,
            ties: 0,
        }
    }
}

impl Scenario {
    /// The lively scenario behind `--demo`: named rooms, joins and leaves every few seconds,
    /// rooms that end and open, a long history.
    pub fn demo() -> Self {
        Scenario {
            seed: 7,
            conferences: 8,
            participants: 6,
            connect_conferences: 3,
            queue_conferences: 1,
            history: 20_000,
            churn_per_min: 24.0,
            conference_lifetime: 15 * MINUTE,
            ..Scenario::default()
        }
    }

    /// A busy account: 500 live participants in 50 rooms among 30,000 short calls of the last
    /// three hours; 100,000 history records in all. The live ones joined within the last hour
    /// (calls end at the hour), or over the three hours on an uncapped server.
    pub fn busy() -> Self {
        Scenario {
            seed: 11,
            conferences: 50,
            participants: 10,
            connect_conferences: 0,
            queue_conferences: 0,
            history: 100_000,
            recent_share: 0.3,
            recent_window: 3 * HOUR,
            churn_per_min: 30.0,
            ..Scenario::default()
        }
    }

    /// How many history records go in the recent window.
    pub fn recent_records(&self) -> usize {
        let share = self.recent_share.clamp(0.0, 1.0);
        ((self.history as f64 * share).round() as usize).min(self.history)
    }

    /// Mean stay that keeps the live population steady at the configured size.
    pub fn mean_stay(&self) -> Micros {
        let live = (self.conferences * self.participants
            + 2 * self.connect_conferences
            + QUEUE_CALLERS * self.queue_conferences)
            .max(1) as f64;
        if self.churn_per_min <= 0.0 {
            return Micros::MAX / 4;
        }
        (live / (self.churn_per_min / 60.0) * SECOND as f64) as Micros
    }
}
