//! The sync task against the simulator: request cost, correctness under change, the budget,
//! `Retry-After`, call details and removals.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use conftop::api::{Call, ConferencecallStatus, ErrorKind};
use conftop::audit::AuditLog;
use conftop::sim::{
    ConferenceKind, Faults, ParticipantStatus, RateLimit, Scenario, ServerOptions, Sim, SimConfig,
};
use conftop::sync::{
    self, BudgetConfig, Snapshot, SyncCommand, SyncConfig, SyncEvent, SyncHandle, Wanted,
};
use tokio::time::{Instant, timeout};
use uuid::Uuid;

use crate::common::{client_for, sim_with};

/// A removal of one participant, as the app asks for it.
pub fn removal(participant: Uuid, conference: Uuid) -> conftop::sync::Attempt {
    conftop::sync::Attempt {
        action: conftop::verdict::ActionKind::Remove,
        participant,
        conference,
        call: None,
        about: Default::default(),
    }
}

/// A running sync task and what it has said so far.
pub struct Probe {
    pub handle: SyncHandle,
    pub last: Option<Arc<Snapshot>>,
    pub calls: HashMap<Uuid, Call>,
    pub refreshes: usize,
    pub failures: Vec<conftop::api::ApiError>,
    pub removals: Vec<conftop::sync::Outcome>,
    /// Participants reported as recently left, in order, repeats included.
    pub departed: Vec<Uuid>,
}

impl Probe {
    pub fn start(sim: &Sim, config: SyncConfig) -> Probe {
        Probe {
            handle: sync::spawn(client_for(sim), config),
            last: None,
            calls: HashMap::new(),
            refreshes: 0,
            failures: Vec::new(),
            removals: Vec::new(),
            departed: Vec::new(),
        }
    }

    /// The next event, recorded.
    pub async fn event(&mut self, within: Duration) -> SyncEvent {
        let ev = timeout(within, self.handle.events.recv())
            .await
            .expect("the sync task said something in time")
            .expect("the sync task is running");
        self.record(&ev);
        ev
    }

    fn record(&mut self, ev: &SyncEvent) {
        match ev {
            SyncEvent::Snapshot(s) => self.last = Some(s.clone()),
            SyncEvent::Calls(calls) => {
                for c in calls {
                    self.calls.insert(c.id, c.clone());
                }
            }
            SyncEvent::Refreshing => self.refreshes += 1,
            SyncEvent::Failed { error, .. } => self.failures.push(error.clone()),
            SyncEvent::Acted(r) => self.removals.push((**r).clone()),
            SyncEvent::Departed(d) => self.departed.extend(d.iter().map(|p| p.id)),
            SyncEvent::Customer(_)
            | SyncEvent::Channel(_)
            | SyncEvent::Rate(_)
            | SyncEvent::CallUpdated(_)
            | SyncEvent::Remembered(_)
            | SyncEvent::Stays { .. } => {}
        }
    }

    /// Records every event already queued.
    pub fn drain(&mut self) {
        while let Ok(ev) = self.handle.events.try_recv() {
            self.record(&ev);
        }
    }

    /// The snapshot of a refresh that started after this call.
    pub async fn fresh(&mut self) -> Arc<Snapshot> {
        self.drain();
        let start = self.refreshes;
        loop {
            if let SyncEvent::Snapshot(s) = self.event(Duration::from_secs(30)).await
                && self.refreshes > start
                && !s.interim
            {
                return s;
            }
        }
    }

    /// The next snapshot, whenever its refresh started (e.g. the first one).
    pub async fn snapshot(&mut self) -> Arc<Snapshot> {
        loop {
            if let SyncEvent::Snapshot(s) = self.event(Duration::from_secs(30)).await
                && !s.interim
            {
                return s;
            }
        }
    }

    /// Fresh snapshots until `pred` holds; fails after `max` refreshes.
    pub async fn until(&mut self, max: usize, pred: impl Fn(&Snapshot) -> bool) -> Arc<Snapshot> {
        for _ in 0..max {
            let s = self.fresh().await;
            if pred(&s) {
                return s;
            }
        }
        panic!("not true within {max} refreshes");
    }
}

pub fn fast(allow_actions: bool) -> SyncConfig {
    SyncConfig {
        interval: Duration::from_secs(1),
        allow_actions,
        budget: BudgetConfig::fixed(8.0, 16.0),
        ..SyncConfig::polling_only()
    }
}

fn statuses(s: &Snapshot) -> HashMap<Uuid, ConferencecallStatus> {
    s.participants
        .iter()
        .map(|p| (p.id, p.status.clone()))
        .collect()
}

fn sim_live(sim: &Sim) -> HashSet<Uuid> {
    sim.with_world(|w| w.live_participants(0).iter().map(|p| p.id).collect())
}

fn still(history: usize, conferences: usize, participants: usize, connect: usize) -> SimConfig {
    SimConfig {
        scenario: Scenario {
            history,
            conferences,
            participants,
            connect_conferences: connect,
            join_delay: 2_500_000,
            leave_delay: 3_000_000,
            ..Scenario::default()
        },
        ..SimConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_cost_is_independent_of_history() {
    let sim = sim_with(still(100_000, 50, 10, 0)).await;
    let mut probe = Probe::start(
        &sim,
        SyncConfig {
            name_everyone: true,
            ..fast(false)
        },
    );

    let first = probe.fresh().await;
    let cold = sim.counter().total();
    assert_eq!(first.participants.len(), 500);
    let got: HashSet<Uuid> = first.participants.iter().map(|p| p.id).collect();
    assert_eq!(
        got,
        sim_live(&sim),
        "the first snapshot is the complete picture"
    );
    assert_eq!(first.conferences.len(), 50);
    assert!(cold <= 20, "cold start took {cold} requests");
    println!("cold start: {cold} requests before the first complete snapshot");

    // Once the call lookups are done, a refresh in which nothing changed costs at most 3
    // requests (and a page of the background history scan every few refreshes), against
    // ceil(100000/100)+1 for walking every page.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut settled = 0;
    let mut costs = Vec::new();
    while settled < 5 {
        assert!(Instant::now() < deadline, "never settled: {costs:?}");
        let before = sim.counter().total();
        let _ = probe.fresh().await;
        // Let the refresh finish its optional work before counting.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let cost = sim.counter().total() - before;
        costs.push(cost);
        settled = if cost <= 3 { settled + 1 } else { 0 };
    }
    let tail = &costs[costs.len() - 5..];
    assert!(tail.iter().all(|&c| c <= 3), "{costs:?}");
    println!("steady-state requests per refresh: {tail:?} (naive walk: 1001)");
    assert_eq!(
        probe.calls.len(),
        500,
        "every participant's call was looked up"
    );
    assert_eq!(sim.counter().status(429), 0, "conftop never drew a 429");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_show_within_one_refresh() {
    let sim = sim_with(still(3_000, 4, 3, 2)).await;
    let mut probe = Probe::start(&sim, fast(false));
    let first = probe.fresh().await;
    let ids: HashSet<Uuid> = first.participants.iter().map(|p| p.id).collect();
    assert_eq!(ids, sim_live(&sim), "connect-room participants included");

    // A new participant appears within one refresh, in `joining`.
    let room = sim.with_world(|w| {
        w.open_conferences(0)
            .iter()
            .find(|r| r.kind == ConferenceKind::Conference)
            .unwrap()
            .id
    });
    let newcomer = sim.with_world(|w| w.spawn_participant(room).unwrap());
    let s = probe.fresh().await;
    assert_eq!(
        statuses(&s).get(&newcomer),
        Some(&ConferencecallStatus::Joining)
    );

    // Joined within one refresh of joining.
    tokio::time::sleep(Duration::from_millis(3800)).await;
    let s = probe.fresh().await;
    assert_eq!(
        statuses(&s).get(&newcomer),
        Some(&ConferencecallStatus::Joined)
    );

    // Kicked: leaving, then gone, each within one refresh.
    assert!(matches!(
        sim.with_world(|w| w.kick(0, newcomer)),
        conftop::sim::Kick::Done
    ));
    let s = probe.fresh().await;
    assert_eq!(
        statuses(&s).get(&newcomer),
        Some(&ConferencecallStatus::Leaving)
    );
    tokio::time::sleep(Duration::from_millis(4600)).await;
    let s = probe.fresh().await;
    assert!(!statuses(&s).contains_key(&newcomer), "gone once leaved");

    // An old participant (far below the newest page) hanging up goes straight to `leaved`
    // (no `leaving`): seen within one refresh, through its room's list.
    let oldest = sim.with_world(|w| {
        w.live_participants(0)
            .into_iter()
            .filter(|p| p.status == ParticipantStatus::Joined && p.conference == room)
            .min_by_key(|p| p.tm_create)
            .unwrap()
            .id
    });
    assert!(sim.with_world(|w| w.hang_up(oldest)));
    let s = probe.fresh().await;
    assert!(!statuses(&s).contains_key(&oldest));

    // A connect room (absent from GET /conferences) emptying is seen within a few refreshes:
    // its room is checked in turn with the others nothing lists.
    let (connect, pair) = sim.with_world(|w| {
        let r = w
            .open_conferences(0)
            .into_iter()
            .find(|r| r.kind == ConferenceKind::Connect)
            .unwrap();
        (r.id, r.members.clone())
    });
    sim.with_world(|w| w.hang_up(pair[0]));
    tokio::time::sleep(Duration::from_millis(4600)).await;
    let s = probe
        .until(6, |s| {
            !s.participants.iter().any(|p| p.conference_id == connect)
        })
        .await;
    assert!(pair.iter().all(|id| !statuses(&s).contains_key(id)));

    // A deleted conference leaves the list at once; its participants show `leaving`, then go.
    let doomed: Vec<Uuid> = sim.with_world(|w| {
        w.end_conference(room);
        w.conference(room).unwrap().members.clone()
    });
    assert!(!doomed.is_empty());
    let s = probe.fresh().await;
    for id in &doomed {
        assert_eq!(
            statuses(&s).get(id),
            Some(&ConferencecallStatus::Leaving),
            "{id}"
        );
    }
    tokio::time::sleep(Duration::from_millis(4600)).await;
    let s = probe
        .until(3, |s| doomed.iter().all(|id| !statuses(s).contains_key(id)))
        .await;
    let got: HashSet<Uuid> = s.participants.iter().map(|p| p.id).collect();
    assert_eq!(got, sim_live(&sim), "the picture matches the server's");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_budget_bounds_the_request_rate() {
    // A long history and a tiny interval: the cold walk and the background scan want far
    // more requests than the budget allows.
    let sim = sim_with(SimConfig {
        server: ServerOptions {
            rate_limit: None,
            ..ServerOptions::default()
        },
        ..still(30_000, 10, 4, 2)
    })
    .await;
    let budget = BudgetConfig::fixed(5.0, 5.0);
    let mut probe = Probe::start(
        &sim,
        SyncConfig {
            budget,
            ..fast(false)
        },
    );
    let t0 = Instant::now();
    probe.fresh().await;
    while t0.elapsed() < Duration::from_secs(4) {
        probe.event(Duration::from_secs(10)).await;
    }
    let elapsed = t0.elapsed().as_secs_f64();
    let total = sim.counter().total() as f64;
    let allowed = budget.burst + budget.per_second * elapsed + 1.0;
    assert!(
        total <= allowed,
        "{total} requests in {elapsed:.1}s, budget allows {allowed:.0}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured_and_recovery_is_prompt() {
    let sim = sim_with(still(500, 3, 3, 1)).await;
    let mut probe = Probe::start(&sim, fast(false));
    probe.fresh().await;

    // A 429 storm with Retry-After: 2. conftop pauses for it instead of hammering.
    sim.set_faults(Faults {
        storm_retry_after: Some(2),
        ..Faults::default()
    });
    sim.reset_counter();
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(6) {
        let _ = timeout(Duration::from_millis(200), probe.handle.events.recv()).await;
    }
    let during = sim.counter().status(429);
    // At most one attempt per Retry-After period (plus the first), never a storm.
    assert!(
        during <= 5,
        "{during} requests during a 6 s storm with Retry-After: 2"
    );
    assert!(during >= 2, "it kept trying ({during})");

    // Recovery: a whole picture again, well within a generous deadline (the scheduler's own
    // tests pin how soon the next attempt goes).
    sim.set_faults(Faults::default());
    let s = timeout(Duration::from_secs(30), probe.fresh())
        .await
        .expect("a fresh picture after the storm");
    assert!(!s.participants.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refreshes_never_overlap() {
    let sim = sim_with(still(200, 3, 3, 0)).await;
    sim.set_faults(Faults {
        latency: Duration::from_millis(300),
        ..Faults::default()
    });
    let mut probe = Probe::start(&sim, fast(false));
    let mut open = false;
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(5) {
        let _ = probe.handle.commands.try_send(SyncCommand::RefreshNow);
        match probe.event(Duration::from_secs(10)).await {
            SyncEvent::Refreshing => {
                assert!(!open, "a refresh started while another was running");
                open = true;
            }
            SyncEvent::Snapshot(_) | SyncEvent::Failed { .. } => open = false,
            _ => {}
        }
    }
    assert!(probe.refreshes >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_now_is_prompt_when_idle() {
    let sim = sim_with(still(100, 2, 2, 0)).await;
    let mut probe = Probe::start(
        &sim,
        SyncConfig {
            interval: Duration::from_secs(60),
            ..SyncConfig::polling_only()
        },
    );
    probe.snapshot().await;
    probe
        .handle
        .commands
        .send(SyncCommand::RefreshNow)
        .await
        .unwrap();
    // Long before the 60 s interval would have brought one, however loaded the machine.
    timeout(Duration::from_secs(30), probe.fresh())
        .await
        .expect("a refresh soon after it was asked for");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_details_name_the_remote_party() {
    let sim = sim_with(still(1_000, 4, 5, 1)).await;
    let mut probe = Probe::start(&sim, fast(false));
    let s = probe.fresh().await;
    let wanted: HashSet<Uuid> = s
        .participants
        .iter()
        .filter_map(|p| p.reference_id)
        .collect();
    // As the app does for the rows on its screen.
    probe
        .handle
        .commands
        .send(SyncCommand::Visible(wanted.iter().copied().collect()))
        .await
        .unwrap();
    let t0 = Instant::now();
    while !wanted.iter().all(|id| probe.calls.contains_key(id)) {
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "call details missing"
        );
        probe.event(Duration::from_secs(10)).await;
    }
    for id in &wanted {
        let call = &probe.calls[id];
        let expected = sim.with_world(|w| {
            let c = w.call(*id).unwrap();
            if c.incoming {
                c.source.target.clone()
            } else {
                c.destination.target.clone()
            }
        });
        assert_eq!(call.remote().target, expected);
    }
    // Looked up once each: no call is fetched again on later refreshes.
    let before = sim.counter().get("GET", "/calls/{id}") + sim.counter().get("GET", "/calls");
    probe.fresh().await;
    probe.fresh().await;
    let after = sim.counter().get("GET", "/calls/{id}") + sim.counter().get("GET", "/calls");
    assert_eq!(before, after);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removal_sends_one_delete_and_is_audited() {
    let sim = sim_with(still(100, 2, 3, 0)).await;
    let dir = tempfile::tempdir().unwrap();
    let audit = AuditLog::open(dir.path().join("audit.jsonl")).unwrap();
    let mut probe = Probe::start(
        &sim,
        SyncConfig {
            audit: Some(audit.clone()),
            ..fast(true)
        },
    );
    let s = probe.fresh().await;
    let target = s
        .participants
        .iter()
        .find(|p| p.status == ConferencecallStatus::Joined)
        .unwrap()
        .clone();
    sim.set_faults(Faults {
        latency: Duration::from_millis(400),
        ..Faults::default()
    });
    let cmd = SyncCommand::Act(removal(target.id, target.conference_id));
    // The same command twice while the first is in flight: one DELETE only.
    probe.handle.commands.send(cmd.clone()).await.unwrap();
    probe.handle.commands.send(cmd).await.unwrap();
    while probe.removals.is_empty() {
        probe.event(Duration::from_secs(10)).await;
    }
    sim.set_faults(Faults::default());
    let r = &probe.removals[0];
    assert_eq!(
        r.record.as_ref().unwrap().status,
        ConferencecallStatus::Leaving
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sim.counter().get("DELETE", "/conferencecalls/{id}"), 1);

    // Another customer's participant: 403, audited as forbidden.
    let foreign = sim.with_world(|w| w.live_participants(1)[0].clone());
    probe
        .handle
        .commands
        .send(SyncCommand::Act(removal(foreign.id, foreign.conference)))
        .await
        .unwrap();
    while probe.removals.len() < 2 {
        probe.event(Duration::from_secs(10)).await;
    }
    assert_eq!(
        probe.removals[1].error.as_ref().unwrap().kind,
        ErrorKind::Forbidden
    );
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(audit.path())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["participant_id"], target.id.to_string());
    assert_eq!(lines[0]["conference_id"], target.conference_id.to_string());
    assert_eq!(lines[0]["outcome"], "removed");
    assert_eq!(lines[0]["http_status"], 200);
    assert_eq!(lines[1]["outcome"], "forbidden");
    assert_eq!(lines[1]["http_status"], 403);
    assert!(
        !std::fs::read_to_string(audit.path())
            .unwrap()
            .contains(&sim.access_key())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_sync_never_deletes() {
    let sim = sim_with(still(100, 2, 3, 0)).await;
    let mut probe = Probe::start(&sim, fast(false));
    let s = probe.fresh().await;
    for p in &s.participants {
        probe
            .handle
            .commands
            .send(SyncCommand::Act(removal(p.id, p.conference_id)))
            .await
            .unwrap();
    }
    probe.fresh().await;
    probe.fresh().await;
    assert_eq!(sim.counter().method("DELETE"), 0);
    // Each refusal is answered, so nothing waits for a removal that will never come.
    assert_eq!(probe.removals.len(), s.participants.len());
    for r in &probe.removals {
        let e = r.error.as_ref().unwrap();
        assert!(e.nothing_changed(), "{e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_server_is_not_stormed() {
    // The server's limit below conftop's budget: conftop must back off on 429, not storm.
    let sim = sim_with(SimConfig {
        server: ServerOptions {
            rate_limit: Some(RateLimit {
                per_second: 2.0,
                burst: 4.0,
            }),
            ..ServerOptions::default()
        },
        ..still(5_000, 6, 3, 2)
    })
    .await;
    let mut probe = Probe::start(&sim, fast(false));
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(8) {
        let _ = timeout(Duration::from_millis(200), probe.handle.events.recv()).await;
    }
    let c = sim.counter();
    let rejected = c.status(429);
    assert!(
        rejected * 3 <= c.total(),
        "{rejected} of {} requests were rejected",
        c.total()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extreme_timestamps_from_the_network_do_not_panic() {
    let sim = sim_with(still(200, 3, 4, 1)).await;
    // The oldest representable instant, on a live participant whose call is not looked up yet.
    let victim = sim.with_world(|w| w.live_participants(0)[0].id);
    let year_minus_9999 = jiff::Timestamp::MIN.as_microsecond() + 1;
    sim.with_world(|w| w.set_shown_created(victim, year_minus_9999));
    let mut probe = Probe::start(&sim, fast(false));
    for _ in 0..3 {
        let s = probe.fresh().await;
        assert!(s.participants.iter().any(|p| p.id == victim));
    }
    assert!(probe.failures.is_empty(), "{:?}", probe.failures);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_unreadable_record_does_not_end_the_walk() {
    // 150 newcomers push a connect room's participants to the second page; one record on the
    // first page is unreadable. The walk must still reach them.
    let sim = sim_with(still(2_000, 2, 2, 1)).await;
    let (connect, conf_room) = sim.with_world(|w| {
        let rooms = w.open_conferences(0);
        let c = rooms
            .iter()
            .find(|r| r.kind == ConferenceKind::Connect)
            .unwrap()
            .id;
        let r = rooms
            .iter()
            .find(|r| r.kind == ConferenceKind::Conference)
            .unwrap()
            .id;
        (c, r)
    });
    let newest = sim.with_world(|w| {
        let ids: Vec<Uuid> = (0..150)
            .map(|_| w.spawn_participant(conf_room).unwrap())
            .collect();
        ids[149]
    });
    sim.with_world(|w| w.garble(newest));
    let pair: HashSet<Uuid> = sim.with_world(|w| {
        w.live_participants(0)
            .iter()
            .filter(|p| p.conference == connect)
            .map(|p| p.id)
            .collect()
    });
    assert_eq!(pair.len(), 2);
    let mut probe = Probe::start(&sim, fast(false));
    let s = probe.fresh().await;
    let got: HashSet<Uuid> = s.participants.iter().map(|p| p.id).collect();
    assert!(
        pair.is_subset(&got),
        "the connect room's participants were found"
    );
    assert!(
        !got.contains(&newest),
        "the unreadable record is skipped, not guessed at"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn optional_work_never_delays_the_next_refresh() {
    // A long history and slow answers: call lookups and the history scan have far more to do
    // than fits in an interval. The snapshots must still come every interval.
    let sim = sim_with(still(20_000, 10, 10, 2)).await;
    sim.set_faults(Faults {
        latency: Duration::from_millis(150),
        ..Faults::default()
    });
    let mut probe = Probe::start(&sim, fast(false));
    probe.fresh().await;
    // Were optional work let run to its end, the history scan alone (200 pages at 150 ms)
    // would hold a refresh back for half a minute; each must come within a generous deadline.
    for i in 0..8 {
        timeout(Duration::from_secs(10), probe.fresh())
            .await
            .unwrap_or_else(|_| panic!("refresh {i} was held back"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_budget_still_loads_caller_details() {
    let sim = sim_with(still(100, 2, 3, 0)).await;
    let mut probe = Probe::start(
        &sim,
        SyncConfig {
            // Under 2.5/s the burst is below the old fixed reserve of 4 tokens plus one.
            budget: BudgetConfig::fixed(2.0, 4.0),
            interval: Duration::from_secs(2),
            name_everyone: true,
            ..fast(false)
        },
    );
    let s = probe.fresh().await;
    let wanted: HashSet<Uuid> = s
        .participants
        .iter()
        .filter_map(|p| p.reference_id)
        .collect();
    let t0 = Instant::now();
    while !wanted.iter().all(|id| probe.calls.contains_key(id)) {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "caller details never loaded"
        );
        probe.event(Duration::from_secs(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_capped_call_walk_resumes_in_bulk() {
    // Many callers to resolve and a small page cap: the bulk walk of `GET /calls` reaches its
    // cap within one refresh and must resume there, not fall back to one request per call.
    let sim = sim_with(SimConfig {
        server: ServerOptions {
            rate_limit: None,
            ..ServerOptions::default()
        },
        ..still(100, 30, 10, 0)
    })
    .await;
    let client = client_for(&sim);
    let budget = sync::Budget::new(BudgetConfig::fixed(1e6, 1e6));
    let mut tracker = sync::Tracker::new(sync::TrackerConfig {
        full_pages: 2,
        ..sync::TrackerConfig::default()
    });
    let (tx, mut rx) = tokio::sync::mpsc::channel::<SyncEvent>(1024);
    let mut live: HashSet<Uuid> = HashSet::new();
    let mut named: HashSet<Uuid> = HashSet::new();
    for _ in 0..8 {
        let mut f = sync::Fetcher::new(&client, &budget);
        tracker
            .refresh(
                &mut f,
                jiff::Timestamp::now(),
                &Wanted::everyone(),
                &tx,
                false,
            )
            .await
            .expect("refresh");
        while let Ok(ev) = rx.try_recv() {
            match ev {
                SyncEvent::Snapshot(s) => {
                    live = s
                        .participants
                        .iter()
                        .filter_map(|p| p.reference_id)
                        .collect()
                }
                SyncEvent::Calls(calls) => named.extend(calls.iter().map(|c| c.id)),
                _ => {}
            }
        }
    }
    assert_eq!(live.len(), 300);
    assert!(live.is_subset(&named), "every caller resolved");
    let pages = sim.counter().get("GET", "/calls");
    let one_by_one = sim.counter().get("GET", "/calls/{id}");
    assert!(
        pages >= 3,
        "the walk went past one refresh's cap: {pages} pages"
    );
    assert_eq!(one_by_one, 0, "no caller fetched one by one");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_room_participants_are_not_lost() {
    // Queue rooms, like connect rooms, are absent from GET /conferences (API.md §4).
    let sim = sim_with(SimConfig {
        scenario: Scenario {
            queue_conferences: 2,
            ..still(2_000, 3, 3, 1).scenario
        },
        ..still(2_000, 3, 3, 1)
    })
    .await;
    let queued: HashSet<Uuid> = sim.with_world(|w| {
        w.open_conferences(0)
            .iter()
            .filter(|r| r.kind == ConferenceKind::Queue)
            .flat_map(|r| r.members.clone())
            .collect()
    });
    assert_eq!(queued.len(), 6);
    let mut probe = Probe::start(&sim, fast(false));
    let s = probe.fresh().await;
    let ids: HashSet<Uuid> = s.participants.iter().map(|p| p.id).collect();
    assert!(queued.is_subset(&ids));
    assert_eq!(ids, sim_live(&sim));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recent_leavers_on_the_pages_read_are_reported_once() {
    let sim = sim_with(still(100, 3, 3, 0)).await;
    // Two participants hang up before conftop starts: it never sees them in a room.
    let gone: Vec<Uuid> = sim.with_world(|w| {
        w.live_participants(0)
            .iter()
            .take(2)
            .map(|p| p.id)
            .collect()
    });
    sim.with_world(|w| {
        for id in &gone {
            assert!(w.hang_up(*id));
        }
    });
    // Past the simulated leave delay, so they are `leaved`.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let mut probe = Probe::start(&sim, fast(false));
    let first = probe.snapshot().await;
    assert!(first.participants.iter().all(|p| !gone.contains(&p.id)));
    let requests = sim.counter().total();
    for _ in 0..3 {
        probe.fresh().await;
    }
    probe.drain();
    for id in &gone {
        let told = probe.departed.iter().filter(|d| *d == id).count();
        assert_eq!(told, 1, "{id} reported once: {:?}", probe.departed);
    }
    // Nothing asked for them: the pages read anyway hold them.
    let per_refresh = (sim.counter().total() - requests) as f64 / 3.0;
    assert!(per_refresh <= 3.0, "{per_refresh} requests per refresh");
}

/// A 429 with neither `Retry-After` nor `limited_by` (a backend's "too many requests", API.md
/// §7) may be the customer's limit: conftop cuts its rate as it does for the customer's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bare_429_is_taken_as_the_customers_limit() {
    let sim = sim_with(SimConfig {
        faults: Faults {
            bare_429_rate: 0.3,
            ..Faults::default()
        },
        ..still(300, 4, 3, 0)
    })
    .await;
    let mut probe = Probe::start(
        &sim,
        SyncConfig {
            budget: BudgetConfig::adaptive(8.0),
            ..fast(false)
        },
    );
    let mut cut = None;
    let deadline = Instant::now() + Duration::from_secs(20);
    while cut.is_none() && Instant::now() < deadline {
        if let Ok(Some(SyncEvent::Rate(r))) =
            timeout(Duration::from_millis(500), probe.handle.events.recv()).await
        {
            cut = Some(r);
        }
    }
    let r = cut.expect("the rate was cut");
    assert!(r.cuts >= 1 && r.per_second < r.ceiling, "{r:?}");
    assert!(sim.counter().status(429) > 0);
}
