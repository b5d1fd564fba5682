//! Each option's default and bounds, written once. A leaf: every layer (api, sync, app, list,
//! settings) reads it, and it reads nothing of theirs.

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
/// The server's default customer limit (API.md §7): 16.7 requests/s rounded to 17, and the
/// burst its bucket starts with. The budget's first cut reckons with it; the simulator plays it.
pub const CUSTOMER_RATE: f64 = 17.0;
pub const CUSTOMER_BURST: f64 = 33.0;
pub const BUDGET_RANGE: RangeInclusive<f64> = 0.5..=16.0;
pub const THEME: &str = "default";
/// `conftop serve`'s metrics, when neither `--metrics-listen` nor the config file says: this
/// machine only, on the port Prometheus exporters of this kind commonly take.
pub const METRICS_LISTEN: std::net::SocketAddr = std::net::SocketAddr::V4(
    std::net::SocketAddrV4::new(std::net::Ipv4Addr::LOCALHOST, 9464),
);
/// `conftop check`: the whole check, within a monitoring system's usual limit of a minute.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(50);
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
