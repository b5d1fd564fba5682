//! `conftop`: the dashboard, `conftop --demo`, and `conftop sim`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use jiff::Timestamp;
use secrecy::SecretString;

use conftop::api::{Client, Credentials};
use conftop::app::AppState;
use conftop::audit::AuditLog;
use conftop::cli::{Cli, DashArgs, SimArgs, Sub};
use conftop::settings::{self, Settings, Source};
use conftop::sim::{Scenario, Sim, SimConfig};
use conftop::ui::Theme;
use conftop::{logging, sync, tui};

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

async fn run_dashboard(args: DashArgs) -> Result<(), Failure> {
    // Options first: a wrong option is worth saying even without a terminal.
    let settings = Settings::resolve(&args, &|name| std::env::var(name).ok()).map_err(usage)?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(usage(
            "conftop is a terminal dashboard and needs a terminal (stdin and stdout are not one)",
        ));
    }
    if let Some(path) = &settings.log_file
        && let Err(e) = logging::init(path)
    {
        let shown = path.display();
        return Err(usage(format!("cannot write the log file {shown}: {e}")));
    }
    for w in &settings.warnings {
        say(w);
        tracing::warn!("{w}");
    }

    // The API, real or simulated; the demo's simulator lives as long as the dashboard.
    let (base_url, credentials, _demo) = match settings.source {
        Source::Demo => {
            let sim = Sim::start(SimConfig {
                scenario: Scenario::demo(),
                ..SimConfig::default()
            })
            .await
            .map_err(|e| Failure(1, format!("cannot start the demo simulator: {e}")))?;
            let key = Credentials::AccessKey(SecretString::from(sim.access_key()));
            (sim.base_url(), key, Some(sim))
        }
        Source::Api {
            ref url,
            ref credentials,
        } => (url.clone(), credentials.clone(), None),
    };
    let client = Client::new(&settings.client_config(base_url), credentials).map_err(usage)?;
    let audit = match &settings.audit_log {
        None => None,
        Some(path) => Some(
            AuditLog::open(path)
                .map_err(|e| usage(format!("cannot open the audit log {}: {e}", path.display())))?,
        ),
    };
    let audit_path = audit.as_ref().map(|a| a.path().display().to_string());
    let app_config = settings.app_config(client.host(), audit_path);
    let handle = sync::spawn(client, settings.sync_config(audit));
    tracing::info!(mode = ?settings.mode, "conftop started");

    let log_shown = settings.log_file.as_ref().map(|p| p.display().to_string());
    tui::install_panic_hook(log_shown);
    let mut guard = tui::TerminalGuard::enter()
        .map_err(|e| Failure(1, format!("cannot set up the terminal: {e}")))?;
    let size = guard
        .terminal
        .size()
        .map_err(|e| Failure(1, format!("cannot read the terminal size: {e}")))?;
    let mut app = AppState::new(app_config, Timestamp::now(), (size.width, size.height));
    if args.crash_test_task || args.crash_test {
        crash_test(&mut guard, &app, &settings.theme, args.crash_test).await;
    }
    let exit = tui::run(
        &mut guard.terminal,
        &mut app,
        &settings.theme,
        tui::input_events(settings.mode),
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
    let how = exit.map_err(|e| Failure(1, format!("terminal error: {e}")))?;
    tracing::info!(?how, "conftop stopped");
    Ok(())
}

/// Panics on purpose (hidden options for the end-to-end tests): in a background task, or on
/// the UI's own thread once the screen is up.
async fn crash_test(guard: &mut tui::TerminalGuard, app: &AppState, theme: &Theme, ui: bool) {
    if !ui {
        tokio::spawn(async {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            panic!("deliberate crash test in a background task");
        });
        return;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    guard
        .terminal
        .draw(|f| conftop::ui::draw(f, app, theme))
        .ok();
    panic!("deliberate crash test");
}

async fn run_sim(args: SimArgs) -> Result<(), Failure> {
    let config = settings::sim_config(&args).map_err(usage)?;
    let sim = if args.allow_remote {
        Sim::start_any(config).await
    } else {
        Sim::start(config).await
    }
    .map_err(|e| Failure(1, e.to_string()))?;
    let (user, password) = sim.login();
    let (base, key, addr) = (sim.base_url(), sim.access_key(), sim.addr());
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
