//! Command-line options. Credentials are deliberately not options: a flag would show in `ps`,
//! shell history and `--help` (clap prints `env` values there), so they come only from the
//! environment, the config file or a vn profile (see [`crate::config`], [`crate::vn`]).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

/// Reads `2`, `2s`, `1500ms`, `5m`, `1h` or `7d` as a duration (at most seven days).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, "s"),
    };
    let n: f64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (try 2s, 1500ms, 5m)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" | "sec" | "secs" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86400.0,
        _ => {
            return Err(format!(
                "{s:?}: unknown unit {unit:?} (use ms, s, m, h or d)"
            ));
        }
    };
    if !secs.is_finite() || !(0.0..=7.0 * 86400.0).contains(&secs) {
        return Err(format!("{s:?} is out of range (at most 7d)"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// `conftop --version`: the version, and the git commit when built from a checkout.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), env!("CONFTOP_COMMIT_SUFFIX"));

/// A terminal dashboard for live VoIPbin conferences.
///
/// Credentials, the first found wins: the environment (VN_ACCESS_KEY or VOIPBIN_API_KEY for an
/// access key, VOIPBIN_TOKEN for a JWT); access_key or token in the config file; the access key
/// of a profile of VoIPbin's CLI in ~/.vn/config.yaml, written by `vn login` (--profile NAME,
/// else its current_profile; its api_url too). Never from the command line. conftop names the
/// source it uses, never the credential.
#[derive(Debug, Parser)]
#[command(
    name = "conftop",
    version = VERSION,
    about,
    long_about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Sub>,
    #[command(flatten)]
    pub dash: DashArgs,
}

#[derive(Debug, Subcommand)]
pub enum Sub {
    /// Print who is in which conference right now, once, for scripts (no terminal needed).
    List(ListArgs),
    /// Follow the API with no terminal at all and serve its metrics for Prometheus, until
    /// SIGTERM or SIGINT (for a host with no screen, under systemd; docs/metrics.md).
    Serve(ServeArgs),
    /// Check once whether anyone is stuck joining or leaving and whether the API answers, as
    /// a monitoring plugin: one line, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
    /// (docs/check.md).
    Check(CheckArgs),
    /// Run the built-in VoIPbin simulator on its own, until stopped.
    Sim(Box<SimArgs>),
    /// Print a shell completion script (docs/development.md says where each shell wants it).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. conftop man > ~/.local/share/man/man1/conftop.1
    Man,
}

/// How `conftop list` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Output {
    /// Aligned columns for people: as wide as the terminal, whole into a file or a pipe.
    #[default]
    Table,
    /// The documented, versioned shape (docs/list.md), for scripts.
    Json,
    /// The same shape as JSON, as YAML.
    Yaml,
}

/// Options of `conftop list`.
#[derive(Debug, Args, Default)]
pub struct ListArgs {
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Output::Table)]
    pub output: Output,
    /// Cut no cell of the table, even on a terminal narrower than it.
    #[arg(long)]
    pub wide: bool,
    /// Only participants matching TEXT, as the dashboard's / filter matches (a room whose name
    /// matches keeps all its participants).
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Give up if the picture (every live participant) is not complete within this long
    /// [default: 2m].
    #[arg(long, value_name = "D", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    #[command(flatten)]
    pub conn: ConnArgs,
}

impl ListArgs {
    /// The dashboard's options these stand for, so one set of rules resolves both.
    pub fn dash_args(&self) -> DashArgs {
        DashArgs {
            conn: self.conn.clone(),
            run: RunArgs {
                no_push: true,
                ..RunArgs::default()
            },
            read_only: true,
            ..DashArgs::default()
        }
    }
}

/// How `conftop check` prints its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CheckOutput {
    /// One line, as monitoring plugins print it: the state, the facts, and perfdata.
    #[default]
    Text,
    /// The same facts as JSON (docs/check.md).
    Json,
}

/// Options of `conftop check`.
#[derive(Debug, Args, Default)]
pub struct CheckArgs {
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = CheckOutput::Text)]
    pub output: CheckOutput,
    /// Give up if the answer is not known within this long: the whole check, each request
    /// within half of it (under the usual minute a monitoring system allows) [default: 50s].
    #[arg(long, value_name = "D", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    #[command(flatten)]
    pub stuck: StuckArgs,
    #[command(flatten)]
    pub conn: ConnArgs,
}

impl CheckArgs {
    /// The dashboard's options these stand for: one set of rules resolves them all.
    pub fn dash_args(&self) -> DashArgs {
        DashArgs {
            conn: self.conn.clone(),
            run: RunArgs {
                no_push: true,
                ..RunArgs::default()
            },
            stuck: self.stuck.clone(),
            read_only: true,
            ..DashArgs::default()
        }
    }
}

/// Options of `conftop serve`.
#[derive(Debug, Args, Default)]
pub struct ServeArgs {
    #[command(flatten)]
    pub conn: ConnArgs,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub stuck: StuckArgs,
    #[command(flatten)]
    pub metrics: MetricsArgs,
}

impl ServeArgs {
    /// The dashboard's options these stand for (read-only: serve never acts on anyone).
    pub fn dash_args(&self) -> DashArgs {
        DashArgs {
            conn: self.conn.clone(),
            run: self.run.clone(),
            stuck: self.stuck.clone(),
            metrics: self.metrics.clone(),
            read_only: true,
            ..DashArgs::default()
        }
    }
}

/// Where the API is and how conftop may use it: the dashboard's and `conftop list`'s alike.
#[derive(Debug, Args, Default, Clone)]
pub struct ConnArgs {
    /// Use the built-in simulator with the lively demo scenario: no credentials needed.
    #[arg(long)]
    pub demo: bool,
    /// API base URL [default: https://api.voipbin.net/v1.0].
    #[arg(
        long,
        value_name = "URL",
        env = "VOIPBIN_API_URL",
        hide_env_values = true
    )]
    pub api_url: Option<String>,
    /// Profile of VoIPbin's CLI (`vn`) to take the access key and API URL from, when neither
    /// the environment nor the config file holds a credential (also CONFTOP_PROFILE)
    /// [default: the file's current_profile].
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Config file [default: config.toml in the config directory].
    #[arg(
        long,
        value_name = "PATH",
        env = "CONFTOP_CONFIG",
        hide_env_values = true
    )]
    pub config: Option<PathBuf>,
    /// Requests per second conftop allows itself (the customer's limit is ~17/s) [default: 8].
    #[arg(long, value_name = "N")]
    pub budget: Option<f64>,
    /// How far back live participants can have joined, so how much history a complete
    /// picture reads (1m to 7d) [default: learned: an hour, as VoIPbin ends calls then, or 24h
    /// once someone live joined longer ago].
    #[arg(long, value_name = "D", value_parser = parse_duration)]
    pub horizon: Option<Duration>,
    /// Allow plain http:// to hosts other than this machine (credentials travel unencrypted).
    #[arg(long)]
    pub allow_insecure_http: bool,
    /// Keep no cache on disk of participants' records and callers (also `cache = false` in
    /// the config file) [default: a cache in the cache directory].
    #[arg(long)]
    pub no_cache: bool,
    /// Country whose way of writing phone numbers the filter understands, as an ISO code:
    /// with GB, `020 7946 0679` and `0044 20 7946 0679` find +442079460679 [default: the
    /// locale's (LC_ALL, LC_TELEPHONE, LANG)].
    #[arg(long, value_name = "CC")]
    pub region: Option<String>,
}

/// How a long-running conftop follows the API and what it does besides: the dashboard's,
/// the wall's and `conftop serve`'s alike.
#[derive(Debug, Args, Default, Clone)]
pub struct RunArgs {
    /// Don't follow VoIPbin's websocket: learn every change by polling (also `push = false` in
    /// the config file).
    #[arg(long)]
    pub no_push: bool,
    /// Time between refreshes while polling (minimum 1s) [default: 2s].
    #[arg(long, value_name = "D", value_parser = parse_duration)]
    pub interval: Option<Duration>,
    /// Without a good refresh for this long, rows are withdrawn: "NO DATA" [default: 1m].
    #[arg(long, value_name = "D", value_parser = parse_duration)]
    pub no_data_after: Option<Duration>,
    /// Timeout of each API request [default: 10s].
    #[arg(long, value_name = "D", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Where the log goes [default: conftop.log in the data directory].
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    /// Run PROGRAM on each trouble that starts or ends, the facts in CONFTOP_* variables
    /// (also alert_command = ["program", "arg", …] in the config file; docs/alerts.md).
    #[arg(long, value_name = "PROGRAM")]
    pub alert_command: Option<PathBuf>,
}

/// When joining or leaving is too long.
#[derive(Debug, Args, Default, Clone)]
pub struct StuckArgs {
    /// Joining/leaving longer than this is a warning [default: 30s].
    #[arg(long, value_name = "D", value_parser = parse_duration)]
    pub stuck_warn: Option<Duration>,
    /// Joining/leaving longer than this is critical [default: 2m].
    #[arg(long, value_name = "D", value_parser = parse_duration)]
    pub stuck_crit: Option<Duration>,
}

/// The metrics endpoint.
#[derive(Debug, Args, Default, Clone)]
pub struct MetricsArgs {
    /// Serve Prometheus metrics at http://HOST:PORT/metrics; a PORT alone is 127.0.0.1:PORT,
    /// and only this machine's addresses unless --metrics-allow-remote (also metrics_listen
    /// in the config file; docs/metrics.md) [default: none; conftop serve: 127.0.0.1:9464].
    #[arg(long, value_name = "HOST:PORT")]
    pub metrics_listen: Option<String>,
    /// Let --metrics-listen take an address other machines reach (the metrics name the
    /// customer and its rooms, with no authentication) (also metrics_allow_remote = true).
    #[arg(long)]
    pub metrics_allow_remote: bool,
}

/// Options of the dashboard.
#[derive(Debug, Args, Default)]
pub struct DashArgs {
    #[command(flatten)]
    pub conn: ConnArgs,
    #[command(flatten)]
    pub run: RunArgs,
    /// Never remove or mute anyone: both disappear from keys, hints and help (also
    /// `read_only = true` in the config file).
    #[arg(long)]
    pub read_only: bool,
    /// Leave the mouse to the terminal (its own text selection without Shift); conftop then
    /// takes no clicks or wheel (also `mouse = false` in the config file).
    #[arg(long)]
    pub no_mouse: bool,
    /// Wall-display mode: read-only, ignores every key (stop it with SIGTERM or SIGINT),
    /// rotates pages of conferences.
    #[arg(long)]
    pub kiosk: bool,
    /// Kiosk page rotation period [default: 15s].
    #[arg(long, value_name = "D", value_parser = parse_duration)]
    pub rotate: Option<Duration>,
    /// Theme: default, mono, high-contrast, deuteranopia, or a path to a .toml file
    /// [default: default].
    #[arg(long, value_name = "NAME|PATH")]
    pub theme: Option<String>,
    /// No colour; any non-empty NO_COLOR does the same.
    #[arg(long)]
    pub no_color: bool,
    #[command(flatten)]
    pub stuck: StuckArgs,
    /// Where removals and mutes are recorded [default: audit.jsonl in the data directory].
    #[arg(long, value_name = "PATH")]
    pub audit_log: Option<PathBuf>,
    #[command(flatten)]
    pub metrics: MetricsArgs,
    /// Panic on purpose once the screen is up, to check the terminal is restored and the report
    /// goes to the log (used by the end-to-end tests).
    #[arg(long, hide = true)]
    pub crash_test: bool,
    /// Panic on purpose in a background task, to check the screen stays with the running UI.
    #[arg(long, hide = true)]
    pub crash_test_task: bool,
}

/// Options of `conftop sim`.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Address to listen on, HOST:PORT; a host name is resolved (loopback only, unless
    /// --allow-remote).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Allow listening on a non-loopback address.
    #[arg(long)]
    pub allow_remote: bool,
    /// Start from the lively --demo scenario (the options below still apply).
    #[arg(long)]
    pub demo: bool,
    /// Start from the busy-account scenario: 500 live participants in 50 rooms among 100,000
    /// history records, 30% of them short calls of the last three hours; calls end after an
    /// hour, as on the real server, unless --uncapped (the options below still apply).
    #[arg(long, conflicts_with = "demo")]
    pub busy: bool,
    /// Share (0 to 1) of the history placed among the live participants, in the last
    /// --recent-window, so the newest pages hold few live ones.
    #[arg(long, value_name = "F")]
    pub recent_share: Option<f64>,
    /// How far back the recent history and the live participants' joins reach (1s to 168h) [default: 3h].
    #[arg(long, value_name = "D", value_parser = parse_duration)]
    pub recent_window: Option<Duration>,
    #[arg(long)]
    pub seed: Option<u64>,
    /// Conference-type rooms.
    #[arg(long)]
    pub conferences: Option<usize>,
    /// Live participants per conference room.
    #[arg(long)]
    pub participants: Option<usize>,
    /// 1:1 connect rooms (not listed by GET /conferences).
    #[arg(long)]
    pub connect_conferences: Option<usize>,
    /// Queue rooms with three waiting callers each (not listed by GET /conferences either).
    #[arg(long)]
    pub queue_conferences: Option<usize>,
    /// Finished participants in the history.
    #[arg(long)]
    pub history: Option<usize>,
    /// Participant arrivals per minute (0 = a still world).
    #[arg(long)]
    pub churn: Option<f64>,
    /// Simulated time runs this many times faster than real time.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Write timestamps as servers before 2026-02-04 did (with the 9999 sentinel). Those servers
    /// also answered errors bare: add --bare-errors to play one faithfully.
    #[arg(long)]
    pub legacy_timestamps: bool,
    /// Answer errors with a bare status and an empty body, as servers before April 2026 did.
    #[arg(long)]
    pub bare_errors: bool,
    /// Per-customer rate limit in requests per second (the server's is 17).
    #[arg(long, default_value_t = crate::defaults::CUSTOMER_RATE)]
    pub rate_limit: f64,
    /// Burst of the rate limit (the server's is 33).
    #[arg(long, default_value_t = crate::defaults::CUSTOMER_BURST)]
    pub burst: f64,
    /// No rate limit at all.
    #[arg(long)]
    pub no_rate_limit: bool,
    /// Added latency per request.
    #[arg(long, value_parser = parse_duration)]
    pub latency: Option<Duration>,
    /// Share of requests answered 500/503.
    #[arg(long, default_value_t = 0.0)]
    pub error_rate: f64,
    /// Share of connections dropped mid-answer.
    #[arg(long, default_value_t = 0.0)]
    pub drop_rate: f64,
    /// Share of answers that are not JSON.
    #[arg(long, default_value_t = 0.0)]
    pub malformed_rate: f64,
    /// Share of answers cut in half.
    #[arg(long, default_value_t = 0.0)]
    pub truncate_rate: f64,
    /// Share of DELETEs answered 400 because the bridge kick failed.
    #[arg(long, default_value_t = 0.0)]
    pub kick_fail_rate: f64,
    /// Share of requests answered 429 with neither Retry-After nor limited_by, as the server's
    /// translation of a backend's "too many requests" does.
    #[arg(long, default_value_t = 0.0)]
    pub bare_429_rate: f64,
    /// Websocket frames in the legacy wrapped form {"type":…,"data":{…}} of servers before
    /// 2026-08.
    #[arg(long)]
    pub ws_wrapped: bool,
    /// Refuse websocket upgrades (503): clients must fall back to polling.
    #[arg(long)]
    pub ws_refuse: bool,
    /// Never ping websockets (clients should find them silent and reconnect).
    #[arg(long)]
    pub ws_no_ping: bool,
    /// Share of websocket event frames preceded by a frame that is not JSON.
    #[arg(long, default_value_t = 0.0)]
    pub ws_garbage_rate: f64,
    /// Share of websocket event frames preceded by a binary frame.
    #[arg(long, default_value_t = 0.0)]
    pub ws_binary_rate: f64,
    /// Hold every websocket event frame this long.
    #[arg(long, value_parser = parse_duration)]
    pub ws_delay: Option<Duration>,
    /// How often the server pings each websocket (the server's is 10s).
    #[arg(long, value_name = "D", value_parser = parse_duration)]
    pub ws_ping_interval: Option<Duration>,
    /// Drop a websocket this long after its last pong (the server's is 60s); longer than the
    /// ping interval.
    #[arg(long, value_name = "D", value_parser = parse_duration)]
    pub ws_pong_timeout: Option<Duration>,
    /// Frames queued per websocket before further ones are dropped (the server's is 2000).
    #[arg(long, value_name = "N")]
    pub ws_queue: Option<usize>,
    /// Calls are never hung up after an hour: a server without VoIPbin's call limit (its
    /// call-manager ends every call at one hour), where participants stay as long as their callers.
    #[arg(long)]
    pub uncapped: bool,
    /// Every n-th history record shares its predecessor's tm_create (0 = none).
    #[arg(long, default_value_t = 0)]
    pub ties: usize,
    /// List endpoints repeat the page token they were given.
    #[arg(long)]
    pub pagination_loop: bool,
    /// GET /conferencecalls never ends: past the real history it invents older pages.
    #[arg(long)]
    pub endless_pages: bool,
}

/// Shell completions for `conftop completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "conftop", &mut out);
    out
}

/// The man page for `conftop man`.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    Ok(out)
}

/// The dashboard's options as the README's Markdown table, from the same definitions as
/// `--help`, so the two cannot drift apart.
pub fn options_table() -> String {
    use clap::CommandFactory;
    let mut out = String::from("| option | default | |\n|---|---|---|\n");
    let cmd = Cli::command();
    for arg in cmd.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        if arg.is_hide_set() || matches!(long, "help" | "version") {
            continue;
        }
        let mut option = format!("--{long}");
        if let Some(names) = arg.get_value_names()
            && arg.get_action().takes_values()
        {
            option.push(' ');
            option.push_str(&names.join(" "));
        }
        let mut option = format!("`{option}`").replace('|', "\\|");
        if let Some(env) = arg.get_env() {
            option.push_str(&format!(" (`{}`)", env.to_string_lossy()));
        }
        let help = arg
            .get_long_help()
            .or(arg.get_help())
            .map(|h| h.to_string())
            .unwrap_or_default()
            .replace('\n', " ");
        let (text, default) = match help.split_once(" [default: ") {
            Some((text, rest)) => (
                text.to_owned(),
                rest.trim_end_matches(['.', ']']).to_owned(),
            ),
            None => (help.trim_end_matches('.').to_owned(), String::new()),
        };
        let default = if default.is_empty() {
            String::new()
        } else {
            format!("`{default}`")
        };
        let text = text.trim_end_matches('.').replace('|', "\\|");
        out.push_str(&format!("| {option} | {default} | {text} |\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_duration("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(
            parse_duration("1500ms").unwrap(),
            Duration::from_millis(1500)
        );
        assert_eq!(parse_duration("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(parse_duration("0.5s").unwrap(), Duration::from_millis(500));
        // The help gives the horizon's range in days, so days are a unit.
        assert_eq!(
            parse_duration("7d").unwrap(),
            Duration::from_secs(7 * 86400)
        );
        assert!(parse_duration("8d").unwrap_err().contains("at most 7d"));
        for bad in ["", "fast", "2 weeks", "-1s", "9999h", "1e400"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_cli_is_well_formed_and_has_no_credential_flag() {
        Cli::command().debug_assert();
        let help = Cli::command().render_long_help().to_string();
        for word in ["--access-key", "--token", "--api-key", "--password"] {
            assert!(!help.contains(word), "{word} must not be a flag");
        }
        assert!(help.contains("VN_ACCESS_KEY"));
    }

    #[test]
    fn the_readme_option_table_is_the_help() {
        let readme = include_str!("../README.md");
        let (_, rest) = readme
            .split_once("<!-- options: generated from --help -->\n")
            .expect("README marks its option table");
        let (table, _) = rest.split_once("<!-- /options -->").expect("end marker");
        let expected = options_table();
        if std::env::var_os("CONFTOP_WRITE_README").is_some() && table != expected {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
            std::fs::write(path, readme.replace(table, &expected)).unwrap();
            return;
        }
        assert_eq!(
            table, expected,
            "the README's option table differs from --help; replace it with:\n{expected}"
        );
    }

    #[test]
    fn the_checks_help_states_its_timeout() {
        let mut cmd = Cli::command();
        let check = cmd.find_subcommand_mut("check").expect("conftop check");
        let help = check.render_long_help().to_string();
        let default = crate::format::shown(crate::defaults::CHECK_TIMEOUT);
        assert!(help.contains(&format!("[default: {default}]")), "{help}");
    }

    #[test]
    fn help_states_the_defaults_that_apply() {
        use crate::defaults;
        use crate::format::shown;
        let table = options_table();
        for (option, default) in [
            ("--interval", shown(defaults::INTERVAL)),
            ("--rotate", shown(defaults::ROTATE)),
            ("--stuck-warn", shown(defaults::STUCK_WARN)),
            ("--stuck-crit", shown(defaults::STUCK_CRIT)),
            ("--no-data-after", shown(defaults::NO_DATA_AFTER)),
            ("--timeout", shown(defaults::TIMEOUT)),
            ("--budget", defaults::BUDGET.to_string()),
            ("--theme", defaults::THEME.to_owned()),
            (
                "--metrics-listen",
                format!("none; conftop serve: {}", defaults::METRICS_LISTEN),
            ),
        ] {
            let row = table
                .lines()
                .find(|l| l.starts_with(&format!("| `{option}")))
                .unwrap_or_else(|| panic!("{option} in the table"));
            assert!(row.contains(&format!("| `{default}` |")), "{option}: {row}");
        }
    }
}
