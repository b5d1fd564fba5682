//! What the world tells subscribers: the webhook events the real server publishes, each with
//! the record as it stood at that instant (API.md §6, "Conferencecall events are NOT
//! delivered"). Conferencecalls publish nothing; rooms and calls do.

use super::*;

/// A resource event, ready to be written as a websocket frame.
#[derive(Debug, Clone)]
pub struct Event {
    /// `conference_created`, `call_hangup`, …
    pub kind: &'static str,
    pub record: Record,
}

/// A copy of the record the event is about.
#[derive(Debug, Clone)]
pub enum Record {
    Conference(Conference),
    Call(CallRec),
}

impl Event {
    /// `conference` or `call`: the resource part of the event's topics.
    pub fn resource(&self) -> &'static str {
        match self.record {
            Record::Conference(_) => "conference",
            Record::Call(_) => "call",
        }
    }

    pub fn id(&self) -> Uuid {
        match &self.record {
            Record::Conference(c) => c.id,
            Record::Call(c) => c.id,
        }
    }

    /// The customer index the record belongs to.
    pub fn customer(&self) -> usize {
        match &self.record {
            Record::Conference(c) => c.customer,
            Record::Call(c) => c.customer,
        }
    }

    /// The owner id the `agent_id:` topics use, when the record has one.
    pub fn owner(&self) -> Option<Uuid> {
        match &self.record {
            Record::Conference(_) => None,
            Record::Call(c) => c.owner_agent.filter(|o| !o.is_nil()),
        }
    }
}

impl World {
    /// Takes the events recorded since the last call, oldest first.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.outbox)
    }

    pub(super) fn emit_conference(&mut self, kind: &'static str, r: usize) {
        let record = Record::Conference(self.conferences[r].clone());
        self.outbox.push(Event { kind, record });
    }

    pub(super) fn emit_call(&mut self, kind: &'static str, c: usize) {
        let record = Record::Call(self.calls[c].clone());
        self.outbox.push(Event { kind, record });
    }

    /// Hangs up a call that is still up, and says so.
    pub(super) fn end_call(&mut self, c: usize, by: &'static str, reason: &'static str) {
        if self.calls[c].status == "hangup" {
            return;
        }
        hang_up(&mut self.calls[c], self.now, by, reason);
        self.emit_call("call_hangup", c);
    }
}
