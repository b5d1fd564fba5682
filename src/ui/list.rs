//! The interactive list: a banner line (stale data, filter, or column titles), then conference
//! headers and participant rows. Only rows on screen are touched.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::app::AppState;
use crate::app::freshness::Freshness;
use crate::app::model::Participant;
use crate::app::view::{Group, Row, Trouble};
use crate::text::short_id;

use super::badge;
use super::format;
use super::header::REC;
use super::paint::{cell, centered_lines, put, put_right};
use super::theme::Theme;

/// Widths of the columns of a participant row; 0 means dropped for lack of room.
#[derive(Debug, Clone, Copy)]
struct Columns {
    name: usize,
    number: usize,
    time: usize,
    id: usize,
}

const INDENT: usize = 3;
const NAME_MIN: usize = 14;
const NUMBER_MIN: usize = 12;

/// Shares the width out: the name and the number split what the fixed columns leave; the
/// short id goes first when space runs out, then the number, then the time.
fn columns(width: usize) -> Columns {
    let mut c = Columns {
        name: 0,
        number: 0,
        time: 8,
        id: 9,
    };
    let fixed = |c: &Columns| INDENT + badge::WIDTH + 1 + c.time + c.id + 1;
    if width < fixed(&c) + NAME_MIN + NUMBER_MIN + 20 {
        c.id = 0;
    }
    let rest = width.saturating_sub(fixed(&c));
    if rest < NAME_MIN + NUMBER_MIN + 1 {
        c.number = 0;
        if rest < NAME_MIN + 4 {
            c.time = 0;
        }
        c.name = width.saturating_sub(fixed(&c)).max(1);
        return c;
    }
    c.name = (rest / 2).clamp(NAME_MIN, 32);
    c.number = (rest - c.name - 1).min(40);
    c
}

pub fn draw(buf: &mut Buffer, area: Rect, app: &AppState, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let banner = Rect { height: 1, ..area };
    let body = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    let cols = columns(area.width as usize);
    let freshness = app.freshness();
    draw_banner(buf, banner, app, &freshness, cols, theme);

    match &freshness {
        Freshness::NoData { since, reason } => {
            let when = since
                .map(|t| format!(" since {}", format::clock(t, &app.cfg.tz)))
                .unwrap_or_default();
            let mut lines = vec![
                (format!("NO DATA{when}"), theme.error),
                (reason.clone(), theme.text),
            ];
            if let Some(hint) = app.sync.conn.hint {
                lines.push((hint.to_owned(), theme.text));
            }
            lines.push((
                "Retrying; the list comes back with the next good refresh.".to_owned(),
                theme.muted,
            ));
            centered_lines(buf, body, &lines);
            return;
        }
        Freshness::Connecting => {
            centered_lines(
                buf,
                body,
                &[(format!("Connecting to {}…", app.cfg.host), theme.muted)],
            );
            return;
        }
        _ => {}
    }
    if app.view.rows.is_empty() {
        let mut lines = Vec::new();
        if app.filter.is_empty() && app.only.is_none() {
            lines.push(("No live conferences.".to_owned(), theme.muted));
        } else {
            lines.push((
                "Nothing matches the filter (Esc clears it).".to_owned(),
                theme.muted,
            ));
            // Names and numbers come after the rows: a caller may match once they are in.
            let (known, total) = app.names_known();
            if known < total {
                lines.push((
                    format!("Callers' names are still arriving ({known} of {total} known)."),
                    theme.warn,
                ));
            }
        }
        centered_lines(buf, body, &lines);
        return;
    }

    let selected = app.cursor;
    // Inside a room, its header stays on the top line.
    let mut body = body;
    if let Some(gi) = app.sticky_at(app.scroll) {
        let line = Rect { height: 1, ..body };
        group_row(buf, line, app, &app.view.groups[gi], theme);
        // Underlined: a header held in place, not a row of its own.
        buf.set_style(line, Style::new().add_modifier(Modifier::UNDERLINED));
        body.y += 1;
        body.height -= 1;
    }
    for (i, row) in app
        .view
        .rows
        .iter()
        .enumerate()
        .skip(app.scroll)
        .take(body.height as usize)
    {
        let y = body.y + (i - app.scroll) as u16;
        let line = Rect {
            y,
            height: 1,
            ..body
        };
        match *row {
            Row::Group(gi) => group_row(buf, line, app, &app.view.groups[gi], theme),
            Row::Participant(_, id) => {
                if let Some(p) = app.participants.get(&id) {
                    participant_row(buf, line, app, p, cols, theme);
                }
            }
        }
        let is_selected = i == selected && app.selection.is_some();
        if is_selected {
            buf.set_style(line, theme.selected);
        }
    }
    if matches!(freshness, Freshness::Stale { .. }) {
        // Bold would outshine the dimming in most terminals.
        buf.set_style(body, theme.stale.remove_modifier(Modifier::BOLD));
    }
}

fn draw_banner(
    buf: &mut Buffer,
    area: Rect,
    app: &AppState,
    freshness: &Freshness,
    cols: Columns,
    theme: &Theme,
) {
    let y = area.y;
    let right = area.right();
    if let Freshness::Stale { last_ok } = freshness {
        buf.set_style(area, theme.banner_stale);
        let reason = app
            .sync
            .conn
            .last_error
            .as_ref()
            .map(|f| format!(" · {}", f.reason))
            .unwrap_or_default();
        let text = format!(
            " STALE — last update {}, retrying{reason}",
            format::clock(*last_ok, &app.cfg.tz)
        );
        put(buf, area.x, y, right, &text, theme.banner_stale);
        return;
    }
    // Column titles, aligned with participant rows.
    let mut x = area.x + INDENT as u16;
    x = cell(buf, x, y, badge::WIDTH + 1, "STATUS", theme.muted);
    x = cell(buf, x, y, cols.name + 1, "CALLER", theme.muted);
    if cols.number > 0 {
        x = cell(buf, x, y, cols.number, "NUMBER", theme.muted);
    }
    if cols.time > 0 {
        x = cell(buf, x, y, cols.time, "IN CONF", theme.muted);
    }
    if cols.id > 0 {
        cell(buf, x + 1, y, cols.id, "ID", theme.muted);
    }
}

fn group_row(buf: &mut Buffer, line: Rect, app: &AppState, g: &Group, theme: &Theme) {
    let y = line.y;
    let right = line.right();
    let fold = if g.collapsed { "▸ " } else { "▾ " };
    let mut x = put(buf, line.x + 1, y, right, fold, theme.muted);
    x = put(
        buf,
        x,
        y,
        right.saturating_sub(30),
        &app.conference_label(&g.conference),
        theme.group,
    );
    let conference = app.conferences.get(&g.conference);
    if conference.is_some_and(|r| r.recording) {
        x = put(buf, x + 2, y, right, REC, theme.error);
    }
    if app.conference_watched(g.conference) {
        x = put(buf, x + 1, y, right, " [watched]", theme.accent);
    }
    let mut facts = Vec::new();
    if let Some(r) = conference {
        if !r.kind.as_str().is_empty() {
            facts.push(r.kind.as_str().to_owned());
        }
        if !r.status.as_str().is_empty() {
            facts.push(r.status.as_str().to_owned());
        }
    }
    facts.push(match g.present {
        1 => "1 participant".to_owned(),
        n => format!("{n} participants"),
    });
    if g.collapsed && !g.members.is_empty() && (!app.filter.is_empty() || app.only.is_some()) {
        // Folded, it still says what it holds.
        let n = g.members.len();
        facts.push(format!("{n} {}", if n == 1 { "match" } else { "matches" }));
    }
    if let Some(created) = conference.and_then(|r| r.tm_create) {
        facts.push(format!(
            "up {}",
            format::duration(app.now.duration_since(created))
        ));
    }
    // The warning is the point of the line: the routine facts give way to it.
    let warning = (g.trouble != Trouble::None).then(|| {
        let worst = app.group_stuck(&g.members);
        let style = if g.trouble == Trouble::Crit {
            theme.crit
        } else {
            theme.warn
        };
        (format!(" ⚠ stuck {} ", format::duration(worst)), style)
    });
    // On a screen of 200 columns or more: the room's last quarter hour at the row's end.
    const TREND: u16 = 15;
    let trend = buf.area.width >= crate::app::layout::WIDE_WALL && line.width >= 100;
    let right = if trend {
        super::trend::conference(
            buf,
            right.saturating_sub(1),
            y,
            TREND,
            g.conference,
            app,
            theme,
        );
        right.saturating_sub(TREND + 3)
    } else {
        right
    };
    let facts_right = warning.as_ref().map_or(right, |(w, _)| {
        right.saturating_sub(crate::text::width(w) as u16 + 2)
    });
    x = put(
        buf,
        x,
        y,
        facts_right,
        &format!("  {}", facts.join(" · ")),
        theme.muted,
    );
    if let Some((w, style)) = warning {
        put(buf, x + 2, y, right, &w, style);
    }
}

fn participant_row(
    buf: &mut Buffer,
    line: Rect,
    app: &AppState,
    p: &Participant,
    cols: Columns,
    theme: &Theme,
) {
    let y = line.y;
    let gone = p.gone_at.is_some();
    let fresh = !gone && app.now.duration_since(p.first_seen) < app.cfg.highlight;
    let base = if gone { theme.gone_row } else { theme.text };
    let mut x = line.x + INDENT as u16;
    let (badge_text, badge_style) = badge::text(&p.shown_status(), theme);
    x = cell(buf, x, y, badge::WIDTH + 1, &badge_text, badge_style);

    let caller = app.caller_of(p);
    let (name, name_style) = match caller.map(|c| c.remote().name_or_why()) {
        Some((name, true)) => (name, base),
        Some((why, false)) => (why, dim(base, theme)),
        None => ("…", dim(base, theme)),
    };
    let name_style = if fresh {
        name_style.patch(theme.new_row)
    } else {
        name_style
    };
    let name_end = x + cols.name as u16;
    // Marks at the end of the name, in words and brackets so they never read as part of it:
    // a muted call, a participant who just came.
    let mut name_right = name_end;
    let mut tag_end = name_end.saturating_sub(1);
    if let Some(d) = caller.and_then(|c| c.mute).filter(|_| !gone) {
        let tag = format!(" [{}]", crate::app::mute::direction_words(d).0);
        tag_end = put_right(buf, x, tag_end, y, &tag, theme.warn);
        name_right = tag_end;
    }
    // A row in a watched conference is marked by its title.
    if app.watched(p.id) && !app.conference_watched(p.conference_id) {
        tag_end = put_right(buf, x, tag_end, y, " [watched]", theme.accent);
        name_right = tag_end;
    }
    if fresh {
        name_right = put_right(buf, x, tag_end, y, " [new]", theme.new_row);
    }
    put(buf, x, y, name_right, name, name_style);
    x = name_end + 1;
    if cols.number > 0 {
        let number = caller.map(|c| c.remote().shown()).unwrap_or("");
        x = cell(buf, x, y, cols.number, number, base);
    }
    if cols.time > 0 {
        // Frozen when it left, and while the data is stale; unknown until the participant's
        // own record arrives.
        let d = app
            .in_conference(p)
            .map_or_else(|| "…".to_owned(), format::duration);
        put_right(buf, x, x + cols.time as u16 - 1, y, &d, dim(base, theme));
        x += cols.time as u16;
    }
    if cols.id > 0 {
        cell(buf, x + 1, y, cols.id, &short_id(&p.id), dim(base, theme));
    }
    if app.acting_on(crate::verdict::ActionKind::Remove, p.id) {
        put_right(buf, line.x, line.right() - 1, y, " removing… ", theme.warn);
    }
}

fn dim(base: Style, theme: &Theme) -> Style {
    base.patch(theme.muted)
}
