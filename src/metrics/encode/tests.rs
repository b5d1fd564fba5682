//! The exposition as a Prometheus parser reads it: names, values, and hostile room names
//! escaped so that they come back as the screen shows them.

use std::collections::HashMap;

use prom_text_format_parser::Scrape;

use super::*;
use crate::app::fixtures::*;
use crate::app::{AppState, Event, Mode, update};

/// What a parser read: each sample's value by its name and labels (values unescaped as the
/// format defines: `\\`, `\"`, `\n`).
struct Read(HashMap<(String, Vec<(String, String)>), f64>);

fn unescape(v: &str) -> String {
    let mut out = String::new();
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            (c, false) => out.push(c),
        }
    }
    out
}

fn parse(text: &str) -> Read {
    let scrape = Scrape::parse(text).unwrap_or_else(|e| panic!("{e:?} in\n{text}"));
    let mut samples = HashMap::new();
    for m in scrape.metrics {
        for s in m.samples {
            let mut labels: Vec<(String, String)> = s
                .labels
                .iter()
                .map(|l| (l.key.clone(), unescape(&l.value)))
                .collect();
            labels.sort();
            samples.insert((m.name.clone(), labels), s.value.value.as_f64());
        }
    }
    Read(samples)
}

impl Read {
    fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let mut l: Vec<(String, String)> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        l.sort();
        self.0.get(&(name.to_owned(), l)).copied()
    }

    /// The label sets of every sample of `name`.
    fn series(&self, name: &str) -> Vec<&Vec<(String, String)>> {
        self.0
            .keys()
            .filter(|(n, _)| n == name)
            .map(|(_, l)| l)
            .collect()
    }
}

fn populated_headless() -> AppState {
    let mut s = app(Mode::Headless);
    update(&mut s, Event::Sync(standard_snapshot()), t0());
    s
}

#[test]
fn every_figure_is_read_back_by_a_prometheus_parser() {
    let s = populated_headless();
    let requests = [
        ("GET /conferences", Answer::Status(200), 3),
        ("GET /conferencecalls", Answer::Status(429), 1),
        ("GET /ws", Answer::Timeout, 2),
    ];
    let text = exposition(&s.health(), &requests, t0() + secs(1), Format::Prometheus);
    let r = parse(&text);
    let alpha = conference_id(1).to_string();
    assert_eq!(
        r.get(
            "conftop_participants",
            &[("conference_id", &alpha), ("status", "joined")]
        ),
        Some(2.0)
    );
    assert_eq!(
        r.get(
            "conftop_participants",
            &[("conference_id", &alpha), ("status", "joining")]
        ),
        Some(1.0)
    );
    assert_eq!(
        r.get(
            "conftop_conference_info",
            &[
                ("conference_id", &alpha),
                ("name", "Alpha"),
                ("type", "conference")
            ]
        ),
        Some(1.0)
    );
    assert_eq!(r.get("conftop_data_state", &[("state", "live")]), Some(1.0));
    assert_eq!(
        r.get("conftop_data_state", &[("state", "stale")]),
        Some(0.0)
    );
    assert_eq!(r.get("conftop_data_age_seconds", &[]), Some(1.0));
    assert_eq!(
        r.get("conftop_stuck_longest_seconds", &[("status", "joining")]),
        Some(5.0),
        "participant 3, as of the figures (the data's age is as of the scrape)"
    );

    assert_eq!(
        r.get(
            "conftop_api_requests_total",
            &[("endpoint", "GET /conferencecalls"), ("answer", "429")]
        ),
        Some(1.0)
    );
    assert_eq!(
        r.get(
            "conftop_api_requests_total",
            &[("endpoint", "GET /ws"), ("answer", "timeout")]
        ),
        Some(2.0)
    );
    assert_eq!(r.get("conftop_conferences", &[]), Some(2.0));
    assert_eq!(
        r.get("conftop_stuck_threshold_seconds", &[("level", "crit")]),
        Some(120.0)
    );
}

/// Names a caller or an admin could give a room: quotes and backslashes, an attempt to close
/// the label and open another, line breaks, terminal escapes, the format's own punctuation,
/// another script, and one far too long.
const HOSTILE: [&str; 8] = [
    r#"Sales "Q4" \ West \"#,
    r#"a"} evil{x="1"#,
    "Line\nbreak\r\ttab",
    "\x1b]0;pwned\x07Room\x1b[2J",
    ",={}#\\n",
    "Réunion 会议 🚀",
    "",
    "x",
];

#[test]
fn hostile_room_names_come_back_as_the_screen_shows_them_and_add_no_series() {
    let mut s = app(Mode::Headless);
    let long = "y".repeat(10_000);
    let mut names: Vec<String> = HOSTILE.iter().map(|n| n.to_string()).collect();
    names[7] = long;
    let rooms: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, n)| conf(i as u128 + 1, n))
        .collect();
    let parts = (0..names.len() as u128)
        .map(|i| cc(i + 1, i + 1, "joined", 60))
        .collect();
    update(&mut s, Event::Sync(snapshot(parts, rooms)), t0());
    let h = s.health();
    let text = exposition(&h, &[], t0(), Format::Prometheus);
    let r = parse(&text);
    let info = r.series("conftop_conference_info");
    assert_eq!(info.len(), names.len(), "one series a room, none injected");
    assert!(r.series("evil").is_empty());
    for room in &h.picture.as_ref().unwrap().rooms {
        let id = room.id.to_string();
        let read = r
            .get(
                "conftop_conference_info",
                &[
                    ("conference_id", &id),
                    ("name", &room.name),
                    ("type", "conference"),
                ],
            )
            .unwrap_or_else(|| panic!("{:?} read back as it is shown, in\n{text}", room.name));
        assert_eq!(read, 1.0);
        assert!(!room.name.chars().any(char::is_control), "{:?}", room.name);
        assert!(
            room.name.chars().count() <= 64,
            "capped: {}",
            room.name.len()
        );
        assert_eq!(
            r.get(
                "conftop_participants",
                &[("conference_id", &id), ("status", "joined")]
            ),
            Some(1.0)
        );
    }
    let shown: Vec<&str> = h
        .picture
        .as_ref()
        .unwrap()
        .rooms
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert!(
        shown.contains(&r#"a"} evil{x="1"#),
        "kept, only escaped: {shown:?}"
    );
    assert!(shown.contains(&"Line break  tab"), "{shown:?}");
    assert!(
        shown.contains(&"Room"),
        "escape sequences removed: {shown:?}"
    );
    // The raw text escapes what the format requires.
    assert!(text.contains(r#"name="a\"} evil{x=\"1""#), "{text}");
    assert!(text.contains(r#"name="Sales \"Q4\" \\ West \\""#), "{text}");
}

#[test]
fn openmetrics_has_the_same_samples_and_ends_with_eof() {
    let s = populated_headless();
    let requests = [("GET /customer", Answer::Status(200), 1)];
    let samples = |format| {
        let text = exposition(&s.health(), &requests, t0(), format);
        let mut lines: Vec<String> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::to_owned)
            .collect();
        lines.sort();
        (text, lines)
    };
    let (om, om_samples) = samples(Format::OpenMetrics);
    let (_, prom_samples) = samples(Format::Prometheus);
    assert!(om.ends_with("# EOF\n"), "{om}");
    assert!(
        om.contains("# UNIT conftop_data_age_seconds seconds"),
        "{om}"
    );
    assert_eq!(om_samples, prom_samples);
    assert_eq!(
        Format::negotiate(Some(
            "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
        )),
        Format::OpenMetrics
    );
    assert_eq!(Format::negotiate(Some("*/*")), Format::Prometheus);
    assert_eq!(Format::negotiate(None), Format::Prometheus);
}

#[test]
fn withdrawn_data_leaves_only_what_is_known_of_the_data_itself() {
    let mut s = app(Mode::Headless);
    let text = exposition(&s.health(), &[], t0(), Format::Prometheus);
    let r = parse(&text);
    assert_eq!(
        r.get("conftop_data_state", &[("state", "connecting")]),
        Some(1.0)
    );
    assert_eq!(
        r.get("conftop_data_age_seconds", &[]),
        None,
        "never confirmed"
    );
    assert!(r.series("conftop_participants").is_empty());
    update(&mut s, Event::Sync(standard_snapshot()), t0());
    // Published once, read two minutes later: no data, its age, and no old figures.
    let h = s.health();
    let text = exposition(&h, &[], t0() + secs(120), Format::Prometheus);
    let r = parse(&text);
    assert_eq!(
        r.get("conftop_data_state", &[("state", "no_data")]),
        Some(1.0)
    );
    assert_eq!(r.get("conftop_data_state", &[("state", "live")]), Some(0.0));
    assert_eq!(r.get("conftop_data_age_seconds", &[]), Some(120.0));
    assert!(r.series("conftop_participants").is_empty());
    assert!(r.series("conftop_stuck_participants").is_empty());
    assert_eq!(r.get("conftop_history_complete", &[]), Some(1.0));
}

/// The names in a text: every `conftop_…` word.
fn names_in(text: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for (i, _) in text.match_indices("conftop_") {
        let name: String = text[i..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        out.insert(name);
    }
    out
}

#[test]
fn the_docs_and_the_grafana_dashboard_name_the_metrics_there_are_and_all_of_them() {
    let mut s = populated_headless();
    s.acted.insert(("remove", "removed"), 1);
    let requests = [("GET /customer", Answer::Status(200), 1)];
    let text = exposition(&s.health(), &requests, t0(), Format::Prometheus);
    let exported: std::collections::BTreeSet<String> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split(['{', ' ']).next())
        .map(str::to_owned)
        .collect();
    let docs = include_str!("../../../docs/metrics.md");
    let grafana = include_str!("../../../docs/grafana/conftop.json");
    serde_json::from_str::<serde_json::Value>(grafana).expect("the dashboard is JSON");
    for name in names_in(docs).iter().chain(&names_in(grafana)) {
        assert!(exported.contains(name), "{name} is named but not exported");
    }
    let documented = names_in(docs);
    for name in &exported {
        assert!(
            documented.contains(name),
            "{name} is exported but not in docs/metrics.md"
        );
    }
}
