//! Logging to a file, never to the terminal (the TUI owns the screen).

use std::fs::OpenOptions;
use std::path::Path;
use std::sync::Mutex;

use tracing::Level;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::prelude::*;

/// Starts logging to `path` (appending; created `0600`). The level comes from `CONFTOP_LOG`
/// (default `info`). HTTP internals are held at `warn` whatever it says (a second filter no
/// directive can widen), so no request line with its query string (and access key) can ever
/// reach the file.
pub fn init(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let file = opts.open(path)?;
    let wanted = EnvFilter::try_from_env("CONFTOP_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_filter(wanted)
        .with_filter(filter_fn(|meta| {
            *meta.level() <= Level::WARN || !is_http_internal(meta.target())
        }));
    tracing_subscriber::registry()
        .with(layer)
        .try_init()
        .map_err(std::io::Error::other)
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
    use super::is_http_internal;

    #[test]
    fn http_internals_are_recognised_by_crate() {
        assert!(is_http_internal("reqwest"));
        assert!(is_http_internal("reqwest::async_impl::client"));
        assert!(is_http_internal("hyper_util::client::legacy"));
        assert!(!is_http_internal("conftop::sync"));
        assert!(!is_http_internal("hyperion"));
    }
}
