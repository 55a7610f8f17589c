//! What the dashboard's pages share in the browser: who is signed in, the server's clock with the
//! unread count, and the Conversations list, which the shell's poll keeps current.

use leptos::prelude::*;

use crate::ids::ThreadId;
use crate::model::{InboxRowView, InboxStartView, InboxStatusView, StaffView};

#[derive(Debug, Clone, Copy)]
pub struct DashState {
    pub me: RwSignal<StaffView>,
    pub status: RwSignal<InboxStatusView>,
    /// The position in the location's changes that the next poll asks after.
    pub changes: StoredValue<String>,
    /// Rows newer than the pages loaded: what polls brought and what this person's own actions
    /// changed, the newest copy of each thread. The list shows its pages merged with them.
    pub changed: RwSignal<Vec<InboxRowView>>,
    /// The list's filters: only unread, and the search text.
    pub unread_only: RwSignal<bool>,
    pub search: RwSignal<String>,
}

impl DashState {
    pub fn new(me: StaffView, start: InboxStartView) -> Self {
        DashState {
            me: RwSignal::new(me),
            status: RwSignal::new(start.status),
            changes: StoredValue::new(start.changes),
            changed: RwSignal::new(Vec::new()),
            unread_only: RwSignal::new(false),
            search: RwSignal::new(String::new()),
        }
    }

    /// Takes rows a poll says changed.
    pub fn take_changes(&self, rows: Vec<InboxRowView>) {
        if !rows.is_empty() {
            self.changed.update(|changed| keep_newest(changed, rows));
        }
    }

    /// Changes a row of `shown` (after a read, an unread or a reply in the open thread). The row
    /// counts as changed now, so a poll answer that left the server earlier cannot undo it.
    pub fn patch_row(&self, shown: &[InboxRowView], thread_id: &ThreadId, patch: impl FnOnce(&mut InboxRowView)) {
        let now_ms = self.status.get_untracked().now_ms;
        let newest = self.changed.with_untracked(|changed| changed.iter().find(|r| &r.thread_id == thread_id).cloned());
        let Some(mut row) = newest.or_else(|| shown.iter().find(|r| &r.thread_id == thread_id).cloned()) else {
            return;
        };
        patch(&mut row);
        row.updated_ms = row.updated_ms.max(now_ms);
        self.changed.update(|changed| keep_newest(changed, vec![row]));
    }
}

/// Keeps one copy per thread, the newest.
fn keep_newest(rows: &mut Vec<InboxRowView>, newer: Vec<InboxRowView>) {
    for row in newer {
        match rows.iter_mut().find(|r| r.thread_id == row.thread_id) {
            Some(old) if old.updated_ms <= row.updated_ms => *old = row,
            Some(_) => {}
            None => rows.push(row),
        }
    }
}

/// The list logic, kept pure for tests: a changed row replaces its old self unless it is an older
/// copy (a poll answer overtaken by a local change); a new row joins
/// unless a search is active (the server decides what matches) or it is older than the loaded
/// window (the next page will bring it); unread-only drops rows that are read now. Newest first.
pub fn merge_rows(
    rows: &mut Vec<InboxRowView>,
    changed: Vec<InboxRowView>,
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

pub fn sort_newest_first(rows: &mut [InboxRowView]) {
    rows.sort_by(|a, b| b.last_message_ms.cmp(&a.last_message_ms).then_with(|| b.thread_id.cmp(&a.thread_id)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BookingStatus;

    fn row(id: &str, at: i64, unread: i64) -> InboxRowView {
        let updated_ms = at;
        InboxRowView {
            thread_id: ThreadId::new(id),
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

    fn ids(rows: &[InboxRowView]) -> Vec<&str> {
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
        let mut rows = vec![InboxRowView { updated_ms: 100, ..row("a", 30, 0) }];
        merge_rows(&mut rows, vec![InboxRowView { updated_ms: 90, ..row("a", 30, 1) }], false, false, false);
        assert_eq!(rows[0].unread, 0, "the stale answer is ignored");
        merge_rows(&mut rows, vec![InboxRowView { updated_ms: 110, ..row("a", 40, 1) }], false, false, false);
        assert_eq!(rows[0].unread, 1, "a newer change is taken");
    }

    #[test]
    fn unread_only_drops_read_rows() {
        let mut rows = vec![row("a", 30, 2), row("b", 20, 1)];
        merge_rows(&mut rows, vec![row("a", 30, 0), row("e", 50, 0)], true, false, false);
        assert_eq!(ids(&rows), ["b"]);
    }

    #[test]
    fn only_the_newest_copy_of_a_row_is_kept() {
        let mut changed = vec![InboxRowView { updated_ms: 100, ..row("a", 30, 0) }];
        keep_newest(&mut changed, vec![InboxRowView { updated_ms: 90, ..row("a", 30, 1) }, row("b", 40, 1)]);
        assert_eq!((changed[0].unread, ids(&changed)), (0, vec!["a", "b"]));
        keep_newest(&mut changed, vec![InboxRowView { updated_ms: 120, ..row("a", 50, 2) }]);
        assert_eq!(changed[0].unread, 2);
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
