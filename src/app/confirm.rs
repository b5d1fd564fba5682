//! The removal dialog's life cycle: opened on one participant, pinned to it, sends exactly
//! one removal when confirmed, and only by a key pressed after the dialog could be read.

use super::*;

/// A dialog button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    Cancel,
    Remove,
}

/// The removal confirmation: it names its target, pinned when it opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub participant: Uuid,
    pub conference: Uuid,
    pub caller: String,
    pub number: String,
    pub short_id: String,
    pub conference_name: String,
    pub focus: Button,
    /// Opened from the detail pane: closing the dialog goes back to it.
    pub from_detail: bool,
    /// When it opened: a key to confirm it must come [`burst::READ_TIME`] after.
    pub opened: Timestamp,
    /// A key came too soon to confirm it (or text was typed at it) and was ignored: the
    /// dialog says so.
    pub ignored: bool,
}

impl Confirm {
    /// The participant in words: caller and number, as far as known.
    pub fn who(&self) -> String {
        if self.number.is_empty() {
            self.caller.clone()
        } else {
            format!("{} {}", self.caller, self.number)
        }
    }
}

pub(super) fn open_confirm(s: &mut AppState) {
    if s.cfg.mode.read_only() {
        return;
    }
    if s.withdrawn() {
        s.toast(
            Level::Warn,
            "No data on screen: nothing to remove until the API answers".to_owned(),
        );
        return;
    }
    let Some(p) = s.selected_participant() else {
        s.toast(Level::Warn, "Select a participant to remove".to_owned());
        return;
    };
    let who = describe(s, p);
    if let Some(action) = s.action_on(p.id) {
        let what = match action {
            ActionKind::Remove => "Removal",
            ActionKind::Mute => "A mute",
            ActionKind::Unmute => "An unmute",
        };
        s.toast(Level::Warn, format!("{what} of {who} is already under way"));
        return;
    }
    if !p.removable() {
        let state = match p.shown_status() {
            ConferencecallStatus::Leaving => "already leaving",
            ConferencecallStatus::Leaved => "already gone",
            _ => "not in a state that can be removed",
        };
        s.toast(Level::Warn, format!("{who} is {state}"));
        return;
    }
    let caller = s.caller_of(p);
    let confirm = Confirm {
        participant: p.id,
        conference: p.conference_id,
        caller: caller
            .map(|c| c.remote().name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "unknown caller".to_owned()),
        number: caller
            .map(|c| c.remote().shown().to_owned())
            .unwrap_or_default(),
        short_id: short_id(&p.id),
        conference_name: s.conference_label(&p.conference_id),
        focus: Button::Cancel,
        from_detail: s.overlay == Overlay::Detail,
        opened: s.now,
        ignored: false,
    };
    s.overlay = Overlay::Confirm(confirm);
}

/// A dialog key pressed at `at` after `quiet` without keys. Removing takes a deliberate
/// act: a key after [`burst::READ_TIME`] of quiet, once the dialog has been open that long;
/// one that came sooner is ignored, and the dialog says so.
pub(super) fn dialog_action(
    s: &mut AppState,
    action: Action,
    at: Timestamp,
    quiet: SignedDuration,
    out: &mut Vec<Command>,
) {
    let Overlay::Confirm(c) = &mut s.overlay else {
        return;
    };
    let removes =
        action == Action::Confirm || (action == Action::Activate && c.focus == Button::Remove);
    let read = at.duration_since(c.opened) >= burst::READ_TIME && quiet >= burst::READ_TIME;
    if removes && !read {
        c.ignored = true;
        return;
    }
    match action {
        Action::SwitchButton => {
            c.focus = match c.focus {
                Button::Cancel => Button::Remove,
                Button::Remove => Button::Cancel,
            };
        }
        Action::Cancel => close(s),
        Action::Confirm => send_removal(s, out),
        Action::Activate => match c.focus {
            Button::Remove => send_removal(s, out),
            Button::Cancel => close(s),
        },
        _ => {}
    }
}

/// Closes the dialog, back to the detail pane when it was opened from there.
fn close(s: &mut AppState) {
    let Overlay::Confirm(c) = std::mem::take(&mut s.overlay) else {
        return;
    };
    if c.from_detail && s.selected_participant().map(|p| p.id) == Some(c.participant) {
        s.overlay = Overlay::Detail;
        s.detail_for = Some(c.participant);
    }
}

/// Sends exactly one removal for the participant pinned when the dialog opened.
pub(super) fn send_removal(s: &mut AppState, out: &mut Vec<Command>) {
    let Overlay::Confirm(c) = std::mem::take(&mut s.overlay) else {
        return;
    };
    if s.cfg.mode.read_only() || s.action_on(c.participant).is_some() {
        return;
    }
    let caller_name = if s.caller_of_id(c.participant).is_some() {
        c.caller.clone()
    } else {
        String::new()
    };
    let about = s.subject(c.conference_name.clone(), caller_name, c.number.clone());
    s.acting
        .insert((ActionKind::Remove, c.participant), c.who());
    out.push(Command::Sync(sync::SyncCommand::Act(sync::Attempt {
        action: ActionKind::Remove,
        participant: c.participant,
        conference: c.conference,
        call: s.participants.get(&c.participant).and_then(|p| p.call_id),
        about,
    })));
    s.toast(
        Level::Info,
        format!("Removing {} from {}…", c.who(), c.conference_name),
    );
    if c.from_detail && s.selected_participant().map(|p| p.id) == Some(c.participant) {
        s.overlay = Overlay::Detail;
        s.detail_for = Some(c.participant);
    }
}
