//! The schedule's rules, one input at a time, on a clock that only moves when told.

use std::collections::HashSet;

use super::*;
use jiff::Timestamp;

use crate::api::{ApiError, Call};
use crate::audit::Subject;

const INTERVAL: Duration = Duration::from_secs(2);
const PUSH_POLL: Duration = Duration::from_millis(4500);
const PUSH_CHECK: Duration = Duration::from_secs(90);

fn rules() -> Rules {
    Rules {
        interval: INTERVAL,
        push_poll: PUSH_POLL,
        push_check: PUSH_CHECK,
        push: true,
        allow_actions: true,
        name_everyone: false,
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A scheduler and its clock.
struct Bench {
    s: Scheduler,
    now: Instant,
    t0: Instant,
}

impl Bench {
    fn new(rules: Rules) -> Bench {
        let t0 = Instant::now();
        let (s, _) = Scheduler::new(rules, t0, 7);
        Bench { s, now: t0, t0 }
    }

    fn at(&mut self, d: Duration) -> &mut Self {
        self.now = self.t0 + d;
        self
    }

    fn step(&mut self, input: Input) -> Vec<Effect> {
        self.s.step(input, self.now)
    }

    /// The timer, if it is due now.
    fn tick(&mut self) -> Vec<Effect> {
        match self.s.wake_at() {
            Some(at) if at <= self.now => self.step(Input::Timer),
            _ => Vec::new(),
        }
    }

    /// Moves to the wake time and fires the timer; the job it started.
    fn next_job(&mut self) -> Plan {
        let at = self.s.wake_at().expect("a wake time");
        self.now = self.now.max(at);
        started(&self.step(Input::Timer)).expect("a job starts")
    }

    fn finish(&mut self, error: Option<ApiError>) -> Vec<Effect> {
        self.step(Input::Finished(Finished {
            error,
            at: Timestamp::UNIX_EPOCH,
            callers_left: 0,
            customer: None,
            rate: rate(8.0, 0),
        }))
    }

    fn ok(&mut self) -> Vec<Effect> {
        self.finish(None)
    }

    fn fail(&mut self) -> Vec<Effect> {
        self.finish(Some(unavailable()))
    }
}

fn unavailable() -> ApiError {
    ApiError::from_response("GET /conferences", true, 503, None, b"")
}

fn rate(per_second: f64, cuts: u32) -> Rate {
    Rate {
        per_second,
        ceiling: 8.0,
        cuts,
    }
}

fn started(effects: &[Effect]) -> Option<Plan> {
    effects.iter().find_map(|e| match e {
        Effect::Start(p) => Some(p.clone()),
        _ => None,
    })
}

fn sent(effects: &[Effect]) -> Vec<&SyncEvent> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send(ev) => Some(ev),
            _ => None,
        })
        .collect()
}

fn conference(n: u128) -> Conference {
    serde_json::from_value(serde_json::json!({"id": Uuid::from_u128(n), "type": "conference"}))
        .unwrap()
}

fn pushed(n: u128) -> Input {
    Input::Push(PushEvent::Record(Pushed::Conference(Box::new(conference(
        n,
    )))))
}

fn attempt(action: ActionKind, n: u128) -> Attempt {
    Attempt {
        action,
        participant: Uuid::from_u128(n),
        conference: Uuid::from_u128(100),
        call: Some(Uuid::from_u128(200 + n)),
        about: Subject::default(),
    }
}

fn act(action: ActionKind, n: u128) -> Input {
    Input::Command(SyncCommand::Act(attempt(action, n)))
}

#[test]
fn the_first_refresh_is_due_at_once_and_push_switched_off_says_so() {
    let t0 = Instant::now();
    let (s, effects) = Scheduler::new(rules(), t0, 1);
    assert!(effects.is_empty());
    assert_eq!(s.wake_at(), Some(t0));
    let (_, effects) = Scheduler::new(
        Rules {
            push: false,
            ..rules()
        },
        t0,
        1,
    );
    assert!(matches!(
        sent(&effects)[..],
        [SyncEvent::Channel(Channel::Polling { why })] if why.contains("--no-push")
    ));
}

#[test]
fn jobs_never_overlap() {
    let mut b = Bench::new(rules());
    let plan = b.next_job();
    assert_eq!(plan.job, Job::Normal);
    assert_eq!(b.s.wake_at(), None, "no timer while a job runs");
    b.at(ms(10_000));
    assert!(
        b.step(Input::Timer).is_empty(),
        "a stray timer starts nothing"
    );
    b.step(Input::Command(SyncCommand::RefreshNow));
    b.step(Input::Command(SyncCommand::Visible(vec![Uuid::from_u128(
        1,
    )])));
    assert!(b.tick().is_empty());
}

#[test]
fn a_refresh_asked_for_during_a_refresh_runs_exactly_once_more() {
    let mut b = Bench::new(rules());
    b.next_job();
    for _ in 0..3 {
        b.step(Input::Command(SyncCommand::RefreshNow));
    }
    b.at(ms(300)).ok();
    assert_eq!(b.s.wake_at(), Some(b.now), "right after the one in flight");
    let plan = b.next_job();
    assert_eq!(plan.job, Job::Normal);
    b.at(ms(400)).ok();
    assert_eq!(
        b.s.wake_at(),
        Some(b.now - ms(100) + INTERVAL),
        "then the interval again: the three asks were one"
    );
}

#[test]
fn polling_refreshes_every_interval_from_the_start_of_the_last() {
    let mut b = Bench::new(rules());
    b.next_job();
    b.at(ms(700)).ok();
    assert_eq!(b.s.wake_at(), Some(b.t0 + INTERVAL));
    let plan = b.next_job();
    assert_eq!((plan.job, plan.period), (Job::Normal, INTERVAL));
    assert!(
        plan.retries,
        "a refresh while the API answers retries a passing fault"
    );
}

#[test]
fn only_normal_and_light_refreshes_say_refreshing() {
    let mut b = Bench::new(rules());
    let effects = b.step(Input::Timer);
    assert!(matches!(sent(&effects)[..], [SyncEvent::Refreshing]));
    b.ok();
    b.step(Input::Command(SyncCommand::Visible(vec![Uuid::from_u128(
        1,
    )])));
    let effects = b.step(Input::Timer);
    assert_eq!(started(&effects).unwrap().job, Job::Names);
    assert!(sent(&effects).is_empty());
}

#[test]
fn push_coming_up_forces_a_normal_refresh_then_light_polls_until_the_check() {
    let mut b = Bench::new(rules());
    b.next_job();
    b.at(ms(100)).ok();
    b.at(ms(500));
    let effects = b.step(Input::Push(PushEvent::Up));
    assert!(matches!(
        sent(&effects)[..],
        [SyncEvent::Channel(Channel::Push { poll })] if *poll == PUSH_POLL
    ));
    assert_eq!(b.s.wake_at(), Some(b.now), "at once");
    assert_eq!(b.next_job().job, Job::Normal);
    b.at(ms(600)).ok();
    assert_eq!(b.s.wake_at(), Some(b.t0 + ms(500) + PUSH_POLL));
    let plan = b.next_job();
    assert_eq!((plan.job, plan.period), (Job::Light, PUSH_POLL));
    b.ok();
    // The consistency check once `push_check` has passed since the last normal one.
    b.at(ms(500) + PUSH_CHECK);
    b.s.next = b.now;
    assert_eq!(b.next_job().job, Job::Normal);
}

#[test]
fn push_coming_up_during_a_job_runs_a_normal_refresh_right_after_it() {
    let mut b = Bench::new(rules());
    b.next_job();
    b.step(Input::Push(PushEvent::Up));
    b.at(ms(200)).ok();
    assert_eq!(b.s.wake_at(), Some(b.now));
    assert_eq!(b.next_job().job, Job::Normal);
}

#[test]
fn push_going_down_polls_within_an_interval_and_says_why() {
    let mut b = Bench::new(rules());
    b.next_job();
    b.step(Input::Push(PushEvent::Up));
    b.ok();
    b.next_job();
    b.at(ms(100)).ok();
    let effects = b.step(Input::Push(PushEvent::Down {
        reason: "websocket lost".into(),
        retry_in: ms(2500),
    }));
    assert!(matches!(
        sent(&effects)[..],
        [SyncEvent::Channel(Channel::Polling { why })] if why == "websocket lost; retrying in 2s"
    ));
    assert!(b.s.wake_at().unwrap() <= b.now + INTERVAL);
    assert_eq!(b.next_job().period, INTERVAL, "polling again");
}

#[test]
fn pushed_records_are_applied_at_once_between_refreshes() {
    let mut b = Bench::new(rules());
    b.next_job();
    b.step(Input::Push(PushEvent::Up));
    b.at(ms(100)).ok();
    b.next_job();
    b.at(ms(200)).ok();
    b.at(ms(1000));
    b.step(pushed(1));
    b.step(pushed(2));
    assert_eq!(b.s.wake_at(), Some(b.now));
    let plan = b.next_job();
    assert_eq!(plan.job, Job::Pushed(vec![conference(1), conference(2)]));
    // One arriving while it runs is applied right after it.
    b.step(pushed(3));
    b.at(ms(1100)).ok();
    assert_eq!(b.next_job().job, Job::Pushed(vec![conference(3)]));
}

#[test]
fn a_normal_refresh_reads_the_rooms_so_records_waiting_for_it_are_dropped() {
    let mut b = Bench::new(rules());
    b.next_job();
    b.step(pushed(1));
    b.step(Input::Command(SyncCommand::RefreshNow));
    b.fail();
    // The API failed: the record waits; the next probe is a normal refresh and covers it.
    let plan = b.next_job();
    assert_eq!(plan.job, Job::Normal);
    b.ok();
    b.at(ms(60_000));
    b.s.next = b.now;
    assert_eq!(b.next_job().job, Job::Normal, "nothing left over");
}

#[test]
fn a_names_only_job_never_moves_the_schedule() {
    let mut b = Bench::new(rules());
    b.next_job();
    b.at(ms(100)).ok();
    let due = b.s.wake_at().unwrap();
    b.at(ms(300));
    b.step(Input::Command(SyncCommand::Visible(vec![Uuid::from_u128(
        9,
    )])));
    assert_eq!(b.s.wake_at(), Some(b.now), "names at once");
    let plan = b.next_job();
    assert_eq!(plan.job, Job::Names);
    assert_eq!(plan.wanted.visible, vec![Uuid::from_u128(9)]);
    assert_eq!(
        plan.period,
        (due - b.now) * 2,
        "it stops at the next refresh"
    );
    b.at(ms(500)).ok();
    assert_eq!(b.s.wake_at(), Some(due), "the schedule stands");
    assert_eq!(b.next_job().job, Job::Normal);
}

#[test]
fn a_screen_with_every_name_starts_no_names_job_and_the_next_refresh_knows_it() {
    let mut b = Bench::new(rules());
    b.step(Input::Command(SyncCommand::Visible(vec![Uuid::from_u128(
        9,
    )])));
    b.next_job();
    b.at(ms(100)).ok();
    let due = b.s.wake_at().unwrap();
    // The name came: the screen lacks none now.
    b.at(ms(300));
    b.step(Input::Command(SyncCommand::Visible(Vec::new())));
    assert_eq!(b.s.wake_at(), Some(due), "nothing to look up");
    let plan = b.next_job();
    assert_ne!(plan.job, Job::Names);
    assert!(
        plan.wanted.visible.is_empty(),
        "a call named long ago is not taken for one the screen still lacks"
    );
}

#[test]
fn a_refresh_asked_for_during_a_names_job_runs_right_after_it() {
    let mut b = Bench::new(rules());
    b.next_job();
    b.at(ms(100)).ok();
    b.step(Input::Command(SyncCommand::Visible(vec![Uuid::from_u128(
        9,
    )])));
    b.next_job();
    b.step(Input::Command(SyncCommand::RefreshNow));
    b.at(ms(200)).ok();
    assert_eq!(b.s.wake_at(), Some(b.now));
    assert_eq!(b.next_job().job, Job::Normal);
}

#[test]
fn a_refresh_looks_up_the_callers_wanted_so_no_names_job_follows_it() {
    let mut b = Bench::new(rules());
    b.step(Input::Command(SyncCommand::Visible(vec![Uuid::from_u128(
        9,
    )])));
    let plan = b.next_job();
    assert_eq!(plan.job, Job::Normal, "the first refresh is due anyway");
    assert_eq!(plan.wanted.visible, vec![Uuid::from_u128(9)]);
    b.at(ms(100)).ok();
    assert_eq!(b.s.wake_at(), Some(b.t0 + INTERVAL));
}

#[test]
fn during_a_search_lookups_follow_each_other_while_each_gets_somewhere() {
    // A long interval, so that only lookups come between refreshes.
    let long = Duration::from_secs(30);
    let mut b = Bench::new(Rules {
        interval: long,
        push_poll: long,
        ..rules()
    });
    b.next_job();
    b.at(ms(100)).ok();
    b.step(Input::Command(SyncCommand::Searching(true)));
    let plan = b.next_job();
    assert_eq!(plan.job, Job::Names);
    assert!(plan.wanted.everyone && plan.wanted.searching);
    let finish = |b: &mut Bench, left| {
        b.step(Input::Finished(Finished {
            error: None,
            at: Timestamp::UNIX_EPOCH,
            callers_left: left,
            customer: None,
            rate: rate(8.0, 0),
        }))
    };
    finish(&mut b, 300);
    let started = b.now;
    assert_eq!(b.next_job().job, Job::Names, "it got somewhere: on");
    assert_eq!(b.now - started, NAMES_BATCH, "a second after the last");
    finish(&mut b, 120);
    assert_eq!(b.next_job().job, Job::Names);
    finish(&mut b, 120);
    assert_eq!(
        b.s.wake_at(),
        Some(b.t0 + long),
        "no progress: the next refresh, not another lookup"
    );
    // The search ends: everyone's names stay wanted, at optional work's pace.
    b.step(Input::Command(SyncCommand::Searching(false)));
    assert!(b.s.wanted().everyone && !b.s.wanted().searching);
    assert_eq!(
        b.s.wake_at(),
        Some(b.t0 + long),
        "no lookup for an ended search"
    );
}

#[test]
fn a_listing_wants_every_caller_from_the_start() {
    let mut b = Bench::new(Rules {
        name_everyone: true,
        ..rules()
    });
    assert!(b.next_job().wanted.everyone);
}

#[test]
fn failures_send_the_error_and_probe_at_doubling_jittered_pauses_then_return_to_the_interval() {
    let mut b = Bench::new(rules());
    b.next_job();
    let effects = b.at(ms(100)).fail();
    assert!(matches!(sent(&effects)[..], [SyncEvent::Failed { .. }]));
    let mut pauses = Vec::new();
    for k in 0..6 {
        let wake = b.s.wake_at().unwrap();
        pauses.push(wake - b.now);
        let plan = b.next_job();
        assert_eq!(plan.job, Job::Normal);
        assert!(!plan.retries, "a probe is one try");
        b.at(wake - b.t0 + ms(50));
        if k < 5 {
            b.fail();
        }
    }
    let within = |d: Duration, base: Duration| d >= base.mul_f64(0.75) && d <= base;
    assert!(within(pauses[0], INTERVAL), "{pauses:?}");
    assert!(within(pauses[1], INTERVAL * 2), "{pauses:?}");
    for p in &pauses[2..] {
        assert!(within(*p, PROBE_MAX), "never past the cap: {pauses:?}");
    }
    assert!(
        pauses[2..].windows(2).any(|w| w[0] != w[1]),
        "jittered: {pauses:?}"
    );
    // Back: the interval again, with retries.
    let started_at = b.now;
    b.ok();
    assert_eq!(
        b.s.wake_at(),
        Some((started_at - ms(50)).max(b.now - ms(50)) + INTERVAL)
    );
    assert!(b.next_job().retries);
}

#[test]
fn a_long_interval_is_never_probed_faster_than_itself() {
    let mut b = Bench::new(Rules {
        interval: Duration::from_secs(10),
        push_poll: Duration::from_secs(10),
        ..rules()
    });
    b.next_job();
    for _ in 0..4 {
        b.fail();
        let pause = b.s.wake_at().unwrap() - b.now;
        assert!(pause >= Duration::from_millis(7500) && pause <= Duration::from_secs(10));
        b.next_job();
    }
}

#[test]
fn an_outage_costs_at_most_one_probe_every_two_seconds_after_ten_and_ends_within_the_cap() {
    let mut b = Bench::new(rules());
    b.next_job();
    b.step(Input::Push(PushEvent::Up));
    b.ok();
    let outage = b.now;
    let mut probes_after_ten = 0;
    // Two minutes of an API that answers nothing while the websocket keeps pushing.
    while b.now < outage + Duration::from_secs(120) {
        b.step(pushed(1));
        b.step(Input::Command(SyncCommand::Visible(vec![Uuid::from_u128(
            5,
        )])));
        let effects = b.tick();
        if let Some(plan) = started(&effects) {
            // Until the first failure the API is believed up; after it, only probes.
            let probing = b.s.failures > 0;
            assert!(
                !probing || !matches!(plan.job, Job::Names | Job::Pushed(_)),
                "{plan:?}"
            );
            if b.now >= outage + Duration::from_secs(10) {
                probes_after_ten += 1;
            }
            let now = b.now + ms(30);
            b.now = now;
            b.fail();
        }
        b.now += ms(100);
    }
    let per_second = probes_after_ten as f64 / 110.0;
    assert!(per_second <= 0.5, "{probes_after_ten} probes in 110 s");
    assert!(per_second >= 0.2, "still probing: {probes_after_ten}");
    // The API is back: the next probe is at most the cap away, and succeeds.
    let wake = b.s.wake_at().unwrap();
    assert!(wake - b.now <= PROBE_MAX);
    b.next_job();
    // The probe is a normal refresh: it reads the rooms, so the records pushed before it are
    // covered; one pushed while it runs is applied right after.
    b.step(pushed(2));
    b.ok();
    assert_eq!(b.s.wake_at(), Some(b.now));
    assert!(matches!(b.next_job().job, Job::Pushed(_)));
}

#[test]
fn an_outage_from_the_start_starts_no_push_and_push_moves_no_probe() {
    let mut b = Bench::new(rules());
    let customer = Some(Uuid::from_u128(42));
    let finish = |b: &mut Bench, error: Option<ApiError>| {
        b.step(Input::Finished(Finished {
            error,
            at: Timestamp::UNIX_EPOCH,
            callers_left: 0,
            customer,
            rate: rate(8.0, 0),
        }))
    };
    let starts_push =
        |effects: &[Effect]| effects.iter().any(|e| matches!(e, Effect::StartPush(_)));
    // The customer was read, then the API went down while the first refresh ran.
    b.next_job();
    assert!(
        !starts_push(&finish(&mut b, Some(unavailable()))),
        "no handshakes into an outage"
    );
    let probe = b.s.wake_at().unwrap();
    // Push coming up or going down (a socket opened before) moves no probe.
    b.at(ms(300)).step(Input::Push(PushEvent::Up));
    assert_eq!(b.s.wake_at(), Some(probe), "up: no probe sooner");
    b.at(ms(400)).step(Input::Push(PushEvent::Down {
        reason: "websocket lost".into(),
        retry_in: ms(1000),
    }));
    assert_eq!(b.s.wake_at(), Some(probe), "down: no probe sooner");
    b.step(Input::Push(PushEvent::Up));
    // The probe after it came up is a normal refresh, and once it is answered push starts.
    b.now = b.now.max(probe);
    assert_eq!(started(&b.step(Input::Timer)).unwrap().job, Job::Normal);
    assert!(!starts_push(&finish(&mut b, Some(unavailable()))));
    b.next_job();
    assert!(
        starts_push(&finish(&mut b, None)),
        "the API answers: push starts"
    );
}

#[test]
fn a_refresh_the_user_asks_for_during_an_outage_is_one_probe_at_once() {
    let mut b = Bench::new(rules());
    b.next_job();
    b.fail();
    b.at(ms(300));
    b.step(Input::Command(SyncCommand::RefreshNow));
    assert_eq!(b.s.wake_at(), Some(b.now));
    let plan = b.next_job();
    assert!(!plan.retries);
}

#[test]
fn push_is_started_once_when_the_customer_is_known_and_never_when_off() {
    for push in [true, false] {
        let mut b = Bench::new(Rules { push, ..rules() });
        let customer = Uuid::from_u128(42);
        let mut starts = Vec::new();
        for _ in 0..3 {
            b.next_job();
            let effects = b.step(Input::Finished(Finished {
                error: None,
                at: Timestamp::UNIX_EPOCH,
                callers_left: 0,
                customer: Some(customer),
                rate: rate(8.0, 0),
            }));
            starts.extend(effects.into_iter().filter_map(|e| match e {
                Effect::StartPush(t) => Some(t),
                _ => None,
            }));
        }
        if push {
            assert_eq!(
                starts,
                vec![vec![
                    format!("customer_id:{customer}:conference:conference_"),
                    format!("customer_id:{customer}:call:call_updated:"),
                ]]
            );
        } else {
            assert!(starts.is_empty());
        }
    }
}

#[test]
fn the_rate_is_said_only_once_a_429_cut_it_and_when_it_moved() {
    let mut b = Bench::new(rules());
    let mut said = Vec::new();
    for r in [
        rate(8.0, 0),
        rate(4.0, 1),
        rate(4.05, 1),
        rate(4.2, 1),
        rate(2.1, 2),
    ] {
        b.next_job();
        let effects = b.step(Input::Finished(Finished {
            error: None,
            at: Timestamp::UNIX_EPOCH,
            callers_left: 0,
            customer: None,
            rate: r,
        }));
        said.extend(sent(&effects).into_iter().filter_map(|e| match e {
            SyncEvent::Rate(r) => Some(r.per_second),
            _ => None,
        }));
    }
    assert_eq!(said, vec![4.0, 4.2, 2.1]);
}

#[test]
fn an_action_is_performed_once_and_never_twice_at_once() {
    let mut b = Bench::new(rules());
    let effects = b.step(act(ActionKind::Remove, 1));
    assert!(matches!(&effects[..], [Effect::Perform(a)] if *a == attempt(ActionKind::Remove, 1)));
    assert!(
        b.step(act(ActionKind::Remove, 1)).is_empty(),
        "in flight: not sent again"
    );
    // Another action on the same participant, or the same on another, goes.
    assert_eq!(b.step(act(ActionKind::Mute, 1)).len(), 1);
    assert_eq!(b.step(act(ActionKind::Remove, 2)).len(), 1);
    // Answered: a new attempt may go.
    b.step(Input::Answered((ActionKind::Remove, Uuid::from_u128(1))));
    assert_eq!(b.step(act(ActionKind::Remove, 1)).len(), 1);
}

#[test]
fn read_only_performs_nothing_and_answers_each_attempt_as_refused() {
    let mut b = Bench::new(Rules {
        allow_actions: false,
        ..rules()
    });
    for action in [ActionKind::Remove, ActionKind::Mute, ActionKind::Unmute] {
        let effects = b.step(act(action, 1));
        assert!(!effects.iter().any(|e| matches!(e, Effect::Perform(_))));
        assert!(matches!(
            sent(&effects)[..],
            [SyncEvent::Acted(o)] if o.action == action && o.verdict == crate::verdict::Verdict::Rejected
        ));
    }
    assert!(!b.s.acting());
}

#[test]
fn actions_unanswered_at_exit_are_given_back() {
    let mut b = Bench::new(rules());
    b.step(act(ActionKind::Remove, 1));
    b.step(act(ActionKind::Mute, 2));
    b.step(Input::Answered((ActionKind::Remove, Uuid::from_u128(1))));
    assert!(b.s.acting());
    assert_eq!(b.s.unanswered(), vec![attempt(ActionKind::Mute, 2)]);
}

#[test]
fn a_pushed_call_goes_to_the_app_at_once_and_other_frames_are_ignored() {
    let mut b = Bench::new(rules());
    let call: Call = serde_json::from_value(serde_json::json!({"id": Uuid::from_u128(7)})).unwrap();
    let effects = b.step(Input::Push(PushEvent::Record(Pushed::Call(Box::new(call)))));
    assert!(
        matches!(sent(&effects)[..], [SyncEvent::CallUpdated(c)] if c.id == Uuid::from_u128(7))
    );
    assert!(
        b.step(Input::Push(PushEvent::Record(Pushed::Other)))
            .is_empty()
    );
}

#[test]
fn a_light_poll_never_follows_a_failure() {
    let mut b = Bench::new(rules());
    b.next_job();
    b.step(Input::Push(PushEvent::Up));
    b.ok();
    b.next_job();
    b.ok();
    assert_eq!(b.next_job().job, Job::Light);
    b.fail();
    assert_eq!(
        b.next_job().job,
        Job::Normal,
        "after a failure nothing is trusted"
    );
}

#[test]
fn opening_a_rows_details_looks_up_its_record_at_once() {
    let mut b = Bench::new(rules());
    b.next_job();
    b.at(ms(100)).ok();
    b.at(ms(400));
    let who = Uuid::from_u128(77);
    b.step(Input::Command(SyncCommand::Inspect(Some(who))));
    let plan = b.next_job();
    assert_eq!(
        (plan.job.clone(), plan.wanted.inspect),
        (Job::Names, Some(who))
    );
    b.ok();
    // Closed: nothing more is asked for it.
    b.step(Input::Command(SyncCommand::Inspect(None)));
    assert_eq!(b.s.wanted().inspect, None);
    assert_eq!(b.s.wake_at(), Some(b.t0 + INTERVAL));
}

#[test]
fn under_heavy_churn_pushed_records_are_applied_at_most_once_a_second_all_of_them() {
    let mut b = Bench::new(rules());
    b.next_job();
    b.step(Input::Push(PushEvent::Up));
    b.ok();
    b.next_job();
    b.ok();
    let start = b.now;
    let mut jobs = 0;
    let mut applied = 0;
    // A frame every 50 ms for ten seconds; each pushed job takes 100 ms.
    for k in 0..200u128 {
        b.now = start + ms(50 * k as u64);
        b.step(pushed(k));
        let effects = b.tick();
        if let Some(plan) = started(&effects) {
            if let Job::Pushed(records) = &plan.job {
                jobs += 1;
                applied += records.len();
            }
            b.now += ms(100);
            b.ok();
        }
    }
    b.now = start + Duration::from_secs(12);
    if let Some(plan) = started(&b.tick())
        && let Job::Pushed(records) = &plan.job
    {
        applied += records.len();
        jobs += 1;
    }
    assert!(jobs <= 12, "{jobs} pushed jobs in ten seconds");
    assert!(jobs >= 8, "still applied every second or so: {jobs}");
    assert_eq!(applied, 200, "every record, none lost");
}

#[test]
fn rows_coming_on_screen_many_times_a_second_are_named_at_most_once_a_second() {
    let mut b = Bench::new(rules());
    b.next_job();
    b.step(Input::Push(PushEvent::Up));
    b.ok();
    b.next_job();
    b.ok();
    let start = b.now;
    let mut names = 0;
    let mut asked = HashSet::new();
    for k in 0..100u128 {
        b.now = start + ms(50 * k as u64);
        b.step(Input::Command(SyncCommand::Visible(vec![Uuid::from_u128(
            k,
        )])));
        if let Some(plan) = started(&b.tick()) {
            if plan.job == Job::Names {
                names += 1;
                asked.extend(plan.wanted.visible);
            }
            b.ok();
        }
    }
    assert!(names <= 6, "{names} names jobs in five seconds");
    assert!(names >= 4, "still every second: {names}");
    assert!(asked.contains(&Uuid::from_u128(0)), "the first at once");
}
