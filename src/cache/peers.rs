//! Peers: the other conftops of this host and customer, at work on the same cache at the same
//! time (a wall PC driving four screens, a `conftop list` beside a dashboard). What one reads
//! from the server the others take from the cache instead of asking again, and a **claim**
//! says which of them is reading a record or a call right now, so that screens started
//! together share the reading instead of each doing all of it.
//!
//! A claim lasts [`CLAIM_FOR`]: a peer that dies or stalls holding one delays that read by at
//! most that long. Every call here is a short query on its own connection; a cache that is
//! busy or failing answers "nothing known, everything yours" (each conftop then reads for
//! itself, as it would alone), never an error.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use jiff::{SignedDuration, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::{Known, micros};
use crate::api::Call;

/// How long a claim holds: a read normally ends well within it (one held up longer by 429
/// pauses may be read twice, which costs a request, never a stall), and a peer that quit
/// holds the screen up no longer than this.
pub const CLAIM_FOR: SignedDuration = SignedDuration::from_secs(10);

/// What is claimed: a participant's record or a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Record,
    Call,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Record => "record",
            Kind::Call => "call",
        }
    }
}

/// This conftop's side of the shared cache.
#[derive(Debug)]
pub struct Peers {
    conn: Mutex<Connection>,
    /// Who this conftop is among its peers (the process id and a random part: two trackers of
    /// one process are peers too).
    owner: i64,
    path: String,
    warned: AtomicBool,
}

impl Peers {
    pub(super) fn new(conn: Connection, path: String) -> Peers {
        let owner = (i64::from(std::process::id()) << 32) | i64::from(fastrand::u32(..));
        Peers {
            conn: Mutex::new(conn),
            owner,
            path,
            warned: AtomicBool::new(false),
        }
    }

    fn warn(&self, e: &rusqlite::Error) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                "cannot share the cache {} with other conftops: {e}",
                self.path
            );
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>) -> Option<T> {
        let mut conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        match f(&mut conn) {
            Ok(v) => Some(v),
            Err(e) => {
                self.warn(&e);
                None
            }
        }
    }

    /// The participants written (by a peer, or seen again) since `since`.
    pub fn participants_since(&self, since: Timestamp) -> Vec<Known> {
        self.with(|conn| {
            let mut q = conn.prepare_cached(&format!(
                "SELECT {} FROM participants WHERE seen >= ?1",
                super::KNOWN
            ))?;
            let rows = q.query_map([micros(since)], super::known)?;
            let mut found = Vec::new();
            for row in rows {
                found.extend(row?);
            }
            Ok(found)
        })
        .unwrap_or_default()
    }

    /// The calls among `ids` that a peer (or an earlier run) wrote: who rang whom, not their
    /// state.
    pub fn calls(&self, ids: &[Uuid]) -> Vec<Call> {
        if ids.is_empty() {
            return Vec::new();
        }
        self.with(|conn| {
            let mut q = conn.prepare_cached("SELECT parties FROM calls WHERE id = ?1")?;
            let mut found = Vec::new();
            for id in ids {
                let parties: Option<String> =
                    q.query_row([id.to_string()], |r| r.get(0)).optional()?;
                if let Some(call) = parties.and_then(|p| serde_json::from_str::<Call>(&p).ok()) {
                    found.push(call);
                }
            }
            Ok(found)
        })
        .unwrap_or_default()
    }

    /// Claims `ids` for this conftop to read; returns those it holds now (claimed before by
    /// itself, free, or held by a peer past [`CLAIM_FOR`]). When the cache fails, all of them.
    pub fn claim(&self, kind: Kind, ids: &[Uuid], now: Timestamp) -> Vec<Uuid> {
        if ids.is_empty() {
            return Vec::new();
        }
        let until = micros(now + CLAIM_FOR);
        let held = self.with(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            tx.execute("DELETE FROM claims WHERE until < ?1", [micros(now)])?;
            let mut mine = Vec::new();
            {
                let mut put = tx.prepare_cached(
                    "INSERT INTO claims (kind, id, owner, until) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (kind, id) DO NOTHING",
                )?;
                let mut holder =
                    tx.prepare_cached("SELECT owner FROM claims WHERE kind = ?1 AND id = ?2")?;
                for id in ids {
                    let id_text = id.to_string();
                    put.execute(params![kind.as_str(), id_text, self.owner, until])?;
                    let owner: i64 =
                        holder.query_row(params![kind.as_str(), id_text], |r| r.get(0))?;
                    if owner == self.owner {
                        mine.push(*id);
                    }
                }
            }
            tx.commit()?;
            Ok(mine)
        });
        held.unwrap_or_else(|| ids.to_vec())
    }

    /// Writes what this conftop just read, at once (peers waiting on its claims look for it
    /// here); the claims on it may then lapse.
    pub fn share(&self, participants: &[Known], calls: &[Call]) {
        if participants.is_empty() && calls.is_empty() {
            return;
        }
        self.with(|conn| {
            let tx = conn.transaction()?;
            super::put(&tx, participants, calls)?;
            tx.commit()
        });
    }

    /// Lets go of claims whose reads failed, so that a peer waiting on one reads it itself at
    /// once.
    pub fn release(&self, kind: Kind, ids: &[Uuid]) {
        if ids.is_empty() {
            return;
        }
        self.with(|conn| {
            let mut q = conn
                .prepare_cached("DELETE FROM claims WHERE kind = ?1 AND id = ?2 AND owner = ?3")?;
            for id in ids {
                q.execute(params![kind.as_str(), id.to_string(), self.owner])?;
            }
            Ok(())
        });
    }
}
