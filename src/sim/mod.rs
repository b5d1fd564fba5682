//! A VoIPbin-compatible server on loopback: the peer of `--demo`, `conftop sim` and the tests.
//!
//! It behaves as API.md says the real server does, quirks included: newest-first pagination
//! with an exclusive timestamp token and one extra empty page at the end, the whole `leaved`
//! history in `GET /conferencecalls`, `GET /conferences` listing only `type=conference`, 400 for
//! unknown ids and 403 for another customer's, DELETE answering `leaving` then `leaved` a moment
//! later, a per-customer rate limit with `Retry-After`, and (on request) legacy timestamps and
//! bare error bodies. Faults can be injected while it runs, and every request is counted.

mod counter;
mod faults;
mod http;
mod names;
mod ratelimit;
mod scenario;
mod wire;
mod world;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

pub use counter::Counter;
pub use faults::Faults;
pub use ratelimit::RateLimit;
pub use scenario::Scenario;
pub use wire::TimeForm;
pub use world::{ConferenceKind, Kick, Micros, ParticipantStatus, World};

/// How the simulated server behaves, apart from its data.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Write timestamps the way servers before 2026-02-04 did.
    pub legacy_timestamps: bool,
    /// Answer errors with a bare status and an empty body, as servers before April 2026 did.
    pub bare_errors: bool,
    /// The per-customer limit; `None` switches it off.
    pub rate_limit: Option<RateLimit>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            legacy_timestamps: false,
            bare_errors: false,
            rate_limit: Some(RateLimit::default()),
        }
    }
}

/// Everything needed to start a simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub listen: SocketAddr,
    pub scenario: Scenario,
    pub server: ServerOptions,
    pub faults: Faults,
    /// How fast simulated time runs against real time (1.0 = real time).
    pub speed: f64,
    /// The agent login `POST /auth/login` accepts.
    pub username: String,
    pub password: String,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            scenario: Scenario::default(),
            server: ServerOptions::default(),
            faults: Faults::default(),
            speed: 1.0,
            username: "admin@example.com".to_owned(),
            password: "sim-password".to_owned(),
        }
    }
}

/// Why a simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(
        "refusing to listen on {0}: the simulator serves credentials, so it listens on loopback \
         unless --allow-remote is given"
    )]
    NotLoopback(SocketAddr),
}

/// Simulated time: wall-clock time at the start plus elapsed real time times the speed.
struct SimClock {
    start_micros: Micros,
    started: Instant,
    speed: f64,
}

impl SimClock {
    fn now(&self) -> Micros {
        let elapsed = self.started.elapsed().as_micros() as f64 * self.speed;
        // `as` saturates; so does the addition.
        self.start_micros.saturating_add(elapsed as Micros)
    }
}

/// State shared by every request handler.
pub(crate) struct Shared {
    world: Mutex<World>,
    clock: SimClock,
    options: Mutex<ServerOptions>,
    faults: Mutex<Faults>,
    fault_rng: Mutex<fastrand::Rng>,
    counter: Mutex<Counter>,
    limiter: Mutex<ratelimit::Limiter>,
    /// `/auth/*` has its own limit per client IP (API.md §7); every client here is loopback.
    login_limiter: Mutex<ratelimit::Limiter>,
    tokens: Mutex<Vec<(String, usize)>>,
    login: (String, String),
    /// The agent the login belongs to (the main customer's admin).
    agent_id: Uuid,
    requests: AtomicU64,
}

/// A poisoned lock only means another handler panicked; the data is still usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// The world, advanced to the current simulated instant.
    fn world(&self) -> MutexGuard<'_, World> {
        let mut w = lock(&self.world);
        w.advance(self.clock.now());
        w
    }

    fn options(&self) -> ServerOptions {
        lock(&self.options).clone()
    }

    fn time_form(&self) -> TimeForm {
        if lock(&self.options).legacy_timestamps {
            TimeForm::Legacy
        } else {
            TimeForm::Current
        }
    }

    fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    fn roll(&self) -> f64 {
        lock(&self.fault_rng).f64()
    }

    fn count(&self, key: String) {
        lock(&self.counter).record(key);
    }

    fn count_status(&self, status: u16) {
        lock(&self.counter).record_status(status);
    }

    fn counter(&self) -> Counter {
        lock(&self.counter).clone()
    }

    fn limiter(&self) -> MutexGuard<'_, ratelimit::Limiter> {
        lock(&self.limiter)
    }

    fn next_request(&self) -> u64 {
        self.requests.fetch_add(1, Ordering::Relaxed) ^ 0x5bd1_e995
    }

    fn login(&self, user: &str, password: &str) -> Option<String> {
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
    fn agent(&self, form: TimeForm) -> serde_json::Value {
        let w = self.world();
        let c = &w.customers[0];
        wire::agent(self.agent_id, c, &self.login.0, form)
    }

    /// One request against the `/auth/*` limit, or how long until one is allowed.
    fn login_limit(&self, limit: RateLimit) -> Result<(), Duration> {
        lock(&self.login_limiter).check(0, limit, Instant::now())
    }

    fn token_customer(&self, token: &str) -> Option<usize> {
        lock(&self.tokens)
            .iter()
            .find(|(t, _)| t == token)
            .map(|(_, c)| *c)
    }
}

/// A running simulator.
pub struct Sim {
    shared: Arc<Shared>,
    addr: SocketAddr,
    server: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
}

impl Sim {
    /// Builds the world and starts serving on loopback.
    pub async fn start(config: SimConfig) -> Result<Sim, SimError> {
        if !config.listen.ip().is_loopback() {
            return Err(SimError::NotLoopback(config.listen));
        }
        Self::start_any(config).await
    }

    /// Like [`Sim::start`], but on any address (`conftop sim --allow-remote`).
    pub async fn start_any(config: SimConfig) -> Result<Sim, SimError> {
        let now = jiff::Timestamp::now().as_microsecond();
        let world = World::new(config.scenario.clone(), now);
        let shared = Arc::new(Shared {
            world: Mutex::new(world),
            clock: SimClock {
                start_micros: now,
                started: Instant::now(),
                speed: config.speed.max(0.0),
            },
            options: Mutex::new(config.server.clone()),
            faults: Mutex::new(config.faults.clone()),
            fault_rng: Mutex::new(fastrand::Rng::with_seed(config.scenario.seed ^ 0xfa17)),
            counter: Mutex::new(Counter::default()),
            limiter: Mutex::new(ratelimit::Limiter::default()),
            login_limiter: Mutex::new(ratelimit::Limiter::default()),
            tokens: Mutex::new(Vec::new()),
            login: (config.username.clone(), config.password.clone()),
            agent_id: uuid::Builder::from_random_bytes(
                fastrand::Rng::with_seed(config.scenario.seed ^ 0xa6e7)
                    .u128(..)
                    .to_le_bytes(),
            )
            .into_uuid(),
            // Request ids differ between runs, as a server's do.
            requests: AtomicU64::new(now as u64),
        });
        let mut sim = Sim {
            shared,
            addr: config.listen,
            server: None,
        };
        sim.listen(config.listen).await?;
        Ok(sim)
    }

    async fn listen(&mut self, addr: SocketAddr) -> Result<(), SimError> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| SimError::Bind { addr, source })?;
        self.addr = listener
            .local_addr()
            .map_err(|source| SimError::Bind { addr, source })?;
        let app = http::router(self.shared.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = serve.await {
                tracing::warn!("simulator stopped: {e}");
            }
        });
        self.server = Some((tx, task));
        Ok(())
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API base URL, e.g. `http://127.0.0.1:40123/v1.0`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1.0", self.addr)
    }

    /// The access key of the main customer (the one the scenario is about).
    pub fn access_key(&self) -> String {
        lock(&self.shared.world).customers[0].access_key.clone()
    }

    /// The access key of the second customer, whose records answer 403 to the first.
    pub fn other_access_key(&self) -> String {
        lock(&self.shared.world).customers[1].access_key.clone()
    }

    /// The main customer's id.
    pub fn customer_id(&self) -> uuid::Uuid {
        lock(&self.shared.world).customers[0].id
    }

    /// The agent login `POST /auth/login` accepts.
    pub fn login(&self) -> (String, String) {
        self.shared.login.clone()
    }

    /// A copy of the request counts so far.
    pub fn counter(&self) -> Counter {
        self.shared.counter()
    }

    /// Sets the counts back to zero.
    pub fn reset_counter(&self) {
        *lock(&self.shared.counter) = Counter::default();
    }

    /// Changes the injected faults while running.
    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.shared.faults) = faults;
    }

    /// Changes the server options (timestamp form, error bodies, rate limit) while running.
    pub fn set_options(&self, options: ServerOptions) {
        *lock(&self.shared.options) = options;
    }

    /// Runs `f` on the world advanced to now: for tests and tools to look or to act.
    pub fn with_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        f(&mut self.shared.world())
    }

    /// Stops listening and closes idle connections; the world is kept for [`Sim::restart`].
    pub async fn stop(&mut self) {
        if let Some((tx, task)) = self.server.take() {
            let _ = tx.send(());
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(2), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }

    /// Listens again on the same address, with the same world.
    pub async fn restart(&mut self) -> Result<(), SimError> {
        self.stop().await;
        let addr = self.addr;
        // The port was just released; allow a moment for the kernel to agree.
        let mut last = None;
        for _ in 0..50 {
            match self.listen(addr).await {
                Ok(()) => return Ok(()),
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(last.expect("at least one attempt"))
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some((tx, task)) = self.server.take() {
            let _ = tx.send(());
            task.abort();
        }
    }
}
