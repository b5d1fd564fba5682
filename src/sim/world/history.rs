//! The finished past: rooms that ended the way real ones do, and their `leaved` participants.

use super::*;

/// When a batch of history happened.
#[derive(Debug, Clone, Copy)]
pub(super) struct History {
    pub start: Micros,
    pub end: Micros,
    /// The recent past, up to now: short stays, rooms that end within minutes, and nothing
    /// after now.
    pub recent: bool,
}

impl World {
    /// `n` leaved participants, spread evenly over the span, in rooms
    /// that have since ended the way real ones do: conference rooms are deleted (or time out)
    /// and kick whoever is still in; `connect` rooms hold two parties and end when one hangs
    /// up; `queue` rooms hold a few callers.
    pub(super) fn generate_history(&mut self, customer: usize, n: usize, span: History) {
        if n == 0 {
            return;
        }
        let History { start, end, recent } = span;
        // Stays and conference ends stop before now, with conference for the kicks and hang-ups after
        // them; arrivals stop earlier still (the span ends before this).
        let cap = if recent {
            self.now - 15 * SECOND
        } else {
            Micros::MAX
        };
        let span = end - start;
        let step = (span / n as i64).max(4);
        let mut i = 0;
        while i < n {
            let kind = match self.rng.u8(..10) {
                0 | 1 => ConferenceKind::Connect,
                2 => ConferenceKind::Queue,
                _ => ConferenceKind::Conference,
            };
            let size = match kind {
                ConferenceKind::Conference => 24,
                ConferenceKind::Connect => 2,
                ConferenceKind::Queue => self.rng.usize(1..6),
            }
            .min(n - i);
            let first = start + i as i64 * step;
            let r = self.new_conference(customer, kind, first - MINUTE);
            if kind == ConferenceKind::Conference {
                // Past meetings reuse the usual names (a daily standup is a new conference every
                // day), and leave the distinct names to the live rooms.
                self.conference_names_used -= 1;
                let pick = self.rng.usize(..names::CONFERENCE_NAMES.len());
                self.conferences[r].name = names::CONFERENCE_NAMES[pick].to_owned();
            }
            let conference_id = self.conferences[r].id;
            // (participant, its call, arrival, when it would hang up if nothing ended it first)
            let mut members: Vec<(usize, usize, Micros, Micros)> = Vec::with_capacity(size);
            for k in 0..size {
                let t = if kind == ConferenceKind::Connect && k == 1 {
                    // The second leg joins a few seconds after the first.
                    members[0].2 + self.between(SECOND, 10 * SECOND)
                } else {
                    start + (i + k) as i64 * step + self.rng.i64(0..(step / 4).max(1))
                };
                let stay = if recent {
                    self.between(10 * SECOND, 5 * MINUTE)
                } else {
                    self.between(30 * SECOND, 40 * MINUTE)
                };
                self.create_participant(customer, conference_id, t, ParticipantStatus::Leaved);
                members.push((
                    self.participants.len() - 1,
                    self.calls.len() - 1,
                    t,
                    (t + stay).min(cap),
                ));
            }
            i += size;
            let last_arrival = members.iter().map(|m| m.2).max().unwrap_or(first);
            // When the conference ends and kicks whoever is still in it.
            let ends = match kind {
                ConferenceKind::Connect => {
                    // The first to hang up ends it: the other side is ejected.
                    let first_out = members.iter().map(|m| m.3).min().unwrap_or(last_arrival);
                    first_out.max(last_arrival + SECOND)
                }
                _ => {
                    let created = self.conferences[r].tm_create;
                    let linger = if recent {
                        self.between(MINUTE, 5 * MINUTE)
                    } else {
                        self.between(5 * MINUTE, 45 * MINUTE)
                    };
                    let mut deleted = last_arrival + linger;
                    let timeout = self.conferences[r].timeout * SECOND;
                    if timeout > 0 && created + timeout > last_arrival + MINUTE {
                        deleted = deleted.min(created + timeout);
                    } else {
                        self.conferences[r].timeout = 0;
                    }
                    deleted
                }
            }
            .min(cap);
            let mut last_out = None;
            for (pi, c, _, natural) in members {
                debug_assert_eq!(self.calls[c].id, self.participants[pi].call);
                if natural < ends || (kind == ConferenceKind::Connect && natural == ends) {
                    // Hung up: straight to leaved.
                    self.participants[pi].tm_update = Some(natural);
                    hang_up(&mut self.calls[c], natural, "remote", "normal");
                    if kind == ConferenceKind::Connect {
                        last_out = last_out.max(Some(natural));
                    }
                } else {
                    // Kicked when the conference ended; the call went on to the end of its flow.
                    let left = ends + self.between(200_000, 2 * SECOND);
                    self.participants[pi].tm_update = Some(left);
                    let over = left + self.between(SECOND, 10 * SECOND);
                    hang_up(&mut self.calls[c], over, "local", "normal");
                    last_out = last_out.max(Some(left));
                }
            }
            let rm = &mut self.conferences[r];
            if kind == ConferenceKind::Connect {
                rm.status = ConferenceStatus::Terminated;
                rm.tm_end = last_out;
                rm.tm_update = last_out;
            } else {
                // Deleted at `ends`; the last participant leaving destroyed it. A conference that
                // was already empty stays terminating with no end time (API.md §4).
                rm.tm_delete = Some(ends);
                rm.status = if last_out.is_some() {
                    ConferenceStatus::Terminated
                } else {
                    ConferenceStatus::Terminating
                };
                rm.tm_end = last_out;
                rm.tm_update = Some(last_out.unwrap_or(ends));
            }
        }
    }
}
