//! Telling typed text from commands. A person who means a command key presses it on its own;
//! a name typed without `/` first, or a paste into a terminal without bracketed paste, comes
//! as a burst of keys faster than anyone presses separate commands. So:
//! - printable command keys other than movement and `/` are held for [`GAP`] and act only if
//!   no other key follows within it: the first letter of a word never acts;
//! - two different printable keys within [`GAP`] of each other are text: they start a search
//!   (over the removal dialog, they close it, nothing sent, and start the search);
//! - the same key repeated that fast is a key held down: it moves, and does nothing else.
//!
//! Someone typing slowly (half a second a key, or more) presses every key on its own, so the
//! two keys that harm someone (`m` mutes; `y` or Enter on Remove confirms a removal) ask
//! more: no letter in the [`COMMIT`] before them, and no key in the [`COMMIT`] after (a
//! removal, which cannot be undone: [`REMOVAL_WAIT`]). Until then the mute or removal is
//! pending, the screen says so, and any key cancels it: a word typed at up to a key a second
//! never mutes anyone, and at up to two seconds a key removes no one. The removal dialog also
//! needs [`READ_TIME`] open and quiet before its key (see `confirm`).

use jiff::{SignedDuration, Timestamp};

use super::keys::{Action, Context};

/// Keys closer together than this are one burst. Typing runs at 50–150 ms a key; someone
/// pressing separate commands pauses longer.
pub const GAP: SignedDuration = SignedDuration::from_millis(200);

/// The least time a dialog must be open, and the least quiet before the key that confirms it:
/// a key that came sooner was pressed before anyone could have read the dialog.
pub const READ_TIME: SignedDuration = SignedDuration::from_millis(500);

/// How long no letter may have come before a mute's or a removal's key, and how long a mute
/// then waits for any other key: a slow typist's next letter comes within it.
pub const COMMIT: SignedDuration = SignedDuration::from_secs(1);

/// How long a confirmed removal waits for any other key: longer than a mute's second, as a
/// removal cannot be undone, so a word typed slower still (`dylan` at 1.5 s a key) cancels it.
pub const REMOVAL_WAIT: SignedDuration = SignedDuration::from_secs(2);

/// A command key waiting to see whether it starts a burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub action: Action,
    pub context: Context,
    /// When it was pressed.
    pub at: Timestamp,
    /// How long no key had been pressed before it.
    pub quiet: SignedDuration,
    /// How long no printable key had been pressed before it.
    pub letter_quiet: SignedDuration,
    /// When it acts, if no other key comes first.
    pub due: Timestamp,
    /// A mute or a removal waiting out its wait ([`COMMIT`], [`REMOVAL_WAIT`]): another key
    /// cancels it.
    pub commit: bool,
    /// The character the key types.
    pub key: Option<char>,
    /// The participant a mute was pressed on.
    pub target: Option<uuid::Uuid>,
}

impl Held {
    /// A key held for [`GAP`]; `quiet` is how long no key, and no printable key, came before.
    pub fn new(
        action: Action,
        context: Context,
        at: Timestamp,
        quiet: [SignedDuration; 2],
        key: Option<char>,
    ) -> Held {
        Held {
            action,
            context,
            at,
            quiet: quiet[0],
            letter_quiet: quiet[1],
            due: at + GAP,
            commit: false,
            key,
            target: None,
        }
    }

    /// The same key, now waiting out `wait` from when it was pressed.
    pub fn committing(self, wait: SignedDuration) -> Held {
        Held {
            due: self.at + wait,
            commit: true,
            ..self
        }
    }
}

/// What the keys pressed so far say about the latest one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A key on its own (or the first of what may become a burst).
    Alone,
    /// Part of a burst of one key held down (auto-repeat).
    Repeat,
    /// Part of typed text: the burst's characters so far.
    Text(String),
}

/// The recent keys.
#[derive(Debug, Clone, Default)]
pub struct Burst {
    /// When the last key was pressed.
    last: Option<Timestamp>,
    /// When the last printable key was pressed.
    last_letter: Option<Timestamp>,
    /// The printable keys of the current burst, in order.
    run: String,
    /// A command key waiting for [`GAP`] to pass.
    pub held: Option<Held>,
}

/// The character a key types, if it types one (no Ctrl or Alt).
pub fn printable(key: &crossterm::event::KeyEvent) -> Option<char> {
    use crossterm::event::{KeyCode, KeyModifiers};
    match key.code {
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                && !c.is_control() =>
        {
            Some(c)
        }
        _ => None,
    }
}

impl Burst {
    /// Notes a key pressed at `now` (`typed`: the character it types, if any). Returns how long
    /// it had been quiet before it, and what it is.
    pub fn press(&mut self, now: Timestamp, typed: Option<char>) -> (SignedDuration, Kind) {
        let quiet = self
            .last
            .map_or(SignedDuration::MAX, |t| now.duration_since(t));
        self.last = Some(now);
        let Some(c) = typed else {
            self.run.clear();
            return (quiet, Kind::Alone);
        };
        self.last_letter = Some(now);
        if quiet.is_negative() {
            // The wall clock stepped back: start afresh, but claim no quiet.
            self.run.clear();
            self.run.push(c);
            return (SignedDuration::ZERO, Kind::Alone);
        }
        if quiet >= GAP {
            self.run.clear();
        }
        // A paste can be long; a search is at most 64 characters anyway.
        if self.run.chars().count() < 64 {
            self.run.push(c);
        }
        let mut chars = self.run.chars();
        let first = chars.next();
        let kind = match chars.next() {
            None => Kind::Alone,
            Some(_) if self.run.chars().all(|x| Some(x) == first) => Kind::Repeat,
            Some(_) => Kind::Text(self.run.clone()),
        };
        (quiet, kind)
    }

    /// A paste arrived at `now`: it is text, cancels a held key, and is no quiet before the
    /// next key.
    pub fn pasted(&mut self, now: Timestamp) {
        self.last = Some(now);
        self.run.clear();
        self.held = None;
    }

    /// How long no printable key has been pressed, at `now` (before noting the next key).
    pub fn letter_quiet(&self, now: Timestamp) -> SignedDuration {
        self.last_letter.map_or(SignedDuration::MAX, |t| {
            now.duration_since(t).max(SignedDuration::ZERO)
        })
    }

    /// When the last key was pressed.
    pub fn last(&self) -> Option<Timestamp> {
        self.last
    }

    /// Takes the held key if it is due at `now`.
    pub fn due(&mut self, now: Timestamp) -> Option<Held> {
        match self.held {
            Some(h) if now >= h.due => self.held.take(),
            _ => None,
        }
    }

    /// When the app wants to be woken to act on a held key.
    pub fn deadline(&self) -> Option<Timestamp> {
        self.held.map(|h| h.due)
    }
}

/// Whether a key for this action acts at once rather than being held: moving never harms,
/// and `/` starts the search that typed text would start anyway.
pub fn acts_at_once(action: Action) -> bool {
    use Action::*;
    matches!(
        action,
        Up | Down | PageUp | PageDown | Top | Bottom | Filter | Back
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_millisecond(1_800_000_000_000 + ms).unwrap()
    }

    #[test]
    fn different_keys_close_together_are_text_the_same_key_is_a_repeat() {
        let mut b = Burst::default();
        assert_eq!(b.press(at(0), Some('A')).1, Kind::Alone);
        assert_eq!(b.press(at(120), Some('n')).1, Kind::Text("An".into()));
        assert_eq!(b.press(at(240), Some('d')).1, Kind::Text("And".into()));
        // A pause ends the burst.
        let (quiet, kind) = b.press(at(700), Some('j'));
        assert_eq!(
            (quiet, kind),
            (SignedDuration::from_millis(460), Kind::Alone)
        );
        assert_eq!(b.press(at(730), Some('j')).1, Kind::Repeat);
        assert_eq!(b.press(at(760), Some('j')).1, Kind::Repeat);
        assert_eq!(b.press(at(790), Some('k')).1, Kind::Text("jjjk".into()));
        // A key that types nothing ends a burst too.
        b.press(at(800), None);
        assert_eq!(b.press(at(850), Some('x')).1, Kind::Alone);
        // A clock stepped back starts afresh and claims no quiet.
        assert_eq!(
            b.press(at(10), Some('y')),
            (SignedDuration::ZERO, Kind::Alone)
        );
        assert_eq!(b.press(at(60), Some('o')).1, Kind::Text("yo".into()));
    }

    #[test]
    fn a_held_key_is_due_after_the_gap() {
        let held = Held::new(
            Action::Mute,
            Context::List,
            at(0),
            [SignedDuration::MAX; 2],
            Some('m'),
        );
        let mut b = Burst {
            held: Some(held),
            ..Burst::default()
        };
        assert_eq!(b.deadline(), Some(at(200)));
        assert!(b.due(at(199)).is_none());
        assert_eq!(b.due(at(200)).map(|h| h.action), Some(Action::Mute));
        assert!(b.held.is_none());
        // Committing waits a second from the key, not from the gap.
        b.held = Some(held.committing(COMMIT));
        assert_eq!(b.deadline(), Some(at(1000)));
        assert!(b.due(at(999)).is_none());
        assert!(b.due(at(1000)).is_some_and(|h| h.commit));
    }
}
