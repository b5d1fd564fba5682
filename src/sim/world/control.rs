//! Controls for tests and tools: spawn, hang up, end, rename and damage records.

use super::*;

impl World {
    /// A new participant in `conference`, in `joining`; it joins after the scenario's join delay.
    pub fn spawn_participant(&mut self, conference: Uuid) -> Option<Uuid> {
        let &r = self.conference_index.get(&conference)?;
        Some(self.arrive(r))
    }

    /// The participant hangs up now: `leaved` at once, with no `leaving` (a kick, through
    /// [`World::kick`], passes through `leaving`).
    pub fn hang_up(&mut self, id: Uuid) -> bool {
        match self.participant_index.get(&id) {
            Some(&i) => self.leave_index(i),
            None => false,
        }
    }

    /// Deletes a `conference`-type conference now, kicking everyone in it.
    pub fn end_conference(&mut self, id: Uuid) {
        self.delete_conference(id);
    }

    /// Opens a new conference for the main customer now.
    pub fn open_conference(&mut self, kind: ConferenceKind) -> Uuid {
        let t = self.next_create();
        let r = self.new_conference(0, kind, t);
        self.arm_timeout(r);
        self.conferences[r].id
    }

    /// Rewrites a participant's caller name, e.g. to feed hostile strings to the dashboard.
    pub fn set_caller_name(&mut self, participant: Uuid, name: &str) -> bool {
        let Some(p) = self.participant(participant) else {
            return false;
        };
        let Some(&c) = self.call_index.get(&p.call) else {
            return false;
        };
        let call = &mut self.calls[c];
        if call.incoming {
            call.source.target_name = name.to_owned();
        } else {
            call.destination.target_name = name.to_owned();
        }
        true
    }

    /// Damages a participant's record: its `tm_create` is written as something no client can
    /// read (the record keeps its place in the list).
    pub fn garble(&mut self, participant: Uuid) -> bool {
        match self.participant_index.get(&participant) {
            Some(&i) => {
                self.participants[i].garbled = true;
                true
            }
            None => false,
        }
    }

    /// Sets the creation time a participant's record shows, e.g. one absurdly far in the past,
    /// without moving it in the list.
    pub fn set_shown_created(&mut self, participant: Uuid, shown: Micros) -> bool {
        match self.participant_index.get(&participant) {
            Some(&i) => {
                self.participants[i].shown_created = Some(shown);
                true
            }
            None => false,
        }
    }

    /// Renames a conference.
    pub fn set_conference_name(&mut self, conference: Uuid, name: &str) -> bool {
        match self.conference_index.get(&conference) {
            Some(&r) => {
                self.conferences[r].name = name.to_owned();
                true
            }
            None => false,
        }
    }

    /// Every live participant of a customer, oldest first.
    pub fn live_participants(&self, customer: usize) -> Vec<&Participant> {
        self.participants
            .iter()
            .filter(|p| p.customer == customer && p.status.is_live())
            .collect()
    }

    /// Every conference of a customer that is still open (neither deleted nor ended) or still has
    /// live participants.
    pub fn open_conferences(&self, customer: usize) -> Vec<&Conference> {
        self.conferences
            .iter()
            .filter(|r| {
                r.customer == customer
                    && ((r.tm_delete.is_none() && r.status != ConferenceStatus::Terminated)
                        || !r.present.is_empty())
            })
            .collect()
    }

    /// Sizes of the tables, for memory checks.
    pub fn sizes(&self) -> (usize, usize, usize) {
        (
            self.participants.len(),
            self.calls.len(),
            self.conferences.len(),
        )
    }
}
