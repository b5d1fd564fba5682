//! Applying what the sync task says: snapshots, call details, failures, removal answers.

use super::*;

pub(super) fn on_sync(s: &mut AppState, ev: SyncEvent) {
    match ev {
        SyncEvent::Refreshing => {
            s.conn.refreshing = true;
        }
        SyncEvent::Customer(c) => {
            s.customer = Some((c.id, sanitize(&c.name, 48)));
            s.dirty = true;
        }
        SyncEvent::Snapshot(snap) => apply_snapshot(s, &snap),
        SyncEvent::Mute(o) => super::mute::on_mute(s, o),
        SyncEvent::CallUpdated(call) => {
            // Only callers already shown: the customer's other calls are none of our business.
            if let Some(known) = s.callers.get_mut(&call.id) {
                let fresh = Caller::from_api(&call);
                if fresh.tm_update >= known.tm_update && *known != fresh {
                    *known = fresh;
                    s.dirty = true;
                }
            }
        }
        SyncEvent::Rate(r) => {
            s.rate = Some(r);
            s.dirty = true;
        }
        SyncEvent::Channel(c) => {
            s.channel = Some(c);
            s.dirty = true;
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
            if s.filter.is_empty() && s.sort != SortMode::Name {
                s.dirty = true;
            } else {
                s.rebuild();
            }
        }
        SyncEvent::Failed { at, error } => {
            s.conn.refreshing = false;
            s.conn.last_error = Some((at, error.describe()));
            s.conn.hint = match error.kind {
                ErrorKind::Unauthenticated => {
                    Some("Check VN_ACCESS_KEY / VOIPBIN_API_KEY, VOIPBIN_TOKEN or the config file.")
                }
                _ => None,
            };
            s.dirty = true;
        }
        SyncEvent::Removal(outcome) => on_removal(s, outcome),
        SyncEvent::Departed(records) => s.note_departed(&records),
    }
}

pub(super) fn apply_snapshot(s: &mut AppState, snap: &Snapshot) {
    let now = s.now;
    // Rows of the very first picture (however many snapshots it takes to fill in) are not
    // "new".
    let seen_at = if s.snapshots == 0 || s.loading.is_some() {
        now - s.cfg.highlight - SignedDuration::from_secs(1)
    } else {
        now
    };
    s.snapshots += 1;
    // Most refreshes of a quiet system change nothing: then the view is not rebuilt.
    let mut changed = s.snapshots == 1;
    let number = s.snapshots;
    for cc in &snap.participants {
        match s.participants.get_mut(&cc.id) {
            Some(p) => {
                changed |= p.merge(cc, now);
                p.seen = number;
            }
            None => {
                let mut p = Participant::from_api(cc, now);
                p.first_seen = seen_at;
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
    for id in left {
        s.note_departure(id, now);
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
    s.conn.last_ok = Some(now);
    s.conn.last_error = None;
    s.conn.hint = None;
    s.conn.refreshing = false;
    s.history_complete = snap.complete;
    s.history = snap.history;
    let loading = (snap.pending > 0).then(|| {
        let total = snap.participants.len();
        (total - snap.pending.min(total), total)
    });
    changed |= loading != s.loading;
    // While the first picture fills in, rows move as their details arrive: until the user
    // touches a key, the selection stays on the first row rather than following whichever
    // participant happened to be first before.
    if !s.touched && (loading.is_some() || s.loading.is_some()) {
        s.selection = None;
        s.scroll = 0;
    }
    s.loading = loading;
    if changed {
        s.rebuild();
    } else {
        // "updated 0s ago" changed.
        s.dirty = true;
    }
}

pub(super) fn on_removal(s: &mut AppState, o: RemovalOutcome) {
    s.pending.remove(&o.participant);
    // The name the dialog showed, even if the row is gone by now.
    let pinned = s.pending_who.remove(&o.participant);
    let who = s
        .participants
        .get(&o.participant)
        .map(|p| describe(s, p))
        .filter(|w| pinned.is_none() || !w.starts_with("participant "))
        .or(pinned)
        .unwrap_or_else(|| format!("participant {}", short_id(&o.participant)));
    let conference = s.conference_label(&o.conference);
    let now = s.now;
    if let Ok(cc) = &o.result
        && let Some(p) = s.participants.get_mut(&o.participant)
    {
        p.merge(cc, now);
    }
    let code = match &o.result {
        Err(e) => e.status.map(|c| format!(" ({c})")).unwrap_or_default(),
        Ok(_) => String::new(),
    };
    let describe = || {
        o.result
            .as_ref()
            .err()
            .map(|e| e.describe())
            .unwrap_or_default()
    };
    let (level, text) = match o.verdict {
        Verdict::Removed => (
            Level::Info,
            format!("Removed {who} from {conference}: leaving"),
        ),
        Verdict::AlreadyLeft => (Level::Info, format!("{who} had already left {conference}")),
        // Mute verdicts never answer a removal.
        Verdict::Accepted | Verdict::Muted | Verdict::Unmuted => {
            let status = o
                .result
                .as_ref()
                .map(|cc| cc.status.as_str())
                .unwrap_or("?");
            let status = sanitize(status, 16);
            (
                Level::Warn,
                format!("Removal of {who} answered with status {status:?}"),
            )
        }
        Verdict::Forbidden => (Level::Error, format!("Not permitted to remove {who}{code}")),
        Verdict::Gone => {
            if let Some(p) = s.participants.get_mut(&o.participant) {
                p.gone_at.get_or_insert(now);
            }
            s.note_departure(o.participant, now);
            (Level::Warn, format!("{who} was already gone{code}"))
        }
        // An unknown id, or a kick the server could not carry out (API.md §3); the next
        // refresh shows which.
        Verdict::Refused => (
            Level::Warn,
            format!(
                "The server refused to remove {who}{code}: already gone, or the kick failed; watch the row"
            ),
        ),
        Verdict::RateLimited => (
            Level::Warn,
            format!("Rate limited{code}: {who} was not removed; try again shortly"),
        ),
        Verdict::Unauthenticated => (
            Level::Error,
            format!("Credentials rejected{code}: {who} was not removed"),
        ),
        Verdict::Rejected => (
            Level::Error,
            format!("{who} was not removed{code}: {}", describe()),
        ),
        Verdict::Failed => (
            Level::Error,
            format!(
                "Network error: {who} was not removed; try again ({})",
                describe()
            ),
        ),
        Verdict::Unknown => (
            Level::Error,
            format!(
                "No clear answer ({}): {who} may or may not have been removed; watch the row",
                describe()
            ),
        ),
    };
    s.note_verdict(o.participant, o.verdict);
    s.toast(level, text);
    s.rebuild();
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
