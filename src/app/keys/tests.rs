use super::*;

fn key(c: KeyCode, m: KeyModifiers) -> KeyEvent {
    KeyEvent::new(c, m)
}

#[test]
fn lookup_by_context() {
    let t = KeyTable::new(false);
    let d = key(KeyCode::Char('d'), KeyModifiers::NONE);
    assert_eq!(t.lookup(Context::List, &d), Some(Action::Remove));
    assert_eq!(t.lookup(Context::Dialog, &d), None);
    // `y` answers nothing in the dialog: only Enter presses a button.
    let y = key(KeyCode::Char('y'), KeyModifiers::NONE);
    assert_eq!(t.lookup(Context::Dialog, &y), None);
    let enter = key(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(t.lookup(Context::Dialog, &enter), Some(Action::Activate));
    let g = key(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(t.lookup(Context::List, &g), Some(Action::Bottom));
    let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(t.lookup(Context::List, &ctrl_c), Some(Action::Quit));
    assert_eq!(t.lookup(Context::Dialog, &ctrl_c), Some(Action::Cancel));
    let x = key(KeyCode::Char('x'), KeyModifiers::NONE);
    assert_eq!(t.lookup(Context::List, &x), None);
}

#[test]
fn no_key_that_types_presses_a_dialog_button() {
    for b in ALL.iter().filter(|b| b.action == Action::Activate) {
        assert!(
            b.keys.iter().all(|k| !matches!(k.0, KeyCode::Char(_))),
            "{:?}",
            b.keys
        );
    }
}

#[test]
fn read_only_drops_every_dangerous_action_everywhere() {
    let t = KeyTable::new(true);
    for b in ALL.iter().filter(|b| b.dangerous) {
        assert!(!t.has(b.action), "{:?}", b.action);
        for k in b.keys {
            let ev = key(k.0, k.1);
            assert_ne!(t.lookup(b.context, &ev), Some(b.action));
        }
    }
    assert!(
        t.hints(Context::List)
            .iter()
            .all(|(_, _, h)| *h != "remove")
    );
    assert!(
        t.bindings(Context::List)
            .all(|b| !b.help.contains("Remove"))
    );
    assert!(
        KeyTable::empty()
            .lookup(Context::List, &key(KeyCode::Char('q'), KeyModifiers::NONE))
            .is_none()
    );
}

#[test]
fn no_key_is_bound_twice_in_a_context() {
    for ctx in [Context::List, Context::Dialog] {
        let mut seen = Vec::new();
        for b in ALL.iter().filter(|b| b.context == ctx) {
            for k in b.keys {
                assert!(!seen.contains(k), "{k:?} bound twice in {ctx:?}");
                seen.push(*k);
            }
        }
    }
}
