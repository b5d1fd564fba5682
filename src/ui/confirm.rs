//! The removal dialog: names its target, Cancel focused by default.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Clear;

use crate::app::{Button, Confirm};

use super::overlay::{boxed, centered};
use super::paint::put;
use super::theme::Theme;

/// The removal dialog: names its target, Cancel focused by default.
pub fn confirm(frame: &mut Frame, body: Rect, c: &Confirm, theme: &Theme) {
    let area = centered(body, 58, 10);
    frame.render_widget(Clear, area);
    let block = boxed("Remove participant?", theme).border_style(theme.danger);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let buf = frame.buffer_mut();
    let right = inner.right();
    let mut y = inner.y;
    let who = if c.number.is_empty() {
        c.caller.clone()
    } else {
        format!("{}  {}", c.caller, c.number)
    };
    let mut x = put(buf, inner.x + 1, y, right, "Remove ", theme.text);
    put(buf, x, y, right, &who, theme.group);
    y += 1;
    x = put(buf, inner.x + 1, y, right, "participant ", theme.muted);
    put(buf, x, y, right, &c.short_id, theme.text);
    y += 1;
    x = put(buf, inner.x + 1, y, right, "from ", theme.text);
    x = put(buf, x, y, right, &c.conference_name, theme.group);
    put(buf, x, y, right, "?", theme.text);
    y += 2;
    let focus = |b: Button, base: Style| {
        if c.focus == b {
            base.patch(theme.button)
        } else {
            base
        }
    };
    let cancel = " Cancel ";
    let remove = " Remove ";
    let mid = inner.x + inner.width / 2;
    put(
        buf,
        mid.saturating_sub(12),
        y,
        right,
        cancel,
        focus(Button::Cancel, theme.text),
    );
    put(
        buf,
        mid + 4,
        y,
        right,
        remove,
        focus(Button::Remove, theme.danger),
    );
    y += 2;
    put(
        buf,
        inner.x + 1,
        y,
        right,
        "y remove · n/Esc cancel · ←/→ choose · Enter presses",
        theme.muted,
    );
}
