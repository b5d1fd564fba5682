//! Mute: `m` mutes the selected participant's call (both directions) or, if muted, unmutes
//! it. No dialog (it is reversible), but the key waits a second that any key cancels (see
//! [`super::burst`]); exactly one request per key press, never on a
//! participant leaving or gone, never while the data is withdrawn, none while one is
//! unanswered; the footer names who and how it ended.

use super::*;
use crate::api::MuteDirection;

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
    if let Some(action) = s.action_on(p.id) {
        let what = match action {
            ActionKind::Remove => "A removal",
            ActionKind::Mute => "A mute",
            ActionKind::Unmute => "An unmute",
        };
        s.toast(Level::Warn, format!("{what} of {who} is already under way"));
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
    let action = if mute {
        ActionKind::Mute
    } else {
        ActionKind::Unmute
    };
    s.acting.insert((action, participant), who.clone());
    out.push(Command::Sync(sync::SyncCommand::Act(sync::Attempt {
        action,
        participant,
        conference,
        call: Some(call),
        about,
    })));
    let doing = if mute { "Muting" } else { "Unmuting" };
    s.toast(Level::Info, format!("{doing} {who}…"));
}
