//! The derived view: groups in display order, the flat list of rows, totals and trouble.
//!
//! Rebuilt only when its inputs change (a snapshot, call details, filter, sort, folding, a
//! row leaving, or a conference crossing a trouble threshold), never per frame: a frame only
//! reads the rows on screen.

use std::collections::HashSet;

use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use crate::api::ConferencecallStatus;
use crate::defaults;
use crate::ids::IdMap;

use super::model::{Caller, Conference, Participant};
use super::search::Needle;

/// Group order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortMode {
    /// Conferences with stuck participants first, then by name.
    #[default]
    Trouble,
    Name,
    /// Most participants first.
    Size,
    /// Longest-running first.
    Age,
}

impl SortMode {
    pub fn next(self) -> SortMode {
        match self {
            SortMode::Trouble => SortMode::Name,
            SortMode::Name => SortMode::Size,
            SortMode::Size => SortMode::Age,
            SortMode::Age => SortMode::Trouble,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortMode::Trouble => "trouble first",
            SortMode::Name => "room name",
            SortMode::Size => "most people first",
            SortMode::Age => "oldest room first",
        }
    }
}

/// How long a participant may sit in `joining` or `leaving` before it is a warning, then
/// critical.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub warn: SignedDuration,
    pub crit: SignedDuration,
}

fn signed(d: std::time::Duration) -> SignedDuration {
    SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX)
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            warn: signed(defaults::STUCK_WARN),
            crit: signed(defaults::STUCK_CRIT),
        }
    }
}

/// How troubled something is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Trouble {
    #[default]
    None,
    Warn,
    Crit,
}

impl Thresholds {
    /// How long a participant has been stuck in a transitional status, if it is in one.
    pub fn stuck_for(p: &Participant, now: Timestamp) -> Option<SignedDuration> {
        match p.shown_status() {
            ConferencecallStatus::Joining | ConferencecallStatus::Leaving => {
                Some(now.duration_since(p.status_since).max(SignedDuration::ZERO))
            }
            _ => None,
        }
    }

    pub fn level(&self, stuck: Option<SignedDuration>) -> Trouble {
        match stuck {
            Some(d) if d >= self.crit => Trouble::Crit,
            Some(d) if d >= self.warn => Trouble::Warn,
            _ => Trouble::None,
        }
    }
}

/// One conference in the view.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub conference: Uuid,
    /// Participants shown (after the filter), in row order.
    pub members: Vec<Uuid>,
    /// Participants in the room now (not counting rows that already left).
    pub present: usize,
    pub trouble: Trouble,
    pub collapsed: bool,
}

/// A line of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Group(usize),
    Participant(usize, Uuid),
}

/// Counts for the header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub conferences: usize,
    pub joining: usize,
    pub joined: usize,
    pub leaving: usize,
    pub left: usize,
    pub other: usize,
}

/// The whole derived view.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct View {
    pub groups: Vec<Group>,
    pub rows: Vec<Row>,
    /// Row index of each participant shown.
    pub row_of: IdMap<usize>,
    /// Row index of each group's header.
    pub group_rows: Vec<usize>,
    pub totals: Totals,
    /// The longest time anyone has been stuck in `joining` or `leaving`.
    pub worst_stuck: Option<SignedDuration>,
    /// Participants shown in `joining` or `leaving`, with their group: the only ones whose
    /// trouble level can change with time alone.
    pub transitional: Vec<(usize, Uuid)>,
}

/// Everything the view is derived from.
pub struct Inputs<'a> {
    pub participants: &'a IdMap<Participant>,
    pub conferences: &'a IdMap<Conference>,
    pub callers: &'a IdMap<Caller>,
    pub filter: &'a str,
    /// Whose way of writing phone numbers the filter understands.
    pub region: Option<super::search::Region>,
    pub sort: SortMode,
    pub collapsed: &'a HashSet<Uuid>,
    /// Only participants shown in this status, when set.
    pub only: Option<&'a ConferencecallStatus>,
    pub now: Timestamp,
    pub thresholds: Thresholds,
    /// The picture is whole. Until then trouble-first keeps the rooms in name order: their
    /// trouble is learnt as records arrive, and rooms jumping under the reader's eyes cannot be
    /// followed.
    pub settled: bool,
}

/// Builds the view.
pub fn build(i: &Inputs<'_>) -> View {
    let needle = Needle::new(i.filter, i.region);
    let mut by_conference: IdMap<Vec<&Participant>> = IdMap::default();
    let mut totals = Totals::default();
    let mut worst: Option<SignedDuration> = None;
    for p in i.participants.values() {
        match p.shown_status() {
            ConferencecallStatus::Joining => totals.joining += 1,
            ConferencecallStatus::Joined => totals.joined += 1,
            ConferencecallStatus::Leaving => totals.leaving += 1,
            ConferencecallStatus::Leaved => totals.left += 1,
            ConferencecallStatus::Other(_) => totals.other += 1,
        }
        if let Some(d) = Thresholds::stuck_for(p, i.now) {
            worst = worst.max(Some(d));
        }
        by_conference.entry(p.conference_id).or_default().push(p);
    }
    for id in i.conferences.keys() {
        by_conference.entry(*id).or_default();
    }
    totals.conferences = by_conference.len();

    let conference_name = |id: &Uuid| i.conferences.get(id).map(|r| r.name.as_str()).unwrap_or("");
    let mut groups: Vec<(Group, &str, Option<Timestamp>)> = Vec::with_capacity(by_conference.len());
    for (conference, mut members) in by_conference {
        let name = conference_name(&conference);
        // The room's own count, whatever the filter hides.
        let present = members.iter().filter(|p| p.gone_at.is_none()).count();
        let conference_hit = needle.matches_conference(&conference, i.conferences.get(&conference));
        if !conference_hit {
            members.retain(|p| {
                needle.matches_participant(p, p.call_id.and_then(|c| i.callers.get(&c)))
            });
        }
        if let Some(only) = i.only {
            members.retain(|p| p.shown_status() == *only);
        }
        if members.is_empty() && (!conference_hit || i.only.is_some()) {
            continue;
        }
        let trouble = members
            .iter()
            .map(|p| i.thresholds.level(Thresholds::stuck_for(p, i.now)))
            .max()
            .unwrap_or_default();
        match i.sort {
            SortMode::Name => members.sort_by(|a, b| {
                let name = |p: &Participant| {
                    p.call_id
                        .and_then(|c| i.callers.get(&c))
                        .map(|c| c.remote().name.to_lowercase())
                        .unwrap_or_default()
                };
                (name(a), a.tm_create, a.id).cmp(&(name(b), b.tm_create, b.id))
            }),
            _ => members.sort_by_key(|p| (p.tm_create, p.id)),
        }
        let created = i.conferences.get(&conference).and_then(|r| r.tm_create);
        groups.push((
            Group {
                conference,
                members: members.iter().map(|p| p.id).collect(),
                present,
                trouble,
                collapsed: i.collapsed.contains(&conference),
            },
            name,
            created,
        ));
    }

    let by_name = |a: &(Group, &str, Option<Timestamp>), b: &(Group, &str, Option<Timestamp>)| {
        // Named rooms first, alphabetically; unnamed ones (connect rooms) after, by id.
        (a.1.is_empty(), a.1.to_lowercase(), a.0.conference).cmp(&(
            b.1.is_empty(),
            b.1.to_lowercase(),
            b.0.conference,
        ))
    };
    match i.sort {
        SortMode::Trouble if !i.settled => groups.sort_by(by_name),
        SortMode::Trouble => {
            groups.sort_by(|a, b| b.0.trouble.cmp(&a.0.trouble).then_with(|| by_name(a, b)))
        }
        SortMode::Name => groups.sort_by(by_name),
        SortMode::Size => {
            groups.sort_by(|a, b| b.0.present.cmp(&a.0.present).then_with(|| by_name(a, b)))
        }
        SortMode::Age => groups.sort_by(|a, b| a.2.cmp(&b.2).then_with(|| by_name(a, b))),
    }

    let mut view = View {
        totals,
        worst_stuck: worst,
        ..View::default()
    };
    for (gi, (group, _, _)) in groups.into_iter().enumerate() {
        for id in &group.members {
            if i.participants
                .get(id)
                .is_some_and(|p| Thresholds::stuck_for(p, i.now).is_some())
            {
                view.transitional.push((gi, *id));
            }
        }
        view.group_rows.push(view.rows.len());
        view.rows.push(Row::Group(gi));
        if !group.collapsed {
            for id in &group.members {
                view.row_of.insert(*id, view.rows.len());
                view.rows.push(Row::Participant(gi, *id));
            }
        }
        view.groups.push(group);
    }
    view
}
