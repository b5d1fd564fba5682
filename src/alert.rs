//! Runs the alert command (`--alert-command`, `alert_command = [...]`): one process per alert,
//! its facts in `CONFTOP_*` environment variables, never in a command line or a shell string
//! built from data. Off the event loop and the sync task; a few at once; one that takes
//! longer than [`TIMEOUT`] is killed. A failure is logged and said on screen.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::sync::{Semaphore, mpsc};

use crate::app::alerts::Alert;

/// How long an alert command may run before it is killed.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Alert commands running at once, at most; the others wait their turn.
const AT_ONCE: usize = 4;
/// What conftop's own credentials are read from: never passed on to the alert command.
pub const CREDENTIAL_VARS: &[&str] = &["VN_ACCESS_KEY", "VOIPBIN_API_KEY", "VOIPBIN_TOKEN"];

/// Starts alert commands; what went wrong comes back on `failures`, in words.
#[derive(Debug, Clone)]
pub struct AlertRunner {
    argv: Arc<Vec<String>>,
    slots: Arc<Semaphore>,
    failures: mpsc::Sender<String>,
}

impl AlertRunner {
    /// `argv`: the program and its arguments (never empty: settings refuse that).
    pub fn new(argv: Vec<String>, failures: mpsc::Sender<String>) -> AlertRunner {
        AlertRunner {
            argv: Arc::new(argv),
            slots: Arc::new(Semaphore::new(AT_ONCE)),
            failures,
        }
    }

    /// Runs the command for one alert, in the background.
    pub fn run(&self, alert: Alert) {
        let me = self.clone();
        tokio::spawn(async move {
            let Ok(_slot) = me.slots.acquire().await else {
                return;
            };
            let what = alert.summary();
            match run_one(&me.argv, &alert, TIMEOUT).await {
                Ok(()) => tracing::info!("alert command ran: {what}"),
                Err(why) => {
                    let program = crate::text::sanitize(&me.argv[0], 60);
                    let text = format!("alert command {program} failed ({what}): {why}");
                    tracing::warn!("{text}");
                    let _ = me.failures.send(text).await;
                }
            }
        });
    }
}

/// One run: the facts in the environment, nothing on stdin, stdout dropped, the start of
/// stderr kept for the failure's words.
async fn run_one(argv: &[String], alert: &Alert, timeout: Duration) -> Result<(), String> {
    let mut cmd = tokio::process::Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .envs(alert.env())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        // A group of its own: a timeout kills what it started too (a `curl` in a script).
        .process_group(0)
        .kill_on_drop(true);
    for var in CREDENTIAL_VARS {
        cmd.env_remove(var);
    }
    let mut child = cmd.spawn().map_err(|e| format!("cannot start it: {e}"))?;
    let group = child.id().and_then(|id| i32::try_from(id).ok());
    let mut stderr = child.stderr.take();
    let waited = tokio::time::timeout(timeout, async {
        let mut said = Vec::new();
        if let Some(err) = stderr.as_mut() {
            let _ = err.take(4096).read_to_end(&mut said).await;
        }
        (child.wait().await, said)
    })
    .await;
    match waited {
        Err(_) => {
            if let Some(group) = group {
                // SAFETY: kill(2) on the process group made for this child; no memory involved.
                unsafe { libc::kill(-group, libc::SIGKILL) };
            }
            let _ = child.kill().await;
            Err(format!(
                "still running after {}: killed",
                crate::format::duration(
                    jiff::SignedDuration::try_from(timeout).unwrap_or_default()
                )
            ))
        }
        Ok((Err(e), _)) => Err(format!("cannot wait for it: {e}")),
        Ok((Ok(status), _)) if status.success() => Ok(()),
        Ok((Ok(status), said)) => {
            let said = String::from_utf8_lossy(&said);
            let first = said.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            let first = crate::text::sanitize(first, 120);
            let how = match status.code() {
                Some(code) => format!("exit status {code}"),
                None => "killed by a signal".to_owned(),
            };
            Err(if first.is_empty() {
                how
            } else {
                format!("{how}: {first}")
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::alerts::{AlertKind, AlertState};

    fn alert() -> Alert {
        Alert {
            kind: AlertKind::Stuck,
            state: AlertState::Start,
            at: jiff::Timestamp::from_second(1_800_000_000).unwrap(),
            participant: Some(uuid::Uuid::from_u128(7)),
            conference: Some(uuid::Uuid::from_u128(9)),
            conference_name: "Sales; rm -rf /".to_owned(),
            caller_name: "$(reboot) `id`".to_owned(),
            caller_number: "+442079460679".to_owned(),
            detail: "joining for 2m10s".to_owned(),
        }
    }

    fn sh(script: &str) -> Vec<String> {
        vec!["/bin/sh".to_owned(), "-c".to_owned(), script.to_owned()]
    }

    #[tokio::test]
    async fn the_facts_go_in_the_environment_as_they_are_and_credentials_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("env");
        // SAFETY: set before the child is spawned, in a test of its own process's env.
        unsafe { std::env::set_var("VN_ACCESS_KEY", "secret-key-123") };
        let script = format!("env > '{}'", out.display());
        run_one(&sh(&script), &alert(), TIMEOUT).await.unwrap();
        let env = std::fs::read_to_string(&out).unwrap();
        assert!(env.contains("CONFTOP_ALERT=stuck\n"), "{env}");
        assert!(env.contains("CONFTOP_STATE=start\n"));
        assert!(
            env.contains("CONFTOP_CALLER_NAME=$(reboot) `id`\n"),
            "never run as a shell string"
        );
        assert!(env.contains("CONFTOP_CONFERENCE_NAME=Sales; rm -rf /\n"));
        assert!(env.contains("CONFTOP_PARTICIPANT_ID=00000000-0000-0000-0000-000000000007\n"));
        assert!(env.contains("CONFTOP_TIME=2027-01-15T08:00:00Z\n"), "{env}");
        assert!(
            !env.contains("secret-key-123"),
            "the credential stays with conftop"
        );
    }

    #[tokio::test]
    async fn a_failing_command_says_how_and_a_slow_one_is_killed() {
        let err = run_one(&sh("echo 'webhook refused' >&2; exit 3"), &alert(), TIMEOUT)
            .await
            .unwrap_err();
        assert_eq!(err, "exit status 3: webhook refused");
        let err = run_one(&["/nonexistent/alert".to_owned()], &alert(), TIMEOUT)
            .await
            .unwrap_err();
        assert!(err.starts_with("cannot start it"), "{err}");
        // What it started goes with it.
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let script = format!("sleep 30 & echo $! > '{}'; wait", pid_file.display());
        let err = run_one(&sh(&script), &alert(), Duration::from_millis(500))
            .await
            .unwrap_err();
        assert!(err.contains("killed"), "{err}");
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        let alive = || {
            let status = std::fs::read_to_string(format!("/proc/{}/status", pid.trim()));
            status.is_ok_and(|s| {
                s.lines()
                    .find(|l| l.starts_with("State:"))
                    .is_some_and(|l| !l.contains("Z"))
            })
        };
        // A killed process takes a moment to go.
        for _ in 0..50 {
            if !alive() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
        assert!(
            !alive(),
            "the script's own sleep {} was left running",
            pid.trim()
        );
    }
}
