//! The footer: the filter being typed, a message, or key hints from the key table.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::app::keys::Context;
use crate::app::{AppState, Level};

use super::paint::{put, put_right};
use super::theme::Theme;

/// The footer: the filter being typed, or a message, or key hints from the key table.
pub fn footer(buf: &mut Buffer, area: Rect, app: &AppState, theme: &Theme) {
    let y = area.y;
    let right = area.right();
    if app.filter_editing {
        let x = put(buf, area.x, y, right, " /", theme.key);
        let x = put(buf, x, y, right, &app.filter, theme.text);
        put(buf, x, y, right, "▏", theme.accent);
        put_right(
            buf,
            area.x,
            right - 1,
            y,
            "Enter keep · Esc clear",
            theme.muted,
        );
        return;
    }
    if let Some(t) = &app.toast {
        let style = match t.level {
            Level::Info => theme.accent,
            Level::Warn => theme.warn,
            Level::Error => theme.error,
        };
        // A message takes the whole footer.
        put(buf, area.x, y, right, &format!(" {}", t.text), style);
        return;
    }
    // Hints that fit whole, in table order; help, quit and remove always keep their place.
    let hints: Vec<(&str, &str)> = app.keys.hints(Context::List).collect();
    let width = |h: &(&str, &str)| (crate::text::width(h.0) + crate::text::width(h.1) + 3) as u16;
    let essential = |h: &(&str, &str)| matches!(h.1, "help" | "quit" | "remove");
    let reserved: u16 = hints.iter().filter(|h| essential(h)).map(width).sum();
    let mut spare = right.saturating_sub(area.x + 1).saturating_sub(reserved);
    let mut x = area.x + 1;
    for h in &hints {
        if !essential(h) {
            if width(h) > spare {
                continue;
            }
            spare -= width(h);
        }
        x = put(buf, x, y, right, h.0, theme.key);
        x = put(buf, x + 1, y, right, h.1, theme.muted);
        x += 2;
    }
}
