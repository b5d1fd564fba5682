//! The cache's file: where it is, made the user's alone, opened in WAL mode and laid out.

use std::fs::{self, OpenOptions};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use uuid::Uuid;

use super::CacheError;

/// The layout this version writes; another one is rebuilt.
pub(super) const LAYOUT: i64 = 3;

/// Each connection's page cache, in KiB (negative, as SQLite takes a size): a dashboard with
/// ten thousand participants keeps the memory for itself, not for pages it read once.
const PAGE_CACHE_KIB: i64 = -512;

/// The file for an API host and customer, in `dir`.
pub fn path_for(dir: &Path, host: &str, customer: Uuid) -> PathBuf {
    let host: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!("{host}-{customer}.sqlite3"))
}

/// The file, made the user's alone, opened in WAL mode with the current layout.
pub(super) fn connect(dir: &Path, path: &Path) -> Result<Connection, CacheError> {
    let io = |source| CacheError::Io {
        path: path.display().to_string(),
        source,
    };
    let db = |source| CacheError::Db {
        path: path.display().to_string(),
        source,
    };
    fs::create_dir_all(dir).map_err(io)?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io)?;
    // Made 0600 before SQLite opens it: its journal files take the same mode.
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map_err(io)?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(io)?;
    let mut conn = Connection::open(path).map_err(db)?;
    conn.busy_timeout(std::time::Duration::from_secs(3))
        .map_err(db)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(db)?;
    // A cache loses nothing that matters in a power cut: commits need not wait for the disk.
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(db)?;
    conn.pragma_update(None, "cache_size", PAGE_CACHE_KIB)
        .map_err(db)?;
    let layout =
        |c: &Connection| c.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0));
    let found = layout(&conn).map_err(db)?;
    if found > LAYOUT {
        // A later conftop's, perhaps running beside this one: left to it, not laid out again.
        return Err(CacheError::Newer {
            path: path.display().to_string(),
            layout: found,
        });
    }
    if found != LAYOUT {
        // Peers starting together: one of them lays it out, in one transaction, and the others
        // find it done.
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db)?;
        if layout(&tx).map_err(db)? < LAYOUT {
            tx.execute_batch(
                "DROP TABLE IF EXISTS participants;
             DROP TABLE IF EXISTS calls;
             DROP TABLE IF EXISTS walked;
             CREATE TABLE participants (
                 id TEXT PRIMARY KEY, conference TEXT NOT NULL, call TEXT,
                 joined INTEGER, seen INTEGER NOT NULL,
                 status TEXT, updated INTEGER, read INTEGER);
             CREATE INDEX participants_seen ON participants (seen);
             CREATE TABLE calls (id TEXT PRIMARY KEY, created INTEGER, parties TEXT NOT NULL);
             CREATE INDEX calls_created ON calls (created);
             CREATE TABLE walked (
                 one INTEGER PRIMARY KEY CHECK (one = 1), frontier INTEGER NOT NULL,
                 deep TEXT, at INTEGER NOT NULL);
             DROP TABLE IF EXISTS claims;
             CREATE TABLE claims (
                 kind TEXT NOT NULL, id TEXT NOT NULL, owner INTEGER NOT NULL,
                 until INTEGER NOT NULL, PRIMARY KEY (kind, id));",
            )
            .map_err(db)?;
            tx.pragma_update(None, "user_version", LAYOUT).map_err(db)?;
        }
        tx.commit().map_err(db)?;
    }
    Ok(conn)
}

/// The connection for peers' short queries: it waits little for a lock (a busy cache means
/// reading from the server, as alone).
pub(super) fn side_connection(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_millis(500))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", PAGE_CACHE_KIB)?;
    Ok(conn)
}

/// A cache that could not be read goes, with its journal files.
pub(super) fn set_aside(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = fs::remove_file(PathBuf::from(p));
    }
}
