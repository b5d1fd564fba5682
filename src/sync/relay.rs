//! What the app hears, in order, from one place. Everything the sync task says passes through
//! the [`Relay`], so the sync task is the one owner of who is in which conference and in what
//! status: the app shows the latest snapshot as it is.
//!
//! Removals are the one thing the tracker does not see itself: the server answers them to the
//! action that asked, while a refresh may be under way with a picture read before. So the
//! relay keeps each removal's answer and lays it over every snapshot until the tracker's own
//! picture has caught up: a `leaving` answer shows at once (the last snapshot is sent again
//! with it, before the answer's verdict), and a snapshot read before the removal never turns
//! the participant back to `joined`, because statuses only move forward
//! ([`crate::api::ConferencecallStatus::supersedes`]). A participant the server says is gone
//! (404) is left out until the conferences, asked for after that answer, still have it.

use std::sync::Arc;

use jiff::Timestamp;

use crate::api::Conferencecall;
use crate::ids::IdMap;
use crate::verdict::{ActionKind, Verdict};

use super::action::Outcome;
use super::snapshot::{Snapshot, SyncEvent};

/// A removal's answer, laid over snapshots until the tracker's picture agrees.
#[derive(Debug, Clone)]
enum Answer {
    /// The record the server answered with.
    Record(Arc<Conferencecall>),
    /// The server said there is no such participant, at this time.
    Gone(Timestamp),
}

/// Between the sync task's parts and the app.
#[derive(Debug, Default)]
pub struct Relay {
    /// The tracker's last snapshot, as it made it.
    last: Option<Arc<Snapshot>>,
    answers: IdMap<Answer>,
}

impl Relay {
    /// What to send the app for `event`, heard at `now`, in order.
    pub fn pass(&mut self, event: SyncEvent, now: Timestamp) -> Vec<SyncEvent> {
        match event {
            SyncEvent::Snapshot(s) => {
                self.last = Some(s.clone());
                vec![SyncEvent::Snapshot(self.lay_over(&s))]
            }
            SyncEvent::Acted(o) => {
                let mut out = Vec::new();
                if self.answered(&o, now)
                    && let Some(last) = self.last.clone()
                {
                    let laid = self.lay_over(&last);
                    if !Arc::ptr_eq(&laid, &last) {
                        // Sent between the tracker's own: it says nothing of a refresh under
                        // way, nor that one ended.
                        let mut again = (*laid).clone();
                        again.interim = true;
                        out.push(SyncEvent::Snapshot(Arc::new(again)));
                    }
                }
                out.push(SyncEvent::Acted(o));
                out
            }
            other => vec![other],
        }
    }

    /// Keeps a removal's answer; whether it changes what the app is shown.
    fn answered(&mut self, o: &Outcome, now: Timestamp) -> bool {
        if o.action != ActionKind::Remove {
            return false;
        }
        let answer = match (&o.record, o.verdict) {
            (Some(record), _) if record.id == o.participant => {
                Answer::Record(Arc::new(record.clone()))
            }
            (_, Verdict::Gone) => Answer::Gone(now),
            _ => return false,
        };
        self.answers.insert(o.participant, answer);
        true
    }

    /// The snapshot with the answers the tracker has not caught up with laid over it; the
    /// same snapshot when there are none. Answers it has caught up with are forgotten.
    fn lay_over(&mut self, s: &Arc<Snapshot>) -> Arc<Snapshot> {
        if self.answers.is_empty() {
            return s.clone();
        }
        let mut in_picture: IdMap<usize> = IdMap::default();
        for (i, p) in s.participants.iter().enumerate() {
            if self.answers.contains_key(&p.id) {
                in_picture.insert(p.id, i);
            }
        }
        let mut patched: Option<Snapshot> = None;
        let mut left_out = Vec::new();
        self.answers.retain(|id, answer| {
            let Some(&i) = in_picture.get(id) else {
                // Not in the picture: it left, and the tracker knows.
                return false;
            };
            let current = &s.participants[i];
            match answer {
                // Further on than the tracker's picture: the picture's status would not
                // replace the answer's (a status it does not know is the server's newer word).
                Answer::Record(record) if !current.status.supersedes(&record.status) => {
                    let p = patched.get_or_insert_with(|| (**s).clone());
                    if record.status.is_live() {
                        p.participants[i] = record.clone();
                    } else {
                        left_out.push(i);
                    }
                    true
                }
                // The tracker has caught up (or gone further).
                Answer::Record(_) => false,
                // The rooms were listed since the server said "gone" and it is still in one:
                // the picture is the server's word.
                Answer::Gone(at) if s.conferences_listed.is_some_and(|l| l > *at) => false,
                Answer::Gone(_) => {
                    patched.get_or_insert_with(|| (**s).clone());
                    left_out.push(i);
                    true
                }
            }
        });
        let Some(mut p) = patched else {
            return s.clone();
        };
        left_out.sort_unstable();
        for i in left_out.into_iter().rev() {
            p.participants.swap_remove(i);
        }
        Arc::new(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ApiError, ConferencecallStatus};
    use crate::sync::Attempt;

    fn t0() -> Timestamp {
        "2026-11-24T10:00:00Z".parse().unwrap()
    }

    fn secs(n: i64) -> jiff::SignedDuration {
        jiff::SignedDuration::from_secs(n)
    }

    fn id(n: u128) -> uuid::Uuid {
        uuid::Uuid::from_u128(n)
    }

    fn cc(n: u128, status: &str) -> Conferencecall {
        serde_json::from_value(serde_json::json!({
            "id": id(n),
            "conference_id": id(100),
            "reference_id": id(200 + n),
            "status": status,
            "tm_create": (t0() - secs(300)).to_string(),
        }))
        .unwrap()
    }

    /// A snapshot whose rooms were listed, and which the server last answered, at `at`.
    fn snapshot(parts: &[(u128, &str)], at: Timestamp) -> SyncEvent {
        listed_then(parts, at, at)
    }

    /// A snapshot whose rooms were listed at `listed` and which the server last answered at
    /// `confirmed` (a light refresh reads no room list).
    fn listed_then(parts: &[(u128, &str)], listed: Timestamp, confirmed: Timestamp) -> SyncEvent {
        SyncEvent::Snapshot(Arc::new(Snapshot {
            participants: parts.iter().map(|(n, s)| Arc::new(cc(*n, s))).collect(),
            confirmed: Some(confirmed),
            conferences_listed: Some(listed),
            ..Snapshot::default()
        }))
    }

    fn removal(n: u128, answer: Result<Conferencecall, ApiError>) -> SyncEvent {
        let attempt = Attempt {
            action: ActionKind::Remove,
            participant: id(n),
            conference: id(100),
            call: Some(id(200 + n)),
            about: Default::default(),
        };
        SyncEvent::Acted(Box::new(Outcome::new(&attempt, answer.map(Some))))
    }

    /// The statuses in the snapshots among `events`, by participant number, in order.
    fn pictures(events: &[SyncEvent]) -> Vec<Vec<(u128, ConferencecallStatus)>> {
        events
            .iter()
            .filter_map(|e| match e {
                SyncEvent::Snapshot(s) => {
                    let mut v: Vec<_> = s
                        .participants
                        .iter()
                        .map(|p| (p.id.as_u128(), p.status.clone()))
                        .collect();
                    v.sort_by_key(|(n, _)| *n);
                    Some(v)
                }
                _ => None,
            })
            .collect()
    }

    use ConferencecallStatus::{Joined, Leaving};

    #[test]
    fn a_removal_shows_at_once_and_an_older_picture_never_undoes_it() {
        let mut r = Relay::default();
        r.pass(snapshot(&[(1, "joined"), (2, "joined")], t0()), t0());
        // The answer: the last picture again with it, then the verdict.
        let out = r.pass(removal(1, Ok(cc(1, "leaving"))), t0() + secs(1));
        assert_eq!(pictures(&out), vec![vec![(1, Leaving), (2, Joined)]]);
        assert!(matches!(out.last(), Some(SyncEvent::Acted(_))));
        // Sent between refreshes: it does not say that one ended.
        assert!(matches!(&out[0], SyncEvent::Snapshot(s) if s.interim));
        // A refresh read before the removal (or one that does not read the record) still
        // says joined: the answer stays laid over it.
        let out = r.pass(
            snapshot(&[(1, "joined"), (2, "joined")], t0() + secs(2)),
            t0() + secs(2),
        );
        assert_eq!(pictures(&out), vec![vec![(1, Leaving), (2, Joined)]]);
        // The tracker has caught up: the answer is forgotten, its picture is passed as it is.
        let caught_up = snapshot(&[(1, "leaving"), (2, "joined")], t0() + secs(3));
        let SyncEvent::Snapshot(sent) = &caught_up else {
            unreachable!()
        };
        let sent = sent.clone();
        let out = r.pass(caught_up, t0() + secs(3));
        let SyncEvent::Snapshot(got) = &out[0] else {
            panic!("{out:?}")
        };
        assert!(Arc::ptr_eq(&sent, got), "passed as it is");
        assert!(r.answers.is_empty());
    }

    #[test]
    fn an_answer_that_it_had_left_takes_the_row_out_until_the_picture_agrees() {
        let mut r = Relay::default();
        r.pass(snapshot(&[(1, "joined"), (2, "joined")], t0()), t0());
        let out = r.pass(removal(1, Ok(cc(1, "leaved"))), t0() + secs(1));
        assert_eq!(pictures(&out), vec![vec![(2, Joined)]]);
        // Once out of the tracker's picture too, nothing is left to lay over.
        r.pass(snapshot(&[(2, "joined")], t0() + secs(2)), t0() + secs(2));
        assert!(r.answers.is_empty());
    }

    #[test]
    fn gone_hides_the_row_until_conferences_listed_after_the_answer_still_have_it() {
        let mut r = Relay::default();
        r.pass(snapshot(&[(1, "joined"), (2, "joined")], t0()), t0());
        let err = ApiError::from_response("DELETE /conferencecalls/{id}", true, 404, None, b"");
        let out = r.pass(removal(1, Err(err)), t0() + secs(1));
        assert_eq!(pictures(&out), vec![vec![(2, Joined)]]);
        // A picture whose rooms were listed before the answer does not bring it back, even
        // one a later light refresh confirmed…
        let out = r.pass(
            listed_then(&[(1, "joined"), (2, "joined")], t0(), t0() + secs(2)),
            t0() + secs(2),
        );
        assert_eq!(pictures(&out), vec![vec![(2, Joined)]]);
        // …one whose rooms were listed after it does: the server's rooms still list it.
        let out = r.pass(
            snapshot(&[(1, "joined"), (2, "joined")], t0() + secs(5)),
            t0() + secs(5),
        );
        assert_eq!(pictures(&out), vec![vec![(1, Joined), (2, Joined)]]);
    }

    #[test]
    fn answers_that_change_nothing_and_other_events_pass_as_they_are() {
        let mut r = Relay::default();
        r.pass(snapshot(&[(1, "joined")], t0()), t0());
        // A refused removal (403) changes no row: only its verdict goes on.
        let err = ApiError::from_response("DELETE /conferencecalls/{id}", true, 403, None, b"");
        let out = r.pass(removal(1, Err(err)), t0() + secs(1));
        assert_eq!(out.len(), 1);
        assert!(matches!(out[0], SyncEvent::Acted(_)));
        let out = r.pass(SyncEvent::Refreshing, t0() + secs(2));
        assert!(matches!(out[..], [SyncEvent::Refreshing]));
        // Nor does one the picture already shows.
        r.pass(snapshot(&[(1, "leaving")], t0() + secs(3)), t0() + secs(3));
        let out = r.pass(removal(1, Ok(cc(1, "leaving"))), t0() + secs(4));
        assert!(matches!(out[..], [SyncEvent::Acted(_)]));
        // Before any picture, an answer is only its verdict.
        let mut fresh = Relay::default();
        let out = fresh.pass(removal(1, Ok(cc(1, "leaving"))), t0());
        assert!(matches!(out[..], [SyncEvent::Acted(_)]));
    }
}
