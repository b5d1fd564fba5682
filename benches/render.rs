//! Rendering and state updates with many participants, without a network.
//!
//! - `render/frame/{interactive,kiosk}/{10000,1000,100}`: one frame at 240×70, from `AppState` to a
//!   ratatui buffer through `conftop::ui::draw` on a `TestBackend` terminal (so ratatui's diff
//!   of the frame is included). Each iteration moves the clock one second, as the once-a-second
//!   redraw does, so the clock, the freshness line and the durations change between frames.
//! - `app/apply_snapshot/first/10000`: the first snapshot of 10,000 participants (all new).
//! - `app/apply_snapshot/steady_same/10000`: the same 10,000 participants again (steady state).
//! - `app/apply_snapshot/steady_1pct/10000`: alternately two snapshots that differ by 1% (100
//!   participants leave, 100 arrive).
//! - `app/apply_calls/{100,10000}`: a batch of call details (caller names and numbers).
//! - `app/tick/10000`: the once-a-second `Event::Tick` with 10,000 participants.
//!
//! A frame draws only what is on screen, so its cost should not depend on rows off screen: in
//! interactive mode 100 participants already fill 240×70; in kiosk mode (five columns) 1,000 do,
//! while 100 leave most of the screen empty.
//!
//! Data: 1,000 conferences × 10 participants (or 100 × 10, 10 × 10), with caller details known, about 1%
//! `joining` (a few of them stuck past the warning threshold) and 0.5% `leaving`.
//!
//! Run: `cargo bench --bench render`. With `CONFTOP_BENCH_DUMP=1` each frame measured is printed
//! once, to see what is drawn.

mod common;

use std::hint::black_box;
use std::time::Duration;

use conftop::api::Call;
use conftop::app::{Event, Mode, update};
use conftop::sync::SyncEvent;
use conftop::ui::{self, Theme};
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use jiff::SignedDuration;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::{
    HEIGHT, INTERACTIVE, WIDTH, empty_state, loaded_state, mode_name, revision, t0, world,
};

fn frames(c: &mut Criterion) {
    println!("render: conftop at {}", revision());
    let theme = Theme::default_theme();
    let mut group = c.benchmark_group("render/frame");
    group
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (conferences, per) in [(1_000, 10), (100, 10), (10, 10)] {
        let w = world(conferences, per, 42);
        for mode in [INTERACTIVE, Mode::Kiosk] {
            let mut state = loaded_state(mode, &w);
            let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("terminal");
            terminal
                .draw(|f| ui::draw(f, &state, &theme))
                .expect("draw");
            let text = terminal.backend().to_string();
            assert!(
                text.contains("JOINED") && text.contains("Board Prep"),
                "the frame shows participants:\n{text}"
            );
            if std::env::var_os("CONFTOP_BENCH_DUMP").is_some() {
                println!(
                    "{} frame, {} participants:\n{text}",
                    mode_name(mode),
                    conferences * per
                );
            }
            let mut second = 0i64;
            group.bench_function(BenchmarkId::new(mode_name(mode), conferences * per), |b| {
                b.iter(|| {
                    second = (second + 1) % 2;
                    state.now = t0() + SignedDuration::from_secs(1 + second);
                    terminal
                        .draw(|f| ui::draw(f, &state, &theme))
                        .expect("draw");
                })
            });
        }
    }
    group.finish();
}

fn apply(c: &mut Criterion) {
    let w = world(1_000, 10, 42);
    let b_world = w.churned(7);
    let snap_a = w.snapshot();
    let snap_b = b_world.snapshot();
    let n = w.participants.len();
    let mut group = c.benchmark_group("app/apply_snapshot");
    group
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));

    group.bench_function(BenchmarkId::new("first", n), |b| {
        b.iter_batched(
            || (empty_state(INTERACTIVE), snap_a.clone()),
            |(mut s, snap)| {
                update(&mut s, Event::Sync(SyncEvent::Snapshot(snap)), t0());
                s
            },
            BatchSize::PerIteration,
        )
    });

    for mode in [INTERACTIVE, Mode::Kiosk] {
        let mut s = loaded_state(mode, &w);
        let mut k = 0i64;
        group.bench_function(
            BenchmarkId::new(format!("steady_same/{}", mode_name(mode)), n),
            |b| {
                b.iter(|| {
                    k += 1;
                    let now = t0() + SignedDuration::from_secs(2 * k);
                    black_box(update(
                        &mut s,
                        Event::Sync(SyncEvent::Snapshot(snap_a.clone())),
                        now,
                    ))
                })
            },
        );
    }

    let mut s = loaded_state(INTERACTIVE, &w);
    update(
        &mut s,
        Event::Sync(SyncEvent::Calls(b_world.calls.clone())),
        t0(),
    );
    let mut k = 0i64;
    group.bench_function(BenchmarkId::new("steady_1pct/interactive", n), |b| {
        b.iter(|| {
            k += 1;
            let snap = if k % 2 == 0 { &snap_a } else { &snap_b };
            let now = t0() + SignedDuration::from_secs(2 * k);
            black_box(update(
                &mut s,
                Event::Sync(SyncEvent::Snapshot(snap.clone())),
                now,
            ))
        })
    });
    group.finish();

    // Call details arrive in batches (one per refresh); at a cold start with many participants
    // a batch can hold thousands.
    let mut group = c.benchmark_group("app/apply_calls");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for batch in [100, 10_000] {
        let calls: Vec<Call> = w.calls[..batch].to_vec();
        group.bench_function(BenchmarkId::new("interactive", batch), |b| {
            b.iter_batched(
                || {
                    let mut s = empty_state(INTERACTIVE);
                    update(
                        &mut s,
                        Event::Sync(SyncEvent::Snapshot(snap_a.clone())),
                        t0(),
                    );
                    (s, calls.clone())
                },
                |(mut s, calls)| {
                    update(&mut s, Event::Sync(SyncEvent::Calls(calls)), t0());
                    s
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();

    let mut group = c.benchmark_group("app/tick");
    group
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for mode in [INTERACTIVE, Mode::Kiosk] {
        let mut s = loaded_state(mode, &w);
        let mut k = 0i64;
        group.bench_function(BenchmarkId::new(mode_name(mode), n), |b| {
            b.iter(|| {
                k += 1;
                let now = t0() + SignedDuration::from_secs(k);
                black_box(update(&mut s, Event::Tick, now))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, frames, apply);
criterion_main!(benches);
