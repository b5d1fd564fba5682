//! The interactive header: who and where, the clock, how fresh the data is, and totals.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::app::AppState;
use crate::app::freshness::Freshness;
use crate::app::view::{SortMode, Totals};
use crate::text::sanitize;

use super::format;
use super::paint::{put, put_right};
use super::theme::Theme;

pub fn draw(buf: &mut Buffer, area: Rect, app: &AppState, theme: &Theme) {
    let right = area.right();
    let y = area.y;
    // Line 1: product, host, customer; mode and clock on the right.
    let mut x = put(buf, area.x, y, right, " conftop ", theme.title);
    x = put(
        buf,
        x + 1,
        y,
        right,
        &sanitize(&app.cfg.host, 60),
        theme.muted,
    );
    let clock = format::clock(app.now, &app.cfg.tz);
    let mut limit = put_right(buf, area.x, right - 1, y, &clock, theme.accent);
    if app.cfg.mode.read_only() {
        limit = put_right(
            buf,
            area.x,
            limit.saturating_sub(2),
            y,
            " READ-ONLY ",
            theme.readonly,
        );
    }
    if app.cfg.demo {
        limit = put_right(
            buf,
            area.x,
            limit.saturating_sub(2),
            y,
            DEMO,
            demo_style(theme),
        );
    }
    if let Some((id, name)) = &app.sync.customer {
        let who = if name.is_empty() {
            id.to_string()
        } else {
            name.clone()
        };
        x = put(buf, x, y, limit, " · ", theme.muted);
        x = put(buf, x, y, limit.saturating_sub(2), &who, theme.text);
    }
    // The last hour, where the width leaves room for its picture.
    if area.width >= TREND_FROM && !app.withdrawn() && limit > x + 40 {
        super::trend::line(buf, x + 3, y, limit.saturating_sub(2), app, theme);
    }

    // Line 2: freshness, then totals.
    let y = y + 1;
    if area.height < 2 {
        return;
    }
    // On the right: the filter (or status shown) while one is set, else the sort order. What
    // does not fit shortens rather than vanishes: at 80 columns the sort and every count stay.
    let narrow = area.width < 110;
    let mut right_text = Vec::new();
    if !app.filter.is_empty() || app.filter_editing {
        right_text.push(format!("/{}", sanitize(&app.filter, 20)));
    }
    if let Some(only) = &app.only {
        let word = crate::app::status::badge(only).map_or(only.as_str(), |b| b.word);
        right_text.push(format!("only {}", word.to_lowercase()));
    }
    let (right_text, right_style) = if right_text.is_empty() {
        // Trouble-first holds rooms in name order until the picture is whole: say so.
        let label = match app.sort {
            SortMode::Trouble if app.sync.loading.is_some() => "trouble first, once loaded",
            sort => sort.label(),
        };
        let sort = if narrow {
            format!("⇅ {label}")
        } else {
            format!("sort: {label}")
        };
        (sort, theme.muted)
    } else {
        let shown: usize = app.view.groups.iter().map(|g| g.members.len()).sum();
        let noun = if shown == 1 { "match" } else { "matches" };
        // A search over names still arriving is not final: "0 matches" would send a caller
        // away who is on a bridge.
        let (known, total) = app.names_known();
        let count = if app.filter.is_empty() || (known == total && app.sync.loading.is_none()) {
            format!("{shown} {noun}")
        } else if narrow {
            format!("{shown} so far · names {known}/{total}")
        } else {
            format!("{shown} {noun} so far · searching · names {known}/{total}")
        };
        (format!("{} · {count}", right_text.join(" ")), theme.accent)
    };
    let sx = put_right(buf, area.x, right - 1, y, &right_text, right_style);
    let (text, style) = if narrow {
        freshness_short(app, theme)
    } else {
        freshness_line(app, theme)
    };
    let x = put(buf, area.x + 1, y, sx.saturating_sub(1), &text, style);
    // Without data on screen there are no totals to stand behind.
    if !app.withdrawn() {
        let words = if narrow { Words::Short } else { Words::Long };
        totals(
            buf,
            x + 2,
            y,
            sx.saturating_sub(2),
            &app.view.totals,
            words,
            theme,
        );
    }
}

/// The interactive header shows the last hour from this width.
const TREND_FROM: u16 = 140;

/// The label of a run against the built-in simulator, so a demo is never taken for real
/// traffic.
pub const DEMO: &str = " DEMO ";

/// The DEMO label's style: the warning's, as a block like the READ-ONLY label.
pub fn demo_style(theme: &Theme) -> Style {
    theme.warn.add_modifier(Modifier::REVERSED)
}

/// A room that records or transcribes says so on its header: people on the floor get asked
/// "are we being recorded?".
pub const REC: &str = "● REC";

/// The freshness in a few cells, for narrow screens.
pub fn freshness_short(app: &AppState, theme: &Theme) -> (String, Style) {
    match app.freshness() {
        Freshness::Live { last_ok } => {
            let age = app.now.duration_since(last_ok).as_secs().max(0);
            let how = if app.pushing() { "push" } else { "poll" };
            // While the picture fills in, how far it is matters more than the rest.
            let progress = progress(app, Words::Short);
            match app.retrying() {
                Some(why) => (
                    format!("● live {how} {age}s retry {why}{progress}"),
                    theme.warn,
                ),
                None => (format!("● live {how} {age}s{progress}"), theme.ok),
            }
        }
        Freshness::Stale { last_ok } => (
            format!("▲ STALE {}", format::clock(last_ok, &app.cfg.tz)),
            theme.warn,
        ),
        _ => freshness_line(app, theme),
    }
}

/// How the totals are worded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Words {
    /// "8 conferences · 2 joining · …"
    Long,
    /// "8 conf · 2 joining · …" (every count keeps a word).
    Short,
}

/// How far the picture is (loading, the history scan) and the request rate once a 429 cut it,
/// in long or short words.
fn progress(app: &AppState, words: Words) -> String {
    let long = words == Words::Long;
    let mut out = match (app.sync.loading, app.sync.history) {
        (Some((have, total)), _) if long => format!(" · loading {have}/{total}"),
        (Some((have, total)), _) => format!(" load {have}/{total}"),
        (None, Some(share)) if long => format!(" · history {:.0}%", share * 100.0),
        (None, Some(share)) => format!(" hist {:.0}%", share * 100.0),
        (None, None) if long && !app.sync.history_complete => " · history …".to_owned(),
        (None, None) => String::new(),
    };
    if let Some(r) = app.rate_cut() {
        out += &match words {
            Words::Long => format!(" · {:.1}/{} req/s", r.per_second, r.ceiling),
            Words::Short => format!(" {:.1}/{}rps", r.per_second, r.ceiling),
        };
    }
    out
}

/// The freshness phrase and its style.
pub fn freshness_line(app: &AppState, theme: &Theme) -> (String, Style) {
    let tz = &app.cfg.tz;
    match app.freshness() {
        Freshness::Connecting => ("… connecting".to_owned(), theme.muted),
        Freshness::Live { last_ok } => {
            let age = app.now.duration_since(last_ok).as_secs().max(0);
            let scanning = progress(app, Words::Long);
            let how = if app.pushing() { "push" } else { "polling" };
            match app.retrying() {
                // Still live, but every word since then is a failed try: said at once.
                Some(why) => (
                    format!("● live · {how} · updated {age}s ago · retrying · {why}{scanning}"),
                    theme.warn,
                ),
                None => (
                    format!("● live · {how} · updated {age}s ago{scanning}"),
                    theme.ok,
                ),
            }
        }
        Freshness::Stale { last_ok } => (
            format!("▲ STALE · last update {}", format::clock(last_ok, tz)),
            theme.warn,
        ),
        Freshness::NoData { since, .. } => match since {
            Some(t) => (
                format!("✖ NO DATA since {}", format::clock(t, tz)),
                theme.error,
            ),
            None => ("✖ NO DATA".to_owned(), theme.error),
        },
    }
}

/// "8 conferences · 2 joining · 41 joined · 1 leaving · 1 left", each count in its colour.
pub fn totals(
    buf: &mut Buffer,
    mut x: u16,
    y: u16,
    right: u16,
    t: &Totals,
    words: Words,
    theme: &Theme,
) -> u16 {
    let conf = match words {
        Words::Long => "conferences",
        Words::Short => "conf",
    };
    let sep_text = match words {
        Words::Long => " · ",
        Words::Short => " ",
    };
    let parts = [
        (t.conferences, conf, theme.text),
        (t.joining, "joining", theme.joining),
        (t.joined, "joined", theme.joined),
        (t.leaving, "leaving", theme.leaving),
        (t.left, "left", theme.left),
    ];
    // Whole items only: a count never loses its word.
    for (i, (n, word, style)) in parts.iter().enumerate() {
        let count = n.to_string();
        let sep = if i > 0 { sep_text.len() } else { 0 };
        let need = sep + count.len() + 1 + word.len();
        if x as usize + need > right as usize {
            return x;
        }
        if i > 0 {
            x = put(buf, x, y, right, sep_text, theme.muted);
        }
        x = put(buf, x, y, right, &count, *style);
        x = put(buf, x + 1, y, right, word, theme.muted);
    }
    if t.other > 0 {
        x = put(buf, x, y, right, sep_text, theme.muted);
        x = put(
            buf,
            x,
            y,
            right,
            &format!("{} other", t.other),
            theme.unknown,
        );
    }
    x
}
