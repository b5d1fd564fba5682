//! The removal dialog's life cycle: opened on one participant, pinned to it, Cancel focused.
//! Exactly one removal is sent, and only by Enter on Remove, which only `→`/`l` focuses: no
//! printable key and no paste removes anyone, at any pace. Letters that answer nothing are a
//! word: they close the dialog, nothing sent, and become a search.

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
    /// The letters typed since (and including) the key that opened it: the word, should
    /// they turn out to be one.
    pub typed: String,
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
        // In the list's words.
        caller: caller
            .map_or("unknown caller", |c| c.remote().name_or_why().0)
            .to_owned(),
        number: caller
            .map(|c| c.remote().shown().to_owned())
            .unwrap_or_default(),
        short_id: short_id(&p.id),
        conference_name: s.conference_label(&p.conference_id),
        focus: Button::Cancel,
        from_detail: s.overlay == Overlay::Detail,
        typed: String::new(),
    };
    s.overlay = Overlay::Confirm(confirm);
}

/// A dialog key. Enter presses the focused button: on Remove it sends the removal.
pub(super) fn dialog_action(s: &mut AppState, action: Action, out: &mut Vec<Command>) {
    let Overlay::Confirm(c) = &mut s.overlay else {
        return;
    };
    match action {
        Action::FocusCancel => c.focus = Button::Cancel,
        Action::FocusRemove => c.focus = Button::Remove,
        Action::Activate if c.focus == Button::Remove => send_removal(s, out),
        Action::Cancel | Action::Activate => close(s),
        _ => {}
    }
}

/// Letters typed at the dialog: a word, not an answer. The dialog closes, nothing sent, and
/// the word starts a search, as it would have with no dialog open.
pub(super) fn dialog_to_search(s: &mut AppState, word: &str) {
    if !matches!(s.overlay, Overlay::Confirm(_)) {
        return;
    }
    s.overlay = Overlay::None;
    super::input::typed_text(s, word.to_owned());
    s.toast(
        Level::Warn,
        "Letters never remove (→ then Enter does): the dialog closed, nothing sent · they are \
         a search"
            .to_owned(),
    );
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
fn send_removal(s: &mut AppState, out: &mut Vec<Command>) {
    let Overlay::Confirm(c) = std::mem::take(&mut s.overlay) else {
        return;
    };
    if s.cfg.mode.read_only() || s.action_on(c.participant).is_some() {
        return;
    }
    // The name as the server has it (none, for a withheld one), not the dialog's words.
    let caller_name = s
        .caller_of_id(c.participant)
        .map(|x| x.remote().name.clone())
        .unwrap_or_default();
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
