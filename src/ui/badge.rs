//! Status badges: a symbol and a word, coloured by the theme. Colour is never the only
//! signal, so every badge reads the same in `mono` and under `NO_COLOR`.

use std::borrow::Cow;

use ratatui::style::Style;

use crate::api::ConferencecallStatus;

use super::theme::Theme;

/// Width of the widest badge, for column layout.
pub const WIDTH: usize = 10;

/// (symbol, word, style) for a status.
pub fn badge(status: &ConferencecallStatus, theme: &Theme) -> (&'static str, String, Style) {
    match status {
        ConferencecallStatus::Joining => ("+", "JOINING".into(), theme.joining),
        ConferencecallStatus::Joined => ("●", "JOINED".into(), theme.joined),
        ConferencecallStatus::Leaving => ("-", "LEAVING".into(), theme.leaving),
        ConferencecallStatus::Leaved => ("x", "LEFT".into(), theme.left),
        ConferencecallStatus::Other(word) => {
            let mut w: String = word.chars().take(7).collect::<String>().to_uppercase();
            if w.is_empty() {
                w = "?".into();
            }
            ("?", w, theme.unknown)
        }
    }
}

/// The badge as text, e.g. `● JOINED` (no allocation for the known statuses: a frame writes
/// one per row).
pub fn text(status: &ConferencecallStatus, theme: &Theme) -> (Cow<'static, str>, Style) {
    match status {
        ConferencecallStatus::Joining => ("+ JOINING".into(), theme.joining),
        ConferencecallStatus::Joined => ("● JOINED".into(), theme.joined),
        ConferencecallStatus::Leaving => ("- LEAVING".into(), theme.leaving),
        ConferencecallStatus::Leaved => ("x LEFT".into(), theme.left),
        other => {
            let (sym, word, style) = badge(other, theme);
            (format!("{sym} {word}").into(), style)
        }
    }
}

/// The legend, for help and README.
pub const LEGEND: &[(&str, &str, &str)] = &[
    (
        "+",
        "JOINING",
        "entering: the call is in the conference's pre-flow",
    ),
    ("●", "JOINED", "in the conference"),
    (
        "-",
        "LEAVING",
        "being removed: kicked, or its conference ended",
    ),
    ("x", "LEFT", "gone; the row stays a few seconds, then goes"),
    (
        "?",
        "(word)",
        "a status this version of conftop does not know",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_distinct_symbol_and_word() {
        let t = Theme::default_theme();
        let all = [
            ConferencecallStatus::Joining,
            ConferencecallStatus::Joined,
            ConferencecallStatus::Leaving,
            ConferencecallStatus::Leaved,
            ConferencecallStatus::Other("paused".into()),
        ];
        let texts: Vec<String> = all.iter().map(|s| text(s, &t).0.into_owned()).collect();
        for (status, text) in all.iter().zip(&texts) {
            let (sym, word, _) = badge(status, &t);
            assert_eq!(*text, format!("{sym} {word}"), "text() agrees with badge()");
        }
        for (i, a) in texts.iter().enumerate() {
            assert!(a.chars().count() <= WIDTH, "{a}");
            for b in &texts[i + 1..] {
                assert_ne!(a, b);
                assert_ne!(
                    a.chars().next(),
                    b.chars().next(),
                    "symbols differ: {a} {b}"
                );
            }
        }
        assert_eq!(texts[4], "? PAUSED");
    }
}
