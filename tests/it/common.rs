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

/// Every child process of the tests starts under this lock. portable-pty opens a terminal's
/// descriptors without close-on-exec and sets it a moment later; a child started by another
/// thread in that moment would inherit them and hold a terminal open after its own test closed
/// it (the kernel hangs a terminal up only when the last copy of its master side closes).
static SPAWNING: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn spawning() -> std::sync::MutexGuard<'static, ()> {
    SPAWNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// What `Command::output` does (no stdin, stdout and stderr captured), started under
/// [`spawning`].
pub fn output(cmd: &mut std::process::Command) -> std::io::Result<std::process::Output> {
    use std::process::Stdio;
    let child = {
        let _one_at_a_time = spawning();
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?
    };
    child.wait_with_output()
}
