//! Wall-display pagination: conference groups flow into columns, columns into pages, and the
//! pages rotate. Troubled conferences come first (the view sorts them first in kiosk mode).

use super::AppState;
use super::view::View;

/// How long the kiosk says how it is stopped, after the last key.
pub const HINT_FOR: jiff::SignedDuration = jiff::SignedDuration::from_secs(6);

impl AppState {
    /// A key was pressed on the kiosk: nothing acts on it, but for a few seconds the wall
    /// says how it is stopped.
    pub(super) fn key_ignored(&mut self) {
        if self.cfg.mode == super::Mode::Kiosk {
            self.kiosk_hint_until = Some(self.now + HINT_FOR);
            self.dirty = true;
        }
    }

    /// How the kiosk is stopped, long and short, while it should say so; `None` otherwise.
    /// Every key is ignored (Ctrl-C too, which raw mode turns into a key), so the way out is
    /// a signal: SIGTERM, SIGINT or SIGHUP (closing the terminal sends it). Information only:
    /// it offers no key, as none would work.
    pub fn kiosk_hint(&self) -> Option<[String; 2]> {
        if self.cfg.mode != super::Mode::Kiosk
            || self.kiosk_hint_until.is_none_or(|u| u <= self.now)
        {
            return None;
        }
        let pid = self
            .cfg
            .pid
            .map_or_else(|| "<pid>".to_owned(), |p| p.to_string());
        Some([
            format!(
                "kiosk mode ignores every key, Ctrl-C too · stop it with kill -TERM {pid} or by closing the terminal"
            ),
            format!("keys are ignored · stop: kill -TERM {pid}, or close the terminal"),
        ])
    }

    /// Participants still in their room whose call is muted (in any direction); the wall
    /// shows the count beside the totals.
    pub fn muted(&self) -> usize {
        self.participants
            .values()
            .filter(|p| p.gone_at.is_none())
            .filter(|p| self.caller_of(p).is_some_and(|c| c.mute.is_some()))
            .count()
    }
}

/// A group's slice placed in a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub group: usize,
    /// Participant rows shown (the header is extra).
    pub shown: usize,
    /// Participant rows that did not fit ("+N more").
    pub hidden: usize,
}

/// One screenful of columns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    pub columns: Vec<Vec<Placed>>,
}

/// Lays groups into columns of `height` lines, `per_page` columns a page. A group that does
/// not fit in a whole column is cut with a "+N more" line; a group never splits across columns.
/// When everything fits on one page, the columns are balanced: the whole width is used rather
/// than the first columns filled and the rest left empty.
pub fn paginate(view: &View, per_page: usize, height: usize) -> Vec<Page> {
    let full = flow(view, per_page, height);
    if full.len() != 1 || per_page == 1 {
        return full;
    }
    let hidden = |pages: &[Page]| -> usize {
        pages
            .iter()
            .flat_map(|p| &p.columns)
            .flatten()
            .map(|pl| pl.hidden)
            .sum()
    };
    let cut = hidden(&full);
    // The shortest column height that still fits one page and cuts no more than the full one.
    let (mut lo, mut hi) = (2, height.max(2));
    while lo < hi {
        let mid = (lo + hi) / 2;
        let pages = flow(view, per_page, mid);
        if pages.len() == 1 && hidden(&pages) <= cut {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    flow(view, per_page, lo)
}

fn flow(view: &View, per_page: usize, height: usize) -> Vec<Page> {
    let per_page = per_page.max(1);
    let height = height.max(2);
    let mut pages = vec![Page::default()];
    let mut column: Vec<Placed> = Vec::new();
    let mut used = 0;
    let push_column = |column: Vec<Placed>, pages: &mut Vec<Page>| {
        if pages.last().is_some_and(|p| p.columns.len() == per_page) {
            pages.push(Page::default());
        }
        pages.last_mut().expect("one page").columns.push(column);
    };
    for (gi, g) in view.groups.iter().enumerate() {
        let members = g.members.len();
        // Header + members (+ a blank line between groups).
        let gap = usize::from(!column.is_empty());
        let need = 1 + members;
        if used + gap + need > height && !column.is_empty() {
            push_column(std::mem::take(&mut column), &mut pages);
            used = 0;
        }
        let gap = usize::from(!column.is_empty());
        let conference = height - used - gap;
        let (shown, hidden) = if members < conference {
            (members, 0)
        } else {
            // Leave a line for "+N more".
            let shown = conference.saturating_sub(2);
            (shown, members - shown)
        };
        used += gap + 1 + shown + usize::from(hidden > 0);
        column.push(Placed {
            group: gi,
            shown,
            hidden,
        });
    }
    if !column.is_empty() {
        push_column(column, &mut pages);
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::view::Group;

    fn view(sizes: &[usize]) -> View {
        View {
            groups: sizes
                .iter()
                .map(|&n| Group {
                    conference: uuid::Uuid::new_v4(),
                    members: (0..n).map(|_| uuid::Uuid::new_v4()).collect(),
                    present: n,
                    trouble: Default::default(),
                    collapsed: false,
                })
                .collect(),
            ..View::default()
        }
    }

    #[test]
    fn groups_flow_into_columns_and_pages() {
        // Height 10: [3+1, gap, 3+1] fits 9; the third group starts a new column.
        let pages = paginate(&view(&[3, 3, 3, 3, 3]), 2, 10);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].columns.len(), 2);
        assert_eq!(pages[0].columns[0].len(), 2);
        assert_eq!(pages[1].columns.len(), 1);
        let total: usize = pages
            .iter()
            .flat_map(|p| &p.columns)
            .flatten()
            .map(|pl| pl.shown + pl.hidden)
            .sum();
        assert_eq!(total, 15, "every participant accounted for");
    }

    #[test]
    fn one_page_is_spread_over_every_column() {
        // Height 40 holds all three groups in one column; three columns share them instead.
        let pages = paginate(&view(&[5, 5, 5]), 3, 40);
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].columns.len(), 3);
        assert!(pages[0].columns.iter().all(|c| c.len() == 1));
        assert!(
            pages[0].columns.iter().flatten().all(|pl| pl.hidden == 0),
            "nothing cut to balance"
        );
    }

    #[test]
    fn a_group_taller_than_a_column_is_cut_with_a_count() {
        let pages = paginate(&view(&[30]), 3, 10);
        let placed = pages[0].columns[0][0];
        assert_eq!(placed.shown + placed.hidden, 30);
        assert_eq!(placed.shown, 8);
        assert_eq!(
            1 + placed.shown + 1,
            10,
            "header + rows + '+N more' fill the column"
        );
    }

    #[test]
    fn empty_view_is_one_empty_page() {
        let pages = paginate(&view(&[]), 3, 10);
        assert_eq!(pages.len(), 1);
        assert!(pages[0].columns.is_empty());
    }
}
