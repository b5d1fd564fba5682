//! Wall-display pagination: conference groups flow into columns, columns into pages, and the
//! pages rotate. Troubled conferences come first (the view sorts them first in kiosk mode).

use jiff::Timestamp;

use super::AppState;
use super::view::View;

/// The wall's pages and which is shown.
#[derive(Debug)]
pub struct Pager {
    /// The page shown.
    pub page: usize,
    /// The page count the wall shows: taken when a page turns (or the size changes), so it
    /// holds still while people come and go rather than flapping under the reader's eyes.
    pub count: usize,
    /// Until when the wall says how it is stopped (after a key was pressed).
    pub hint_until: Option<Timestamp>,
    /// Pages for the current view and size, laid out when the view changes (never per
    /// frame).
    pub pages: Vec<Page>,
    /// When the page shown came on screen.
    pub(super) page_started: Timestamp,
}

impl Pager {
    pub fn new(now: Timestamp) -> Pager {
        Pager {
            page: 0,
            count: 1,
            hint_until: None,
            pages: Vec::new(),
            page_started: now,
        }
    }
}

/// How long the kiosk says how it is stopped, after the last key.
pub const HINT_FOR: jiff::SignedDuration = jiff::SignedDuration::from_secs(6);

impl AppState {
    /// A key was pressed on the kiosk: nothing acts on it, but for a few seconds the wall
    /// says how it is stopped.
    pub(super) fn key_ignored(&mut self) {
        if self.cfg.mode == super::Mode::Kiosk {
            self.kiosk.hint_until = Some(self.now + HINT_FOR);
        }
    }

    /// How the kiosk is stopped, long and short, while it should say so; `None` otherwise.
    /// Every key is ignored (Ctrl-C too, which raw mode turns into a key), so the way out is
    /// a signal: SIGTERM, SIGINT or SIGHUP (closing the terminal sends it). Information only:
    /// it offers no key, as none would work.
    pub fn kiosk_hint(&self) -> Option<[String; 2]> {
        if self.cfg.mode != super::Mode::Kiosk
            || self.kiosk.hint_until.is_none_or(|u| u <= self.now)
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

/// A group's slice placed in a column: a room longer than a column continues in the next
/// one (on the next page, if need be), so everyone in it is shown in turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub group: usize,
    /// The first member shown: above zero, this slice continues the room ("(cont.)").
    pub first: usize,
    /// Participant rows shown (the header is extra).
    pub shown: usize,
    /// Members after this slice, shown in the next column ("+N more" closes this one).
    pub more: usize,
}

impl Placed {
    /// Whether this slice continues a room begun in an earlier column.
    pub fn continued(&self) -> bool {
        self.first > 0
    }
}

/// One screenful of columns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    pub columns: Vec<Vec<Placed>>,
}

/// The fewest lines a column is laid out with: a header, a row and a "+N more" line.
const MIN_HEIGHT: usize = 3;

/// The fewest lines left in a column that a room too long for them begins in rather than in
/// the next column: its header, three rows and a "+N more" line. Fewer would be a fragment;
/// more left empty would leave a third of a small wall blank and double its pages.
const FILL_MIN: usize = 5;

/// Lays groups into columns of `height` lines, `per_page` columns a page. A group goes where
/// it fits whole; one that does not fit what is left of a column begins there when at least
/// [`FILL_MIN`] lines are left and continues in the next column ("(cont.)"), so columns are
/// filled rather than left part empty. When everything fits on one page, the columns are
/// balanced: the whole width is used rather than the first columns filled and the rest left
/// empty; over several pages, the pages are (see [`balanced`]).
pub fn paginate(view: &View, per_page: usize, height: usize) -> Vec<Page> {
    let whole = flow_with(view, per_page, height, true);
    if whole.len() != 1 || per_page == 1 {
        return balanced(view, per_page, height);
    }
    let full = whole;
    let splits = |pages: &[Page]| -> usize {
        pages
            .iter()
            .flat_map(|p| &p.columns)
            .flatten()
            .filter(|pl| pl.continued())
            .count()
    };
    let cut = splits(&full);
    // The shortest column height that still fits one page and splits no more rooms than the
    // full one.
    let (mut lo, mut hi) = (MIN_HEIGHT, height.max(MIN_HEIGHT));
    while lo < hi {
        let mid = (lo + hi) / 2;
        let pages = flow_with(view, per_page, mid, true);
        if pages.len() == 1 && splits(&pages) <= cut {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    flow_with(view, per_page, lo, true)
}

/// Over several pages: as many pages as the full columns need, each filled alike (the
/// shortest column height that needs no more pages), so that no page is mostly empty while
/// the others are full.
fn balanced(view: &View, per_page: usize, height: usize) -> Vec<Page> {
    let full = flow(view, per_page, height);
    let n = full.len();
    if n <= 1 {
        return full;
    }
    let (mut lo, mut hi) = (MIN_HEIGHT.max(FILL_MIN), height.max(MIN_HEIGHT));
    while lo < hi {
        let mid = (lo + hi) / 2;
        if flow(view, per_page, mid).len() <= n {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let even = flow(view, per_page, lo);
    if even.len() == n { even } else { full }
}

fn flow(view: &View, per_page: usize, height: usize) -> Vec<Page> {
    flow_with(view, per_page, height, false)
}

/// `fit_whole`: a room that fits a column whole never begins in the rest of another.
fn flow_with(view: &View, per_page: usize, height: usize, fit_whole: bool) -> Vec<Page> {
    let per_page = per_page.max(1);
    let height = height.max(MIN_HEIGHT);
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
        let mut first = 0;
        loop {
            // A blank line between groups.
            let gap = usize::from(!column.is_empty());
            let space = height.saturating_sub(used + gap);
            let rest = members - first;
            // Header + the members left.
            let need = 1 + rest;
            if need <= space {
                column.push(Placed {
                    group: gi,
                    first,
                    shown: rest,
                    more: 0,
                });
                used += gap + need;
                break;
            }
            // Start afresh in the next column when too little is left here to begin the room
            // (or, on a page of its own, when it fits the next column whole: a balanced page
            // splits no room).
            let begin_here = space >= FILL_MIN && !(fit_whole && need <= height);
            if !column.is_empty() && !begin_here {
                push_column(std::mem::take(&mut column), &mut pages);
                used = 0;
                continue;
            }
            // Header, as many rows as fit, and a "+N more" line; the rest continues.
            let shown = space - 2;
            column.push(Placed {
                group: gi,
                first,
                shown,
                more: rest - shown,
            });
            first += shown;
            push_column(std::mem::take(&mut column), &mut pages);
            used = 0;
        }
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

    /// Every member of every group, in order, exactly once across the pages.
    fn assert_everyone_once(view: &View, pages: &[Page]) {
        let mut seen: Vec<Vec<usize>> = vec![Vec::new(); view.groups.len()];
        for pl in pages.iter().flat_map(|p| &p.columns).flatten() {
            seen[pl.group].extend(pl.first..pl.first + pl.shown);
            let total = view.groups[pl.group].members.len();
            assert_eq!(pl.first + pl.shown + pl.more, total, "{pl:?}");
        }
        for (gi, g) in view.groups.iter().enumerate() {
            assert_eq!(
                seen[gi],
                (0..g.members.len()).collect::<Vec<_>>(),
                "group {gi}"
            );
        }
    }

    /// Lines a column takes: headers, rows, "+N more" lines and the gaps between groups.
    fn lines(column: &[Placed]) -> usize {
        column
            .iter()
            .map(|pl| 1 + pl.shown + usize::from(pl.more > 0))
            .sum::<usize>()
            + column.len().saturating_sub(1)
    }

    #[test]
    fn groups_flow_into_columns_and_pages() {
        // Height 10: [3+1, gap, 3+1] fits 9; the third group starts a new column.
        let v = view(&[3, 3, 3, 3, 3]);
        let pages = paginate(&v, 2, 10);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].columns.len(), 2);
        assert_eq!(pages[0].columns[0].len(), 2);
        assert_eq!(pages[1].columns.len(), 1);
        assert_everyone_once(&v, &pages);
        assert!(
            pages
                .iter()
                .flat_map(|p| &p.columns)
                .flatten()
                .all(|pl| !pl.continued()),
            "rooms that fit a column are never split"
        );
    }

    #[test]
    fn one_page_is_spread_over_every_column() {
        // Height 40 holds all three groups in one column; three columns share them instead.
        let pages = paginate(&view(&[5, 5, 5]), 3, 40);
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].columns.len(), 3);
        assert!(pages[0].columns.iter().all(|c| c.len() == 1));
        assert!(
            pages[0].columns.iter().flatten().all(|pl| pl.more == 0),
            "nothing cut to balance"
        );
    }

    #[test]
    fn a_group_taller_than_a_column_continues_in_the_next_columns_and_pages() {
        let v = view(&[30]);
        let pages = paginate(&v, 2, 10);
        // 8 rows a column (header + rows + "+N more" fill 10 lines), the last holds 6.
        let slices: Vec<Placed> = pages
            .iter()
            .flat_map(|p| &p.columns)
            .flatten()
            .copied()
            .collect();
        let shown: Vec<usize> = slices.iter().map(|pl| pl.shown).collect();
        assert_eq!(shown, [8, 8, 8, 6]);
        assert_eq!(pages.len(), 2, "the room goes on over the next page");
        assert!(!slices[0].continued());
        assert!(slices[1..].iter().all(Placed::continued));
        assert_eq!(slices[0].more, 22);
        assert_eq!(slices[3].more, 0);
        for column in pages.iter().flat_map(|p| &p.columns) {
            assert!(lines(column) <= 10, "{column:?}");
        }
        assert_everyone_once(&v, &pages);
    }

    #[test]
    fn pages_are_filled_alike_rather_than_one_full_and_the_last_near_empty() {
        // Rooms for a page and a bit: filled in turn, the last page would hold a room or two.
        for (sizes, per_page, height) in [
            (vec![4; 9], 2, 20),
            (vec![6, 3, 9, 2, 5, 7, 4, 3, 8, 2, 6], 3, 14),
            (vec![30, 2, 3], 1, 19),
        ] {
            let v = view(&sizes);
            let rows = |pages: &[Page]| -> Vec<usize> {
                pages
                    .iter()
                    .map(|p| p.columns.iter().flatten().map(|pl| pl.shown).sum())
                    .collect()
            };
            let filled_in_turn = rows(&flow(&v, per_page, height));
            let pages = paginate(&v, per_page, height);
            let balanced = rows(&pages);
            assert_eq!(balanced.len(), filled_in_turn.len(), "no more pages");
            let (lo, hi) = (
                *balanced.iter().min().unwrap(),
                *balanced.iter().max().unwrap(),
            );
            assert!(
                lo * 2 >= hi,
                "{sizes:?}: {balanced:?} (in turn: {filled_in_turn:?})"
            );
            for column in pages.iter().flat_map(|p| &p.columns) {
                assert!(lines(column) <= height, "{column:?}");
            }
            assert_everyone_once(&v, &pages);
        }
    }

    #[test]
    fn a_long_room_starts_below_others_and_short_ones_follow_it() {
        let v = view(&[3, 30, 2]);
        // The flow itself, before the pages are balanced.
        let pages = flow(&v, 3, 12);
        let columns: Vec<&Vec<Placed>> = pages.iter().flat_map(|p| &p.columns).collect();
        // Column 1: the 3-room (4 lines), a gap, and the long room's start (7 lines).
        assert_eq!(columns[0].len(), 2);
        assert_eq!(columns[0][1].group, 1);
        assert_eq!(columns[0][1].shown, 5);
        assert_eq!(lines(columns[0]), 12);
        // The short room after it shares the long room's last column.
        let last = columns.last().unwrap();
        assert_eq!(last.last().unwrap().group, 2);
        assert!(last[0].continued());
        for column in &columns {
            assert!(lines(column) <= 12, "{column:?}");
        }
        assert_everyone_once(&v, &pages);
    }

    #[test]
    fn everyone_is_placed_once_at_any_height() {
        let v = view(&[1, 17, 4, 0, 9, 40, 2, 3]);
        for height in 0..30 {
            for per_page in 1..4 {
                let pages = paginate(&v, per_page, height);
                assert_everyone_once(&v, &pages);
                for column in pages.iter().flat_map(|p| &p.columns) {
                    assert!(
                        lines(column) <= height.max(MIN_HEIGHT),
                        "height {height}: {column:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn empty_view_is_one_empty_page() {
        let pages = paginate(&view(&[]), 3, 10);
        assert_eq!(pages.len(), 1);
        assert!(pages[0].columns.is_empty());
    }

    #[test]
    fn a_small_wall_fills_its_pages_instead_of_one_room_each() {
        // 80×24: one column of 20 lines; fifty rooms of ten (eleven lines each) took fifty
        // pages, nine lines of each empty.
        let v = view(&[10; 50]);
        let pages = paginate(&v, 1, 20);
        assert!(pages.len() <= 36, "{} pages", pages.len());
        for (n, page) in pages.iter().enumerate().take(pages.len() - 1) {
            let used = lines(&page.columns[0]);
            assert!(used > 20 - FILL_MIN, "page {n}: {used} of 20 lines");
        }
        assert_everyone_once(&v, &pages);
    }
}
