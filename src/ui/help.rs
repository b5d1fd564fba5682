//! The help: the app's help lines, styled by tone, scrolled.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Clear;

use crate::app::AppState;

use super::badge;
use super::overlay::{border_note, boxed, centered};
use super::paint::put;
use super::theme::Theme;

use crate::app::help::{self, Tone};

/// The style of a help part.
fn tone(t: &Tone, theme: &Theme) -> Style {
    match t {
        Tone::Title => theme.title,
        Tone::Key => theme.key,
        Tone::Text => theme.text,
        Tone::Muted => theme.muted,
        Tone::Warn => theme.warn,
        Tone::ReadOnly => theme.readonly,
        Tone::Status(s) => badge::style(s, theme),
    }
}

pub fn help(frame: &mut Frame, body: Rect, app: &AppState, theme: &Theme) {
    let area = centered(body, crate::app::layout::HELP_BOX, body.height);
    frame.render_widget(Clear, area);
    let block = boxed("Help · ↑/↓ scroll · Esc closes", theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let buf = frame.buffer_mut();
    let right = inner.right();
    let lines = help::wrapped(app, inner.width);
    let visible = inner.height as usize;
    let scroll = app.overlay_scroll_now();
    for (y, line) in (inner.y..).zip(lines.iter().skip(scroll).take(visible)) {
        let mut x = inner.x + line.indent;
        for (text, t) in &line.parts {
            x = put(buf, x, y, right, text, tone(t, theme));
        }
    }
    let below = lines.len().saturating_sub(scroll + visible);
    if below > 0 {
        border_note(
            buf,
            area,
            area.bottom() - 1,
            &format!(" ↓ {below} more "),
            theme,
        );
    }
}
