//! Credentials of VoIPbin's own CLI, `vn`: `~/.vn/config.yaml`, written by `vn login`.
//!
//! ```yaml
//! current_profile: default
//! profiles:
//!   default:
//!     access_key: <key>
//!     api_url: https://api.voipbin.net/v1.0   # optional
//! ```
//!
//! conftop reads the file only when no other credential is given (see [`crate::settings`]),
//! picks `--profile NAME` (or `CONFTOP_PROFILE`), else `current_profile`, and never shows the
//! key in a message: errors name the file and the profile.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::text::sanitize;

/// The file, relative to the home directory.
pub const CONFIG: &str = ".vn/config.yaml";

/// The profile `vn` uses when the file names none.
pub const DEFAULT_PROFILE: &str = "default";

/// `~/.vn/config.yaml` as `vn` writes it. Keys conftop does not use are ignored (a newer `vn`
/// may write more).
#[derive(Debug, Default, Deserialize)]
struct File {
    #[serde(default)]
    current_profile: Option<String>,
    #[serde(default)]
    profiles: Option<BTreeMap<String, Option<Profile>>>,
}

#[derive(Debug, Default, Deserialize)]
struct Profile {
    #[serde(default)]
    access_key: Option<SecretString>,
    #[serde(default)]
    api_url: Option<String>,
}

/// What one profile gives: its key and, if it names one, its API URL.
#[derive(Debug)]
pub struct VnProfile {
    pub name: String,
    pub path: PathBuf,
    pub access_key: SecretString,
    pub api_url: Option<String>,
}

/// Why the vn profile cannot be used. Never holds the key.
#[derive(Debug, thiserror::Error)]
pub enum VnError {
    #[error(
        "{path} does not exist, so there is no vn profile {profile:?} (asked for by {by}); run \
         `vn login`, or set VN_ACCESS_KEY"
    )]
    NoFile {
        path: String,
        profile: String,
        by: String,
    },
    #[error("cannot read the vn config {path}: {reason}")]
    Read { path: String, reason: String },
    #[error(
        "the vn config {path} is not valid YAML of the form `current_profile: NAME` and \
         `profiles: {{NAME: {{access_key, api_url}}}}`: {reason}"
    )]
    Malformed { path: String, reason: String },
    #[error("the vn config {path} has no profile {profile:?}{known}")]
    NoProfile {
        path: String,
        profile: String,
        known: String,
    },
    #[error(
        "profile {profile:?} in the vn config {path} has no access_key; run `vn login` for it, \
         or set VN_ACCESS_KEY"
    )]
    NoKey { path: String, profile: String },
}

/// Where `vn` keeps its config for the home directory `home`.
pub fn path_in(home: &Path) -> PathBuf {
    home.join(CONFIG)
}

/// Reads the profile `wanted` (else the file's current one, else `default`) from `path`.
///
/// `Ok(None)`: there is no file and no profile was asked for by name, so there is nothing to
/// use and nothing wrong. `wanted` carries the name and who asked for it (`--profile`,
/// `CONFTOP_PROFILE`), for the message when the file is missing.
pub fn load(path: &Path, wanted: Option<(&str, &str)>) -> Result<Option<VnProfile>, VnError> {
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return match wanted {
                None => Ok(None),
                Some((profile, by)) => Err(VnError::NoFile {
                    path: shown,
                    profile: sanitize(profile, 64),
                    by: by.to_owned(),
                }),
            };
        }
        Err(e) => {
            return Err(VnError::Read {
                path: shown,
                reason: e.kind().to_string(),
            });
        }
    };
    let file: File = if text.trim().is_empty() {
        File::default()
    } else {
        serde_norway::from_str(&text).map_err(|e| VnError::Malformed {
            path: shown.clone(),
            reason: yaml_reason(&e),
        })?
    };
    let name = match wanted {
        Some((name, _)) => name.to_owned(),
        None => file
            .current_profile
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_PROFILE.to_owned()),
    };
    let profiles = file.profiles.unwrap_or_default();
    let Some(profile) = profiles.get(&name) else {
        let names: Vec<String> = profiles
            .keys()
            .map(|k| format!("{:?}", sanitize(k, 64)))
            .collect();
        let known = if names.is_empty() {
            " (it holds no profiles; run `vn login`)".to_owned()
        } else {
            format!(
                " (it has {}; choose one with --profile NAME)",
                names.join(", ")
            )
        };
        return Err(VnError::NoProfile {
            path: shown,
            profile: sanitize(&name, 64),
            known,
        });
    };
    let profile = profile.as_ref();
    let key = profile
        .and_then(|p| p.access_key.as_ref())
        .map(|k| k.expose_secret().trim().to_owned())
        .filter(|k| !k.is_empty());
    let Some(key) = key else {
        return Err(VnError::NoKey {
            path: shown,
            profile: sanitize(&name, 64),
        });
    };
    let api_url = profile
        .and_then(|p| p.api_url.clone())
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    Ok(Some(VnProfile {
        name,
        path: path.to_path_buf(),
        access_key: SecretString::from(key),
        api_url,
    }))
}

/// A YAML error without anything quoted from the file (which could be a key typed in the
/// wrong place): where it is and what kind of mistake.
fn yaml_reason(e: &serde_norway::Error) -> String {
    let message = e.to_string();
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        match c {
            '"' | '`' => {
                if !quoted {
                    out.push('…');
                }
                quoted = !quoted;
            }
            _ if quoted => {}
            _ => out.push(c),
        }
    }
    let out = sanitize(&out, 200);
    match e.location() {
        Some(at) if !out.contains("line") => {
            format!("{out} at line {}, column {}", at.line(), at.column())
        }
        _ => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let p = dir.join("config.yaml");
        std::fs::write(&p, text).unwrap();
        p
    }

    const TWO: &str = "current_profile: default\nprofiles:\n  default:\n    access_key: key-one\n  \
                       other:\n    access_key: key-two\n    api_url: http://127.0.0.1:9/v1.0\n";

    #[test]
    fn the_current_profile_or_the_named_one() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), TWO);
        let d = load(&p, None).unwrap().unwrap();
        assert_eq!(d.name, "default");
        assert_eq!(d.access_key.expose_secret(), "key-one");
        assert_eq!(d.api_url, None);
        let o = load(&p, Some(("other", "--profile"))).unwrap().unwrap();
        assert_eq!(o.access_key.expose_secret(), "key-two");
        assert_eq!(o.api_url.as_deref(), Some("http://127.0.0.1:9/v1.0"));
        let p = write(dir.path(), "profiles:\n  default:\n    access_key: k\n");
        assert_eq!(load(&p, None).unwrap().unwrap().name, "default");
    }

    #[test]
    fn a_missing_file_is_nothing_unless_a_profile_was_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.yaml");
        assert!(load(&p, None).unwrap().is_none());
        let e = load(&p, Some(("x", "--profile"))).unwrap_err().to_string();
        assert!(e.contains("config.yaml") && e.contains("\"x\"") && e.contains("--profile"));
    }

    #[test]
    fn errors_name_the_file_and_profile_and_never_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), TWO);
        let e = load(&p, Some(("nope", "--profile")))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("\"nope\"") && e.contains("\"default\", \"other\""),
            "{e}"
        );
        assert!(e.contains(&p.display().to_string()), "{e}");
        assert!(!e.contains("key-one") && !e.contains("key-two"), "{e}");

        let p = write(
            dir.path(),
            "current_profile: a\nprofiles:\n  a:\n    api_url: x\n",
        );
        let e = load(&p, None).unwrap_err();
        assert!(matches!(e, VnError::NoKey { .. }), "{e}");
        assert!(e.to_string().contains("\"a\""), "{e}");
        let p = write(dir.path(), "current_profile: a\nprofiles:\n  a:\n");
        assert!(matches!(load(&p, None), Err(VnError::NoKey { .. })));

        // A key pasted where a map belongs: malformed, and the key is not echoed.
        let p = write(dir.path(), "profiles: sekrit-key-123\n");
        let e = load(&p, None).unwrap_err();
        assert!(matches!(e, VnError::Malformed { .. }), "{e}");
        assert!(!e.to_string().contains("sekrit"), "{e}");
        let p = write(dir.path(), "profiles:\n  a: [\n");
        let e = load(&p, None).unwrap_err().to_string();
        assert!(e.contains("line"), "{e}");
    }
}
