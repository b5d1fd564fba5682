//! What the sync task tells the app.

use std::sync::Arc;

use jiff::Timestamp;
use uuid::Uuid;

use crate::api::{ApiError, Call, Conference, Conferencecall, Customer};
use crate::ids::IdMap;

/// Every live participant (`joining`, `joined`, `leaving`, or a status this version does not
/// know) and the rooms they are in, as of one refresh. The records are shared with the sync
/// task's own picture, not copied.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub participants: Vec<Arc<Conferencecall>>,
    /// Rooms listed by `GET /conferences` plus any room a live participant is in.
    pub conferences: IdMap<Arc<Conference>>,
    /// Requests this refresh made before the snapshot was sent.
    pub requests: u32,
    /// The whole history within the health-check horizon has been scanned, so participants of
    /// unlisted rooms that joined long ago are included too.
    pub complete: bool,
    /// Participants listed by their conference whose records have not arrived yet (awaited): shown as joined,
    /// caller and times unknown (they are among `participants`).
    pub awaited: usize,
    /// While the background scan of older history goes on: the share of the horizon scanned.
    pub history: Option<f32>,
    /// An interim picture sent while a long (full) refresh goes on; the refresh's own picture
    /// follows.
    pub interim: bool,
    /// When the server last answered the job that made this picture: its rooms and
    /// participants are confirmed as of then. `None` when the job asked the server nothing
    /// (pushed records applied as they are): the picture changed, but nobody confirmed it.
    pub confirmed: Option<Timestamp>,
    /// When the conferences were last asked for (`GET /conferences`): who is in each is the
    /// server's word as of then (a light refresh reads no room list).
    pub conferences_listed: Option<Timestamp>,
    /// How far back the picture reaches, and why.
    pub horizon: super::tracker::Horizon,
}

/// How changes reach conftop, for the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    /// VoIPbin pushes conference changes; a light poll every `poll` catches the rest.
    Push { poll: std::time::Duration },
    /// Polling only, and why push is not in use.
    Polling { why: String },
}

/// Messages from the sync task.
#[derive(Debug, Clone)]
pub enum SyncEvent {
    /// Participants that left within the recent-departures window, as the pages read anyway
    /// show them (also those this session never saw in a room); each once.
    Departed(Vec<Arc<Conferencecall>>),
    /// A refresh began.
    Refreshing,
    /// The caller's own customer, for the header.
    Customer(Customer),
    /// A refresh succeeded.
    Snapshot(Arc<Snapshot>),
    /// Call details resolved since the last message.
    Calls(Vec<Call>),
    /// Calls as the cache remembers them: who rang whom, never their state (which follows,
    /// read from the server, as [`SyncEvent::Calls`]).
    Remembered(Vec<Call>),
    /// Who the cache remembers live within the horizon, and when it was last written: the
    /// last hour's trend, made again after a restart.
    Stays {
        stays: Vec<Stay>,
        written: Timestamp,
    },
    /// A refresh failed; the previous snapshot is still the latest truth.
    Failed { at: Timestamp, error: ApiError },
    /// An action (remove, mute, unmute) was answered, or failed, or was refused.
    Acted(Box<super::action::Outcome>),
    /// A call's record as pushed (`call_updated`): any of the customer's calls, not only
    /// those of participants on screen.
    CallUpdated(Box<Call>),
    /// Push came up or went down.
    Channel(Channel),
    /// The request rate in use, when a 429 has cut it below the ceiling (and again as it
    /// recovers).
    Rate(crate::sync::budget::Rate),
}

/// A participant as the cache remembers it: where, when it joined, when it was last seen
/// live (written once a minute while it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stay {
    pub conference: Uuid,
    pub joined: Option<Timestamp>,
    pub seen: Timestamp,
}

/// Messages to the sync task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncCommand {
    /// Refresh now (or right after the refresh in progress).
    RefreshNow,
    /// Perform one action (remove, mute, unmute); sent once per confirmation or key press.
    Act(super::action::Attempt),
    /// Participants on screen whose record has not arrived: read first while the first walk
    /// goes on.
    Awaited(Vec<Uuid>),
    /// The participant whose details are open (or none): its record and caller come first.
    Inspect(Option<Uuid>),
    /// Call ids of the rows on screen: their callers are looked up.
    Visible(Vec<Uuid>),
    /// The user searches (the filter is being typed or kept) or stopped. A search needs every
    /// caller's name: from the first one on, every caller is looked up, not only those on
    /// screen; while one is on, on the whole rate, as the screen's are (someone is waiting on
    /// the answer).
    Searching(bool),
}
