//! `c`: what people paste into tickets, chosen from a short menu: the caller's number or name,
//! the participant's or the call's id, or a one-line summary of it all (of a conference: its
//! name, id or summary). The text goes out as an OSC 52 escape; nothing else happens.

use uuid::Uuid;

use super::{AppState, Command, Level, Overlay, Selection};
use crate::text::sanitize;

/// One choice of the menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyItem {
    /// The key that picks it (`1`…).
    pub key: char,
    /// What it is, in words ("caller's number").
    pub label: &'static str,
    /// What is copied (already sanitised: it came from the network).
    pub text: String,
}

/// The menu, for the selection it was opened on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyMenu {
    pub items: Vec<CopyItem>,
}

impl CopyMenu {
    /// What can be copied of the selection; nothing without one.
    pub fn for_selection(s: &AppState) -> Option<CopyMenu> {
        let mut items = Vec::new();
        let mut add = |label: &'static str, text: String| {
            if !text.is_empty() {
                let key = char::from_digit(items.len() as u32 + 1, 10).unwrap_or('9');
                items.push(CopyItem { key, label, text });
            }
        };
        match s.selection? {
            Selection::Participant(id) => {
                let p = s.participants.get(&id)?;
                let party = s.caller_of(p).map(|c| c.remote());
                let number = party.map(|r| clean(r.shown())).unwrap_or_default();
                let name = party.map(|r| clean(&r.name)).unwrap_or_default();
                let conference = conference_name(s, &p.conference_id);
                let mut summary = match (name.is_empty(), number.is_empty()) {
                    (false, false) => format!("{name} {number}"),
                    (false, true) => name.clone(),
                    (true, false) => number.clone(),
                    (true, true) => "caller not known".to_owned(),
                };
                summary.push_str(&format!(" in {conference}, {}", p.shown_status().as_str()));
                if let Some(d) = s.in_conference(p) {
                    summary.push_str(&format!(" for {}", crate::format::duration(d)));
                }
                summary.push_str(&format!(" · participant {}", p.id));
                if let Some(call) = p.call_id {
                    summary.push_str(&format!(" · call {call}"));
                }
                // The status is the server's word: sanitised with the rest.
                add("summary", sanitize(&summary, 512));
                add("caller's number", number);
                add("caller's name", name);
                add("participant id", p.id.to_string());
                add(
                    "call id",
                    p.call_id.map(|c| c.to_string()).unwrap_or_default(),
                );
            }
            Selection::Group(c) => {
                let conference = conference_name(s, &c);
                let people = s.view.groups.iter().find(|g| g.conference == c);
                let present = people.map_or(0, |g| g.present);
                add(
                    "summary",
                    format!("{conference}: {present} present · conference {c}"),
                );
                add("conference name", conference);
                add("conference id", c.to_string());
            }
        }
        (!items.is_empty()).then_some(CopyMenu { items })
    }
}

fn clean(s: &str) -> String {
    sanitize(s, 128)
}

fn conference_name(s: &AppState, id: &Uuid) -> String {
    clean(&s.conference_label(id))
}

/// `c`: opens the menu on the selection.
pub(super) fn open(s: &mut AppState) {
    if let Some(menu) = CopyMenu::for_selection(s) {
        s.overlay = Overlay::Copy(menu);
    }
}

/// A key in the menu: a choice copies it and closes the menu; anything else only closes it.
pub(super) fn choose(s: &mut AppState, key: char, out: &mut Vec<Command>) {
    let Overlay::Copy(menu) = std::mem::take(&mut s.overlay) else {
        return;
    };
    let Some(item) = menu.items.into_iter().find(|i| i.key == key) else {
        return;
    };
    out.push(Command::Copy(item.text.clone()));
    let shown = crate::text::truncate(&item.text, 48).into_owned();
    let caveat = s.cfg.clipboard_caveat;
    s.toast(
        Level::Info,
        format!("Copied the {}: {shown} ({caveat})", item.label),
    );
}

/// What to say of OSC 52 in the terminal conftop runs in: where it is known to need a setting
/// or to be ignored, that; else that the terminal must allow it.
pub fn clipboard_caveat(env: &dyn Fn(&str) -> Option<String>) -> &'static str {
    if env("TMUX").is_some() {
        "through tmux only with set-clipboard on"
    } else if env("STY").is_some() {
        "GNU screen may not pass OSC 52 on"
    } else if env("VTE_VERSION").is_some() {
        "this terminal (VTE) may ignore OSC 52"
    } else {
        "by OSC 52, if the terminal allows it"
    }
}
