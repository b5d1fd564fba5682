//! A VoIPbin-compatible server on loopback: the peer of `--demo`, `conftop sim` and the tests.
//!
//! It behaves as API.md says the real server does, quirks included: newest-first pagination
//! with an exclusive timestamp token and one extra empty page at the end, the whole `leaved`
//! history in `GET /conferencecalls`, `GET /conferences` listing only `type=conference`, 400 for
//! unknown ids and 403 for another customer's, DELETE answering `leaving` then `leaved` a moment
//! later, a per-customer rate limit with `Retry-After`, and (on request) legacy timestamps and
//! bare error bodies. Faults can be injected while it runs, and every request is counted.
//! The event websocket (`/v1.0/ws`) publishes each change of a room or call once, when it
//! happens in simulated time, on the topics the server uses.

mod counter;
mod faults;
mod http;
mod names;
mod ratelimit;
mod scenario;
mod shared;
mod wire;
mod world;
mod ws;

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use shared::{Shared, SimClock, lock};

pub use counter::Counter;
pub use faults::Faults;
pub use ratelimit::RateLimit;
pub use scenario::Scenario;
pub use wire::TimeForm;
pub use world::{
    ConferenceKind, Event, HOUR, Kick, MINUTE, Micros, ParticipantStatus, Record, SECOND, World,
};
pub use ws::{WsFaults, WsOptions, WsStats};

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
    /// The websocket's frame form, keepalive and queue length.
    pub websocket: WsOptions,
    /// What goes wrong on websockets; switchable with [`Sim::set_ws_faults`].
    pub ws_faults: WsFaults,
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
            websocket: WsOptions::default(),
            ws_faults: WsFaults::default(),
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

/// A running simulator.
pub struct Sim {
    shared: Arc<Shared>,
    addr: SocketAddr,
    server: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
    /// Advances the world while websockets are open, so events go out without requests.
    ticker: JoinHandle<()>,
}

/// How often the world is advanced for websocket subscribers when no request does it.
const TICK: Duration = Duration::from_millis(50);

/// Advances the world every [`TICK`] while a websocket is open; ends with the simulator.
fn spawn_ticker(shared: Weak<Shared>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(TICK);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let Some(sh) = shared.upgrade() else { return };
            if sh.hub.has_connections() {
                drop(sh.world());
            }
        }
    })
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
            ws_options: Mutex::new(config.websocket.clone()),
            ws_faults: Mutex::new(config.ws_faults.clone()),
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
            hub: ws::Hub::default(),
            ws_drop: watch::Sender::new(0),
        });
        let ticker = spawn_ticker(Arc::downgrade(&shared));
        let mut sim = Sim {
            shared,
            addr: config.listen,
            server: None,
            ticker,
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
    /// What `conftop sim` prints on start: where it listens, its keys and login, and how to try
    /// it.
    pub fn banner(&self) -> String {
        let (user, password) = self.login();
        let (base, key, addr) = (self.base_url(), self.access_key(), self.addr());
        format!(
            "conftop sim: a VoIPbin-compatible API on {addr}\n\
             \x20 base URL      {base}\n\
             \x20 access key    {key}\n\
             \x20 other key     {}   (a second customer: its records answer 403 to the first)\n\
             \x20 agent login   {user} / {password}   (POST http://{addr}/auth/login)\n\
             \x20 websocket     {}?accesskey={key}\n\
             \x20 stats         http://{addr}/_sim/stats\n\
             \x20 faults        curl -X PUT http://{addr}/_sim/faults -d '{{\"error_rate\":1}}'   (REST fails, open websockets stay; '{{}}' ends it)\n\
             \n\
             \x20 curl '{base}/conferencecalls?page_size=5&accesskey={key}'\n\
             \x20 VOIPBIN_API_URL={base} VN_ACCESS_KEY={key} conftop\n\
             \n\
             Serving until stopped (Ctrl-C).\n",
            self.other_access_key(),
            self.ws_url(),
        )
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/v1.0", self.addr)
    }

    /// The websocket URL without credentials, e.g. `ws://127.0.0.1:40123/v1.0/ws`.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/v1.0/ws", self.addr)
    }

    /// Websocket counters: connections open, handshakes, frames sent and dropped.
    pub fn ws_stats(&self) -> WsStats {
        self.shared.hub.stats()
    }

    /// Drops every open websocket now, without a close frame, as a server restart would.
    pub fn drop_websockets(&self) {
        self.shared.drop_websockets();
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

    /// Changes the websocket options while running; keepalive and queue length apply to
    /// connections opened afterwards, the frame form at once.
    pub fn set_ws_options(&self, options: WsOptions) {
        *lock(&self.shared.ws_options) = options;
    }

    /// Changes the websocket faults while running.
    pub fn set_ws_faults(&self, faults: WsFaults) {
        *lock(&self.shared.ws_faults) = faults;
    }

    /// Runs `f` on the world advanced to now: for tests and tools to look or to act.
    pub fn with_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        f(&mut self.shared.world())
    }

    /// Stops listening and closes idle connections; the world is kept for [`Sim::restart`].
    pub async fn stop(&mut self) {
        // Upgraded connections outlive the listener; a stopped server has none.
        self.shared.drop_websockets();
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
        self.ticker.abort();
        self.shared.drop_websockets();
        if let Some((tx, task)) = self.server.take() {
            let _ = tx.send(());
            task.abort();
        }
    }
}
