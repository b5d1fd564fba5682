//! Alerts for the NOC's own tools: trouble that starts or ends, as facts for the alert command
//! (`--alert-command`). Worked out from the app state once a second (on the tick): a
//! participant stuck joining or leaving past the critical threshold, the data stale or gone
//! (and live again), a conference that emptied. Each alert is rate-limited on its own, and
//! all of them together, so a storm never becomes a storm of processes: a start held back
//! runs when the limit allows, if its trouble is still on.

use std::collections::{HashMap, HashSet, VecDeque};

use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use super::freshness::Freshness;
use super::{AppState, Command};

/// What the alert is about (`CONFTOP_ALERT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertKind {
    /// A participant held in `joining` or `leaving` past `--stuck-crit`.
    Stuck,
    /// The data on screen is stale, or withdrawn (NO DATA).
    Stale,
    /// The data is live again after a `stale` alert: that alert's end.
    Live,
    /// A conference that had people has nobody left in it.
    Emptied,
}

impl AlertKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Stuck => "stuck",
            AlertKind::Stale => "stale",
            AlertKind::Live => "live",
            AlertKind::Emptied => "emptied",
        }
    }
}

/// Whether the trouble starts or ends (`CONFTOP_STATE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertState {
    Start,
    End,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Start => "start",
            AlertState::End => "end",
        }
    }
}

/// One alert's facts, every text already sanitised (as the screen shows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub kind: AlertKind,
    pub state: AlertState,
    pub at: Timestamp,
    pub participant: Option<Uuid>,
    pub conference: Option<Uuid>,
    pub conference_name: String,
    pub caller_name: String,
    pub caller_number: String,
    /// In words: "joining for 2m10s", "stale: no answer from the API", …
    pub detail: String,
}

impl Alert {
    /// The environment the alert command gets, name by name.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let id = |u: Option<Uuid>| u.map(|u| u.to_string()).unwrap_or_default();
        vec![
            ("CONFTOP_ALERT", self.kind.as_str().to_owned()),
            ("CONFTOP_STATE", self.state.as_str().to_owned()),
            ("CONFTOP_TIME", self.at.to_string()),
            ("CONFTOP_PARTICIPANT_ID", id(self.participant)),
            ("CONFTOP_CONFERENCE_ID", id(self.conference)),
            ("CONFTOP_CONFERENCE_NAME", self.conference_name.clone()),
            ("CONFTOP_CALLER_NAME", self.caller_name.clone()),
            ("CONFTOP_CALLER_NUMBER", self.caller_number.clone()),
            ("CONFTOP_DETAIL", self.detail.clone()),
        ]
    }

    /// "stuck start: Fatima Okafor in Sales bridge (joining for 2m10s)"
    pub fn summary(&self) -> String {
        let who = [self.caller_name.as_str(), self.caller_number.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let mut s = format!("{} {}", self.kind.as_str(), self.state.as_str());
        if !who.is_empty() {
            s.push_str(": ");
            s.push_str(&who);
        }
        if !self.conference_name.is_empty() {
            s.push_str(if who.is_empty() { ": " } else { " in " });
            s.push_str(&self.conference_name);
        }
        if !self.detail.is_empty() {
            s.push_str(&format!(" ({})", self.detail));
        }
        s
    }
}

/// The same alert (kind and subject) runs at most once in this long.
pub const EACH_EVERY: SignedDuration = SignedDuration::from_secs(60);
/// At most this many alerts a minute in all; the rest are counted and said.
pub const PER_MINUTE: usize = 20;

/// What a trouble is about, for its start, its end and its rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Subject {
    Participant(Uuid),
    Data,
    Conference(Uuid),
}

/// A trouble that is on: its start ran, or waits for the rate limit to allow it.
#[derive(Debug)]
enum On {
    Sent,
    Waiting(Box<Alert>),
}

/// Which troubles are on, and what was sent.
#[derive(Debug, Default)]
pub struct Alerts {
    /// Troubles on now. A start held back by a limit runs once the limit allows, if the
    /// trouble is still on; one that ended before that is never said (nor its end).
    on: HashMap<Subject, On>,
    /// When each subject's alert last ran.
    last: HashMap<Subject, Timestamp>,
    /// When the alerts of the last minute ran.
    recent: VecDeque<Timestamp>,
    /// Conferences that had people, while the data was live.
    occupied: HashSet<Uuid>,
    /// The stale alert said NO DATA already.
    said_no_data: bool,
    /// Whether the limit a minute held something back that was not said yet.
    said_held: bool,
}

impl AppState {
    /// Once a second: the troubles that started or ended since the last, as commands for
    /// the alert command (only when one is set).
    pub(super) fn report_alerts(&mut self, out: &mut Vec<Command>) {
        if !self.cfg.alerts {
            return;
        }
        let mut due = Vec::new();
        self.data_alerts(&mut due);
        if self.snapshots > 0 && self.sync.loading.is_none() && !self.withdrawn() {
            self.stuck_alerts(&mut due);
            self.emptied_alerts(&mut due);
        }
        let now = self.now;
        let mut alerts = std::mem::take(&mut self.alerts);
        for (subject, alert) in due {
            if let Some(alert) = alerts.pass(subject, alert, now) {
                out.push(Command::Alert(Box::new(alert)));
            }
        }
        for alert in alerts.retry(now) {
            out.push(Command::Alert(Box::new(alert)));
        }
        let waiting = alerts.waiting();
        if waiting > 0 && alerts.recent.len() >= PER_MINUTE && !alerts.said_held {
            alerts.said_held = true;
            let text = format!(
                "{waiting} alerts wait: more than {PER_MINUTE} a minute; they run as the limit allows"
            );
            tracing::warn!("{text}");
            self.toast(super::Level::Warn, text);
        }
        alerts.said_held &= waiting > 0;
        self.alerts = alerts;
    }

    fn alert(&self, kind: AlertKind, state: AlertState) -> Alert {
        Alert {
            kind,
            state,
            at: self.now,
            participant: None,
            conference: None,
            conference_name: String::new(),
            caller_name: String::new(),
            caller_number: String::new(),
            detail: String::new(),
        }
    }

    fn data_alerts(&mut self, due: &mut Vec<(Subject, Alert)>) {
        let f = self.freshness();
        let live = matches!(f, Freshness::Live { .. });
        let bad = match &f {
            Freshness::Stale { .. } => Some(("stale", "the data is stale".to_owned())),
            Freshness::NoData { reason, .. } => Some(("nodata", format!("no data: {reason}"))),
            _ => None,
        };
        let on = self.alerts.on.contains_key(&Subject::Data);
        match bad {
            Some((word, detail)) if !on || (word == "nodata" && !self.alerts.said_no_data) => {
                // Only once there was something to go stale: a start against a server that
                // never answered is NO DATA, said as such.
                let mut a = self.alert(AlertKind::Stale, AlertState::Start);
                a.detail = crate::text::sanitize(&detail, 200);
                self.alerts.said_no_data = word == "nodata";
                if on {
                    // From stale to NO DATA: said again, as a new start of the same trouble.
                    self.alerts.on.remove(&Subject::Data);
                    self.alerts.last.remove(&Subject::Data);
                }
                due.push((Subject::Data, a));
            }
            None if live && on => {
                let mut a = self.alert(AlertKind::Live, AlertState::Start);
                a.detail = "the data is live again".to_owned();
                self.alerts.said_no_data = false;
                due.push((Subject::Data, a));
            }
            _ => {}
        }
    }

    fn stuck_alerts(&mut self, due: &mut Vec<(Subject, Alert)>) {
        let crit = self.cfg.thresholds.crit;
        let mut now_stuck: HashMap<Uuid, SignedDuration> = HashMap::new();
        for p in self.participants.values() {
            if p.gone_at.is_none()
                && let Some(d) = self.stuck(p)
                && d >= crit
            {
                now_stuck.insert(p.id, d);
            }
        }
        let was: Vec<Uuid> = self
            .alerts
            .on
            .keys()
            .filter_map(|s| match s {
                Subject::Participant(id) => Some(*id),
                _ => None,
            })
            .collect();
        for id in was {
            if !now_stuck.contains_key(&id) {
                let mut a = self.participant_alert(id, AlertKind::Stuck, AlertState::End);
                a.detail = match self.participants.get(&id) {
                    Some(p) if p.gone_at.is_none() => format!("now {}", p.status.as_str()),
                    _ => "left".to_owned(),
                };
                due.push((Subject::Participant(id), a));
            }
        }
        for (id, d) in now_stuck {
            if !self.alerts.on.contains_key(&Subject::Participant(id)) {
                let mut a = self.participant_alert(id, AlertKind::Stuck, AlertState::Start);
                let status = self.participants.get(&id).map_or("", |p| p.status.as_str());
                a.detail = format!("{status} for {}", crate::format::duration(d));
                due.push((Subject::Participant(id), a));
            }
        }
    }

    fn participant_alert(&self, id: Uuid, kind: AlertKind, state: AlertState) -> Alert {
        let mut a = self.alert(kind, state);
        a.participant = Some(id);
        if let Some(p) = self.participants.get(&id) {
            a.conference = Some(p.conference_id);
            a.conference_name = self.conference_label(&p.conference_id);
            if let Some(c) = self.caller_of(p) {
                a.caller_name = c.remote().name.clone();
                a.caller_number = c.remote().shown().to_owned();
            }
        }
        a
    }

    fn emptied_alerts(&mut self, due: &mut Vec<(Subject, Alert)>) {
        let present = self.present_by_conference();
        let listed: Vec<Uuid> = self
            .conferences
            .iter()
            .filter(|(_, c)| c.listed)
            .map(|(id, _)| *id)
            .collect();
        for id in listed {
            let people = present.get(&id).copied().unwrap_or(0);
            let on = self.alerts.on.contains_key(&Subject::Conference(id));
            if people > 0 {
                if on {
                    let mut a = self.conference_alert(id, AlertState::End);
                    a.detail = format!("{people} present again");
                    due.push((Subject::Conference(id), a));
                }
                self.alerts.occupied.insert(id);
            } else if self.alerts.occupied.remove(&id) && !on {
                let mut a = self.conference_alert(id, AlertState::Start);
                a.detail = "nobody left in it".to_owned();
                due.push((Subject::Conference(id), a));
            }
        }
        // A room no longer listed has ended: its trouble with it.
        let ended: Vec<Uuid> = self
            .alerts
            .on
            .keys()
            .filter_map(|s| match s {
                Subject::Conference(id) if !self.conferences.get(id).is_some_and(|c| c.listed) => {
                    Some(*id)
                }
                _ => None,
            })
            .collect();
        for id in ended {
            let mut a = self.conference_alert(id, AlertState::End);
            a.detail = "the conference ended".to_owned();
            due.push((Subject::Conference(id), a));
        }
        self.alerts
            .occupied
            .retain(|id| self.conferences.get(id).is_some_and(|c| c.listed));
    }

    fn conference_alert(&self, id: Uuid, state: AlertState) -> Alert {
        let mut a = self.alert(AlertKind::Emptied, state);
        a.conference = Some(id);
        a.conference_name = self.conference_label(&id);
        a
    }
}

impl Alerts {
    /// The alert, if it is to run now: a start at most once in [`EACH_EVERY`] for its
    /// subject and [`PER_MINUTE`] in all (else it waits, see [`Alerts::retry`]); an end only
    /// of a start that ran.
    fn pass(&mut self, subject: Subject, alert: Alert, now: Timestamp) -> Option<Alert> {
        self.forget(now);
        // `live` is how a `stale` ends.
        let ending = alert.state == AlertState::End || alert.kind == AlertKind::Live;
        if ending {
            return match self.on.remove(&subject) {
                Some(On::Sent) => Some(self.ran(subject, alert, now)),
                // Its start was never said: neither is its end.
                Some(On::Waiting(_)) | None => None,
            };
        }
        if self.may_run(subject, now) {
            self.on.insert(subject, On::Sent);
            Some(self.ran(subject, alert, now))
        } else {
            self.on.insert(subject, On::Waiting(Box::new(alert)));
            None
        }
    }

    /// Starts held back that the limits allow now (their facts as when the trouble began).
    fn retry(&mut self, now: Timestamp) -> Vec<Alert> {
        self.forget(now);
        let mut ready: Vec<Subject> = self
            .on
            .iter()
            .filter(|(_, on)| matches!(on, On::Waiting(_)))
            .map(|(s, _)| *s)
            .filter(|s| self.quiet(*s, now))
            .collect();
        ready.sort_by_key(|s| match self.on.get(s) {
            Some(On::Waiting(a)) => a.at,
            _ => now,
        });
        let mut out = Vec::new();
        for subject in ready {
            if self.recent.len() >= PER_MINUTE {
                break;
            }
            if let Some(On::Waiting(alert)) = self.on.insert(subject, On::Sent) {
                out.push(self.ran(subject, *alert, now));
            }
        }
        out
    }

    fn waiting(&self) -> usize {
        self.on
            .values()
            .filter(|on| matches!(on, On::Waiting(_)))
            .count()
    }

    fn quiet(&self, subject: Subject, now: Timestamp) -> bool {
        self.last
            .get(&subject)
            .is_none_or(|t| now.duration_since(*t) >= EACH_EVERY)
    }

    fn may_run(&self, subject: Subject, now: Timestamp) -> bool {
        self.quiet(subject, now) && self.recent.len() < PER_MINUTE
    }

    fn ran(&mut self, subject: Subject, alert: Alert, now: Timestamp) -> Alert {
        self.last.insert(subject, now);
        self.recent.push_back(now);
        alert
    }

    /// What is older than the limits look at.
    fn forget(&mut self, now: Timestamp) {
        let minute = SignedDuration::from_mins(1);
        while self
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= minute)
        {
            self.recent.pop_front();
        }
        self.last.retain(|_, t| now.duration_since(*t) < EACH_EVERY);
    }
}
