//! Screens rendered into a `TestBackend`: text snapshots for layout (insta), and cell-by-cell
//! checks for colour and attributes, which text snapshots cannot show.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use super::*;
use crate::api::ApiError;
use crate::app::fixtures::*;
use crate::app::{AppState, Event, Mode, Overlay, update};
use crate::sync::SyncEvent;

fn render(app: &AppState, theme: &Theme, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| draw(f, app, theme)).unwrap();
    term
}

fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// Finds the first cell where `needle` starts.
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    for y in 0..buf.area.height {
        let line: Vec<&str> = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        let joined: String = line.concat();
        if let Some(byte) = joined.find(needle) {
            // Map the byte offset back to a cell.
            let mut acc = 0;
            for (x, s) in line.iter().enumerate() {
                if acc == byte {
                    return Some((x as u16, y));
                }
                acc += s.len();
            }
        }
    }
    None
}

fn theme() -> Theme {
    Theme::default_theme()
}

#[test]
fn interactive_screen() {
    let app = populated();
    let term = render(&app, &theme(), 120, 20);
    insta::assert_snapshot!(term.backend());
}

#[test]
fn badges_are_coloured_cell_by_cell() {
    let app = populated();
    let t = theme();
    let term = render(&app, &t, 120, 20);
    let buf = term.backend().buffer();
    for (word, style) in [
        ("JOINED", t.joined),
        ("JOINING", t.joining),
        ("LEAVING", t.leaving),
    ] {
        let (x, y) = find(buf, word).unwrap_or_else(|| panic!("{word} on screen"));
        let cell = &buf[(x, y)];
        // The first badge row is the selected one; colours are checked on the others.
        if y != 4 {
            assert_eq!(cell.fg, style.fg.unwrap(), "{word}");
            assert!(cell.modifier.contains(Modifier::BOLD), "{word}");
        }
        // The symbol before the word carries the same style.
        assert_eq!(buf[(x - 2, y)].fg, style.fg.unwrap());
    }
    // The selected row (first participant) is reversed across the line.
    let (_, y) = find(buf, "Caller 1").unwrap();
    for x in [0, 10, 60, 119] {
        assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED), "x={x}");
    }
}

#[test]
fn stale_data_is_dimmed_with_a_banner_then_withdrawn() {
    let mut app = populated();
    update(&mut app, Event::Tick, t0() + secs(7));
    let t = theme();
    let term = render(&app, &t, 120, 20);
    let buf = term.backend().buffer();
    let screen = text(buf);
    assert!(
        screen.contains("STALE — last update 10:00:00 UTC, retrying"),
        "{screen}"
    );
    let (x, y) = find(buf, "Caller 2").unwrap();
    assert!(buf[(x, y)].modifier.contains(Modifier::DIM));
    let (bx, by) = find(buf, "STALE —").unwrap();
    assert_eq!(buf[(bx, by)].bg, t.banner_stale.bg.unwrap());

    let err = ApiError::from_response(
        "GET /conferences",
        false,
        401,
        None,
        br#"{"error":{"reason":"INVALID_CREDENTIALS"}}"#,
    );
    update(
        &mut app,
        Event::Sync(SyncEvent::Failed {
            at: t0() + secs(6),
            error: err,
        }),
        t0() + secs(6),
    );
    update(&mut app, Event::Tick, t0() + secs(61));
    let term = render(&app, &t, 120, 20);
    let screen = text(term.backend().buffer());
    assert!(screen.contains("NO DATA since 10:00:00"), "{screen}");
    assert!(
        screen.contains("credentials rejected (401 INVALID_CREDENTIALS)"),
        "{screen}"
    );
    // Rejected credentials are the user's to fix: the screen says where they come from.
    assert!(
        screen.contains("VN_ACCESS_KEY / VOIPBIN_API_KEY, VOIPBIN_TOKEN"),
        "{screen}"
    );
    assert!(!screen.contains("Caller 2"), "rows are withdrawn");
    insta::assert_snapshot!(term.backend());
}

#[test]
fn removal_dialog_names_the_target_and_focuses_cancel() {
    let mut app = populated();
    press_at(&mut app, ch('j'), t0());
    press_at(&mut app, ch('d'), t0());
    assert!(matches!(app.overlay, Overlay::Confirm(_)));
    let t = theme();
    let term = render(&app, &t, 100, 24);
    insta::assert_snapshot!(term.backend());
    let buf = term.backend().buffer();
    let (x, y) = find(buf, "Cancel ").unwrap();
    assert!(
        buf[(x, y)].modifier.contains(Modifier::REVERSED),
        "Cancel is focused"
    );
    // The Remove button shares the Cancel button's line.
    let row: String = (0..buf.area.width)
        .map(|cx| buf[(cx, y)].symbol())
        .collect();
    let rx = row
        .find("Remove")
        .map(|b| row[..b].chars().count() as u16)
        .expect("Remove button");
    assert!(
        !buf[(rx, y)].modifier.contains(Modifier::REVERSED),
        "Remove is not focused"
    );
    assert_eq!(
        buf[(rx, y)].bg,
        t.danger.bg.unwrap(),
        "Remove looks dangerous"
    );
}

#[test]
fn help_and_detail() {
    let mut app = populated();
    app.cfg.audit_path = Some("/var/lib/conftop/audit.jsonl".into());
    press_at(&mut app, ch('?'), t0());
    let term = render(&app, &theme(), 120, 40);
    insta::assert_snapshot!("help", term.backend());
    press_at(&mut app, key(crossterm::event::KeyCode::Esc), t0());
    press_at(&mut app, key(crossterm::event::KeyCode::Enter), t0());
    assert_eq!(app.overlay, Overlay::Detail);
    let term = render(&app, &theme(), 120, 24);
    let screen = text(term.backend().buffer());
    assert!(screen.contains(&part_id(1).to_string()), "full id shown");
    assert!(screen.contains(&call_id(1).to_string()));
    insta::assert_snapshot!("detail", term.backend());
}

#[test]
fn the_departures_scroll_and_say_what_is_above_and_below() {
    let mut app = populated();
    update(&mut app, Event::Resize(80, 24), t0());
    thirty_departures(&mut app);
    press_at(&mut app, ch('L'), t0());
    let screen = text(render(&app, &theme(), 80, 24).backend().buffer());
    assert!(screen.contains("↑/↓ scroll"), "{screen}");
    assert!(screen.contains("↓ 11 more"), "{screen}");
    assert!(!screen.contains("newer"), "{screen}");
    press_at(&mut app, ch('G'), t0());
    let term = render(&app, &theme(), 80, 24);
    let screen = text(term.backend().buffer());
    assert!(screen.contains("↑ 11 newer"), "{screen}");
    assert!(!screen.contains("more"), "{screen}");
    // The oldest, who left 2m09s before t0, two key presses ago, on the last line inside
    // the box.
    let (_, y) = find(term.backend().buffer(), "2m11s ago").expect("the oldest shown");
    assert_eq!(y, 24 - 1 - 2, "{screen}");
    insta::assert_snapshot!("departures_scrolled", term.backend());
}

#[test]
fn a_stuck_warning_in_a_room_line_outranks_its_routine_facts() {
    let mut app = populated();
    // Still joining two minutes on: stuck (the data is fresh).
    update(&mut app, Event::Sync(standard_snapshot()), t0() + secs(120));
    update(&mut app, Event::Tick, t0() + secs(120));
    let s = text(render(&app, &theme(), 60, 20).backend().buffer());
    let line = s
        .lines()
        .find(|l| l.contains("Alpha"))
        .expect("Alpha's line");
    assert!(line.contains("⚠ stuck 2m05s"), "{s}");
    assert!(
        !line.contains("up 1h"),
        "the routine facts give way: {line}"
    );
}

#[test]
fn read_only_offers_no_removal_anywhere() {
    let mut app = app(Mode::Interactive { read_only: true });
    update(&mut app, snapshot_event(), t0());
    for screen in [render(&app, &theme(), 120, 30), {
        press_at(&mut app, ch('?'), t0());
        render(&app, &theme(), 120, 40)
    }] {
        let s = text(screen.backend().buffer()).to_lowercase();
        assert!(s.contains("read-only"), "{s}");
        assert!(!s.contains("remove the participant"), "{s}");
        assert!(!s.contains("d/del"), "{s}");
    }
}

fn snapshot_event() -> Event {
    Event::Sync(snapshot(
        vec![cc(1, 1, "joined", 300), cc(2, 1, "joining", 5)],
        vec![conf(1, "Alpha")],
    ))
}

#[test]
fn too_small_says_so_and_names_the_minimum() {
    let app = populated();
    let term = render(&app, &theme(), 50, 10);
    let s = text(term.backend().buffer());
    assert!(s.contains("Terminal too small: 50×10"), "{s}");
    assert!(s.contains("at least 60×12 · q quits"), "{s}");
}

#[test]
fn narrow_terminals_drop_columns_but_keep_badges_and_names() {
    let app = populated();
    let term = render(&app, &theme(), 60, 16);
    let s = text(term.backend().buffer());
    assert!(s.contains("● JOINED") && s.contains("Caller 1"), "{s}");
    assert!(
        !s.contains(&crate::text::short_id(&part_id(1))),
        "the id column went first"
    );
    insta::assert_snapshot!(term.backend());
}

/// A kiosk with many conferences; two hold participants stuck joining or leaving. The data is
/// refreshed at `at` seconds, so it is live then.
fn kiosk_app(w: u16, h: u16, at: i64) -> AppState {
    rooms_app(Mode::Kiosk, w, h, at)
}

/// Twenty-four rooms of three to seven people at this size, in this mode, `at` s after a first
/// picture.
fn rooms_app(mode: Mode, w: u16, h: u16, at: i64) -> AppState {
    let mut app = app(mode);
    app.size = (w, h);
    // Rotation is tested in the app's rules; here every screen shows its first page.
    app.cfg.rotate = secs(3600);
    let conferences: Vec<_> = (0..24u128)
        .map(|r| conf(r, &format!("Room {r:02}")))
        .collect();
    update(
        &mut app,
        Event::Sync(snapshot(kiosk_parts(), conferences.clone())),
        t0(),
    );
    update(
        &mut app,
        Event::Sync(snapshot(kiosk_parts(), conferences)),
        t0() + secs(at),
    );
    update(&mut app, Event::Tick, t0() + secs(at));
    app
}

fn kiosk_parts() -> Vec<crate::api::Conferencecall> {
    let mut parts = Vec::new();
    for conference in 0..24u128 {
        for n in 0..(3 + conference % 5) {
            let id = conference * 100 + n;
            let status = match (conference, n) {
                (3, 0) => "joining",
                (7, 1) => "leaving",
                _ => "joined",
            };
            parts.push(cc(id, conference, status, 600 - (n as i64) * 60));
        }
    }
    parts
}

#[test]
fn kiosk_screens() {
    for (w, h) in [(80u16, 24u16), (200, 50), (320, 90)] {
        let app = kiosk_app(w, h, 150);
        let term = render(&app, &theme(), w, h);
        let s = text(term.backend().buffer());
        assert!(s.contains("READ-ONLY · KIOSK"), "{w}x{h}");
        assert!(
            !s.contains("quit") && !s.contains("help"),
            "{w}x{h}: no hints in kiosk"
        );
        if w >= 100 {
            assert!(s.contains("███"), "{w}x{h}: the large clock");
        }
        insta::assert_snapshot!(format!("kiosk_{w}x{h}"), term.backend());
    }
}

#[test]
fn kiosk_pins_trouble_first_and_marks_it() {
    let app = kiosk_app(200, 50, 150);
    let t = theme();
    let term = render(&app, &t, 200, 50);
    let buf = term.backend().buffer();
    let s = text(buf);
    // Rooms 03 and 07 hold stuck participants: they come first, marked critical.
    let r3 = s.find("Room 03").unwrap();
    let r0 = s.find("Room 00").unwrap();
    assert!(r3 < r0, "trouble first");
    let (x, y) = find(buf, "⚠").unwrap();
    assert_eq!(buf[(x, y)].fg, t.crit.fg.unwrap());
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
    let (lx, ly) = find(buf, "longest joining/leaving").unwrap();
    assert_eq!(
        buf[(lx, ly)].fg,
        t.crit.fg.unwrap(),
        "the header's stuck time is critical"
    );
}

#[test]
fn every_theme_and_no_color_keep_the_screen_readable() {
    let app = populated();
    let reference = text(render(&app, &theme(), 120, 20).backend().buffer());
    for (name, _) in theme::BUILTIN {
        for t in [
            Theme::builtin(name).unwrap(),
            Theme::builtin(name).unwrap().without_color(),
        ] {
            let term = render(&app, &t, 120, 20);
            let buf = term.backend().buffer();
            assert_eq!(text(buf), reference, "{}: same words and symbols", t.name);
            let mono = t.name.contains("no colour") || t.name == "mono";
            if mono {
                for y in 0..buf.area.height {
                    for x in 0..buf.area.width {
                        let c = &buf[(x, y)];
                        assert!(
                            c.fg == Color::Reset && c.bg == Color::Reset,
                            "{}: colour at {x},{y}",
                            t.name
                        );
                    }
                }
                // Selection still visible without colour.
                let (_, y) = find(buf, "Caller 1").unwrap();
                assert!(buf[(0, y)].modifier.contains(Modifier::REVERSED));
            }
        }
    }
}

#[test]
fn hostile_strings_reach_the_buffer_as_plain_text() {
    let mut app = populated();
    let evil = crate::api::Call {
        ..call(
            2,
            "\u{1b}]0;pwned\u{7}\u{1b}[2JEve\u{202e}\u{200b}",
            "+1\u{1b}[31m555",
        )
    };
    let conf_evil = {
        let mut c = conf(1, "Alpha");
        c.name = "\u{1b}]8;;http://evil\u{1b}\\Room\u{1b}]8;;\u{1b}\\".into();
        c
    };
    update(&mut app, Event::Sync(SyncEvent::Calls(vec![evil])), t0());
    update(
        &mut app,
        Event::Sync(snapshot(
            vec![cc(1, 1, "joined", 300), cc(2, 1, "joined", 200)],
            vec![conf_evil],
        )),
        t0() + secs(1),
    );
    let term = render(&app, &theme(), 120, 20);
    let buf = term.backend().buffer();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let sym = buf[(x, y)].symbol();
            assert!(
                !sym.chars().any(|c| c.is_control()),
                "control char at {x},{y}: {sym:?}"
            );
        }
    }
    let s = text(buf);
    assert!(
        s.contains("Eve") && s.contains("+1555") && s.contains("▾ Room"),
        "{s}"
    );
}

#[test]
fn the_header_says_how_far_the_picture_is() {
    let mut app = populated();
    let s = text(render(&app, &theme(), 120, 20).backend().buffer());
    assert!(!s.contains("history") && !s.contains("loading"), "{s}");
    app.sync.history_complete = false;
    app.sync.history = Some(0.4);
    let s = text(render(&app, &theme(), 120, 20).backend().buffer());
    assert!(
        s.contains("● live · polling · updated 0s ago · history 40%"),
        "{s}"
    );
    app.sync.loading = Some((212, 500));
    let s = text(render(&app, &theme(), 120, 20).backend().buffer());
    assert!(s.contains("· loading 212/500"), "{s}");
    // The rate in use shows only once the API's 429s have cut it.
    let rate = |per_second, cuts| crate::sync::budget::Rate {
        per_second,
        ceiling: 8.0,
        cuts,
    };
    app.sync.rate = Some(rate(3.6, 0));
    let s = text(render(&app, &theme(), 120, 20).backend().buffer());
    assert!(!s.contains("req/s"), "{s}");
    app.sync.rate = Some(rate(2.0, 1));
    let s = text(render(&app, &theme(), 120, 20).backend().buffer());
    assert!(s.contains("· 2.0/8 req/s"), "{s}");
}

#[test]
fn a_filter_shows_in_the_header_and_the_column_titles_stay() {
    let mut app = populated();
    press_at(&mut app, ch('/'), t0());
    type_text(&mut app, "Caller 2");
    press_at(&mut app, key(crossterm::event::KeyCode::Enter), t0());
    let term = render(&app, &theme(), 120, 20);
    let s = text(term.backend().buffer());
    assert!(s.contains("/Caller 2 · 1 match"), "{s}");
    assert!(s.contains("STATUS") && s.contains("CALLER"), "{s}");
    // The group keeps its real size, whatever the filter hides.
    assert!(s.contains("Alpha") && s.contains("3 participants"), "{s}");
}

#[test]
fn the_help_draws_exactly_the_apps_help_lines() {
    // The app bounds the help's scrolling by the number of its help lines; the UI draws those
    // lines and no others, so the last one is on screen and nothing follows it.
    for mode in [
        Mode::Interactive { read_only: false },
        Mode::Interactive { read_only: true },
    ] {
        let mut app = app(mode);
        app.cfg.audit_path = Some("/tmp/audit.jsonl".to_owned());
        app.overlay = Overlay::Help;
        let lines = crate::app::help::lines(&app);
        assert_eq!(lines.len(), app.help_lines());
        let term = render(&app, &theme(), 120, lines.len() as u16 + 12);
        let shown = text(term.backend().buffer());
        for line in lines.iter().filter(|l| !l.parts.is_empty()) {
            let first: String = line.parts.iter().map(|(t, _)| t.as_str()).collect();
            let first = first.trim_end();
            assert!(
                shown.contains(first),
                "{mode:?}: {first:?} not drawn\n{shown}"
            );
        }
        assert!(
            !shown.contains("more "),
            "nothing below the last line: {shown}"
        );
    }
}

#[test]
fn the_help_wraps_on_a_narrow_screen_rather_than_cutting_lines_short() {
    let mut app = populated();
    app.cfg.audit_path = Some("/var/lib/conftop/audit.jsonl".into());
    update(&mut app, Event::Resize(80, 24), t0());
    press_at(&mut app, ch('?'), t0());
    let mut seen = String::new();
    for _ in 0..8 {
        seen += &text(render(&app, &theme(), 80, 24).backend().buffer());
        press_at(&mut app, key(crossterm::event::KeyCode::PageDown), t0());
    }
    assert!(!seen.contains("…│"), "a help line cut short: {seen}");
    // The box's borders and indents aside, the sentences read whole.
    let flat = seen.replace('│', " ");
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("number or id (Enter keeps,"), "{seen}");
    assert!(flat.contains("a page now and then"), "{seen}");
}

/// [`populated`] with more rooms, at a size.
fn sized(w: u16, h: u16) -> AppState {
    let mut app = populated();
    update(&mut app, Event::Resize(w, h), t0());
    app
}

#[test]
fn screen_80x24_keeps_sort_counts_and_essential_hints() {
    let app = sized(80, 24);
    let term = render(&app, &theme(), 80, 24);
    let s = text(term.backend().buffer());
    let header = s.lines().nth(1).unwrap();
    assert!(header.contains("trouble first"), "sort shown: {header}");
    assert!(header.contains("0 left"), "every count: {header}");
    let footer = s.lines().last().unwrap();
    for hint in [
        "? help",
        "q quit",
        "/ filter",
        "m mute",
        "d/Del remove",
        "Enter details",
        "c copy",
    ] {
        assert!(footer.contains(hint), "{hint:?} in {footer:?}");
    }
    insta::assert_snapshot!("screen_80x24", term.backend());
}

#[test]
fn footer_hints_keep_one_priority_order_at_every_width() {
    // A wider screen only adds hints at the end; it never swaps one for another.
    let mut previous: Vec<String> = Vec::new();
    for w in 60..=140u16 {
        let app = sized(w, 24);
        let term = render(&app, &theme(), w, 24);
        let s = text(term.backend().buffer());
        let footer = s.lines().last().unwrap().to_owned();
        let hints: Vec<String> = footer
            .split("  ")
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .collect();
        assert!(
            hints.starts_with(&previous),
            "{w}: {hints:?} after {previous:?}"
        );
        previous = hints;
    }
    let app = {
        let mut a = sized(80, 24);
        press_at(&mut a, ch('f'), t0());
        a
    };
    let s = text(render(&app, &theme(), 80, 24).backend().buffer());
    assert!(
        s.lines().last().unwrap().starts_with(" Esc clear filter"),
        "{s}"
    );
}

#[test]
fn scrolled_into_a_room_its_header_stays_on_top() {
    let mut app = app(Mode::Interactive { read_only: false });
    update(&mut app, Event::Resize(80, 12), t0());
    let parts = (1..=12)
        .map(|n| cc(n, if n <= 4 { 1 } else { 2 }, "joined", 100))
        .collect();
    let ev = snapshot(parts, vec![conf(1, "Alpha"), conf(2, "Bravo")]);
    update(&mut app, Event::Sync(ev), t0());
    // Eight list rows for fourteen: the last rows of Bravo are far below its header.
    press_at(&mut app, ch('G'), t0());
    let s = text(render(&app, &theme(), 80, 12).backend().buffer());
    assert!(app.scroll >= 7, "scrolled into Bravo: {s}");
    let top = s.lines().nth(3).unwrap();
    assert!(
        top.contains("▾ Bravo"),
        "sticky header on the top line: {s}"
    );
    let bottom = s.lines().nth(10).unwrap();
    assert!(
        bottom.contains(&short_id_of(12)),
        "the selected last row is on screen: {s}"
    );
}

fn short_id_of(n: u128) -> String {
    crate::text::short_id(&part_id(n))
}

#[test]
fn nothing_matches_yet_says_names_are_still_arriving() {
    let mut app = app(Mode::Interactive { read_only: false });
    update(&mut app, snapshot_event(), t0());
    press_at(&mut app, ch('/'), t0());
    press_at(&mut app, ch('x'), t0());
    press_at(&mut app, ch('y'), t0());
    let s = text(render(&app, &theme(), 100, 24).backend().buffer());
    assert!(s.contains("Nothing matches the filter"), "{s}");
    assert!(s.contains("still arriving (0 of 2 known)"), "{s}");
}

#[test]
fn why_letters_became_a_search_shows_above_the_search_being_typed() {
    let mut app = populated();
    press_at(&mut app, ch('d'), t0());
    press(&mut app, key(crossterm::event::KeyCode::Right));
    press(&mut app, ch('y'));
    assert!(app.filter_editing);
    let s = text(render(&app, &theme(), 100, 24).backend().buffer());
    let lines: Vec<&str> = s.lines().collect();
    assert!(lines[23].starts_with(" /dy"), "{s}");
    assert!(lines[22].contains("Letters never remove"), "{s}");
}

#[test]
fn a_removal_dialog_on_stale_data_says_how_old_it_is() {
    let mut app = populated();
    press_at(&mut app, ch('d'), t0());
    update(&mut app, Event::Tick, t0() + secs(20));
    let s = text(render(&app, &theme(), 100, 30).backend().buffer());
    assert!(s.contains("data is 20s old"), "{s}");
    assert!(s.contains("may have left already"), "{s}");
}

#[test]
fn kiosk_stale_takes_over_the_clock_and_counters_freeze() {
    for (w, h) in [(80u16, 24u16), (200, 50)] {
        let mut app = kiosk_app(w, h, 150);
        let live = text(render(&app, &theme(), w, h).backend().buffer());
        update(&mut app, Event::Tick, t0() + secs(170));
        let term = render(&app, &theme(), w, h);
        let s = text(term.backend().buffer());
        assert!(s.contains("STALE"), "{w}x{h}: {s}");
        // The longest stuck time is the one of the last good update, not counting on.
        let stuck = |s: &str| {
            s.lines()
                .find(|l| l.contains("longest joining/leaving"))
                .map(|l| l.trim().to_owned())
        };
        assert_eq!(stuck(&s), stuck(&live), "{w}x{h}");
        if w < 100 {
            assert!(s.contains("last update 10:02:30 UTC"), "{s}");
        }
        // Seen from across the room, nothing looks current: rows and counts take the stale
        // style (grey, dim), not their bright status colours.
        let buf = term.backend().buffer();
        let t = theme();
        let (x, y) = find(buf, "● JOINED").expect("a row");
        assert_eq!(buf[(x, y)].fg, t.stale.fg.unwrap(), "{w}x{h}: the row");
        assert!(buf[(x, y)].modifier.contains(Modifier::DIM));
        let (x, y) = find(buf, "joined").expect("the count");
        assert_eq!(buf[(x, y)].fg, t.stale.fg.unwrap(), "{w}x{h}: the count");
        if w >= 100 {
            // The word, large, in the warning's colour on the terminal's background.
            let warn = t.banner_stale.bg.unwrap();
            let word: Vec<u16> = (0..w)
                .filter(|x| buf[(*x, 1)].symbol() == "█" && buf[(*x, 1)].fg == warn)
                .collect();
            assert!(word.len() > 10, "{w}x{h}: STALE drawn large");
            assert!(word.iter().all(|x| buf[(*x, 1)].bg == Color::Reset));
        }
        insta::assert_snapshot!(format!("kiosk_stale_{w}x{h}"), term.backend());
    }
}

#[test]
fn a_kiosk_without_data_says_why_and_since_when_in_full() {
    for (w, h) in [(80u16, 24u16), (200, 50)] {
        let mut app = kiosk_app(w, h, 150);
        let kind = crate::api::ErrorKind::Connect;
        let refused = ApiError::not_sent("GET /conferences", kind, "connection refused");
        let failed = SyncEvent::Failed {
            at: t0() + secs(155),
            error: refused,
        };
        update(&mut app, Event::Sync(failed), t0() + secs(155));
        update(&mut app, Event::Tick, t0() + secs(170));
        let s = text(render(&app, &theme(), w, h).backend().buffer());
        assert!(
            s.contains("STALE · last update 10:02:30 UTC"),
            "{w}x{h}: {s}"
        );
        assert!(
            !s.contains("nobody stuck joining or leaving \n"),
            "{w}x{h}: {s}"
        );
        update(&mut app, Event::Tick, t0() + secs(150 + 61));
        let term = render(&app, &theme(), w, h);
        let s = text(term.backend().buffer());
        assert!(
            s.contains("NO DATA · last update 10:02:30 UTC"),
            "{w}x{h}: {s}"
        );
        assert!(s.contains("connection refused"), "{w}x{h}: {s}");
        assert!(
            !s.contains("UT…"),
            "the warning is not cut short: {w}x{h}: {s}"
        );
        insta::assert_snapshot!(format!("kiosk_no_data_{w}x{h}"), term.backend());
    }
}

/// The label cell by cell: the word, in the DEMO style (the warning's, reversed), never a
/// colour of its own.
fn assert_demo_label(buf: &Buffer, t: &Theme, what: &str) {
    let s = text(buf);
    let (x, y) = find(buf, "DEMO").unwrap_or_else(|| panic!("{what}: DEMO on screen\n{s}"));
    assert_eq!(y, 0, "{what}: in the header's first line");
    let want = header::demo_style(t);
    for dx in 0..4 {
        let c = &buf[(x + dx, y)];
        assert_eq!(c.fg, want.fg.unwrap(), "{what}");
        assert!(c.modifier.contains(Modifier::REVERSED), "{what}");
    }
}

#[test]
fn a_demo_is_labelled_in_both_modes() {
    let t = theme();
    let mut app = sized(80, 24);
    assert!(!text(render(&app, &t, 80, 24).backend().buffer()).contains("DEMO"));
    app.cfg.demo = true;
    let term = render(&app, &t, 80, 24);
    assert_demo_label(term.backend().buffer(), &t, "interactive 80x24");
    for (w, h) in [(80u16, 24u16), (200, 50), (320, 90)] {
        let mut app = kiosk_app(w, h, 150);
        assert!(!text(render(&app, &t, w, h).backend().buffer()).contains("DEMO"));
        app.cfg.demo = true;
        let term = render(&app, &t, w, h);
        let buf = term.backend().buffer();
        assert_demo_label(buf, &t, &format!("kiosk {w}x{h}"));
        assert!(text(buf).contains("DEMO · simulated calls"), "{w}x{h}");
    }
}

/// [`crate::app::fixtures::conf`], recording.
fn recording_conf(n: u128, name: &str) -> crate::api::Conference {
    let mut c = conf(n, name);
    c.recording_id = Some(uuid::Uuid::from_u128(0x5ec0_0000 + n));
    c
}

#[test]
fn a_room_that_records_says_rec_in_the_list_and_on_the_wall() {
    let t = theme();
    let mut app = sized(120, 20);
    let snap = snapshot(
        vec![cc(1, 1, "joined", 300), cc(4, 2, "joined", 100)],
        vec![conf(1, "Alpha"), recording_conf(2, "Bravo")],
    );
    update(&mut app, Event::Sync(snap), t0() + secs(1));
    let term = render(&app, &t, 120, 20);
    let buf = term.backend().buffer();
    let s = text(buf);
    let rec: Vec<&str> = s.lines().filter(|l| l.contains("● REC")).collect();
    assert_eq!(rec.len(), 1, "{s}");
    assert!(
        rec[0].contains("Bravo"),
        "on the recording room's header: {s}"
    );
    let (x, y) = find(buf, "● REC").unwrap();
    for dx in 0..5 {
        assert_eq!(buf[(x + dx, y)].fg, t.error.fg.unwrap());
    }

    for (w, h) in [(80u16, 24u16), (200, 50)] {
        let mut app = kiosk_app(w, h, 150);
        let conferences: Vec<_> = (0..24u128)
            .map(|r| {
                if r == 3 {
                    recording_conf(r, "Room 03")
                } else {
                    conf(r, &format!("Room {r:02}"))
                }
            })
            .collect();
        update(
            &mut app,
            Event::Sync(snapshot(kiosk_parts(), conferences)),
            t0() + secs(150),
        );
        let term = render(&app, &t, w, h);
        let buf = term.backend().buffer();
        let s = text(buf);
        let line = s.lines().find(|l| l.contains("Room 03")).unwrap();
        assert!(line.contains("Room 03 (6) ● REC"), "{w}x{h}: {line}");
        assert_eq!(s.matches("● REC").count(), 1, "{w}x{h}: only Room 03");
        let (x, y) = find(buf, "● REC").unwrap();
        assert_eq!(buf[(x, y)].fg, t.error.fg.unwrap(), "{w}x{h}");
    }
}

/// A caller of participant `n` whose call is muted in `direction` ("" for not muted).
fn muted_call(n: u128, direction: &str) -> crate::api::Call {
    let mut c = call(n, &format!("Caller {n}"), "+15550100");
    c.mute_direction = direction.to_owned();
    c
}

/// The last digit drawn large just before `word` (on the digits' last line), read back from
/// the cells, and its colour.
fn big_digit_before(buf: &Buffer, word: &str) -> (char, Color) {
    let (x, y) = find(buf, &format!(" {word}")).unwrap_or_else(|| panic!("{word}"));
    assert!(x >= 3 && y >= 4, "{word} at the digits' foot");
    let rows: Vec<String> = (0..5)
        .map(|dy| {
            (0..3)
                .map(|dx| match buf[(x - 3 + dx, y - 4 + dy)].symbol() {
                    "█" => '#',
                    _ => ' ',
                })
                .collect()
        })
        .collect();
    let digit = ('0'..='9')
        .find(|&d| bigdigits::glyph(d).iter().zip(&rows).all(|(g, r)| g == r))
        .unwrap_or('?');
    (digit, buf[(x - 1, y)].fg)
}

#[test]
fn the_wall_counts_the_muted_beside_the_totals() {
    let t = theme();
    for (w, h) in [(80u16, 24u16), (120, 40), (200, 50), (320, 90)] {
        let large = crate::app::layout::kiosk_big_totals(w, h);
        let mut app = kiosk_app(w, h, 150);
        let term = render(&app, &t, w, h);
        let s = text(term.backend().buffer());
        if large {
            let (digit, fg) = big_digit_before(term.backend().buffer(), "muted");
            assert_eq!((digit, fg), ('0', t.accent.fg.unwrap()), "{w}x{h}");
        } else {
            assert!(s.contains("0 left · 0 muted"), "{w}x{h}: {s}");
        }
        let calls = [(300, "both"), (301, "in"), (700, "out"), (701, "")]
            .into_iter()
            .map(|(n, d)| muted_call(n, d))
            .collect();
        update(
            &mut app,
            Event::Sync(SyncEvent::Calls(calls)),
            t0() + secs(150),
        );
        let term = render(&app, &t, w, h);
        let buf = term.backend().buffer();
        let s = text(buf);
        if large {
            let (digit, fg) = big_digit_before(buf, "muted");
            assert_eq!((digit, fg), ('3', t.accent.fg.unwrap()), "{w}x{h}: {s}");
            continue;
        }
        assert!(s.contains("0 left · 3 muted"), "{w}x{h}: {s}");
        let (x, y) = find(buf, "3 muted").unwrap();
        assert_eq!(buf[(x, y)].fg, t.accent.fg.unwrap(), "{w}x{h}: the count");
    }
}

#[test]
fn a_key_on_the_wall_shows_how_it_is_stopped() {
    let t = theme();
    for (w, h) in [(80u16, 24u16), (200, 50)] {
        let mut app = kiosk_app(w, h, 150);
        app.cfg.pid = Some(4242);
        let before = text(render(&app, &t, w, h).backend().buffer());
        assert!(!before.contains("kill -TERM"), "{w}x{h}");
        update(&mut app, Event::KeyIgnored, t0() + secs(151));
        let term = render(&app, &t, w, h);
        let buf = term.backend().buffer();
        let s = text(buf);
        let lines: Vec<&str> = s.lines().collect();
        let (hint, last) = (lines[lines.len() - 2], lines[lines.len() - 1]);
        assert!(hint.contains("stop"), "{w}x{h}: {hint}");
        assert!(hint.contains("kill -TERM 4242"), "{w}x{h}: {hint}");
        // The status line still tells whether the data is live.
        assert!(last.contains("● live"), "{w}x{h}: {last}");
        if app.kiosk_pages() > 1 {
            assert!(last.contains("page 1/"), "{w}x{h}: the page stays: {last}");
        }
        if w >= 200 {
            assert!(hint.contains("ignores every key, Ctrl-C too"), "{hint}");
        }
        let (x, y) = find(buf, "kill -TERM").unwrap();
        assert_eq!(y, h - 2, "above the status line");
        assert_eq!(buf[(x, y)].bg, t.readonly.bg.unwrap(), "{w}x{h}");
        if w == 80 {
            insta::assert_snapshot!("kiosk_key_hint_80x24", term.backend());
        }
        update(&mut app, Event::Tick, t0() + secs(158));
        let after = text(render(&app, &t, w, h).backend().buffer());
        assert!(!after.contains("kill -TERM"), "{w}x{h}: gone");
    }
}

/// A kiosk with one room of `long` participants ("Town hall") among three small ones.
fn kiosk_long_room(w: u16, h: u16, long: u128) -> AppState {
    let mut app = app(Mode::Kiosk);
    app.size = (w, h);
    app.cfg.rotate = secs(3600);
    let mut parts: Vec<_> = (0..long)
        .map(|n| cc(n, 0, "joined", 3000 - n as i64))
        .collect();
    for r in 1..=3u128 {
        parts.extend((0..3).map(|n| cc(r * 1000 + n, r, "joined", 600)));
    }
    let mut rooms = vec![conf(0, "Town hall")];
    rooms.extend((1..=3u128).map(|r| conf(r, &format!("Room {r:02}"))));
    update(&mut app, Event::Sync(snapshot(parts, rooms)), t0());
    update(&mut app, Event::Tick, t0());
    app
}

#[test]
fn a_room_longer_than_a_column_goes_on_in_the_next_columns_and_pages() {
    for (w, h, long) in [(80u16, 24u16, 50u128), (200, 50, 150), (320, 90, 700)] {
        let mut app = kiosk_long_room(w, h, long);
        let pages = app.kiosk_pages();
        assert!(pages > 1, "{w}x{h}: {long} people need more than a page");
        let mut screens = Vec::new();
        for page in 0..pages {
            app.kiosk.page = page;
            screens.push(text(render(&app, &theme(), w, h).backend().buffer()));
        }
        let all = screens.concat();
        for n in 0..long {
            let id = short_id_of(n);
            assert_eq!(all.matches(&id).count(), 1, "{w}x{h}: {id} shown once");
        }
        for (i, _) in all.match_indices(" more") {
            let after = &all[i + " more".len()..];
            assert!(
                after.starts_with(" in the next column") || after.starts_with(" on page"),
                "{w}x{h}: every +N more says where they are"
            );
        }
        let head = format!("Town hall ({long})");
        let begins = screens
            .iter()
            .position(|s| s.contains(&head))
            .expect("the room begins on a page");
        assert_eq!(
            all.matches(&head).count(),
            1,
            "{w}x{h}: then only continues"
        );
        assert!(all.contains("Town hall (cont.)"), "{w}x{h}");
        assert!(
            screens[begins].contains(&format!("more on page {}", begins + 2)),
            "{w}x{h}: the page it begins on says where it goes on"
        );
        // Balanced: no page is mostly empty while another is full.
        let filled: Vec<usize> = screens
            .iter()
            .map(|s| s.lines().filter(|l| l.contains('●')).count())
            .collect();
        let (lo, hi) = (filled.iter().min().unwrap(), filled.iter().max().unwrap());
        assert!(lo * 2 >= *hi, "{w}x{h}: rows a page {filled:?}");
        if w == 200 {
            assert!(screens[0].contains("more in the next column"), "{w}x{h}");
            insta::assert_snapshot!("kiosk_long_room_200x50", screens[0]);
        }
        if w == 80 {
            insta::assert_snapshot!("kiosk_long_room_80x24_page_2", screens[1]);
        }
    }
}

#[test]
fn wide_walls_show_the_totals_in_large_digits_and_small_ones_in_words() {
    let t = theme();
    for (w, h) in [(80u16, 24u16), (120, 40), (200, 50), (320, 90)] {
        let app = kiosk_app(w, h, 150);
        let term = render(&app, &t, w, h);
        let buf = term.backend().buffer();
        let s = text(buf);
        let words = s.contains("24 conferences · 1 joining · 116 joined");
        if crate::app::layout::kiosk_big_totals(w, h) {
            assert!(!words, "{w}x{h}: large, not in words: {s}");
            for (word, digit, style) in [
                ("conferences", '4', t.text),
                ("joining", '1', t.joining),
                ("joined", '6', t.joined),
                ("leaving", '1', t.leaving),
                ("left", '0', t.left),
            ] {
                let (d, fg) = big_digit_before(buf, word);
                assert_eq!(d, digit, "{w}x{h}: {word}");
                assert_eq!(fg, style.fg.unwrap_or(Color::Reset), "{w}x{h}: {word}");
            }
            // The digits share the clock's rows, and the header still says who is stuck.
            let (_, y) = find(buf, " joined").unwrap();
            assert_eq!(y, 5, "{w}x{h}");
            assert!(
                s.lines()
                    .nth(6)
                    .unwrap()
                    .contains("longest joining/leaving")
            );
        } else {
            assert!(words, "{w}x{h}: {s}");
        }
    }
}

#[test]
fn the_header_says_retrying_with_the_code_at_once_while_still_live() {
    let mut app = populated();
    let error = crate::api::ApiError::from_response("GET /conferencecalls", true, 503, None, b"");
    let failed = Event::Sync(SyncEvent::Failed {
        at: t0() + secs(1),
        error,
    });
    update(&mut app, failed, t0() + secs(1));
    let wide = text(render(&app, &theme(), 160, 20).backend().buffer());
    assert!(
        wide.contains("● live · polling · updated 1s ago · retrying · 503"),
        "{wide}"
    );
    let narrow = text(render(&app, &theme(), 80, 24).backend().buffer());
    assert!(narrow.contains("● live poll 1s retry 503"), "{narrow}");
}

#[test]
fn the_detail_pane_says_not_known_yet_for_a_record_not_read() {
    let mut app = interactive();
    let mut listed = cc(1, 1, "joined", 0);
    listed.tm_create = None;
    listed.tm_update = None;
    update(
        &mut app,
        Event::Sync(snapshot(vec![listed], vec![conf(1, "Alpha")])),
        t0(),
    );
    press(&mut app, key(crossterm::event::KeyCode::Enter));
    assert_eq!(app.overlay, Overlay::Detail);
    let screen = text(render(&app, &theme(), 120, 30).backend().buffer());
    assert!(screen.contains("JOINED since: not known yet"), "{screen}");
    assert!(
        !screen.contains("JOINED for"),
        "no made-up duration: {screen}"
    );
}

#[test]
fn a_search_over_names_still_arriving_says_its_count_is_not_final() {
    let mut app = interactive();
    update(&mut app, Event::Sync(standard_snapshot()), t0());
    // Only two of the five callers are known yet.
    let calls = vec![
        call(1, "Caller 1", "+15550101"),
        call(2, "Caller 2", "+15550102"),
    ];
    update(&mut app, Event::Sync(SyncEvent::Calls(calls)), t0());
    press(&mut app, ch('/'));
    type_text(&mut app, "555 020 0212");
    let wide = text(render(&app, &theme(), 160, 20).backend().buffer());
    assert!(
        wide.contains("0 matches so far · searching · names 2/5"),
        "{wide}"
    );
    let narrow = text(render(&app, &theme(), 80, 24).backend().buffer());
    assert!(narrow.contains("0 so far · names 2/5"), "{narrow}");
    // Every name in: the count is final.
    let rest = (3..=5)
        .map(|n| call(n, &format!("Caller {n}"), &format!("+1555010{n}")))
        .collect();
    let now = app.now;
    update(&mut app, Event::Sync(SyncEvent::Calls(rest)), now);
    let wide = text(render(&app, &theme(), 160, 20).backend().buffer());
    assert!(
        wide.contains("· 0 matches") && !wide.contains("so far"),
        "{wide}"
    );
}

#[test]
fn without_colour_the_focused_dialog_button_is_marked_by_more_than_colour() {
    let mut app = populated();
    press(&mut app, ch('d'));
    for theme in [
        Theme::builtin("mono").unwrap(),
        Theme::default_theme().without_color(),
    ] {
        let screen = text(render(&app, &theme, 100, 30).backend().buffer());
        assert!(screen.contains("▸ Cancel ◂"), "{}: {screen}", theme.name);
        assert!(!screen.contains("▸ Remove"), "{}", theme.name);
    }
    press(&mut app, key(crossterm::event::KeyCode::Right));
    let screen = text(
        render(&app, &Theme::builtin("mono").unwrap(), 100, 30)
            .backend()
            .buffer(),
    );
    assert!(
        screen.contains("▸ Remove ◂") && !screen.contains("▸ Cancel"),
        "{screen}"
    );
}

#[test]
fn a_newcomer_is_marked_apart_from_their_name() {
    let mut app = populated();
    let later = t0() + secs(20);
    let parts =
        [1, 2, 3, 4, 5, 6].map(|n| cc(n, if n < 4 || n == 6 { 1 } else { 2 }, "joined", 10));
    let snap = snapshot(parts.to_vec(), vec![conf(1, "Alpha"), conf(2, "Bravo")]);
    update(&mut app, Event::Sync(snap), later);
    let calls = vec![call(6, "Agent Smith", "+15550106")];
    update(&mut app, Event::Sync(SyncEvent::Calls(calls)), later);
    let screen = text(render(&app, &theme(), 120, 24).backend().buffer());
    let line = screen
        .lines()
        .find(|l| l.contains("Agent Smith"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(line.contains("[new]"), "{line}");
    assert!(!line.contains("new Agent"), "{line}");
    assert!(
        line.find("Agent Smith") < line.find("[new]"),
        "the mark after the name: {line}"
    );
    let old = screen.lines().find(|l| l.contains("Caller 1")).unwrap();
    assert!(!old.contains("[new]"), "{old}");
}

#[test]
fn a_long_error_wraps_at_80_columns_and_keeps_its_fix() {
    let mut app = populated();
    update(&mut app, Event::Resize(80, 24), t0());
    let mut err = ApiError::from_response("GET /conferences", false, 404, None, b"");
    err.advice_mut().hint = Some(
        "VoIPbin's API is under /v1.0: try --api-url https://voipbin.example.org:8443/v1.0"
            .to_owned(),
    );
    let failed = SyncEvent::Failed {
        at: t0() + secs(1),
        error: err,
    };
    update(&mut app, Event::Sync(failed), t0() + secs(1));
    update(&mut app, Event::Tick, t0() + secs(90));
    let screen = text(render(&app, &theme(), 80, 24).backend().buffer());
    assert!(screen.contains("NO DATA"), "{screen}");
    assert!(
        screen.contains("try --api-url")
            && screen.contains("https://voipbin.example.org:8443/v1.0"),
        "the fix whole: {screen}"
    );

    // A message too long for the footer grows upwards, wrapped, to its last word.
    let mut app = populated();
    update(&mut app, Event::Resize(80, 24), t0());
    app.toast = Some(crate::app::Toast {
        text: "Not removed: the server answered 503 Service Unavailable for participant \
               Caller 2 in Alpha; nothing changed on the server, try again in a moment"
            .to_owned(),
        level: crate::app::Level::Warn,
        until: t0() + secs(60),
    });
    let screen = text(render(&app, &theme(), 80, 24).backend().buffer());
    let bottom: Vec<&str> = screen.lines().rev().take(3).collect();
    assert!(bottom[0].contains("in a moment"), "{bottom:?}");
    assert!(bottom[1].contains("Not removed"), "{bottom:?}");
}

#[test]
fn the_copy_menu_numbers_each_thing_and_the_footer_says_its_keys() {
    let mut app = sized(80, 24);
    press_at(&mut app, ch('j'), t0());
    press_at(&mut app, ch('c'), t0());
    assert!(matches!(app.overlay, Overlay::Copy(_)), "{:?}", app.overlay);
    let screen = text(render(&app, &theme(), 80, 24).backend().buffer());
    for line in [
        "1 summary",
        "2 caller's number",
        "4 participant id",
        "5 call id",
    ] {
        assert!(screen.contains(line), "{line}: {screen}");
    }
    let footer = screen.lines().last().unwrap();
    assert!(footer.starts_with(" 1-5 copy  Esc close"), "{footer}");
}

fn mouse(kind: crossterm::event::MouseEventKind, x: u16, y: u16) -> Event {
    Event::Mouse(crossterm::event::MouseEvent {
        kind,
        column: x,
        row: y,
        modifiers: crossterm::event::KeyModifiers::NONE,
    })
}

fn left_click(x: u16, y: u16) -> Event {
    mouse(
        crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
        x,
        y,
    )
}

#[test]
fn a_click_selects_the_row_drawn_under_it_and_a_second_opens_it() {
    let mut app = populated();
    update(&mut app, Event::Resize(120, 24), t0());
    let buf = render(&app, &theme(), 120, 24).backend().buffer().clone();
    let (_, y) = find(&buf, "Caller 2").unwrap();
    update(&mut app, left_click(30, y), t0() + secs(1));
    assert_eq!(
        app.selected_participant().map(|p| p.id),
        Some(part_id(2)),
        "the row under the pointer"
    );
    assert_eq!(app.overlay, Overlay::None);
    update(
        &mut app,
        left_click(30, y),
        t0() + secs(1) + jiff::SignedDuration::from_millis(300),
    );
    assert_eq!(app.overlay, Overlay::Detail, "a double click opens it");

    // A click on a conference's title folds it.
    let mut app = populated();
    update(&mut app, Event::Resize(120, 24), t0());
    let buf = render(&app, &theme(), 120, 24).backend().buffer().clone();
    let (_, y) = find(&buf, "Bravo").unwrap();
    update(&mut app, left_click(5, y), t0() + secs(1));
    let screen = text(render(&app, &theme(), 120, 24).backend().buffer());
    assert!(!screen.contains("Caller 4"), "folded: {screen}");

    // The wheel moves; nothing destructive comes from the mouse.
    let mut app = populated();
    update(&mut app, Event::Resize(120, 24), t0());
    let before = app.cursor;
    let down = mouse(crossterm::event::MouseEventKind::ScrollDown, 30, 5);
    update(&mut app, down, t0() + secs(1));
    assert_eq!(app.cursor, before + 3);
    let buf = render(&app, &theme(), 120, 24).backend().buffer().clone();
    let (_, y) = find(&buf, "Caller 2").unwrap();
    update(&mut app, left_click(30, y), t0() + secs(2));
    press_at(&mut app, ch('d'), t0() + secs(3));
    assert!(
        matches!(app.overlay, Overlay::Confirm(_)),
        "{:?}",
        app.overlay
    );
    for n in 0..6 {
        let cmds = update(&mut app, left_click(60, 12), t0() + secs(4) + secs(n));
        assert!(cmds.is_empty(), "{cmds:?}");
    }
    assert!(
        matches!(app.overlay, Overlay::Confirm(_)),
        "clicks never answer the dialog"
    );
}

#[test]
fn a_click_below_a_held_room_title_selects_what_is_drawn_there() {
    let mut app = app(Mode::Interactive { read_only: false });
    update(&mut app, Event::Resize(80, 12), t0());
    let parts = (1..=12)
        .map(|n| cc(n, if n <= 4 { 1 } else { 2 }, "joined", 100))
        .collect();
    update(
        &mut app,
        Event::Sync(snapshot(parts, vec![conf(1, "Alpha"), conf(2, "Bravo")])),
        t0(),
    );
    for _ in 0..12 {
        press_at(&mut app, ch('j'), t0());
    }
    assert!(
        app.sticky_at(app.scroll).is_some(),
        "scrolled inside a room"
    );
    let buf = render(&app, &theme(), 80, 12).backend().buffer().clone();
    let screen = text(&buf);
    for n in 5..=12 {
        let Some((_, y)) = find(&buf, &short_id_of(n)) else {
            continue;
        };
        update(&mut app, left_click(20, y), t0() + secs(30 + n as i64 * 2));
        assert_eq!(
            app.selected_participant().map(|p| p.id),
            Some(part_id(n)),
            "line {y}: {screen}"
        );
    }
    let title_y = 3;
    update(&mut app, left_click(20, title_y), t0() + secs(56));
    assert!(
        matches!(app.selection, Some(crate::app::Selection::Group(_))),
        "{:?} {} {screen}",
        app.selection,
        app.scroll
    );
}

#[test]
fn a_kiosk_takes_no_clicks() {
    let mut app = kiosk_app(120, 40, 100);
    let before = app.selection;
    update(&mut app, left_click(10, 10), t0() + secs(101));
    assert_eq!(app.selection, before);
}

#[test]
fn next_match_is_hinted_only_when_there_is_a_filter() {
    let mut app = sized(120, 24);
    let footer = |app: &AppState| {
        let s = text(render(app, &theme(), 120, 24).backend().buffer());
        s.lines().last().unwrap().to_owned()
    };
    assert!(!footer(&app).contains("next match"), "{}", footer(&app));
    press_at(&mut app, ch('/'), t0());
    type_text(&mut app, "Caller");
    press_at(&mut app, key(crossterm::event::KeyCode::Enter), t0());
    assert!(footer(&app).contains("n/N next match"), "{}", footer(&app));
}

#[test]
fn a_click_on_the_detail_pane_beside_the_list_is_not_a_click_on_the_list() {
    let mut app = populated();
    update(&mut app, Event::Resize(200, 30), t0());
    let buf = render(&app, &theme(), 200, 30).backend().buffer().clone();
    let (_, y) = find(&buf, "Caller 2").unwrap();
    update(&mut app, left_click(30, y), t0() + secs(1));
    // At 200 columns the pane is docked: Enter has nothing to open.
    press_at(
        &mut app,
        key(crossterm::event::KeyCode::Enter),
        t0() + secs(2),
    );
    assert_eq!(app.overlay, Overlay::None);
    let before = app.selection;
    // The pane is 68 columns wide at 200: column 135 is inside it, on another row's line.
    update(&mut app, left_click(135, y + 2), t0() + secs(4));
    assert_eq!(app.selection, before);
    update(&mut app, left_click(30, y + 2), t0() + secs(6));
    assert_ne!(
        app.selection, before,
        "the list beside it still takes clicks"
    );
}

mod wide;
