//! The search line's history: filters kept with `Enter`, newest last, recalled with `↑`/`↓`
//! while typing one, and kept across restarts (the event loop writes them to a file beside the
//! config; the app only says when).

/// How many filters are kept.
pub const KEEP: usize = 50;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchHistory {
    /// Oldest first; no two alike.
    entries: Vec<String>,
    /// Which entry `↑` has reached, while recalling.
    at: Option<usize>,
    /// What was typed before recalling began, given back by `↓` past the newest.
    draft: String,
}

impl SearchHistory {
    /// A history of `entries` (oldest first), as read back from the file: blank lines and
    /// repeats dropped, at most [`KEEP`].
    pub fn new(entries: impl IntoIterator<Item = String>) -> SearchHistory {
        let mut h = SearchHistory::default();
        for e in entries {
            h.remember(&e);
        }
        h
    }

    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Keeps a filter as the newest; whether the history changed.
    pub fn remember(&mut self, filter: &str) -> bool {
        self.at = None;
        let filter: String = filter.trim().chars().filter(|c| !c.is_control()).collect();
        if filter.is_empty() || self.entries.last() == Some(&filter) {
            return false;
        }
        self.entries.retain(|e| *e != filter);
        self.entries.push(filter);
        let extra = self.entries.len().saturating_sub(KEEP);
        self.entries.drain(..extra);
        true
    }

    /// `↑`: the next older filter, if there is one (`typed` is kept to come back to).
    pub fn older(&mut self, typed: &str) -> Option<&str> {
        let at = match self.at {
            None if self.entries.is_empty() => return None,
            None => {
                self.draft = typed.to_owned();
                self.entries.len() - 1
            }
            Some(at) => at.saturating_sub(1),
        };
        self.at = Some(at);
        Some(&self.entries[at])
    }

    /// `↓`: the next newer filter, or what was typed before recalling began.
    pub fn newer(&mut self) -> Option<String> {
        let at = self.at?;
        if at + 1 < self.entries.len() {
            self.at = Some(at + 1);
            Some(self.entries[at + 1].clone())
        } else {
            self.at = None;
            Some(std::mem::take(&mut self.draft))
        }
    }

    /// Typing again ends recalling.
    pub fn stop_recalling(&mut self) {
        self.at = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_goes_back_through_older_filters_and_down_returns_to_what_was_typed() {
        let mut h = SearchHistory::new(["okafor".into(), "  ".into(), "+44 20".into()]);
        assert_eq!(h.entries(), ["okafor", "+44 20"]);
        assert_eq!(h.older("fat"), Some("+44 20"));
        assert_eq!(h.older("ignored"), Some("okafor"));
        assert_eq!(h.older(""), Some("okafor"), "stops at the oldest");
        assert_eq!(h.newer().as_deref(), Some("+44 20"));
        assert_eq!(h.newer().as_deref(), Some("fat"), "the draft");
        assert_eq!(h.newer(), None, "not recalling any more");
    }

    #[test]
    fn a_filter_kept_again_moves_to_the_newest_and_the_oldest_fall_off() {
        let mut h = SearchHistory::default();
        assert!(h.remember("a"));
        assert!(h.remember("b"));
        assert!(!h.remember("b"), "the same again changes nothing");
        assert!(h.remember("a"));
        assert_eq!(h.entries(), ["b", "a"]);
        assert!(!h.remember("   "));
        for n in 0..100 {
            h.remember(&n.to_string());
        }
        assert_eq!(h.entries().len(), KEEP);
        assert_eq!(h.entries().last().map(String::as_str), Some("99"));
        assert_eq!(h.entries()[0], "50");
        assert_eq!(SearchHistory::default().older("x"), None);
    }
}
