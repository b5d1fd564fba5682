//! The terminal and the event loop: the only place that draws.
//!
//! The loop waits on input, sync events, a once-a-second tick (aligned to the wall clock so
//! the clock changes on the second), the moment a held key is due and the shutdown signal; it
//! feeds each to [`app::update`], carries out the commands and draws; ratatui sends the
//! terminal only the cells that changed. The rules it runs are the app's, tested there; the
//! loop itself is tested through the real binary in a pseudo-terminal.

use std::future::Future;
use std::io::{self, Stdout, Write};
use std::mem::ManuallyDrop;
use std::time::Duration;

use crossterm::event::{self, Event as TermEvent, EventStream, KeyEventKind};
use crossterm::{cursor, execute, terminal};
use futures::{Stream, StreamExt};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use tokio::sync::mpsc;

use crate::app::watch::Notice;
use crate::app::{self, AppState, Command, Event, Mode};
use crate::sync::{self, SyncEvent};
use crate::ui::{self, Theme};

/// Where conftop's own sequences go, besides the screen: the clipboard's (OSC 52, which reaches
/// the clipboard of the machine the terminal runs on, over ssh too, where the terminal allows
/// it) and a notice's (see [`notice_sequences`]). Only sequences built here are written.
pub trait Sequences {
    fn emit(&mut self, sequence: &str) -> io::Result<()>;
}

/// The OSC 52 sequence that puts `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl<W: Write> Sequences for CrosstermBackend<W> {
    fn emit(&mut self, sequence: &str) -> io::Result<()> {
        self.write_all(sequence.as_bytes())?;
        Write::flush(self)
    }
}

/// A test screen has no clipboard and no bell; what would be written is dropped.
/// The bytes of a watch's notice: the terminal's bell, then a desktop notification for the
/// terminals that show one (OSC 9: iTerm2, WezTerm, Windows Terminal, kitty; OSC 777: VTE,
/// foot, urxvt; others ignore both; tmux flags the window on the bell). The words are sanitised
/// again here (no control character, no `;` where it would end a field), whatever the app
/// did, so nothing from the network can write its own sequence.
pub fn notice_sequences(notice: &Notice) -> String {
    let clean = |s: &str, n| crate::text::sanitize(s, n).replace(';', ",");
    let (title, body) = (clean(&notice.title, 60), clean(&notice.body, 200));
    format!("\x07\x1b]9;{title}: {body}\x07\x1b]777;notify;{title};{body}\x07")
}

/// Why the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The user quit.
    Quit,
    /// A signal (SIGINT, SIGTERM, SIGHUP) or the end of input.
    Signal,
}

/// Where commands for the sync task go.
pub type SyncCommands = mpsc::Sender<sync::SyncCommand>;

/// Where the app's commands go besides the screen: the sync task, and the alert command when
/// one is set; and where its figures go for the metrics, when they are served.
pub struct Outlets {
    pub sync: SyncCommands,
    pub alert_command: Option<Vec<String>>,
    pub metrics: Option<crate::metrics::Publisher>,
}

/// Runs until the user quits or `shutdown` resolves.
pub async fn run<B, I, S>(
    terminal: &mut Terminal<B>,
    app: &mut AppState,
    theme: &Theme,
    mut input: I,
    mut sync_events: mpsc::Receiver<SyncEvent>,
    outlets: Outlets,
    shutdown: S,
) -> Result<Exit, B::Error>
where
    B: Backend + Sequences,
    I: Stream<Item = Event> + Unpin,
    S: Future<Output = ()>,
{
    tokio::pin!(shutdown);
    // Tick on the second, so the clock never lags the wall by up to a second.
    let now = Timestamp::now();
    let to_next_second = Duration::from_nanos(1_000_000_000 - now.subsec_nanosecond() as u64);
    let mut tick = tokio::time::interval_at(
        tokio::time::Instant::now() + to_next_second,
        Duration::from_secs(1),
    );
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut input_open = true;
    let mut sync_open = true;
    let (failed, mut alert_failures) = mpsc::channel(16);
    let alerts = outlets
        .alert_command
        .map(|argv| crate::alert::AlertRunner::new(argv, failed));
    let out = Carry {
        sync: outlets.sync,
        alerts,
        searches_file: app.cfg.searches_file.clone(),
    };

    let metrics = outlets.metrics;
    terminal.draw(|f| ui::draw(f, app, theme))?;
    loop {
        let event = tokio::select! {
            biased;
            _ = &mut shutdown => return Ok(Exit::Signal),
            ev = input.next(), if input_open => match ev {
                Some(ev) => ev,
                None => {
                    input_open = false;
                    continue;
                }
            },
            ev = sync_events.recv(), if sync_open => match ev {
                Some(ev) => Event::Sync(ev),
                None => {
                    sync_open = false;
                    continue;
                }
            },
            Some(why) = alert_failures.recv() => Event::AlertFailed(why),
            _ = tick.tick() => Event::Tick,
            // A held key acts when its gap has passed with no other key.
            _ = wake(app.deadline()) => Event::Wake,
        };
        if let Event::Resize(w, h) = event {
            terminal.resize(ratatui::layout::Rect::new(0, 0, w, h))?;
        }
        // The figures change with what the sync task says and with time, not with keys.
        let mut renew = matches!(event, Event::Sync(_) | Event::Tick);
        let commands = app::update(app, event, Timestamp::now());
        if out.carry_out(terminal, commands).await == Some(Exit::Quit) {
            return Ok(Exit::Quit);
        }
        // Apply what is already queued before drawing once, but never for so long that the
        // screen or the keys wait on it.
        let drain_until = std::time::Instant::now() + Duration::from_millis(20);
        while std::time::Instant::now() < drain_until
            && let Ok(ev) = sync_events.try_recv()
        {
            renew = true;
            let commands = app::update(app, Event::Sync(ev), Timestamp::now());
            if out.carry_out(terminal, commands).await == Some(Exit::Quit) {
                return Ok(Exit::Quit);
            }
        }
        if renew && let Some(m) = &metrics {
            m.send_replace(std::sync::Arc::new(app.health()));
        }
        // Drawn after every round of events: ratatui writes only the cells that differ from
        // the last frame, so an unchanged picture costs a draw into memory and no output.
        if let Err(e) = terminal.draw(|f| ui::draw(f, app, theme)) {
            // A terminal that was hung up fails every write a moment before SIGHUP arrives:
            // that is a signal's ending, not an error.
            return match tokio::time::timeout(HANGUP_GRACE, &mut shutdown).await {
                Ok(()) => Ok(Exit::Signal),
                Err(_) => Err(e),
            };
        }
    }
}

/// How long a failed draw waits for the hang-up signal that usually follows it.
const HANGUP_GRACE: Duration = Duration::from_secs(1);

/// What carries out the app's commands.
struct Carry {
    sync: SyncCommands,
    alerts: Option<crate::alert::AlertRunner>,
    searches_file: Option<std::path::PathBuf>,
}

impl Carry {
    /// Carries out what the app asked for; `Some(Exit::Quit)` when that is to quit.
    async fn carry_out<B: Backend + Sequences>(
        &self,
        terminal: &mut Terminal<B>,
        commands: Vec<Command>,
    ) -> Option<Exit> {
        let searches_file = &self.searches_file;
        for command in commands {
            match command {
                Command::Quit => return Some(Exit::Quit),
                Command::Alert(alert) => match &self.alerts {
                    Some(runner) => runner.run(*alert),
                    None => tracing::debug!("an alert with no alert command: {}", alert.summary()),
                },
                // A file write, off the loop that answers keys (a slow home directory must not
                // hold the screen).
                Command::SaveSearches(entries) => {
                    if let Some(path) = searches_file.clone() {
                        tokio::task::spawn_blocking(move || {
                            if let Err(e) = crate::config::save_searches(&path, &entries) {
                                tracing::warn!(
                                    "cannot keep the search history in {}: {e}",
                                    path.display()
                                );
                            }
                        });
                    }
                }
                Command::Notify(notice) => {
                    if let Err(e) = terminal.backend_mut().emit(&notice_sequences(&notice)) {
                        tracing::warn!("cannot ring the terminal's bell: {e}");
                    }
                }
                Command::Copy(text) => {
                    if let Err(e) = terminal.backend_mut().emit(&osc52(&text)) {
                        tracing::warn!("cannot copy to the clipboard: {e}");
                    }
                }
                Command::Sync(c) => {
                    // Never dropped: a removal must reach the sync task.
                    if self.sync.send(c).await.is_err() {
                        tracing::error!("the sync task has stopped");
                    }
                }
            }
        }
        None
    }
}

/// Resolves at `deadline` (never, without one).
async fn wake(deadline: Option<Timestamp>) {
    match deadline {
        Some(at) => {
            let wait = Timestamp::now().duration_until(at);
            let wait = Duration::try_from(wait).unwrap_or(Duration::ZERO);
            tokio::time::sleep(wait).await;
        }
        None => futures::future::pending::<()>().await,
    }
}

/// Terminal input as app events. In kiosk mode keys are stripped here already, so no key can
/// reach the app, whatever it is (see [`to_event`]). An input error (the terminal is gone) ends the stream rather
/// than spinning on it; a terminal that is gone also fails the next draw, which ends the loop.
pub fn input_events(mode: Mode) -> impl Stream<Item = Event> + Unpin {
    EventStream::new()
        .take_while(|ev| {
            if let Err(e) = ev {
                tracing::warn!("terminal input error, no more input: {e}");
            }
            futures::future::ready(ev.is_ok())
        })
        .filter_map(move |ev| futures::future::ready(ev.ok().and_then(|ev| to_event(mode, ev))))
        .boxed()
}

/// One terminal event as the app hears it. On a kiosk a key becomes [`Event::KeyIgnored`],
/// which carries no key: the app learns that someone pressed one, and nothing can act on it.
fn to_event(mode: Mode, ev: TermEvent) -> Option<Event> {
    match ev {
        TermEvent::Key(k) if k.kind == KeyEventKind::Release => None,
        TermEvent::Key(_) if mode == Mode::Kiosk => Some(Event::KeyIgnored),
        TermEvent::Key(k) => Some(Event::Key(k)),
        // A paste is text on a kiosk too: it says how the wall is stopped, nothing more.
        TermEvent::Paste(_) if mode == Mode::Kiosk => Some(Event::KeyIgnored),
        TermEvent::Paste(text) => Some(Event::Paste(text)),
        TermEvent::Mouse(_) if mode == Mode::Kiosk => None,
        TermEvent::Mouse(m) => Some(Event::Mouse(m)),
        TermEvent::Resize(w, h) => Some(Event::Resize(w, h)),
        _ => None,
    }
}

/// Resolves on SIGINT, SIGTERM or SIGHUP sent from outside. (In raw mode Ctrl-C is a key, not
/// a signal, so it goes through the key table, where kiosk mode has nothing.)
pub async fn signals() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut int = signal(SignalKind::interrupt()).ok();
    let mut term = signal(SignalKind::terminate()).ok();
    let mut hup = signal(SignalKind::hangup()).ok();
    async fn wait(s: &mut Option<tokio::signal::unix::Signal>) {
        match s {
            Some(s) => {
                s.recv().await;
            }
            None => futures::future::pending::<()>().await,
        }
    }
    tokio::select! {
        _ = wait(&mut int) => tracing::info!("SIGINT"),
        _ = wait(&mut term) => tracing::info!("SIGTERM"),
        _ = wait(&mut hup) => tracing::info!("SIGHUP"),
    }
}

/// The real terminal, restored when dropped (normal exit, error or unwinding).
pub struct TerminalGuard {
    /// Never dropped: ratatui's own drop shows the cursor again and, when it cannot (the
    /// terminal is gone, as after SIGHUP), prints to stderr, which then panics. `restore`
    /// already shows the cursor, ignoring errors; the terminal's buffers go with the process.
    pub terminal: ManuallyDrop<Terminal<CrosstermBackend<Stdout>>>,
}

impl TerminalGuard {
    /// Raw mode, alternate screen, hidden cursor, bracketed paste (a paste arrives as one
    /// piece of text, never as keys), and the mouse when asked (the terminal's own selection
    /// then needs Shift held).
    pub fn enter(mouse: bool) -> io::Result<TerminalGuard> {
        terminal::enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(
            out,
            terminal::EnterAlternateScreen,
            cursor::Hide,
            event::EnableBracketedPaste
        )
        .and_then(|()| {
            if mouse {
                execute!(io::stdout(), event::EnableMouseCapture)
            } else {
                Ok(())
            }
        }) {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(io::stdout())) {
            Ok(terminal) => Ok(TerminalGuard {
                terminal: ManuallyDrop::new(terminal),
            }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts the terminal back as it was. Safe to call more than once.
pub fn restore() {
    let _ = terminal::disable_raw_mode();
    let mut out = io::stdout();
    let _ = execute!(
        out,
        event::DisableBracketedPaste,
        event::DisableMouseCapture,
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
    let _ = out.flush();
}

/// On panic: the report goes to the log file only. A panic of the code that owns the screen
/// (the event loop, which runs outside any spawned task) restores the terminal first and
/// prints one line to stderr, now on the normal screen, saying where the report is. A panic in
/// a spawned task (the sync task, a removal) is contained by the runtime and must not take the
/// screen away from a UI that keeps running.
pub fn install_panic_hook(log_path: Option<String>) {
    std::panic::set_hook(Box::new(move |info| {
        let backtrace = std::backtrace::Backtrace::force_capture();
        tracing::error!("panic: {info}\n{backtrace}");
        if tokio::task::try_id().is_some() {
            return;
        }
        restore();
        let where_ = log_path
            .as_deref()
            .map(|p| format!("; the report is in {p}"))
            .unwrap_or_default();
        let _ = writeln!(io::stderr(), "conftop stopped unexpectedly{where_}");
    }));
}

/// Panics on purpose (hidden options for the end-to-end tests): in a background task, or on
/// the UI's own thread once the screen is up.
pub async fn crash_test(guard: &mut TerminalGuard, app: &AppState, theme: &Theme, ui: bool) {
    if !ui {
        tokio::spawn(async {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            panic!("deliberate crash test in a background task");
        });
        return;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    guard.terminal.draw(|f| crate::ui::draw(f, app, theme)).ok();
    panic!("deliberate crash test");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    #[test]
    fn a_kiosk_hears_that_a_key_was_pressed_never_which() {
        let keys = [
            KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
            KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE),
            KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE),
            KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
        ];
        for k in keys {
            let ev = to_event(Mode::Kiosk, TermEvent::Key(k));
            assert!(matches!(ev, Some(Event::KeyIgnored)), "{k:?}: {ev:?}");
            let ev = to_event(Mode::Interactive { read_only: true }, TermEvent::Key(k));
            assert!(matches!(ev, Some(Event::Key(got)) if got == k), "{k:?}");
        }
        let mut release = keys[0];
        release.kind = KeyEventKind::Release;
        assert!(to_event(Mode::Kiosk, TermEvent::Key(release)).is_none());
        assert!(matches!(
            to_event(Mode::Kiosk, TermEvent::Resize(80, 24)),
            Some(Event::Resize(80, 24))
        ));
    }

    #[test]
    fn a_notice_is_the_bell_and_two_notifications_with_nothing_raw_in_them() {
        let hostile = Notice {
            title: "conftop".to_owned(),
            body: "Eve\x1b]0;pwned\x07\x1b[2J; rm -rf / \u{9b}31m joined · Room\r\n".to_owned(),
        };
        let s = notice_sequences(&hostile);
        assert!(s.starts_with("\x07\x1b]9;conftop: Eve"), "{s:?}");
        // Ours only: BEL, then two OSCs each closed by BEL.
        assert_eq!(s.matches('\x1b').count(), 2, "{s:?}");
        assert_eq!(s.matches('\x07').count(), 3, "{s:?}");
        assert!(!s.contains('\u{9b}') && !s.contains('\r') && !s.contains('\n'));
        assert!(s.contains("\x1b]777;notify;conftop;Eve"), "{s:?}");
        // A `;` in the words never ends a field.
        let body = s.rsplit("notify;conftop;").next().unwrap();
        assert!(!body.trim_end_matches('\x07').contains(';'), "{s:?}");
    }

    #[test]
    fn osc52_carries_the_text_in_base64() {
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        #[derive(Clone, Default)]
        struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl Write for Sink {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let sink = Sink::default();
        let mut backend = CrosstermBackend::new(sink.clone());
        backend.emit(&osc52("7cb70145")).unwrap();
        let written = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert_eq!(written, "\x1b]52;c;N2NiNzAxNDU=\x07");
    }
}
