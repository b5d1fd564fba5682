//! Reads and the kick, as the HTTP layer uses them.

use super::*;

impl World {
    pub fn customer_by_key(&self, key: &str) -> Option<usize> {
        self.customers.iter().position(|c| c.access_key == key)
    }

    pub fn customer_id(&self, c: usize) -> Uuid {
        self.customers[c].id
    }

    pub fn participant(&self, id: Uuid) -> Option<&Participant> {
        self.participant_index
            .get(&id)
            .map(|&i| &self.participants[i])
    }

    pub fn conference(&self, id: Uuid) -> Option<&Conference> {
        self.conference_index
            .get(&id)
            .map(|&i| &self.conferences[i])
    }

    pub fn call(&self, id: Uuid) -> Option<&CallRec> {
        self.call_index.get(&id).map(|&i| &self.calls[i])
    }

    /// A page of a customer's participants created strictly before `before`, newest first.
    pub fn list_participants(
        &self,
        customer: usize,
        before: Micros,
        size: usize,
    ) -> Listing<'_, Participant> {
        page_before(
            &self.participants,
            |p| p.tm_create,
            before,
            size,
            |p| p.customer == customer,
        )
    }

    /// A page of a customer's calls created strictly before `before`, newest first.
    pub fn list_calls(&self, customer: usize, before: Micros, size: usize) -> Listing<'_, CallRec> {
        page_before(
            &self.calls,
            |c| c.tm_create,
            before,
            size,
            |c| c.customer == customer,
        )
    }

    /// A page of a customer's rooms of type `conference` that are not deleted.
    pub fn list_conferences(
        &self,
        customer: usize,
        before: Micros,
        size: usize,
    ) -> Listing<'_, Conference> {
        page_before(
            &self.conferences,
            |r| r.tm_create,
            before,
            size,
            |r| {
                r.customer == customer
                    && r.kind == ConferenceKind::Conference
                    && r.tm_delete.is_none()
            },
        )
    }

    /// Kicks a participant on behalf of `customer`.
    pub fn kick(&mut self, customer: usize, id: Uuid) -> Kick {
        let Some(&i) = self.participant_index.get(&id) else {
            return Kick::NotFound;
        };
        if self.participants[i].customer != customer {
            return Kick::Forbidden;
        }
        self.kick_index(i);
        Kick::Done
    }
}
