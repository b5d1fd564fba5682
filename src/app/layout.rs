//! Screen geometry shared by the app (scrolling, kiosk pages) and the UI (drawing), so both
//! agree on how many rows fit.

/// Below this the layout does not fit and a "too small" message is shown instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

/// Header lines in interactive mode.
pub const HEADER_HEIGHT: u16 = 2;
/// Footer lines in interactive mode.
pub const FOOTER_HEIGHT: u16 = 1;

/// The help box's widest (narrower screens wrap its lines).
pub const HELP_BOX: u16 = 92;

/// From this width a wall shows each room's trend beside its title, and the interactive list
/// each room's trend in its title row.
pub const WIDE_WALL: u16 = 200;

/// Narrowest kiosk column; the width is shared out among as many columns as fit.
pub const KIOSK_MIN_COLUMN: u16 = 44;

/// The detail pane's width when it sits beside the list (wide screens give it room for long
/// names beside full ids); `None` when the screen is too narrow and it covers the list.
pub fn detail_beside(width: u16) -> Option<u16> {
    const PANE: u16 = 52;
    match width {
        160.. => Some(PANE + 16),
        116.. => Some(PANE),
        _ => None,
    }
}

/// From this width the detail pane is docked: always beside the list, following the selection.
pub const DOCK_FROM: u16 = 160;

/// The detail pane's width when it is drawn beside the list: docked on wide screens, beside
/// the list on middling ones while it is open (`open`); `None` when it is not beside the list
/// (closed, or open over the whole list on a narrow screen).
pub fn detail_pane(width: u16, open: bool) -> Option<u16> {
    detail_beside(width).filter(|_| open || width >= DOCK_FROM)
}

pub fn too_small(width: u16, height: u16) -> bool {
    width < MIN_WIDTH || height < MIN_HEIGHT
}

/// Rows available to the interactive list (one banner line is kept for stale/filter notices).
pub fn list_height(height: u16) -> usize {
    height.saturating_sub(HEADER_HEIGHT + FOOTER_HEIGHT + 1) as usize
}

/// Whether the kiosk header uses the large clock.
pub fn kiosk_big_clock(width: u16, height: u16) -> bool {
    width >= 100 && height >= 30
}

/// Whether the kiosk header shows the totals in large digits too (wide screens: the clock
/// and a row of counts side by side).
pub fn kiosk_big_totals(width: u16, height: u16) -> bool {
    kiosk_big_clock(width, height) && width >= 160
}

/// Kiosk header height for a terminal size.
pub fn kiosk_header_height(width: u16, height: u16) -> u16 {
    if kiosk_big_totals(width, height) {
        8
    } else if kiosk_big_clock(width, height) {
        7
    } else {
        3
    }
}

/// The kiosk body: (columns, column width, column height).
pub fn kiosk_body(width: u16, height: u16) -> (usize, u16, usize) {
    let body_h = height.saturating_sub(kiosk_header_height(width, height) + 1) as usize;
    let cols = (width / KIOSK_MIN_COLUMN).max(1);
    let col_w = width / cols;
    (cols as usize, col_w, body_h)
}
