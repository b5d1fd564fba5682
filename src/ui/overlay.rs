//! The footer, and what opens over the list: the detail pane, the help, the removal dialog.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, BorderType, Borders, Clear};
use uuid::Uuid;

use crate::app::keys::Context;
use crate::app::view::SortMode;
use crate::app::{AppState, Button, Confirm, Level, Selection};

use super::badge;
use super::format;
use super::paint::{put, put_right};
use super::theme::Theme;

/// Width of the detail pane.
pub const DETAIL_WIDTH: u16 = 52;

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

fn boxed<'a>(title: &'a str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .title(format!(" {title} "))
        .title_style(theme.title)
        .border_style(theme.accent)
        .style(theme.dialog)
}

/// Label/value lines inside a box.
fn field(
    buf: &mut Buffer,
    inner: Rect,
    y: &mut u16,
    label: &str,
    value: &str,
    style: Style,
    theme: &Theme,
) {
    if *y >= inner.bottom() {
        return;
    }
    let right = inner.right();
    put(buf, inner.x + 1, *y, right, label, theme.muted);
    put(buf, inner.x + 13, *y, right, value, style);
    *y += 1;
}

/// What is known about a selected conference.
fn conference_detail(
    buf: &mut Buffer,
    inner: Rect,
    app: &AppState,
    conference: Uuid,
    theme: &Theme,
) {
    let mut y = inner.y;
    let t = theme.text;
    field(
        buf,
        inner,
        &mut y,
        "conference",
        &app.conference_label(&conference),
        theme.group,
        theme,
    );
    field(buf, inner, &mut y, "id", &conference.to_string(), t, theme);
    if let Some(r) = app.conferences.get(&conference) {
        let facts = format!("{} · {}", r.kind.as_str(), r.status.as_str());
        field(buf, inner, &mut y, "", &facts, theme.muted, theme);
        if !r.detail.is_empty() {
            field(buf, inner, &mut y, "detail", &r.detail, t, theme);
        }
        if let Some(ts) = r.tm_create {
            let when = format::date_time(ts, &app.cfg.tz);
            field(buf, inner, &mut y, "created", &when, t, theme);
        }
    }
    if let Some(g) = app.view.groups.iter().find(|g| g.conference == conference) {
        let n = format!("{} present", g.present);
        field(buf, inner, &mut y, "participants", &n, t, theme);
    }
}

/// Everything known about the selected participant.
pub fn detail(frame: &mut Frame, area: Rect, app: &AppState, theme: &Theme) {
    frame.render_widget(Clear, area);
    let block = boxed("Participant", theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let buf = frame.buffer_mut();
    let tz = &app.cfg.tz;
    let Some(p) = app.selected_participant() else {
        match app.selection {
            Some(Selection::Group(conference)) => {
                conference_detail(buf, inner, app, conference, theme)
            }
            _ => {
                put(
                    buf,
                    inner.x + 1,
                    inner.y,
                    inner.right(),
                    "Nothing selected.",
                    theme.muted,
                );
            }
        }
        return;
    };
    let mut y = inner.y;
    let t = theme.text;
    field(buf, inner, &mut y, "id", &p.id.to_string(), t, theme);
    let (b, bs) = badge::text(&p.shown_status(), theme);
    let since = format::duration(app.now.duration_since(p.status_since));
    field(
        buf,
        inner,
        &mut y,
        "status",
        &format!("{b} for {since}"),
        bs,
        theme,
    );
    field(
        buf,
        inner,
        &mut y,
        "conference",
        &app.conference_label(&p.conference_id),
        theme.group,
        theme,
    );
    field(
        buf,
        inner,
        &mut y,
        "",
        &p.conference_id.to_string(),
        theme.muted,
        theme,
    );
    if let Some(r) = app.conferences.get(&p.conference_id) {
        let facts = format!("{} · {}", r.kind.as_str(), r.status.as_str());
        field(buf, inner, &mut y, "", &facts, theme.muted, theme);
    }
    if let Some(ts) = p.tm_create {
        field(
            buf,
            inner,
            &mut y,
            "joined at",
            &format::date_time(ts, tz),
            t,
            theme,
        );
    }
    if let Some(ts) = p.tm_update {
        field(
            buf,
            inner,
            &mut y,
            "updated",
            &format::date_time(ts, tz),
            t,
            theme,
        );
    }
    if let Some(ts) = p.gone_at {
        field(
            buf,
            inner,
            &mut y,
            "left at",
            &format::date_time(ts, tz),
            theme.left,
            theme,
        );
    }
    if let Some(af) = p.activeflow_id {
        field(
            buf,
            inner,
            &mut y,
            "activeflow",
            &af.to_string(),
            theme.muted,
            theme,
        );
    }
    y += 1;
    field(
        buf,
        inner,
        &mut y,
        "call",
        &p.call_id.map(|c| c.to_string()).unwrap_or_default(),
        t,
        theme,
    );
    match app.caller_of(p) {
        None => field(
            buf,
            inner,
            &mut y,
            "",
            "details not loaded yet",
            theme.muted,
            theme,
        ),
        Some(c) => {
            let party = |p: &crate::app::model::Party| {
                let mut s = p.name.clone();
                if !p.address.is_empty() {
                    if !s.is_empty() {
                        s.push_str("  ");
                    }
                    s.push_str(&p.address);
                }
                if !p.kind.as_str().is_empty() {
                    s.push_str(&format!(" ({})", p.kind.as_str()));
                }
                s
            };
            field(
                buf,
                inner,
                &mut y,
                "direction",
                c.direction.as_str(),
                t,
                theme,
            );
            field(buf, inner, &mut y, "from", &party(&c.source), t, theme);
            field(buf, inner, &mut y, "to", &party(&c.destination), t, theme);
            field(
                buf,
                inner,
                &mut y,
                "call status",
                c.status.as_str(),
                t,
                theme,
            );
            if let Some(ts) = c.tm_progressing {
                field(
                    buf,
                    inner,
                    &mut y,
                    "answered",
                    &format::date_time(ts, tz),
                    t,
                    theme,
                );
            }
            if let Some(ts) = c.tm_hangup {
                field(
                    buf,
                    inner,
                    &mut y,
                    "hung up",
                    &format::date_time(ts, tz),
                    t,
                    theme,
                );
            }
        }
    }
}

/// Keys (from the key table), the badge legend, sort orders, thresholds and the audit log.
/// A help line: its indent and its styled parts.
type HelpLine = (u16, Vec<(String, Style)>);

/// The help's lines, laid out before the scroll position picks the window shown.
fn help_lines(app: &AppState, theme: &Theme) -> Vec<HelpLine> {
    let mut lines: Vec<HelpLine> = Vec::new();
    let mut line = |parts: &[(&str, Style)], indent: u16| {
        let owned = parts.iter().map(|(t, st)| ((*t).to_owned(), *st)).collect();
        lines.push((indent, owned));
    };
    line(&[("Keys", theme.title)], 1);
    for ctx in [Context::List, Context::Dialog] {
        for b in app.keys.bindings(ctx) {
            let keys = format!("{:<12}", b.keys_label);
            let prefix = if ctx == Context::Dialog {
                "in the dialog: "
            } else {
                ""
            };
            line(
                &[
                    (&keys, theme.key),
                    (prefix, theme.muted),
                    (b.help, theme.text),
                ],
                2,
            );
        }
    }
    line(&[], 0);
    line(&[("Status badges", theme.title)], 1);
    for (sym, word, meaning) in badge::LEGEND {
        let style = match *word {
            "JOINING" => theme.joining,
            "JOINED" => theme.joined,
            "LEAVING" => theme.leaving,
            "LEFT" => theme.left,
            _ => theme.unknown,
        };
        let b = format!("{sym} {word:<9}");
        line(&[(&b, style), (" ", theme.text), (meaning, theme.text)], 2);
    }
    line(&[], 0);
    let th = app.cfg.thresholds;
    let stuck = format!(
        "⚠ stuck: joining or leaving longer than {} (warning) or {} (critical)",
        format::duration(th.warn),
        format::duration(th.crit)
    );
    line(&[(&stuck, theme.warn)], 1);
    let sorts = [
        SortMode::Trouble,
        SortMode::Name,
        SortMode::Size,
        SortMode::Age,
    ]
    .map(|s| s.label())
    .join(" → ");
    line(&[("Sort orders: ", theme.muted), (&sorts, theme.text)], 1);
    let stale = format!(
        "Data turns STALE after {} without a good refresh, NO DATA after {}.",
        format::duration(app.cfg.stale.stale_after),
        format::duration(app.cfg.stale.no_data_after)
    );
    line(&[(&stale, theme.muted)], 1);
    if app.cfg.mode.read_only() {
        line(
            &[(
                "Read-only: removing participants is switched off.",
                theme.readonly,
            )],
            1,
        );
    } else if let Some(path) = &app.cfg.audit_path {
        line(
            &[("Removals are logged to ", theme.muted), (path, theme.text)],
            1,
        );
    }
    lines
}

/// How many lines the help has; the app counts them too, to bound the scrolling.
#[cfg(test)]
pub fn help_line_count(app: &AppState, theme: &Theme) -> usize {
    help_lines(app, theme).len()
}

pub fn help(frame: &mut Frame, body: Rect, app: &AppState, theme: &Theme) {
    let area = centered(body, 92, body.height);
    frame.render_widget(Clear, area);
    let block = boxed("Help · ↑/↓ scroll · Esc closes", theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let buf = frame.buffer_mut();
    let right = inner.right();
    let lines = help_lines(app, theme);
    let visible = inner.height as usize;
    let scroll = app.help_scroll.min(lines.len().saturating_sub(visible));
    for (y, (indent, parts)) in (inner.y..).zip(lines.iter().skip(scroll).take(visible)) {
        let mut x = inner.x + indent;
        for (text, style) in parts {
            x = put(buf, x, y, right, text, *style);
        }
    }
    let below = lines.len().saturating_sub(scroll + visible);
    if below > 0 {
        let more = format!(" ↓ {below} more ");
        put_right(
            buf,
            area.x,
            area.right().saturating_sub(2),
            area.bottom().saturating_sub(1),
            &more,
            theme.accent,
        );
    }
}

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
