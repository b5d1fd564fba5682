//! The wall display: "READ-ONLY · KIOSK", a glanceable header (large clock on big screens,
//! totals, longest stuck participant against the thresholds), conferences flowing into
//! columns, rotating pages, and the truth about freshness.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::app::AppState;
use crate::app::freshness::Freshness;
use crate::app::kiosk::Placed;
use crate::app::layout;
use crate::app::view::Trouble;

use super::badge;
use super::format;
use super::paint::{cell, centered_lines, put, put_right};
use super::theme::Theme;
use super::trend;
use crate::ui::header::{REC, freshness_line};

mod header;
use header::{draw_header, stale_style};

/// Minutes of a room's trend beside its title on a wide wall.
const CONFERENCE_TREND: u16 = 15;

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, theme: &Theme) {
    let buf = frame.buffer_mut();
    let header_h = layout::kiosk_header_height(area.width, area.height);
    let header = Rect {
        height: header_h,
        ..area
    };
    let big = layout::kiosk_big_clock(area.width, area.height);
    let wide = layout::kiosk_big_totals(area.width, area.height);
    draw_header(buf, header, (big, wide), app, theme);
    let body = Rect {
        y: area.y + header_h,
        height: area.height - header_h - 1,
        ..area
    };
    let status = Rect {
        y: area.bottom() - 1,
        height: 1,
        ..area
    };
    let freshness = app.freshness();
    if let Freshness::NoData { since, reason } = &freshness {
        let when = since
            .map(|t| format!(" since {}", format::clock(t, &app.cfg.tz)))
            .unwrap_or_default();
        let mut lines = vec![
            (format!("NO DATA{when}"), theme.banner_error),
            (String::new(), theme.text),
            (reason.clone(), theme.text),
        ];
        if let Some(hint) = app.sync.conn.hint {
            lines.push((hint.to_owned(), theme.muted));
        }
        centered_lines(buf, body, &lines);
        draw_key_hint(buf, body, app, theme);
        draw_status(buf, status, app, &freshness, theme);
        return;
    }
    let (per_page, col_w, _) = layout::kiosk_body(area.width, area.height);
    draw_columns(buf, body, (per_page, col_w), app, theme);
    if matches!(freshness, Freshness::Stale { .. }) {
        buf.set_style(body, stale_style(theme));
    }
    draw_key_hint(buf, body, app, theme);
    draw_status(buf, status, app, &freshness, theme);
}

/// For a few seconds after a key, how the wall is stopped, on the body's last line: the status
/// line keeps saying whether the data is live, stale or gone.
fn draw_key_hint(buf: &mut Buffer, body: Rect, app: &AppState, theme: &Theme) {
    let Some([long, short]) = app.kiosk_hint() else {
        return;
    };
    let Some(y) = body.bottom().checked_sub(1).filter(|y| *y >= body.y) else {
        return;
    };
    let line = Rect {
        y,
        height: 1,
        ..body
    };
    let text = if crate::text::width(&long) + 2 <= body.width as usize {
        long
    } else {
        short
    };
    buf.set_style(line, theme.readonly);
    for x in line.left()..line.right() {
        buf[(x, y)].set_symbol(" ");
    }
    put(
        buf,
        body.x,
        y,
        body.right(),
        &format!(" {text} "),
        theme.readonly,
    );
}

fn draw_status(buf: &mut Buffer, area: Rect, app: &AppState, freshness: &Freshness, theme: &Theme) {
    let right = area.right();
    let page = format!(" page {}/{} ", app.kiosk.page + 1, app.kiosk_count_shown());
    match freshness {
        Freshness::Stale { last_ok } => {
            buf.set_style(area, theme.banner_stale);
            let age = format::duration(app.now.duration_since(*last_ok));
            let text = format!(
                " STALE — last update {} ({age} ago), retrying ",
                format::clock(*last_ok, &app.cfg.tz)
            );
            put(buf, area.x, area.y, right, &text, theme.banner_stale);
        }
        _ => {
            let (text, style) = freshness_line(app, theme);
            put(buf, area.x + 1, area.y, right, &text, style);
        }
    }
    if app.kiosk_count_shown() > 1 && !app.withdrawn() {
        put_right(buf, area.x, right, area.y, &page, theme.accent);
    }
}

/// The current page, as the app laid it out for this size.
fn draw_columns(
    buf: &mut Buffer,
    body: Rect,
    (per_page, col_w): (usize, u16),
    app: &AppState,
    theme: &Theme,
) {
    if app.view.groups.is_empty() {
        // Before the first answer there is nothing to claim either way.
        let msg = if app.withdrawn() {
            format!(
                "Connecting to {}…",
                crate::text::sanitize(&app.cfg.host, 60)
            )
        } else {
            "No live conferences.".to_owned()
        };
        put(buf, body.x + 2, body.y + 1, body.right(), &msg, theme.muted);
        return;
    }
    let Some(page) = app.kiosk.pages.get(app.kiosk.page) else {
        return;
    };
    for (ci, column) in page.columns.iter().enumerate() {
        let x = body.x + ci as u16 * col_w;
        // A gutter of three cells, so a title never reads as part of the row beside it.
        let area = Rect {
            x,
            width: col_w.saturating_sub(3),
            ..body
        };
        // A room cut at the foot of the last column goes on over the page.
        let next = if ci + 1 == per_page {
            format!("on page {}", app.kiosk.page + 2)
        } else {
            "in the next column".to_owned()
        };
        draw_column(buf, area, app, column, &next, theme);
    }
}

/// One column's slices of rooms; `next` says where a room cut at its foot goes on.
fn draw_column(
    buf: &mut Buffer,
    area: Rect,
    app: &AppState,
    column: &[Placed],
    next: &str,
    theme: &Theme,
) {
    let right = area.right();
    let mut y = area.y;
    for (i, placed) in column.iter().enumerate() {
        if i > 0 {
            y += 1;
        }
        if y >= area.bottom() {
            return;
        }
        let g = &app.view.groups[placed.group];
        let marker = match g.trouble {
            Trouble::Crit => Some(theme.crit),
            Trouble::Warn => Some(theme.warn),
            Trouble::None => None,
        };
        let label = if placed.continued() {
            format!("{} (cont.)", app.conference_label(&g.conference))
        } else {
            format!("{} ({})", app.conference_label(&g.conference), g.present)
        };
        let mut x = put(
            buf,
            area.x,
            y,
            right.saturating_sub(10),
            &label,
            theme.group,
        );
        if app
            .conferences
            .get(&g.conference)
            .is_some_and(|r| r.recording)
        {
            x = put(buf, x + 1, y, right.saturating_sub(10), REC, theme.error);
        }
        if let Some(style) = marker {
            let worst = app.group_stuck(&g.members);
            put_right(
                buf,
                x + 1,
                right,
                y,
                &format!(" ⚠ {} ", format::duration(worst)),
                style,
            );
        } else if buf.area.width >= layout::WIDE_WALL
            && area.width >= 40
            && x + 2 + CONFERENCE_TREND < right
        {
            // On a wide wall: the room's last quarter hour beside its title (trouble, when
            // there is some, takes this place).
            trend::conference(buf, right, y, CONFERENCE_TREND, g.conference, app, theme);
        }
        y += 1;
        for id in g.members.iter().skip(placed.first).take(placed.shown) {
            if y >= area.bottom() {
                return;
            }
            if let Some(p) = app.participants.get(id) {
                let (b, bs) = badge::text(&p.shown_status(), theme);
                let mut x = cell(buf, area.x + 1, y, badge::WIDTH + 1, &b, bs);
                let name = app
                    .caller_of(p)
                    .map(|c| {
                        let r = c.remote();
                        if r.name.is_empty() {
                            r.shown().to_owned()
                        } else {
                            r.name.clone()
                        }
                    })
                    .unwrap_or_else(|| crate::text::short_id(&p.id));
                let style = if p.gone_at.is_some() {
                    theme.gone_row
                } else {
                    theme.text
                };
                let d = app
                    .in_conference(p)
                    .map_or_else(|| "…".to_owned(), format::duration);
                let dx = put_right(buf, x, right, y, &d, theme.muted);
                x = put(buf, x, y, dx.saturating_sub(1), &name, style);
                debug_assert!(x <= dx);
            }
            y += 1;
        }
        if placed.more > 0 && y < area.bottom() {
            put(
                buf,
                area.x + 1,
                y,
                right,
                &format!("+{} more {next}", placed.more),
                theme.muted,
            );
            y += 1;
        }
    }
}
