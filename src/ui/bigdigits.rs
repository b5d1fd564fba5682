//! Large digits for wall screens, five cells tall and readable across a room: the clock and
//! the totals.

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

/// Draws `text` (digits and colons) five rows tall starting at (x, y).
pub fn draw(buf: &mut Buffer, x: u16, y: u16, right: u16, text: &str, style: Style) {
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
    }
}
