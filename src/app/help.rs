//! The help's lines, built once here without styles; the UI styles each part by its tone and
//! scrolls through them, and the app bounds the scrolling by the same count.

use crate::api::ConferencecallStatus;
use crate::sync::Channel;

use super::AppState;
use super::keys::Context;
use super::status::{self, UNKNOWN};
use super::view::SortMode;
use crate::format;

/// What a part of a help line is, for the UI to pick a style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tone {
    Title,
    Key,
    Text,
    Muted,
    Warn,
    ReadOnly,
    /// Shown as the badge of this status is.
    Status(ConferencecallStatus),
}

/// One line: its indent and its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpLine {
    pub indent: u16,
    pub parts: Vec<(String, Tone)>,
}

fn line(indent: u16, parts: &[(&str, Tone)]) -> HelpLine {
    HelpLine {
        indent,
        parts: parts
            .iter()
            .map(|(t, tone)| ((*t).to_owned(), tone.clone()))
            .collect(),
    }
}

/// The help's lines wrapped to `width` cells, as the help box shows them: a long line breaks
/// at spaces and goes on under its text (a key's sentence under the sentence).
pub fn wrapped(app: &AppState, width: u16) -> Vec<HelpLine> {
    lines(app)
        .into_iter()
        .flat_map(|l| wrap(l, width as usize))
        .collect()
}

fn wrap(l: HelpLine, width: usize) -> Vec<HelpLine> {
    let cells = |s: &str| crate::text::width(s);
    let whole = l.indent as usize + l.parts.iter().map(|(t, _)| cells(t)).sum::<usize>();
    if whole <= width {
        return vec![l];
    }
    let under = match l.parts.first() {
        Some((key, Tone::Key)) if l.parts.len() > 1 => l.indent + cells(key) as u16,
        _ => l.indent + 2,
    };
    let mut out = Vec::new();
    let mut cur = HelpLine {
        indent: l.indent,
        parts: Vec::new(),
    };
    let mut used = l.indent as usize;
    for (text, tone) in l.parts {
        for word in text.split_inclusive(' ') {
            let fits = used + cells(word.trim_end()) <= width;
            if !fits && !cur.parts.is_empty() && used > under as usize {
                out.push(std::mem::replace(
                    &mut cur,
                    HelpLine {
                        indent: under,
                        parts: Vec::new(),
                    },
                ));
                used = under as usize;
            }
            match cur.parts.last_mut() {
                Some((t, last)) if *last == tone => t.push_str(word),
                _ => cur.parts.push((word.to_owned(), tone.clone())),
            }
            used += cells(word);
        }
    }
    out.push(cur);
    out
}

/// Keys (from the key table), the badge legend, thresholds, sort orders, staleness and the
/// audit log.
pub fn lines(app: &AppState) -> Vec<HelpLine> {
    let mut out = Vec::new();
    // Where actions are recorded comes first, above the fold of any screen.
    if app.cfg.mode.read_only() {
        let text = "Read-only: removing participants is switched off.";
        out.push(line(1, &[(text, Tone::ReadOnly)]));
    } else if let Some(path) = &app.cfg.audit_path {
        out.push(line(
            1,
            &[
                ("Removals and mutes are logged (UTC) to ", Tone::Muted),
                (path, Tone::Text),
            ],
        ));
    }
    let zone = format!(
        "Times of day are in {}.",
        format::zone(app.now, &app.cfg.tz)
    );
    out.push(line(1, &[(&zone, Tone::Muted)]));
    if !app.cfg.credential_source.is_empty() {
        let from = app.cfg.credential_source.as_str();
        out.push(line(
            1,
            &[("Credentials from ", Tone::Muted), (from, Tone::Text)],
        ));
    }
    for w in &app.cfg.warnings {
        out.push(line(1, &[(w.as_str(), Tone::Warn)]));
    }
    out.push(line(0, &[]));
    out.push(line(1, &[("Keys", Tone::Title)]));
    for ctx in [Context::List, Context::Dialog, Context::Copy] {
        for b in app.keys.bindings(ctx).filter(|b| !b.help.is_empty()) {
            let keys = format!("{:<12}", b.keys_label);
            let prefix = match ctx {
                Context::Dialog => "in the dialog: ",
                Context::Copy => "in the copy menu: ",
                Context::List => "",
            };
            out.push(line(
                2,
                &[
                    (&keys, Tone::Key),
                    (prefix, Tone::Muted),
                    (b.help, Tone::Text),
                ],
            ));
        }
    }
    let words = "keys typed fast (a word, a paste) are text: they start a search, never a command";
    out.push(line(2, &[(words, Tone::Muted)]));
    if !app.watches.is_empty() {
        out.push(line(0, &[]));
        out.push(line(1, &[("Watching", Tone::Title)]));
        for w in &app.watches {
            let label = w.watch.label(app);
            let since = format!("  since {}", format::clock(w.since, &app.cfg.tz));
            out.push(line(2, &[(&label, Tone::Text), (&since, Tone::Muted)]));
        }
    }
    out.push(line(0, &[]));
    out.push(line(1, &[("Status badges", Tone::Title)]));
    for st in status::legend() {
        let b = status::badge(&st).unwrap_or(&UNKNOWN);
        let label = format!("{} {:<9}", b.symbol, b.word);
        out.push(line(
            2,
            &[
                (&label, Tone::Status(st)),
                (" ", Tone::Text),
                (b.meaning, Tone::Text),
            ],
        ));
    }
    out.push(line(0, &[]));
    let th = app.cfg.thresholds;
    let stuck = format!(
        "⚠ stuck: joining or leaving longer than {} (warning) or {} (critical)",
        format::duration(th.warn),
        format::duration(th.crit)
    );
    out.push(line(1, &[(&stuck, Tone::Warn)]));
    let sorts = [
        SortMode::Trouble,
        SortMode::Name,
        SortMode::Size,
        SortMode::Age,
    ]
    .map(|s| s.label())
    .join(" → ");
    out.push(line(
        1,
        &[("Sort orders: ", Tone::Muted), (&sorts, Tone::Text)],
    ));
    let stale = format!(
        "Data turns STALE after {} without a good refresh, NO DATA after {}.",
        format::duration(app.stale_rules().stale_after),
        format::duration(app.stale_rules().no_data_after)
    );
    out.push(line(1, &[(&stale, Tone::Muted)]));
    let words = "how updates come, and how long ago the last one came";
    out.push(line(
        1,
        &[("push 3s / poll 3s: ", Tone::Muted), (words, Tone::Text)],
    ));
    let words = "rooms show at once; callers and times as records arrive";
    out.push(line(
        1,
        &[("loading n/N: ", Tone::Muted), (words, Tone::Text)],
    ));
    let words = "older records read for rooms no list shows, a page now and then";
    out.push(line(
        1,
        &[("history n%: ", Tone::Muted), (words, Tone::Text)],
    ));
    if let Some(h) = &app.sync.horizon {
        let words = horizon_words(h);
        out.push(line(1, &[("History: ", Tone::Muted), (&words, Tone::Text)]));
    }
    let (known, total) = app.names_known();
    let words = if app.name_everyone() {
        format!("everyone's since the first search; all at once while one is on ({known}/{total})")
    } else {
        format!(
            "named as their rows come on screen; everyone's after the first / ({known}/{total})"
        )
    };
    out.push(line(1, &[("Callers: ", Tone::Muted), (&words, Tone::Text)]));
    if let Some(r) = app.rate_cut() {
        let text = format!(
            "{:.1}/s of {} (--budget), cut by {} × 429; grows back slowly",
            r.per_second, r.ceiling, r.cuts
        );
        out.push(line(
            1,
            &[("Request rate: ", Tone::Muted), (&text, Tone::Warn)],
        ));
    }
    match &app.sync.channel {
        Some(Channel::Push { poll }) => {
            let text = format!(
                "push, and a poll every {} for joining and leaving",
                seconds(*poll)
            );
            out.push(line(1, &[("Updates: ", Tone::Muted), (&text, Tone::Text)]));
        }
        Some(Channel::Polling { why }) => {
            let text = format!("polling every {}; push is off:", seconds(app.cfg.interval));
            out.push(line(1, &[("Updates: ", Tone::Muted), (&text, Tone::Text)]));
            out.push(line(3, &[(why, Tone::Warn)]));
        }
        None => {
            let text = "polling until the first picture is complete; push follows";
            out.push(line(1, &[("Updates: ", Tone::Muted), (text, Tone::Text)]));
        }
    }
    out
}

/// The horizon in force, and why.
fn horizon_words(h: &crate::sync::Horizon) -> String {
    use crate::sync::tracker::horizon::Why;
    let span = format::duration(h.span);
    match h.why {
        Why::Set => format!("the last {span} (set by --horizon or the config file)"),
        Why::CallLimit => format!(
            "the last {span}: VoIPbin ends calls after an hour, and nobody live joined earlier"
        ),
        Why::Seen(age) => format!(
            "the last {span}: someone live joined {} ago, so calls here outlast the hour",
            format::duration(age)
        ),
    }
}

/// `2s`, `4.5s`.
fn seconds(d: std::time::Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}
