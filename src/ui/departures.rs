//! The recent departures: who left in the last minutes, when, and how any removal ended.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Clear;

use crate::app::AppState;
use crate::app::departures::KEPT;

use super::format;
use super::overlay::{border_note, boxed, centered};
use super::paint::{put, put_right};
use super::theme::Theme;

pub fn draw(frame: &mut Frame, body: Rect, app: &AppState, theme: &Theme) {
    let area = centered(body, 100, body.height);
    frame.render_widget(Clear, area);
    let filtered = if app.filter.is_empty() {
        String::new()
    } else {
        format!(" matching /{}", crate::text::sanitize(&app.filter, 20))
    };
    let shown = app.departures_shown();
    let rows = app.overlay_height();
    let scrolls = if shown.len() > rows {
        " · ↑/↓ scroll"
    } else {
        ""
    };
    let title = format!(
        "Left in the last {}{filtered}{scrolls} · L or Esc closes",
        format::duration(KEPT)
    );
    let block = boxed(&title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let buf = frame.buffer_mut();
    let right = inner.right();
    if shown.is_empty() {
        let msg = if app.departures.is_empty() {
            format!(
                "Nobody has left in the last {}, as far as conftop has seen.",
                format::duration(KEPT)
            )
        } else {
            "Nobody who left matches the filter (Esc closes, then Esc clears it).".to_owned()
        };
        put(buf, inner.x + 1, inner.y, right, &msg, theme.muted);
        return;
    }
    let tz = &app.cfg.tz;
    let scroll = app.overlay_scroll_now();
    for (y, d) in (inner.y..).zip(shown.iter().skip(scroll).take(rows)) {
        let ago = format!("{} ago", format::duration(app.now.duration_since(d.left)));
        let mut x = put(
            buf,
            inner.x + 1,
            y,
            right,
            &format::clock(d.left, tz),
            theme.text,
        );
        x = put(buf, x + 1, y, right, &format!("{ago:>10}"), theme.muted);
        x = put(buf, x + 2, y, right, &d.who, theme.text);
        x = put(buf, x, y, right, " · ", theme.muted);
        // The removal's outcome, when there is one, keeps the end of the line.
        let conference_end = if d.removal.is_some() {
            right.saturating_sub(20)
        } else {
            right
        };
        put(buf, x, y, conference_end, &d.conference, theme.group);
        if let Some(v) = d.removal {
            put_right(
                buf,
                x,
                right - 1,
                y,
                &format!("removal: {}", v.word()),
                theme.warn,
            );
        }
    }
    if scroll > 0 {
        border_note(buf, area, area.y, &format!(" ↑ {scroll} newer "), theme);
    }
    let more = shown.len().saturating_sub(scroll + rows);
    if more > 0 {
        border_note(
            buf,
            area,
            area.bottom() - 1,
            &format!(" ↓ {more} more "),
            theme,
        );
    }
}
