//! The wall display: "READ-ONLY · KIOSK", a glanceable header (large clock on big screens,
//! totals, longest stuck participant against the thresholds), conferences flowing into
//! columns, rotating pages, and the truth about freshness.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::app::AppState;
use crate::app::freshness::Freshness;
use crate::app::kiosk::Placed;
use crate::app::layout;
use crate::app::view::Trouble;

use super::badge;
use super::bigdigits;
use super::format;
use super::header::{REC, Words, demo_style, freshness_line, totals};
use super::paint::{cell, centered_lines, put, put_right};
use super::theme::Theme;
use super::trend;

/// Minutes of a room's trend beside its title on a wide wall.
const ROOM_TREND: u16 = 15;

/// On a wall, the DEMO label says what the data is.
const DEMO_KIOSK: &str = " DEMO · simulated calls ";

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
        if let Some(hint) = app.conn.hint {
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

/// The header; `big` draws the large clock, `wide` the totals large too when they fit.
fn draw_header(
    buf: &mut Buffer,
    area: Rect,
    (big, wide): (bool, bool),
    app: &AppState,
    theme: &Theme,
) {
    let right = area.right();
    // Stale or missing data takes over the clock: the wall shows the time of the last good
    // update, in the warning's colours, rather than a clock that ticks on old data.
    let frozen = match app.freshness() {
        Freshness::Stale { last_ok } => Some(("▲ STALE", Some(last_ok), theme.banner_stale)),
        Freshness::NoData { since, .. } => Some(("✖ NO DATA", since, theme.banner_error)),
        _ => None,
    };
    let at = frozen.and_then(|f| f.1).unwrap_or(app.now);
    // Old data puts its word, large, where the clock is: readable across a room.
    let clock = match frozen {
        Some((word, _, _)) if big => word.trim_start_matches(['▲', '✖', ' ']).to_owned(),
        _ if big => format::time_only(at, &app.cfg.tz),
        _ => format::clock(at, &app.cfg.tz),
    };
    let age = frozen
        .and_then(|f| f.1)
        .map(|t| format!(" · {} ago", format::duration(app.now.duration_since(t))))
        .unwrap_or_default();
    let clock_style = frozen.map_or(theme.accent, |f| f.2);
    let text_right = if big {
        right.saturating_sub(bigdigits::width(&clock) + 3)
    } else {
        right
    };
    let mut y = area.y;
    let x = put(
        buf,
        area.x,
        y,
        text_right,
        " READ-ONLY · KIOSK ",
        theme.readonly,
    );
    let x = if app.cfg.demo {
        put(buf, x + 1, y, text_right, DEMO_KIOSK, demo_style(theme))
    } else {
        x
    };
    let mut who = format!(" conftop · {}", crate::text::sanitize(&app.cfg.host, 60));
    if let Some((id, name)) = &app.customer {
        who.push_str(" · ");
        who.push_str(if name.is_empty() { "" } else { name });
        if name.is_empty() {
            who.push_str(&id.to_string());
        }
    }
    if big {
        let cw = bigdigits::width(&clock);
        let cx = right.saturating_sub(cw + 2);
        bigdigits::draw(buf, cx, area.y + 1, right, &clock, clock_style);
        // Above the digits; a warning, with its time in words too, may reach further left.
        let label = match frozen {
            Some((word, Some(_), _)) => {
                format!(
                    " {word} · last update {}{age} ",
                    format::clock(at, &app.cfg.tz)
                )
            }
            Some((word, None, _)) => format!(" {word} "),
            None => format!(" {} ", format::zone(at, &app.cfg.tz)),
        };
        let lx = put_right(buf, x, right - 1, area.y, &label, clock_style);
        put(buf, x, y, lx.saturating_sub(1), &who, theme.muted);
    } else {
        let text = match frozen {
            Some((word, Some(_), _)) => format!(" {word} · last update {clock}{age} "),
            Some((word, None, _)) => format!(" {word} "),
            None => clock.clone(),
        };
        let cx = put_right(buf, area.x, right - 1, y, &text, clock_style);
        put(buf, x, y, cx.saturating_sub(1), &who, theme.muted);
    }
    // Without data on screen there is nothing to count, and "nobody stuck" would read as
    // all quiet: both give way to a dash.
    let withdrawn = app.withdrawn();
    // On wide screens the counts are as large as the clock, beside it, when they fit.
    let large =
        wide && !withdrawn && big_totals(buf, area.x + 1, area.y + 1, text_right, app, theme);
    y += if large {
        6
    } else if big {
        2
    } else {
        1
    };
    if large {
        // The count is in the line below the digits.
    } else if withdrawn {
        put(buf, area.x + 1, y, text_right, "— no data —", theme.muted);
    } else {
        let x = totals(
            buf,
            area.x + 1,
            y,
            text_right,
            &app.view.totals,
            Words::Long,
            theme,
        );
        muted(buf, x, y, text_right, app.muted(), theme);
    }
    if !large {
        y += 1;
    }
    // The longest time anyone has been stuck in joining or leaving: a sign of trouble.
    let th = app.cfg.thresholds;
    let (stuck, style) = match app.worst_stuck() {
        _ if withdrawn => (String::new(), theme.muted),
        Some(d) => {
            let style = match th.level(Some(d)) {
                Trouble::None => theme.ok,
                Trouble::Warn => theme.warn,
                Trouble::Crit => theme.crit,
            };
            (
                format!(" longest joining/leaving: {} ", format::duration(d)),
                style,
            )
        }
        // Old data says nothing of now.
        None if frozen.is_some() => (
            " nobody stuck joining or leaving at the last update ".to_owned(),
            theme.muted,
        ),
        None => (" nobody stuck joining or leaving ".to_owned(), theme.ok),
    };
    let sx = put(buf, area.x, y, text_right, &stuck, style);
    // The last hour: a line of its own where the header has one, else in words after the
    // longest stuck when they fit whole.
    if !withdrawn {
        if big {
            trend::line(buf, area.x + 1, y + 1, text_right, app, theme);
        } else if let Some(words) = trend::words(app)
            && sx as usize + 3 + crate::text::width(&words) <= text_right as usize
        {
            put_right(buf, sx + 1, text_right, y, &words, theme.muted);
        }
    }
    // The freshness is on the status line too; the large counts take its place here.
    if big && !large {
        y += 2;
        let (text, style) = freshness_line(app, theme);
        put(buf, area.x + 1, y, text_right, &text, style);
    }
    // Old counts are dimmed with the rows: nothing on the wall looks current.
    if frozen.is_some() {
        let counts = Rect {
            x: area.x,
            y: area.y + 1,
            width: text_right.saturating_sub(area.x),
            height: area.height.saturating_sub(1),
        };
        buf.set_style(counts, stale_style(theme));
    }
}

/// What old data is drawn in: the theme's stale style, without bold (which would outshine
/// the dimming in most terminals).
fn stale_style(theme: &Theme) -> Style {
    theme.stale.remove_modifier(Modifier::BOLD)
}

/// The totals in large digits, each in its status's colour with its word on the digits' last
/// line: "24 conferences  1 joining  116 joined …". Draws nothing and returns false when they
/// do not all fit before `right`.
fn big_totals(buf: &mut Buffer, x: u16, y: u16, right: u16, app: &AppState, theme: &Theme) -> bool {
    let t = &app.view.totals;
    let mut items = vec![
        (t.conferences, "conferences", theme.text),
        (t.joining, "joining", theme.joining),
        (t.joined, "joined", theme.joined),
        (t.leaving, "leaving", theme.leaving),
        (t.left, "left", theme.left),
    ];
    if t.other > 0 {
        items.push((t.other, "other", theme.unknown));
    }
    items.push((app.muted(), "muted", theme.accent));
    const GAP: u16 = 3;
    let items: Vec<(String, &str, Style)> = items
        .into_iter()
        .map(|(n, word, style)| (n.to_string(), word, style))
        .collect();
    let need: u16 = items
        .iter()
        .map(|(n, word, _)| bigdigits::width(n) + 1 + word.len() as u16)
        .sum::<u16>()
        + GAP * (items.len() as u16 - 1);
    if x + need > right {
        return false;
    }
    let mut x = x;
    for (n, word, style) in &items {
        bigdigits::draw(buf, x, y, right, n, *style);
        x += bigdigits::width(n) + 1;
        x = put(buf, x, y + 4, right, word, theme.text) + GAP;
    }
    true
}

/// " · 3 muted" after the totals, when it fits whole.
fn muted(buf: &mut Buffer, x: u16, y: u16, right: u16, n: usize, theme: &Theme) -> u16 {
    let count = n.to_string();
    if x as usize + 3 + count.len() + " muted".len() > right as usize {
        return x;
    }
    let x = put(buf, x, y, right, " · ", theme.muted);
    let x = put(buf, x, y, right, &count, theme.accent);
    put(buf, x, y, right, " muted", theme.muted)
}

fn draw_status(buf: &mut Buffer, area: Rect, app: &AppState, freshness: &Freshness, theme: &Theme) {
    let right = area.right();
    let page = format!(" page {}/{} ", app.kiosk_page + 1, app.kiosk_count_shown());
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
    let Some(page) = app.pages.get(app.kiosk_page) else {
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
            format!("on page {}", app.kiosk_page + 2)
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
            let worst = g
                .members
                .iter()
                .filter_map(|id| app.participants.get(id))
                .filter_map(|p| app.stuck(p))
                .max()
                .unwrap_or_default();
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
            && x + 2 + ROOM_TREND < right
        {
            // On a wide wall: the room's last quarter hour beside its title (trouble, when
            // there is some, takes this place).
            trend::room(buf, right, y, ROOM_TREND, g.conference, app, theme);
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
