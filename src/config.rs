//! The config file and where credentials come from.
//!
//! Credentials are read from the environment (`VN_ACCESS_KEY` or `VOIPBIN_API_KEY`, the names
//! VoIPbin's own CLI and MCP server use, or `VOIPBIN_TOKEN` for a JWT), else from the config
//! file, else from a profile of VoIPbin's CLI ([`crate::vn`]). A file that holds a credential
//! and is readable by group or others draws a warning. Unknown keys and bad values are errors
//! that name the problem.

use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::api::Credentials;
use crate::cli::parse_duration;

/// The environment variables credentials are read from, in order.
pub const KEY_VARS: &[&str] = &["VN_ACCESS_KEY", "VOIPBIN_API_KEY"];
pub const TOKEN_VAR: &str = "VOIPBIN_TOKEN";

/// Settings from the config file; every one is optional and command-line options win. Their
/// rules and defaults are applied in [`crate::settings`], once for every source.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub api_url: Option<String>,
    pub access_key: Option<SecretString>,
    pub token: Option<SecretString>,
    pub theme: Option<String>,
    #[serde(default, deserialize_with = "duration")]
    pub interval: Option<Duration>,
    #[serde(default, deserialize_with = "duration")]
    pub rotate: Option<Duration>,
    #[serde(default, deserialize_with = "duration")]
    pub stuck_warn: Option<Duration>,
    #[serde(default, deserialize_with = "duration")]
    pub stuck_crit: Option<Duration>,
    #[serde(default, deserialize_with = "duration")]
    pub no_data_after: Option<Duration>,
    #[serde(default, deserialize_with = "duration")]
    pub timeout: Option<Duration>,
    #[serde(default, deserialize_with = "duration")]
    pub horizon: Option<Duration>,
    pub budget: Option<f64>,
    pub read_only: Option<bool>,
    pub cache: Option<bool>,
    pub region: Option<String>,
    pub mouse: Option<bool>,
    pub push: Option<bool>,
    pub audit_log: Option<PathBuf>,
    pub log_file: Option<PathBuf>,
    /// The program and its arguments run on each alert.
    pub alert_command: Option<Vec<String>>,
    /// Callers' numbers and `conference:<id>`s watched from the start.
    pub watch: Option<Vec<String>>,
    /// `--metrics-listen`.
    pub metrics_listen: Option<String>,
    /// `--metrics-allow-remote`.
    pub metrics_allow_remote: Option<bool>,
}

/// Why configuration failed.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the config file {path} is not valid: {message}")]
    Invalid { path: String, message: String },
    #[error(
        "no VoIPbin credentials. Set VN_ACCESS_KEY (or VOIPBIN_API_KEY) to an access key, or \
         VOIPBIN_TOKEN to a JWT from /auth/login, or put access_key = \"…\" in {config} \
         (readable only by you), or run `vn login` (VoIPbin's CLI) to write {vn}. To try \
         conftop without an account: conftop --demo"
    )]
    NoCredentials { config: String, vn: String },
    #[error("{name} is set but empty")]
    EmptyCredential { name: String },
}

/// Where conftop keeps its files.
pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "conftop")
}

/// The config file used when none is given.
pub fn default_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}

/// The search history beside a config file: `search-history` in its directory.
pub fn searches_path(config: Option<&Path>) -> Option<PathBuf> {
    match config {
        // Not beside a device or a pipe given as the config (`--config /dev/null`).
        Some(c) => c.is_file().then(|| c.with_file_name("search-history")),
        None => project_dirs().map(|d| d.config_dir().join("search-history")),
    }
}

/// The filters kept in `path`, oldest first (none if it cannot be read: a history is a
/// convenience, never a reason not to start).
pub fn load_searches(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|s| s.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Keeps `entries` in `path`, one a line, mode 0600 (they hold callers' names and numbers),
/// replaced whole so a crash never leaves half a file.
pub fn save_searches(path: &Path, entries: &[String]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    // A name of its own for each write: two saves may run at once.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp{}.{n}", std::process::id()));
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).write(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut text = entries.join("\n");
    text.push('\n');
    std::io::Write::write_all(&mut opts.open(&tmp)?, text.as_bytes())?;
    std::fs::rename(&tmp, path)
}

/// A file in the data directory (audit log, log file).
pub fn data_file(name: &str) -> Option<PathBuf> {
    project_dirs().map(|d| d.data_dir().join(name))
}

/// Loads the config file. A missing default file is no error; a missing named one is.
/// Returns the settings and any warnings to show before starting.
pub fn load(path: Option<&Path>) -> Result<(FileConfig, Vec<String>), ConfigError> {
    let (path, explicit) = match path {
        Some(p) => (p.to_path_buf(), true),
        None => match default_path() {
            Some(p) => (p, false),
            None => return Ok((FileConfig::default(), Vec::new())),
        },
    };
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok((FileConfig::default(), Vec::new()));
        }
        Err(source) => {
            return Err(ConfigError::Read {
                path: shown,
                source,
            });
        }
    };
    let config: FileConfig = toml::from_str(&text).map_err(|e| ConfigError::Invalid {
        path: shown.clone(),
        message: parse_error(&text, &e),
    })?;
    let mut warnings = Vec::new();
    if (config.access_key.is_some() || config.token.is_some()) && shared_readable(&path) {
        warnings.push(format!(
            "warning: {shown} holds a credential and is readable by group or others; \
             run: chmod 600 {shown}"
        ));
    }
    Ok((config, warnings))
}

/// Where the file went wrong and why, in words, never with the file's text: the line at
/// fault may hold the credential (a missing quote, a key not quoted), and an error is shown
/// on screen and may be pasted into a ticket. A credential's value is blanked even from the
/// reason (a key of digits alone reads as a number, and the reason names it).
fn parse_error(text: &str, e: &toml::de::Error) -> String {
    let mut message = e.message().trim().to_owned();
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches(['"', '\'']);
        if !matches!(key, "access_key" | "token") {
            continue;
        }
        let value = value.trim().trim_matches(['"', '\'', '[', ']', ' ']);
        if value.len() >= 3 {
            message = message.replace(value, "…");
        }
    }
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            // The line's key, as a name is safe to show where its value is not.
            let key = text
                .lines()
                .nth(line - 1)
                .and_then(|l| l.split_once('='))
                .map(|(k, _)| k.trim())
                .filter(|k| {
                    !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "_-\"".contains(c))
                });
            match key {
                Some(key) => format!("line {line} ({key}), column {column}: {message}"),
                None => format!("line {line}, column {column}: {message}"),
            }
        }
        None => message,
    }
}

#[cfg(unix)]
pub(crate) fn shared_readable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
pub(crate) fn shared_readable(_: &Path) -> bool {
    false
}

/// A duration written as the command line takes it (`"2s"`, `"1500ms"`), read once, here.
fn duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let text = String::deserialize(d)?;
    parse_duration(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// Where the credential in use came from; shown on screen and in messages, never the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    /// An environment variable: `VN_ACCESS_KEY`, `VOIPBIN_API_KEY` or `VOIPBIN_TOKEN`.
    Env(&'static str),
    /// `access_key` or `token` in conftop's config file.
    ConfigFile { key: &'static str, path: String },
    /// A profile of VoIPbin's CLI (`~/.vn/config.yaml`).
    VnProfile { profile: String, path: String },
    /// The built-in simulator of `--demo`: no credential of the user's.
    Demo,
}

impl std::fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CredentialSource::Env(name) => f.write_str(name),
            CredentialSource::ConfigFile { key, path } => write!(f, "{key} in {path}"),
            CredentialSource::VnProfile { profile, path } => {
                write!(f, "vn profile {profile:?} in {path}")
            }
            CredentialSource::Demo => f.write_str("the demo simulator"),
        }
    }
}

/// Picks the credentials from the environment, then the config file. `None`: neither has
/// one (the vn profile is the caller's next place to look).
pub fn credentials(
    env: impl Fn(&str) -> Option<String>,
    file: &FileConfig,
    config_path: &str,
) -> Result<Option<(Credentials, CredentialSource)>, ConfigError> {
    let key = |s: String| Credentials::AccessKey(SecretString::from(s));
    for name in KEY_VARS {
        if let Some(v) = env(name) {
            return non_empty(name, v).map(|s| Some((key(s), CredentialSource::Env(name))));
        }
    }
    if let Some(v) = env(TOKEN_VAR) {
        return non_empty(TOKEN_VAR, v).map(|s| {
            let token = Credentials::Token(SecretString::from(s));
            Some((token, CredentialSource::Env(TOKEN_VAR)))
        });
    }
    let in_file = |key: &'static str| CredentialSource::ConfigFile {
        key,
        path: config_path.to_owned(),
    };
    if let Some(k) = &file.access_key {
        return non_empty(
            &format!("access_key in {config_path}"),
            k.expose_secret().to_owned(),
        )
        .map(|s| Some((key(s), in_file("access_key"))));
    }
    if let Some(t) = &file.token {
        return non_empty(
            &format!("token in {config_path}"),
            t.expose_secret().to_owned(),
        )
        .map(|s| Some((Credentials::Token(SecretString::from(s)), in_file("token"))));
    }
    Ok(None)
}

fn non_empty(name: &str, v: String) -> Result<String, ConfigError> {
    let v = v.trim().to_owned();
    if v.is_empty() {
        Err(ConfigError::EmptyCredential {
            name: name.to_owned(),
        })
    } else {
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_history_survives_a_restart_privately_and_never_beside_a_device() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "").unwrap();
        let path = searches_path(Some(&config)).unwrap();
        assert_eq!(path, dir.path().join("search-history"));
        assert_eq!(load_searches(&path), Vec::<String>::new(), "none yet");
        let kept = vec!["okafor".to_owned(), "+44 20 7946".to_owned()];
        save_searches(&path, &kept).unwrap();
        assert_eq!(load_searches(&path), kept);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(searches_path(Some(Path::new("/dev/null"))), None);
    }

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn environment_first_then_file() {
        let file = FileConfig {
            access_key: Some(SecretString::from("from-file")),
            ..FileConfig::default()
        };
        let (c, from) = credentials(
            env(&[("VOIPBIN_API_KEY", "k2"), ("VN_ACCESS_KEY", "k1")]),
            &file,
            "x",
        )
        .unwrap()
        .unwrap();
        assert!(matches!(c, Credentials::AccessKey(s) if s.expose_secret() == "k1"));
        assert_eq!(from.to_string(), "VN_ACCESS_KEY");
        let (c, from) = credentials(env(&[("VOIPBIN_TOKEN", "jwt")]), &file, "x")
            .unwrap()
            .unwrap();
        assert!(matches!(c, Credentials::Token(s) if s.expose_secret() == "jwt"));
        assert_eq!(from, CredentialSource::Env("VOIPBIN_TOKEN"));
        let (c, from) = credentials(env(&[]), &file, "/c.toml").unwrap().unwrap();
        assert!(matches!(c, Credentials::AccessKey(s) if s.expose_secret() == "from-file"));
        assert_eq!(from.to_string(), "access_key in /c.toml");
        assert!(
            credentials(env(&[]), &FileConfig::default(), "x")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn missing_credentials_name_every_option() {
        let e = ConfigError::NoCredentials {
            config: "/home/x/.config/conftop/config.toml".to_owned(),
            vn: "/home/x/.vn/config.yaml".to_owned(),
        }
        .to_string();
        for word in [
            "VN_ACCESS_KEY",
            "VOIPBIN_API_KEY",
            "VOIPBIN_TOKEN",
            "config.toml",
            "vn login",
            ".vn/config.yaml",
            "--demo",
        ] {
            assert!(e.contains(word), "{word}: {e}");
        }
        let e =
            credentials(env(&[("VN_ACCESS_KEY", "  ")]), &FileConfig::default(), "x").unwrap_err();
        assert!(matches!(e, ConfigError::EmptyCredential { .. }));
    }

    #[test]
    fn bad_files_give_clear_errors_and_loose_permissions_warn() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let p = write(
            "unknown.toml",
            "api_url = \"https://x\"\naccesskey = \"k\"\n",
        );
        let e = load(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("accesskey"), "{e}");
        let p = write("duration.toml", "interval = \"soon\"\n");
        let e = load(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("interval") && e.contains("soon"), "{e}");
        let p = write("syntax.toml", "api_url = \n");
        assert!(matches!(load(Some(&p)), Err(ConfigError::Invalid { .. })));
        // A credential on the line at fault never reaches the message, however it is broken.
        let secret = "sim-800c4646118f7e3d04367353cf61a151";
        for (name, text) in [
            (
                "open.toml",
                format!("interval = \"3s\"\naccess_key = \"{secret}\n"),
            ),
            ("bare.toml", format!("access_key = {secret}\n")),
            ("list.toml", format!("access_key = [\"{secret}\"]\n")),
            (
                "twice.toml",
                format!("access_key = \"{secret}\"\naccess_key = \"{secret}\"\n"),
            ),
            ("digits.toml", "token = 80046461183\n".to_owned()),
            ("misnamed.toml", format!("accesskey = \"{secret}\"\n")),
        ] {
            let p = write(name, &text);
            let e = load(Some(&p)).unwrap_err().to_string();
            assert!(
                !e.contains(secret) && !e.contains("80046461183"),
                "{name}: {e}"
            );
            assert!(e.contains("line "), "{name}: where it went wrong: {e}");
        }
        let e = load(Some(&dir.path().join("missing.toml"))).unwrap_err();
        assert!(matches!(e, ConfigError::Read { .. }));

        let p = write("key.toml", "access_key = \"k\"\ninterval = \"3s\"\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
            let (cfg, warnings) = load(Some(&p)).unwrap();
            assert_eq!(cfg.interval, Some(Duration::from_secs(3)));
            assert_eq!(warnings.len(), 1);
            assert!(warnings[0].contains("chmod 600"));
            assert!(!warnings[0].contains("\"k\""));
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
            assert!(load(Some(&p)).unwrap().1.is_empty());
        }
        let dbg = format!("{:?}", load(Some(&p)).unwrap().0);
        assert!(!dbg.contains("access_key: Some(\"k\")"), "{dbg}");
    }
}
