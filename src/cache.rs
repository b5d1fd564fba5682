//! What never changes, kept on disk so that a start knows what the last one learned: a
//! participant's conference, call and join time; a call's parties (who rang whom); and how far
//! the history had been read. One SQLite file per API host and customer in the cache
//! directory, in WAL mode so that several conftops of one host (a wall PC driving four
//! screens, a script running `conftop list` every minute) read and write it at once.
//!
//! The server always wins: statuses never come from here, and what comes from here is shown
//! only while the server is asked. It holds callers' names and numbers, so the file is the
//! user's alone (0600, in a 0700 directory); never the credential. Entries past the horizon
//! are dropped and the size is bounded. A file that is not a sound database (corrupt, or not
//! SQLite at all) is set aside with a warning and rebuilt, and one from an older layout is laid
//! out again ([`file`]); one that is busy, or a later version's, is left as it is, and conftop
//! runs without a cache this time. Conftops using it at the same time share their reading
//! through it ([`peers`]).

use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};

use jiff::{SignedDuration, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::api::{Call, ConferencecallStatus};

mod file;
mod peers;
pub use file::path_for;
use file::{connect, set_aside, side_connection};
pub use peers::{CLAIM_FOR, Kind, Peers};

/// At most this many participants and calls are kept (about a day of a busy account's).
pub const MOST: i64 = 50_000;

/// Why the cache is not used this time.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot use the cache {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot use the cache {path}: {source}")]
    Db {
        path: String,
        source: rusqlite::Error,
    },
    #[error(
        "cannot use the cache {path}: a later version of conftop laid it out (layout {layout})"
    )]
    Newer { path: String, layout: i64 },
}

impl CacheError {
    /// Whether the file is not a sound database (corrupt, or not SQLite at all): it can only
    /// be set aside. One that is busy, or a later version's, is left as it is.
    fn unreadable(&self) -> bool {
        use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
        match self {
            CacheError::Db { source, .. } => matches!(
                source.sqlite_error_code(),
                Some(DatabaseCorrupt | NotADatabase)
            ),
            CacheError::Io { .. } | CacheError::Newer { .. } => false,
        }
    }
}

/// A participant as far as never changes, and when it was last seen live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub id: Uuid,
    pub conference: Uuid,
    pub call: Option<Uuid>,
    pub joined: Option<Timestamp>,
    pub seen: Timestamp,
    /// Its status as a conftop read it from the server, and when: for peers, which take it
    /// only while it is seconds old (never a start from what an earlier run read).
    pub read: Option<Read>,
}

/// A status read from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub status: ConferencecallStatus,
    /// The record's `tm_update`: since when it has had that status.
    pub updated: Option<Timestamp>,
    pub at: Timestamp,
}

/// How far the history had been read at `at`: every record down to `frontier` (the newest
/// then), and the older ones down to where the background scan had got (`deep`: the page it
/// would read next; `None` when it had reached the horizon).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walked {
    pub frontier: Timestamp,
    pub deep: Option<String>,
    pub at: Timestamp,
}

/// What a start finds.
#[derive(Debug, Default)]
pub struct Warm {
    pub participants: Vec<Known>,
    pub calls: Vec<Call>,
    pub walked: Option<Walked>,
}

/// What to write.
#[derive(Debug, Default)]
pub struct Batch {
    pub participants: Vec<Known>,
    pub calls: Vec<Call>,
    pub walked: Option<Walked>,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.participants.is_empty() && self.calls.is_empty() && self.walked.is_none()
    }
}

/// An open cache: writes go to its own thread, so they never hold up the sync task; what
/// peers share goes through a second connection ([`Peers`]).
#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    writes: mpsc::Sender<Batch>,
    writer: std::thread::JoinHandle<()>,
    peers: Arc<Peers>,
}

impl Cache {
    /// Opens (or makes) the cache for `host` and `customer` in `dir`, drops what is past the
    /// `horizon`, and reads the rest. A cache that cannot be read is set aside and rebuilt.
    pub fn open(
        dir: &Path,
        host: &str,
        customer: Uuid,
        horizon: SignedDuration,
        now: Timestamp,
    ) -> Result<(Cache, Warm), CacheError> {
        let path = path_for(dir, host, customer);
        let (conn, warm) = match connect(dir, &path).and_then(|c| load(c, &path, horizon, now)) {
            Ok(found) => found,
            // Only a file that is not a sound database is set aside: one that is locked or
            // busy may be a peer's at work, and goes on without this conftop.
            Err(e) if e.unreadable() => {
                tracing::warn!("{e}; starting it afresh");
                set_aside(&path);
                let conn = connect(dir, &path)?;
                load(conn, &path, horizon, now)?
            }
            Err(e) => return Err(e),
        };
        let shown = path.display().to_string();
        let peers = side_connection(&path)
            .map(|c| Arc::new(Peers::new(c, shown.clone())))
            .map_err(|source| CacheError::Db {
                path: shown.clone(),
                source,
            })?;
        let (writes, queue) = mpsc::channel::<Batch>();
        let writer = std::thread::Builder::new()
            .name("conftop-cache".into())
            .spawn(move || write_all(conn, queue, &shown))
            .map_err(|source| CacheError::Io {
                path: path.display().to_string(),
                source,
            })?;
        Ok((
            Cache {
                path,
                writes,
                writer,
                peers,
            },
            warm,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This conftop's side of the cache it shares with its peers.
    pub fn peers(&self) -> Arc<Peers> {
        self.peers.clone()
    }

    /// Waits for every queued batch to be written (at exit, and in tests).
    pub fn close(self) {
        drop(self.writes);
        let _ = self.writer.join();
    }

    /// Queues a batch; it is written in one transaction, off the caller's thread.
    pub fn save(&self, batch: Batch) {
        if !batch.is_empty() {
            let _ = self.writes.send(batch);
        }
    }
}

fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

fn time(us: i64) -> Option<Timestamp> {
    Timestamp::from_microsecond(us).ok()
}

/// Drops what is past the horizon and beyond the bound, then reads the rest.
fn load(
    conn: Connection,
    path: &Path,
    horizon: SignedDuration,
    now: Timestamp,
) -> Result<(Connection, Warm), CacheError> {
    let db = |source| CacheError::Db {
        path: path.display().to_string(),
        source,
    };
    // Calls begin a little before their participants join.
    let oldest = now - horizon - SignedDuration::from_mins(10);
    conn.execute("DELETE FROM participants WHERE seen < ?1", [micros(oldest)])
        .map_err(db)?;
    conn.execute("DELETE FROM calls WHERE created < ?1", [micros(oldest)])
        .map_err(db)?;
    conn.execute(
        "DELETE FROM participants WHERE id NOT IN
             (SELECT id FROM participants ORDER BY seen DESC LIMIT ?1)",
        [MOST],
    )
    .map_err(db)?;
    conn.execute(
        "DELETE FROM calls WHERE id NOT IN
             (SELECT id FROM calls ORDER BY created DESC LIMIT ?1)",
        [MOST],
    )
    .map_err(db)?;
    let mut warm = Warm::default();
    {
        let mut q = conn
            .prepare(&format!("SELECT {KNOWN} FROM participants"))
            .map_err(db)?;
        let rows = q.query_map([], known).map_err(db)?;
        for row in rows {
            warm.participants.extend(row.map_err(db)?);
        }
        let mut q = conn.prepare("SELECT parties FROM calls").map_err(db)?;
        let rows = q.query_map([], |r| r.get::<_, String>(0)).map_err(db)?;
        for row in rows {
            if let Ok(call) = serde_json::from_str::<Call>(&row.map_err(db)?) {
                warm.calls.push(call);
            }
        }
        warm.walked = conn
            .query_row(
                "SELECT frontier, deep, at FROM walked WHERE one = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                },
            )
            .optional()
            .map_err(db)?
            .and_then(|(frontier, deep, at)| {
                Some(Walked {
                    frontier: time(frontier)?,
                    deep,
                    at: time(at)?,
                })
            });
    }
    Ok((conn, warm))
}

/// The columns [`known`] reads, in its order.
const KNOWN: &str = "id, conference, call, joined, seen, status, updated, read";

/// A participant's row; one that does not read is `None`, skipped (the server is asked
/// instead).
fn known(r: &rusqlite::Row) -> rusqlite::Result<Option<Known>> {
    let (id, conference) = (r.get::<_, String>(0)?, r.get::<_, String>(1)?);
    let call = r.get::<_, Option<String>>(2)?;
    let (joined, seen) = (r.get::<_, Option<i64>>(3)?, r.get::<_, i64>(4)?);
    let status = r.get::<_, Option<String>>(5)?;
    let (updated, read) = (r.get::<_, Option<i64>>(6)?, r.get::<_, Option<i64>>(7)?);
    let read = status.zip(read.and_then(time)).map(|(status, at)| Read {
        status: ConferencecallStatus::from(status.as_str()),
        updated: updated.and_then(time),
        at,
    });
    Ok((|| {
        Some(Known {
            id: Uuid::parse_str(&id).ok()?,
            conference: Uuid::parse_str(&conference).ok()?,
            call: call.and_then(|c| Uuid::parse_str(&c).ok()),
            joined: joined.and_then(time),
            seen: time(seen)?,
            read,
        })
    })())
}

/// A call's parties, as the API sends them: what never changes of a call. Its status, mute
/// and hang-up are left out (they come from the server).
fn parties(c: &Call) -> String {
    let address = |a: &crate::api::Address| {
        serde_json::json!({
            "type": a.kind, "target": a.target, "target_name": a.target_name,
            "name": a.name, "detail": a.detail,
        })
    };
    serde_json::json!({
        "id": c.id,
        "direction": c.direction,
        "source": address(&c.source),
        "destination": address(&c.destination),
        "tm_create": c.tm_create.map(|t| t.to_string()),
    })
    .to_string()
}

/// The writer thread: each batch in one transaction; a failure is logged once and the rest go
/// on (the cache is a convenience, never a reason to stop).
fn write_all(mut conn: Connection, queue: mpsc::Receiver<Batch>, path: &str) {
    let mut warned = false;
    for batch in queue {
        if let Err(e) = write(&mut conn, &batch)
            && !std::mem::replace(&mut warned, true)
        {
            tracing::warn!("cannot write the cache {path}: {e}");
        }
    }
}

fn write(conn: &mut Connection, batch: &Batch) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    put(&tx, &batch.participants, &batch.calls)?;
    if let Some(w) = &batch.walked {
        tx.execute(
            "INSERT OR REPLACE INTO walked (one, frontier, deep, at) VALUES (1, ?1, ?2, ?3)",
            params![micros(w.frontier), w.deep, micros(w.at)],
        )?;
    }
    tx.commit()
}

/// Participants and calls, within a transaction.
fn put(conn: &Connection, participants: &[Known], calls: &[Call]) -> rusqlite::Result<()> {
    // A status is kept only if it was read later than the one there (a write without one,
    // "still seen", leaves it).
    let mut put = conn.prepare_cached(
        "INSERT INTO participants (id, conference, call, joined, seen, status, updated, read)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET seen = max(seen, excluded.seen),
           status = CASE WHEN excluded.read > coalesce(read, 0) THEN excluded.status ELSE status END,
           updated = CASE WHEN excluded.read > coalesce(read, 0) THEN excluded.updated ELSE updated END,
           read = max(coalesce(read, 0), coalesce(excluded.read, 0))",
    )?;
    for p in participants {
        let read = p.read.as_ref();
        put.execute(params![
            p.id.to_string(),
            p.conference.to_string(),
            p.call.map(|c| c.to_string()),
            p.joined.map(micros),
            micros(p.seen),
            read.map(|r| r.status.as_str().to_owned()),
            read.and_then(|r| r.updated).map(micros),
            read.map(|r| micros(r.at)),
        ])?;
    }
    let mut put = conn.prepare_cached(
        "INSERT OR REPLACE INTO calls (id, created, parties) VALUES (?1, ?2, ?3)",
    )?;
    for c in calls {
        put.execute(params![
            c.id.to_string(),
            c.tm_create.map(micros),
            parties(c)
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
