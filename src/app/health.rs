//! What conftop knows, as figures for monitoring: one plain value worked out from the state,
//! with no I/O, that the metrics endpoint publishes and `conftop check` judges. Stuck is the
//! screen's own rule ([`AppState::stuck`] against `--stuck-warn` and `--stuck-crit`), so the
//! wall, the alerts, the metrics and the check can never disagree about who is stuck.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use super::freshness::{Connection, Freshness, StaleRules};
use super::view::{Thresholds, Trouble};
use super::{AppState, Channel};
use crate::api::ConferencecallStatus;

/// The figures, as of `at`.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    /// When they were worked out (the app's clock).
    pub at: Timestamp,
    /// The API's host and port (never a credential).
    pub host: String,
    /// The customer's id and name (sanitised), once the API said.
    pub customer: Option<(Uuid, String)>,
    /// What the app knows of the connection, and the rules that judge it: freshness can be
    /// judged again at any later instant ([`Health::freshness`]), so a reader that comes late
    /// (a scrape) still tells the truth even if this value was not renewed meanwhile.
    pub conn: Connection,
    pub rules: StaleRules,
    pub thresholds: Thresholds,
    /// Who is where; `None` while the screen withdraws its rows (no data yet, or too old to
    /// trust): then there are no figures to give, rather than old ones.
    pub picture: Option<Picture>,
    /// Whether VoIPbin pushes changes (else conftop only polls).
    pub pushing: bool,
    /// Whether the whole history within the horizon has been read (until then, participants
    /// of unlisted rooms who joined long ago may be missing).
    pub history_complete: bool,
    /// Actions' outcomes so far: (action, verdict, how many), in the audit log's words.
    pub actions: Vec<(&'static str, &'static str, u64)>,
}

/// Every room known and who is in it, and who is stuck.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Picture {
    /// By id.
    pub rooms: Vec<Room>,
    pub stuck: Stuck,
}

/// One room: listed by `GET /conferences`, or holding a live participant.
#[derive(Debug, Clone, PartialEq)]
pub struct Room {
    pub id: Uuid,
    /// As the screen shows it (sanitised, at most 64 characters); empty when it has none.
    pub name: String,
    /// `conference`, `connect`, `queue`, or empty when not known.
    pub kind: String,
    pub joining: u32,
    pub joined: u32,
    pub leaving: u32,
    /// Live statuses this version does not know.
    pub other: u32,
    /// The longest anyone in it has been joining or leaving (zero: nobody is).
    pub longest_stuck: SignedDuration,
}

impl Room {
    pub fn participants(&self) -> u32 {
        self.joining + self.joined + self.leaving + self.other
    }
}

/// Who is joining or leaving, and for how long.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stuck {
    /// Participants at or past `--stuck-warn` (those past `--stuck-crit` included).
    pub past_warn: usize,
    /// Participants at or past `--stuck-crit`.
    pub past_crit: usize,
    /// The longest anyone is joining, and leaving (zero: nobody is).
    pub longest_joining: SignedDuration,
    pub longest_leaving: SignedDuration,
    /// Those at or past `--stuck-warn`, the longest first.
    pub who: Vec<StuckOne>,
}

/// A participant stuck past `--stuck-warn`.
#[derive(Debug, Clone, PartialEq)]
pub struct StuckOne {
    pub participant: Uuid,
    pub conference: Uuid,
    /// `joining` or `leaving`.
    pub status: ConferencecallStatus,
    pub stuck_for: SignedDuration,
    pub critical: bool,
}

/// Totals over the rooms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub conferences: usize,
    pub participants: u32,
    pub joining: u32,
    pub joined: u32,
    pub leaving: u32,
    pub other: u32,
}

impl Health {
    /// How true the figures are at `now`: judged again from the connection, so a late reader
    /// sees the data go stale even when nothing renewed this value.
    pub fn freshness(&self, now: Timestamp) -> Freshness {
        self.rules.judge(&self.conn, now)
    }

    /// The picture, if its data is not withdrawn at `now`.
    pub fn picture_at(&self, now: Timestamp) -> Option<&Picture> {
        match self.freshness(now) {
            Freshness::NoData { .. } | Freshness::Connecting => None,
            _ => self.picture.as_ref(),
        }
    }
}

impl Picture {
    pub fn totals(&self) -> Totals {
        self.rooms.iter().fold(
            Totals {
                conferences: self.rooms.len(),
                ..Totals::default()
            },
            |t, r| Totals {
                participants: t.participants + r.participants(),
                joining: t.joining + r.joining,
                joined: t.joined + r.joined,
                leaving: t.leaving + r.leaving,
                other: t.other + r.other,
                ..t
            },
        )
    }

    pub fn room(&self, id: Uuid) -> Option<&Room> {
        self.rooms.iter().find(|r| r.id == id)
    }
}

impl AppState {
    /// The figures as of now.
    pub fn health(&self) -> Health {
        Health {
            at: self.now,
            host: self.cfg.host.clone(),
            customer: self.sync.customer.clone(),
            conn: self.sync.conn.clone(),
            rules: self.stale_rules(),
            thresholds: self.cfg.thresholds,
            picture: (!self.withdrawn()).then(|| self.picture()),
            pushing: matches!(self.sync.channel, Some(Channel::Push { .. })),
            history_complete: self.sync.history_complete,
            actions: self.acted.iter().map(|((a, v), n)| (*a, *v, *n)).collect(),
        }
    }

    fn picture(&self) -> Picture {
        let mut rooms: BTreeMap<Uuid, Room> = self
            .conferences
            .iter()
            .map(|(id, c)| (*id, room(*id, c.name.clone(), c.kind.as_str().to_owned())))
            .collect();
        let mut stuck = Stuck::default();
        for p in self.participants.values().filter(|p| p.gone_at.is_none()) {
            let r = rooms
                .entry(p.conference_id)
                .or_insert_with(|| room(p.conference_id, String::new(), String::new()));
            match p.status {
                ConferencecallStatus::Joining => r.joining += 1,
                ConferencecallStatus::Joined => r.joined += 1,
                ConferencecallStatus::Leaving => r.leaving += 1,
                ConferencecallStatus::Leaved => continue,
                ConferencecallStatus::Other(_) => r.other += 1,
            }
            let Some(d) = self.stuck(p) else { continue };
            r.longest_stuck = r.longest_stuck.max(d);
            match p.status {
                ConferencecallStatus::Joining => {
                    stuck.longest_joining = stuck.longest_joining.max(d)
                }
                _ => stuck.longest_leaving = stuck.longest_leaving.max(d),
            }
            let level = self.cfg.thresholds.level(Some(d));
            if level >= Trouble::Warn {
                stuck.who.push(StuckOne {
                    participant: p.id,
                    conference: p.conference_id,
                    status: p.status.clone(),
                    stuck_for: d,
                    critical: level == Trouble::Crit,
                });
            }
        }
        stuck
            .who
            .sort_by_key(|s| (std::cmp::Reverse(s.stuck_for), s.participant));
        stuck.past_warn = stuck.who.len();
        stuck.past_crit = stuck.who.iter().filter(|s| s.critical).count();
        Picture {
            rooms: rooms.into_values().collect(),
            stuck,
        }
    }
}

fn room(id: Uuid, name: String, kind: String) -> Room {
    Room {
        id,
        name,
        kind,
        joining: 0,
        joined: 0,
        leaving: 0,
        other: 0,
        longest_stuck: SignedDuration::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::tests::removal_answer;
    use super::super::*;
    use super::*;
    use crate::api::ApiError;

    #[test]
    fn rooms_count_each_status_and_stuck_is_the_screens_rule() {
        let mut s = app(Mode::Headless);
        s.cfg.thresholds = Thresholds {
            warn: secs(30),
            crit: secs(120),
        };
        let h = s.health();
        assert_eq!(h.picture, None, "nothing known yet: no figures, not zeros");
        let mut parts = standard_snapshot_records();
        // Participant 6 has been joining for three minutes; an empty listed room, Charlie.
        parts.push(cc(6, 1, "joining", 180));
        parts.push(cc(7, 9, "joined", 10));
        let snap = snapshot(
            parts,
            vec![conf(1, "Alpha"), conf(2, "Bravo"), conf(3, "Charlie")],
        );
        update(&mut s, Event::Sync(snap.clone()), t0());
        // Forty seconds on, the server says the same: live, and the stuck are stuck longer.
        update(&mut s, Event::Sync(snap), t0() + secs(40));
        let h = s.health();
        let p = h.picture.as_ref().expect("live data");
        let alpha = p.room(conference_id(1)).unwrap();
        assert_eq!(
            (
                alpha.name.as_str(),
                alpha.joining,
                alpha.joined,
                alpha.leaving
            ),
            ("Alpha", 2, 2, 0)
        );
        assert_eq!(alpha.longest_stuck, secs(220), "participant 6");
        let bravo = p.room(conference_id(2)).unwrap();
        assert_eq!((bravo.joined, bravo.leaving), (1, 1));
        assert_eq!(bravo.longest_stuck, secs(41), "leaving since its update");
        let charlie = p.room(conference_id(3)).unwrap();
        assert_eq!(
            charlie.participants(),
            0,
            "a listed room with nobody is a room"
        );
        let unknown = p.room(conference_id(9)).unwrap();
        assert_eq!((unknown.name.as_str(), unknown.joined), ("", 1));
        let t = p.totals();
        assert_eq!((t.conferences, t.participants, t.joining), (4, 7, 2));
        // 6 past crit; 3 (joining 45 s) and 5 (leaving 41 s) past warn only.
        assert_eq!((p.stuck.past_warn, p.stuck.past_crit), (3, 1));
        assert_eq!(p.stuck.longest_joining, secs(220));
        assert_eq!(p.stuck.longest_leaving, secs(41));
        let order: Vec<_> = p.stuck.who.iter().map(|w| w.participant).collect();
        assert_eq!(order, [part_id(6), part_id(3), part_id(5)]);
        assert!(p.stuck.who[0].critical && !p.stuck.who[1].critical);
    }

    #[test]
    fn stale_data_stops_the_clock_and_withdrawn_data_gives_no_figures() {
        let mut s = app(Mode::Headless);
        update(&mut s, Event::Sync(standard_snapshot()), t0());
        let error = crate::api::ApiError::from_response("GET /conferences", false, 503, None, b"");
        let failed = SyncEvent::Failed {
            at: t0() + secs(2),
            error,
        };
        update(&mut s, Event::Sync(failed), t0() + secs(2));
        // Stale after three intervals (6 s): stuck times stop at the last good refresh.
        update(&mut s, Event::Tick, t0() + secs(20));
        let h = s.health();
        assert!(matches!(h.freshness(h.at), Freshness::Stale { .. }));
        let p = h.picture.as_ref().expect("stale data is still shown");
        assert_eq!(p.stuck.longest_joining, secs(5), "as of the last refresh");
        // A value not renewed is judged again when read: a minute on, no data.
        assert!(h.picture_at(t0() + secs(59)).is_some());
        assert!(h.picture_at(t0() + secs(61)).is_none());
        update(&mut s, Event::Tick, t0() + secs(61));
        assert_eq!(s.health().picture, None);
    }

    #[test]
    fn actions_are_counted_by_the_audit_logs_verdicts() {
        let mut s = populated();
        let gone = ApiError::from_response("DELETE /conferencecalls/{id}", true, 404, None, b"");
        let mut leaving = cc(1, 1, "leaving", 300);
        leaving.tm_update = Some(t0());
        for answer in [Ok(leaving.clone()), Err(gone), Ok(leaving)] {
            update(
                &mut s,
                removal_answer(part_id(1), conference_id(1), answer),
                t0(),
            );
        }
        assert_eq!(
            s.health().actions,
            vec![("remove", "gone", 1), ("remove", "removed", 2)]
        );
    }

    #[test]
    fn without_a_screen_no_row_is_shown_so_no_caller_is_wanted() {
        let mut s = app(Mode::Headless);
        let cmds = update(&mut s, Event::Sync(standard_snapshot()), t0());
        assert!(s.shown_rows().is_empty());
        assert!(
            !cmds.iter().any(|c| matches!(
                c,
                Command::Sync(sync::SyncCommand::Visible(v)) if !v.is_empty()
            )),
            "{cmds:?}"
        );
        // A wall with the same data wants its page's callers.
        let mut wall = app(Mode::Kiosk);
        update(&mut wall, Event::Sync(standard_snapshot()), t0());
        assert!(!wall.shown_rows().is_empty());
    }
}
