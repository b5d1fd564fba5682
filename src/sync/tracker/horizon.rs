//! How far back a live participant can have joined: the history a complete picture must
//! cover. VoIPbin's call-manager hangs every call up an hour after it began (API.md §5), so on
//! today's server nobody live joined more than an hour ago, and the health check's 24 h only
//! matters where that limit is raised (it is planned upstream). conftop takes neither as a
//! fact: it starts from the hour (with a margin) and widens to the 24 h as soon as it sees a
//! live participant who joined longer ago. A setting fixes it instead.

use jiff::SignedDuration;

/// VoIPbin's call limit today.
pub const CALL_LIMIT: SignedDuration = SignedDuration::from_hours(1);
/// Joins and clocks are not to the second: a participant a little past the hour is not yet
/// evidence against it.
pub const MARGIN: SignedDuration = SignedDuration::from_mins(5);
/// The health check's horizon: nobody live joined longer ago than this (API.md §3).
pub const HEALTH_CHECK: SignedDuration = SignedDuration::from_hours(24);

/// What the horizon is set to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HorizonSetting {
    /// From the call limit, widened by evidence.
    #[default]
    Learned,
    /// As given (`--horizon`).
    Fixed(SignedDuration),
}

/// The horizon in force, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    pub span: SignedDuration,
    pub why: Why,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Given by the user.
    Set,
    /// Calls end after an hour, and nobody live seen so far joined earlier.
    CallLimit,
    /// A live participant joined this long ago: this server does not end calls at the hour.
    Seen(SignedDuration),
}

impl Default for Horizon {
    fn default() -> Horizon {
        Horizon::new(HorizonSetting::Learned)
    }
}

impl Horizon {
    pub fn new(setting: HorizonSetting) -> Horizon {
        match setting {
            HorizonSetting::Fixed(span) => Horizon {
                span,
                why: Why::Set,
            },
            HorizonSetting::Learned => Horizon {
                span: CALL_LIMIT + MARGIN,
                why: Why::CallLimit,
            },
        }
    }

    /// A live participant joined `age` ago. Returns whether that widened the horizon: then
    /// the history between the old and the new one has not been read.
    pub fn saw(&mut self, age: SignedDuration) -> bool {
        if self.why == Why::CallLimit && age > self.span {
            *self = Horizon {
                span: HEALTH_CHECK,
                why: Why::Seen(age),
            };
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hour_holds_until_someone_live_joined_before_it() {
        let mut h = Horizon::new(HorizonSetting::Learned);
        assert_eq!(h.span, SignedDuration::from_mins(65));
        assert!(!h.saw(SignedDuration::from_mins(59)));
        assert!(!h.saw(SignedDuration::from_mins(64)), "within the margin");
        assert!(h.saw(SignedDuration::from_mins(72)));
        assert_eq!(h.span, HEALTH_CHECK);
        assert_eq!(h.why, Why::Seen(SignedDuration::from_mins(72)));
        assert!(!h.saw(SignedDuration::from_hours(3)), "widened once");
        // Set by the user: evidence changes nothing.
        let mut set = Horizon::new(HorizonSetting::Fixed(SignedDuration::from_mins(30)));
        assert!(!set.saw(SignedDuration::from_hours(2)));
        assert_eq!(
            (set.span, set.why),
            (SignedDuration::from_mins(30), Why::Set)
        );
    }
}
