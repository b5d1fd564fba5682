//! The last hour on screen (the wall's header, room titles, the interactive header, a room's
//! details) and the detail pane docked on a wide screen.

use std::collections::HashMap;

use super::*;
use crate::app::trend::Trend;

/// An hour of a busy afternoon before the app's `now`: a rising count, rooms filling up,
/// joins and leaves each minute, a five-minute gap where the data was stale.
fn an_hour(app: &mut AppState) {
    let now = app.now;
    let mut trend = Trend::default();
    for m in (0..60i64).rev() {
        let at = now - secs(m * 60);
        if (20..25).contains(&m) {
            trend.pass(at);
            continue;
        }
        let step = 60 - m as u32;
        let rooms: HashMap<uuid::Uuid, u32> = (0..24u128)
            .map(|r| (conference_id(r), (step / 10 + r as u32 % 5).max(1)))
            .collect();
        trend.sample(at, rooms.values().sum(), &rooms);
        trend.joined(at, 3 + step % 4);
        trend.left(at, 1 + step % 3);
    }
    app.trend = trend;
}

#[test]
fn the_wall_shows_the_last_hour_as_a_picture_and_small_walls_in_words() {
    let t = theme();
    for (w, h) in [(200u16, 50u16), (120, 40), (80, 24)] {
        let mut app = kiosk_app(w, h, 150);
        an_hour(&mut app);
        let term = render(&app, &t, w, h);
        let buf = term.backend().buffer();
        let s = text(buf);
        let header: String = s
            .lines()
            .take(layout::kiosk_header_height(w, h) as usize)
            .collect();
        assert!(header.contains("1 h "), "{w}x{h}: the change in words\n{s}");
        assert!(header.contains(" a min"), "{w}x{h}: joins and leaves\n{s}");
        let bars = header.chars().filter(|c| ('▁'..='█').contains(c)).count();
        if w >= 100 {
            // As much of the hour as fits, and the label says how much.
            let label = if w >= 200 { "last hour " } else { "last " };
            assert!(header.contains(label), "{w}x{h}\n{s}");
            assert!(bars >= 40, "{w}x{h}: a sparkline ({bars} bars)\n{s}");
            // The stale minutes are a gap, drawn apart from a zero.
            assert!(header.contains("·····"), "{w}x{h}: the gap\n{s}");
        }
        // Room titles carry their own quarter hour on a wide wall only.
        let titles = s
            .lines()
            .filter(|l| l.contains("Room 0"))
            .collect::<Vec<_>>();
        let with_trend = titles
            .iter()
            .filter(|l| l.chars().any(|c| ('▁'..='█').contains(&c)))
            .count();
        if w >= 200 {
            assert!(with_trend >= 4, "{w}x{h}: room trends\n{s}");
            insta::assert_snapshot!("kiosk_trend_200x50", term.backend());
        } else {
            assert_eq!(with_trend, 0, "{w}x{h}: no room trends\n{s}");
        }
        if w == 80 {
            insta::assert_snapshot!("kiosk_trend_80x24", term.backend());
        }
    }
}

#[test]
fn without_colour_the_trend_still_reads() {
    let mut app = kiosk_app(200, 50, 150);
    an_hour(&mut app);
    let plain = Theme::default_theme().without_color();
    let s = text(render(&app, &plain, 200, 50).backend().buffer());
    assert!(s.contains("last hour"), "{s}");
    assert!(s.chars().filter(|c| ('▁'..='█').contains(c)).count() >= 40);
}

fn wide_interactive(w: u16, h: u16) -> AppState {
    let mut app = rooms_app(Mode::Interactive { read_only: true }, w, h, 150);
    an_hour(&mut app);
    app
}

#[test]
fn a_wide_screen_docks_the_details_beside_the_list_and_they_follow_the_selection() {
    let t = theme();
    let mut app = wide_interactive(200, 50);
    press(&mut app, key(crossterm::event::KeyCode::Down));
    press(&mut app, key(crossterm::event::KeyCode::Down));
    assert_eq!(app.overlay, Overlay::None, "nothing opened");
    let first = app.selected_participant().map(|p| p.id).unwrap();
    let term = render(&app, &t, 200, 50);
    let s = text(term.backend().buffer());
    assert!(s.contains("Participant"), "the pane is there\n{s}");
    assert!(s.contains(&first.to_string()), "with the selection\n{s}");
    insta::assert_snapshot!("docked_detail_200x50", term.backend());
    press(&mut app, key(crossterm::event::KeyCode::Down));
    let next = app.selected_participant().map(|p| p.id).unwrap();
    assert_ne!(first, next);
    let s = text(render(&app, &t, 200, 50).backend().buffer());
    assert!(s.contains(&next.to_string()), "it follows\n{s}");
    // The header carries the hour at this width; the room rows their quarter hour.
    let header: String = s.lines().take(1).collect();
    assert!(header.contains("last hour"), "{header}");
    // Narrower, nothing is docked: the list has the width until Enter.
    for w in [120u16, 150] {
        let s = text(render(&app, &t, w, 40).backend().buffer());
        assert!(!s.contains("Participant"), "{w}: not docked\n{s}");
    }
}

#[test]
fn a_rooms_details_show_its_last_hour() {
    let t = theme();
    let mut app = wide_interactive(200, 50);
    app.selection = Some(crate::app::Selection::Group(conference_id(3)));
    let s = text(render(&app, &t, 200, 50).backend().buffer());
    // The pane holds 52 of the hour's minutes (the header's own "last hour" is not it).
    assert!(s.contains("│ last 52 min "), "{s}");
    assert!(s.contains("present over the last"), "{s}");
}
