//! Watches (`w`): a caller, by number (so a re-join under a new participant id still matches),
//! or a conference. When a watched participant joins, leaves or is stuck past the critical
//! threshold, the app says so in a toast and asks the event loop to ring the terminal's bell
//! and, where the terminal shows them, a desktop notification. Every word in it is sanitised
//! as the screen's are.

use std::collections::HashMap;

use jiff::Timestamp;
use uuid::Uuid;

use super::{AppState, Command, Level, Selection};
use crate::api::ConferencecallStatus;

/// What is watched.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Watch {
    /// A caller, by the digits of their number (or, for a SIP caller, the address).
    Caller(String),
    Conference(Uuid),
}

/// How a caller is told apart across calls: the digits of a number, a SIP address in lower
/// case; `None` for what names no one in particular (`agent`, an extension's id).
fn caller_key(shown: &str) -> Option<String> {
    let d = digits(shown);
    let number_like = shown
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if number_like && d.trim_start_matches('+').len() >= 5 {
        Some(d)
    } else if shown.contains('@') {
        let s = shown.trim();
        Some(s.strip_prefix("sip:").unwrap_or(s).to_lowercase())
    } else {
        None
    }
}

/// The digits of a number, `+` kept: "+44 20 7946-0679" and "+442079460679" are one caller.
fn digits(number: &str) -> String {
    let d = crate::text::digits(number);
    if number.trim_start().starts_with('+') {
        format!("+{d}")
    } else {
        d
    }
}

impl Watch {
    /// `conference:<id>`, or a phone number (at least five digits).
    pub fn parse(s: &str) -> Option<Watch> {
        if let Some(id) = s.trim().strip_prefix("conference:") {
            return Uuid::parse_str(id.trim()).ok().map(Watch::Conference);
        }
        let s = s.trim();
        caller_key(s.strip_prefix("sip:").unwrap_or(s)).map(Watch::Caller)
    }

    /// How the watch is written in the help and in messages.
    pub fn label(&self, s: &AppState) -> String {
        match self {
            Watch::Caller(number) => number.clone(),
            Watch::Conference(id) => format!("conference {}", s.conference_label(id)),
        }
    }
}

/// A watch, and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watching {
    pub watch: Watch,
    pub since: Timestamp,
}

/// What was last seen of a watched participant, to tell what changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Seen {
    joined: bool,
    left: bool,
    stuck: bool,
}

/// What the event loop does for a watch that fired: the bell and, where the terminal shows
/// them, a desktop notification; both words already sanitised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

impl AppState {
    /// Whether a participant matches a watch (its caller's number, or its conference).
    pub fn watched(&self, id: Uuid) -> bool {
        let Some(p) = self.participants.get(&id) else {
            return false;
        };
        let number = self
            .caller_of(p)
            .and_then(|c| caller_key(c.remote().shown()));
        self.watches.iter().any(|w| match &w.watch {
            Watch::Conference(c) => *c == p.conference_id,
            Watch::Caller(d) => number.as_deref() == Some(d.as_str()),
        })
    }

    /// Whether a conference is watched.
    pub fn conference_watched(&self, id: Uuid) -> bool {
        self.watches
            .iter()
            .any(|w| w.watch == Watch::Conference(id))
    }

    /// `w`: watches the selection (its caller's number, or the conference), or stops.
    pub(super) fn toggle_watch(&mut self) {
        let watch = match self.selection {
            Some(Selection::Group(c)) => Watch::Conference(c),
            Some(Selection::Participant(id)) => {
                let shown = self
                    .participants
                    .get(&id)
                    .and_then(|p| self.caller_of(p))
                    .map(|c| c.remote().shown().to_owned());
                match shown.as_deref().map(|s| (s, caller_key(s))) {
                    Some((_, Some(key))) => Watch::Caller(key),
                    Some((shown, None)) => {
                        let shown = crate::text::sanitize(shown, 40);
                        self.toast(
                            Level::Warn,
                            format!(
                                "This caller ({shown}) has no number or address to watch by: \
                                 watch their conference instead (w on its title)"
                            ),
                        );
                        return;
                    }
                    None => {
                        self.toast(
                            Level::Warn,
                            "No number known for this caller yet: watch their conference \
                             instead (w on its title)"
                                .to_owned(),
                        );
                        return;
                    }
                }
            }
            None => return,
        };
        let label = watch.label(self);
        if let Some(i) = self.watches.iter().position(|w| w.watch == watch) {
            self.watches.remove(i);
            self.toast(Level::Info, format!("No longer watching {label}"));
        } else {
            self.watches.push(Watching {
                watch,
                since: self.now,
            });
            self.toast(
                Level::Info,
                format!(
                    "Watching {label}: told when they join, leave or are stuck · w again stops"
                ),
            );
        }
        self.watch_seen.clear();
        self.note_watched(&mut Vec::new(), false);
        self.rebuild();
    }

    /// Once a second: what changed for watched participants, told.
    pub(super) fn report_watches(&mut self, out: &mut Vec<Command>) {
        if !self.watches.is_empty() && self.snapshots > 0 {
            self.note_watched(out, true);
        }
    }

    /// Compares each watched participant with what was seen of it; tells (when `tell`) what
    /// changed. A participant first seen joined tells only when it came after the watch.
    fn note_watched(&mut self, out: &mut Vec<Command>, tell: bool) {
        let crit = self.cfg.thresholds.crit;
        let mut now_seen: HashMap<Uuid, Seen> = HashMap::new();
        let mut told = Vec::new();
        for p in self.participants.values() {
            if !self.watched(p.id) {
                continue;
            }
            let seen = Seen {
                joined: p.gone_at.is_none() && p.status == ConferencecallStatus::Joined,
                left: p.gone_at.is_some()
                    || matches!(
                        p.status,
                        ConferencecallStatus::Leaving | ConferencecallStatus::Leaved
                    ),
                stuck: p.gone_at.is_none() && self.stuck(p).is_some_and(|d| d >= crit),
            };
            let before = self.watch_seen.get(&p.id).copied();
            let since = self
                .watches
                .iter()
                .map(|w| w.since)
                .min()
                .unwrap_or(self.now);
            // Not looked at before (the watch is new, or it came and went within the second
            // between two looks): what happened before the watch was set is not news.
            let left_at = match p.status {
                ConferencecallStatus::Leaving | ConferencecallStatus::Leaved => p.status_since,
                _ => p.gone_at.unwrap_or(p.status_since),
            };
            let before = before.unwrap_or(Seen {
                joined: seen.joined && p.first_seen < since,
                left: seen.left && left_at < since,
                stuck: false,
            });
            let what = if seen.left && !before.left {
                Some("left")
            } else if seen.stuck && !before.stuck {
                Some(if p.status == ConferencecallStatus::Leaving {
                    "is stuck leaving"
                } else {
                    "is stuck joining"
                })
            } else if seen.joined && !before.joined {
                Some("joined")
            } else {
                None
            };
            if let Some(what) = what {
                told.push((p.id, what));
            }
            now_seen.insert(p.id, seen);
        }
        self.watch_seen = now_seen;
        if !tell {
            return;
        }
        for (id, what) in told {
            let Some(p) = self.participants.get(&id) else {
                continue;
            };
            let who = super::apply::describe(self, p);
            let conference = self.conference_label(&p.conference_id);
            let body = crate::text::sanitize(&format!("{who} {what} · {conference}"), 200);
            self.toast_unasked(Level::Info, format!("Watch: {body}"));
            out.push(Command::Notify(Notice {
                title: "conftop".to_owned(),
                body,
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_one_caller_however_they_are_written() {
        assert_eq!(
            Watch::parse("+44 20 7946-0679"),
            Some(Watch::Caller("+442079460679".into()))
        );
        assert_eq!(
            Watch::parse("+442079460679"),
            Watch::parse("+44 (20) 7946 0679")
        );
        assert_eq!(Watch::parse("1234"), None, "too short for a number");
        assert_eq!(Watch::parse("Fatima"), None, "a name is no number");
        let id = Uuid::from_u128(5);
        assert_eq!(
            Watch::parse(&format!("conference:{id}")),
            Some(Watch::Conference(id))
        );
        assert_eq!(Watch::parse("conference:nope"), None);
        // A SIP caller by its address, whatever the case.
        assert_eq!(
            Watch::parse("sip:Lobby@SIP.example.net"),
            Some(Watch::Caller("lobby@sip.example.net".into()))
        );
        assert_eq!(caller_key("agent"), None, "names no one in particular");
    }
}
