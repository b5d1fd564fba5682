//! `conftop`: the dashboard, `conftop --demo`, `conftop list`, `conftop serve`, `conftop
//! check`, `conftop sim`, and the shell's completions and man page.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use jiff::Timestamp;

use conftop::api::Client;
use conftop::app::AppState;
use conftop::cli::{CheckArgs, CheckOutput, Cli, DashArgs, ListArgs, ServeArgs, SimArgs, Sub};
use conftop::list::{self, Listing};
use conftop::settings::{self, Settings};
use conftop::sim::Sim;
use conftop::{logging, sync, tui};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return bad_command_line(e),
    };
    // Printed at once: no runtime, no settings.
    match &cli.command {
        Some(Sub::Completions { shell }) => return print(&conftop::cli::completions(*shell)),
        Some(Sub::Man) => {
            let page = conftop::cli::man_page();
            return page.map_or_else(
                |e| fail_with(1, &format!("cannot write the man page: {e}")),
                |p| print(&p),
            );
        }
        _ => {}
    }
    // The dashboard's work is waiting on the network and the terminal: one thread does it, and
    // keeps memory low (no per-thread allocator arenas). The standalone simulator may serve
    // several clients at once.
    let runtime = match &cli.command {
        None | Some(Sub::Serve(_) | Sub::Check(_)) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        Some(_) => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build(),
    };
    let Ok(runtime) = runtime.inspect_err(|e| say(&format!("cannot start: {e}"))) else {
        return ExitCode::FAILURE;
    };
    if let Some(Sub::Check(args)) = cli.command {
        let code = runtime.block_on(run_check(args));
        runtime.shutdown_timeout(Duration::from_millis(200));
        return code;
    }
    let result = match cli.command {
        Some(Sub::Sim(args)) => runtime.block_on(run_sim(*args)),
        Some(Sub::List(args)) => runtime.block_on(run_list(args)),
        Some(Sub::Serve(args)) => runtime.block_on(run_serve(args)),
        Some(Sub::Check(_)) => Ok(()),
        Some(Sub::Completions { .. } | Sub::Man) => Ok(()),
        None => runtime.block_on(run_dashboard(cli.dash)),
    };
    // Do not wait for background tasks (a request may be hanging on a dead server).
    runtime.shutdown_timeout(Duration::from_millis(200));
    result.map_or_else(
        |Failure(code, m)| fail_with(code, &m),
        |()| ExitCode::SUCCESS,
    )
}

/// What clap says of a command line it cannot read, with clap's exit status (2), except for
/// `conftop check`, whose every answer is a monitoring plugin's: UNKNOWN (3), with its line.
fn bad_command_line(e: clap::Error) -> ExitCode {
    let is_check = std::env::args_os().nth(1).is_some_and(|a| a == "check");
    if !is_check || !e.use_stderr() {
        e.exit();
    }
    let first = e.to_string();
    let first = first.lines().next().unwrap_or("bad options");
    let line = conftop::check::unknown(first.trim_start_matches("error: ")).line();
    let _ = write_out(format!("{line}\n").as_bytes());
    let _ = e.print();
    ExitCode::from(conftop::check::State::Unknown.exit_code())
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
    write_out(bytes).map_or_else(
        |Failure(code, m)| fail_with(code, &m),
        |()| ExitCode::SUCCESS,
    )
}

fn fail_with(code: u8, message: &str) -> ExitCode {
    say(message);
    ExitCode::from(code)
}

/// An exit code and what to tell the user.
struct Failure(u8, String);

fn demo_failed(e: conftop::sim::SimError) -> Failure {
    Failure(1, format!("cannot start the demo simulator: {e}"))
}

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
    // Another conftop of this host may hold the file named: this one's own is beside it.
    let log_file = match &settings.log_file {
        Some(path) => Some(
            logging::init(path)
                .map_err(|e| usage(format!("cannot write the log file {}: {e}", path.display())))?,
        ),
        None => None,
    };
    settings.warnings.iter().for_each(|w| say(w));

    // Taken now, so that a port in use is said before the screen starts.
    let metrics = match settings.metrics {
        Some(addr) => Some(
            conftop::metrics::bind(addr)
                .await
                .map_err(|e| Failure(1, e.to_string()))?,
        ),
        None => None,
    };

    // The API, real or simulated; the demo's simulator lives as long as the dashboard.
    let (client_config, credentials, _demo) = settings.connect().await.map_err(demo_failed)?;
    let client = Client::new(&client_config, credentials).map_err(usage)?;
    let requests = client.request_counts();
    let audit = settings.open_audit_log().map_err(usage)?;
    let audit_path = audit.as_ref().map(|a| a.path().display().to_string());
    let mut app_config = settings.app_config(client.host(), audit_path);
    // The kiosk names this process in its "how to stop it" hint.
    app_config.pid = Some(std::process::id());
    if let Some(path) = &app_config.searches_file {
        app_config.searches = conftop::config::load_searches(path);
    }
    app_config.clipboard_caveat = conftop::app::copy::clipboard_caveat(&|k| std::env::var(k).ok());
    let handle = sync::spawn(client, settings.sync_config(audit));
    tokio::spawn(conftop::memory::give_back_freed());
    tracing::info!(mode = ?settings.mode, "conftop started");

    let log_shown = log_file.as_ref().map(|p| p.display().to_string());
    tui::install_panic_hook(log_shown);
    let mut guard = tui::TerminalGuard::enter(settings.mouse)
        .map_err(|e| Failure(1, format!("cannot set up the terminal: {e}")))?;
    let size = guard
        .terminal
        .size()
        .map_err(|e| Failure(1, format!("no terminal size: {e}")))?;
    let mut app = AppState::new(app_config, Timestamp::now(), (size.width, size.height));
    let metrics = metrics.map(|listener| serve_metrics(listener, &app, requests));
    if args.crash_test_task || args.crash_test {
        tui::crash_test(&mut guard, &app, &settings.theme, args.crash_test).await;
    }
    let exit = tui::run(
        &mut guard.terminal,
        &mut app,
        &settings.theme,
        tui::input_events(settings.mode),
        handle.events,
        tui::Outlets {
            sync: handle.commands,
            alert_command: settings.alert_command.clone(),
            metrics,
        },
        tui::signals(),
    )
    .await;
    drop(guard);
    // The sync task ends when its command channel closes; it waits briefly for removals in
    // flight so that each one is recorded.
    let stopped = tokio::time::timeout(Duration::from_secs(4), handle.task).await;
    stopped
        .inspect_err(|_| tracing::warn!("the sync task did not stop in time"))
        .ok();
    let how = exit.map_err(|e| Failure(1, format!("terminal error: {e}")))?;
    tracing::info!(?how, "conftop stopped");
    Ok(())
}

/// Serves `/metrics` on `listener` from the figures published by the event loop, starting
/// with `app`'s; the requests are the client's own counts.
fn serve_metrics(
    listener: tokio::net::TcpListener,
    app: &AppState,
    requests: std::sync::Arc<conftop::api::RequestCounts>,
) -> conftop::metrics::Publisher {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!("metrics at http://{addr}/metrics");
    }
    let (publisher, source) = conftop::metrics::channel(app.health(), requests);
    conftop::metrics::serve(listener, source);
    publisher
}

/// `conftop serve`: the sync task, the app's state and the metrics, with no terminal, until
/// a signal.
async fn run_serve(args: ServeArgs) -> Result<(), Failure> {
    let settings = Settings::resolve(&args.dash_args(), &|name| std::env::var(name).ok())
        .map_err(usage)?
        .headless();
    let log_file = match &settings.log_file {
        Some(path) => Some(
            logging::init(path)
                .map_err(|e| usage(format!("cannot write the log file {}: {e}", path.display())))?,
        ),
        None => None,
    };
    settings.warnings.iter().for_each(|w| say(w));
    let addr = settings
        .metrics
        .unwrap_or(conftop::defaults::METRICS_LISTEN);
    let listener = conftop::metrics::bind(addr)
        .await
        .map_err(|e| Failure(1, e.to_string()))?;
    let (client_config, credentials, _demo) = settings.connect().await.map_err(demo_failed)?;
    let client = Client::new(&client_config, credentials).map_err(usage)?;
    let requests = client.request_counts();
    let mut app_config = settings.app_config(client.host(), None);
    app_config.pid = Some(std::process::id());
    let handle = sync::spawn(client, settings.sync_config(None));
    tokio::spawn(conftop::memory::give_back_freed());
    let mut app = AppState::new(app_config, Timestamp::now(), (0, 0));
    let bound = listener.local_addr().unwrap_or(addr);
    let metrics = serve_metrics(listener, &app, requests);
    tracing::info!(log = ?log_file, "conftop serve started");
    // Said once, for the journal or whoever started it; nothing else is printed.
    say(&format!("serving metrics at http://{bound}/metrics"));
    conftop::serve::run(
        &mut app,
        handle.events,
        tui::Outlets {
            sync: handle.commands,
            alert_command: settings.alert_command.clone(),
            metrics: Some(metrics),
        },
        tui::signals(),
    )
    .await;
    let stopped = tokio::time::timeout(Duration::from_secs(4), handle.task).await;
    stopped
        .inspect_err(|_| tracing::warn!("the sync task did not stop in time"))
        .ok();
    tracing::info!("conftop serve stopped");
    Ok(())
}

/// `conftop check`: one line on stdout and the monitoring-plugin exit status, whatever
/// happens (a bad option or a missing credential is UNKNOWN, 3).
async fn run_check(args: CheckArgs) -> ExitCode {
    let resolved = Settings::resolve(&args.dash_args(), &|name| std::env::var(name).ok())
        .map(Settings::headless)
        .and_then(|s| settings::check_timeout(args.timeout).map(|t| (s, t)));
    let report = match resolved {
        Ok((settings, timeout)) => {
            settings.warnings.iter().for_each(|w| say(w));
            conftop::check::run(&settings, timeout).await
        }
        Err(e) => conftop::check::unknown(&e.to_string()),
    };
    let text = match args.output {
        CheckOutput::Text => format!("{}\n", report.line()),
        CheckOutput::Json => report.json(),
    };
    match write_out(text.as_bytes()) {
        Ok(()) => ExitCode::from(report.exit_code),
        Err(Failure(_, m)) => {
            say(&m);
            ExitCode::from(conftop::check::State::Unknown.exit_code())
        }
    }
}

/// `conftop list`: one complete picture, printed. Exit statuses: 0 printed, 2 options or
/// credentials missing, 3 credentials rejected, 4 API unreachable, 5 not complete in time.
async fn run_list(args: ListArgs) -> Result<(), Failure> {
    let settings =
        Settings::resolve(&args.dash_args(), &|name| std::env::var(name).ok()).map_err(usage)?;
    let timeout = settings::list_timeout(args.timeout).map_err(usage)?;
    settings.warnings.iter().for_each(|w| say(w));
    let (mut client_config, credentials, _demo) = settings.connect().await.map_err(demo_failed)?;
    client_config.timeout = client_config.timeout.min(timeout);
    let client = Client::new(&client_config, credentials).map_err(usage)?;
    let picture = list::collect(client, settings.sync_config(None), timeout)
        .await
        .map_err(|e| Failure(e.exit_code(), e.to_string()))?;
    let listing = Listing::new(&picture, args.filter.as_deref(), settings.region);
    // A table fits the terminal it is read on; into a file or a pipe nothing is cut.
    let fit = (!args.wide && std::io::stdout().is_terminal())
        .then(|| crossterm::terminal::size().ok())
        .flatten()
        .map(|(w, _)| usize::from(w));
    let text = list::render(&listing, args.output, fit).map_err(|e| Failure(1, e))?;
    write_out(text.as_bytes())?;
    match picture.complete {
        true => Ok(()),
        false => Err(Failure(list::INCOMPLETE_EXIT, list::incomplete(timeout))),
    }
}

async fn run_sim(args: SimArgs) -> Result<(), Failure> {
    let config = settings::sim_config(&args).map_err(usage)?;
    let sim = if args.allow_remote {
        Sim::start_any(config).await
    } else {
        Sim::start(config).await
    }
    .map_err(|e| Failure(1, e.to_string()))?;
    let banner = sim.banner();
    // Nobody reading stdout is no reason to stop serving.
    let mut out = std::io::stdout();
    let _ = out.write_all(banner.as_bytes()).and_then(|_| out.flush());
    tui::signals().await;
    Ok(())
}
