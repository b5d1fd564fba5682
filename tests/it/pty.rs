//! The real `conftop` binary in a pseudo-terminal: keys in, a vt100 screen (and the raw bytes)
//! out.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use tokio::time::{Instant, sleep};

pub struct Pty {
    child: Box<dyn Child + Send + Sync>,
    /// Both `None` once the terminal is closed.
    writer: Option<Box<dyn Write + Send>>,
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    master: Option<Box<dyn portable_pty::MasterPty + Send>>,
    hang_up: Arc<AtomicBool>,
    pub dir: tempfile::TempDir,
}

impl Pty {
    /// Starts `conftop` with `args` in a `cols`×`rows` terminal. Its home, log and audit log are
    /// in a fresh directory; the API URL and key come from `env`.
    pub fn spawn(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Pty {
        let dir = tempfile::tempdir().unwrap();
        // No other child may start while this terminal's descriptors can still be inherited.
        let one_at_a_time = crate::common::spawning();
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_conftop"));
        cmd.args(args);
        cmd.arg("--log-file");
        cmd.arg(dir.path().join("conftop.log"));
        for var in [
            "VN_ACCESS_KEY",
            "VOIPBIN_API_KEY",
            "VOIPBIN_TOKEN",
            "VOIPBIN_API_URL",
            "NO_COLOR",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", dir.path());
        cmd.env("XDG_CONFIG_HOME", dir.path().join("config"));
        cmd.env("XDG_DATA_HOME", dir.path().join("data"));
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        drop(one_at_a_time);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(rows).unwrap(),
            NonZeroU16::new(cols).unwrap(),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let hang_up = Arc::new(AtomicBool::new(false));
        let (s, r, h) = (screen.clone(), raw.clone(), hang_up.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        s.lock().unwrap().process(&buf[..n]);
                        r.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                }
                // The reader holds the last copy of the terminal's master side: returning
                // drops it, which hangs the terminal up.
                if h.load(Ordering::Relaxed) {
                    break;
                }
            }
        });
        Pty {
            child,
            writer: Some(writer),
            screen,
            raw,
            master: Some(pair.master),
            hang_up,
            dir,
        }
    }

    /// Changes the terminal size (the program gets SIGWINCH) and the screen model with it.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        // The model takes the new size first, and the reader waits on the lock meanwhile: what
        // the program draws for the new size is never parsed at the old one.
        let mut screen = self.screen.lock().unwrap();
        screen.screen_mut().set_size(
            NonZeroU16::new(rows).unwrap(),
            NonZeroU16::new(cols).unwrap(),
        );
        self.master
            .as_ref()
            .expect("the terminal is open")
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn send(&mut self, keys: &str) {
        let writer = self.writer.as_mut().expect("the terminal is open");
        writer.write_all(keys.as_bytes()).unwrap();
        writer.flush().unwrap();
    }

    /// Sends keys one at a time, with a pause so that an escape sequence is never merged with
    /// the next key.
    pub async fn type_keys(&mut self, keys: &[&str]) {
        for k in keys {
            self.send(k);
            sleep(Duration::from_millis(60)).await;
        }
    }

    pub fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// The screen's text once `pred` holds; fails after `within`.
    pub async fn wait_for(&self, within: Duration, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + within;
        loop {
            let text = self.text();
            if pred(&text) {
                return text;
            }
            if Instant::now() > deadline {
                panic!("the screen never matched; it shows:\n{text}");
            }
            sleep(Duration::from_millis(50)).await;
        }
    }

    /// The row (0-based) whose text contains `needle`.
    pub fn row_of(&self, needle: &str) -> Option<u16> {
        self.text()
            .lines()
            .position(|l| l.contains(needle))
            .map(|r| r as u16)
    }

    /// The column where `needle` starts on `row`, in cells.
    pub fn col_of(&self, row: u16, needle: &str) -> Option<u16> {
        let p = self.screen.lock().unwrap();
        let s = p.screen();
        let (_, cols) = s.size();
        let mut line = String::new();
        let mut starts = Vec::new();
        for c in 0..cols.get() {
            let cell = s.cell(row, c)?;
            starts.push((line.len(), c));
            line.push_str(if cell.has_contents() {
                cell.contents()
            } else {
                " "
            });
        }
        let byte = line.find(needle)?;
        starts.iter().find(|(b, _)| *b == byte).map(|(_, c)| *c)
    }

    /// Closes the terminal, as a terminal window closing does: the program gets SIGHUP and
    /// its terminal is gone (writes to it fail).
    pub fn close_terminal(&mut self) {
        self.writer = None;
        self.master = None;
        // The reader lets go after the next output (the clock redraws every second).
        self.hang_up.store(true, Ordering::Relaxed);
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    pub fn signal(&self, sig: &str) {
        let out = crate::common::output(
            std::process::Command::new("kill").args([&format!("-{sig}"), &self.pid().to_string()]),
        )
        .unwrap();
        assert!(out.status.success());
    }

    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// The exit status once the process ends; fails after `within`.
    pub async fn exit(&mut self, within: Duration) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader thread take the last bytes.
                sleep(Duration::from_millis(100)).await;
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("conftop did not exit; it shows:\n{}", self.text());
            }
            sleep(Duration::from_millis(50)).await;
        }
    }

    /// Whether the raw output ends with the terminal put back: alternate screen left and the
    /// cursor shown, after the last thing drawn.
    pub fn restored(&self) -> bool {
        let raw = self.raw();
        let leave = find_last(&raw, b"\x1b[?1049l");
        let show = find_last(&raw, b"\x1b[?25h");
        let enter = find_last(&raw, b"\x1b[?1049h");
        matches!((leave, show, enter), (Some(l), Some(_), Some(e)) if l > e)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.path("conftop.log")).unwrap_or_default()
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

pub fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
