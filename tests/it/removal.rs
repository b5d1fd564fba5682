//! Removal exactly once: one DELETE per confirmation whatever keys arrive, no automatic retry
//! after a network error, and none at all in read-only and kiosk modes (a property test over
//! random key sequences, counted by the simulator).

use std::cell::RefCell;
use std::time::Duration;

use conftop::app::{Command, Mode, Overlay};
use conftop::sim::{Faults, Scenario, ServerOptions, Sim, SimConfig};
use conftop::verdict::ActionKind;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::common::sim_with;
use crate::live::{Live, Options};

fn scenario() -> SimConfig {
    SimConfig {
        scenario: Scenario {
            history: 200,
            conferences: 4,
            participants: 6,
            connect_conferences: 1,
            ..Scenario::default()
        },
        server: ServerOptions {
            rate_limit: None,
            ..ServerOptions::default()
        },
        ..SimConfig::default()
    }
}

fn removes(cmds: &[Command]) -> usize {
    cmds.iter().filter_map(Command::removal).count()
}

fn mutes(cmds: &[Command]) -> usize {
    cmds.iter()
        .filter(|c| matches!(c.action(), Some((ActionKind::Mute | ActionKind::Unmute, _))))
        .count()
}

/// Mute and unmute requests the simulator answered.
fn mute_requests(sim: &Sim) -> usize {
    let c = sim.counter();
    (c.get("POST", "/calls/{id}/mute") + c.get("DELETE", "/calls/{id}/mute")) as usize
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_error_is_not_retried_and_a_retry_needs_a_new_confirmation() {
    let sim = sim_with(scenario()).await;
    let mut live = Live::start(&sim, Options::default());
    live.until(Duration::from_secs(10), "picture", |a| {
        a.selected_participant().is_some()
    })
    .await;
    let target = live.app.selected_participant().unwrap().id;

    sim.set_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    });
    live.key(KeyCode::Char('d')).await;
    live.key(KeyCode::Right).await;
    let sent = removes(&live.key(KeyCode::Enter).await);
    assert_eq!(sent, 1);
    live.until(Duration::from_secs(10), "the failure", |a| {
        a.acting.is_empty()
    })
    .await;
    let toast = live.app.toast.clone().unwrap().text;
    assert!(toast.contains("may or may not"), "{toast}");
    live.pump(Duration::from_secs(2)).await;
    assert_eq!(
        sim.counter().get("DELETE", "/conferencecalls/{id}"),
        1,
        "no automatic retry"
    );

    // The participant is still there; removing it again takes a new confirmation.
    sim.set_faults(Faults::default());
    live.until(Duration::from_secs(10), "data on screen again", |a| {
        !a.withdrawn()
    })
    .await;
    live.pump(Duration::from_millis(1500)).await;
    assert_eq!(live.app.selected_participant().map(|p| p.id), Some(target));
    assert_eq!(
        removes(&live.key(KeyCode::Enter).await),
        0,
        "no dialog is open: Enter opens the details"
    );
    live.pump(Duration::from_millis(1500)).await;
    live.key(KeyCode::Char('d')).await;
    assert!(
        matches!(live.app.overlay, Overlay::Confirm(_)),
        "{:?} {:?}",
        live.app.overlay,
        live.app.toast
    );
    live.key(KeyCode::Right).await;
    assert_eq!(removes(&live.key(KeyCode::Enter).await), 1);
    live.until(Duration::from_secs(10), "removed", |a| a.acting.is_empty())
        .await;
    assert_eq!(sim.counter().get("DELETE", "/conferencecalls/{id}"), 2);
}

fn key_strategy() -> impl Strategy<Value = KeyEvent> {
    // The keys that could remove someone come up often, so that sequences reach the dialog.
    let codes = prop_oneof![
        6 => Just(KeyCode::Char('d')),
        3 => Just(KeyCode::Char('y')),
        4 => Just(KeyCode::Char('m')),
        2 => Just(KeyCode::Delete),
        5 => Just(KeyCode::Enter),
        5 => Just(KeyCode::Right),
        1 => Just(KeyCode::Char('l')),
        1 => Just(KeyCode::Char('Y')),
        1 => Just(KeyCode::Char('n')),
        3 => Just(KeyCode::Char('j')),
        2 => Just(KeyCode::Char('k')),
        1 => Just(KeyCode::Char('g')),
        1 => Just(KeyCode::Char('G')),
        1 => Just(KeyCode::Char('s')),
        1 => Just(KeyCode::Char('r')),
        1 => Just(KeyCode::Char('?')),
        1 => Just(KeyCode::Char('/')),
        1 => Just(KeyCode::Char(' ')),
        1 => Just(KeyCode::Char('q')),
        1 => Just(KeyCode::Char('x')),
        1 => Just(KeyCode::Esc),
        1 => Just(KeyCode::Tab),
        1 => Just(KeyCode::BackTab),
        1 => Just(KeyCode::Left),
        1 => Just(KeyCode::Up),
        1 => Just(KeyCode::Down),
        1 => Just(KeyCode::PageDown),
        1 => Just(KeyCode::Backspace),
    ];
    let mods = prop_oneof![
        4 => Just(KeyModifiers::NONE),
        1 => Just(KeyModifiers::SHIFT),
        1 => Just(KeyModifiers::CONTROL),
    ];
    let kind = prop_oneof![4 => Just(KeyEventKind::Press), 1 => Just(KeyEventKind::Repeat)];
    (codes, mods, kind).prop_map(|(c, m, k)| {
        let mut ev = KeyEvent::new(c, m);
        ev.kind = k;
        ev
    })
}

/// Random keys, now and then the deliberate removal (`d`, `→`, Enter) among them, so that
/// sequences do confirm.
fn keys_strategy() -> impl Strategy<Value = Vec<KeyEvent>> {
    let deliberate = [KeyCode::Char('d'), KeyCode::Right, KeyCode::Enter]
        .map(|c| KeyEvent::new(c, KeyModifiers::NONE))
        .to_vec();
    let chunk = prop_oneof![
        12 => key_strategy().prop_map(|k| vec![k]),
        1 => Just(deliberate),
    ];
    proptest::collection::vec(chunk, 1..40).prop_map(|c| c.concat())
}

/// Runs random key sequences through the app into the sync task against one simulator, and
/// checks the DELETE count after each sequence with `check(sim, confirmations, deletes)`, and
/// that every mute command sent is exactly one mute request.
fn property(mode: Mode, cases: u32, check: impl Fn(&Sim, usize, usize)) -> (usize, usize) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sim = rt.block_on(sim_with(scenario()));
    // Taken out for each case and put back, so no borrow is held across an await.
    let live = RefCell::new(Some(rt.block_on(async {
        let mut live = Live::start(
            &sim,
            Options {
                mode,
                ..Options::default()
            },
        );
        live.until(Duration::from_secs(10), "picture", |a| {
            a.sync.conn.last_ok.is_some()
        })
        .await;
        // Every key is a deliberate press here (the typing rules have tests of their own):
        // the pauses between them pass on the app's clock.
        live.pace_keys_on_the_apps_clock();
        live
    })));
    let total = RefCell::new(0usize);
    let muted = RefCell::new(0usize);
    let sent = RefCell::new(0usize);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&keys_strategy(), |keys| {
            let mut current = live.borrow_mut().take().expect("the live session");
            rt.block_on(async {
                let live = &mut current;
                let before = live.removals;
                let (mutes_before, unsent_before) = (live.mutes, live.mutes_unsent);
                // Each case starts from the list: no filter, no dialog, no overlay.
                live.key(KeyCode::Esc).await;
                live.key(KeyCode::Esc).await;
                let mut confirmations = 0;
                let mut mute_commands = 0;
                for k in keys {
                    let cmds = live.key_event(k).await;
                    confirmations += removes(&cmds);
                    mute_commands += mutes(&cmds);
                }
                *total.borrow_mut() += confirmations;
                *muted.borrow_mut() += mute_commands;
                // Let every DELETE reach the server and its answer come back.
                let want = before + confirmations;
                let t0 = tokio::time::Instant::now();
                let mutes_want = mutes_before + mute_commands;
                while (live.removals < want || live.mutes < mutes_want)
                    && t0.elapsed() < Duration::from_secs(10)
                {
                    live.pump(Duration::from_millis(50)).await;
                }
                live.pump(Duration::from_millis(100)).await;
                // A mute the budget could not send within its two seconds was answered
                // "nothing sent": one request per mute asked for, less those.
                *sent.borrow_mut() += mute_commands - (live.mutes_unsent - unsent_before);
            });
            live.borrow_mut().replace(current);
            assert_eq!(
                mute_requests(&sim),
                *sent.borrow(),
                "one mute request per key press that asked for one, never more"
            );
            if mode.read_only() {
                assert_eq!(mute_requests(&sim), 0, "no mute in {mode:?}");
            }
            check(
                &sim,
                *total.borrow(),
                sim.counter().get("DELETE", "/conferencecalls/{id}") as usize,
            );
            Ok(())
        })
        .unwrap();
    (total.into_inner(), muted.into_inner())
}

#[test]
fn read_only_never_deletes_whatever_keys_arrive() {
    property(
        Mode::Interactive { read_only: true },
        64,
        |sim, confirmations, deletes| {
            assert_eq!(confirmations, 0);
            assert_eq!(deletes, 0);
            assert_eq!(sim.counter().method("DELETE"), 0);
        },
    );
}

#[test]
fn kiosk_never_deletes_whatever_keys_arrive() {
    property(Mode::Kiosk, 64, |sim, confirmations, deletes| {
        assert_eq!(confirmations, 0);
        assert_eq!(deletes, 0);
        assert_eq!(sim.counter().method("DELETE"), 0);
    });
}

#[test]
fn interactive_sends_exactly_one_delete_per_confirmation() {
    let (confirmations, mutes) = property(
        Mode::Interactive { read_only: false },
        64,
        |_, confirmations, deletes| {
            assert_eq!(
                deletes, confirmations,
                "one DELETE per confirmation, never more"
            );
        },
    );
    assert!(confirmations > 0, "the random keys did confirm removals");
    assert!(mutes > 0, "the random keys did mute");
    println!("{confirmations} confirmations, as many DELETEs; {mutes} mutes, as many requests");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_kick_is_reported_as_refused_and_the_row_tells_the_truth() {
    let sim = sim_with(scenario()).await;
    sim.set_faults(Faults {
        kick_fail_rate: 1.0,
        ..Faults::default()
    });
    let mut live = Live::start(&sim, Options::default());
    live.until(Duration::from_secs(10), "picture", |a| {
        a.selected_participant().is_some()
    })
    .await;
    let target = live.app.selected_participant().unwrap().id;
    live.key(KeyCode::Char('d')).await;
    live.key(KeyCode::Right).await;
    assert_eq!(removes(&live.key(KeyCode::Enter).await), 1);
    live.until(Duration::from_secs(10), "the answer", |a| {
        a.acting.is_empty()
    })
    .await;
    let toast = live.app.toast.clone().unwrap().text;
    assert!(
        toast.contains("refused") && toast.contains("(400)"),
        "{toast}"
    );
    // The server did move it to leaving: the screen follows within a few refreshes.
    live.until(Duration::from_secs(10), "the row shows the truth", |a| {
        a.participants.get(&target).is_none_or(|p| {
            p.status != conftop::api::ConferencecallStatus::Joined || p.gone_at.is_some()
        })
    })
    .await;
    assert_eq!(sim.counter().get("DELETE", "/conferencecalls/{id}"), 1);
}
