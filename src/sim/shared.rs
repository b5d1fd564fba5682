//! The state every handler shares: the world behind its lock (which publishes what changed
//! on release), the simulated clock, options, faults, counters, limiters and logins.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::watch;
use uuid::Uuid;

use super::world::{self, Micros, World};
use super::{Counter, Faults, RateLimit, ServerOptions, TimeForm, WsFaults, WsOptions};
use super::{ratelimit, wire, ws};

/// Simulated time: wall-clock time at the start plus elapsed real time times the speed.
pub(super) struct SimClock {
    pub(super) start_micros: Micros,
    pub(super) started: Instant,
    pub(super) speed: f64,
}

impl SimClock {
    pub(super) fn now(&self) -> Micros {
        let elapsed = self.started.elapsed().as_micros() as f64 * self.speed;
        // `as` saturates; so does the addition.
        self.start_micros.saturating_add(elapsed as Micros)
    }
}

/// State shared by every request handler.
pub(crate) struct Shared {
    pub(super) world: Mutex<World>,
    pub(super) clock: SimClock,
    pub(super) options: Mutex<ServerOptions>,
    pub(super) faults: Mutex<Faults>,
    pub(super) ws_options: Mutex<WsOptions>,
    pub(super) ws_faults: Mutex<WsFaults>,
    pub(super) fault_rng: Mutex<fastrand::Rng>,
    pub(super) counter: Mutex<Counter>,
    pub(super) limiter: Mutex<ratelimit::Limiter>,
    /// `/auth/*` has its own limit per client IP (API.md §7); every client here is loopback.
    pub(super) login_limiter: Mutex<ratelimit::Limiter>,
    pub(super) tokens: Mutex<Vec<(String, usize)>>,
    pub(super) login: (String, String),
    /// The agent the login belongs to (the main customer's admin).
    pub(super) agent_id: Uuid,
    pub(super) requests: AtomicU64,
    /// Websocket subscribers and their counters.
    pub(super) hub: ws::Hub,
    /// Bumped to drop every open websocket at once.
    pub(super) ws_drop: watch::Sender<u64>,
}

/// The world, locked; on release, whatever changed is published to websocket subscribers, so
/// every change is announced once, whichever access made it.
pub(crate) struct WorldGuard<'a> {
    world: MutexGuard<'a, World>,
    shared: &'a Shared,
}

impl Deref for WorldGuard<'_> {
    type Target = World;
    fn deref(&self) -> &World {
        &self.world
    }
}

impl DerefMut for WorldGuard<'_> {
    fn deref_mut(&mut self) -> &mut World {
        &mut self.world
    }
}

impl Drop for WorldGuard<'_> {
    fn drop(&mut self) {
        let events = self.world.take_events();
        ws::publish(self.shared, &self.world, events);
    }
}

/// A poisoned lock only means another handler panicked; the data is still usable.
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// The world, advanced to the current simulated instant.
    pub(super) fn world(&self) -> WorldGuard<'_> {
        let mut world = lock(&self.world);
        world.advance(self.clock.now());
        WorldGuard {
            world,
            shared: self,
        }
    }

    /// Drops every open websocket.
    pub(super) fn drop_websockets(&self) {
        self.ws_drop.send_modify(|n| *n += 1);
    }

    pub(super) fn options(&self) -> ServerOptions {
        lock(&self.options).clone()
    }

    pub(super) fn time_form(&self) -> TimeForm {
        if lock(&self.options).legacy_timestamps {
            TimeForm::Legacy
        } else {
            TimeForm::Current
        }
    }

    pub(super) fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    pub(super) fn ws_options(&self) -> WsOptions {
        lock(&self.ws_options).clone()
    }

    pub(super) fn ws_faults(&self) -> WsFaults {
        lock(&self.ws_faults).clone()
    }

    pub(super) fn roll(&self) -> f64 {
        lock(&self.fault_rng).f64()
    }

    pub(super) fn count(&self, key: String) {
        lock(&self.counter).record(key);
    }

    pub(super) fn count_status(&self, status: u16) {
        lock(&self.counter).record_status(status);
    }

    pub(super) fn counter(&self) -> Counter {
        lock(&self.counter).clone()
    }

    pub(super) fn limiter(&self) -> MutexGuard<'_, ratelimit::Limiter> {
        lock(&self.limiter)
    }

    pub(super) fn next_request(&self) -> u64 {
        self.requests.fetch_add(1, Ordering::Relaxed) ^ 0x5bd1_e995
    }

    pub(super) fn login(&self, user: &str, password: &str) -> Option<String> {
        if (user, password) != (self.login.0.as_str(), self.login.1.as_str()) {
            return None;
        }
        // The server's HS256 JWT: the agent and a custom `expire` claim, 7 days ahead
        // (API.md §1). The signature is random: only this simulator accepts the token.
        let now = self.clock.now();
        let agent = self.agent(TimeForm::Current);
        let claims = serde_json::json!({
            "type": "agent",
            "agent": agent,
            "expire": TimeForm::Current.token(now.saturating_add(7 * world::DAY)),
        });
        let mut rng = fastrand::Rng::with_seed(self.next_request());
        let signature: Vec<u8> = (0..32).map(|_| rng.u8(..)).collect();
        let token = format!(
            "{}.{}.{}",
            wire::base64url(br#"{"alg":"HS256","typ":"JWT"}"#),
            wire::base64url(claims.to_string().as_bytes()),
            wire::base64url(&signature)
        );
        lock(&self.tokens).push((token.clone(), 0));
        Some(token)
    }

    /// The logged-in agent, as `GET /me` and the token's claims show it.
    pub(super) fn agent(&self, form: TimeForm) -> serde_json::Value {
        let w = self.world();
        let c = &w.customers[0];
        wire::agent(self.agent_id, c, &self.login.0, form)
    }

    /// One request against the `/auth/*` limit, or how long until one is allowed.
    pub(super) fn login_limit(&self, limit: RateLimit) -> Result<(), Duration> {
        lock(&self.login_limiter).check(0, limit, Instant::now())
    }

    pub(super) fn token_customer(&self, token: &str) -> Option<usize> {
        lock(&self.tokens)
            .iter()
            .find(|(t, _)| t == token)
            .map(|(_, c)| *c)
    }
}
