//! The last hour in one-minute buckets: how many were live (the most seen in each minute), who
//! joined and who left, for the account and for each conference. Made of what conftop sees
//! anyway (no request of its own); after a restart, made again from what the cache remembers
//! of who was live when ([`Stay`]).

use std::collections::{HashMap, VecDeque};

use jiff::Timestamp;
use uuid::Uuid;

pub use crate::sync::Stay;

/// How many minutes the trend keeps.
pub const MINUTES: usize = 60;

/// One minute of the picture.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Minute {
    /// Unix minute (seconds / 60).
    pub at: i64,
    /// The most participants live at once in this minute; `None` when conftop had no live data
    /// then (not running, stale, no data): a gap, never a zero.
    pub live: Option<u32>,
    pub joins: u32,
    pub leaves: u32,
    /// Whether every join and leave of this minute was seen (a run's first minute, and
    /// minutes made again from the cache near its last write, see only some).
    pub counted: bool,
    /// The most live in each conference in this minute.
    pub conferences: HashMap<Uuid, u32>,
}

/// The last [`MINUTES`] minutes, oldest first; the last one is the minute in progress.
#[derive(Debug, Clone, Default)]
pub struct Trend {
    minutes: VecDeque<Minute>,
    /// The minute this run first saw live data in.
    started: Option<i64>,
}

fn minute_of(t: Timestamp) -> i64 {
    t.as_second().div_euclid(60)
}

impl Trend {
    /// The bucket of `now`'s minute, made (with gaps for the minutes nothing was seen in) when
    /// it is new; older buckets than the hour go.
    fn current(&mut self, now: Timestamp) -> &mut Minute {
        let at = minute_of(now);
        let last = self.minutes.back().map(|m| m.at);
        match last {
            Some(l) if l >= at => {}
            _ => {
                let from = last.map_or(at, |l| (l + 1).max(at - MINUTES as i64 + 1));
                for m in from..=at {
                    self.minutes.push_back(Minute {
                        at: m,
                        ..Minute::default()
                    });
                }
                while self.minutes.len() > MINUTES {
                    self.minutes.pop_front();
                }
            }
        }
        // A clock set back lands in the newest bucket rather than rewriting the past.
        self.minutes.back_mut().expect("a bucket was just made")
    }

    /// What is live now (only while the data on screen is live: stale data is not the truth
    /// of this minute).
    pub fn sample(&mut self, now: Timestamp, live: u32, conferences: &HashMap<Uuid, u32>) {
        let started = *self.started.get_or_insert(minute_of(now));
        let m = self.current(now);
        m.counted |= m.at > started;
        m.live = Some(m.live.map_or(live, |l| l.max(live)));
        for (id, n) in conferences {
            let e = m.conferences.entry(*id).or_insert(0);
            *e = (*e).max(*n);
        }
    }

    /// Moves the hour on to `now` without a sample (the data is stale or gone: a gap).
    pub fn pass(&mut self, now: Timestamp) {
        self.current(now);
    }

    pub fn joined(&mut self, now: Timestamp, n: u32) {
        self.current(now).joins += n;
    }

    pub fn left(&mut self, now: Timestamp, n: u32) {
        self.current(now).leaves += n;
    }

    /// The hour before `now` made again from who was live when, as earlier runs of conftop
    /// wrote it: minutes already seen by this run are kept as they are. `written` is when the
    /// last run last wrote (a stay seen then was still live; one last seen earlier left then).
    ///
    /// Only from the earliest `seen` on does the cache know everyone who was live: before it,
    /// those who had left already are not in it, so those minutes stay gaps rather than show
    /// a count too low. Leaves are known up to a minute and a half before the last write.
    pub fn backfill(&mut self, stays: &[Stay], written: Timestamp, now: Timestamp) {
        // Who left in the last minute and a half before the write is not known yet: only
        // whole minutes before that are made again (the rest is this run's to see).
        let to = minute_of(now).min((written.as_second() - 150).div_euclid(60));
        let Some(known_from) = stays.iter().map(|s| minute_of(s.seen)).min() else {
            return;
        };
        let from = (minute_of(now) - MINUTES as i64 + 1).max(known_from);
        if stays.is_empty() || to < from {
            return;
        }
        let ours: HashMap<i64, Minute> = self.minutes.drain(..).map(|m| (m.at, m)).collect();
        // A stay last seen more than a minute and a half before the last write was no longer
        // live at that write (those live are written once a minute).
        let gone_before = written.as_second() - 90;
        let mut minutes: Vec<Minute> = (from..=to)
            .map(|at| Minute {
                at,
                ..Minute::default()
            })
            .collect();
        for s in stays {
            let Some(joined) = s.joined else { continue };
            let left = s.seen.as_second() < gone_before;
            // One still live at the last write was live until it, whenever it was last written;
            // one that left did so before the next write (a minute on): half of that, on average.
            let until = if left {
                s.seen + jiff::SignedDuration::from_secs(30)
            } else {
                s.seen.max(written)
            };
            let (j, e) = (minute_of(joined), minute_of(until));
            for m in minutes.iter_mut() {
                if m.at >= j && m.at <= e {
                    *m.live.get_or_insert(0) += 1;
                    *m.conferences.entry(s.conference).or_insert(0) += 1;
                }
                if m.at == j {
                    m.joins += 1;
                }
                if left && m.at == e {
                    m.leaves += 1;
                }
            }
        }
        // Minutes nobody was live in, while the cache knew everyone, held nobody; their joins
        // and leaves are all known but in the first (partial) one.
        for m in minutes.iter_mut() {
            m.live.get_or_insert(0);
            m.counted = m.at > known_from;
        }
        let mut all: Vec<Minute> = minutes
            .into_iter()
            .filter(|m| !ours.contains_key(&m.at))
            .collect();
        all.extend(ours.into_values());
        all.sort_by_key(|m| m.at);
        self.minutes = all.into();
        self.current(now);
    }

    /// The live counts of the last `n` minutes as of `now`, oldest first (`None`: a gap).
    pub fn live(&self, now: Timestamp, n: usize) -> Vec<Option<u64>> {
        self.series(now, n, |m| m.live.map(u64::from))
    }

    /// A conference's live counts of the last `n` minutes (`None`: no data then).
    pub fn conference(&self, id: Uuid, now: Timestamp, n: usize) -> Vec<Option<u64>> {
        self.series(now, n, |m| {
            m.live
                .map(|_| u64::from(m.conferences.get(&id).copied().unwrap_or(0)))
        })
    }

    fn series(
        &self,
        now: Timestamp,
        n: usize,
        f: impl Fn(&Minute) -> Option<u64>,
    ) -> Vec<Option<u64>> {
        let end = minute_of(now);
        let by: HashMap<i64, &Minute> = self.minutes.iter().map(|m| (m.at, m)).collect();
        (end - n as i64 + 1..=end)
            .map(|at| by.get(&at).and_then(|m| f(m)))
            .collect()
    }

    /// Joins and leaves in the last whole minute before `now`; `None` when conftop did not see
    /// that minute (it was not running, or the data was not live).
    pub fn per_minute(&self, now: Timestamp) -> Option<(u32, u32)> {
        let at = minute_of(now) - 1;
        self.minutes
            .iter()
            .find(|m| m.at == at && m.live.is_some() && m.counted)
            .map(|m| (m.joins, m.leaves))
    }

    /// The oldest live count within the hour, for "480 → 500 in 1 h".
    pub fn hour_ago(&self, now: Timestamp) -> Option<(u32, i64)> {
        let from = minute_of(now) - MINUTES as i64 + 1;
        self.minutes
            .iter()
            .filter(|m| m.at >= from)
            .find_map(|m| m.live.map(|l| (l, minute_of(now) - m.at)))
    }

    /// Whether anything at all was seen within the hour.
    pub fn is_empty(&self) -> bool {
        self.minutes.iter().all(|m| m.live.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(min: i64, sec: i64) -> Timestamp {
        // 1_800_000_000 is a whole minute.
        Timestamp::from_second(1_800_000_000 + min * 60 + sec).unwrap()
    }

    fn conferences(pairs: &[(u128, u32)]) -> HashMap<Uuid, u32> {
        pairs
            .iter()
            .map(|(r, n)| (Uuid::from_u128(*r), *n))
            .collect()
    }

    #[test]
    fn a_minute_keeps_its_peak_and_a_stale_minute_is_a_gap_not_a_zero() {
        let mut tr = Trend::default();
        tr.sample(t(0, 5), 10, &conferences(&[(1, 10)]));
        tr.sample(t(0, 30), 14, &conferences(&[(1, 14)]));
        tr.sample(t(0, 50), 12, &conferences(&[(1, 12)]));
        tr.pass(t(1, 10));
        tr.pass(t(2, 10));
        tr.sample(t(3, 0), 9, &conferences(&[(1, 9)]));
        assert_eq!(tr.live(t(3, 0), 4), vec![Some(14), None, None, Some(9)]);
        assert_eq!(
            tr.conference(Uuid::from_u128(1), t(3, 0), 4),
            vec![Some(14), None, None, Some(9)]
        );
        // A conference nobody is in, while the data is live, holds zero.
        assert_eq!(tr.conference(Uuid::from_u128(2), t(3, 0), 1), vec![Some(0)]);
    }

    #[test]
    fn the_hour_is_sixty_buckets_and_a_long_pause_leaves_gaps() {
        let mut tr = Trend::default();
        for m in 0..200 {
            tr.sample(t(m, 0), m as u32, &HashMap::new());
        }
        assert_eq!(tr.minutes.len(), MINUTES);
        assert_eq!(tr.hour_ago(t(199, 0)), Some((140, 59)));
        // Three hours later: all gap but the newest.
        tr.sample(t(400, 0), 3, &HashMap::new());
        assert_eq!(tr.minutes.len(), MINUTES);
        let l = tr.live(t(400, 0), 60);
        assert_eq!(l.iter().filter(|v| v.is_some()).count(), 1);
    }

    #[test]
    fn joins_and_leaves_are_counted_in_their_minute_and_read_a_minute_later() {
        let mut tr = Trend::default();
        // This run's first minute sees only part of its joins: it is not read.
        tr.sample(t(4, 30), 1, &HashMap::new());
        tr.joined(t(4, 40), 9);
        assert_eq!(tr.per_minute(t(5, 10)), None);
        tr.sample(t(5, 0), 1, &HashMap::new());
        tr.joined(t(5, 1), 3);
        tr.joined(t(5, 59), 1);
        tr.left(t(5, 20), 2);
        tr.sample(t(6, 0), 1, &HashMap::new());
        tr.joined(t(6, 0), 7);
        assert_eq!(tr.per_minute(t(6, 30)), Some((4, 2)));
        assert_eq!(tr.per_minute(t(7, 30)), Some((7, 0)));
        // A minute conftop did not see says nothing, not "nobody joined".
        tr.pass(t(8, 0));
        assert_eq!(tr.per_minute(t(9, 0)), None);
    }

    #[test]
    fn a_clock_set_back_does_not_rewrite_the_past() {
        let mut tr = Trend::default();
        tr.sample(t(10, 0), 5, &HashMap::new());
        tr.sample(t(8, 0), 50, &HashMap::new());
        assert_eq!(tr.live(t(10, 0), 3), vec![None, None, Some(50)]);
    }

    #[test]
    fn after_a_restart_the_hour_is_made_again_from_the_stays() {
        let conference = Uuid::from_u128(7);
        let stay = |joined: Timestamp, seen: Timestamp| Stay {
            conference,
            joined: Some(joined),
            seen,
        };
        // The last run wrote at 30:00; conftop starts again at 40:10.
        let written = t(30, 0);
        let stays = vec![
            stay(t(0, 10), t(30, 0)),  // live all along, still at the last write
            stay(t(10, 5), t(20, 40)), // left at 20
            stay(t(25, 0), t(29, 50)), // still live at the write (seen within 90 s)
        ];
        let mut tr = Trend::default();
        // This run has seen a minute already: it is kept as seen.
        tr.sample(t(40, 5), 1, &conferences(&[(7, 1)]));
        tr.backfill(&stays, written, t(40, 10));
        let l = tr.live(t(40, 10), 41);
        // The earliest seen (20:40) is where the cache knows everyone: before it, those who
        // had left already are missing, so those minutes are gaps, not a count too low.
        assert_eq!(l[0], None, "minute 0");
        assert_eq!(l[15], None, "minute 15");
        assert_eq!(l[20], Some(2), "minute 20: the first two");
        // Last seen at 20:40, gone by the next write: counted half a minute on.
        assert_eq!(l[21], Some(2), "minute 21: the second leaves");
        assert_eq!(l[22], Some(1), "minute 22: it has left");
        assert_eq!(l[27], Some(2), "minute 27: the third is in");
        // Who left in the write's last minute and a half (from 28:30) is not known: minutes
        // that reach into it are not claimed.
        assert_eq!(l[28], None, "minute 28");
        assert_eq!(l[29], None, "minute 29");
        assert_eq!(l[30], None, "minute 30");
        assert_eq!(l[35], None, "minute 35: nobody ran conftop");
        assert_eq!(l[40], Some(1), "minute 40: this run's own sample");
        assert_eq!(
            tr.per_minute(t(21, 0)),
            None,
            "the minute it began is partial"
        );
        assert_eq!(tr.per_minute(t(22, 0)), Some((0, 1)));
        assert_eq!(tr.per_minute(t(23, 0)), Some((0, 0)));
        assert_eq!(tr.per_minute(t(26, 0)), Some((1, 0)));
        // Near the last write, leaves are not known yet: nothing is claimed.
        assert_eq!(tr.per_minute(t(30, 30)), None);
        assert_eq!(tr.conference(conference, t(40, 10), 41)[27], Some(2));
        assert!(!tr.is_empty());
    }

    #[test]
    fn a_backfill_from_nothing_changes_nothing() {
        let mut tr = Trend::default();
        tr.sample(t(1, 0), 4, &HashMap::new());
        tr.backfill(&[], t(0, 0), t(1, 0));
        assert_eq!(tr.live(t(1, 0), 2), vec![None, Some(4)]);
    }
}
