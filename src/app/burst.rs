//! Telling typed text from commands. A person who means a command key presses it on its own;
//! a name typed without `/` first, or a paste into a terminal without bracketed paste, comes
//! as a burst of keys faster than anyone presses separate commands. So:
//! - printable command keys other than movement and `/` are held for [`GAP`] and act only if
//!   no other printable key follows within it (a key that types nothing, an arrow or Enter,
//!   lets the held key act first): the first letter of a word never acts;
//! - two different printable keys within [`GAP`] of each other are text: they start a search
//!   (over the removal dialog, they close it, nothing sent, and start the search);
//! - the same key repeated that fast is a key held down: it moves, and does nothing else.
//!
//! A removal needs no timing rule: only Enter on the dialog's Remove button sends one, and no
//! printable key presses it. A mute has no dialog (it is reversible), so `m` asks for time
//! instead: no letter in the [`COMMIT`] before it, and none in the [`COMMIT`] after, which the
//! screen counts down and any key cancels. Else the `m` is part of a word, and the screen says
//! it was taken as a search.

use jiff::{SignedDuration, Timestamp};

use super::keys::{Action, Context};

/// Keys closer together than this are one burst. Typing runs at 50–150 ms a key; someone
/// pressing separate commands pauses longer.
pub const GAP: SignedDuration = SignedDuration::from_millis(200);

/// How long no letter may have come before `m`, and how long the mute then waits for any
/// other key: a slow typist's next letter comes within it.
pub const COMMIT: SignedDuration = SignedDuration::from_secs(1);

/// A command key waiting to see whether it starts a burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub action: Action,
    pub context: Context,
    /// When it was pressed.
    pub at: Timestamp,
    /// How long no printable key had been pressed before it.
    pub letter_quiet: SignedDuration,
    /// When it acts, if no other key comes first.
    pub due: Timestamp,
    /// A mute waiting out its [`COMMIT`]: another key cancels it.
    pub commit: bool,
    /// The character the key types.
    pub key: Option<char>,
    /// The participant a mute was pressed on.
    pub target: Option<uuid::Uuid>,
}

impl Held {
    /// A key held for [`GAP`]; `letter_quiet` is how long no printable key came before.
    pub fn new(
        action: Action,
        context: Context,
        at: Timestamp,
        letter_quiet: SignedDuration,
        key: Option<char>,
    ) -> Held {
        Held {
            action,
            context,
            at,
            letter_quiet,
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
    /// Notes a key pressed at `now` (`typed`: the character it types, if any). Returns what it
    /// is.
    pub fn press(&mut self, now: Timestamp, typed: Option<char>) -> Kind {
        let quiet = self
            .last
            .map_or(SignedDuration::MAX, |t| now.duration_since(t));
        self.last = Some(now);
        let Some(c) = typed else {
            self.run.clear();
            return Kind::Alone;
        };
        self.last_letter = Some(now);
        if quiet.is_negative() {
            // The wall clock stepped back: start afresh.
            self.run.clear();
            self.run.push(c);
            return Kind::Alone;
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
        match chars.next() {
            None => Kind::Alone,
            Some(_) if self.run.chars().all(|x| Some(x) == first) => Kind::Repeat,
            Some(_) => Kind::Text(self.run.clone()),
        }
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
        assert_eq!(b.press(at(0), Some('A')), Kind::Alone);
        assert_eq!(b.press(at(120), Some('n')), Kind::Text("An".into()));
        assert_eq!(b.press(at(240), Some('d')), Kind::Text("And".into()));
        // A pause ends the burst.
        assert_eq!(b.press(at(700), Some('j')), Kind::Alone);
        assert_eq!(b.letter_quiet(at(900)), SignedDuration::from_millis(200));
        assert_eq!(b.press(at(730), Some('j')), Kind::Repeat);
        assert_eq!(b.press(at(760), Some('j')), Kind::Repeat);
        assert_eq!(b.press(at(790), Some('k')), Kind::Text("jjjk".into()));
        // A key that types nothing ends a burst too, and is no letter.
        b.press(at(800), None);
        assert_eq!(b.letter_quiet(at(900)), SignedDuration::from_millis(110));
        assert_eq!(b.press(at(850), Some('x')), Kind::Alone);
        // A clock stepped back starts afresh.
        assert_eq!(b.press(at(10), Some('y')), Kind::Alone);
        assert_eq!(b.press(at(60), Some('o')), Kind::Text("yo".into()));
    }

    #[test]
    fn a_held_key_is_due_after_the_gap() {
        let held = Held::new(
            Action::Mute,
            Context::List,
            at(0),
            SignedDuration::MAX,
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
