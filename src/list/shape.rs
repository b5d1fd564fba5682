//! The shape `conftop list -o json` and `-o yaml` print. It is documented in the README and
//! versioned: a field is only ever added; removing or changing one raises
//! [`SCHEMA_VERSION`]. Strings are the data as received (JSON and YAML escape them).

use std::collections::HashSet;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use uuid::Uuid;

use super::Picture;
use crate::api::{CallDirection, ConferencecallStatus};
use crate::domain::model;
use crate::domain::search::Region;
use crate::domain::view::{self, SortMode, Thresholds};
use crate::ids::{IdMap, IdSet};

/// The version of the shape below.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole answer.
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    pub schema_version: u32,
    /// The API's host (and port), never the credential.
    pub api_host: String,
    pub customer: Option<Customer>,
    /// The time of the picture, RFC 3339 in UTC.
    pub at: String,
    /// The `--filter` text, if any.
    pub filter: Option<String>,
    /// Whether every live participant is included. `false` only when `--timeout` cut the
    /// picture short: participants of rooms no list shows (`connect`, `queue`) who joined long
    /// ago may be missing.
    pub complete: bool,
    /// Whether every participant's caller is known (callers are looked up with spare budget).
    pub callers_complete: bool,
    pub totals: Totals,
    /// Rooms by name (unnamed ones last), each with its participants by joining time.
    pub conferences: Vec<Conference>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Customer {
    pub id: Uuid,
    pub name: String,
}

/// Counts of what is listed (after the filter).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub conferences: usize,
    pub participants: usize,
    pub joining: usize,
    pub joined: usize,
    pub leaving: usize,
    /// Live statuses this version does not know.
    pub other: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Conference {
    pub id: Uuid,
    pub name: String,
    /// `conference`, `connect` or `queue`.
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    pub participants: Vec<Participant>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Participant {
    pub id: Uuid,
    /// `joining`, `joined`, `leaving` (or a live status this version does not know).
    pub status: String,
    /// What the participant is: `call`, or another of VoIPbin's reference types.
    pub reference_type: String,
    pub call_id: Option<Uuid>,
    /// When the participant was created (began joining), RFC 3339 in UTC.
    pub joined_at: Option<String>,
    /// Whole seconds from `joined_at` to `at`.
    pub in_conference_seconds: Option<i64>,
    /// `null` while the call is not known.
    pub caller: Option<Caller>,
    /// `null` while the call is not known.
    pub muted: Option<bool>,
    /// `in`, `out` or `both` when muted; `null` when not muted or not known.
    pub mute_direction: Option<String>,
}

/// The remote party of the participant's call.
#[derive(Debug, Clone, Serialize)]
pub struct Caller {
    pub name: String,
    /// The address as sent: an E.164 number, a SIP URI, an extension…
    pub number: String,
    /// The address type: `tel`, `sip`, `agent`, `extension`…
    #[serde(rename = "type")]
    pub kind: String,
    /// `incoming` or `outgoing`.
    pub direction: String,
}

impl Listing {
    /// The picture, narrowed by `filter` with the dashboard's matching rules (numbers as
    /// written in `region`).
    pub fn new(p: &Picture, filter: Option<&str>, region: Option<Region>) -> Listing {
        let filter = filter.map(str::trim).filter(|f| !f.is_empty());
        let shown = matches(p, filter.unwrap_or(""), region);
        let mut conferences: Vec<Conference> = Vec::new();
        let mut totals = Totals::default();
        let mut by_conference: IdMap<Vec<&crate::api::Conferencecall>> = IdMap::default();
        for cc in &p.snapshot.participants {
            if shown.participants.contains(&cc.id) {
                by_conference.entry(cc.conference_id).or_default().push(cc);
            }
        }
        for id in &shown.conferences {
            let conference = p.snapshot.conferences.get(id);
            let mut members = by_conference.remove(id).unwrap_or_default();
            members.sort_by_key(|cc| (cc.tm_create, cc.id));
            let participants: Vec<Participant> =
                members.iter().map(|cc| participant(p, cc)).collect();
            for cc in &members {
                match cc.status {
                    ConferencecallStatus::Joining => totals.joining += 1,
                    ConferencecallStatus::Joined => totals.joined += 1,
                    ConferencecallStatus::Leaving => totals.leaving += 1,
                    _ => totals.other += 1,
                }
            }
            totals.participants += participants.len();
            conferences.push(Conference {
                id: *id,
                name: conference.map(|r| r.name.clone()).unwrap_or_default(),
                kind: conference
                    .map(|r| r.kind.as_str().to_owned())
                    .unwrap_or_default(),
                status: conference
                    .map(|r| r.status.as_str().to_owned())
                    .unwrap_or_default(),
                participants,
            });
        }
        conferences.sort_by(|a, b| {
            (a.name.is_empty(), a.name.to_lowercase(), a.id).cmp(&(
                b.name.is_empty(),
                b.name.to_lowercase(),
                b.id,
            ))
        });
        totals.conferences = conferences.len();
        Listing {
            schema_version: SCHEMA_VERSION,
            api_host: p.host.clone(),
            customer: p.customer.as_ref().map(|c| Customer {
                id: c.id,
                name: c.name.clone(),
            }),
            at: rfc3339(p.at),
            filter: filter.map(str::to_owned),
            complete: p.complete,
            callers_complete: p.missing_callers() == 0,
            totals,
            conferences,
        }
    }
}

/// What the dashboard would show with this filter: its rooms and participants.
struct Shown {
    conferences: Vec<Uuid>,
    participants: IdSet,
}

fn matches(p: &Picture, filter: &str, region: Option<Region>) -> Shown {
    let participants: IdMap<model::Participant> = p
        .snapshot
        .participants
        .iter()
        .map(|cc| (cc.id, model::Participant::from_api(cc, p.at)))
        .collect();
    let conferences: IdMap<model::Conference> = p
        .snapshot
        .conferences
        .values()
        .map(|c| (c.id, model::Conference::from_api(c)))
        .collect();
    let callers: IdMap<model::Caller> = p
        .calls
        .values()
        .map(|c| (c.id, model::Caller::from_api(c)))
        .collect();
    let view = view::build(&view::Inputs {
        participants: &participants,
        conferences: &conferences,
        callers: &callers,
        filter,
        region,
        sort: SortMode::Name,
        collapsed: &HashSet::new(),
        only: None,
        now: p.at,
        thresholds: Thresholds::default(),
        settled: true,
    });
    Shown {
        conferences: view.groups.iter().map(|g| g.conference).collect(),
        participants: view
            .groups
            .iter()
            .flat_map(|g| g.members.iter().copied())
            .collect(),
    }
}

fn participant(p: &Picture, cc: &crate::api::Conferencecall) -> Participant {
    let call = cc.reference_id.and_then(|id| p.calls.get(&id));
    let caller = call.map(|c| {
        let remote = match c.direction {
            CallDirection::Outgoing => &c.destination,
            _ => &c.source,
        };
        let name = if remote.target_name.is_empty() {
            &remote.name
        } else {
            &remote.target_name
        };
        Caller {
            name: name.clone(),
            number: remote.target.clone(),
            kind: remote.kind.as_str().to_owned(),
            direction: c.direction.as_str().to_owned(),
        }
    });
    // A call known from the cache alone: whether it is muted is not known.
    let mute = call
        .filter(|c| !p.remembered.contains(&c.id))
        .map(|c| c.mute_direction.trim());
    Participant {
        id: cc.id,
        status: cc.status.as_str().to_owned(),
        reference_type: cc.reference_type.as_str().to_owned(),
        call_id: cc.reference_id,
        joined_at: cc.tm_create.map(rfc3339),
        in_conference_seconds: cc
            .tm_create
            .map(|t| p.at.duration_since(t).max(SignedDuration::ZERO).as_secs()),
        caller,
        muted: mute.map(|m| !(m.is_empty() || m == "none")),
        mute_direction: mute
            .filter(|m| !(m.is_empty() || *m == "none"))
            .map(str::to_owned),
    }
}

/// RFC 3339 in UTC, to the second.
fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}
