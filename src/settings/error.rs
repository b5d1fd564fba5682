//! Why the options cannot be used.

use crate::config::ConfigError;
use crate::ui::theme::ThemeError;

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
    #[error("{option} {given:?}: give a country as its two-letter ISO code, e.g. GB, US, KR")]
    Region { option: String, given: String },
    #[error("{option}: {why}")]
    AlertCommand { option: String, why: String },
    #[error(
        "watch = [..] in {file}: {given:?} is neither a phone number, a SIP address nor conference:<id>"
    )]
    Watch { file: String, given: String },
    #[error("{option} {given}: give a horizon from 1m to 7d")]
    Horizon { option: String, given: String },
    #[error("{option} {given}: pages rotate at most once a second")]
    RotateTooFast { option: String, given: String },
    #[error(
        "{option} {given}: give 0.5 to 16 requests per second (the customer's limit is about \
         17, shared by all its clients)"
    )]
    Budget { option: String, given: f64 },
    #[error(
        "{option} {given}: the whole picture (every live participant) needs time to be read; \
         give at least {min}"
    )]
    ListTimeoutTooShort {
        option: String,
        given: String,
        min: String,
    },
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
    #[error("{option} {given}: {why}")]
    MetricsListen {
        option: String,
        given: String,
        why: String,
    },
}
