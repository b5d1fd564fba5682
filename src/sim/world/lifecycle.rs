//! The lifecycle: scheduled events applied in simulated-time order: joins, leaves, kicks
//! and deletions.

use super::*;

impl World {
    /// Applies every scheduled event up to `to`, in order.
    pub fn advance(&mut self, to: Micros) {
        while let Some(Reverse((when, _, _))) = self.schedule.peek() {
            if *when > to {
                break;
            }
            let Reverse((when, _, due)) = self.schedule.pop().expect("peeked");
            self.now = self.now.max(when);
            self.apply(due);
        }
        self.now = self.now.max(to);
    }

    pub(super) fn apply(&mut self, due: Due) {
        let now = self.now;
        match due {
            Due::Joined(id) => {
                let Some(&i) = self.participant_index.get(&id) else {
                    return;
                };
                if self.participants[i].status != ParticipantStatus::Joining {
                    return;
                }
                self.participants[i].status = ParticipantStatus::Joined;
                self.participants[i].tm_update = Some(now);
                let conference = self.participants[i].conference;
                if let Some(&r) = self.conference_index.get(&conference) {
                    self.conferences[r].members.push(id);
                    self.conferences[r].tm_update = Some(now);
                    self.emit_conference("conference_updated", r);
                }
            }
            Due::JoinFailed(id) => {
                let Some(&i) = self.participant_index.get(&id) else {
                    return;
                };
                if self.participants[i].status == ParticipantStatus::Joining {
                    self.finish(i, Some(("remote", "failed")));
                }
            }
            Due::Leave(id) => {
                let Some(&i) = self.participant_index.get(&id) else {
                    return;
                };
                self.leave_index(i);
            }
            Due::CallLimit(id) => {
                if let Some(&i) = self.participant_index.get(&id)
                    && self.participants[i].status.is_live()
                {
                    self.finish(i, Some(("local", "timeout")));
                }
            }
            Due::Leaved(id) => {
                let Some(&i) = self.participant_index.get(&id) else {
                    return;
                };
                if self.participants[i].status == ParticipantStatus::Leaving {
                    self.finish(i, None);
                }
            }
            Due::CallEnd(id) => {
                if let Some(&c) = self.call_index.get(&id) {
                    self.end_call(c, "local", "normal");
                }
            }
            Due::Arrival => {
                if let Some(conference) = self.pick_conference_for_arrival() {
                    self.arrive(conference);
                }
                let gap = self.arrival_gap();
                self.at(now.saturating_add(gap), Due::Arrival);
            }
            Due::ConnectSpawn => {
                let main = 0;
                let t = self.next_create();
                let conference = self.new_conference(main, ConferenceKind::Connect, t);
                for _ in 0..2 {
                    self.arrive(conference);
                }
            }
            Due::ConferenceDelete(id) => self.delete_conference(id),
            Due::ConferenceCreate => {
                let t = self.next_create();
                let conference = self.new_conference(0, ConferenceKind::Conference, t);
                self.conferences[conference].target = self.scenario.participants;
                self.arm_timeout(conference);
                if self.scenario.conference_lifetime > 0 {
                    let life = self.exp(self.scenario.conference_lifetime);
                    let id = self.conferences[conference].id;
                    self.at(now.saturating_add(life), Due::ConferenceDelete(id));
                }
            }
        }
    }

    /// A creation time after every existing one.
    pub(super) fn next_create(&mut self) -> Micros {
        self.last_create = self.now.max(self.last_create + 1);
        self.last_create
    }

    /// The main customer's conference furthest below its target (connect rooms are replaced whole;
    /// queue rooms refill like conference rooms).
    pub(super) fn pick_conference_for_arrival(&mut self) -> Option<usize> {
        let mut best: Option<(i64, usize)> = None;
        for (i, r) in self.conferences.iter().enumerate() {
            if r.customer != 0
                || r.kind == ConferenceKind::Connect
                || r.status != ConferenceStatus::Progressing
            {
                continue;
            }
            let live = r.members.len() as i64;
            let deficit = r.target as i64 - live + self.rng.i64(0..3);
            if best.is_none_or(|(d, _)| deficit > d) {
                best = Some((deficit, i));
            }
        }
        best.map(|(_, i)| i)
    }

    /// A new participant enters `conference` in `joining`; it joins (or, rarely, fails) shortly after.
    pub(super) fn arrive(&mut self, conference: usize) -> Uuid {
        let (conference_id, customer, kind) = (
            self.conferences[conference].id,
            self.conferences[conference].customer,
            self.conferences[conference].kind,
        );
        let t = self.next_create();
        // The call began a few seconds before the flow reached `conference_join`.
        let call_t = t - self.rng.i64(SECOND..4 * SECOND);
        let call = self.new_call_now(customer, call_t);
        let id = self.uuid();
        let activeflow = self.calls[self.call_index[&call]].activeflow_id;
        self.participants.push(Participant {
            garbled: false,
            shown_created: None,
            id,
            customer,
            conference: conference_id,
            call,
            activeflow,
            status: ParticipantStatus::Joining,
            tm_create: t,
            tm_update: None,
        });
        self.participant_index
            .insert(id, self.participants.len() - 1);
        self.conferences[conference].present.push(id);
        self.limit_call(id, call_t);
        let delay = self.between(
            self.scenario.join_delay / 2,
            self.scenario.join_delay * 3 / 2,
        );
        if self.rng.u8(..40) == 0 && self.scenario.churn_per_min > 0.0 {
            self.at(t + delay, Due::JoinFailed(id));
        } else {
            self.at(t + delay, Due::Joined(id));
            if self.scenario.churn_per_min > 0.0 {
                let stay = self.stay(kind);
                self.at(t.saturating_add(delay).saturating_add(stay), Due::Leave(id));
            }
        }
        id
    }

    /// Schedules the end of a live participant's call at the call limit, if there is one.
    pub(super) fn limit_call(&mut self, participant: Uuid, call_began: Micros) {
        if let Some(limit) = self.scenario.call_limit {
            let end = call_began.saturating_add(limit).max(self.now);
            self.at(end, Due::CallLimit(participant));
        }
    }

    /// A call appended in creation order (calls made during the run).
    pub(super) fn new_call_now(&mut self, customer: usize, t: Micros) -> Uuid {
        let t = match self.calls.last() {
            Some(last) if last.tm_create >= t => last.tm_create + 1,
            _ => t,
        };
        let id = self.new_call(customer, t);
        self.call_index.insert(id, self.calls.len() - 1);
        self.maybe_start_muted(self.calls.len() - 1);
        self.emit_call("call_created", self.calls.len() - 1);
        id
    }

    /// A conference with a timeout is deleted when it expires (API.md §4).
    pub(super) fn arm_timeout(&mut self, r: usize) {
        let rm = &self.conferences[r];
        if rm.timeout > 0 && rm.tm_delete.is_none() {
            let (id, when) = (rm.id, rm.tm_create + rm.timeout * SECOND);
            self.at(when, Due::ConferenceDelete(id));
        }
    }

    /// The participant hangs up: the bridge reports the leave at once, so `leaved` follows
    /// with no `leaving` in between (API.md §9, "natural leave"). Returns false when there was
    /// nothing to do.
    pub(super) fn leave_index(&mut self, i: usize) -> bool {
        match self.participants[i].status {
            ParticipantStatus::Joining | ParticipantStatus::Joined => {
                self.finish(i, Some(("remote", "normal")));
                true
            }
            _ => false,
        }
    }

    /// A kick: `joining`/`joined` → `leaving`, then `leaved` a moment later. Returns false when
    /// there was nothing to do (already leaving or gone).
    pub(super) fn kick_index(&mut self, i: usize) -> bool {
        match self.participants[i].status {
            ParticipantStatus::Joining | ParticipantStatus::Joined => {
                self.participants[i].status = ParticipantStatus::Leaving;
                self.participants[i].tm_update = Some(self.now);
                let delay = self.between(
                    self.scenario.leave_delay / 2,
                    self.scenario.leave_delay * 3 / 2,
                );
                let id = self.participants[i].id;
                self.at(self.now + delay, Due::Leaved(id));
                true
            }
            _ => false,
        }
    }

    /// → `leaved`: out of the conference's list; a `connect` conference ejects the other side; a
    /// terminating conference that empties is destroyed. `hangup` is who ended the call and why when
    /// the call's end caused the leave; a kicked call goes on to the end of its flow.
    pub(super) fn finish(&mut self, i: usize, hangup: Option<(&'static str, &'static str)>) {
        let now = self.now;
        self.participants[i].status = ParticipantStatus::Leaved;
        self.participants[i].tm_update = Some(now);
        let (id, conference, call) = (
            self.participants[i].id,
            self.participants[i].conference,
            self.participants[i].call,
        );
        match hangup {
            Some((by, reason)) => {
                if let Some(&c) = self.call_index.get(&call) {
                    self.end_call(c, by, reason);
                }
            }
            None => {
                let over = now + self.between(SECOND, 10 * SECOND);
                self.at(over, Due::CallEnd(call));
            }
        }
        let Some(&r) = self.conference_index.get(&conference) else {
            return;
        };
        self.conferences[r].present.retain(|m| *m != id);
        let before = self.conferences[r].members.len();
        self.conferences[r].members.retain(|m| *m != id);
        let mut changed = self.conferences[r].members.len() != before;
        if changed {
            self.conferences[r].tm_update = Some(now);
        }
        let kind = self.conferences[r].kind;
        let eject = kind == ConferenceKind::Connect
            && self.conferences[r].status == ConferenceStatus::Progressing;
        if eject {
            self.conferences[r].status = ConferenceStatus::Terminating;
            self.conferences[r].tm_update = Some(now);
            changed = true;
        }
        // One `conference_updated` for the id leaving the list and any status change with it.
        if changed {
            self.emit_conference("conference_updated", r);
        }
        if eject {
            self.kick_conference_members(r);
        }
        if self.conferences[r].status == ConferenceStatus::Terminating
            && self.conferences[r].present.is_empty()
        {
            let rm = &mut self.conferences[r];
            rm.status = ConferenceStatus::Terminated;
            rm.tm_end = Some(now);
            rm.tm_update = Some(now);
            // The final destroy publishes `conference_deleted` a second time (API.md §6).
            self.emit_conference("conference_deleted", r);
            let rm = &self.conferences[r];
            if kind == ConferenceKind::Connect
                && rm.customer == 0
                && self.scenario.churn_per_min > 0.0
            {
                let gap = self.exp(30 * SECOND);
                self.at(now + gap, Due::ConnectSpawn);
            }
        }
    }

    pub(super) fn kick_conference_members(&mut self, r: usize) {
        for id in self.conferences[r].present.clone() {
            if let Some(&i) = self.participant_index.get(&id) {
                self.kick_index(i);
            }
        }
    }

    /// `DELETE /conferences/{id}` or a timeout: terminating, deleted at once, everyone kicked.
    pub(super) fn delete_conference(&mut self, id: Uuid) {
        let Some(&r) = self.conference_index.get(&id) else {
            return;
        };
        if self.conferences[r].tm_delete.is_some() {
            return;
        }
        let now = self.now;
        // `Terminating` publishes the status change, then the deletion sets `tm_delete` and
        // publishes `conference_deleted`.
        let rm = &mut self.conferences[r];
        rm.status = ConferenceStatus::Terminating;
        rm.tm_update = Some(now);
        self.emit_conference("conference_updated", r);
        let rm = &mut self.conferences[r];
        rm.tm_delete = Some(now);
        let customer = rm.customer;
        self.emit_conference("conference_deleted", r);
        // Only the last participant leaving destroys a conference (status terminated, tm_end set); a
        // conference deleted while already empty stays terminating with no tm_end (API.md §4).
        self.kick_conference_members(r);
        if customer == 0 {
            let gap = self.between(20 * SECOND, 90 * SECOND);
            self.at(now + gap, Due::ConferenceCreate);
        }
    }
}
