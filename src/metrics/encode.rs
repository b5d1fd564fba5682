//! The exposition: [`Health`] and the client's request counts written as OpenMetrics or
//! Prometheus text by `prometheus-client`, which escapes every label value. A registry is
//! built afresh for each scrape from the latest figures, so a room that ended leaves no
//! series behind, and nothing here can ask the API anything.

use std::sync::atomic::AtomicU64;

use jiff::Timestamp;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};

use crate::api::Answer;
use crate::app::freshness::Freshness;
use crate::app::health::Health;

/// Which text format a scrape asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/openmetrics-text; version=1.0.0`: what Prometheus asks for first.
    OpenMetrics,
    /// `text/plain; version=0.0.4`: for anything else (curl, older scrapers).
    Prometheus,
}

impl Format {
    /// OpenMetrics when the `Accept` header names it, else the Prometheus text format.
    pub fn negotiate(accept: Option<&str>) -> Format {
        match accept {
            Some(a) if a.contains("application/openmetrics-text") => Format::OpenMetrics,
            _ => Format::Prometheus,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Format::Prometheus => prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
        }
    }
}

/// Requests sent by endpoint and answer, as [`crate::api::RequestCounts::snapshot`] gives them.
pub type Requests = [(&'static str, Answer, u64)];

type Labels = Vec<(&'static str, String)>;
type FloatGauge = Gauge<f64, AtomicU64>;

/// The states `conftop_data_state` names, in the order the screen goes through them.
const STATES: [&str; 4] = ["connecting", "live", "stale", "no_data"];

/// The whole exposition as of `now`: freshness is judged at `now`, so a scrape of figures that
/// were not renewed still says how old they are (and withdraws them once the screen would).
pub fn exposition(health: &Health, requests: &Requests, now: Timestamp, format: Format) -> String {
    let registry = registry(health, requests, now);
    let mut out = String::new();
    let written = match format {
        Format::OpenMetrics => prometheus_client::encoding::text::encode(&mut out, &registry),
        Format::Prometheus => {
            prometheus_client::encoding::prometheus_text::encode(&mut out, &registry)
        }
    };
    // Writing into a String cannot fail; if the encoder ever did, say so rather than half.
    match written {
        Ok(()) => out,
        Err(_) => String::new(),
    }
}

fn labels<const N: usize>(pairs: [(&'static str, &str); N]) -> Labels {
    pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

fn registry(h: &Health, requests: &Requests, now: Timestamp) -> Registry {
    let mut r = Registry::with_prefix("conftop");
    let freshness = h.freshness(now);

    let info = Family::<Labels, Gauge>::default();
    let (customer_id, customer) = h
        .customer
        .as_ref()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .unwrap_or_default();
    info.get_or_create(&labels([
        ("version", env!("CARGO_PKG_VERSION")),
        ("api_host", &h.host),
        ("customer_id", &customer_id),
        ("customer", &customer),
    ]))
    .set(1);
    r.register(
        "info",
        "conftop's version, the API host it watches and the customer (never a credential)",
        info,
    );

    let state = Family::<Labels, Gauge>::default();
    let now_state = match freshness {
        Freshness::Connecting => "connecting",
        Freshness::Live { .. } => "live",
        Freshness::Stale { .. } => "stale",
        Freshness::NoData { .. } => "no_data",
    };
    for s in STATES {
        state
            .get_or_create(&labels([("state", s)]))
            .set(i64::from(s == now_state));
    }
    r.register(
        "data_state",
        "How true the figures are, as the screen says it: 1 for the state now (connecting, \
         live, stale, no_data), 0 for the others",
        state,
    );

    if let Some(ok) = h.conn.last_ok {
        let age = FloatGauge::default();
        age.set(now.duration_since(ok).as_secs_f64().max(0.0));
        r.register_with_unit(
            "data_age",
            "Time since the API last confirmed the picture",
            Unit::Seconds,
            age,
        );
        let at = FloatGauge::default();
        at.set(ok.as_millisecond() as f64 / 1000.0);
        r.register_with_unit(
            "data_confirmed_timestamp",
            "When the API last confirmed the picture, in Unix time",
            Unit::Seconds,
            at,
        );
    }

    let flag = |on: bool| {
        let g = Gauge::<i64>::default();
        g.set(i64::from(on));
        g
    };
    r.register(
        "push_active",
        "1 while VoIPbin pushes changes over its websocket, 0 while conftop only polls",
        flag(h.pushing),
    );
    r.register(
        "history_complete",
        "1 once the history within the horizon is read (until then, participants of unlisted \
         rooms who joined long ago may be missing)",
        flag(h.history_complete),
    );

    let thresholds = Family::<Labels, FloatGauge>::default();
    for (level, d) in [("warn", h.thresholds.warn), ("crit", h.thresholds.crit)] {
        thresholds
            .get_or_create(&labels([("level", level)]))
            .set(d.as_secs_f64());
    }
    r.register_with_unit(
        "stuck_threshold",
        "The --stuck-warn and --stuck-crit in force",
        Unit::Seconds,
        thresholds,
    );

    if let Some(p) = h.picture_at(now) {
        picture(&mut r, p);
    }

    let sent = Family::<Labels, Counter>::default();
    for (endpoint, answer, n) in requests {
        sent.get_or_create(&labels([
            ("endpoint", endpoint),
            ("answer", &answer.label()),
        ]))
        .inc_by(*n);
    }
    r.register(
        "api_requests",
        "Requests conftop sent to the API, by endpoint (a route template) and answer (the \
         HTTP status, or timeout, no_connection, bad_answer)",
        sent,
    );

    let acted = Family::<Labels, Counter>::default();
    for (action, outcome, n) in &h.actions {
        acted
            .get_or_create(&labels([("action", action), ("outcome", outcome)]))
            .inc_by(*n);
    }
    r.register(
        "actions",
        "Removals and mutes by outcome, in the audit log's words",
        acted,
    );
    r
}

/// The figures that exist only while the data is shown.
fn picture(r: &mut Registry, p: &crate::app::health::Picture) {
    let rooms = Gauge::<i64>::default();
    rooms.set(p.rooms.len() as i64);
    r.register(
        "conferences",
        "Rooms known: listed by the API, or holding a live participant",
        rooms,
    );

    let info = Family::<Labels, Gauge>::default();
    let people = Family::<Labels, Gauge>::default();
    let longest = Family::<Labels, FloatGauge>::default();
    for room in &p.rooms {
        let id = room.id.to_string();
        info.get_or_create(&labels([
            ("conference_id", &id),
            ("name", &room.name),
            ("type", &room.kind),
        ]))
        .set(1);
        for (status, n) in [
            ("joining", room.joining),
            ("joined", room.joined),
            ("leaving", room.leaving),
            ("other", room.other),
        ] {
            people
                .get_or_create(&labels([("conference_id", &id), ("status", status)]))
                .set(i64::from(n));
        }
        longest
            .get_or_create(&labels([("conference_id", &id)]))
            .set(room.longest_stuck.as_secs_f64());
    }
    r.register(
        "conference_info",
        "Each room's name and type, by id (join on conference_id for a name)",
        info,
    );
    r.register(
        "participants",
        "Participants in each room by status (other: a live status this version does not know)",
        people,
    );
    r.register_with_unit(
        "conference_stuck_longest",
        "The longest anyone in the room has been joining or leaving (0: nobody is)",
        Unit::Seconds,
        longest,
    );

    let stuck = Family::<Labels, Gauge>::default();
    for (level, n) in [("warn", p.stuck.past_warn), ("crit", p.stuck.past_crit)] {
        stuck
            .get_or_create(&labels([("level", level)]))
            .set(n as i64);
    }
    r.register(
        "stuck_participants",
        "Participants joining or leaving for at least --stuck-warn (level warn, those past \
         --stuck-crit included) and --stuck-crit (level crit)",
        stuck,
    );
    let longest = Family::<Labels, FloatGauge>::default();
    for (status, d) in [
        ("joining", p.stuck.longest_joining),
        ("leaving", p.stuck.longest_leaving),
    ] {
        longest
            .get_or_create(&labels([("status", status)]))
            .set(d.as_secs_f64());
    }
    r.register_with_unit(
        "stuck_longest",
        "The longest anyone has been joining, and leaving (0: nobody is)",
        Unit::Seconds,
        longest,
    );
}

#[cfg(test)]
mod tests;
