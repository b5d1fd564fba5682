//! Settings: the command line, the environment and the config file resolved into one
//! validated [`Settings`], before anything touches the terminal or the network.
//!
//! Precedence is flag > environment > config file > default. Every default and bound is
//! written once, in [`defaults`], and every rule once, in [`Settings::resolve`] (or
//! [`sim_config`] for `conftop sim`).

use std::path::PathBuf;
use std::time::Duration;

use jiff::SignedDuration;
use jiff::tz::TimeZone;

use crate::api::{ClientConfig, Credentials, DEFAULT_API_URL};
use crate::app::freshness::StaleRules;
use crate::app::view::Thresholds;
use crate::app::{AppConfig, Mode};
use crate::audit::AuditLog;
use crate::cli::{DashArgs, SimArgs};
use crate::config::{self, ConfigError, CredentialSource, FileConfig};
use crate::defaults;
use crate::domain::search::{Region, region_from_env, region_named};
pub use crate::format::shown;
use crate::sim::{Faults, RateLimit, Scenario, ServerOptions, SimConfig, WsFaults, WsOptions};
use crate::sync::{BudgetConfig, HorizonSetting, PushConfig, SyncConfig, TrackerConfig};
use crate::ui::Theme;
use crate::ui::theme::no_color_requested;

pub use error::SettingsError;

/// Where the dashboard gets its data.
#[derive(Debug)]
pub enum Source {
    /// The built-in simulator with the demo scenario; no credentials.
    Demo,
    /// A VoIPbin API.
    Api {
        url: String,
        credentials: Credentials,
    },
}

/// Everything the dashboard needs to start, validated.
#[derive(Debug)]
pub struct Settings {
    pub source: Source,
    pub mode: Mode,
    pub interval: Duration,
    pub stuck_warn: Duration,
    pub stuck_crit: Duration,
    pub rotate: Duration,
    pub no_data_after: Duration,
    /// How far back live participants can have joined; `None`: learned.
    pub horizon: Option<Duration>,
    /// Where the cache lives; `None`: no cache (`--no-cache`, `cache = false`, the demo).
    pub cache: Option<PathBuf>,
    pub budget: f64,
    pub timeout: Duration,
    pub theme: Theme,
    /// Whose way of writing phone numbers the filter understands.
    pub region: Option<Region>,
    pub allow_insecure_http: bool,
    /// Follow VoIPbin's websocket (else poll only).
    pub push: bool,
    /// Where removals are recorded; `None` in read-only modes, which record nothing.
    pub audit_log: Option<PathBuf>,
    pub log_file: Option<PathBuf>,
    /// Where the credential came from (`VN_ACCESS_KEY`, the config file, a vn profile…), to be
    /// shown; never the credential itself.
    pub credential_source: CredentialSource,
    /// Things to tell the user that do not stop the start (a config file others can read).
    pub warnings: Vec<String>,
    /// Where the search line's history is kept, beside the config file.
    pub searches_file: Option<PathBuf>,
    /// Clicks and the wheel (never on a kiosk).
    pub mouse: bool,
    /// The program (and its arguments) run on each alert.
    pub alert_command: Option<Vec<String>>,
    /// What the config file asks to watch from the start.
    pub watches: Vec<crate::app::watch::Watch>,
    /// Where to serve the metrics (`--metrics-listen`, `metrics_listen`); `None`: nowhere.
    pub metrics: Option<std::net::SocketAddr>,
}

/// Which option a value came from, for error messages.
fn origin(flag: &str, from_flag: bool, key: &str, file: &str) -> String {
    if from_flag {
        flag.to_owned()
    } else {
        format!("{key} in {file}")
    }
}

impl Settings {
    /// Resolves the dashboard's options. `env` reads an environment variable (injected so the
    /// rules can be tested without touching the process environment).
    pub fn resolve(
        args: &DashArgs,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Settings, SettingsError> {
        let config_path = args
            .conn
            .config
            .clone()
            .or_else(|| env("CONFTOP_CONFIG").map(PathBuf::from));
        let (file, mut warnings) = config::load(config_path.as_deref())?;
        let searches_file = config::searches_path(config_path.as_deref());
        let file_name = config_path
            .or_else(config::default_path)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "config.toml".to_owned());
        let from = |flag: &str, given: bool, key: &str| origin(flag, given, key, &file_name);

        let t = timing(args, &file, &from)?;
        let theme = look(args, &file, env)?;
        let region = region(args, &file, env, &from)?;
        let (mode, audit_log, log_file) = mode_and_files(args, &file)?;
        let (source, credential_source) = source(args, env, &file, &file_name, &mut warnings)?;
        let alert_command = notify::alert_command(args, &file, &from)?;
        let watches = notify::watches(&file, &file_name)?;
        let metrics = metrics_listen(args, &file, &from)?;
        Ok(Settings {
            source,
            mode,
            interval: t.interval,
            stuck_warn: t.stuck_warn,
            stuck_crit: t.stuck_crit,
            rotate: t.rotate,
            no_data_after: t.no_data_after,
            horizon: t.horizon,
            cache: (!args.conn.no_cache && file.cache != Some(false) && !args.conn.demo)
                .then(|| config::project_dirs().map(|d| d.cache_dir().to_owned()))
                .flatten(),
            budget: t.budget,
            timeout: t.timeout,
            theme,
            region,
            allow_insecure_http: args.conn.allow_insecure_http,
            push: !args.run.no_push && file.push.unwrap_or(true),
            audit_log,
            log_file,
            credential_source,
            warnings,
            searches_file,
            mouse: !args.no_mouse && file.mouse != Some(false) && !matches!(mode, Mode::Kiosk),
            alert_command,
            watches,
            metrics,
        })
    }

    /// The same settings for a process with no screen (`conftop serve`, `conftop check`):
    /// read-only (as the options it is resolved from say), no keys, no rows to name.
    pub fn headless(self) -> Settings {
        Settings {
            mode: Mode::Headless,
            mouse: false,
            ..self
        }
    }

    /// The audit log, opened (`None` in read-only modes, which record nothing).
    pub fn open_audit_log(&self) -> Result<Option<AuditLog>, String> {
        let Some(path) = &self.audit_log else {
            return Ok(None);
        };
        AuditLog::open(path)
            .map(Some)
            .map_err(|e| format!("cannot open the audit log {}: {e}", path.display()))
    }

    /// Where the API is: the URL and credentials, or a demo simulator started here (which the
    /// caller keeps alive for as long as it is used).
    pub async fn connect(
        &self,
    ) -> Result<(ClientConfig, Credentials, Option<crate::sim::Sim>), crate::sim::SimError> {
        match &self.source {
            Source::Demo => {
                let sim = crate::sim::Sim::start(SimConfig {
                    scenario: Scenario::demo(),
                    ..SimConfig::default()
                })
                .await?;
                let key = Credentials::AccessKey(secrecy::SecretString::from(sim.access_key()));
                Ok((self.client_config(sim.base_url()), key, Some(sim)))
            }
            Source::Api { url, credentials } => {
                Ok((self.client_config(url.clone()), credentials.clone(), None))
            }
        }
    }

    /// The HTTP client's settings for `base_url`.
    pub fn client_config(&self, base_url: String) -> ClientConfig {
        ClientConfig {
            base_url,
            timeout: self.timeout,
            allow_insecure_http: self.allow_insecure_http,
            credential_source: Some(self.credential_source.to_string()),
            ..ClientConfig::default()
        }
    }

    /// What the app needs: `host` is shown in the header; `audit_path` in the help.
    pub fn app_config(&self, host: String, audit_path: Option<String>) -> AppConfig {
        let signed = |d: Duration| SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX);
        let mut app = AppConfig::new(self.mode, host, self.interval);
        app.stale = StaleRules::new(self.interval, self.no_data_after);
        app.thresholds = Thresholds {
            warn: signed(self.stuck_warn),
            crit: signed(self.stuck_crit),
        };
        app.rotate = signed(self.rotate);
        app.audit_path = audit_path;
        app.demo = matches!(self.source, Source::Demo);
        app.credential_source = self.credential_source.to_string();
        app.warnings = self.warnings.clone();
        app.region = self.region;
        app.searches_file = self.searches_file.clone();
        app.tz = TimeZone::system();
        app.alerts = self.alert_command.is_some();
        app.watches = self.watches.clone();
        app
    }

    /// What the sync task needs.
    pub fn sync_config(&self, audit: Option<AuditLog>) -> SyncConfig {
        SyncConfig {
            interval: self.interval,
            budget: BudgetConfig::adaptive(self.budget),
            allow_actions: !self.mode.read_only(),
            audit,
            push: PushConfig {
                enabled: self.push,
                ..PushConfig::default()
            },
            tracker: TrackerConfig {
                horizon: match self.horizon.map(SignedDuration::try_from) {
                    Some(Ok(h)) => HorizonSetting::Fixed(h),
                    _ => HorizonSetting::Learned,
                },
                cache: self.cache.clone(),
                ..TrackerConfig::default()
            },
            // A wall turns its pages untouched: every caller is named over time (on optional
            // work's share), so a page reached during an outage still shows names.
            name_everyone: self.mode == Mode::Kiosk,
            ..SyncConfig::default()
        }
    }
}

/// The durations and the budget, each from the flag, else the config file, else its default,
/// and within its bounds.
struct Timing {
    interval: Duration,
    stuck_warn: Duration,
    stuck_crit: Duration,
    rotate: Duration,
    no_data_after: Duration,
    timeout: Duration,
    budget: f64,
    horizon: Option<Duration>,
}

/// Where a value came from, for its error: the flag, or the key of the named config file.
type From<'a> = &'a dyn Fn(&str, bool, &str) -> String;

fn timing(args: &DashArgs, file: &FileConfig, from: From) -> Result<Timing, SettingsError> {
    let interval = args
        .run
        .interval
        .or(file.interval)
        .unwrap_or(defaults::INTERVAL);
    if interval < defaults::MIN_INTERVAL {
        return Err(SettingsError::IntervalTooShort {
            option: from("--interval", args.run.interval.is_some(), "interval"),
            given: shown(interval),
            min: shown(defaults::MIN_INTERVAL),
        });
    }
    let stuck_warn = args
        .stuck
        .stuck_warn
        .or(file.stuck_warn)
        .unwrap_or(defaults::STUCK_WARN);
    let stuck_crit = args
        .stuck
        .stuck_crit
        .or(file.stuck_crit)
        .unwrap_or(defaults::STUCK_CRIT);
    if stuck_crit < stuck_warn {
        return Err(SettingsError::StuckOrder {
            warn: shown(stuck_warn),
            crit: shown(stuck_crit),
        });
    }
    let rotate = args.rotate.or(file.rotate).unwrap_or(defaults::ROTATE);
    if rotate < defaults::MIN_ROTATE {
        return Err(SettingsError::RotateTooFast {
            option: from("--rotate", args.rotate.is_some(), "rotate"),
            given: shown(rotate),
        });
    }
    let budget = args.conn.budget.or(file.budget).unwrap_or(defaults::BUDGET);
    if !(budget.is_finite() && defaults::BUDGET_RANGE.contains(&budget)) {
        return Err(SettingsError::Budget {
            option: from("--budget", args.conn.budget.is_some(), "budget"),
            given: budget,
        });
    }
    let timeout = args
        .run
        .timeout
        .or(file.timeout)
        .unwrap_or(defaults::TIMEOUT);
    if timeout < defaults::MIN_TIMEOUT {
        return Err(SettingsError::TimeoutTooShort {
            option: from("--timeout", args.run.timeout.is_some(), "timeout"),
            given: shown(timeout),
            min: shown(defaults::MIN_TIMEOUT),
        });
    }
    let no_data_after = args
        .run
        .no_data_after
        .or(file.no_data_after)
        .unwrap_or(defaults::NO_DATA_AFTER);
    let horizon = args.conn.horizon.or(file.horizon);
    if let Some(h) = horizon
        && !defaults::HORIZON.contains(&h)
    {
        return Err(SettingsError::Horizon {
            option: from("--horizon", args.conn.horizon.is_some(), "horizon"),
            given: shown(h),
        });
    }

    Ok(Timing {
        interval,
        stuck_warn,
        stuck_crit,
        rotate,
        no_data_after,
        timeout,
        budget,
        horizon,
    })
}

/// The theme, without colour when asked (`--no-color`, `NO_COLOR`).
fn look(
    args: &DashArgs,
    file: &FileConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Theme, SettingsError> {
    let mut theme = Theme::load(
        args.theme
            .as_deref()
            .or(file.theme.as_deref())
            .unwrap_or(defaults::THEME),
    )?;
    if args.no_color || no_color_requested(env("NO_COLOR").as_deref().map(std::ffi::OsStr::new)) {
        theme = theme.without_color();
    }

    Ok(theme)
}

/// The region for numbers: the option, the file, else the locale's (none if it names none).
fn region(
    args: &DashArgs,
    file: &FileConfig,
    env: &dyn Fn(&str) -> Option<String>,
    from: From,
) -> Result<Option<Region>, SettingsError> {
    let given = args.conn.region.as_deref().map(|r| (r, true));
    match given.or(file.region.as_deref().map(|r| (r, false))) {
        Some((code, flag)) => region_named(code)
            .map(Some)
            .ok_or_else(|| SettingsError::Region {
                option: from("--region", flag, "region"),
                given: code.to_owned(),
            }),
        None => Ok(region_from_env(env)),
    }
}

/// The mode, and where the audit log (none in read-only modes) and the log go.
fn mode_and_files(
    args: &DashArgs,
    file: &FileConfig,
) -> Result<(Mode, Option<PathBuf>, Option<PathBuf>), SettingsError> {
    let mode = if args.kiosk {
        Mode::Kiosk
    } else {
        Mode::Interactive {
            read_only: args.read_only || file.read_only.unwrap_or(false),
        }
    };
    let audit_log = if mode.read_only() {
        None
    } else {
        Some(
            args.audit_log
                .clone()
                .or(file.audit_log.clone())
                .or_else(|| config::data_file("audit.jsonl"))
                .ok_or(SettingsError::NoAuditPath)?,
        )
    };
    let log_file = args
        .run
        .log_file
        .clone()
        .or(file.log_file.clone())
        .or_else(|| config::data_file("conftop.log"));

    Ok((mode, audit_log, log_file))
}

/// Where the data comes from (the demo's simulator, or an API and its credential), with a
/// warning for a credential others can read or a profile asked for that is not used.
fn source(
    args: &DashArgs,
    env: &dyn Fn(&str) -> Option<String>,
    file: &FileConfig,
    file_name: &str,
    warnings: &mut Vec<String>,
) -> Result<(Source, CredentialSource), SettingsError> {
    let (source, credential_source) = if args.conn.demo {
        (Source::Demo, CredentialSource::Demo)
    } else {
        let (credentials, from, vn_url) = credentials(args, env, file, file_name)?;
        if let CredentialSource::VnProfile { path, .. } = &from
            && config::shared_readable(std::path::Path::new(path))
        {
            warnings.push(format!(
                "warning: {path} holds a credential and is readable by group or others; \
                     run: chmod 600 {path}"
            ));
        }
        if let Some((name, by)) = profile(args, env)
            && !matches!(from, CredentialSource::VnProfile { .. })
        {
            warnings.push(format!(
                "warning: {by} {name:?} is not used: the credential comes from {from}, \
                     which comes first"
            ));
        }
        let url = api_url(args, env, file, vn_url);
        (Source::Api { url, credentials }, from)
    };

    // A URL that cannot be used is an option error too.
    if let Source::Api { url, credentials } = &source {
        let client = ClientConfig {
            base_url: url.clone(),
            allow_insecure_http: args.conn.allow_insecure_http,
            ..ClientConfig::default()
        };
        crate::api::Client::new(&client, credentials.clone())?;
    }
    Ok((source, credential_source))
}

/// `--metrics-listen HOST:PORT` (or a port alone, on 127.0.0.1), else `metrics_listen` in the
/// file: only this machine's addresses unless `--metrics-allow-remote` (or
/// `metrics_allow_remote = true`), as the metrics name the customer and its rooms and ask no
/// one who they are.
fn metrics_listen(
    args: &DashArgs,
    file: &FileConfig,
    from: From,
) -> Result<Option<std::net::SocketAddr>, SettingsError> {
    let flag = args.metrics.metrics_listen.is_some();
    let Some(given) = args
        .metrics
        .metrics_listen
        .clone()
        .or(file.metrics_listen.clone())
    else {
        return Ok(None);
    };
    let remote = args.metrics.metrics_allow_remote || file.metrics_allow_remote == Some(true);
    listen::address_or_port(&given, remote)
        .map(Some)
        .map_err(|why| SettingsError::MetricsListen {
            option: from("--metrics-listen", flag, "metrics_listen"),
            given: given.clone(),
            why: match why {
                listen::Refused::Remote(ip) => format!(
                    "it is {ip}, which other machines reach; the metrics name the customer and \
                     its rooms to anyone who asks, so they are served on this machine only \
                     unless --metrics-allow-remote (or metrics_allow_remote = true)"
                ),
                listen::Refused::Form => "give HOST:PORT or a port, e.g. 127.0.0.1:9464 or \
                                          9464"
                    .to_owned(),
                other => other.to_string(),
            },
        })
}

/// `conftop check --timeout`: how long the whole check may take.
pub fn check_timeout(given: Option<Duration>) -> Result<Duration, SettingsError> {
    let timeout = given.unwrap_or(defaults::CHECK_TIMEOUT);
    if timeout < defaults::MIN_TIMEOUT {
        return Err(SettingsError::TimeoutTooShort {
            option: "--timeout".to_owned(),
            given: shown(timeout),
            min: shown(defaults::MIN_TIMEOUT),
        });
    }
    Ok(timeout)
}

/// `conftop list --timeout`: how long the whole picture may take.
pub fn list_timeout(given: Option<Duration>) -> Result<Duration, SettingsError> {
    let timeout = given.unwrap_or(crate::list::DEFAULT_TIMEOUT);
    if timeout < defaults::MIN_TIMEOUT {
        return Err(SettingsError::ListTimeoutTooShort {
            option: "--timeout".to_owned(),
            given: shown(timeout),
            min: shown(defaults::MIN_TIMEOUT),
        });
    }
    Ok(timeout)
}

mod error;
mod listen;
mod notify;
mod sim;
mod source;

pub use sim::sim_config;
use source::{api_url, credentials, profile};

#[cfg(test)]
mod tests;
