//! `conftop sim`'s options, checked, as a simulator configuration.

use super::*;

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
        connect_conferences: a.connect_conferences.unwrap_or(base.connect_conferences),
        queue_conferences: a.queue_conferences.unwrap_or(base.queue_conferences),
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

/// `--listen HOST:PORT`: an address, or a host name resolved now (see [`super::listen`]).
fn sim_listen(given: &str, allow_remote: bool) -> Result<std::net::SocketAddr, SettingsError> {
    super::listen::address(given, allow_remote).map_err(|why| SettingsError::SimListen {
        given: given.to_owned(),
        why: match why {
            super::listen::Refused::Remote(ip) => format!(
                "it is {ip}, not this machine; the simulator serves credentials, so it \
                 listens on loopback unless --allow-remote"
            ),
            other => other.to_string(),
        },
    })
}
