//! The check's rules: the figures (or why there are none) in, the state and its line out.
//! Pure, so each state is a plain test.

use jiff::Timestamp;
use serde::Serialize;
use uuid::Uuid;

use crate::api::{ApiError, ErrorKind};
use crate::app::health::{Health, Totals};
use crate::format;
use crate::list::ListError;

/// The monitoring-plugin states, by their exit statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl State {
    pub fn exit_code(self) -> u8 {
        match self {
            State::Ok => 0,
            State::Warning => 1,
            State::Critical => 2,
            State::Unknown => 3,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            State::Ok => "OK",
            State::Warning => "WARNING",
            State::Critical => "CRITICAL",
            State::Unknown => "UNKNOWN",
        }
    }
}

/// What the check found: its state, in words, and the facts behind them (`-o json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub state: State,
    pub exit_code: u8,
    /// The line's words between the state and the perfdata.
    pub summary: String,
    /// The API's host and port, never the credential; empty when no client could be made.
    pub api_host: String,
    pub customer: Option<Customer>,
    /// When the picture was read, RFC 3339 in UTC (`null` when there is none).
    pub at: Option<String>,
    /// Whether every live participant was read (`false` when `--timeout` cut it short).
    pub complete: bool,
    pub thresholds: Thresholds,
    pub totals: Option<Counts>,
    /// Those joining or leaving for at least `--stuck-warn`, the longest first.
    pub stuck: Vec<Stuck>,
    pub error: Option<Failure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Customer {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    pub warn_seconds: f64,
    pub crit_seconds: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub conferences: usize,
    pub participants: u32,
    pub joining: u32,
    pub joined: u32,
    pub leaving: u32,
    pub other: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stuck {
    pub participant_id: Uuid,
    pub conference_id: Uuid,
    /// As the screen names the room (sanitised).
    pub conference_name: String,
    /// `joining` or `leaving`.
    pub status: String,
    pub seconds: i64,
    /// `warning` or `critical`.
    pub level: State,
}

/// Why there is no answer about the participants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// `rejected` (401/403), `unreachable` (the API failed every try), `timeout` (no answer
    /// in time), `refused` (the API refused the request itself: a wrong URL), `options`
    /// (bad options, no credential).
    pub kind: &'static str,
    pub message: String,
    pub http_status: Option<u16>,
}

/// Schema of the JSON; fields are only ever added, a change raises it.
pub const SCHEMA_VERSION: u32 = 1;

/// The state of the figures: CRITICAL when anyone is past `--stuck-crit`, WARNING past
/// `--stuck-warn`, else OK; UNKNOWN when nobody is stuck in a picture that is not complete
/// (someone not read yet might be).
pub fn judge(health: &Health, complete: bool) -> Report {
    let thresholds = thresholds(health);
    let mut report = Report::new(State::Unknown, thresholds);
    report.api_host = health.host.clone();
    report.customer = health.customer.as_ref().map(|(id, name)| Customer {
        id: *id,
        name: name.clone(),
    });
    report.at = Some(rfc3339(health.at));
    report.complete = complete;
    let Some(p) = health.picture.as_ref() else {
        report.summary = "no data from the API".to_owned();
        return report;
    };
    let totals = p.totals();
    report.totals = Some(counts(totals));
    report.stuck = p
        .stuck
        .who
        .iter()
        .map(|s| Stuck {
            participant_id: s.participant,
            conference_id: s.conference,
            conference_name: p
                .room(s.conference)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            status: s.status.as_str().to_owned(),
            seconds: s.stuck_for.as_secs(),
            level: if s.critical {
                State::Critical
            } else {
                State::Warning
            },
        })
        .collect();
    let people = format!(
        "{} conferences, {} participants",
        totals.conferences, totals.participants
    );
    let (state, threshold) = match (p.stuck.past_crit, p.stuck.past_warn) {
        (0, 0) => (None, 0.0),
        (0, _) => (Some(State::Warning), thresholds.warn_seconds),
        _ => (Some(State::Critical), thresholds.crit_seconds),
    };
    (report.state, report.summary) = match state {
        Some(state) => {
            let n = report.stuck.iter().filter(|s| s.level == state).count();
            let worst = &report.stuck[0];
            let room = if worst.conference_name.is_empty() {
                String::new()
            } else {
                format!(" in {}", worst.conference_name)
            };
            let secs = |s: f64| std::time::Duration::from_secs_f64(s.max(0.0));
            let words = format!(
                "{n} stuck past {} (longest {} {}{room}), {people}",
                format::shown(secs(threshold)),
                worst.status,
                format::duration(jiff::SignedDuration::from_secs(worst.seconds)),
            );
            (state, words)
        }
        None if !complete => (
            State::Unknown,
            format!(
                "the picture was not complete in time: {people} read, none stuck so far \
                 (a longer --timeout completes it)"
            ),
        ),
        None => (State::Ok, format!("{people}, none stuck")),
    };
    report.exit_code = report.state.exit_code();
    report
}

/// The state when the participants could not be read: the API refusing the credential, or
/// failing or not answering at all, is CRITICAL (conftop's screens with it show NO DATA); a
/// request the API refuses as such (a wrong URL) is the check's own configuration, UNKNOWN.
pub fn failed(health: &Health, error: &ListError) -> Report {
    let mut report = Report::new(State::Critical, thresholds(health));
    report.api_host = health.host.clone();
    let (state, kind, words, api): (_, _, _, Option<&ApiError>) = match error {
        ListError::Rejected { error } => (
            State::Critical,
            "rejected",
            format!("the API refuses the credential: {}", error.describe()),
            Some(error),
        ),
        ListError::Unreachable { tries, error } => (
            State::Critical,
            "unreachable",
            format!(
                "API unreachable or failing: {} ({tries} tries)",
                error.describe()
            ),
            Some(error),
        ),
        ListError::Refused { error } => (
            State::Unknown,
            "refused",
            format!("the API refuses the request: {}", error.describe()),
            Some(error),
        ),
        ListError::Incomplete {
            waited,
            last: Some(error),
        } => (
            State::Critical,
            if error.kind == ErrorKind::Timeout {
                "timeout"
            } else {
                "unreachable"
            },
            format!("no answer within {waited}: {}", error.describe()),
            Some(error),
        ),
        ListError::Incomplete { waited, last: None } => (
            State::Unknown,
            "timeout",
            format!("no picture within {waited} (a longer --timeout may complete it)"),
            None,
        ),
    };
    report.state = state;
    report.exit_code = state.exit_code();
    report.summary = words.clone();
    report.error = Some(Failure {
        kind,
        message: words,
        http_status: api.and_then(|e| e.status),
    });
    report
}

/// UNKNOWN: the check could not even start (bad options, no credential).
pub fn unknown(message: &str) -> Report {
    let mut report = Report::new(
        State::Unknown,
        Thresholds {
            warn_seconds: 0.0,
            crit_seconds: 0.0,
        },
    );
    report.summary = crate::text::sanitize(message, 300);
    report.error = Some(Failure {
        kind: "options",
        message: report.summary.clone(),
        http_status: None,
    });
    report
}

impl Report {
    fn new(state: State, thresholds: Thresholds) -> Report {
        Report {
            schema_version: SCHEMA_VERSION,
            state,
            exit_code: state.exit_code(),
            summary: String::new(),
            api_host: String::new(),
            customer: None,
            at: None,
            complete: false,
            thresholds,
            totals: None,
            stuck: Vec::new(),
            error: None,
        }
    }

    /// `CONFTOP OK - 12 conferences, 59 participants, none stuck | conferences=12;;;0 …`: one
    /// line, whatever the names in it (the sanitiser made them printable, and a `|` in one
    /// would start the perfdata).
    pub fn line(&self) -> String {
        let words = self.summary.replace(['|', '\n', '\r'], "/");
        let mut line = format!("CONFTOP {} - {words}", self.state.word());
        if let Some(t) = &self.totals {
            let longest = self.stuck.first().map_or(0, |s| s.seconds);
            let crit = self.stuck.iter().filter(|s| s.level == State::Critical);
            line.push_str(&format!(
                " | conferences={};;;0 participants={};;;0 joining={};;;0 leaving={};;;0 \
                 stuck_warn={};;;0 stuck_crit={};;;0 longest_stuck={longest}s;{};{};0",
                t.conferences,
                t.participants,
                t.joining,
                t.leaving,
                self.stuck.len(),
                crit.count(),
                self.thresholds.warn_seconds,
                self.thresholds.crit_seconds,
            ));
        }
        line
    }

    /// The same facts as JSON, one document.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).map_or_else(|_| String::from("{}"), |s| s + "\n")
    }
}

fn thresholds(health: &Health) -> Thresholds {
    Thresholds {
        warn_seconds: health.thresholds.warn.as_secs_f64(),
        crit_seconds: health.thresholds.crit.as_secs_f64(),
    }
}

fn counts(t: Totals) -> Counts {
    Counts {
        conferences: t.conferences,
        participants: t.participants,
        joining: t.joining,
        joined: t.joined,
        leaving: t.leaving,
        other: t.other,
    }
}

fn rfc3339(t: Timestamp) -> String {
    t.round(jiff::Unit::Second)
        .unwrap_or(t)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[cfg(test)]
mod tests;
