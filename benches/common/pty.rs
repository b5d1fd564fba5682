//! The real `conftop` binary in a pseudo-terminal, its screen read with vt100 by a thread that
//! timestamps every read.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use conftop::sim::Sim;
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// What the reader thread keeps: the screen, every read (time and size), and a string to watch
/// for, with the instant it first appeared on screen.
pub struct Screen {
    parser: vt100::Parser,
    reads: Vec<(Instant, usize)>,
    needle: Option<String>,
    seen: Option<Instant>,
}

pub struct Pty {
    child: Box<dyn Child + Send + Sync>,
    // Kept open: dropping the writer sends a newline and EOF to the terminal, i.e. keys.
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<Screen>>,
    _master: Box<dyn MasterPty + Send>,
    _dir: tempfile::TempDir,
}

impl Pty {
    /// Starts conftop against `sim`, with its home, log and audit log in a fresh directory.
    pub fn spawn(sim: &Sim, extra: &[&str], cols: u16, rows: u16) -> Pty {
        let dir = tempfile::tempdir().expect("temp dir");
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_conftop"));
        cmd.arg("--log-file");
        cmd.arg(dir.path().join("conftop.log"));
        cmd.arg("--audit-log");
        cmd.arg(dir.path().join("audit.jsonl"));
        cmd.args(extra);
        for var in [
            "VN_ACCESS_KEY",
            "VOIPBIN_API_KEY",
            "VOIPBIN_TOKEN",
            "VOIPBIN_API_URL",
            "NO_COLOR",
            "CONFTOP_CONFIG",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", dir.path());
        cmd.env("XDG_CONFIG_HOME", dir.path().join("config"));
        cmd.env("XDG_DATA_HOME", dir.path().join("data"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("VOIPBIN_API_URL", sim.base_url());
        cmd.env("VN_ACCESS_KEY", sim.access_key());
        let child = pair.slave.spawn_command(cmd).expect("conftop starts");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let screen = Arc::new(Mutex::new(Screen {
            parser: vt100::Parser::new(
                NonZeroU16::new(rows).expect("rows"),
                NonZeroU16::new(cols).expect("cols"),
                0,
            ),
            reads: Vec::new(),
            needle: None,
            seen: None,
        }));
        let shared = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let at = Instant::now();
                        let mut s = shared.lock().expect("screen lock");
                        s.parser.process(&buf[..n]);
                        s.reads.push((at, n));
                        if s.seen.is_none()
                            && let Some(needle) = s.needle.clone()
                            && s.parser.screen().contents().contains(&needle)
                        {
                            s.seen = Some(at);
                        }
                    }
                }
            }
        });
        Pty {
            child,
            writer,
            screen,
            _master: pair.master,
            _dir: dir,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }

    pub fn text(&self) -> String {
        self.screen
            .lock()
            .expect("screen lock")
            .parser
            .screen()
            .contents()
    }

    /// Waits until the screen satisfies `pred`; `None` after `within`.
    pub fn wait_for(&self, within: Duration, pred: impl Fn(&str) -> bool) -> Option<Instant> {
        let deadline = Instant::now() + within;
        loop {
            if pred(&self.text()) {
                return Some(Instant::now());
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn watch(&self, needle: &str) {
        let mut s = self.screen.lock().expect("screen lock");
        s.seen = None;
        s.needle = Some(needle.to_owned());
    }

    pub fn seen(&self) -> Option<Instant> {
        self.screen.lock().expect("screen lock").seen
    }

    /// (time, bytes) of every read since `from`.
    pub fn reads_since(&self, from: Instant) -> Vec<(Instant, usize)> {
        let s = self.screen.lock().expect("screen lock");
        s.reads
            .iter()
            .filter(|(t, _)| *t >= from)
            .copied()
            .collect()
    }

    pub fn quit(mut self) {
        let _ = self.writer.write_all(b"q");
        let _ = self.writer.flush();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
