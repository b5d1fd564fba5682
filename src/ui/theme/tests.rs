use super::*;

#[test]
fn every_builtin_theme_loads_and_sets_every_status_slot() {
    for (name, _) in BUILTIN {
        let t = Theme::builtin(name).unwrap();
        for s in [t.joining, t.joined, t.leaving, t.left, t.selected] {
            assert_ne!(s, Style::new(), "{name}: a status slot is unstyled");
        }
    }
}

#[test]
fn default_uses_only_the_16_named_colours() {
    let t = Theme::default_theme();
    for (slot, style) in t.slots() {
        for c in [style.fg, style.bg].into_iter().flatten() {
            assert!(
                !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
                "{slot} uses {c:?}"
            );
        }
    }
}

/// How a colour looks in most terminals: the xterm palette for the 16 named colours, a
/// dark background and light-grey text for the terminal's own defaults.
fn rgb(c: Option<Color>, default: [u8; 3]) -> [u8; 3] {
    const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match c {
        None | Some(Color::Reset) => default,
        Some(Color::Black) => [0, 0, 0],
        Some(Color::Red) => [205, 0, 0],
        Some(Color::Green) => [0, 205, 0],
        Some(Color::Yellow) => [205, 205, 0],
        Some(Color::Blue) => [0, 0, 238],
        Some(Color::Magenta) => [205, 0, 205],
        Some(Color::Cyan) => [0, 205, 205],
        Some(Color::Gray) => [229, 229, 229],
        Some(Color::DarkGray) => [127, 127, 127],
        Some(Color::LightRed) => [255, 0, 0],
        Some(Color::LightGreen) => [0, 255, 0],
        Some(Color::LightYellow) => [255, 255, 0],
        Some(Color::LightBlue) => [92, 92, 255],
        Some(Color::LightMagenta) => [255, 0, 255],
        Some(Color::LightCyan) => [0, 255, 255],
        Some(Color::White) => [255, 255, 255],
        Some(Color::Rgb(r, g, b)) => [r, g, b],
        Some(Color::Indexed(n)) if n < 16 => rgb(Some(NAMED[n as usize]), default),
        Some(Color::Indexed(n)) if n >= 232 => [8 + 10 * (n - 232); 3],
        Some(Color::Indexed(n)) => {
            let n = n - 16;
            [
                CUBE[(n / 36) as usize],
                CUBE[(n / 6 % 6) as usize],
                CUBE[(n % 6) as usize],
            ]
        }
    }
}

const NAMED: [Color; 16] = [
    Color::Black,
    Color::Red,
    Color::Green,
    Color::Yellow,
    Color::Blue,
    Color::Magenta,
    Color::Cyan,
    Color::Gray,
    Color::DarkGray,
    Color::LightRed,
    Color::LightGreen,
    Color::LightYellow,
    Color::LightBlue,
    Color::LightMagenta,
    Color::LightCyan,
    Color::White,
];

/// WCAG 2 relative luminance.
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// WCAG 2 contrast ratio of what a style draws: its text over its background.
fn contrast(style: Style) -> f64 {
    let mut fg = rgb(style.fg, [229, 229, 229]);
    let mut bg = rgb(style.bg, [0, 0, 0]);
    if style.add_modifier.contains(Modifier::REVERSED) {
        std::mem::swap(&mut fg, &mut bg);
    }
    let (a, b) = (luminance(fg), luminance(bg));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

#[test]
fn the_contrast_formula_is_wcags() {
    let white = Style::new().fg(Color::White).bg(Color::Black);
    assert!((contrast(white) - 21.0).abs() < 0.01);
    let same = Style::new().fg(Color::Red).bg(Color::Red);
    assert!((contrast(same) - 1.0).abs() < 0.01);
    // A known pair: #777777 on white is 4.48:1.
    let grey = Style::new()
        .fg(Color::Rgb(0x77, 0x77, 0x77))
        .bg(Color::White);
    assert!((contrast(grey) - 4.48).abs() < 0.01, "{}", contrast(grey));
}

/// Text in every slot reads at 4.5:1 at least; the large digits and words of a wall (in
/// the colour of their slot, on the background) at 3:1, the bar for large text.
#[test]
fn every_theme_draws_text_and_large_digits_with_enough_contrast() {
    let mut poor = Vec::new();
    for (name, _) in BUILTIN {
        let t = Theme::builtin(name).unwrap();
        for (slot, style) in t.slots() {
            let ratio = contrast(style);
            if ratio < 4.5 {
                poor.push(format!("{name}.{slot} text {ratio:.2}"));
            }
        }
        let large = [
            ("text", t.text),
            ("accent", t.accent),
            ("joining", t.joining),
            ("joined", t.joined),
            ("leaving", t.leaving),
            ("left", t.left),
            ("unknown", t.unknown),
            ("banner_stale", t.banner_stale),
            ("banner_error", t.banner_error),
        ];
        for (slot, style) in large {
            // A glyph's blocks fill their cells: what shows is the block's colour against
            // the terminal's background around it, whatever background the style has.
            let drawn = super::super::bigdigits::glyph_style(style);
            let ratio = contrast(Style {
                bg: None,
                ..drawn.remove_modifier(Modifier::REVERSED)
            });
            if ratio < 3.0 {
                poor.push(format!("{name}.{slot} digits {ratio:.2}"));
            }
        }
    }
    assert!(poor.is_empty(), "{poor:#?}");
}

#[test]
fn deuteranopia_never_uses_green() {
    let t = Theme::builtin("deuteranopia").unwrap();
    for (slot, style) in t.slots() {
        for c in [style.fg, style.bg].into_iter().flatten() {
            assert!(
                !matches!(c, Color::Green | Color::LightGreen),
                "{slot} is green"
            );
        }
    }
    let statuses = [t.joining, t.joined, t.leaving, t.left];
    for (i, a) in statuses.iter().enumerate() {
        for b in &statuses[i + 1..] {
            assert_ne!(a, b, "two statuses look the same");
        }
    }
}

#[test]
fn mono_and_no_color_have_no_colour_at_all() {
    for t in [
        Theme::builtin("mono").unwrap(),
        Theme::builtin("high-contrast").unwrap().without_color(),
    ] {
        for (slot, style) in t.slots() {
            assert!(
                style.fg.is_none() && style.bg.is_none(),
                "{}: {slot}",
                t.name
            );
        }
        assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
    }
}

#[test]
fn user_files_override_some_slots_and_errors_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("mine.toml");
    std::fs::write(
        &good,
        "[slots]\njoined = { fg = \"#00ff00\", bold = true }\n",
    )
    .unwrap();
    let t = Theme::load(good.to_str().unwrap()).unwrap();
    assert_eq!(t.joined.fg, Some(Color::Rgb(0, 255, 0)));
    assert_eq!(
        t.leaving,
        Theme::default_theme().leaving,
        "the rest from default"
    );

    let bad_slot = dir.path().join("slot.toml");
    std::fs::write(&bad_slot, "[slots]\njoinde = { fg = \"red\" }\n").unwrap();
    let e = Theme::load(bad_slot.to_str().unwrap())
        .unwrap_err()
        .to_string();
    assert!(e.contains("no slot \"joinde\""), "{e}");

    let bad_colour = dir.path().join("colour.toml");
    std::fs::write(&bad_colour, "[slots]\njoined = { fg = \"grene\" }\n").unwrap();
    let e = Theme::load(bad_colour.to_str().unwrap())
        .unwrap_err()
        .to_string();
    assert!(e.contains("\"grene\" is not a colour"), "{e}");

    // The short form, at the top level as people write it; errors in words, no type names.
    let short = dir.path().join("short.toml");
    std::fs::write(&short, "joined = \"red\"\n[slots]\nleaving = \"yellow\"\n").unwrap();
    let t = Theme::load(short.to_str().unwrap()).unwrap();
    assert_eq!(t.joined.fg, Some(Color::Red));
    assert_eq!(t.leaving.fg, Some(Color::Yellow));
    let odd = dir.path().join("odd.toml");
    std::fs::write(&odd, "joined = 3\n").unwrap();
    let e = Theme::load(odd.to_str().unwrap()).unwrap_err().to_string();
    assert!(
        e.contains("joined") && e.contains("a slot is a colour"),
        "{e}"
    );
    assert!(!e.contains("Spec") && !e.contains("SlotValue"), "{e}");

    let bad_toml = dir.path().join("syntax.toml");
    std::fs::write(&bad_toml, "[slots\n").unwrap();
    assert!(matches!(
        Theme::load(bad_toml.to_str().unwrap()),
        Err(ThemeError::Invalid { .. })
    ));
    assert!(matches!(
        Theme::load("solarized"),
        Err(ThemeError::Unknown(_))
    ));
    assert!(matches!(
        Theme::load("/nonexistent/x.toml"),
        Err(ThemeError::Read { .. })
    ));
}

#[test]
fn no_color_follows_the_convention() {
    use std::ffi::OsStr;
    assert!(!no_color_requested(None));
    assert!(!no_color_requested(Some(OsStr::new(""))));
    assert!(no_color_requested(Some(OsStr::new("1"))));
    assert!(
        no_color_requested(Some(OsStr::new("false"))),
        "any non-empty value"
    );
}
