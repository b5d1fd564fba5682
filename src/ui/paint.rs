//! Writing clipped text into the buffer.

use ratatui::buffer::Buffer;
use ratatui::style::Style;

use crate::text;

/// Writes `s` at (x, y), clipped (with `…`) so that it ends before column `right`. Returns
/// the column after the text.
pub fn put(buf: &mut Buffer, x: u16, y: u16, right: u16, s: &str, style: Style) -> u16 {
    if x >= right || y >= buf.area.bottom() {
        return x;
    }
    let room = (right - x) as usize;
    let cut = text::truncate(s, room);
    let (end, _) = buf.set_stringn(x, y, cut.as_ref(), room, style);
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
