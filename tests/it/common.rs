//! Shared helpers: simulators with test-friendly settings and clients for them.

use conftop::api::{Client, ClientConfig, Credentials};
use conftop::sim::{Scenario, ServerOptions, Sim, SimConfig};
use secrecy::SecretString;

/// A simulator with the given config on an ephemeral loopback port.
pub async fn sim_with(config: SimConfig) -> Sim {
    Sim::start(config).await.expect("simulator starts")
}

/// A still world (no churn) with `history` finished records and no rate limit.
pub async fn quiet_sim(history: usize) -> Sim {
    sim_with(SimConfig {
        scenario: Scenario {
            history,
            ..Scenario::default()
        },
        server: ServerOptions {
            rate_limit: None,
            ..ServerOptions::default()
        },
        ..SimConfig::default()
    })
    .await
}

/// A client holding the main customer's access key.
pub fn client_for(sim: &Sim) -> Client {
    Client::new(
        &ClientConfig {
            base_url: sim.base_url(),
            ..ClientConfig::default()
        },
        Credentials::AccessKey(SecretString::from(sim.access_key())),
    )
    .expect("client builds")
}
