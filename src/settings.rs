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
use crate::sim::{Faults, RateLimit, Scenario, ServerOptions, SimConfig, WsFaults, WsOptions};
use crate::sync::{BudgetConfig, HorizonSetting, PushConfig, SyncConfig, TrackerConfig};
use crate::ui::Theme;
use crate::ui::theme::{ThemeError, no_color_requested};

/// Each option's default and bounds.
pub mod defaults {
    use std::ops::RangeInclusive;
    use std::time::Duration;

    pub const INTERVAL: Duration = Duration::from_secs(2);
    /// Shorter would only spend the customer's budget.
    pub const MIN_INTERVAL: Duration = Duration::from_secs(1);
    pub const STUCK_WARN: Duration = Duration::from_secs(30);
    pub const STUCK_CRIT: Duration = Duration::from_secs(120);
    pub const ROTATE: Duration = Duration::from_secs(15);
    /// A wall screen that changes faster than this cannot be read.
    pub const MIN_ROTATE: Duration = Duration::from_secs(1);
    /// While push is healthy: light polls (for `joining` and `leaving`, which push never
    /// says) and the consistency check (the room list).
    pub const PUSH_POLL: Duration = Duration::from_millis(4500);
    pub const PUSH_CHECK: Duration = Duration::from_secs(90);
    pub const NO_DATA_AFTER: Duration = Duration::from_secs(60);
    /// `--horizon`, when given: from a minute to a week.
    pub const HORIZON: RangeInclusive<Duration> =
        Duration::from_secs(60)..=Duration::from_secs(7 * 86400);
    /// How far back the recent departures reach.
    pub const DEPARTURES: Duration = Duration::from_secs(15 * 60);
    pub const TIMEOUT: Duration = Duration::from_secs(10);
    /// Less than this cannot complete a request even on loopback.
    pub const MIN_TIMEOUT: Duration = Duration::from_millis(100);
    /// Under half the server's customer limit (~17/s), leaving room for the customer's other
    /// clients.
    pub const BUDGET: f64 = 8.0;
    pub const BUDGET_RANGE: RangeInclusive<f64> = 0.5..=16.0;
    pub const THEME: &str = "default";
    /// `conftop sim`: simulated time against real time.
    pub const SIM_SPEED: RangeInclusive<f64> = f64::MIN_POSITIVE..=1000.0;
    /// `conftop sim`: arrivals per minute when not 0.
    pub const SIM_CHURN: RangeInclusive<f64> = 0.01..=100_000.0;
    /// `conftop sim`: the recent window, within the history's two weeks (and the longest
    /// duration an option takes, a week).
    pub const SIM_RECENT_WINDOW: RangeInclusive<Duration> =
        Duration::from_secs(1)..=Duration::from_secs(7 * 86400);
    /// `conftop sim`: websocket ping interval.
    pub const SIM_WS_PING: RangeInclusive<Duration> =
        Duration::from_millis(100)..=Duration::from_secs(3600);
    /// `conftop sim`: frames queued per websocket.
    pub const SIM_WS_QUEUE: RangeInclusive<usize> = 1..=1_000_000;
}

/// Why the options cannot be used. Shown as it is, with exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Theme(#[from] ThemeError),
    #[error(transparent)]
    Vn(#[from] crate::vn::VnError),
    #[error("{option} {given}: the shortest refresh interval is {min}")]
    IntervalTooShort {
        option: String,
        given: String,
        min: String,
    },
    #[error(
        "--stuck-crit {crit} is shorter than --stuck-warn {warn}: the critical threshold must \
         not come before the warning"
    )]
    StuckOrder { warn: String, crit: String },
    #[error("{option} {given}: give a horizon from 1m to 7d")]
    Horizon { option: String, given: String },
    #[error("{option} {given}: pages rotate at most once a second")]
    RotateTooFast { option: String, given: String },
    #[error(
        "{option} {given}: give 0.5 to 16 requests per second (the customer's limit is about \
         17, shared by all its clients)"
    )]
    Budget { option: String, given: f64 },
    #[error("{option} {given}: a request needs time to be answered; give at least {min}")]
    TimeoutTooShort {
        option: String,
        given: String,
        min: String,
    },
    #[error(transparent)]
    Api(#[from] crate::api::ClientConfigError),
    #[error("no data directory for the audit log; give --audit-log PATH")]
    NoAuditPath,
    #[error("{option} {given}: {rule}")]
    Sim {
        option: &'static str,
        given: String,
        rule: &'static str,
    },
    #[error("--listen {given}: {why}")]
    SimListen { given: String, why: String },
}

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
        let file_name = config_path
            .or_else(config::default_path)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "config.toml".to_owned());
        let from = |flag: &str, given: bool, key: &str| origin(flag, given, key, &file_name);

        let interval = args
            .interval
            .or(file.interval)
            .unwrap_or(defaults::INTERVAL);
        if interval < defaults::MIN_INTERVAL {
            return Err(SettingsError::IntervalTooShort {
                option: from("--interval", args.interval.is_some(), "interval"),
                given: shown(interval),
                min: shown(defaults::MIN_INTERVAL),
            });
        }
        let stuck_warn = args
            .stuck_warn
            .or(file.stuck_warn)
            .unwrap_or(defaults::STUCK_WARN);
        let stuck_crit = args
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
        let timeout = args.timeout.or(file.timeout).unwrap_or(defaults::TIMEOUT);
        if timeout < defaults::MIN_TIMEOUT {
            return Err(SettingsError::TimeoutTooShort {
                option: from("--timeout", args.timeout.is_some(), "timeout"),
                given: shown(timeout),
                min: shown(defaults::MIN_TIMEOUT),
            });
        }
        let no_data_after = args
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

        let mut theme = Theme::load(
            args.theme
                .as_deref()
                .or(file.theme.as_deref())
                .unwrap_or(defaults::THEME),
        )?;
        if args.no_color || no_color_requested(env("NO_COLOR").as_deref().map(std::ffi::OsStr::new))
        {
            theme = theme.without_color();
        }

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
            .log_file
            .clone()
            .or(file.log_file.clone())
            .or_else(|| config::data_file("conftop.log"));

        let (source, credential_source) = if args.conn.demo {
            (Source::Demo, CredentialSource::Demo)
        } else {
            let (credentials, from, vn_url) = credentials(args, env, &file, &file_name)?;
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
            let url = api_url(args, env, &file, vn_url);
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
        Ok(Settings {
            source,
            mode,
            interval,
            stuck_warn,
            stuck_crit,
            rotate,
            no_data_after,
            horizon,
            cache: (!args.conn.no_cache && file.cache != Some(false) && !args.conn.demo)
                .then(|| config::project_dirs().map(|d| d.cache_dir().to_owned()))
                .flatten(),
            budget,
            timeout,
            theme,
            allow_insecure_http: args.conn.allow_insecure_http,
            push: !args.no_push && file.push.unwrap_or(true),
            audit_log,
            log_file,
            credential_source,
            warnings,
        })
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
        app.tz = TimeZone::system();
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
            ..SyncConfig::default()
        }
    }
}

/// `--api-url` > `VOIPBIN_API_URL` > the vn profile's `api_url` (when that profile gives the
/// credential: a key and its server belong together) > the config file > VoIPbin's public API.
fn api_url(
    args: &DashArgs,
    env: &dyn Fn(&str) -> Option<String>,
    file: &FileConfig,
    vn_url: Option<String>,
) -> String {
    args.conn
        .api_url
        .clone()
        .or_else(|| env("VOIPBIN_API_URL"))
        .or(vn_url)
        .or(file.api_url.clone())
        .unwrap_or_else(|| DEFAULT_API_URL.to_owned())
}

/// The vn profile asked for by name, and by what: `--profile` > `CONFTOP_PROFILE`.
fn profile(
    args: &DashArgs,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<(String, &'static str)> {
    let named = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    match args.conn.profile.clone().and_then(named) {
        Some(p) => Some((p, "--profile")),
        None => env("CONFTOP_PROFILE")
            .and_then(named)
            .map(|p| (p, "CONFTOP_PROFILE")),
    }
}

/// The credential, where it came from, and the vn profile's API URL if the profile gave it:
/// the environment > conftop's config file > the vn profile (as `vn` itself: its environment
/// variable before its file).
fn credentials(
    args: &DashArgs,
    env: &dyn Fn(&str) -> Option<String>,
    file: &FileConfig,
    file_name: &str,
) -> Result<(Credentials, CredentialSource, Option<String>), SettingsError> {
    if let Some((credentials, from)) = config::credentials(env, file, file_name)? {
        return Ok((credentials, from, None));
    }
    let home = env("HOME")
        .or_else(|| env("USERPROFILE"))
        .filter(|h| !h.is_empty());
    let vn_path = home.map(|h| crate::vn::path_in(std::path::Path::new(&h)));
    let shown = vn_path.as_ref().map_or_else(
        || format!("~/{}", crate::vn::CONFIG),
        |p| p.display().to_string(),
    );
    let wanted = profile(args, env);
    let found = match &vn_path {
        Some(path) => crate::vn::load(path, wanted.as_ref().map(|(n, by)| (n.as_str(), *by)))?,
        None => None,
    };
    match found {
        Some(p) => Ok((
            Credentials::AccessKey(p.access_key),
            CredentialSource::VnProfile {
                profile: crate::text::sanitize(&p.name, 64),
                path: p.path.display().to_string(),
            },
            p.api_url,
        )),
        None => Err(ConfigError::NoCredentials {
            config: file_name.to_owned(),
            vn: shown,
        }
        .into()),
    }
}

/// `conftop list --timeout`: how long the whole picture may take.
pub fn list_timeout(given: Option<Duration>) -> Result<Duration, SettingsError> {
    let timeout = given.unwrap_or(crate::list::DEFAULT_TIMEOUT);
    if timeout < defaults::MIN_TIMEOUT {
        return Err(SettingsError::TimeoutTooShort {
            option: "--timeout".to_owned(),
            given: shown(timeout),
            min: shown(defaults::MIN_TIMEOUT),
        });
    }
    Ok(timeout)
}

/// `conftop sim`'s options as a simulator configuration.
pub fn sim_config(a: &SimArgs) -> Result<SimConfig, SettingsError> {
    let bad = |option: &'static str, given: String, rule: &'static str| SettingsError::Sim {
        option,
        given,
        rule,
    };
    if !(a.speed.is_finite() && defaults::SIM_SPEED.contains(&a.speed)) {
        return Err(bad(
            "--speed",
            a.speed.to_string(),
            "must be above 0 and at most 1000",
        ));
    }
    if let Some(churn) = a.churn
        && !(churn == 0.0 || defaults::SIM_CHURN.contains(&churn))
    {
        return Err(bad(
            "--churn",
            churn.to_string(),
            "is 0 (a still world) or 0.01 to 100000 arrivals per minute",
        ));
    }
    for (option, rate) in [
        ("--ws-garbage-rate", a.ws_garbage_rate),
        ("--ws-binary-rate", a.ws_binary_rate),
        ("--kick-fail-rate", a.kick_fail_rate),
        ("--bare-429-rate", a.bare_429_rate),
        ("--error-rate", a.error_rate),
        ("--drop-rate", a.drop_rate),
        ("--malformed-rate", a.malformed_rate),
        ("--truncate-rate", a.truncate_rate),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(bad(option, rate.to_string(), "must be between 0 and 1"));
        }
    }
    if let Some(share) = a.recent_share
        && !(0.0..=1.0).contains(&share)
    {
        return Err(bad(
            "--recent-share",
            share.to_string(),
            "must be between 0 and 1",
        ));
    }
    if let Some(w) = a.recent_window
        && !(defaults::SIM_RECENT_WINDOW.contains(&w))
    {
        return Err(bad("--recent-window", shown(w), "is 1s to 168h"));
    }
    let ws_base = WsOptions::default();
    let ping_interval = a.ws_ping_interval.unwrap_or(ws_base.ping_interval);
    let pong_timeout = a.ws_pong_timeout.unwrap_or(ws_base.pong_timeout);
    if !defaults::SIM_WS_PING.contains(&ping_interval) {
        return Err(bad(
            "--ws-ping-interval",
            shown(ping_interval),
            "is 100ms to 1h (--ws-no-ping stops pings)",
        ));
    }
    if pong_timeout <= ping_interval && !a.ws_no_ping {
        return Err(SettingsError::Sim {
            option: "--ws-pong-timeout",
            given: format!(
                "{} with a ping every {}",
                shown(pong_timeout),
                shown(ping_interval)
            ),
            rule: "must be longer than the ping interval, or every socket is dropped",
        });
    }
    let queue = a.ws_queue.unwrap_or(ws_base.queue);
    if !defaults::SIM_WS_QUEUE.contains(&queue) {
        return Err(bad(
            "--ws-queue",
            queue.to_string(),
            "is 1 to 1000000 frames",
        ));
    }
    let listen = sim_listen(&a.listen, a.allow_remote)?;
    let base = if a.demo {
        Scenario::demo()
    } else if a.busy {
        Scenario::busy()
    } else {
        Scenario::default()
    };
    let scenario = Scenario {
        seed: a.seed.unwrap_or(base.seed),
        conferences: a.conferences.unwrap_or(base.conferences),
        participants: a.participants.unwrap_or(base.participants),
        connect_rooms: a.connect_rooms.unwrap_or(base.connect_rooms),
        queue_rooms: a.queue_rooms.unwrap_or(base.queue_rooms),
        history: a.history.unwrap_or(base.history),
        churn_per_min: a.churn.unwrap_or(base.churn_per_min),
        call_limit: if a.uncapped { None } else { base.call_limit },
        recent_share: a.recent_share.unwrap_or(base.recent_share),
        recent_window: a
            .recent_window
            .map(|w| w.as_micros() as i64)
            .unwrap_or(base.recent_window),
        ties: a.ties,
        ..base
    };
    Ok(SimConfig {
        listen,
        scenario,
        server: ServerOptions {
            legacy_timestamps: a.legacy_timestamps,
            bare_errors: a.bare_errors,
            rate_limit: (!a.no_rate_limit).then_some(RateLimit {
                per_second: a.rate_limit.max(0.1),
                burst: a.burst.max(1.0),
            }),
        },
        faults: Faults {
            latency: a.latency.unwrap_or_default(),
            error_rate: a.error_rate,
            drop_rate: a.drop_rate,
            malformed_rate: a.malformed_rate,
            truncate_rate: a.truncate_rate,
            kick_fail_rate: a.kick_fail_rate,
            bare_429_rate: a.bare_429_rate,
            storm_retry_after: None,
            pagination_loop: a.pagination_loop,
            endless_pages: a.endless_pages,
        },
        websocket: WsOptions {
            wrapped_events: a.ws_wrapped,
            ping_interval,
            pong_timeout,
            queue,
        },
        ws_faults: WsFaults {
            refuse_upgrades: a.ws_refuse,
            no_ping: a.ws_no_ping,
            garbage_rate: a.ws_garbage_rate,
            binary_rate: a.ws_binary_rate,
            delay: a.ws_delay.unwrap_or_default(),
        },
        speed: a.speed,
        ..SimConfig::default()
    })
}

/// `--listen HOST:PORT`: an address, or a host name resolved now. Without `allow_remote`
/// the first loopback address it resolves to (`localhost` is 127.0.0.1 or ::1).
fn sim_listen(given: &str, allow_remote: bool) -> Result<std::net::SocketAddr, SettingsError> {
    use std::net::ToSocketAddrs;
    let fail = |why: String| SettingsError::SimListen {
        given: given.to_owned(),
        why,
    };
    let addrs: Vec<std::net::SocketAddr> = given
        .to_socket_addrs()
        .map_err(|e| {
            fail(match e.kind() {
                std::io::ErrorKind::InvalidInput => {
                    "give HOST:PORT, e.g. 127.0.0.1:8080 or localhost:8080".to_owned()
                }
                _ => format!("cannot resolve it ({e})"),
            })
        })?
        .collect();
    let first_loopback = addrs.iter().find(|a| a.ip().is_loopback());
    match (first_loopback, addrs.first()) {
        (Some(a), _) => Ok(*a),
        (None, Some(a)) if allow_remote => Ok(*a),
        (None, Some(a)) => Err(fail(format!(
            "it is {}, not this machine; the simulator serves credentials, so it listens on \
             loopback unless --allow-remote",
            a.ip()
        ))),
        (None, None) => Err(fail("it resolves to no address".to_owned())),
    }
}

/// A duration as the options take it, so that what is shown can be typed back: `500ms`,
/// `45s`, `2m`, `1h`.
pub fn shown(d: Duration) -> String {
    let ms = d.as_millis();
    match ms {
        _ if ms.is_multiple_of(3_600_000) && ms > 0 => format!("{}h", ms / 3_600_000),
        _ if ms.is_multiple_of(60_000) && ms > 0 => format!("{}m", ms / 60_000),
        _ if ms.is_multiple_of(1000) && ms > 0 => format!("{}s", ms / 1000),
        _ => format!("{ms}ms"),
    }
}

#[cfg(test)]
mod tests;
