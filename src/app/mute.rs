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

/// A mute or an unmute the selection allows now, or why not (in words for the footer).
pub(super) struct MutePlan {
    pub participant: Uuid,
    conference: Uuid,
    call: Uuid,
    /// Mute (else unmute).
    pub mute: bool,
    pub who: String,
}

impl MutePlan {
    /// "Muting" or "Unmuting".
    pub fn doing(&self) -> &'static str {
        if self.mute { "Muting" } else { "Unmuting" }
    }
}

/// What `m` would do on the selection now: the one place its rules are (the key's wait asks
/// before it says "Muting X in a second", and asks again when the second is over).
pub(super) fn mute_plan(s: &AppState) -> Result<MutePlan, (Level, String)> {
    if s.withdrawn() {
        return Err((
            Level::Warn,
            "No data on screen: nothing can be muted".to_owned(),
        ));
    }
    let Some(p) = s.selected_participant() else {
        return Err((Level::Info, "Select a participant to mute".to_owned()));
    };
    let who = describe(s, p);
    if !p.removable() {
        return Err((
            Level::Warn,
            format!("{who} is leaving or gone: nothing to mute"),
        ));
    }
    let Some(call) = p.call_id else {
        return Err((
            Level::Warn,
            format!("{who}: its call is not known yet; try again shortly"),
        ));
    };
    if let Some(action) = s.action_on(p.id) {
        let what = match action {
            ActionKind::Remove => "A removal",
            ActionKind::Mute => "A mute",
            ActionKind::Unmute => "An unmute",
        };
        return Err((Level::Warn, format!("{what} of {who} is already under way")));
    }
    Ok(MutePlan {
        participant: p.id,
        conference: p.conference_id,
        call,
        mute: s.callers.get(&call).is_none_or(|c| c.mute.is_none()),
        who,
    })
}

pub(super) fn toggle_mute(s: &mut AppState, out: &mut Vec<Command>) {
    let plan = match mute_plan(s) {
        Ok(plan) => plan,
        Err((level, why)) => {
            s.toast(level, why);
            return;
        }
    };
    let caller = s.callers.get(&plan.call);
    let about = s.subject(
        s.conference_label(&plan.conference),
        caller.map(|c| c.remote().name.clone()).unwrap_or_default(),
        caller
            .map(|c| c.remote().shown().to_owned())
            .unwrap_or_default(),
    );
    let action = if plan.mute {
        ActionKind::Mute
    } else {
        ActionKind::Unmute
    };
    s.acting
        .insert((action, plan.participant), plan.who.clone());
    out.push(Command::Sync(sync::SyncCommand::Act(sync::Attempt {
        action,
        participant: plan.participant,
        conference: plan.conference,
        call: Some(plan.call),
        about,
    })));
    s.toast(Level::Info, format!("{} {}…", plan.doing(), plan.who));
}
