//! One tolerant timestamp decoder for every form the server has sent (API.md §7).
//!
//! - RFC 3339 with 0–9 fractional digits (today's form, trailing zeros trimmed);
//! - the legacy `YYYY-MM-DD HH:MM:SS[.f]` (and `…T…` without a zone), read as UTC;
//! - the `9999-01-01 …` sentinel, `null`, `""` and a missing key all mean "not set".

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde::{Deserialize, Deserializer};

/// Why a timestamp string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a timestamp: {0:?}")]
pub struct TimestampError(String);

/// Parses one timestamp string; `Ok(None)` means "not set".
pub fn parse(s: &str) -> Result<Option<Timestamp>, TimestampError> {
    let s = s.trim();
    if s.is_empty() || s.starts_with("9999-") {
        return Ok(None);
    }
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Ok(Some(ts));
    }
    // No zone: the legacy server wrote UTC wall-clock times.
    let err = || TimestampError(s.chars().take(64).collect());
    let civil: DateTime = s.parse().map_err(|_| err())?;
    TimeZone::UTC
        .to_timestamp(civil)
        .map(Some)
        .map_err(|_| err())
}

/// The page-token layout the server uses: always six fractional digits, UTC.
pub fn format_token(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S.%6fZ").to_string()
}

/// Serde helper for optional timestamp fields; use with `#[serde(default)]` so a missing key
/// decodes too.
pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    match Option::<std::borrow::Cow<'de, str>>::deserialize(d)? {
        None => Ok(None),
        Some(s) => parse(&s).map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn rfc3339_with_any_fraction() {
        for (input, want) in [
            ("2026-02-05T10:30:45Z", "2026-02-05T10:30:45Z"),
            ("2020-09-20T03:23:21.995Z", "2020-09-20T03:23:21.995Z"),
            ("2026-08-06T16:57:14.5Z", "2026-08-06T16:57:14.5Z"),
            (
                "2026-02-05T10:30:45.123456789Z",
                "2026-02-05T10:30:45.123456789Z",
            ),
            ("2026-02-05T12:30:45.1+02:00", "2026-02-05T10:30:45.1Z"),
        ] {
            assert_eq!(parse(input).unwrap(), Some(ts(want)), "{input}");
        }
    }

    #[test]
    fn legacy_forms_are_utc() {
        assert_eq!(
            parse("2022-08-06 16:57:12.247946").unwrap(),
            Some(ts("2022-08-06T16:57:12.247946Z"))
        );
        assert_eq!(
            parse("2022-08-06 16:57:12").unwrap(),
            Some(ts("2022-08-06T16:57:12Z"))
        );
        assert_eq!(
            parse("2006-01-02T15:04:05.000000").unwrap(),
            Some(ts("2006-01-02T15:04:05Z"))
        );
    }

    #[test]
    fn sentinels_and_empty_mean_unset() {
        for s in [
            "9999-01-01 00:00:00.000000",
            "9999-01-01T00:00:00.000000Z",
            "",
            "  ",
        ] {
            assert_eq!(parse(s).unwrap(), None, "{s:?}");
        }
    }

    #[test]
    fn garbage_is_an_error() {
        for s in [
            "yesterday",
            "2026-13-01T00:00:00Z",
            "12:00",
            "2026-02-30 10:00:00",
        ] {
            assert!(parse(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn token_layout_has_six_digits() {
        assert_eq!(
            format_token(ts("2026-08-20T09:12:33.1Z")),
            "2026-08-20T09:12:33.100000Z"
        );
        assert_eq!(
            format_token(ts("2026-08-20T09:12:33Z")),
            "2026-08-20T09:12:33.000000Z"
        );
    }
}
