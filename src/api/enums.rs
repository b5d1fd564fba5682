//! Server enums that keep values they do not know, so a new server value never breaks decoding.
//!
//! Each enum has its documented variants plus `Other(String)`; the server omits the key when
//! the value is empty, so `Default` is `Other("")`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value this version does not know (or `""` when the server omitted it).
            Other(String),
        }

        impl $name {
            /// The value as the server spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(s) => s,
                }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::Other(String::new())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)+
                    // Shown on screen as it is: through the sanitiser like any network string.
                    other => Self::Other(crate::text::sanitize(other, 24)),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // `null` is treated like the omitted key.
                let s = Option::<std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok(s.as_deref().map(Self::from).unwrap_or_default())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

open_enum!(
    /// A participant's status; it only moves forward.
    ConferencecallStatus {
        Joining => "joining",
        Joined => "joined",
        Leaving => "leaving",
        Leaved => "leaved",
    }
);

impl ConferencecallStatus {
    /// Whether the participant is still in (or on its way into or out of) the conference.
    /// A status this version does not know is kept on screen rather than silently dropped.
    pub fn is_live(&self) -> bool {
        match self {
            Self::Joining | Self::Joined | Self::Leaving => true,
            Self::Leaved => false,
            Self::Other(s) => !s.is_empty(),
        }
    }

    /// Whether this status, heard after `old`, replaces it. Statuses only move forward, so an
    /// answer older than what is known never undoes it; a value this version does not know is
    /// always taken (there is no order to check it against).
    pub fn supersedes(&self, old: &Self) -> bool {
        self.rank() >= old.rank() || self.rank() == 0
    }

    /// Position in the forward-only lifecycle; unknown values rank as live but unordered (0).
    pub fn rank(&self) -> u8 {
        match self {
            Self::Other(_) => 0,
            Self::Joining => 1,
            Self::Joined => 2,
            Self::Leaving => 3,
            Self::Leaved => 4,
        }
    }
}

open_enum!(
    /// What a conferencecall refers to; today only calls.
    ReferenceType { Call => "call" }
);

open_enum!(
    /// Room type; `GET /conferences` lists only `conference`.
    ConferenceType {
        Conference => "conference",
        Connect => "connect",
        Queue => "queue",
    }
);

open_enum!(
    /// Room status.
    ConferenceStatus {
        Starting => "starting",
        Progressing => "progressing",
        Terminating => "terminating",
        Terminated => "terminated",
    }
);

open_enum!(
    /// Which side of a call is the remote party: `source` when incoming, `destination` when outgoing.
    CallDirection {
        Incoming => "incoming",
        Outgoing => "outgoing",
    }
);

open_enum!(
    /// Call status; `hangup` is final.
    CallStatus {
        Dialing => "dialing",
        Ringing => "ringing",
        Progressing => "progressing",
        Terminating => "terminating",
        Canceling => "canceling",
        Hangup => "hangup",
    }
);

open_enum!(
    /// The kind of an Address' `target`.
    AddressType {
        Agent => "agent",
        Ai => "ai",
        AiTeam => "ai_team",
        Conference => "conference",
        Email => "email",
        Extension => "extension",
        Line => "line",
        Sip => "sip",
        Tel => "tel",
        Webchat => "webchat",
        WebSession => "web_session",
        Whatsapp => "whatsapp",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_unknown_and_missing_values() {
        let s: ConferencecallStatus = serde_json::from_str("\"joined\"").unwrap();
        assert_eq!(s, ConferencecallStatus::Joined);
        let s: ConferencecallStatus = serde_json::from_str("\"paused\"").unwrap();
        assert_eq!(s, ConferencecallStatus::Other("paused".into()));
        assert!(s.is_live(), "an unknown status stays visible");
        assert_eq!(s.rank(), 0);
        let s: ConferencecallStatus = serde_json::from_str("null").unwrap();
        assert_eq!(s, ConferencecallStatus::Other(String::new()));
        assert!(!s.is_live());
        assert_eq!(serde_json::to_string(&AddressType::Tel).unwrap(), "\"tel\"");
        assert_eq!(AddressType::from("pigeon").as_str(), "pigeon");
        let hostile = ConferencecallStatus::from("\u{202e}DENIOJ\u{1b}[2J");
        assert_eq!(hostile.as_str(), "DENIOJ", "unknown values are sanitised");
    }

    #[test]
    fn lifecycle_order() {
        use ConferencecallStatus::*;
        assert!(Joining.rank() < Joined.rank());
        assert!(Joined.rank() < Leaving.rank());
        assert!(Leaving.rank() < Leaved.rank());
        assert!(Joining.is_live() && Joined.is_live() && Leaving.is_live());
        assert!(!Leaved.is_live());
    }
}
