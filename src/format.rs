//! How times and durations are written on screen.

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

/// Time of day, `HH:MM:SS`, in the given zone.
pub fn clock(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone())
        .strftime("%H:%M:%S")
        .to_string()
}

/// Date and time, for the detail pane.
pub fn date_time(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
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
        assert_eq!(clock(t, &TimeZone::UTC), "10:42:07");
        let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
        assert_eq!(clock(t, &tokyo), "19:42:07");
    }
}
