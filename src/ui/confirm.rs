//! The removal dialog: names its target, Cancel focused by default.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Clear;

use crate::app::freshness::Freshness;
use crate::app::{AppState, Button, Confirm};

use super::overlay::{boxed, centered};
use super::paint::put;
use super::theme::Theme;

/// The removal dialog: names its target, Cancel focused by default.
pub fn confirm(frame: &mut Frame, body: Rect, app: &AppState, c: &Confirm, theme: &Theme) {
    // On stale data the dialog says how old it is: the participant may be gone already.
    let stale = match app.freshness() {
        Freshness::Stale { last_ok } => Some(last_ok),
        _ => None,
    };
    let extra = if stale.is_some() { 2 } else { 0 };
    let area = centered(body, 58, 10 + extra);
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
    if let Some(last_ok) = stale {
        let age = super::format::duration(app.now.duration_since(last_ok));
        let text = format!(
            "▲ STALE: data is {age} old (last update {});",
            super::format::clock(last_ok, &app.cfg.tz)
        );
        put(buf, inner.x + 1, y - 1, right, &text, theme.warn);
        put(
            buf,
            inner.x + 1,
            y,
            right,
            "  they may have left already.",
            theme.warn,
        );
        y += 2;
    }
    let mid = inner.x + inner.width / 2;
    put(
        buf,
        mid.saturating_sub(13),
        y,
        right,
        &button("Cancel", c.focus == Button::Cancel),
        focus_style(c.focus == Button::Cancel, theme.text, theme),
    );
    put(
        buf,
        mid + 3,
        y,
        right,
        &button("Remove", c.focus == Button::Remove),
        focus_style(c.focus == Button::Remove, theme.danger, theme),
    );
    y += 2;
    // Exactly which keys remove, from where the focus is.
    let (keys, style) = match c.focus {
        Button::Cancel => ("→ then Enter removes · n/Esc cancels", theme.muted),
        Button::Remove => (
            "Enter removes now · ← back to Cancel · Esc cancels",
            theme.danger,
        ),
    };
    put(buf, inner.x + 1, y, right, keys, style);
    put(
        buf,
        inner.x + 1,
        y + 1,
        right,
        "Letters never remove: they close this and search",
        theme.muted,
    );
}

/// A button's label: the focused one is marked by arrows as well as by its style, so it
/// shows without colour too (`NO_COLOR`, mono, where both buttons may be reversed).
pub fn button(word: &str, focused: bool) -> String {
    if focused {
        format!("▸ {word} ◂")
    } else {
        format!("  {word}  ")
    }
}

fn focus_style(focused: bool, base: Style, theme: &Theme) -> Style {
    if focused {
        base.patch(theme.button)
    } else {
        base
    }
}
