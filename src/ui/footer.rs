//! The footer: the filter being typed, a message, or key hints from the key table.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::app::keys::{Action, Context};
use crate::app::{AppState, Level, Overlay};

use super::paint::{put, put_right};
use super::theme::Theme;

/// The most lines a message takes (from the footer up).
const MAX_TOAST_LINES: usize = 4;

/// The footer: the filter being typed, or a message, or key hints from the key table.
pub fn footer(buf: &mut Buffer, area: Rect, app: &AppState, theme: &Theme) {
    let y = area.y;
    let right = area.right();
    if app.filter_editing {
        // A message (why typed letters became this search) shows above the line being typed.
        if let Some(t) = &app.toast
            && y > 0
        {
            toast(buf, area, y.saturating_sub(1), t, theme);
        }
        let x = put(buf, area.x, y, right, " /", theme.key);
        let x = put(buf, x, y, right, &app.filter, theme.text);
        put(buf, x, y, right, "▏", theme.accent);
        // Matches are only as complete as the names: say how many are in while they arrive.
        let (known, total) = app.names_known();
        let recall = if app.searches.is_empty() {
            ""
        } else {
            "↑ earlier · "
        };
        let keys = if known < total {
            format!("names {known}/{total} · {recall}Enter keep · Esc clear")
        } else {
            format!("{recall}Enter keep · Esc clear")
        };
        put_right(buf, area.x, right - 1, y, &keys, theme.muted);
        return;
    }
    if let Some(t) = &app.toast {
        toast(buf, area, y, t, theme);
        return;
    }
    // The removal dialog says its own keys; the footer repeats them, as the list's would mislead.
    let own_keys = match app.overlay {
        Overlay::Confirm(_) => Some(Context::Dialog),
        Overlay::Copy(_) => Some(Context::Copy),
        _ => None,
    };
    if let Some(context) = own_keys {
        let mut x = area.x + 1;
        for (i, (_, k, w)) in app.keys.hints(context).into_iter().enumerate() {
            x = hint(buf, x + if i == 0 { 0 } else { 2 }, y, right, (k, w), theme);
        }
        return;
    }
    // Hints in the key table's priority order; the first that does not fit ends the line, so
    // a wider screen only ever adds hints at the end. Esc leads when it closes or clears
    // something.
    let esc = if app.overlay != Overlay::None {
        Some(("Esc", "close"))
    } else if !app.filter.is_empty() || app.only.is_some() {
        Some(("Esc", "clear filter"))
    } else {
        None
    };
    // Only the keys that work now, with what is open and on what is on screen; with the help
    // or the departures open, the arrows scroll.
    let keys = app.keys.hints(Context::List).into_iter();
    let keys = keys
        .filter(|(a, _, _)| app.offers(*a))
        .map(|(a, k, w)| match a {
            Action::Down if app.overlay_scrolls() => (k, "scroll"),
            _ => (k, w),
        });
    let hints = esc.into_iter().chain(keys);
    let width = |h: &(&str, &str)| (crate::text::width(h.0) + crate::text::width(h.1) + 1) as u16;
    let mut x = area.x + 1;
    for (i, h) in hints.enumerate() {
        let gap = if i == 0 { 0 } else { 2 };
        if x + gap + width(&h) > right {
            break;
        }
        x = hint(buf, x + gap, y, right, h, theme);
    }
}

/// One hint: its keys, then its words.
fn hint(buf: &mut Buffer, x: u16, y: u16, right: u16, (k, w): (&str, &str), theme: &Theme) -> u16 {
    let x = put(buf, x, y, right, k, theme.key);
    put(buf, x + 1, y, right, w, theme.muted)
}

/// A message whose last line is on row `bottom`: it takes the whole width, and one too long
/// for a line grows upwards over the last rows of the list, wrapped, rather than losing its
/// end (often the fix).
fn toast(buf: &mut Buffer, area: Rect, bottom: u16, t: &crate::app::Toast, theme: &Theme) {
    let style = match t.level {
        Level::Info => theme.accent,
        Level::Warn => theme.warn,
        Level::Error => theme.error,
    };
    let right = area.right();
    let lines = super::paint::wrap(&t.text, area.width.saturating_sub(2) as usize);
    let shown = lines.len().min(MAX_TOAST_LINES);
    let top = (bottom + 1).saturating_sub(shown as u16);
    for (i, l) in lines.iter().take(shown).enumerate() {
        let row = top + i as u16;
        buf.set_style(Rect::new(area.x, row, area.width, 1), theme.text);
        for x in area.x..right {
            buf[(x, row)].set_symbol(" ");
        }
        put(buf, area.x + 1, row, right, l, style);
    }
}
