//! The last hour as a picture: a one-line sparkline of who was live (ratatui's own widget;
//! a gap where conftop had no live data, `·`), with the change over the hour and the joins
//! and leaves of the last minute in words. Where there is no room for the picture, the words.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Sparkline, Widget};
use uuid::Uuid;

use crate::app::AppState;
use crate::app::trend::MINUTES;

use super::paint::put;
use super::theme::Theme;

/// The narrowest sparkline worth drawing.
pub const MIN_SPARK: u16 = 12;

/// Draws `values` (oldest first) as a one-line sparkline at `x, y`, `width` cells, scaled from
/// zero to their largest (so a flat line of 500 reads full, not empty).
pub fn spark(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    values: &[Option<u64>],
    style: Style,
    theme: &Theme,
) {
    let width = values.len() as u16;
    let area = Rect::new(x, y, width, 1).intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let max = values.iter().flatten().copied().max().unwrap_or(0).max(1);
    Sparkline::default()
        .data(values.iter().copied())
        .max(max)
        .style(style)
        .absent_value_symbol("·")
        .absent_value_style(theme.muted)
        .render(area, buf);
}

/// "last hour" over 60 minutes, else "last 52 min": the picture says how much it covers.
pub fn span_label(minutes: usize) -> String {
    if minutes >= MINUTES {
        "last hour".to_owned()
    } else {
        format!("last {minutes} min")
    }
}

/// "1 h 480 → 500 · +12 −9 a min" (what the picture says, in words): the change once five
/// minutes are seen, the last whole minute's joins and leaves once one is; `None` before that.
pub fn words(app: &AppState) -> Option<String> {
    const SPAN_MIN: i64 = 5;
    let now = app.now;
    let mut parts = Vec::new();
    if let Some((then, ago)) = app.trend.hour_ago(now).filter(|(_, ago)| *ago >= SPAN_MIN)
        && let Some(latest) = app.trend.live(now, 1)[0]
    {
        let span = if ago >= 59 {
            "1 h".to_owned()
        } else {
            format!("{ago} min")
        };
        parts.push(format!("{span} {then} → {latest}"));
    }
    if let Some((joins, leaves)) = app.trend.per_minute(now) {
        parts.push(format!("+{joins} −{leaves} a min"));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The account's hour at `x, y` up to `right`: a label, the sparkline (as wide as fits, at most
/// an hour's minutes) and the words after it, or the words alone when the sparkline does not
/// fit. Returns where it ended.
pub fn line(buf: &mut Buffer, x: u16, y: u16, right: u16, app: &AppState, theme: &Theme) -> u16 {
    let Some(text) = words(app) else {
        return x;
    };
    let space = right.saturating_sub(x);
    let text_w = crate::text::width(&text) as u16 + 1;
    // The widest label ("last 59 min") decides the space left for the picture.
    let label_w = "last 59 min ".len() as u16;
    if space >= label_w + MIN_SPARK + 1 + text_w {
        let n = (space - label_w - 1 - text_w).min(MINUTES as u16);
        let label = format!("{} ", span_label(n as usize));
        let x = put(buf, x, y, right, &label, theme.muted);
        let values = app.trend.live(app.now, n as usize);
        spark(buf, x, y, &values, theme.accent, theme);
        put(buf, x + n + 1, y, right, &text, theme.text)
    } else {
        put(buf, x, y, right, &text, theme.text)
    }
}

/// A conference's last `n` minutes, right-aligned before `right` (for a title line), once three
/// of them are known.
pub fn conference(
    buf: &mut Buffer,
    right: u16,
    y: u16,
    n: u16,
    id: Uuid,
    app: &AppState,
    theme: &Theme,
) {
    let values = app.trend.conference(id, app.now, n as usize);
    // A picture of a minute or two is only noise beside a title.
    if values.iter().flatten().count() < 3 {
        return;
    }
    spark(buf, right.saturating_sub(n), y, &values, theme.muted, theme);
}
