//! An action's answer (remove, mute, unmute): what it changes on screen, and the one place
//! where a verdict becomes words.

use super::*;
use crate::api::MuteDirection;
use crate::sync::Outcome;
use crate::verdict::ActionKind;

pub(super) fn on_outcome(s: &mut AppState, o: Outcome) {
    *s.acted
        .entry((o.action.verb(), o.verdict.word()))
        .or_default() += 1;
    // The name the dialog or the key press used, even if the row is gone by now; a better
    // one if the caller became known meanwhile.
    let pinned = s.acting.remove(&(o.action, o.participant));
    let who = s
        .participants
        .get(&o.participant)
        .map(|p| describe(s, p))
        .filter(|w| pinned.is_none() || !w.starts_with("participant "))
        .or(pinned)
        .unwrap_or_else(|| format!("participant {}", short_id(&o.participant)));
    let conference = s.conference_label(&o.conference);
    match (o.action, o.verdict) {
        // What the answer did to the row came just before, in the sync task's snapshot.
        (ActionKind::Remove, _) => s.note_verdict(o.participant, o.verdict),
        // The server said yes; the call read back (or pushed) confirms the direction.
        (_, Verdict::Muted | Verdict::Unmuted) => {
            if let Some(c) = o.call.and_then(|call| s.callers.get_mut(&call)) {
                c.mute = (o.verdict == Verdict::Muted).then_some(MuteDirection::Both);
            }
        }
        _ => {}
    }
    let (level, text) = words(&o, &who, &conference);
    s.toast(level, text);
    s.rebuild();
}

/// What the footer says of an outcome.
pub fn words(o: &Outcome, who: &str, conference: &str) -> (Level, String) {
    let (verb, done) = (o.action.verb(), o.action.past());
    let code = o
        .error
        .as_ref()
        .and_then(|e| e.status)
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let why = o.error.as_ref().map(|e| e.describe()).unwrap_or_default();
    let remove = o.action == ActionKind::Remove;
    match o.verdict {
        Verdict::Removed => (
            Level::Info,
            format!("Removed {who} from {conference}: leaving"),
        ),
        Verdict::Muted => (Level::Info, format!("Muted {who}")),
        Verdict::Unmuted => (Level::Info, format!("Unmuted {who}")),
        Verdict::AlreadyLeft => (Level::Info, format!("{who} had already left {conference}")),
        Verdict::Accepted => {
            let status = o.record.as_ref().map_or("?", |cc| cc.status.as_str());
            let status = sanitize(status, 16);
            (
                Level::Warn,
                format!("The answer to {verb} {who} was status {status:?}"),
            )
        }
        Verdict::Forbidden => (Level::Error, format!("Not permitted to {verb} {who}{code}")),
        Verdict::Gone if remove => (Level::Warn, format!("{who} was already gone{code}")),
        // An unknown id, or an action the server could not carry out (API.md §3, §5); the
        // next refresh shows which.
        Verdict::Refused | Verdict::Gone => {
            let likely = if remove {
                "already gone, or the kick failed; watch the row"
            } else {
                "the call may have ended"
            };
            (
                Level::Warn,
                format!("The server refused to {verb} {who}{code}: {likely}"),
            )
        }
        Verdict::RateLimited => (
            Level::Warn,
            format!("Rate limited{code}: {who} was not {done}; try again shortly"),
        ),
        Verdict::Unauthenticated => (
            Level::Error,
            format!("Credentials rejected{code}: {who} was not {done}"),
        ),
        Verdict::Rejected => (Level::Error, format!("{who} was not {done}{code}: {why}")),
        Verdict::Failed => (
            Level::Error,
            format!("Network error: {who} was not {done}; try again ({why})"),
        ),
        Verdict::Unknown => (
            Level::Error,
            format!(
                "No clear answer ({why}): {who} may or may not have been {done}; watch the row"
            ),
        ),
    }
}
