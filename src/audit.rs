//! The audit log: one JSON line per attempt to act on a participant (remove, mute, unmute),
//! appended to a file in the user's data directory (or `--audit-log PATH`).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use uuid::Uuid;

use crate::verdict::{ActionKind, Verdict};

/// Who and what a removal was about, in words, as the dialog named them (every string already
/// through the sanitiser), so a line answers "who removed whom" without the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// The API host and port conftop talked to.
    pub api_host: String,
    pub customer_id: Option<Uuid>,
    pub conference_name: String,
    pub caller_name: String,
    pub caller_number: String,
}

/// Who ran the removal: the OS user, the machine and the conftop version. Filled in once when
/// the log opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operator {
    pub operator: String,
    pub host: String,
    pub version: &'static str,
}

impl Operator {
    /// The user and machine this process runs as (`?` when unknown).
    pub fn current() -> Operator {
        let clean = |s: String| {
            let s = crate::text::sanitize(s.trim(), 64);
            if s.is_empty() { "?".to_owned() } else { s }
        };
        let operator = user_name(&|k| std::env::var(k).ok());
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .or_else(|_| std::fs::read_to_string("/etc/hostname"))
            .or_else(|_| std::env::var("HOSTNAME"))
            .unwrap_or_default();
        Operator {
            operator: clean(operator),
            host: clean(host),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// The name of the user this process runs as: its uid's, as the system's user database (NSS)
/// knows it; else `$USER` or `$LOGNAME`; else the uid itself. The uid comes first because the
/// variables are often unset (tmux, systemd) or inherited from someone else (`su`).
fn user_name(env: &dyn Fn(&str) -> Option<String>) -> String {
    #[cfg(unix)]
    if let Some(name) = uzers::get_current_username().and_then(|n| n.into_string().ok()) {
        return name;
    }
    let from_env = env("USER")
        .or_else(|| env("LOGNAME"))
        .filter(|s| !s.trim().is_empty());
    #[cfg(unix)]
    let from_env = from_env.or_else(|| Some(format!("uid {}", uzers::get_current_uid())));
    from_env.unwrap_or_default()
}

/// One attempt at an action (remove, mute, unmute) and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// RFC 3339, UTC.
    pub time: String,
    pub action: ActionKind,
    pub participant_id: Uuid,
    pub conference_id: Uuid,
    #[serde(flatten)]
    pub about: Subject,
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
    by: Operator,
}

/// A line as written: the entry, then who wrote it.
#[derive(Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    entry: &'a AuditEntry,
    #[serde(flatten)]
    by: &'a Operator,
}

impl AuditLog {
    /// Opens (creating it and its directory if needed) and checks that it can be appended to.
    pub fn open(path: impl Into<PathBuf>) -> std::io::Result<AuditLog> {
        let path = path.into();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        append_options().open(&path)?;
        Ok(AuditLog {
            path,
            by: Operator::current(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line. A single `write` of a short line with `O_APPEND` keeps lines whole
    /// even if two conftop instances share the file.
    pub fn append(&self, entry: &AuditEntry) -> std::io::Result<()> {
        let line = Line {
            entry,
            by: &self.by,
        };
        let mut line = serde_json::to_vec(&line).map_err(std::io::Error::other)?;
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

    #[cfg(unix)]
    #[test]
    fn the_operator_is_the_uids_user_whatever_the_environment_says() {
        let mine = uzers::get_user_by_uid(uzers::get_current_uid())
            .map(|u| u.name().to_string_lossy().into_owned());
        let nobody = |_: &str| None;
        let someone_else = |k: &str| (k == "USER").then(|| "mallory".to_owned());
        match mine {
            Some(name) => {
                assert_eq!(user_name(&nobody), name, "without $USER");
                assert_eq!(user_name(&someone_else), name, "$USER inherited");
            }
            // A uid the user database does not know (a bare container): the variable, else
            // the number, never `?`.
            None => {
                assert_eq!(user_name(&someone_else), "mallory");
                assert!(user_name(&nobody).starts_with("uid "));
            }
        }
    }

    #[test]
    fn appends_one_json_line_per_entry() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(dir.path().join("sub/audit.jsonl")).unwrap();
        let entry = AuditEntry {
            action: ActionKind::Remove,
            time: "2026-11-24T10:00:00Z".into(),
            participant_id: Uuid::from_u128(1),
            conference_id: Uuid::from_u128(2),
            about: Subject {
                api_host: "api.voipbin.net".into(),
                customer_id: Some(Uuid::from_u128(3)),
                conference_name: "Support line".into(),
                caller_name: "José Álvarez".into(),
                caller_number: "+61491570781".into(),
            },
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
        // Who removed whom, from the line alone.
        assert_eq!(lines[0]["caller_name"], "José Álvarez");
        assert_eq!(lines[0]["caller_number"], "+61491570781");
        assert_eq!(lines[0]["conference_name"], "Support line");
        assert_eq!(lines[0]["api_host"], "api.voipbin.net");
        assert_eq!(lines[0]["customer_id"], Uuid::from_u128(3).to_string());
        assert_eq!(lines[0]["version"], env!("CARGO_PKG_VERSION"));
        assert!(lines[0]["operator"].as_str().is_some_and(|o| !o.is_empty()));
        assert!(lines[0]["host"].as_str().is_some_and(|h| !h.is_empty()));
    }
}
