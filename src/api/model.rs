//! Wire types for the resources conftop reads.
//!
//! Keys the server omits when empty decode to defaults, the all-zero UUID decodes to `None`,
//! timestamps go through [`super::timestamp`], and fields conftop does not use are ignored.

use jiff::Timestamp;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use uuid::Uuid;

use super::enums::*;
use super::timestamp;

/// Serde helper: the nil UUID (and `null`, `""`) mean "none".
fn nil_as_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Uuid>, D::Error> {
    match Option::<std::borrow::Cow<'de, str>>::deserialize(d)? {
        None => Ok(None),
        Some(s) if s.is_empty() => Ok(None),
        Some(s) => {
            let id = Uuid::parse_str(&s).map_err(serde::de::Error::custom)?;
            Ok((!id.is_nil()).then_some(id))
        }
    }
}

/// Serde helper: `null` decodes like an omitted key.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// One participant of a conference (`ConferenceManagerConferencecall`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Conferencecall {
    pub id: Uuid,
    #[serde(default, deserialize_with = "nil_as_none")]
    pub customer_id: Option<Uuid>,
    #[serde(default, deserialize_with = "nil_as_none")]
    pub activeflow_id: Option<Uuid>,
    pub conference_id: Uuid,
    #[serde(default)]
    pub reference_type: ReferenceType,
    /// The call id when `reference_type` is `call`.
    #[serde(default, deserialize_with = "nil_as_none")]
    pub reference_id: Option<Uuid>,
    #[serde(default)]
    pub status: ConferencecallStatus,
    #[serde(default, deserialize_with = "timestamp::optional")]
    pub tm_create: Option<Timestamp>,
    #[serde(default, deserialize_with = "timestamp::optional")]
    pub tm_update: Option<Timestamp>,
    #[serde(default, deserialize_with = "timestamp::optional")]
    pub tm_delete: Option<Timestamp>,
}

/// A conference room (`ConferenceManagerConference`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Conference {
    pub id: Uuid,
    #[serde(default, deserialize_with = "nil_as_none")]
    pub customer_id: Option<Uuid>,
    #[serde(default, rename = "type")]
    pub kind: ConferenceType,
    #[serde(default)]
    pub status: ConferenceStatus,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub detail: String,
    /// Seconds; 0 means no timeout.
    #[serde(default, deserialize_with = "null_as_default")]
    pub timeout: i64,
    #[serde(default, deserialize_with = "nil_as_none")]
    pub pre_flow_id: Option<Uuid>,
    #[serde(default, deserialize_with = "nil_as_none")]
    pub post_flow_id: Option<Uuid>,
    /// Participants in `joined` or `leaving` only; omitted by the server when empty.
    #[serde(default, deserialize_with = "null_as_default")]
    pub conferencecall_ids: Vec<Uuid>,
    #[serde(default, deserialize_with = "nil_as_none")]
    pub recording_id: Option<Uuid>,
    #[serde(default, deserialize_with = "nil_as_none")]
    pub transcribe_id: Option<Uuid>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub direct_hash: String,
    #[serde(default, deserialize_with = "timestamp::optional")]
    pub tm_end: Option<Timestamp>,
    #[serde(default, deserialize_with = "timestamp::optional")]
    pub tm_create: Option<Timestamp>,
    #[serde(default, deserialize_with = "timestamp::optional")]
    pub tm_update: Option<Timestamp>,
    #[serde(default, deserialize_with = "timestamp::optional")]
    pub tm_delete: Option<Timestamp>,
}

/// A call endpoint (`CommonAddress`); every field is omitted by the server when empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Address {
    #[serde(default, rename = "type")]
    pub kind: AddressType,
    #[serde(default, deserialize_with = "null_as_default")]
    pub target: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub target_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub detail: String,
}

/// A call (`CallManagerCall`), used to tell who a participant is.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Call {
    pub id: Uuid,
    #[serde(default, deserialize_with = "nil_as_none")]
    pub customer_id: Option<Uuid>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub owner_type: String,
    #[serde(default, deserialize_with = "nil_as_none")]
    pub owner_id: Option<Uuid>,
    #[serde(default, deserialize_with = "nil_as_none")]
    pub flow_id: Option<Uuid>,
    #[serde(default, deserialize_with = "nil_as_none")]
    pub activeflow_id: Option<Uuid>,
    #[serde(default, rename = "type", deserialize_with = "null_as_default")]
    pub kind: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub source: Address,
    #[serde(default, deserialize_with = "null_as_default")]
    pub destination: Address,
    #[serde(default)]
    pub status: CallStatus,
    #[serde(default)]
    pub direction: CallDirection,
    #[serde(default, deserialize_with = "null_as_default")]
    pub mute_direction: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub hangup_by: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub hangup_reason: String,
    #[serde(default, deserialize_with = "timestamp::optional")]
    pub tm_ringing: Option<Timestamp>,
    #[serde(default, deserialize_with = "timestamp::optional")]
    pub tm_progressing: Option<Timestamp>,
    #[serde(default, deserialize_with = "timestamp::optional")]
    pub tm_hangup: Option<Timestamp>,
    #[serde(default, deserialize_with = "timestamp::optional")]
    pub tm_create: Option<Timestamp>,
    #[serde(default, deserialize_with = "timestamp::optional")]
    pub tm_update: Option<Timestamp>,
    #[serde(default, deserialize_with = "timestamp::optional")]
    pub tm_delete: Option<Timestamp>,
}

impl Call {
    /// The other party: `source` for incoming calls, `destination` for outgoing ones.
    pub fn remote(&self) -> &Address {
        match self.direction {
            CallDirection::Outgoing => &self.destination,
            _ => &self.source,
        }
    }
}

/// The caller's own customer (`GET /customer`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Customer {
    pub id: Uuid,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub detail: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub status: String,
}

/// One page of a list: `{"result": [...], "next_page_token": "..."}`.
///
/// Items that fail to decode are counted in `skipped` instead of failing the whole page, so one
/// odd record never hides the others.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// `None` when the server sent no token or an empty one.
    pub next_page_token: Option<String>,
    pub skipped: usize,
}

impl<T: for<'de> Deserialize<'de>> Page<T> {
    /// Decodes a list envelope from a response body. Each item is kept as raw JSON text and
    /// decoded on its own, so one odd record is skipped without a tree of values per record.
    pub fn from_json(body: &[u8]) -> Result<Self, serde_json::Error> {
        // `result` is required: a body without it is not a list answer at all.
        #[derive(Deserialize)]
        struct Envelope<'a> {
            // `deserialize_with` stops serde treating a missing `Option` as `None`.
            #[serde(borrow, deserialize_with = "Option::deserialize")]
            result: Option<Vec<&'a RawValue>>,
            #[serde(default, deserialize_with = "null_as_default")]
            next_page_token: String,
        }
        let env: Envelope<'_> = serde_json::from_slice(body)?;
        let result = env.result.unwrap_or_default();
        let total = result.len();
        let items: Vec<T> = result
            .into_iter()
            .filter_map(|raw| serde_json::from_str(raw.get()).ok())
            .collect();
        Ok(Page {
            skipped: total - items.len(),
            items,
            next_page_token: (!env.next_page_token.is_empty()).then_some(env.next_page_token),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conferencecall_today() {
        let json = r#"{
          "id": "b8aa51f6-5cc1-40ba-9737-45ca24dab153",
          "customer_id": "5e4a0680-804e-11ec-8477-2fea5968d85b",
          "activeflow_id": "00000000-0000-0000-0000-000000000000",
          "conference_id": "99accfb7-c0dd-4a54-997d-dd18af7bc280",
          "reference_type": "call",
          "reference_id": "7cb70145-a20a-4070-8b23-9131410d301d",
          "status": "joined",
          "tm_create": "2026-08-06T16:57:12.247946Z",
          "tm_update": "2026-08-06T16:57:14.5Z",
          "tm_delete": null
        }"#;
        let cc: Conferencecall = serde_json::from_str(json).unwrap();
        assert_eq!(cc.status, ConferencecallStatus::Joined);
        assert_eq!(cc.activeflow_id, None, "nil UUID means none");
        assert_eq!(cc.tm_delete, None);
        assert_eq!(
            cc.tm_update.unwrap(),
            "2026-08-06T16:57:14.5Z".parse::<Timestamp>().unwrap()
        );
    }

    #[test]
    fn conferencecall_legacy_and_omitted_keys() {
        // Legacy timestamps, the 9999 sentinel, and `status`/`reference_type` omitted when empty.
        let json = r#"{
          "id": "b8aa51f6-5cc1-40ba-9737-45ca24dab153",
          "conference_id": "99accfb7-c0dd-4a54-997d-dd18af7bc280",
          "reference_id": "7cb70145-a20a-4070-8b23-9131410d301d",
          "tm_create": "2022-08-06 16:57:12.247946",
          "tm_update": "9999-01-01 00:00:00.000000",
          "tm_delete": "9999-01-01 00:00:00.000000"
        }"#;
        let cc: Conferencecall = serde_json::from_str(json).unwrap();
        assert_eq!(cc.status, ConferencecallStatus::default());
        assert_eq!(cc.reference_type, ReferenceType::default());
        assert_eq!(
            cc.tm_create.unwrap(),
            "2022-08-06T16:57:12.247946Z".parse::<Timestamp>().unwrap()
        );
        assert_eq!(cc.tm_update, None);
        assert_eq!(cc.tm_delete, None);
    }

    #[test]
    fn conference_omitted_lists_and_unknown_type() {
        let json = r#"{
          "id": "99accfb7-c0dd-4a54-997d-dd18af7bc280",
          "customer_id": "5e4a0680-804e-11ec-8477-2fea5968d85b",
          "type": "webinar",
          "status": "progressing",
          "pre_flow_id": "00000000-0000-0000-0000-000000000000",
          "post_flow_id": "00000000-0000-0000-0000-000000000000",
          "recording_id": "00000000-0000-0000-0000-000000000000",
          "transcribe_id": "00000000-0000-0000-0000-000000000000",
          "direct_hash": "direct.a1b2c3d4e5f6",
          "tm_end": null,
          "tm_create": "2026-08-06T16:50:00.1Z",
          "tm_update": null,
          "tm_delete": null,
          "some_future_field": {"x": 1}
        }"#;
        let c: Conference = serde_json::from_str(json).unwrap();
        assert_eq!(c.kind, ConferenceType::Other("webinar".into()));
        assert!(c.conferencecall_ids.is_empty());
        assert_eq!(c.name, "");
        assert_eq!(c.timeout, 0);
        assert_eq!(c.pre_flow_id, None);
    }

    #[test]
    fn call_remote_party_follows_direction() {
        let json = r#"{
          "id": "7cb70145-a20a-4070-8b23-9131410d301d",
          "source": {"type": "tel", "target": "+15551234567", "target_name": "Alice"},
          "destination": {"type": "sip", "target": "sip:bob@example.com"},
          "status": "progressing",
          "direction": "outgoing",
          "tm_create": "2026-08-06T16:57:01.9Z"
        }"#;
        let call: Call = serde_json::from_str(json).unwrap();
        assert_eq!(call.remote().target, "sip:bob@example.com");
        assert_eq!(
            call.tm_hangup, None,
            "call timestamps are omitted when unset"
        );
        let incoming = Call {
            direction: CallDirection::Incoming,
            ..call
        };
        assert_eq!(incoming.remote().target_name, "Alice");
    }

    #[test]
    fn page_envelope_tolerates_bad_items_and_missing_token() {
        let body = br#"{"result":[
            {"id":"b8aa51f6-5cc1-40ba-9737-45ca24dab153","conference_id":"99accfb7-c0dd-4a54-997d-dd18af7bc280","status":"joined"},
            {"id":"not-a-uuid","conference_id":"99accfb7-c0dd-4a54-997d-dd18af7bc280"}
        ],"next_page_token":"2026-08-20T09:12:33.123456Z"}"#;
        let page = Page::<Conferencecall>::from_json(body).unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.skipped, 1);
        assert_eq!(
            page.next_page_token.as_deref(),
            Some("2026-08-20T09:12:33.123456Z")
        );

        let end =
            Page::<Conferencecall>::from_json(br#"{"result":[],"next_page_token":""}"#).unwrap();
        assert!(end.items.is_empty() && end.next_page_token.is_none());
        let bare = Page::<Conferencecall>::from_json(br#"{"result":null}"#).unwrap();
        assert!(bare.items.is_empty() && bare.next_page_token.is_none());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for body in [
            &b"<html>502 Bad Gateway</html>"[..],
            b"{\"result\": [",
            b"",
            b"[]",
            b"{}",
        ] {
            let got = Page::<Conferencecall>::from_json(body);
            assert!(
                got.is_err(),
                "{:?} -> {got:?}",
                String::from_utf8_lossy(body)
            );
        }
        assert!(serde_json::from_str::<Conferencecall>(r#"{"id": 5}"#).is_err());
    }
}
