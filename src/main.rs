//! `conftop`: the dashboard, `conftop --demo`, and `conftop sim`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use secrecy::SecretString;

use conftop::api::{Client, ClientConfig, Credentials, DEFAULT_API_URL};
use conftop::app::freshness::StaleRules;
use conftop::app::view::Thresholds;
use conftop::app::{AppConfig, AppState, Mode};
use conftop::audit::AuditLog;
use conftop::cli::{Cli, DashArgs, SimArgs, Sub};
use conftop::sim::{Faults, RateLimit, Scenario, ServerOptions, Sim, SimConfig};
use conftop::sync::{self, BudgetConfig, SyncConfig};
use conftop::ui::Theme;
use conftop::ui::theme::no_color_requested;
use conftop::{config, logging, tui};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The dashboard's work is waiting on the network and the terminal: one thread does it, and
    // keeps memory low (no per-thread allocator arenas). The standalone simulator may serve
    // several clients at once.
    let runtime = match &cli.command {
        None => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        Some(_) => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build(),
    };
    let runtime = match runtime {
        Ok(rt) => rt,
        Err(e) => {
            say(&format!("cannot start: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Some(Sub::Sim(args)) => runtime.block_on(run_sim(args)),
        None => runtime.block_on(run_dashboard(cli.dash)),
    };
    // Do not wait for background tasks (a request may be hanging on a dead server).
    runtime.shutdown_timeout(Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code, message)) => {
            say(&message);
            ExitCode::from(code)
        }
    }
}

/// A line on stderr; if the terminal is gone there is no one to tell, and that is no reason
/// to panic.
fn say(message: &str) {
    let _ = writeln!(std::io::stderr(), "conftop: {message}");
}

/// An exit code and what to tell the user.
struct Failure(u8, String);

fn usage(e: impl std::fmt::Display) -> Failure {
    Failure(2, e.to_string())
}

fn setting<T>(cli: Option<T>, file: Option<T>, default: T) -> T {
    cli.or(file).unwrap_or(default)
}

async fn run_dashboard(args: DashArgs) -> Result<(), Failure> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(usage(
            "conftop is a terminal dashboard and needs a terminal (stdin and stdout are not one)",
        ));
    }
    let (file, warnings) = config::load(args.config.as_deref()).map_err(usage)?;
    let config_path = args
        .config
        .clone()
        .or_else(config::default_path)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "config.toml".to_owned());

    let log_path = args
        .log_file
        .clone()
        .or(file.log_file.clone())
        .or_else(|| config::data_file("conftop.log"));
    if let Some(path) = &log_path
        && let Err(e) = logging::init(path)
    {
        return Err(usage(format!(
            "cannot write the log file {}: {e}",
            path.display()
        )));
    }
    let log_shown = log_path.as_ref().map(|p| p.display().to_string());
    for w in &warnings {
        say(w);
        tracing::warn!("{w}");
    }

    let mut theme = Theme::load(
        args.theme
            .as_deref()
            .or(file.theme.as_deref())
            .unwrap_or("default"),
    )
    .map_err(usage)?;
    if args.no_color || no_color_requested(std::env::var_os("NO_COLOR").as_deref()) {
        theme = theme.without_color();
    }

    let mode = if args.kiosk {
        Mode::Kiosk
    } else {
        Mode::Interactive {
            read_only: args.read_only || file.read_only.unwrap_or(false),
        }
    };
    let interval = setting(
        args.interval,
        config::duration(&file.interval),
        Duration::from_secs(2),
    );
    if interval < sync::MIN_INTERVAL {
        return Err(usage(format!(
            "--interval {}: the shortest refresh interval is {}",
            shown(interval),
            shown(sync::MIN_INTERVAL)
        )));
    }
    // Every option is checked before credentials and the network are touched.
    let warn = setting(
        args.stuck_warn,
        config::duration(&file.stuck_warn),
        Duration::from_secs(30),
    );
    let crit = setting(
        args.stuck_crit,
        config::duration(&file.stuck_crit),
        Duration::from_secs(120),
    );
    if crit < warn {
        return Err(usage(format!(
            "--stuck-crit {} is shorter than --stuck-warn {}: the critical threshold must not \
             come before the warning",
            shown(crit),
            shown(warn)
        )));
    }
    let rotate = args.rotate.or(config::duration(&file.rotate));
    if let Some(r) = rotate
        && r < Duration::from_secs(1)
    {
        return Err(usage(format!(
            "--rotate {}: pages rotate at most once a second",
            shown(r)
        )));
    }
    let budget = setting(args.budget, file.budget, 8.0);
    if !(budget.is_finite() && (0.5..=16.0).contains(&budget)) {
        return Err(usage(format!(
            "--budget {budget}: give 0.5 to 16 requests per second (the customer's limit is about 17, shared by all its clients)"
        )));
    }

    // The API, real or simulated.
    let mut _demo: Option<Sim> = None;
    let (base_url, creds) = if args.demo {
        let sim = Sim::start(SimConfig {
            scenario: Scenario::demo(),
            ..SimConfig::default()
        })
        .await
        .map_err(|e| Failure(1, format!("cannot start the demo simulator: {e}")))?;
        let pair = (
            sim.base_url(),
            Credentials::AccessKey(SecretString::from(sim.access_key())),
        );
        _demo = Some(sim);
        pair
    } else {
        let url = args
            .api_url
            .clone()
            .or(file.api_url.clone())
            .unwrap_or_else(|| DEFAULT_API_URL.to_owned());
        let creds =
            config::credentials(|n| std::env::var(n).ok(), &file, &config_path).map_err(usage)?;
        (url, creds)
    };
    let client = Client::new(
        &ClientConfig {
            base_url,
            timeout: setting(
                args.timeout,
                config::duration(&file.timeout),
                Duration::from_secs(10),
            ),
            allow_insecure_http: args.allow_insecure_http,
            ..ClientConfig::default()
        },
        creds,
    )
    .map_err(usage)?;

    let audit = if mode.read_only() {
        None
    } else {
        let path = args
            .audit_log
            .clone()
            .or(file.audit_log.clone())
            .or_else(|| config::data_file("audit.jsonl"))
            .ok_or_else(|| usage("no data directory for the audit log; give --audit-log PATH"))?;
        Some(
            AuditLog::open(&path)
                .map_err(|e| usage(format!("cannot open the audit log {}: {e}", path.display())))?,
        )
    };

    let mut app_cfg = AppConfig::new(mode, client.host(), interval);
    app_cfg.stale = StaleRules::new(
        interval,
        setting(
            args.no_data_after,
            config::duration(&file.no_data_after),
            Duration::from_secs(60),
        ),
    );
    app_cfg.thresholds = Thresholds {
        warn: SignedDuration::try_from(warn).unwrap_or(SignedDuration::MAX),
        crit: SignedDuration::try_from(crit).unwrap_or(SignedDuration::MAX),
    };
    if let Some(r) = rotate {
        app_cfg.rotate = SignedDuration::try_from(r).unwrap_or(SignedDuration::MAX);
    }
    app_cfg.audit_path = audit.as_ref().map(|a| a.path().display().to_string());
    app_cfg.tz = TimeZone::system();

    let handle = sync::spawn(
        client,
        SyncConfig {
            interval,
            budget: BudgetConfig {
                per_second: budget,
                burst: (budget * 2.0).max(1.0),
            },
            allow_delete: !mode.read_only(),
            audit,
            ..SyncConfig::default()
        },
    );
    tracing::info!(?mode, "conftop started");

    tui::install_panic_hook(log_shown);
    let mut guard = tui::TerminalGuard::enter()
        .map_err(|e| Failure(1, format!("cannot set up the terminal: {e}")))?;
    let size = guard
        .terminal
        .size()
        .map_err(|e| Failure(1, format!("cannot read the terminal size: {e}")))?;
    let mut app = AppState::new(app_cfg, Timestamp::now(), (size.width, size.height));
    if args.crash_test_task {
        tokio::spawn(async {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            panic!("deliberate crash test in a background task");
        });
    }
    if args.crash_test {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        guard
            .terminal
            .draw(|f| conftop::ui::draw(f, &app, &theme))
            .ok();
        panic!("deliberate crash test");
    }
    let exit = tui::run(
        &mut guard.terminal,
        &mut app,
        &theme,
        tui::input_events(mode),
        handle.events,
        handle.commands,
        tui::signals(),
    )
    .await;
    drop(guard);
    // The sync task ends when its command channel closes; it waits briefly for removals in
    // flight so that each one is recorded.
    if tokio::time::timeout(Duration::from_secs(4), handle.task)
        .await
        .is_err()
    {
        tracing::warn!("the sync task did not stop in time");
    }
    match exit {
        Ok(how) => {
            tracing::info!(?how, "conftop stopped");
            Ok(())
        }
        Err(e) => Err(Failure(1, format!("terminal error: {e}"))),
    }
}

async fn run_sim(a: SimArgs) -> Result<(), Failure> {
    let base = if a.demo {
        Scenario::demo()
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
        ties: a.ties,
        ..base
    };
    if !(a.speed.is_finite() && a.speed > 0.0 && a.speed <= 1000.0) {
        return Err(usage("--speed must be above 0 and at most 1000"));
    }
    if let Some(churn) = a.churn
        && !(churn == 0.0 || (0.01..=100_000.0).contains(&churn))
    {
        return Err(usage(
            "--churn is 0 (a still world) or 0.01 to 100000 arrivals per minute",
        ));
    }
    for (name, rate) in [
        ("--kick-fail-rate", a.kick_fail_rate),
        ("--error-rate", a.error_rate),
        ("--drop-rate", a.drop_rate),
        ("--malformed-rate", a.malformed_rate),
        ("--truncate-rate", a.truncate_rate),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(usage(format!("{name} must be between 0 and 1")));
        }
    }
    let config = SimConfig {
        listen: a.listen,
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
            storm_retry_after: None,
            pagination_loop: a.pagination_loop,
            endless_pages: a.endless_pages,
        },
        speed: a.speed,
        ..SimConfig::default()
    };
    let sim = if a.allow_remote {
        Sim::start_any(config).await
    } else {
        Sim::start(config).await
    }
    .map_err(|e| Failure(1, e.to_string()))?;
    let (user, password) = sim.login();
    let base = sim.base_url();
    let key = sim.access_key();
    let addr = sim.addr();
    let banner = format!(
        "conftop sim: a VoIPbin-compatible API on {addr}\n\
         \x20 base URL      {base}\n\
         \x20 access key    {key}\n\
         \x20 other key     {}   (a second customer: its records answer 403 to the first)\n\
         \x20 agent login   {user} / {password}   (POST http://{addr}/auth/login)\n\
         \x20 stats         http://{addr}/_sim/stats\n\
         \n\
         \x20 curl '{base}/conferencecalls?page_size=5&accesskey={key}'\n\
         \x20 VOIPBIN_API_URL={base} VN_ACCESS_KEY={key} conftop\n\
         \n\
         Serving until stopped (Ctrl-C).\n",
        sim.other_access_key()
    );
    // Nobody reading stdout is no reason to stop serving.
    let mut out = std::io::stdout();
    let _ = out.write_all(banner.as_bytes()).and_then(|_| out.flush());
    tui::signals().await;
    Ok(())
}

/// A duration as the options take it: `500ms`, `45s`, `2m00s`.
fn shown(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else {
        conftop::ui::format::duration(SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX))
    }
}
