//! The screen: a pure draw of the app state. It reads `&AppState` and writes a frame; it
//! never touches the network, the clock or the state.

pub mod badge;
pub(crate) mod bigdigits;
mod confirm;
mod copy;
mod departures;
mod detail;
mod footer;
pub use crate::format;
mod header;
mod help;
mod kiosk;
mod list;
mod overlay;
mod paint;
pub mod theme;
mod trend;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::app::layout::{self, FOOTER_HEIGHT, HEADER_HEIGHT};
use crate::app::{AppState, Mode, Overlay};

pub use theme::Theme;

/// Draws the whole screen for the current state.
pub fn draw(frame: &mut Frame, app: &AppState, theme: &Theme) {
    let area = frame.area();
    if layout::too_small(area.width, area.height) {
        too_small(frame, area, app, theme);
        return;
    }
    if app.cfg.mode == Mode::Kiosk {
        kiosk::draw(frame, area, app, theme);
        return;
    }
    let header = Rect {
        height: HEADER_HEIGHT,
        ..area
    };
    let footer = Rect {
        y: area.bottom() - FOOTER_HEIGHT,
        height: FOOTER_HEIGHT,
        ..area
    };
    let body = Rect {
        y: header.bottom(),
        height: area.height - HEADER_HEIGHT - FOOTER_HEIGHT,
        ..area
    };
    header::draw(frame.buffer_mut(), header, app, theme);
    // Docked details go with the data: without data on screen the list says why, whole.
    let open = app.overlay == Overlay::Detail;
    let beside = layout::detail_pane(area.width, open).filter(|_| open || !app.withdrawn());
    let detail_beside = beside.is_some();
    let detail_width = beside.unwrap_or(0);
    let list_area = if detail_beside {
        Rect {
            width: area.width - detail_width,
            ..body
        }
    } else {
        body
    };
    list::draw(frame.buffer_mut(), list_area, app, theme);
    footer::footer(frame.buffer_mut(), footer, app, theme);
    // Docked on a wide screen: the selection's details beside the list, always.
    let docked = detail_beside && app.overlay != Overlay::Detail;
    if docked {
        let pane = Rect {
            x: list_area.right(),
            width: detail_width,
            ..body
        };
        detail::detail(frame, pane, app, theme);
    }
    match &app.overlay {
        Overlay::None => {}
        Overlay::Detail => {
            // Beside the list when it fits; otherwise over the whole list, so no cut-off
            // pieces of rows show around it.
            let pane = if detail_beside {
                Rect {
                    x: list_area.right(),
                    width: detail_width,
                    ..body
                }
            } else {
                body
            };
            detail::detail(frame, pane, app, theme);
        }
        Overlay::Help => help::help(frame, body, app, theme),
        Overlay::Confirm(c) => confirm::confirm(frame, body, app, c, theme),
        Overlay::Departures => departures::draw(frame, body, app, theme),
        Overlay::Copy(menu) => copy::draw(frame, body, menu, theme),
    }
}

fn too_small(frame: &mut Frame, area: Rect, app: &AppState, theme: &Theme) {
    let quit = if app.cfg.mode == Mode::Kiosk {
        ""
    } else {
        " · q quits"
    };
    let (w, h) = (layout::MIN_WIDTH, layout::MIN_HEIGHT);
    let mut lines = vec![
        format!("Terminal too small: {}×{}", area.width, area.height),
        format!("conftop needs at least {w}×{h}{quit}"),
    ];
    // A very small terminal gets the same words, shorter.
    if lines
        .iter()
        .any(|l| crate::text::width(l) > area.width as usize)
    {
        lines = vec![
            format!("Too small: {}×{}", area.width, area.height),
            format!("need {w}×{h}"),
        ];
        if !quit.is_empty() {
            lines.push("q quits".to_owned());
        }
    }
    let styled: Vec<(String, Style)> = lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| (l, if i == 0 { theme.warn } else { theme.text }))
        .collect();
    paint::centered_lines(frame.buffer_mut(), area, &styled);
}

#[cfg(test)]
mod tests;
