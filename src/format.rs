//! How times and durations are written on screen.

use std::time::Duration;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// A compact duration: `42s`, `12m05s`, `3h04m`, `2d03h`.
pub fn duration(d: SignedDuration) -> String {
    let s = d.as_secs().max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        3600..86400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{:02}h", s / 86400, (s % 86400) / 3600),
    }
}

/// Time of day with its zone, `HH:MM:SS UTC`: every time of day on screen says its zone, as
/// the audit log (UTC) does.
pub fn clock(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone())
        .strftime("%H:%M:%S %Z")
        .to_string()
}

/// Time of day alone, `HH:MM:SS`, where the zone is written beside it (the large clock).
pub fn time_only(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone())
        .strftime("%H:%M:%S")
        .to_string()
}

/// The zone's abbreviation (or offset) at `t`.
pub fn zone(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone()).strftime("%Z").to_string()
}

/// Date and time with its zone, for the detail pane.
pub fn date_time(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%d %H:%M:%S %Z")
        .to_string()
}

/// A duration as the options take it, so that what is shown can be typed back: `500ms`,
/// `45s`, `2m`, `1h`.
pub fn shown(d: Duration) -> String {
    let ms = d.as_millis();
    match ms {
        _ if ms.is_multiple_of(3_600_000) && ms > 0 => format!("{}h", ms / 3_600_000),
        _ if ms.is_multiple_of(60_000) && ms > 0 => format!("{}m", ms / 60_000),
        _ if ms.is_multiple_of(1000) => format!("{}s", ms / 1000),
        _ => format!("{ms}ms"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let d = SignedDuration::from_secs;
        assert_eq!(duration(d(0)), "0s");
        assert_eq!(duration(d(59)), "59s");
        assert_eq!(duration(d(60)), "1m00s");
        assert_eq!(duration(d(725)), "12m05s");
        assert_eq!(duration(d(3600 * 3 + 240)), "3h04m");
        assert_eq!(duration(d(86400 * 2 + 3 * 3600)), "2d03h");
        assert_eq!(duration(d(-5)), "0s", "clock skew never shows a negative");
    }

    #[test]
    fn clock_in_a_zone() {
        let t: Timestamp = "2026-11-24T10:42:07Z".parse().unwrap();
        assert_eq!(clock(t, &TimeZone::UTC), "10:42:07 UTC");
        let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
        assert_eq!(clock(t, &tokyo), "19:42:07 JST");
        assert_eq!(time_only(t, &tokyo), "19:42:07");
        assert_eq!(date_time(t, &tokyo), "2026-11-24 19:42:07 JST");
    }
}
