//! Mute: `m` mutes the selected participant's call (both directions) or, if muted, unmutes
//! it. No confirmation (it is reversible), exactly one request per key press, never on a
//! participant leaving or gone, never while the data is withdrawn, none while one is
//! unanswered; the footer names who and how it ended.

use super::*;
use crate::api::MuteDirection;
use crate::sync::MuteOutcome;

/// The words for a mute direction: its marker, and who cannot hear whom (`in` stops the
/// participant's audio into the conference, `out` the conference's audio out to them).
pub fn direction_words(d: MuteDirection) -> (&'static str, [&'static str; 2]) {
    match d {
        MuteDirection::Both => (
            "muted",
            [
                "the others cannot hear them,",
                "and they cannot hear the others",
            ],
        ),
        MuteDirection::In => (
            "muted in",
            ["the others cannot hear them;", "they still hear the others"],
        ),
        MuteDirection::Out => (
            "muted out",
            ["they cannot hear the others;", "the others still hear them"],
        ),
    }
}

pub(super) fn toggle_mute(s: &mut AppState, out: &mut Vec<Command>) {
    if s.withdrawn() {
        s.toast(
            Level::Warn,
            "No data on screen: nothing can be muted".to_owned(),
        );
        return;
    }
    let Some(p) = s.selected_participant() else {
        s.toast(Level::Info, "Select a participant to mute".to_owned());
        return;
    };
    let who = describe(s, p);
    if !p.removable() {
        s.toast(
            Level::Warn,
            format!("{who} is leaving or gone: nothing to mute"),
        );
        return;
    }
    let Some(call) = p.call_id else {
        s.toast(
            Level::Warn,
            format!("{who}: its call is not known yet; try again shortly"),
        );
        return;
    };
    if s.muting.contains_key(&p.id) {
        s.toast(Level::Warn, format!("A mute of {who} is already under way"));
        return;
    }
    let (participant, conference) = (p.id, p.conference_id);
    let caller = s.callers.get(&call);
    let mute = caller.is_none_or(|c| c.mute.is_none());
    let about = s.subject(
        s.conference_label(&conference),
        caller.map(|c| c.remote().name.clone()).unwrap_or_default(),
        caller
            .map(|c| c.remote().shown().to_owned())
            .unwrap_or_default(),
    );
    s.muting.insert(participant, who.clone());
    out.push(Command::Sync(sync::SyncCommand::Mute {
        participant,
        conference,
        call,
        mute,
        about,
    }));
    let doing = if mute { "Muting" } else { "Unmuting" };
    s.toast(Level::Info, format!("{doing} {who}…"));
}

pub(super) fn on_mute(s: &mut AppState, o: MuteOutcome) {
    let who = s
        .muting
        .remove(&o.participant)
        .unwrap_or_else(|| format!("participant {}", short_id(&o.participant)));
    let code = o
        .error
        .as_ref()
        .and_then(|e| e.status)
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let why = o.error.as_ref().map(|e| e.describe()).unwrap_or_default();
    let act = if o.mute { "mute" } else { "unmute" };
    let (level, text) = match o.verdict {
        Verdict::Muted | Verdict::Unmuted => {
            // The server said yes; the call read back (or pushed) confirms the direction.
            if let Some(c) = s.callers.get_mut(&o.call) {
                c.mute = o.mute.then_some(MuteDirection::Both);
            }
            let done = if o.mute { "Muted" } else { "Unmuted" };
            (Level::Info, format!("{done} {who}"))
        }
        Verdict::Refused | Verdict::Gone => (
            Level::Warn,
            format!("The server refused to {act} {who}{code}: the call may have ended"),
        ),
        Verdict::Forbidden => (Level::Error, format!("Not permitted to {act} {who}{code}")),
        Verdict::RateLimited => (
            Level::Warn,
            format!("Rate limited{code}: {who} not {act}d; try again shortly"),
        ),
        Verdict::Unauthenticated => (
            Level::Error,
            format!("Credentials rejected{code}: {who} not {act}d"),
        ),
        Verdict::Rejected | Verdict::Failed => (
            Level::Error,
            format!("{who} not {act}d: nothing changed ({why})"),
        ),
        _ => (
            Level::Error,
            format!("No clear answer ({why}): {who} may or may not be {act}d; watch the row"),
        ),
    };
    s.toast(level, text);
    s.rebuild();
}
