//! The one key table: every action, its keys, where it applies, its words for the footer and
//! the help, and whether it is dangerous. The key handler, the footer hints and the `?` help
//! all read this table, so a mode that drops an action drops it everywhere at once.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Something a key can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextGroup,
    PrevGroup,
    Open,
    Collapse,
    Filter,
    Sort,
    Refresh,
    Remove,
    Mute,
    NextMatch,
    PrevMatch,
    NextTrouble,
    OnlyStatus,
    FoldAll,
    Copy,
    Watch,
    Departures,
    Help,
    Back,
    Quit,
    // In the confirm dialog.
    Cancel,
    /// Focus Cancel (left) or Remove (right); neither wraps round.
    FocusCancel,
    FocusRemove,
    Activate,
    // In the copy menu.
    CopyPick,
    CopyClose,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// The conference list (and the detail pane over it).
    List,
    /// The removal confirmation dialog.
    Dialog,
    /// The copy menu.
    Copy,
}

/// A key: a code and the modifiers that must be held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(pub KeyCode, pub KeyModifiers);

const fn plain(c: KeyCode) -> Key {
    Key(c, KeyModifiers::NONE)
}

const fn ch(c: char) -> Key {
    Key(KeyCode::Char(c), KeyModifiers::NONE)
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub action: Action,
    pub context: Context,
    pub keys: &'static [Key],
    /// How the keys are written in hints and help.
    pub keys_label: &'static str,
    /// A word or two for the footer; empty keeps it out of the footer.
    pub hint: &'static str,
    /// The footer's priority: lower comes first and is dropped last when the width runs out.
    pub rank: u8,
    /// A sentence for the help overlay.
    pub help: &'static str,
    /// Changes something on the server; absent in read-only and kiosk modes.
    pub dangerous: bool,
}

const CTRL_C: Key = Key(KeyCode::Char('c'), KeyModifiers::CONTROL);

/// Every binding conftop has.
pub const ALL: &[Binding] = &[
    Binding {
        action: Action::Up,
        context: Context::List,
        keys: &[plain(KeyCode::Up), ch('k')],
        keys_label: "↑/k",
        hint: "",
        help: "Move up",
        rank: 99,
        dangerous: false,
    },
    Binding {
        action: Action::Down,
        context: Context::List,
        keys: &[plain(KeyCode::Down), ch('j')],
        keys_label: "↓/j",
        hint: "move",
        help: "Move down",
        rank: 15,
        dangerous: false,
    },
    Binding {
        action: Action::PageUp,
        context: Context::List,
        keys: &[plain(KeyCode::PageUp)],
        keys_label: "PgUp",
        hint: "",
        help: "Up one screen",
        rank: 99,
        dangerous: false,
    },
    Binding {
        action: Action::PageDown,
        context: Context::List,
        keys: &[plain(KeyCode::PageDown)],
        keys_label: "PgDn",
        hint: "",
        help: "Down one screen",
        rank: 99,
        dangerous: false,
    },
    Binding {
        action: Action::Top,
        context: Context::List,
        keys: &[ch('g'), plain(KeyCode::Home)],
        keys_label: "g/Home",
        hint: "",
        help: "First row",
        rank: 99,
        dangerous: false,
    },
    Binding {
        action: Action::Bottom,
        context: Context::List,
        keys: &[ch('G'), plain(KeyCode::End)],
        keys_label: "G/End",
        hint: "",
        help: "Last row",
        rank: 99,
        dangerous: false,
    },
    Binding {
        action: Action::NextGroup,
        context: Context::List,
        keys: &[plain(KeyCode::Tab)],
        keys_label: "Tab",
        hint: "next conf",
        help: "Next conference",
        rank: 12,
        dangerous: false,
    },
    Binding {
        action: Action::PrevGroup,
        context: Context::List,
        keys: &[plain(KeyCode::BackTab)],
        keys_label: "Shift-Tab",
        hint: "",
        help: "Previous conference",
        rank: 99,
        dangerous: false,
    },
    Binding {
        action: Action::Open,
        context: Context::List,
        keys: &[plain(KeyCode::Enter)],
        keys_label: "Enter",
        hint: "details",
        help: "Details of the participant (on a conference: fold or unfold it)",
        rank: 5,
        dangerous: false,
    },
    Binding {
        action: Action::Collapse,
        context: Context::List,
        keys: &[ch(' ')],
        keys_label: "Space",
        hint: "",
        help: "Fold or unfold the conference",
        rank: 99,
        dangerous: false,
    },
    Binding {
        action: Action::Filter,
        context: Context::List,
        keys: &[ch('/')],
        keys_label: "/",
        hint: "filter",
        help: "Filter by conference name, caller, number or id (Enter keeps, Esc clears)",
        rank: 2,
        dangerous: false,
    },
    Binding {
        action: Action::Sort,
        context: Context::List,
        keys: &[ch('s')],
        keys_label: "s",
        hint: "sort",
        help: "Cycle the sort order",
        rank: 10,
        dangerous: false,
    },
    Binding {
        action: Action::Refresh,
        context: Context::List,
        keys: &[ch('r')],
        keys_label: "r",
        hint: "refresh",
        help: "Refresh now",
        rank: 14,
        dangerous: false,
    },
    Binding {
        action: Action::Remove,
        context: Context::List,
        keys: &[ch('d'), plain(KeyCode::Delete)],
        keys_label: "d/Del",
        hint: "remove",
        help: "Remove the participant from its conference (asks first)",
        rank: 4,
        dangerous: true,
    },
    Binding {
        action: Action::Mute,
        context: Context::List,
        keys: &[ch('m')],
        keys_label: "m",
        hint: "mute",
        help: "Mute (both ways) or unmute, after a second that any key cancels",
        rank: 3,
        dangerous: true,
    },
    Binding {
        action: Action::NextMatch,
        context: Context::List,
        keys: &[ch('n')],
        keys_label: "n/N",
        hint: "next match",
        rank: 7,
        help: "Next match of the filter or status; N the previous (both wrap)",
        dangerous: false,
    },
    Binding {
        action: Action::PrevMatch,
        context: Context::List,
        keys: &[ch('N')],
        keys_label: "N",
        hint: "",
        rank: 99,
        // Said on the `n` line.
        help: "",
        dangerous: false,
    },
    Binding {
        action: Action::NextTrouble,
        context: Context::List,
        keys: &[ch('t')],
        keys_label: "t",
        hint: "trouble",
        rank: 8,
        help: "Next participant stuck joining or leaving (unfolds its conference)",
        dangerous: false,
    },
    Binding {
        action: Action::OnlyStatus,
        context: Context::List,
        keys: &[ch('f')],
        keys_label: "f",
        hint: "only status",
        rank: 11,
        help: "Show only one status: joining → joined → leaving → left → all",
        dangerous: false,
    },
    Binding {
        action: Action::FoldAll,
        context: Context::List,
        keys: &[ch('z')],
        keys_label: "z",
        hint: "fold all",
        rank: 13,
        help: "Fold every conference, or unfold them all when all are folded",
        dangerous: false,
    },
    Binding {
        action: Action::Copy,
        context: Context::List,
        keys: &[ch('c')],
        keys_label: "c",
        hint: "copy",
        rank: 6,
        help: "Copy the caller's number, name, ids or a summary (OSC 52, over ssh too)",
        dangerous: false,
    },
    Binding {
        action: Action::Watch,
        context: Context::List,
        keys: &[ch('w')],
        keys_label: "w",
        hint: "watch",
        rank: 14,
        help: "Watch this caller (by number) or conference; w again stops watching",
        dangerous: false,
    },
    Binding {
        action: Action::Departures,
        context: Context::List,
        keys: &[ch('L')],
        keys_label: "L",
        hint: "who left",
        rank: 9,
        help: "Show or hide who left recently, with any removal's outcome",
        dangerous: false,
    },
    Binding {
        action: Action::Help,
        context: Context::List,
        keys: &[ch('?')],
        keys_label: "?",
        hint: "help",
        help: "Show or hide this help",
        rank: 0,
        dangerous: false,
    },
    Binding {
        action: Action::Back,
        context: Context::List,
        keys: &[plain(KeyCode::Esc)],
        keys_label: "Esc",
        hint: "",
        help: "Close the pane or help; clear the filter",
        rank: 99,
        dangerous: false,
    },
    Binding {
        action: Action::Quit,
        context: Context::List,
        keys: &[ch('q'), CTRL_C],
        keys_label: "q",
        hint: "quit",
        help: "Quit (Ctrl-C too)",
        rank: 1,
        dangerous: false,
    },
    Binding {
        action: Action::Cancel,
        context: Context::Dialog,
        keys: &[ch('n'), plain(KeyCode::Esc), ch('q'), CTRL_C],
        keys_label: "n/Esc",
        hint: "cancel",
        help: "Cancel (the default)",
        rank: 1,
        dangerous: false,
    },
    Binding {
        action: Action::FocusCancel,
        context: Context::Dialog,
        keys: &[plain(KeyCode::Left), ch('h')],
        keys_label: "←",
        hint: "back to Cancel",
        // Not Tab: in the list it is the next conference, and a habit must not arm a removal.
        help: "Focus Cancel",
        rank: 2,
        dangerous: false,
    },
    Binding {
        action: Action::FocusRemove,
        context: Context::Dialog,
        keys: &[plain(KeyCode::Right), ch('l')],
        keys_label: "→ Enter",
        hint: "remove",
        help: "Focus Remove, then Enter removes: no letter or paste does",
        rank: 0,
        dangerous: false,
    },
    Binding {
        action: Action::Activate,
        context: Context::Dialog,
        // Never a key that types: no word and no paste presses Remove.
        keys: &[plain(KeyCode::Enter)],
        keys_label: "Enter",
        hint: "",
        help: "Press the focused button",
        rank: 99,
        dangerous: false,
    },
    Binding {
        action: Action::CopyPick,
        context: Context::Copy,
        keys: &[ch('1'), ch('2'), ch('3'), ch('4'), ch('5')],
        keys_label: "1-5",
        hint: "copy",
        help: "Copy the line with that number",
        rank: 0,
        dangerous: false,
    },
    Binding {
        action: Action::CopyClose,
        context: Context::Copy,
        keys: &[plain(KeyCode::Esc), ch('c'), ch('q'), CTRL_C],
        keys_label: "Esc",
        hint: "close",
        help: "Close the menu, copying nothing",
        rank: 1,
        dangerous: false,
    },
];

/// The bindings a mode allows.
#[derive(Debug, Clone)]
pub struct KeyTable {
    bindings: Vec<Binding>,
}

impl KeyTable {
    /// Interactive: everything, minus dangerous actions when read-only.
    pub fn new(read_only: bool) -> KeyTable {
        KeyTable {
            bindings: ALL
                .iter()
                // Read-only has no removal, so no dialog either.
                .filter(|b| !(read_only && (b.dangerous || b.context == Context::Dialog)))
                .copied()
                .collect(),
        }
    }

    /// Kiosk: no keys at all.
    pub fn empty() -> KeyTable {
        KeyTable {
            bindings: Vec::new(),
        }
    }

    /// The action a key triggers in a context, if any.
    pub fn lookup(&self, context: Context, key: &KeyEvent) -> Option<Action> {
        // Shift is implied by an upper-case character, so it does not have to match exactly.
        let mods = key.modifiers - KeyModifiers::SHIFT;
        self.bindings
            .iter()
            .filter(|b| b.context == context)
            .find(|b| {
                b.keys
                    .iter()
                    .any(|k| k.0 == key.code && k.1 - KeyModifiers::SHIFT == mods)
            })
            .map(|b| b.action)
    }

    pub fn has(&self, action: Action) -> bool {
        self.bindings.iter().any(|b| b.action == action)
    }

    /// Bindings of a context, in table order.
    pub fn bindings(&self, context: Context) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.context == context)
    }

    /// Footer hints of a context, most important first: (keys, words).
    pub fn hints(&self, context: Context) -> Vec<(Action, &'static str, &'static str)> {
        let mut hints: Vec<&Binding> = self
            .bindings(context)
            .filter(|b| !b.hint.is_empty())
            .collect();
        hints.sort_by_key(|b| b.rank);
        hints
            .into_iter()
            .map(|b| (b.action, b.keys_label, b.hint))
            .collect()
    }

    /// The dangerous action this table dropped (read-only mode) that a key belongs to.
    pub fn dropped_dangerous(&self, context: Context, key: &KeyEvent) -> Option<Action> {
        let mods = key.modifiers - KeyModifiers::SHIFT;
        ALL.iter()
            .filter(|b| b.context == context && b.dangerous && !self.has(b.action))
            .find(|b| {
                b.keys
                    .iter()
                    .any(|k| k.0 == key.code && k.1 - KeyModifiers::SHIFT == mods)
            })
            .map(|b| b.action)
    }
}

#[cfg(test)]
mod tests;
