//! `conftop`: the dashboard, `conftop --demo`, `conftop list`, `conftop sim`, and the shell's
//! completions and man page.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser};
use jiff::Timestamp;
use secrecy::SecretString;

use conftop::api::{Client, Credentials};
use conftop::app::AppState;
use conftop::audit::AuditLog;
use conftop::cli::{Cli, DashArgs, ListArgs, Output, SimArgs, Sub};
use conftop::list::{self, Listing};
use conftop::settings::{self, Settings, Source};
use conftop::sim::{Scenario, Sim, SimConfig};
use conftop::ui::Theme;
use conftop::{logging, sync, tui};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Printed at once: no runtime, no settings.
    match &cli.command {
        Some(Sub::Completions { shell }) => {
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "conftop", &mut out);
            return print(&out);
        }
        Some(Sub::Man) => {
            let mut out = Vec::new();
            if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut out) {
                say(&format!("cannot write the man page: {e}"));
                return ExitCode::FAILURE;
            }
            return print(&out);
        }
        _ => {}
    }
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
        Some(Sub::Sim(args)) => runtime.block_on(run_sim(*args)),
        Some(Sub::List(args)) => runtime.block_on(run_list(args)),
        Some(Sub::Completions { .. } | Sub::Man) => Ok(()),
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

/// Writes `bytes` to stdout. A reader that went away (`| head`) is no failure.
fn write_out(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure(1, format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}

fn print(bytes: &[u8]) -> ExitCode {
    match write_out(bytes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code, message)) => {
            say(&message);
            ExitCode::from(code)
        }
    }
}

/// An exit code and what to tell the user.
struct Failure(u8, String);

fn usage(e: impl std::fmt::Display) -> Failure {
    Failure(2, e.to_string())
}

async fn run_dashboard(args: DashArgs) -> Result<(), Failure> {
    // Options first: a wrong option is worth saying even without a terminal.
    let settings = Settings::resolve(&args, &|name| std::env::var(name).ok()).map_err(usage)?;
    // A URL that cannot be used is an option error too.
    if let Source::Api { url, credentials } = &settings.source {
        Client::new(&settings.client_config(url.clone()), credentials.clone()).map_err(usage)?;
    }
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

/// `conftop list`: one complete picture, printed. Exit statuses: 0 printed, 2 options or
/// credentials missing, 3 credentials rejected, 4 API unreachable, 5 not complete in time.
async fn run_list(args: ListArgs) -> Result<(), Failure> {
    let settings =
        Settings::resolve(&args.dash_args(), &|name| std::env::var(name).ok()).map_err(usage)?;
    let timeout = args.timeout.unwrap_or(list::DEFAULT_TIMEOUT);
    if timeout < settings::defaults::MIN_TIMEOUT {
        return Err(usage(format!(
            "--timeout {}: a picture needs time; give at least {}",
            settings::shown(timeout),
            settings::shown(settings::defaults::MIN_TIMEOUT)
        )));
    }
    for w in &settings.warnings {
        say(w);
    }
    let (base_url, credentials, _demo) = match &settings.source {
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
        Source::Api { url, credentials } => (url.clone(), credentials.clone(), None),
    };
    let mut client_config = settings.client_config(base_url);
    client_config.timeout = client_config.timeout.min(timeout);
    let client = Client::new(&client_config, credentials).map_err(usage)?;
    let picture = list::collect(client, settings.sync_config(None), timeout)
        .await
        .map_err(|e| Failure(e.exit_code(), e.to_string()))?;
    let listing = Listing::new(&picture, args.filter.as_deref());
    let text = match args.output {
        Output::Table => list::table(&listing),
        Output::Json => serde_json::to_string_pretty(&listing)
            .map(|s| s + "\n")
            .map_err(|e| Failure(1, format!("cannot write JSON: {e}")))?,
        Output::Yaml => serde_norway::to_string(&listing)
            .map_err(|e| Failure(1, format!("cannot write YAML: {e}")))?,
    };
    write_out(text.as_bytes())?;
    if !picture.complete {
        return Err(Failure(
            list::INCOMPLETE_EXIT,
            format!(
                "the picture is not complete within {}: the scan of the day's history had not \
                 finished, so participants of connect and queue rooms who joined long ago may be \
                 missing (printed what there is; a longer --timeout completes it)",
                settings::shown(timeout)
            ),
        ));
    }
    Ok(())
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
