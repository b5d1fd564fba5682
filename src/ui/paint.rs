//! Writing clipped text into the buffer.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::text;

/// Writes `s` at (x, y), clipped (with `…`) so that it ends before column `right`. Returns
/// the column after the text.
pub fn put(buf: &mut Buffer, x: u16, y: u16, right: u16, s: &str, style: Style) -> u16 {
    let right = right.min(buf.area.right());
    if x >= right || x < buf.area.x || y >= buf.area.bottom() || y < buf.area.y {
        return x;
    }
    let conference = (right - x) as usize;
    if text::is_printable_ascii(s) {
        // One cell per byte: write the cells directly, without segmenting into graphemes.
        let cut = s.len() > conference;
        let take = if cut { conference - 1 } else { s.len() };
        let mut cx = x;
        for b in &s.as_bytes()[..take] {
            buf[(cx, y)].set_char(*b as char).set_style(style);
            cx += 1;
        }
        if cut {
            buf[(cx, y)].set_char(text::ELLIPSIS).set_style(style);
            cx += 1;
        }
        return cx;
    }
    let cut = text::truncate(s, conference);
    let (end, _) = buf.set_stringn(x, y, cut.as_ref(), conference, style);
    end
}

/// Writes `s` so that it ends at column `right` (right-aligned), not left of `left`.
pub fn put_right(buf: &mut Buffer, left: u16, right: u16, y: u16, s: &str, style: Style) -> u16 {
    let w = text::width(s) as u16;
    let x = right.saturating_sub(w).max(left);
    put(buf, x, y, right, s, style);
    x
}

/// Writes `s` padded or cut to exactly `width` cells.
pub fn cell(buf: &mut Buffer, x: u16, y: u16, width: usize, s: &str, style: Style) -> u16 {
    let right = x.saturating_add(width as u16);
    put(buf, x, y, right, s, style);
    right
}

/// `s` broken at spaces into lines of at most `width` cells (a word longer than that is cut
/// into pieces), so that no message loses its end on a narrow screen.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    textwrap::wrap(s, width.max(1))
        .into_iter()
        .map(|l| l.into_owned())
        .collect()
}

/// Lines centred in `area`, each wrapped to fit its width, as many as fit.
pub fn centered_lines(buf: &mut Buffer, area: Rect, lines: &[(String, Style)]) {
    if area.height == 0 {
        return;
    }
    let width = area.width.saturating_sub(2) as usize;
    let lines: Vec<(String, Style)> = lines
        .iter()
        .flat_map(|(text, style)| wrap(text, width).into_iter().map(|l| (l, *style)))
        .collect();
    let top = area.y + area.height.saturating_sub(lines.len() as u16) / 2;
    for (i, (text, style)) in lines.iter().enumerate() {
        let y = top + i as u16;
        if y >= area.bottom() {
            break;
        }
        let w = text::width(text) as u16;
        let x = area.x + area.width.saturating_sub(w) / 2;
        put(buf, x, y, area.right(), text, *style);
    }
}
