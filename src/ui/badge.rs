//! Status badges: a symbol and a word, coloured by the theme. Colour is never the only
//! signal, so every badge reads the same in `mono` and under `NO_COLOR`.

use std::borrow::Cow;

use ratatui::style::Style;

use crate::api::ConferencecallStatus;
use crate::app::status::{self, UNKNOWN, unknown_word};

use super::theme::Theme;

/// Width of the widest badge, for column layout.
pub const WIDTH: usize = 10;

/// The theme's style for a status.
pub fn style(status: &ConferencecallStatus, theme: &Theme) -> Style {
    match status {
        ConferencecallStatus::Joining => theme.joining,
        ConferencecallStatus::Joined => theme.joined,
        ConferencecallStatus::Leaving => theme.leaving,
        ConferencecallStatus::Leaved => theme.left,
        ConferencecallStatus::Other(_) => theme.unknown,
    }
}

/// (symbol, word, style) for a status.
pub fn badge(status: &ConferencecallStatus, theme: &Theme) -> (&'static str, String, Style) {
    let style = style(status, theme);
    match (status::badge(status), status) {
        (Some(b), _) => (b.symbol, b.word.into(), style),
        (None, ConferencecallStatus::Other(word)) => (UNKNOWN.symbol, unknown_word(word), style),
        (None, _) => (UNKNOWN.symbol, "?".into(), style),
    }
}

/// The badge as text, e.g. `● JOINED` (no allocation for the known statuses: a frame writes
/// one per row).
pub fn text(status: &ConferencecallStatus, theme: &Theme) -> (Cow<'static, str>, Style) {
    match status::badge(status) {
        Some(b) => (b.label.into(), style(status, theme)),
        None => {
            let (sym, word, style) = badge(status, theme);
            (format!("{sym} {word}").into(), style)
        }
    }
}

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
