//! One set of rules for walking a newest-first list page by page, shared by every walk.
//!
//! The end of a list is an empty page, a missing token, or a page shorter than the server's
//! page limit (counting items that did not decode: a short page must really be short). The
//! server's limit is 100, but if it ever answers fewer, a walk that may probe (a full refresh)
//! follows the short page's token once and learns the lower limit. A token the server repeats
//! ends the walk (a pagination loop), and a page cap bounds it.

use crate::api::PageRequest;

/// What to do after a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Fetch the next page.
    Next,
    /// The list is exhausted (or looped).
    End,
    /// The cap was reached; the walk could continue from this token later.
    Capped(String),
}

/// One walk over one list.
#[derive(Debug)]
pub struct Pager {
    size: u32,
    token: Option<String>,
    pages: usize,
    cap: usize,
    /// A short page whose token is being followed to see whether the list really ended.
    probing: Option<usize>,
}

impl Pager {
    /// A walk from the newest page (`start` = `None`) or from a saved token, of at most `cap`
    /// pages.
    pub fn new(size: u32, start: Option<String>, cap: usize) -> Pager {
        Pager {
            size,
            token: start,
            pages: 0,
            cap: cap.max(1),
            probing: None,
        }
    }

    pub fn request(&self) -> PageRequest {
        PageRequest {
            page_size: Some(self.size),
            page_token: self.token.clone(),
        }
    }

    /// Records a page of `raw` items (decoded and skipped) and the server's next token.
    /// `limit` is the server's page limit as learned so far; `probe` allows following a short
    /// page once to learn a lower limit.
    pub fn after(
        &mut self,
        raw: usize,
        next: Option<String>,
        limit: &mut usize,
        probe: bool,
    ) -> Step {
        self.pages += 1;
        if let Some(short) = self.probing.take() {
            if raw > 0 {
                tracing::info!("the server returns at most {short} items per page");
                *limit = short;
            } else {
                return Step::End;
            }
        }
        let Some(next) = next.filter(|t| !t.is_empty()) else {
            return Step::End;
        };
        if raw == 0 {
            return Step::End;
        }
        if self.token.as_ref() == Some(&next) {
            tracing::warn!("the server repeated a page token; stopping this walk");
            return Step::End;
        }
        if raw < (*limit).min(self.size as usize) {
            if !probe {
                return Step::End;
            }
            self.probing = Some(raw);
        }
        if self.pages >= self.cap {
            return Step::Capped(next);
        }
        self.token = Some(next);
        Step::Next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn ends_on_empty_missing_token_short_page_or_loop() {
        let mut limit = usize::MAX;
        let mut p = Pager::new(100, None, 10);
        assert_eq!(p.after(100, t("a"), &mut limit, false), Step::Next);
        assert_eq!(p.request().page_token.as_deref(), Some("a"));
        assert_eq!(
            p.after(100, t("a"), &mut limit, false),
            Step::End,
            "a repeated token"
        );
        let mut p = Pager::new(100, None, 10);
        assert_eq!(
            p.after(42, t("b"), &mut limit, false),
            Step::End,
            "a short page"
        );
        assert_eq!(p.after(0, t("c"), &mut limit, false), Step::End);
        let mut p = Pager::new(100, None, 10);
        assert_eq!(p.after(100, None, &mut limit, false), Step::End);
        assert_eq!(p.after(100, t(""), &mut limit, false), Step::End);
    }

    #[test]
    fn a_cap_keeps_the_token_to_continue() {
        let mut limit = usize::MAX;
        let mut p = Pager::new(100, None, 2);
        assert_eq!(p.after(100, t("a"), &mut limit, false), Step::Next);
        assert_eq!(
            p.after(100, t("b"), &mut limit, false),
            Step::Capped("b".into())
        );
    }

    #[test]
    fn a_lower_server_limit_is_learned_by_probing() {
        let mut limit = usize::MAX;
        let mut p = Pager::new(100, None, 10);
        // The server answers 50 although 100 were asked: probe the token once.
        assert_eq!(p.after(50, t("a"), &mut limit, true), Step::Next);
        assert_eq!(p.after(50, t("b"), &mut limit, true), Step::Next);
        assert_eq!(limit, 50, "learned");
        // From now on 50 is full, and a page of 20 is the last.
        let mut p = Pager::new(100, None, 10);
        assert_eq!(p.after(50, t("c"), &mut limit, false), Step::Next);
        assert_eq!(p.after(20, t("d"), &mut limit, false), Step::End);
        // A probe that finds nothing ends the walk and learns nothing.
        let mut limit = usize::MAX;
        let mut p = Pager::new(100, None, 10);
        assert_eq!(p.after(30, t("a"), &mut limit, true), Step::Next);
        assert_eq!(p.after(0, None, &mut limit, true), Step::End);
        assert_eq!(limit, usize::MAX);
    }
}
