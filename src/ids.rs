//! Maps and sets keyed by VoIPbin ids. UUIDs are already well distributed, so a fast hasher
//! does the job of SipHash at a fraction of its cost; it is still seeded per process, so ids
//! chosen to collide cannot be precomputed.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

pub type IdMap<V> = HashMap<Uuid, V, foldhash::fast::RandomState>;
pub type IdSet = HashSet<Uuid, foldhash::fast::RandomState>;
