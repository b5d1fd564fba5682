//! The app's records: participants, rooms and callers, with every network string already
//! through the sanitiser, so widgets only ever see printable text.

use jiff::Timestamp;
use uuid::Uuid;

use crate::api::{
    Address, AddressType, Call, CallDirection, CallStatus, ConferenceStatus, ConferenceType,
    Conferencecall, ConferencecallStatus, MuteDirection,
};
use crate::text::sanitize;

/// Longest name or number kept, in characters.
const MAX_TEXT: usize = 64;

/// A participant as the app shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub id: Uuid,
    pub conference_id: Uuid,
    pub call_id: Option<Uuid>,
    pub activeflow_id: Option<Uuid>,
    pub status: ConferencecallStatus,
    pub tm_create: Option<Timestamp>,
    pub tm_update: Option<Timestamp>,
    /// When the current status began, as far as anyone knows (for "stuck" warnings).
    pub status_since: Timestamp,
    /// When conftop first saw it (for the "new" highlight).
    pub first_seen: Timestamp,
    /// When it left or disappeared; the row lingers, marked, for a moment.
    pub gone_at: Option<Timestamp>,
    /// The number of the last snapshot that held it.
    pub seen: u64,
}

impl Participant {
    pub fn from_api(cc: &Conferencecall, now: Timestamp) -> Participant {
        Participant {
            id: cc.id,
            conference_id: cc.conference_id,
            call_id: cc.reference_id,
            activeflow_id: cc.activeflow_id,
            status: cc.status.clone(),
            tm_create: cc.tm_create,
            tm_update: cc.tm_update,
            status_since: status_since(cc, now),
            first_seen: now,
            gone_at: None,
            seen: 0,
        }
    }

    /// Whether its own record has arrived: a participant its room lists is shown before that,
    /// with nothing known of when it joined or how long it has been in its status.
    pub fn record_read(&self) -> bool {
        self.tm_create.is_some() || self.tm_update.is_some()
    }

    /// Takes the sync task's latest word on it: the sync task is the one owner of statuses
    /// (it keeps them moving forward only, removals' answers included), so this only keeps
    /// what the screen derives from them. Returns whether anything the view shows changed.
    pub fn merge(&mut self, cc: &Conferencecall, now: Timestamp) -> bool {
        let mut changed = false;
        if cc.status != self.status {
            self.status = cc.status.clone();
            self.status_since = status_since(cc, now);
            changed = true;
        }
        self.tm_update = cc.tm_update.or(self.tm_update);
        // The record of a participant first shown from its room's list alone.
        if self.tm_create.is_none() && cc.tm_create.is_some() {
            self.tm_create = cc.tm_create;
            self.status_since = status_since(cc, now);
            changed = true;
        }
        if let Some(call) = cc.reference_id
            && self.call_id != Some(call)
        {
            self.call_id = Some(call);
            changed = true;
        }
        if cc.status.is_live() && self.gone_at.is_some() {
            self.gone_at = None;
            changed = true;
        }
        changed
    }

    /// The status as shown: a participant that left is `Leaved` whatever was last heard.
    pub fn shown_status(&self) -> ConferencecallStatus {
        if self.gone_at.is_some() {
            ConferencecallStatus::Leaved
        } else {
            self.status.clone()
        }
    }

    /// Removable: in the room or on its way in, and not already on its way out.
    pub fn removable(&self) -> bool {
        self.gone_at.is_none()
            && matches!(
                self.status,
                ConferencecallStatus::Joining | ConferencecallStatus::Joined
            )
    }
}

/// When a record's status began: `joining` starts at creation; later statuses at the last
/// update (the server stamps each change), else now.
fn status_since(cc: &Conferencecall, now: Timestamp) -> Timestamp {
    match cc.status {
        ConferencecallStatus::Joining => cc.tm_create.unwrap_or(now),
        _ => cc.tm_update.or(cc.tm_create).unwrap_or(now),
    }
    .min(now)
}

/// A room as the app shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Conference {
    pub id: Uuid,
    pub name: String,
    pub detail: String,
    pub kind: ConferenceType,
    pub status: ConferenceStatus,
    pub tm_create: Option<Timestamp>,
    /// In the latest snapshot (listed, or holding live participants).
    pub listed: bool,
    /// Recording or transcribing: people on the call may ask.
    pub recording: bool,
}

impl Conference {
    pub fn from_api(c: &crate::api::Conference) -> Conference {
        Conference {
            id: c.id,
            name: sanitize(&c.name, MAX_TEXT),
            detail: sanitize(&c.detail, MAX_TEXT),
            kind: c.kind.clone(),
            status: c.status.clone(),
            tm_create: c.tm_create,
            listed: false,
            recording: c.recording_id.is_some() || c.transcribe_id.is_some(),
        }
    }
}

/// One end of a call, for display.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    pub kind: AddressType,
    pub name: String,
    /// The target as sent: an E.164 number, a SIP URI, an agent's UUID…
    pub address: String,
}

impl Party {
    fn from_api(a: &Address) -> Party {
        let name = if a.target_name.is_empty() {
            &a.name
        } else {
            &a.target_name
        };
        Party {
            kind: a.kind.clone(),
            name: sanitize(name, MAX_TEXT),
            address: sanitize(&a.target, MAX_TEXT),
        }
    }

    /// The name as the list shows it, and whether it is one: a party without a name is
    /// "(name withheld)" when its number is known, "(no caller id)" when nothing is.
    pub fn name_or_why(&self) -> (&str, bool) {
        if !self.name.is_empty() {
            (&self.name, true)
        } else if self.address.is_empty() {
            ("(no caller id)", false)
        } else {
            ("(name withheld)", false)
        }
    }

    /// The target as a column shows it: numbers and URIs as they are (without `sip:`), ids
    /// of agents, extensions or rooms replaced by their kind (the name already says who).
    pub fn shown(&self) -> &str {
        match self.kind {
            AddressType::Sip => self.address.strip_prefix("sip:").unwrap_or(&self.address),
            _ if self.address.len() == 36 && uuid::Uuid::parse_str(&self.address).is_ok() => {
                self.kind.as_str()
            }
            _ => &self.address,
        }
    }
}

/// Who a participant is: both ends of its call and the call's state. The remote party is
/// `source` for incoming calls and `destination` for outgoing ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub source: Party,
    pub destination: Party,
    pub direction: CallDirection,
    pub status: CallStatus,
    pub tm_create: Option<Timestamp>,
    pub tm_progressing: Option<Timestamp>,
    pub tm_hangup: Option<Timestamp>,
    /// Whose audio the bridge stops, if the call is muted.
    pub mute: Option<MuteDirection>,
    /// The call record's last change, so an older answer never undoes a newer one.
    pub tm_update: Option<Timestamp>,
    /// Read from the server (rather than remembered by the cache, which knows the parties
    /// only: status and mute are then not known yet).
    pub confirmed: bool,
}

impl Caller {
    pub fn from_api(c: &Call) -> Caller {
        Caller {
            source: Party::from_api(&c.source),
            destination: Party::from_api(&c.destination),
            direction: c.direction.clone(),
            status: c.status.clone(),
            tm_create: c.tm_create,
            tm_progressing: c.tm_progressing,
            tm_hangup: c.tm_hangup,
            mute: MuteDirection::of_call(&c.mute_direction),
            tm_update: c.tm_update,
            confirmed: true,
        }
    }

    /// A caller as the cache remembers the call: who rang whom, nothing of its state.
    pub fn remembered(c: &Call) -> Caller {
        Caller {
            status: Default::default(),
            mute: None,
            tm_update: None,
            confirmed: false,
            ..Caller::from_api(c)
        }
    }

    /// The other party.
    pub fn remote(&self) -> &Party {
        match self.direction {
            CallDirection::Outgoing => &self.destination,
            _ => &self.source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cc(status: &str, create: &str, update: Option<&str>) -> Conferencecall {
        serde_json::from_value(serde_json::json!({
            "id": "b8aa51f6-5cc1-40ba-9737-45ca24dab153",
            "conference_id": "99accfb7-c0dd-4a54-997d-dd18af7bc280",
            "reference_id": "7cb70145-a20a-4070-8b23-9131410d301d",
            "status": status,
            "tm_create": create,
            "tm_update": update,
        }))
        .unwrap()
    }

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_new_status_counts_from_the_records_update() {
        let now = t("2026-11-24T10:00:00Z");
        let mut p = Participant::from_api(&cc("joined", "2026-11-24T09:00:00Z", None), now);
        let changed = p.merge(
            &cc(
                "leaving",
                "2026-11-24T09:00:00Z",
                Some("2026-11-24T09:59:50Z"),
            ),
            now,
        );
        assert!(changed);
        assert_eq!(p.status, ConferencecallStatus::Leaving);
        assert_eq!(p.status_since, t("2026-11-24T09:59:50Z"));
        assert!(!p.removable());
        // The same word again changes nothing.
        let again = cc(
            "leaving",
            "2026-11-24T09:00:00Z",
            Some("2026-11-24T09:59:50Z"),
        );
        assert!(!p.merge(&again, now + jiff::SignedDuration::from_secs(5)));
        assert_eq!(p.status_since, t("2026-11-24T09:59:50Z"));
    }

    #[test]
    fn joining_counts_from_creation() {
        let now = t("2026-11-24T10:00:00Z");
        let p = Participant::from_api(&cc("joining", "2026-11-24T09:59:00Z", None), now);
        assert_eq!(p.status_since, t("2026-11-24T09:59:00Z"));
        assert!(p.removable());
    }

    #[test]
    fn hostile_names_are_sanitised_on_the_way_in() {
        let call: Call = serde_json::from_value(serde_json::json!({
            "id": "7cb70145-a20a-4070-8b23-9131410d301d",
            "direction": "incoming",
            "source": {"type": "tel", "target": "+1555\u{1b}[2J0100", "target_name": "\u{1b}]0;owned\u{7}Eve\u{202e}"},
        }))
        .unwrap();
        let caller = Caller::from_api(&call);
        assert_eq!(caller.remote().name, "Eve");
        assert_eq!(caller.remote().address, "+15550100");
    }
}
