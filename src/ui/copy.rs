//! The copy menu: each thing `c` can copy of the selection, on its own numbered line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Clear;

use crate::app::copy::CopyMenu;

use super::overlay::{boxed, centered};
use super::paint::put;
use super::theme::Theme;

/// Widest the menu gets: a summary holds two full ids.
const WIDTH: u16 = 100;

pub fn draw(frame: &mut Frame, body: Rect, menu: &CopyMenu, theme: &Theme) {
    let label = menu.items.iter().map(|i| i.label.len()).max().unwrap_or(0) as u16;
    let text = menu
        .items
        .iter()
        .map(|i| crate::text::width(&i.text))
        .max()
        .unwrap_or(0) as u16;
    let width = (label + text + 8).clamp(40, WIDTH).min(body.width);
    let area = centered(body, width, menu.items.len() as u16 + 2);
    frame.render_widget(Clear, area);
    let block = boxed("Copy", theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let buf = frame.buffer_mut();
    let right = inner.right();
    for (i, item) in menu.items.iter().enumerate() {
        let y = inner.y + i as u16;
        if y >= inner.bottom() {
            break;
        }
        let x = put(buf, inner.x + 1, y, right, &item.key.to_string(), theme.key);
        let x = put(
            buf,
            x + 1,
            y,
            right,
            &format!("{:<w$}", item.label, w = label as usize),
            theme.muted,
        );
        put(buf, x + 2, y, right, &item.text, theme.text);
    }
}
