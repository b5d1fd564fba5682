//! The wall's header: the large clock (or STALE / NO DATA in its place), the totals, large
//! when they fit, the longest stuck participant and the last hour's trend.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::app::AppState;
use crate::app::freshness::Freshness;
use crate::app::view::Trouble;

use crate::ui::bigdigits;
use crate::ui::format;
use crate::ui::header::{Words, demo_style, freshness_line, totals};
use crate::ui::paint::{put, put_right};
use crate::ui::theme::Theme;
use crate::ui::trend;

/// On a wall, the DEMO label says what the data is.
const DEMO_KIOSK: &str = " DEMO · simulated calls ";

/// The header; `big` draws the large clock, `wide` the totals large too when they fit.
pub(super) fn draw_header(
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
    if let Some((id, name)) = &app.sync.customer {
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
pub(super) fn stale_style(theme: &Theme) -> Style {
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
