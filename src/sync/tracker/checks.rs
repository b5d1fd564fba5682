//! Direct checks of what no list confirms: unlisted rooms, stuck participants, the one
//! confirmed longest ago.

use super::*;

impl Tracker {
    /// What to check with a direct request this refresh (see the module comment).
    pub(super) fn verification_targets(
        &self,
        full: bool,
        seen: &HashSet<Uuid>,
        now: Timestamp,
    ) -> Vec<Target> {
        let mut unlisted: Vec<Uuid> = self
            .live
            .values()
            .map(|p| p.conference_id)
            .filter(|r| !self.listed.contains(r))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        unlisted.sort_unstable();
        let stuck = self
            .live
            .values()
            .filter(|p| !seen.contains(&p.id))
            .filter(|p| {
                !matches!(
                    p.status,
                    ConferencecallStatus::Joined | ConferencecallStatus::Leaving
                )
            })
            .filter(|p| {
                p.tm_create
                    .is_none_or(|t| now.duration_since(t) > SignedDuration::from_secs(30))
            })
            .map(|p| Target::Participant(p.id));

        if full {
            let mut all: Vec<Target> = unlisted.into_iter().map(Target::Conference).collect();
            all.extend(stuck);
            return all;
        }
        let mut out: Vec<Target> = unlisted
            .iter()
            .filter(|r| !self.conferences.contains_key(r) || self.emptying.contains(r))
            .map(|r| Target::Conference(*r))
            .collect();
        let last = |t: &Target| self.checked.get(t).copied().unwrap_or(0);
        // Least recently checked first, in each of the two classes.
        let mut rotation: Vec<Target> = unlisted
            .iter()
            .map(|r| Target::Conference(*r))
            .filter(|t| !out.contains(t))
            .chain(stuck)
            .collect();
        rotation.sort_by_key(|t| (last(t), *t_id(t)));
        let mut sweep: Vec<Target> = self
            .live
            .values()
            .filter(|p| p.status == ConferencecallStatus::Joined && !seen.contains(&p.id))
            .map(|p| Target::Participant(p.id))
            .collect();
        sweep.sort_by_key(|t| (last(t), *t_id(t)));
        let (mut rotation, mut sweep) = (rotation.into_iter(), sweep.into_iter());
        for i in 0..self.cfg.verify_per_refresh as u64 {
            // The sweep only catches a participant whose `leaving` the room list hides: every
            // few refreshes is enough, and on a big account it is most of the steady cost.
            let sweep_turn = (self.turn + i) % SWEEP_EVERY == 1;
            let pick = if sweep_turn {
                sweep.next().or_else(|| rotation.next())
            } else {
                rotation.next()
            };
            match pick {
                Some(t) => out.push(t),
                None => break,
            }
        }
        out
    }

    /// Checks one target; a failure is logged and skipped (it comes round again). Returns
    /// whether the API answered: if not, the other checks wait for a refresh that it does.
    pub(super) async fn verify(
        &mut self,
        f: &mut Fetcher<'_>,
        target: Target,
        now: Timestamp,
    ) -> bool {
        let turn = self.turn;
        match target {
            Target::Conference(conference) => {
                match f.call(|c| c.get_conference(conference)).await {
                    Ok(conf) => {
                        self.reconcile(&conf, now);
                        self.conferences.insert(conf.id, Arc::new(conf));
                        self.checked.insert(target, turn);
                    }
                    Err(e) if e.kind == ErrorKind::Gone => {
                        self.live.retain(|_, p| p.conference_id != conference);
                    }
                    Err(e) => {
                        tracing::warn!("skipped checking conference {conference}: {e}");
                        return false;
                    }
                }
            }
            Target::Participant(id) => match f.call(|c| c.get_conferencecall(id)).await {
                Ok(cc) => {
                    self.checked.insert(target, turn);
                    self.upsert(cc);
                }
                Err(e) if e.kind == ErrorKind::Gone => {
                    self.live.remove(&id);
                }
                Err(e) => {
                    tracing::warn!("skipped checking participant {id}: {e}");
                    return false;
                }
            },
        }
        true
    }
}

/// Refreshes per check of the `joined` participant confirmed longest ago.
const SWEEP_EVERY: u64 = 4;

pub(super) fn t_id(t: &Target) -> &Uuid {
    match t {
        Target::Conference(id) | Target::Participant(id) => id,
    }
}
