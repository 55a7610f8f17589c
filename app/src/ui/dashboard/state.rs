//! What the dashboard's pages share in the browser: who is signed in, the server's clock with the
//! unread count, and the Conversations list, which the shell's poll keeps current.

use leptos::prelude::*;

use crate::model::{InboxRow, InboxStart, InboxStatus, StaffMe};

#[derive(Debug, Clone, Copy)]
pub struct DashState {
    pub me: RwSignal<StaffMe>,
    pub status: RwSignal<InboxStatus>,
    /// The position in the location's changes that the next poll asks after.
    pub changes: StoredValue<String>,
    /// The list as shown: the loaded pages, merged with every poll's changes.
    pub rows: RwSignal<Vec<InboxRow>>,
    /// Where the next page starts, if there is one.
    pub next: RwSignal<Option<String>>,
    /// The list's filters: only unread, and the search text.
    pub unread_only: RwSignal<bool>,
    pub search: RwSignal<String>,
}

impl DashState {
    pub fn new(me: StaffMe, start: InboxStart) -> Self {
        DashState {
            me: RwSignal::new(me),
            status: RwSignal::new(start.status),
            changes: StoredValue::new(start.changes),
            rows: RwSignal::new(Vec::new()),
            next: RwSignal::new(None),
            unread_only: RwSignal::new(false),
            search: RwSignal::new(String::new()),
        }
    }

    /// Merges changed rows from a poll into the list, as the list's filters allow.
    pub fn merge_changes(&self, changed: Vec<InboxRow>) {
        if changed.is_empty() {
            return;
        }
        let unread_only = self.unread_only.get_untracked();
        let searching = !self.search.with_untracked(|s| s.trim().is_empty());
        let more_pages = self.next.with_untracked(Option::is_some);
        self.rows.update(|rows| merge_rows(rows, changed, unread_only, searching, more_pages));
    }

    /// Changes one row (after a read, an unread or a reply in the open thread), keeping the order.
    /// The row counts as changed now, so a poll answer that left the server earlier cannot undo it.
    pub fn patch_row(&self, thread_id: &str, patch: impl FnOnce(&mut InboxRow)) {
        let now_ms = self.status.get_untracked().now_ms;
        self.rows.update(|rows| {
            if let Some(row) = rows.iter_mut().find(|r| r.thread_id == thread_id) {
                patch(row);
                row.updated_ms = row.updated_ms.max(now_ms);
            }
            sort_newest_first(rows);
        });
    }
}

/// The list logic, kept pure for tests: a changed row replaces its old self unless it is an older
/// copy (a poll answer overtaken by a local change); a new row joins
/// unless a search is active (the server decides what matches) or it is older than the loaded
/// window (the next page will bring it); unread-only drops rows that are read now. Newest first.
pub fn merge_rows(
    rows: &mut Vec<InboxRow>,
    changed: Vec<InboxRow>,
    unread_only: bool,
    searching: bool,
    more_pages: bool,
) {
    let oldest_loaded = rows.iter().map(|r| r.last_message_ms).min();
    for row in changed {
        let known = rows.iter().position(|r| r.thread_id == row.thread_id);
        let wanted = !unread_only || row.unread > 0;
        match known {
            Some(at) if row.updated_ms < rows[at].updated_ms => {}
            Some(at) if wanted => rows[at] = row,
            Some(at) => {
                rows.remove(at);
            }
            None if wanted && !searching => {
                let beyond_window = more_pages && oldest_loaded.is_some_and(|oldest| row.last_message_ms < oldest);
                if !beyond_window {
                    rows.push(row);
                }
            }
            None => {}
        }
    }
    sort_newest_first(rows);
}

fn sort_newest_first(rows: &mut [InboxRow]) {
    rows.sort_by(|a, b| b.last_message_ms.cmp(&a.last_message_ms).then_with(|| b.thread_id.cmp(&a.thread_id)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BookingStatus;

    fn row(id: &str, at: i64, unread: i64) -> InboxRow {
        let updated_ms = at;
        InboxRow {
            thread_id: id.into(),
            customer_name: id.into(),
            activity: "Tour".into(),
            code: "ABC".into(),
            booking_date: "Nov 24".into(),
            preview: format!("at {at}"),
            last_sender: None,
            last_message_ms: at,
            last_message_day: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            status: BookingStatus::Confirmed,
            unread,
            updated_ms,
        }
    }

    fn ids(rows: &[InboxRow]) -> Vec<&str> {
        rows.iter().map(|r| r.thread_id.as_str()).collect()
    }

    #[test]
    fn a_changed_row_moves_to_its_place_and_new_rows_join() {
        let mut rows = vec![row("a", 30, 0), row("b", 20, 0), row("c", 10, 0)];
        merge_rows(&mut rows, vec![row("c", 40, 1), row("d", 35, 1)], false, false, false);
        assert_eq!(ids(&rows), ["c", "d", "a", "b"]);
        assert_eq!(rows[0].unread, 1);
    }

    #[test]
    fn an_older_copy_never_replaces_a_newer_row() {
        let mut rows = vec![InboxRow { updated_ms: 100, ..row("a", 30, 0) }];
        merge_rows(&mut rows, vec![InboxRow { updated_ms: 90, ..row("a", 30, 1) }], false, false, false);
        assert_eq!(rows[0].unread, 0, "the stale answer is ignored");
        merge_rows(&mut rows, vec![InboxRow { updated_ms: 110, ..row("a", 40, 1) }], false, false, false);
        assert_eq!(rows[0].unread, 1, "a newer change is taken");
    }

    #[test]
    fn unread_only_drops_read_rows() {
        let mut rows = vec![row("a", 30, 2), row("b", 20, 1)];
        merge_rows(&mut rows, vec![row("a", 30, 0), row("e", 50, 0)], true, false, false);
        assert_eq!(ids(&rows), ["b"]);
    }

    #[test]
    fn searches_and_unloaded_pages_take_no_new_rows() {
        let mut rows = vec![row("a", 30, 0)];
        merge_rows(&mut rows, vec![row("z", 99, 1)], false, true, false);
        assert_eq!(ids(&rows), ["a"], "the search decides what matches");
        merge_rows(&mut rows, vec![row("old", 5, 1)], false, false, true);
        assert_eq!(ids(&rows), ["a"], "older than the loaded window: the next page brings it");
        merge_rows(&mut rows, vec![row("old", 5, 1)], false, false, false);
        assert_eq!(ids(&rows), ["a", "old"], "all pages loaded: it joins");
    }
}
