//! One theme of semantic slots. Widgets ask for `theme.joined` or `theme.banner_stale`, never
//! for a colour. Themes are TOML files: four are built in (`assets/themes/`), and a user file
//! may override any subset of slots.

use std::collections::BTreeMap;
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// The built-in themes, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../../assets/themes/default.toml")),
    ("mono", include_str!("../../assets/themes/mono.toml")),
    (
        "high-contrast",
        include_str!("../../assets/themes/high-contrast.toml"),
    ),
    (
        "deuteranopia",
        include_str!("../../assets/themes/deuteranopia.toml"),
    ),
];

/// Why a theme could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error(
        "no theme named {0:?}: use one of default, mono, high-contrast, deuteranopia, or a path to a .toml file"
    )]
    Unknown(String),
    #[error("cannot read the theme file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the theme file {path} is not valid: {message}")]
    Invalid { path: String, message: String },
}

macro_rules! slots {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {
        /// Styles by meaning.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Theme {
            pub name: String,
            $($(#[$doc])* pub $name: Style,)+
        }

        impl Theme {
            fn blank(name: String) -> Theme {
                Theme { name, $($name: Style::new(),)+ }
            }

            fn slot_mut(&mut self, slot: &str) -> Option<&mut Style> {
                match slot {
                    $(stringify!($name) => Some(&mut self.$name),)+
                    _ => None,
                }
            }

            /// Every slot with its name.
            pub fn slots(&self) -> Vec<(&'static str, Style)> {
                vec![$((stringify!($name), self.$name),)+]
            }
        }
    };
}

slots!(
    /// Ordinary text.
    text,
    /// Secondary text: ids, counts, durations.
    muted,
    accent,
    title,
    /// Keys in hints and help.
    key,
    joining,
    joined,
    leaving,
    left,
    /// A status this version does not know.
    unknown,
    /// Conference header rows.
    group,
    selected,
    /// A participant that just arrived.
    new_row,
    /// A participant that just left, still shown for a moment.
    gone_row,
    /// Applied over data that is no longer current.
    stale,
    ok,
    warn,
    crit,
    error,
    banner_stale,
    banner_error,
    readonly,
    dialog,
    /// The button that removes someone.
    danger,
    /// The focused button.
    button,
);

struct File {
    name: Option<String>,
    slots: BTreeMap<String, SlotValue>,
}

/// A slot is a colour on its own (`joined = "red"`) or a table of colours and attributes.
#[derive(Deserialize)]
#[serde(untagged)]
enum SlotValue {
    Colour(String),
    Spec(Spec),
}

impl SlotValue {
    fn spec(&self) -> std::borrow::Cow<'_, Spec> {
        match self {
            SlotValue::Colour(c) => std::borrow::Cow::Owned(Spec {
                fg: Some(c.clone()),
                ..Spec::default()
            }),
            SlotValue::Spec(s) => std::borrow::Cow::Borrowed(s),
        }
    }
}

/// The TOML library's words for a slot that is neither form, put for people.
fn for_people(message: String) -> String {
    if message.contains("untagged enum SlotValue") || message.contains("struct Spec") {
        "a slot is a colour (joined = \"red\") or a table (joined = { fg = \"green\", \
         bold = true }) of fg, bg, bold, dim, italic, underline, reversed"
            .to_owned()
    } else {
        message
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct Spec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
}

fn color(slot: &str, which: &str, value: &str) -> Result<Color, String> {
    value.parse::<Color>().map_err(|_| {
        format!("slot {slot:?}: {which} = {value:?} is not a colour name, #rrggbb or 0-255")
    })
}

impl Spec {
    fn style(&self, slot: &str) -> Result<Style, String> {
        let mut s = Style::new();
        if let Some(fg) = &self.fg {
            s = s.fg(color(slot, "fg", fg)?);
        }
        if let Some(bg) = &self.bg {
            s = s.bg(color(slot, "bg", bg)?);
        }
        for (on, m) in [
            (self.bold, Modifier::BOLD),
            (self.dim, Modifier::DIM),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
        ] {
            if on {
                s = s.add_modifier(m);
            }
        }
        Ok(s)
    }
}

impl Theme {
    /// A built-in theme.
    pub fn builtin(name: &str) -> Option<Theme> {
        let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        Some(Theme::parse(text, name, None).expect("built-in themes are valid"))
    }

    /// The default theme.
    pub fn default_theme() -> Theme {
        Theme::builtin("default").expect("the default theme exists")
    }

    /// A built-in theme by name, or a TOML file by path (slots it omits come from `default`).
    pub fn load(name_or_path: &str) -> Result<Theme, ThemeError> {
        if let Some(t) = Theme::builtin(name_or_path) {
            return Ok(t);
        }
        let looks_like_path = name_or_path.contains('/') || name_or_path.ends_with(".toml");
        if !looks_like_path {
            return Err(ThemeError::Unknown(name_or_path.to_owned()));
        }
        let path = Path::new(name_or_path);
        let text = std::fs::read_to_string(path).map_err(|source| ThemeError::Read {
            path: name_or_path.to_owned(),
            source,
        })?;
        Theme::parse(&text, name_or_path, Some(Theme::default_theme())).map_err(|message| {
            ThemeError::Invalid {
                path: name_or_path.to_owned(),
                message,
            }
        })
    }

    fn parse(text: &str, origin: &str, base: Option<Theme>) -> Result<Theme, String> {
        // Slots go under `[slots]` or at the top level (`joined = "red"`), as people write them.
        let mut table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let name = match table.remove("name") {
            Some(toml::Value::String(n)) => Some(n),
            Some(_) => return Err("name: give the theme's name as a string".to_owned()),
            None => None,
        };
        let mut slots = match table.remove("slots") {
            Some(toml::Value::Table(t)) => t,
            Some(_) => return Err("slots: give a table of slots ([slots])".to_owned()),
            None => toml::Table::new(),
        };
        slots.extend(table);
        let file = File {
            name,
            slots: slots
                .into_iter()
                .map(|(slot, value)| {
                    value
                        .try_into::<SlotValue>()
                        .map(|v| (slot.clone(), v))
                        .map_err(|e| format!("slot {slot:?}: {}", for_people(e.to_string())))
                })
                .collect::<Result<_, _>>()?,
        };
        let name = file.name.unwrap_or_else(|| origin.to_owned());
        let mut theme = match base {
            Some(mut b) => {
                b.name = name;
                b
            }
            None => Theme::blank(name),
        };
        for (slot, value) in &file.slots {
            let style = value.spec().style(slot)?;
            let target = theme.slot_mut(slot).ok_or_else(|| {
                format!(
                    "there is no slot {slot:?} (known slots: {})",
                    Theme::slot_names()
                )
            })?;
            *target = style;
        }
        Ok(theme)
    }

    fn slot_names() -> String {
        Theme::blank(String::new())
            .slots()
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The same theme with every colour removed (`NO_COLOR`); attributes stay, so selection,
    /// staleness and banners remain visible, and badges still carry symbol and word.
    pub fn without_color(mut self) -> Theme {
        for (name, _) in Theme::blank(String::new()).slots() {
            let slot = self.slot_mut(name).expect("known slot");
            *slot = Style {
                fg: None,
                bg: None,
                ..*slot
            };
        }
        // Without colour, banners and buttons need reversing to stand out.
        for s in [
            &mut self.banner_stale,
            &mut self.banner_error,
            &mut self.readonly,
            &mut self.danger,
            &mut self.crit,
            &mut self.error,
        ] {
            *s = s.add_modifier(Modifier::REVERSED);
        }
        self.name = format!("{} (no colour)", self.name);
        self
    }
}

/// `NO_COLOR` turns colour off when set to any non-empty value (no-color.org).
pub fn no_color_requested(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
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
}
