//! Typed text is never a command: a name typed without `/`, a paste, a burst of keys. A
//! removal or a mute needs a key pressed on its own, and the dialog a key after it was read.

use proptest::prelude::*;

use super::*;

fn ms(n: i64) -> SignedDuration {
    SignedDuration::from_millis(n)
}

fn mutes(cmds: &[Command]) -> usize {
    cmds.iter()
        .filter(|c| matches!(c.action(), Some((ActionKind::Mute | ActionKind::Unmute, _))))
        .count()
}

fn acts(cmds: &[Command]) -> usize {
    removes(cmds).len() + mutes(cmds)
}

#[test]
fn typing_a_name_without_slash_searches_and_removes_nobody() {
    let mut s = populated();
    press(&mut s, ch('j'));
    press(&mut s, ch('j'));
    let selected = s.selection;
    // "Andy": `d` would open the dialog and `y` confirm it, were they commands.
    let cmds = type_keys(&mut s, "Andy", ms(90));
    assert_eq!(acts(&cmds), 0, "{cmds:?}");
    assert_eq!(s.overlay, Overlay::None, "no dialog");
    assert!(s.filter_editing, "the text went to the search");
    assert_eq!(s.filter, "Andy");
    assert!(s.acting.is_empty());
    // "Emma Smith": `m` would mute, space fold the room.
    let at = s.now + secs(1);
    update(&mut s, key(KeyCode::Esc), at);
    s.selection = selected;
    let folded = s.collapsed.clone();
    let cmds = type_keys(&mut s, "Emma Smith", ms(120));
    assert_eq!(acts(&cmds), 0, "{cmds:?}");
    assert!(s.acting.is_empty());
    assert_eq!(s.collapsed, folded, "nothing folded");
    assert_eq!(s.filter, "Emma Smith");
    // Its `m` did not mute, and the screen says so rather than taking it silently.
    let toast = &s.toast.as_ref().unwrap().text;
    assert!(
        toast.starts_with("Typed letters are a search: nothing muted"),
        "{toast}"
    );
}

#[test]
fn a_key_pressed_on_its_own_still_acts_after_a_second_that_says_so() {
    let mut s = populated();
    select(&mut s, part_id(2));
    // Pressed, then nothing: the mute goes out a second later, and says so meanwhile.
    let at = s.now + secs(1);
    assert_eq!(mutes(&update(&mut s, ch('m'), at)), 0, "held");
    assert_eq!(s.deadline(), Some(at + burst::COMMIT));
    let toast = &s.toast.as_ref().unwrap().text;
    assert!(
        toast.starts_with("Muting Caller 2") && toast.ends_with("any key cancels"),
        "{toast}"
    );
    let cmds = update(&mut s, Event::Wake, at + burst::COMMIT);
    assert_eq!(mutes(&cmds), 1);
    // One under way is said at once, with no second to wait.
    let at = s.now + secs(5);
    update(&mut s, ch('m'), at);
    assert!(s.deadline().is_none());
    let toast = &s.toast.as_ref().unwrap().text;
    assert!(toast.contains("already under way"), "{toast}");
    // Any key within the second cancels it: an arrow.
    select(&mut s, part_id(3));
    let at = s.now + secs(5);
    update(&mut s, ch('m'), at);
    update(&mut s, key(KeyCode::Down), at + ms(700));
    assert!(s.deadline().is_none());
    assert!(s.toast.as_ref().unwrap().text.starts_with("Mute cancelled"));
    assert_eq!(mutes(&update(&mut s, Event::Wake, at + secs(2))), 0);
    // Movement and `/` never wait.
    let at = s.now + secs(1);
    update(&mut s, ch('j'), at);
    assert!(s.deadline().is_none());
    update(&mut s, ch('/'), at + secs(1));
    assert!(s.filter_editing);
}

#[test]
fn a_word_typed_slowly_without_slash_mutes_and_removes_nobody() {
    // About 48 words a minute, then a hunt-and-peck typist: every key is on its own.
    for every in [250, 600, 900] {
        for word in ["maria", "daisy", "dylan", "myers", "kim", "jasmine"] {
            let mut s = populated();
            select(&mut s, part_id(2));
            let cmds = type_keys(&mut s, word, ms(every));
            let cmds = [cmds, left_alone(&mut s)].concat();
            assert_eq!(acts(&cmds), 0, "{word} at {every} ms: {cmds:?}");
            assert!(s.acting.is_empty(), "{word} at {every} ms");
            assert!(
                !matches!(s.overlay, Overlay::Confirm(_)),
                "{word} at {every} ms: no dialog left open"
            );
        }
    }
    // The words that begin with `m` or `d` (the dialog's opener) are searched, whole.
    let mut s = populated();
    select(&mut s, part_id(2));
    type_keys(&mut s, "daisy", ms(600));
    assert_eq!((s.filter_editing, s.filter.as_str()), (true, "daisy"));
    let toast = &s.toast.as_ref().unwrap().text;
    assert!(toast.contains("nothing sent"), "{toast}");
    let mut s = populated();
    select(&mut s, part_id(2));
    type_keys(&mut s, "maria", ms(250));
    assert_eq!((s.filter_editing, s.filter.as_str()), (true, "maria"));
    // An `m` within a second of other letters ends a word: it is a search, and says so.
    let mut s = populated();
    select(&mut s, part_id(2));
    type_keys(&mut s, "kim", ms(600));
    assert_eq!((s.filter_editing, s.filter.as_str()), (true, "m"));
    let toast = &s.toast.as_ref().unwrap().text;
    assert!(toast.starts_with("Nothing muted"), "{toast}");
}

/// The seconds after typing stops: held keys come due, and time goes by.
fn left_alone(s: &mut AppState) -> Vec<Command> {
    let mut out = Vec::new();
    while let Some(due) = s.deadline() {
        out.extend(update(s, Event::Wake, due));
    }
    for k in 1..=3 {
        out.extend(update(s, Event::Tick, s.now + secs(k)));
    }
    out
}

/// Keys pressed `every` apart from a [`KEY_STEP`] on, with the wakes the event loop gives
/// between them, until the last key's wait is over.
fn keys_at_pace(s: &mut AppState, keys: &[Event], every: &[SignedDuration]) -> Vec<Command> {
    let mut at = s.now + KEY_STEP;
    let mut out = Vec::new();
    for (k, gap) in keys.iter().zip(every.iter().cycle()) {
        while let Some(due) = s.deadline().filter(|d| *d <= at) {
            out.extend(update(s, Event::Wake, due));
        }
        out.extend(update(s, k.clone(), at));
        at += *gap;
    }
    while let Some(due) = s.deadline() {
        out.extend(update(s, Event::Wake, due));
    }
    out
}

#[test]
fn a_deliberate_removal_goes_out_once_at_any_pace() {
    for every in [100, 150, 250, 600, 1000, 2500, 5000] {
        for open in [ch('d'), key(KeyCode::Delete)] {
            let mut s = populated();
            select(&mut s, part_id(2));
            let keys = [open.clone(), key(KeyCode::Right), key(KeyCode::Enter)];
            let cmds = keys_at_pace(&mut s, &keys, &[ms(every)]);
            let cmds = [cmds, left_alone(&mut s)].concat();
            assert_eq!(removes(&cmds), vec![part_id(2)], "{open:?} at {every} ms");
            assert_eq!(s.overlay, Overlay::None, "{every} ms: the dialog closed");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// `d` (or Delete), `→`, Enter, each 0.1 s to 5 s after the last, on any participant that
    /// can be removed: exactly one removal, of the one the dialog named.
    #[test]
    fn d_right_enter_at_any_pace_removes_exactly_the_one_named(
        gaps in prop::collection::vec(100i64..=5000, 3),
        n in 1u128..=4,
        delete in any::<bool>(),
    ) {
        let mut s = populated();
        select(&mut s, part_id(n));
        let open = if delete { key(KeyCode::Delete) } else { ch('d') };
        let keys = [open, key(KeyCode::Right), key(KeyCode::Enter)];
        let every: Vec<_> = gaps.iter().map(|g| ms(*g)).collect();
        let cmds = keys_at_pace(&mut s, &keys, &every);
        let cmds = [cmds, left_alone(&mut s)].concat();
        prop_assert_eq!(removes(&cmds), vec![part_id(n)], "{:?}", gaps);
    }
}

#[test]
fn y_and_other_letters_never_confirm_and_the_dialog_says_which_keys_do() {
    for every in [300, 1500, 5000] {
        let mut s = populated();
        select(&mut s, part_id(2));
        // A habit from other tools: `d`, then `y`, even with Remove focused.
        let keys = [ch('d'), key(KeyCode::Right), ch('y')];
        let cmds = keys_at_pace(&mut s, &keys, &[ms(every)]);
        assert!(removes(&cmds).is_empty(), "{every} ms: {cmds:?}");
        assert_eq!(s.overlay, Overlay::None, "the letter closed the dialog");
        assert_eq!((s.filter_editing, s.filter.as_str()), (true, "dy"));
        let toast = &s.toast.as_ref().unwrap().text;
        assert!(
            toast.contains("→ then Enter") && toast.contains("nothing sent"),
            "{toast}"
        );
    }
}

#[test]
fn text_typed_at_the_dialog_closes_it_into_a_search_and_sends_nothing() {
    let mut s = populated();
    select(&mut s, part_id(2));
    press(&mut s, ch('d'));
    press(&mut s, key(KeyCode::Right));
    let Overlay::Confirm(c) = &s.overlay else {
        panic!("open")
    };
    assert_eq!(c.focus, Button::Remove);
    let cmds = type_keys(&mut s, "yes do it", ms(80));
    assert!(removes(&cmds).is_empty());
    assert_eq!(s.overlay, Overlay::None, "the dialog closed");
    assert!(s.filter_editing, "the text went to a search");
    assert_eq!(s.filter, "dyes do it", "from the key that opened it");
    // Enter after typing ends the search; nothing is removed.
    let cmds = press(&mut s, key(KeyCode::Enter));
    assert!(removes(&cmds).is_empty());
}

#[test]
fn a_paste_is_always_text() {
    let mut s = populated();
    select(&mut s, part_id(2));
    let at = s.now + secs(1);
    let cmds = update(&mut s, Event::Paste("dy\nmore lines".into()), at);
    assert_eq!(acts(&cmds), 0);
    assert!(s.filter_editing);
    assert_eq!(s.filter, "dy");
    // With the dialog open, a paste confirms nothing.
    update(&mut s, key(KeyCode::Esc), at + secs(1));
    update(&mut s, key(KeyCode::Esc), at + secs(2));
    select(&mut s, part_id(2));
    press(&mut s, ch('d'));
    let at = s.now + secs(2);
    let cmds = update(&mut s, Event::Paste("ylan".into()), at);
    assert!(removes(&cmds).is_empty());
    assert_eq!(s.overlay, Overlay::None, "the paste closed the dialog");
    assert_eq!(
        s.filter, "dylan",
        "and is the search, from the d that opened it"
    );
}

#[test]
fn only_a_deliberate_move_focuses_remove_and_nothing_wraps_round_to_it() {
    let mut s = populated();
    select(&mut s, part_id(2));
    press(&mut s, key(KeyCode::Delete));
    let focus = |s: &AppState| match &s.overlay {
        Overlay::Confirm(c) => c.focus,
        _ => panic!("the dialog is open"),
    };
    // Tab is the next conference in the list: a habit, not a choice here.
    press(&mut s, key(KeyCode::Tab));
    press(&mut s, key(KeyCode::BackTab));
    assert_eq!(focus(&s), Button::Cancel);
    // Left of Cancel is Cancel still.
    press(&mut s, key(KeyCode::Left));
    assert_eq!(focus(&s), Button::Cancel);
    let cmds = press(&mut s, key(KeyCode::Enter));
    assert!(removes(&cmds).is_empty());
    assert_eq!(s.overlay, Overlay::None, "Enter on Cancel closes it");
    // Right, then Enter, each on its own: meant.
    press(&mut s, key(KeyCode::Delete));
    press(&mut s, key(KeyCode::Right));
    press(&mut s, key(KeyCode::Right));
    assert_eq!(focus(&s), Button::Remove);
    let cmds = press(&mut s, key(KeyCode::Enter));
    assert_eq!(removes(&cmds), vec![part_id(2)]);
}

#[test]
fn a_key_held_down_moves_and_does_nothing_else() {
    let mut s = populated();
    select(&mut s, part_id(1));
    let cmds = type_keys(&mut s, "mmmm", ms(30));
    assert_eq!(mutes(&cmds), 0);
    let cmds = type_keys(&mut s, "jjj", ms(30));
    assert_eq!(acts(&cmds), 0);
    // Three rows down from the first participant: the second conference's header.
    assert_eq!(s.selection, Some(Selection::Group(conference_id(2))));
    assert!(!s.filter_editing, "a held key is not text");
}

#[test]
fn read_only_names_the_action_that_is_off() {
    let mut s = app(Mode::Interactive { read_only: true });
    update(&mut s, Event::Sync(standard_snapshot()), t0());
    press(&mut s, ch('m'));
    assert_eq!(s.toast.as_ref().unwrap().text, "read-only: muting is off");
    press(&mut s, ch('d'));
    assert_eq!(s.toast.as_ref().unwrap().text, "read-only: removal is off");
}

/// Where the typing starts.
#[derive(Debug, Clone, Copy)]
enum Start {
    List,
    Detail,
    Dialog,
    /// The dialog open with Remove focused: only Enter is missing.
    DialogRemove,
    Help,
    Departures,
    FilterKept,
    FilterOpen,
    ReadOnly,
}

fn started(start: Start, row: usize) -> AppState {
    let mut s = match start {
        Start::ReadOnly => {
            let mut s = app(Mode::Interactive { read_only: true });
            update(&mut s, Event::Sync(standard_snapshot()), t0());
            let calls = (1..=5)
                .map(|n| call(n, &format!("Caller {n}"), &format!("+1555010{n}")))
                .collect();
            update(&mut s, Event::Sync(SyncEvent::Calls(calls)), t0());
            s
        }
        _ => populated(),
    };
    thirty_departures(&mut s);
    s.select_row(row);
    match start {
        Start::List | Start::ReadOnly => {}
        Start::Detail => {
            select(&mut s, part_id(2));
            press(&mut s, key(KeyCode::Enter));
        }
        Start::Dialog => {
            select(&mut s, part_id(2));
            press(&mut s, ch('d'));
        }
        Start::DialogRemove => {
            select(&mut s, part_id(2));
            press(&mut s, ch('d'));
            press(&mut s, key(KeyCode::Right));
        }
        Start::Help => {
            press(&mut s, ch('?'));
        }
        Start::Departures => {
            press(&mut s, ch('L'));
        }
        Start::FilterKept => {
            press(&mut s, ch('/'));
            type_text(&mut s, "caller");
            press(&mut s, key(KeyCode::Enter));
        }
        Start::FilterOpen => {
            press(&mut s, ch('/'));
        }
    }
    // The person waits a while before typing: any quiet is on their side.
    let at = s.now + secs(2);
    update(&mut s, Event::Tick, at);
    s
}

fn any_start() -> impl Strategy<Value = Start> {
    prop_oneof![
        Just(Start::List),
        Just(Start::Detail),
        Just(Start::Dialog),
        Just(Start::DialogRemove),
        Just(Start::Help),
        Just(Start::Departures),
        Just(Start::FilterKept),
        Just(Start::FilterOpen),
        Just(Start::ReadOnly),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Any printable text of two or more keys, typed at 20 ms to just under a second a key, on
    /// any row, from any starting point, sends no removal and no mute.
    #[test]
    fn typed_text_never_removes_or_mutes(
        text in "[ -~]{2,24}|\\PC{2,12}",
        gaps in prop::collection::vec(20i64..=990, 24),
        row in 0usize..8,
        start in any_start(),
    ) {
        let mut s = started(start, row);
        let mut at = s.now + secs(1);
        let mut out = Vec::new();
        for (c, gap) in text.chars().zip(gaps.iter().cycle()) {
            while let Some(due) = s.deadline().filter(|d| *d <= at) {
                out.extend(update(&mut s, Event::Wake, due));
            }
            out.extend(update(&mut s, ch(c), at));
            at += ms(*gap);
        }
        // Left alone afterwards: held keys come due, seconds tick by.
        while let Some(due) = s.deadline() {
            out.extend(update(&mut s, Event::Wake, due));
        }
        for k in 1..=3 {
            out.extend(update(&mut s, Event::Tick, at + secs(k)));
        }
        prop_assert_eq!(acts(&out), 0, "{:?} at {:?} from {:?}: {:?}", text, gaps, start, out);
    }

    /// Any printable text, typed at any pace (no gap to 5 s a key) or pasted in pieces, on any
    /// row, from any starting point (the dialog with Remove focused among them), removes no one:
    /// only Enter presses Remove.
    #[test]
    fn text_and_pastes_at_any_pace_never_remove(
        // The letters the dialog and the list take as commands come up often.
        pieces in prop::collection::vec(("[dylmnhqjkYL ]{1,6}|[ -~]{1,6}|\\PC{1,4}", any::<bool>()), 1..8),
        gaps in prop::collection::vec(0i64..=5000, 24),
        row in 0usize..8,
        start in any_start(),
    ) {
        let mut s = started(start, row);
        let mut at = s.now + secs(1);
        let mut gaps = gaps.iter().cycle();
        let mut out = Vec::new();
        for (text, pasted) in &pieces {
            let events: Vec<Event> = if *pasted {
                vec![Event::Paste(text.clone())]
            } else {
                text.chars().map(ch).collect()
            };
            for ev in events {
                while let Some(due) = s.deadline().filter(|d| *d <= at) {
                    out.extend(update(&mut s, Event::Wake, due));
                }
                out.extend(update(&mut s, ev, at));
                at += ms(*gaps.next().unwrap());
            }
        }
        out.extend(left_alone(&mut s));
        prop_assert!(removes(&out).is_empty(), "{:?} from {:?}: {:?}", pieces, start, out);
    }
}
