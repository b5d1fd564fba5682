//! The detail pane: everything known about the selected participant or conference.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Clear;
use uuid::Uuid;

use crate::app::{AppState, Selection};

use super::badge;
use super::format;
use super::overlay::boxed;
use super::paint::put;
use super::theme::Theme;

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
        field(buf, inner, &mut y, "people", &n, t, theme);
    }
    // The room's last hour (as much of it as the pane's width holds).
    let width = inner
        .width
        .saturating_sub(14)
        .min(crate::app::trend::MINUTES as u16);
    let values = app.trend.conference(conference, app.now, width as usize);
    if y < inner.bottom() && width >= super::trend::MIN_SPARK && values.iter().any(Option::is_some)
    {
        let label = super::trend::span_label(values.len());
        put(buf, inner.x + 1, y, inner.right(), &label, theme.muted);
        super::trend::spark(buf, inner.x + 13, y, &values, theme.accent, theme);
        y += 1;
        let counts: Vec<u64> = values.iter().flatten().copied().collect();
        // Over the minutes known, from the first one seen.
        let known = values.len() - values.iter().take_while(|v| v.is_none()).count();
        if let (Some(lo), Some(hi)) = (counts.iter().min(), counts.iter().max()) {
            let range = format!("{lo}–{hi} present over the last {known} min");
            field(buf, inner, &mut y, "", &range, theme.muted, theme);
        }
    }
}

/// Everything known about the selected participant.
pub fn detail(frame: &mut Frame, area: Rect, app: &AppState, theme: &Theme) {
    frame.render_widget(Clear, area);
    let title = match (app.selected_participant(), app.selection) {
        (None, Some(Selection::Group(_))) => "Conference",
        _ => "Participant",
    };
    let block = boxed(title, theme);
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
    let status = match p.gone_at {
        // Time since it left, not since it joined.
        Some(left) => format!("{b} {} ago", format::duration(app.now.duration_since(left))),
        // Only its room's list named it: since when is not known.
        None if !p.record_read() => format!("{b} since: not known yet"),
        None => format!(
            "{b} for {}",
            format::duration(app.data_now().duration_since(p.status_since))
        ),
    };
    field(buf, inner, &mut y, "status", &status, bs, theme);
    let stayed = app
        .in_conference(p)
        .map_or_else(|| "not known yet".to_owned(), format::duration);
    let stayed = if p.gone_at.is_some() {
        format!("{stayed} (until it left)")
    } else {
        stayed
    };
    field(buf, inner, &mut y, "in conf", &stayed, t, theme);
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
            // A call the cache remembers names the caller; its state is still being read.
            let status = if c.confirmed {
                c.status.as_str()
            } else {
                "not read yet"
            };
            field(buf, inner, &mut y, "call status", status, t, theme);
            match c.mute {
                _ if !c.confirmed => {}
                Some(d) => {
                    let (word, meaning) = crate::app::mute::direction_words(d);
                    field(buf, inner, &mut y, "mute", word, theme.warn, theme);
                    for words in meaning {
                        field(buf, inner, &mut y, "", words, t, theme);
                    }
                }
                None => field(buf, inner, &mut y, "mute", "not muted", t, theme),
            }
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
