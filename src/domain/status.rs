//! How each participant status is shown, unstyled: a symbol, a word and what it means, one
//! entry per status. A new status also needs its colour (the theme), its place in the order
//! statuses move in (`api::enums`), what conftop does with it (`domain::model`, `domain::view`) and
//! how `conftop list` counts it (`list::shape`).

use crate::api::ConferencecallStatus;

/// A status as the screen shows it. Colour is never the only signal: the symbol and the
/// word say it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Badge {
    pub symbol: &'static str,
    pub word: &'static str,
    /// `symbol word`, ready for a row (a frame writes one per row; no allocation).
    pub label: &'static str,
    pub meaning: &'static str,
}

const JOINING: Badge = Badge {
    symbol: "+",
    word: "JOINING",
    label: "+ JOINING",
    meaning: "entering: the call is in the conference's pre-flow",
};
const JOINED: Badge = Badge {
    symbol: "●",
    word: "JOINED",
    label: "● JOINED",
    meaning: "in the conference",
};
const LEAVING: Badge = Badge {
    symbol: "-",
    word: "LEAVING",
    label: "- LEAVING",
    meaning: "being removed: kicked, or its conference ended",
};
const LEFT: Badge = Badge {
    symbol: "x",
    word: "LEFT",
    label: "x LEFT",
    meaning: "gone; the row stays a few seconds, then goes",
};
/// A status this version does not know: its own word is shown (see [`unknown_word`]).
pub const UNKNOWN: Badge = Badge {
    symbol: "?",
    word: "(word)",
    label: "? (word)",
    meaning: "a status this version of conftop does not know",
};

/// The badge of a known status; `None` for one this version does not know.
pub fn badge(status: &ConferencecallStatus) -> Option<&'static Badge> {
    match status {
        ConferencecallStatus::Joining => Some(&JOINING),
        ConferencecallStatus::Joined => Some(&JOINED),
        ConferencecallStatus::Leaving => Some(&LEAVING),
        ConferencecallStatus::Leaved => Some(&LEFT),
        ConferencecallStatus::Other(_) => None,
    }
}

/// The word shown for a status this version does not know: its first seven characters in
/// capitals, or `?`.
pub fn unknown_word(word: &str) -> String {
    let w: String = word.chars().take(7).collect::<String>().to_uppercase();
    if w.is_empty() { "?".into() } else { w }
}

/// Every status, in the order the legend lists them (the last stands for unknown ones).
pub fn legend() -> [ConferencecallStatus; 5] {
    [
        ConferencecallStatus::Joining,
        ConferencecallStatus::Joined,
        ConferencecallStatus::Leaving,
        ConferencecallStatus::Leaved,
        ConferencecallStatus::Other(String::new()),
    ]
}
