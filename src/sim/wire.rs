//! How the simulator writes records, as the real server's Go `encoding/json` does (API.md §2):
//! UUIDs are never omitted (nil means none), empty strings and lists tagged `omitempty`
//! disappear, and timestamps follow the selected server generation.

use jiff::Timestamp;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::world::{Addr, CallRec, Conference, Customer, Micros, Participant, World};

/// Which timestamp form the simulated server writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeForm {
    /// Since 2026-02-05: RFC 3339 with trailing zeros trimmed; unset is `null` (or omitted on
    /// calls).
    Current,
    /// Before 2026-02-04: `2022-08-06 16:57:12.247946`, unset is the `9999-01-01` sentinel.
    Legacy,
}

const LEGACY_UNSET: &str = "9999-01-01 00:00:00.000000";

fn ts(m: Micros) -> Timestamp {
    Timestamp::from_microsecond(m).unwrap_or(Timestamp::UNIX_EPOCH)
}

impl TimeForm {
    /// A timestamp field that is written as `null` (or the sentinel) when unset.
    pub fn nullable(self, m: Option<Micros>) -> Value {
        match (self, m) {
            (TimeForm::Current, Some(m)) => Value::String(ts(m).to_string()),
            (TimeForm::Current, None) => Value::Null,
            (TimeForm::Legacy, Some(m)) => Value::String(legacy(m)),
            (TimeForm::Legacy, None) => Value::String(LEGACY_UNSET.to_owned()),
        }
    }

    /// A call timestamp (`omitempty` pointer): omitted when unset in the current form.
    fn put_optional(self, obj: &mut Map<String, Value>, key: &str, m: Option<Micros>) {
        match (self, m) {
            (TimeForm::Current, None) => {}
            _ => {
                obj.insert(key.to_owned(), self.nullable(m));
            }
        }
    }

    /// The `next_page_token` layout of this generation.
    pub fn token(self, m: Micros) -> String {
        match self {
            TimeForm::Current => ts(m).strftime("%Y-%m-%dT%H:%M:%S.%6fZ").to_string(),
            TimeForm::Legacy => legacy(m),
        }
    }
}

fn legacy(m: Micros) -> String {
    ts(m).strftime("%Y-%m-%d %H:%M:%S.%6f").to_string()
}

fn id(u: Uuid) -> Value {
    Value::String(u.to_string())
}

fn nil() -> Value {
    id(Uuid::nil())
}

/// `ConferenceManagerConferencecall`.
pub fn conferencecall(w: &World, p: &Participant, t: TimeForm) -> Value {
    let created = if p.garbled {
        Value::String("not a time".into())
    } else {
        t.nullable(Some(p.shown_created.unwrap_or(p.tm_create)))
    };
    json!({
        "id": id(p.id),
        "customer_id": id(w.customer_id(p.customer)),
        "activeflow_id": id(p.activeflow),
        "conference_id": id(p.conference),
        "reference_type": "call",
        "reference_id": id(p.call),
        "status": p.status.as_str(),
        "tm_create": created,
        "tm_update": t.nullable(p.tm_update),
        "tm_delete": t.nullable(None),
    })
}

/// `ConferenceManagerConference`.
pub fn conference(w: &World, r: &Conference, t: TimeForm) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), id(r.id));
    o.insert("customer_id".into(), id(w.customer_id(r.customer)));
    o.insert("type".into(), r.kind.as_str().into());
    o.insert("status".into(), r.status.as_str().into());
    if !r.name.is_empty() {
        o.insert("name".into(), r.name.clone().into());
    }
    if !r.detail.is_empty() {
        o.insert("detail".into(), r.detail.clone().into());
    }
    if r.timeout != 0 {
        o.insert("timeout".into(), r.timeout.into());
    }
    o.insert("pre_flow_id".into(), nil());
    o.insert("post_flow_id".into(), nil());
    if !r.members.is_empty() {
        o.insert(
            "conferencecall_ids".into(),
            Value::Array(r.members.iter().copied().map(id).collect()),
        );
    }
    o.insert("recording_id".into(), r.recording.map_or_else(nil, id));
    o.insert("transcribe_id".into(), nil());
    o.insert("direct_hash".into(), r.direct_hash.clone().into());
    o.insert("tm_end".into(), t.nullable(r.tm_end));
    o.insert("tm_create".into(), t.nullable(Some(r.tm_create)));
    o.insert("tm_update".into(), t.nullable(r.tm_update));
    o.insert("tm_delete".into(), t.nullable(r.tm_delete));
    Value::Object(o)
}

fn address(a: &Addr) -> Value {
    let mut o = Map::new();
    if !a.kind.is_empty() {
        o.insert("type".into(), a.kind.into());
    }
    if !a.target.is_empty() {
        o.insert("target".into(), a.target.clone().into());
    }
    if !a.target_name.is_empty() {
        o.insert("target_name".into(), a.target_name.clone().into());
    }
    Value::Object(o)
}

/// `CallManagerCall`.
pub fn call(w: &World, c: &CallRec, t: TimeForm) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), id(c.id));
    o.insert("customer_id".into(), id(w.customer_id(c.customer)));
    let (owner_type, owner_id) = match c.owner_agent {
        Some(a) => ("agent", id(a)),
        None => ("", nil()),
    };
    o.insert("owner_type".into(), owner_type.into());
    o.insert("owner_id".into(), owner_id);
    o.insert("flow_id".into(), id(c.flow_id));
    o.insert("activeflow_id".into(), id(c.activeflow_id));
    o.insert("type".into(), "flow".into());
    o.insert("master_call_id".into(), nil());
    o.insert("recording_id".into(), nil());
    o.insert("groupcall_id".into(), nil());
    o.insert("source".into(), address(&c.source));
    o.insert("destination".into(), address(&c.destination));
    o.insert("status".into(), c.status.into());
    if c.status == "progressing" {
        // Illustrative, as in the docs: a participant's call sits in `confbridge_join`.
        o.insert(
            "action".into(),
            json!({
                "id": id(c.flow_id),
                "next_id": nil(),
                "type": "confbridge_join",
                "option": {"confbridge_id": id(c.activeflow_id)},
            }),
        );
    }
    o.insert(
        "direction".into(),
        if c.incoming { "incoming" } else { "outgoing" }.into(),
    );
    o.insert("mute_direction".into(), c.mute_direction.into());
    o.insert("hangup_by".into(), c.hangup_by.into());
    o.insert("hangup_reason".into(), c.hangup_reason.into());
    t.put_optional(&mut o, "tm_ringing", c.tm_ringing);
    t.put_optional(&mut o, "tm_progressing", c.tm_progressing);
    t.put_optional(&mut o, "tm_hangup", c.tm_hangup);
    t.put_optional(&mut o, "tm_create", Some(c.tm_create));
    t.put_optional(&mut o, "tm_update", c.tm_update);
    t.put_optional(&mut o, "tm_delete", None);
    Value::Object(o)
}

/// `CustomerManagerCustomer`.
pub fn customer(c: &Customer, t: TimeForm) -> Value {
    json!({
        "id": id(c.id),
        "name": c.name,
        "detail": "Simulated customer",
        "email": c.email,
        "phone_number": "+15552000100",
        "address": "1 Example Street",
        "webhook_method": "POST",
        "webhook_uri": "https://hooks.example.com/voipbin",
        "billing_account_id": nil(),
        "email_verified": true,
        "status": "active",
        "tm_create": t.nullable(Some(c.tm_create)),
        "tm_update": t.nullable(Some(c.tm_create)),
        "tm_delete": t.nullable(None),
    })
}

/// `AgentManagerAgent`: the customer's administrator, who logs in to the simulator.
pub fn agent(agent: Uuid, c: &Customer, username: &str, t: TimeForm) -> Value {
    json!({
        "id": id(agent),
        "customer_id": id(c.id),
        "username": username,
        "name": "NOC Administrator",
        "detail": "",
        "ring_method": "ringall",
        "status": "available",
        // Customer admin (AgentManagerPermissionCustomerAdmin).
        "permission": 32,
        "tag_ids": [],
        "addresses": [],
        "direct_hash": "",
        "tm_create": t.nullable(Some(c.tm_create)),
        "tm_update": t.nullable(Some(c.tm_create)),
        "tm_delete": t.nullable(None),
    })
}

/// Base64url without padding, as JWTs are written.
pub fn base64url(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// The list envelope; `next_page_token` is always present and empty only with an empty result.
pub fn list(result: Vec<Value>, token: String) -> Value {
    json!({ "result": result, "next_page_token": token })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_forms() {
        let m = "2026-08-06T16:57:14.500000Z"
            .parse::<Timestamp>()
            .unwrap()
            .as_microsecond();
        assert_eq!(
            TimeForm::Current.nullable(Some(m)),
            json!("2026-08-06T16:57:14.5Z")
        );
        assert_eq!(TimeForm::Current.nullable(None), Value::Null);
        assert_eq!(
            TimeForm::Legacy.nullable(Some(m)),
            json!("2026-08-06 16:57:14.500000")
        );
        assert_eq!(TimeForm::Legacy.nullable(None), json!(LEGACY_UNSET));
        assert_eq!(TimeForm::Current.token(m), "2026-08-06T16:57:14.500000Z");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        let whole = m - 500_000;
        assert_eq!(
            TimeForm::Current.nullable(Some(whole)),
            json!("2026-08-06T16:57:14Z")
        );
    }
}
