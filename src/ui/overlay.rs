//! What opens over the list shares a frame: a centred, bordered box.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, BorderType, Borders};

use super::paint::put_right;
use super::theme::Theme;

/// A rectangle of the given size centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// A note on a box's top or bottom border, at its right end (how much more is above or below
/// a scrolled box), never over what it holds.
pub fn border_note(buf: &mut Buffer, area: Rect, y: u16, note: &str, theme: &Theme) {
    let right = area.right().saturating_sub(2);
    put_right(buf, area.x, right, y, note, theme.accent);
}

pub fn boxed<'a>(title: &'a str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .title(format!(" {title} "))
        .title_style(theme.title)
        .border_style(theme.accent)
        .style(theme.dialog)
}
