//! Applying what the sync task says: snapshots, call details, failures; actions' answers go
//! to [`super::outcome`].

use super::*;

pub(super) fn on_sync(s: &mut AppState, ev: SyncEvent) {
    match ev {
        SyncEvent::Refreshing => {
            s.sync.conn.refreshing = true;
        }
        SyncEvent::Customer(c) => {
            s.sync.customer = Some((c.id, sanitize(&c.name, 48)));
        }
        SyncEvent::Snapshot(snap) => apply_snapshot(s, &snap),
        SyncEvent::CallUpdated(call) => {
            // Only callers already shown: the customer's other calls are none of our business.
            if let Some(known) = s.callers.get_mut(&call.id) {
                let fresh = Caller::from_api(&call);
                if fresh.tm_update >= known.tm_update && *known != fresh {
                    *known = fresh;
                }
            }
        }
        SyncEvent::Rate(r) => {
            s.sync.rate = Some(r);
        }
        SyncEvent::Channel(c) => {
            s.sync.channel = Some(c);
        }
        SyncEvent::Stays { stays, written } => {
            s.trend.backfill(&stays, written, s.now);
        }
        SyncEvent::Remembered(calls) => {
            // Names at once; what the server says of these calls, when it comes, wins.
            for call in calls {
                s.callers
                    .entry(call.id)
                    .or_insert_with(|| Caller::remembered(&call));
                s.name_departure(call.id);
            }
            s.rebuild();
        }
        SyncEvent::Calls(calls) => {
            for call in calls {
                let fresh = Caller::from_api(&call);
                // An older record (a page fetched before a mute) never undoes a newer one.
                match s.callers.get(&call.id) {
                    Some(known) if known.tm_update > fresh.tm_update => {}
                    _ => {
                        s.callers.insert(call.id, fresh);
                    }
                }
                s.name_departure(call.id);
            }
            if !s.filter.is_empty() || s.sort == SortMode::Name {
                s.rebuild();
            }
        }
        SyncEvent::Failed { at, error } => {
            s.sync.conn.refreshing = false;
            s.sync.conn.last_error = Some(freshness::Failure {
                at,
                reason: error.describe(),
                short: error.short(),
            });
            s.sync.conn.hint = match error.kind {
                ErrorKind::Unauthenticated => {
                    Some("Check VN_ACCESS_KEY / VOIPBIN_API_KEY, VOIPBIN_TOKEN or the config file.")
                }
                _ => None,
            };
        }
        SyncEvent::Acted(outcome) => super::outcome::on_outcome(s, *outcome),
        SyncEvent::Departed(records) => s.departures_read(&records),
    }
}

pub(super) fn apply_snapshot(s: &mut AppState, snap: &Snapshot) {
    let now = s.now;
    // Rows of the very first picture (however many snapshots it takes to fill in) are not
    // "new".
    let seen_at = if s.snapshots == 0 || s.sync.loading.is_some() {
        now - s.cfg.highlight - SignedDuration::from_secs(1)
    } else {
        now
    };
    s.snapshots += 1;
    // Most refreshes of a quiet system change nothing: then the view is not rebuilt.
    let mut changed = s.snapshots == 1;
    let number = s.snapshots;
    let mut joined = 0;
    for cc in &snap.participants {
        match s.participants.get_mut(&cc.id) {
            Some(p) => {
                changed |= p.merge(cc, now);
                p.seen = number;
            }
            None => {
                let mut p = Participant::from_api(cc, now);
                p.first_seen = seen_at;
                joined += u32::from(seen_at == now && cc.status.is_live());
                p.seen = number;
                s.participants.insert(cc.id, p);
                changed = true;
            }
        }
    }
    let mut left = Vec::new();
    for p in s.participants.values_mut() {
        if p.gone_at.is_none() && p.seen != number {
            p.gone_at = Some(now);
            left.push(p.id);
            changed = true;
        }
    }
    if joined > 0 {
        s.trend.joined(now, joined);
    }
    if !left.is_empty() {
        s.trend.left(now, left.len() as u32);
    }
    for id in left {
        s.departure_seen(id, now);
    }
    for conf in snap.conferences.values() {
        let mut conference = Conference::from_api(conf);
        conference.listed = true;
        if s.conferences.get(&conf.id) != Some(&conference) {
            s.conferences.insert(conf.id, conference);
            changed = true;
        }
    }
    if s.conferences.len() != snap.conferences.len() {
        let in_use: HashSet<Uuid> = s.participants.values().map(|p| p.conference_id).collect();
        for (id, r) in s.conferences.iter_mut() {
            r.listed = snap.conferences.contains_key(id);
        }
        let before = s.conferences.len();
        s.conferences
            .retain(|id, r| r.listed || in_use.contains(id));
        changed |= s.conferences.len() != before;
    }
    // Fresh only as of when the server last answered: a picture made of pushed records alone
    // changes the rows, not how recent the server's word is.
    if let Some(at) = snap.confirmed {
        s.sync.conn.confirmed(at.min(now));
        s.sync.conn.hint = None;
    }
    if !snap.interim {
        s.sync.conn.refreshing = false;
    }
    s.sync.history_complete = snap.complete;
    s.sync.history = snap.history;
    s.sync.horizon = Some(snap.horizon);
    let loading = (snap.awaited > 0).then(|| {
        let total = snap.participants.len();
        (total - snap.awaited.min(total), total)
    });
    changed |= loading != s.sync.loading;
    // While the first picture fills in, rows move as their details arrive: until the user
    // touches a key, the selection stays on the first row rather than following whichever
    // participant happened to be first before.
    if !s.touched && (loading.is_some() || s.sync.loading.is_some()) {
        s.selection = None;
        s.scroll = 0;
    }
    s.sync.loading = loading;
    if changed {
        s.rebuild();
    }
}

/// "Alice Smith +15551234567" or the short id when the caller is not known yet.
pub(super) fn describe(s: &AppState, p: &Participant) -> String {
    describe_caller(s.caller_of(p), &p.id)
}

/// A participant in words: its caller's name and number, else its short id.
pub(super) fn describe_caller(caller: Option<&Caller>, id: &Uuid) -> String {
    match caller {
        Some(c) if !c.remote().name.is_empty() => {
            format!("{} {}", c.remote().name, c.remote().shown())
        }
        Some(c) if !c.remote().shown().is_empty() => c.remote().shown().to_owned(),
        _ => format!("participant {}", short_id(id)),
    }
}
