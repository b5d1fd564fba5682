//! The removal audit log: one JSON line per attempt to remove a participant, appended to a file
//! in the user's data directory (or `--audit-log PATH`).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use uuid::Uuid;

use crate::verdict::Verdict;

/// One removal attempt and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// RFC 3339, UTC.
    pub time: String,
    pub participant_id: Uuid,
    pub conference_id: Uuid,
    /// How it ended: see [`Verdict`] for each word.
    pub outcome: Verdict,
    /// The HTTP status, when an answer arrived.
    pub http_status: Option<u16>,
    /// The error in words, when there was one (never a URL or credential).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// An append-only JSON-lines file.
#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    /// Opens (creating it and its directory if needed) and checks that it can be appended to.
    pub fn open(path: impl Into<PathBuf>) -> std::io::Result<AuditLog> {
        let path = path.into();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        append_options().open(&path)?;
        Ok(AuditLog { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line. A single `write` of a short line with `O_APPEND` keeps lines whole
    /// even if two conftop instances share the file.
    pub fn append(&self, entry: &AuditEntry) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut f = append_options().open(&self.path)?;
        f.write_all(&line)?;
        f.sync_data()
    }
}

fn append_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_one_json_line_per_entry() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(dir.path().join("sub/audit.jsonl")).unwrap();
        let entry = AuditEntry {
            time: "2026-11-24T10:00:00Z".into(),
            participant_id: Uuid::from_u128(1),
            conference_id: Uuid::from_u128(2),
            outcome: Verdict::Removed,
            http_status: Some(200),
            detail: None,
        };
        log.append(&entry).unwrap();
        log.append(&AuditEntry {
            outcome: Verdict::Forbidden,
            http_status: Some(403),
            ..entry.clone()
        })
        .unwrap();
        let text = std::fs::read_to_string(log.path()).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["outcome"], "removed");
        assert_eq!(lines[1]["http_status"], 403);
        assert_eq!(lines[0]["participant_id"], Uuid::from_u128(1).to_string());
    }
}
