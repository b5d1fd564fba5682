//! The one sanitiser every network string passes before it is stored for display, and
//! width-aware truncation for laying text into columns.
//!
//! A caller chooses their own caller-ID name, so anything may arrive: escape sequences (CSI,
//! OSC titles and links, DCS…), C0/C1 controls, bidi overrides, zero-width characters,
//! combining-mark floods and endless strings. What leaves [`sanitize`] is printable text only.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The mark that shows text was cut.
pub const ELLIPSIS: char = '…';

/// How many zero-width marks one grapheme may carry (enough for real scripts, not for floods).
const MAX_MARKS: usize = 2;

/// Returns `s` as printable single-line text of at most `max` graphemes (cut with `…`).
pub fn sanitize(s: &str, max: usize) -> String {
    // Printable ASCII needs nothing removed, and each byte is one grapheme of width one.
    if is_printable_ascii(s) {
        return if s.len() <= max {
            s.to_owned()
        } else {
            let mut out = s[..max.saturating_sub(1)].to_owned();
            out.push(ELLIPSIS);
            out
        };
    }
    let plain = strip_controls(s);
    let mut out = String::with_capacity(plain.len().min(max * 4));
    let mut count = 0;
    let mut graphemes = plain.graphemes(true).peekable();
    while let Some(g) = graphemes.next() {
        if count + 1 == max && graphemes.peek().is_some() {
            out.push(ELLIPSIS);
            break;
        }
        push_limited(&mut out, g);
        count += 1;
        if count >= max {
            break;
        }
    }
    out
}

/// Appends one grapheme, keeping its base and at most [`MAX_MARKS`] zero-width marks.
fn push_limited(out: &mut String, g: &str) {
    let mut marks = 0;
    for (i, c) in g.char_indices() {
        let zero = i > 0 && unicode_width::UnicodeWidthChar::width(c) == Some(0);
        if zero {
            marks += 1;
            if marks > MAX_MARKS {
                continue;
            }
        }
        out.push(c);
    }
}

/// Removes escape sequences whole and drops every other character that could move the cursor,
/// change the terminal's state or reorder text. Line breaks and tabs become spaces.
fn strip_controls(s: &str) -> Cow<'_, str> {
    if s.chars().all(is_plain) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 introducers of string and control sequences (8-bit CSI, OSC, DCS, …).
            '\u{9b}' => skip_csi(&mut chars),
            '\u{90}' | '\u{9d}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if is_plain(c) => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

fn is_plain(c: char) -> bool {
    !(c.is_control() // C0, DEL, C1
        || matches!(c,
            '\u{200b}'..='\u{200f}'   // zero-width space/joiners, LRM/RLM
            | '\u{202a}'..='\u{202e}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{061c}'              // Arabic letter mark
            | '\u{00ad}'              // soft hyphen
            | '\u{180e}'              // Mongolian vowel separator
            | '\u{feff}'              // BOM / zero-width no-break space
            | '\u{fff9}'..='\u{fffb}' // interlinear annotation controls
            | '\u{e0000}'..='\u{e007f}' // tag characters
            | '\u{2028}' | '\u{2029}'))
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After ESC: CSI, OSC and the other string sequences are skipped whole; other escapes are
/// two characters long.
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars),
        // nF escapes (ESC SP F, ESC ( B, …) carry intermediates before the final byte.
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            while let Some(&n) = chars.peek() {
                chars.next();
                if !('\u{20}'..='\u{2f}').contains(&n) {
                    break;
                }
            }
        }
        _ => {}
    }
}

/// Parameters and intermediates up to and including the final byte (0x40–0x7e).
fn skip_csi(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// A control string up to BEL, ST (ESC \) or 8-bit ST.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// Whether every byte is printable ASCII (space to tilde): the common case, which needs no
/// grapheme segmentation and has a width of one cell per byte.
pub fn is_printable_ascii(s: &str) -> bool {
    s.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Display width in terminal cells.
pub fn width(s: &str) -> usize {
    if is_printable_ascii(s) {
        return s.len();
    }
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` cells, ending in `…` when something was cut. Wide characters are
/// never split.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    if is_printable_ascii(s) {
        let mut out = s[..max - 1].to_owned();
        out.push(ELLIPSIS);
        return Cow::Owned(out);
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = width(g);
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

/// Text folded for searching: lower case, accents and other combining marks dropped
/// (`José` and `JOSE` both give `jose`).
pub fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The digits of a phone number, without spaces, dashes, dots, parentheses or a leading `+`.
pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Shortens a UUID-like id to its first eight characters for compact columns.
pub fn short_id(id: &uuid::Uuid) -> String {
    let mut s = id.simple().to_string();
    s.truncate(8);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_and_accents() {
        assert_eq!(fold("José MÜLLER"), "jose muller");
        assert_eq!(fold("Zoë"), fold("ZOE"));
        assert_eq!(digits("+61 (491) 570-781.0"), "614915707810");
    }

    fn clean(s: &str) -> String {
        sanitize(s, 200)
    }

    #[test]
    fn plain_text_is_untouched() {
        assert_eq!(clean("Alice Smith +1 555 0100"), "Alice Smith +1 555 0100");
        assert_eq!(clean("Zoë 王小明 😀"), "Zoë 王小明 😀");
    }

    #[test]
    fn escape_sequences_are_removed_whole() {
        assert_eq!(clean("a\x1b[31mred\x1b[0m"), "ared");
        assert_eq!(clean("\x1b]0;new title\x07Bob"), "Bob");
        assert_eq!(
            clean("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\"),
            "link"
        );
        assert_eq!(clean("x\x1bPqdata\x1b\\y"), "xy");
        assert_eq!(clean("\u{9b}2Jcleared"), "cleared");
        assert_eq!(clean("\u{9d}0;t\u{9c}ok"), "ok");
        assert_eq!(clean("\x1b(Bok"), "ok");
        assert_eq!(clean("trailing\x1b"), "trailing");
        assert_eq!(
            clean("\x1b[12;3"),
            "",
            "an unterminated CSI swallows the rest"
        );
        assert_eq!(
            clean("\x1b[unterminated"),
            "nterminated",
            "ESC [ u is a whole CSI"
        );
    }

    #[test]
    fn controls_bidi_and_invisibles_are_dropped() {
        assert_eq!(clean("a\x07b\x08c\x7fd\u{85}e"), "abcde");
        assert_eq!(clean("line1\nline2\tx\r"), "line1 line2 x ");
        assert_eq!(clean("\u{202e}evil\u{202c}"), "evil");
        assert_eq!(clean("a\u{200b}b\u{2066}c\u{feff}d"), "abcd");
        assert_eq!(clean("tag\u{e0041}s"), "tags");
    }

    #[test]
    fn combining_floods_are_capped() {
        let zalgo = format!("a{}", "\u{301}".repeat(50));
        let out = clean(&zalgo);
        assert_eq!(out.chars().count(), 1 + MAX_MARKS);
        // Legitimate marks survive.
        assert_eq!(clean("e\u{301}"), "e\u{301}");
    }

    #[test]
    fn the_ascii_fast_path_agrees_with_the_general_one() {
        for (s, max) in [
            ("Alice Smith", 5),
            ("Alice Smith", 11),
            ("Alice Smith", 12),
            ("x", 1),
            ("", 3),
            ("ab", 1),
        ] {
            let general: String = {
                // The same text forced through the general path by a zero-width joiner that is
                // then dropped.
                let with_zw = format!("{s}\u{200b}");
                sanitize(&with_zw, max)
            };
            assert_eq!(sanitize(s, max), general, "{s:?} {max}");
            assert_eq!(width(s), UnicodeWidthStr::width(s));
        }
        assert_eq!(truncate("Alice Smith", 6), "Alice…");
        assert_eq!(truncate("Alice", 5), "Alice");
    }

    #[test]
    fn long_strings_are_cut_with_an_ellipsis() {
        let long = "x".repeat(10_000);
        let out = sanitize(&long, 64);
        assert_eq!(out.chars().count(), 64);
        assert!(out.ends_with(ELLIPSIS));
        assert_eq!(sanitize("exactly", 7), "exactly");
    }

    #[test]
    fn truncate_respects_wide_characters() {
        assert_eq!(truncate("王小明王小明", 7), "王小明…");
        assert_eq!(width(&truncate("王小明王小明", 7)), 7);
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("abcdef", 3), "ab…");
        assert_eq!(truncate("abcdef", 0), "");
    }
}
