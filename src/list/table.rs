//! `conftop list`'s table: one line per participant, every network string through the screen's
//! sanitiser, and no escape sequence ever (no colour: it is meant for pipes as much as for
//! eyes). On a terminal it fits the terminal's width; into a file or a pipe nothing is cut.

use std::fmt::Write;

use super::shape::{Listing, Participant};
use crate::text::{sanitize, truncate, width};

/// Columns and the narrowest each is cut to when the table must fit a width; with two spaces
/// between columns that is 79 cells.
const COLUMNS: [(&str, usize); 7] = [
    ("CONFERENCE", 13),
    ("ID", 8),
    ("STATUS", 7),
    ("CALLER", 13),
    ("NUMBER", 14),
    ("IN CONF", 7),
    ("MUTED", 5),
];

/// Columns that give way when the table must fit: names and numbers.
const FLEXIBLE: [usize; 3] = [0, 3, 4];

/// The table, ending in a line of totals; its rows fit `fit` cells when given (a terminal's
/// width; never narrower than 79), else every cell is whole.
pub fn table(l: &Listing, fit: Option<usize>) -> String {
    let mut out = String::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for conference in &l.conferences {
        let name = if conference.name.is_empty() {
            format!("({})", sanitize(&conference.kind, 16))
        } else {
            sanitize(&conference.name, 64)
        };
        for p in &conference.participants {
            rows.push(row(&name, p));
        }
    }
    let widths = widths(&rows, fit);
    if l.totals.participants > 0 {
        let header: Vec<String> = COLUMNS.iter().map(|(h, _)| (*h).to_owned()).collect();
        line(&mut out, &header, &widths);
    }
    for r in &rows {
        line(&mut out, r, &widths);
    }
    let mut summary = format!(
        "{} in {}",
        plural(l.totals.participants, "participant"),
        plural(l.totals.conferences, "conference"),
    );
    let states: Vec<String> = [
        (l.totals.joining, "joining"),
        (l.totals.leaving, "leaving"),
        (l.totals.other, "other"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, s)| format!("{n} {s}"))
    .collect();
    if !states.is_empty() {
        let _ = write!(summary, " ({})", states.join(", "));
    }
    let _ = write!(summary, " at {} on {}", l.at, sanitize(&l.api_host, 64));
    if let Some(f) = &l.filter {
        let _ = write!(summary, ", filter {:?}", sanitize(f, 32));
    }
    if !l.complete {
        summary.push_str("; INCOMPLETE: older participants of connect/queue rooms may be missing");
    }
    if !l.callers_complete {
        summary.push_str("; some callers not known yet");
    }
    out.push_str(&summary);
    out.push('\n');
    out
}

fn row(conference: &str, p: &Participant) -> Vec<String> {
    let mut id = p.id.simple().to_string();
    id.truncate(8);
    let (caller, number) = match &p.caller {
        Some(c) => {
            // As the dashboard shows it: SIP URIs without `sip:`, ids of agents, extensions
            // or rooms as their kind (the name already says who).
            let number = sanitize(&c.number, 64);
            let number = match number.strip_prefix("sip:") {
                Some(rest) => rest.to_owned(),
                None if uuid::Uuid::parse_str(&number).is_ok() => sanitize(&c.kind, 16),
                None => number,
            };
            (sanitize(&c.name, 64), number)
        }
        None => ("?".to_owned(), "?".to_owned()),
    };
    let time = p
        .in_conference_seconds
        .map(|s| crate::format::duration(jiff::SignedDuration::from_secs(s)))
        .unwrap_or_else(|| "?".to_owned());
    let muted = match (p.muted, &p.mute_direction) {
        (Some(true), Some(d)) => sanitize(d, 5),
        (Some(true), None) => "yes".to_owned(),
        (Some(false), _) => String::new(),
        (None, _) => "?".to_owned(),
    };
    vec![
        conference.to_owned(),
        id,
        sanitize(&p.status, 16),
        caller,
        number,
        time,
        muted,
    ]
}

/// Each column as wide as its widest cell; to fit, the fixed columns at their narrowest and the
/// widest of the names and numbers cut one cell at a time.
fn widths(rows: &[Vec<String>], fit: Option<usize>) -> [usize; 7] {
    let mut w = COLUMNS.map(|(h, _)| width(h));
    for r in rows {
        for (i, cell) in r.iter().enumerate() {
            w[i] = w[i].max(width(cell));
        }
    }
    let Some(fit) = fit else {
        return w;
    };
    for (i, (_, narrowest)) in COLUMNS.iter().enumerate() {
        if !FLEXIBLE.contains(&i) {
            w[i] = w[i].min(*narrowest);
        }
    }
    let gaps = 2 * (COLUMNS.len() - 1);
    while w.iter().sum::<usize>() + gaps > fit.max(79) {
        let Some(&widest) = FLEXIBLE
            .iter()
            .filter(|&&i| w[i] > COLUMNS[i].1)
            .max_by_key(|&&i| w[i])
        else {
            break;
        };
        w[widest] -= 1;
    }
    w
}

fn line(out: &mut String, cells: &[String], widths: &[usize; 7]) {
    let mut text = String::new();
    for (i, (w, cell)) in widths.iter().zip(cells).enumerate() {
        let cell = truncate(cell, *w);
        let pad = w.saturating_sub(width(&cell));
        if i > 0 {
            text.push_str("  ");
        }
        // The time is a number: right-aligned.
        if i == 5 {
            text.extend(std::iter::repeat_n(' ', pad));
            text.push_str(&cell);
        } else {
            text.push_str(&cell);
            text.extend(std::iter::repeat_n(' ', pad));
        }
    }
    out.push_str(text.trim_end());
    out.push('\n');
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::super::shape::{Caller, Conference, Totals};
    use super::*;

    fn listing(name: &str, caller: &str) -> Listing {
        let p = Participant {
            id: uuid::Uuid::from_u128(0x3f2a9c1e_0000_4000_8000_000000000001),
            status: "joined".into(),
            reference_type: "call".into(),
            call_id: None,
            joined_at: Some("2026-12-01T03:00:00Z".into()),
            in_conference_seconds: Some(725),
            caller: Some(Caller {
                name: caller.into(),
                number: "+61491570781".into(),
                kind: "tel".into(),
                direction: "incoming".into(),
            }),
            muted: Some(false),
            mute_direction: None,
        };
        Listing {
            schema_version: 1,
            api_host: "api.example".into(),
            customer: None,
            at: "2026-12-01T03:12:05Z".into(),
            filter: None,
            complete: true,
            callers_complete: true,
            totals: Totals {
                conferences: 1,
                participants: 1,
                joined: 1,
                ..Totals::default()
            },
            conferences: vec![Conference {
                id: uuid::Uuid::nil(),
                name: name.into(),
                kind: "conference".into(),
                status: "progressing".into(),
                participants: vec![p],
            }],
        }
    }

    #[test]
    fn hostile_names_are_sanitised_and_lines_fit_80_columns() {
        let t = table(
            &listing(
                "Room\u{1b}]0;pwned\u{7}\u{1b}[31m with a very long name indeed",
                "José 名前が長い\u{1b}[2J Álvarez-Fernández",
            ),
            Some(80),
        );
        assert!(!t.chars().any(|c| c.is_control() && c != '\n'), "{t:?}");
        for l in t.lines() {
            assert!(width(l) <= 80, "{} cells: {l}", width(l));
        }
        assert!(t.contains("12m05s") && t.contains("+61491570781"), "{t}");
        assert!(
            t.ends_with("1 participant in 1 conference at 2026-12-01T03:12:05Z on api.example\n"),
            "{t}"
        );
    }

    #[test]
    fn into_a_file_nothing_is_cut_and_a_terminal_is_filled_to_its_width() {
        let l = listing("Harbor Ops Bridge West", "Quill Tester the Second");
        let whole = table(&l, None);
        assert!(whole.contains("Harbor Ops Bridge West"), "{whole}");
        assert!(whole.contains("Quill Tester the Second"), "{whole}");
        let wide = table(&l, Some(200));
        assert_eq!(wide, whole, "a wide terminal cuts nothing either");
        let narrow = table(&l, Some(60));
        assert!(
            narrow.contains("Harbor Ops") && narrow.contains('…'),
            "{narrow}"
        );
        let rows: Vec<&str> = narrow.lines().collect();
        assert!(
            rows.iter().all(|r| width(r) <= 80),
            "never past 79: {narrow}"
        );
        let header = whole.lines().next().unwrap();
        let row = whole.lines().nth(1).unwrap();
        assert_eq!(
            header.find("ID"),
            row.find(&l.conferences[0].participants[0].id.simple().to_string()[..8]),
            "columns line up: {whole}"
        );
    }
}
