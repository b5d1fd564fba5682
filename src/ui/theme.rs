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
mod tests;
