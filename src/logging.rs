//! Logging to a file, never to the terminal (the TUI owns the screen). Each process writes its
//! own file, rotated by size with a bounded number kept: a wall in an outage logs a couple of
//! lines a second for days, and several screens of one host must not interleave or rotate each
//! other's files.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use file_rotate::compression::Compression;
use file_rotate::suffix::AppendCount;
use file_rotate::{ContentLimit, FileRotate};
use tracing::Level;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::prelude::*;

/// A log file is rotated once it passes this size…
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// …and this many rotated files are kept beside it (`conftop.log.1` is the newest).
pub const KEEP: usize = 3;
/// How many processes of one host get a file of their own before the process id is used.
const INSTANCES: usize = 16;

/// The lock that makes this process's log file its own, held until it exits.
static HELD: OnceLock<File> = OnceLock::new();

/// Starts logging to `path`, or to `conftop-2.log`, `conftop-3.log`… beside it when another
/// process writes there; returns the file used. Files are created `0600`. The level comes from
/// `CONFTOP_LOG` (default `info`). HTTP internals are held at `warn` whatever it says (a second
/// filter no directive can widen), so no request line with its query string (and access key)
/// can ever reach the file.
pub fn init(path: &Path) -> std::io::Result<PathBuf> {
    let (writer, used, lock) = open(path, MAX_BYTES, KEEP)?;
    let wanted = EnvFilter::try_from_env("CONFTOP_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(Mutex::new(writer))
        .with_ansi(false)
        .with_filter(wanted)
        .with_filter(filter_fn(|meta| {
            *meta.level() <= Level::WARN || !is_http_internal(meta.target())
        }));
    tracing_subscriber::registry()
        .with(layer)
        .try_init()
        .map_err(std::io::Error::other)?;
    let _ = HELD.set(lock);
    Ok(used)
}

/// A rotating writer for the first of `path`, `path-2`, … that no other process holds, the
/// path it writes, and the lock that holds it (the lock is a file beside the log, as the log
/// itself is renamed when it rotates).
fn open(
    path: &Path,
    max_bytes: usize,
    keep: usize,
) -> std::io::Result<(FileRotate<AppendCount>, PathBuf, File)> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let candidates = (1..=INSTANCES)
        .map(|n| instance_path(path, &n.to_string()))
        .chain([instance_path(path, &std::process::id().to_string())]);
    for candidate in candidates {
        let lock = open_private(&lock_path(&candidate))?;
        match lock.try_lock() {
            Ok(()) => {
                let writer = FileRotate::new(
                    &candidate,
                    AppendCount::new(keep),
                    ContentLimit::BytesSurpassed(max_bytes),
                    Compression::None,
                    Some(private()),
                );
                return Ok((writer, candidate, lock));
            }
            Err(std::fs::TryLockError::WouldBlock) => continue,
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
    }
    Err(std::io::Error::other(
        "every log file beside it is held by another conftop",
    ))
}

/// `conftop.log` for the first instance, `conftop-2.log` for the second.
fn instance_path(path: &Path, n: &str) -> PathBuf {
    if n == "1" {
        return path.to_owned();
    }
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}

fn lock_path(log: &Path) -> PathBuf {
    let mut name = log.file_name().unwrap_or_default().to_owned();
    name.push(".lock");
    log.with_file_name(name)
}

/// Appending, created `0600` (the log names callers).
fn private() -> OpenOptions {
    let mut opts = OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts
}

fn open_private(path: &Path) -> std::io::Result<File> {
    private().open(path)
}

/// Crates whose debug output may include request URLs.
fn is_http_internal(target: &str) -> bool {
    const QUIET: &[&str] = &[
        "reqwest",
        "hyper",
        "hyper_util",
        "h2",
        "rustls",
        "axum",
        "tower",
    ];
    QUIET.iter().any(|q| {
        target == *q
            || target
                .strip_prefix(q)
                .is_some_and(|rest| rest.starts_with("::"))
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn a_log_rotates_by_size_and_keeps_a_bounded_number_of_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conftop.log");
        let (mut w, used, _lock) = open(&path, 1000, 2).unwrap();
        assert_eq!(used, path);
        let line = format!("{}\n", "x".repeat(99));
        for _ in 0..100 {
            w.write_all(line.as_bytes()).unwrap();
        }
        w.flush().unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "conftop.log",
                "conftop.log.1",
                "conftop.log.2",
                "conftop.log.lock"
            ],
            "10,000 bytes in files of 1,000: two kept"
        );
        for name in &names[..3] {
            let len = std::fs::metadata(dir.path().join(name)).unwrap().len();
            assert!(len <= 1100, "{name}: {len} bytes");
            let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
            assert!(text.lines().all(|l| l.len() == 99), "lines whole in {name}");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn each_process_writes_a_file_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conftop.log");
        let first = open(&path, 1000, 2).unwrap();
        let second = open(&path, 1000, 2).unwrap();
        assert_eq!(first.1, path);
        assert_eq!(second.1, dir.path().join("conftop-2.log"));
        drop(first);
        let third = open(&path, 1000, 2).unwrap();
        assert_eq!(third.1, path, "a file is free again once its writer ends");
        assert_eq!(
            instance_path(Path::new("/l/log"), "3"),
            Path::new("/l/log-3")
        );
    }

    #[test]
    fn http_internals_are_recognised_by_crate() {
        assert!(is_http_internal("reqwest"));
        assert!(is_http_internal("reqwest::async_impl::client"));
        assert!(is_http_internal("hyper_util::client::legacy"));
        assert!(!is_http_internal("conftop::sync"));
        assert!(!is_http_internal("hyperion"));
    }
}
