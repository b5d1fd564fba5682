//! The VoIPbin REST API: wire types, a tolerant timestamp, typed errors and an HTTP client.
//!
//! Everything here follows the server as it behaves (see API.md in the shared docs), not only
//! as its OpenAPI document says: omitted keys, nil UUIDs, legacy timestamps and bare error bodies
//! all decode.

mod client;
mod counts;
mod enums;
mod error;
mod model;
mod mute;
pub mod timestamp;
mod ws;

pub use client::{
    Client, ClientConfig, ClientConfigError, Credentials, DEFAULT_API_URL, PageRequest,
};
pub use counts::{Answer, RequestCounts};
pub use enums::{
    AddressType, CallDirection, CallStatus, ConferenceStatus, ConferenceType, ConferencecallStatus,
    ReferenceType,
};
pub use error::{Advice, ApiError, ErrorKind, LimitedBy};
pub use model::{Address, Call, Conference, Conferencecall, Customer, Page};
pub use mute::MuteDirection;
pub use ws::{EventSocket, Incoming, Pushed, decode_frame};
