//! Large digits for wall screens, five cells tall and readable across a room: the clock, the
//! totals, and the words STALE and NO DATA that take the clock's place when the data is old.

use ratatui::buffer::Buffer;
use ratatui::style::Style;

use super::paint::put;

/// Rows of each glyph, 3 cells wide, `#` for a filled cell.
pub(super) fn glyph(c: char) -> [&'static str; 5] {
    match c {
        '0' => ["###", "# #", "# #", "# #", "###"],
        '1' => ["  #", "  #", "  #", "  #", "  #"],
        '2' => ["###", "  #", "###", "#  ", "###"],
        '3' => ["###", "  #", "###", "  #", "###"],
        '4' => ["# #", "# #", "###", "  #", "  #"],
        '5' => ["###", "#  ", "###", "  #", "###"],
        '6' => ["###", "#  ", "###", "# #", "###"],
        '7' => ["###", "  #", "  #", "  #", "  #"],
        '8' => ["###", "# #", "###", "# #", "###"],
        '9' => ["###", "# #", "###", "  #", "###"],
        ':' => [" ", "#", " ", "#", " "],
        'S' => ["###", "#  ", "###", "  #", "###"],
        'T' => ["###", " # ", " # ", " # ", " # "],
        'A' => ["###", "# #", "###", "# #", "# #"],
        'L' => ["#  ", "#  ", "#  ", "#  ", "###"],
        'E' => ["###", "#  ", "## ", "#  ", "###"],
        'N' => ["# #", "###", "###", "# #", "# #"],
        'O' => ["###", "# #", "# #", "# #", "###"],
        'D' => ["## ", "# #", "# #", "# #", "## "],
        ' ' => ["  ", "  ", "  ", "  ", "  "],
        _ => ["   ", "   ", "   ", "   ", "   "],
    }
}

/// Width in cells of `text` drawn large.
pub fn width(text: &str) -> u16 {
    text.chars()
        .map(|c| glyph(c)[0].len() as u16 + 1)
        .sum::<u16>()
        .saturating_sub(1)
}

/// The style large glyphs are drawn in: the slot's colour as the foreground on the terminal's
/// own background. A slot with a background (a banner, a badge) would otherwise draw its
/// blocks in the foreground over that background: dark stripes on colour, hard to read from
/// across a room; reversed video does the same.
pub fn glyph_style(style: Style) -> Style {
    Style {
        fg: style.bg.or(style.fg),
        bg: None,
        add_modifier: style.add_modifier - ratatui::style::Modifier::REVERSED,
        ..style
    }
}

/// Draws `text` (digits, colons and the letters of STALE and NO DATA) five rows tall starting
/// at (x, y), in [`glyph_style`] of `style`.
pub fn draw(buf: &mut Buffer, x: u16, y: u16, right: u16, text: &str, style: Style) {
    let style = glyph_style(style);
    let mut cx = x;
    for c in text.chars() {
        let g = glyph(c);
        for (row, line) in g.iter().enumerate() {
            let cells: String = line
                .chars()
                .map(|b| if b == '#' { '█' } else { ' ' })
                .collect();
            put(buf, cx, y + row as u16, right, &cells, style);
        }
        cx += g[0].len() as u16 + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_width() {
        assert_eq!(width("10:42:07"), 6 * 4 + 2 * 2 - 1);
        assert_eq!(width("STALE"), 5 * 4 - 1);
    }

    #[test]
    fn every_glyph_of_the_warnings_has_five_rows_of_one_width() {
        for c in "0123456789:STALENOD ".chars() {
            let g = glyph(c);
            assert!(g.iter().all(|row| row.len() == g[0].len()), "{c}");
            assert!(
                c == ' ' || g.iter().any(|row| row.contains('#')),
                "{c} is blank"
            );
        }
    }

    #[test]
    fn large_glyphs_are_drawn_in_colour_on_the_terminals_background() {
        use ratatui::style::{Color, Modifier};
        let banner = Style::new().fg(Color::Black).bg(Color::Yellow);
        assert_eq!(glyph_style(banner), Style::new().fg(Color::Yellow));
        let reversed = Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
        assert_eq!(
            glyph_style(reversed),
            Style::new().add_modifier(Modifier::BOLD)
        );
        let plain = Style::new().fg(Color::Green);
        assert_eq!(glyph_style(plain), plain);
    }
}
