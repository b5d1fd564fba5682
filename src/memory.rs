//! Handing freed memory back. A busy account's first picture takes its records, pages and
//! snapshots in at once; once they are merged, most of that is free but stays with the
//! process, as glibc's allocator keeps freed pages for later. A dashboard that runs for days
//! gives it back now and then: what it holds is then what it uses.

use std::time::Duration;

/// How often freed memory is handed back.
const EVERY: Duration = Duration::from_secs(20);

/// Hands freed memory back every [`EVERY`], for as long as the runtime runs.
pub async fn give_back_freed() {
    let mut every = tokio::time::interval(EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        every.tick().await;
        // It walks the heap holding the allocator's locks: not on the thread that draws.
        let _ = tokio::task::spawn_blocking(trim).await;
    }
}

/// Returns the allocator's free pages to the system (glibc); elsewhere, nothing to do.
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases memory the allocator holds free; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}
