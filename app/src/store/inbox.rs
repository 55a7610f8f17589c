//! The dashboard's inbox: a location's threads with their booking and customer, newest message
//! first, filtered and searched, and what changed since a poll's cursor. One query per page:
//! the booking and customer come along through the thread's record links.

// `Value` is named by the derive's flatten code.
use surrealdb::types::{SurrealValue, Value};

use super::bookings::{BookingRecord, CustomerRecord};
use super::changes::{location_stamp_key, Scope};
use super::ids::{record, Record};
use super::keyset::{after_condition, cut, Position};
use super::threads::ThreadRecord;
use super::{Store, StoreError};
use crate::ids::{LocationId, ThreadId};

/// A thread row of the inbox, with its booking and customer read along the thread's links.
#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct InboxEntry {
    #[surreal(flatten)]
    pub thread: ThreadRecord,
    #[surreal(rename = "booking_row")]
    pub booking: BookingRecord,
    #[surreal(rename = "customer_row")]
    pub customer: CustomerRecord,
}

/// Which threads the list shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InboxQuery {
    /// Only threads with customer messages the team has not read.
    pub unread_only: bool,
    /// Customer name, confirmation code, activity or message text, case-insensitive.
    pub search: Option<String>,
}

const ENTRY_FIELDS: &str = "*, booking.* AS booking_row, booking.customer.* AS customer_row";

/// A position in a location's changes: after every change up to `seq` (the count of its stamp,
/// changes.rs), or, when a page ended inside the changes of one write, only after thread `after`
/// among those numbered `seq`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeCursor {
    pub seq: i64,
    pub after: Option<String>,
}

impl ChangeCursor {
    pub fn encode(&self) -> String {
        match &self.after {
            Some(id) => format!("{}.{id}", self.seq),
            None => self.seq.to_string(),
        }
    }

    pub fn decode(s: &str) -> Option<Self> {
        let (seq, after) = match s.split_once('.') {
            Some((seq, id)) => (seq, Some(id)),
            None => (s, None),
        };
        let seq: i64 = seq.parse().ok().filter(|n| *n >= 0)?;
        let plausible = |id: &str| {
            !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        };
        if after.is_some_and(|id| !plausible(id)) {
            return None;
        }
        Some(ChangeCursor { seq, after: after.map(str::to_owned) })
    }
}

/// A page of what changed in a location's inbox.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangesPage {
    /// Oldest change first.
    pub entries: Vec<InboxEntry>,
    /// Where the next poll starts.
    pub next: ChangeCursor,
    /// More changes wait after `next`: ask again at once.
    pub more: bool,
}

impl Store {
    /// A page of the location's inbox, newest message first, after `after`.
    pub async fn inbox_page(
        &self,
        location_id: &LocationId,
        query: &InboxQuery,
        after: Option<&Position>,
        limit: usize,
    ) -> Result<(Vec<InboxEntry>, Option<Position>), StoreError> {
        let limit = limit.clamp(1, 100);
        let search = query.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
        let mut conditions = vec!["location = $location".to_owned()];
        if query.unread_only {
            conditions.push("unread_for_operator > 0".into());
        }
        if search.is_some() {
            conditions.push(
                "(string::contains(string::lowercase(booking.customer.first_name + ' ' + booking.customer.last_name), $q)
                  OR string::contains(string::lowercase(booking.confirmation_code), $q)
                  OR string::contains(string::lowercase(booking.activity), $q)
                  OR id IN $text_hits)"
                    .into(),
            );
        }
        if after.is_some() {
            conditions.push(after_condition("inbox_rank"));
        }
        // Message text is searched once, up front, not once per thread.
        let text_hits = if search.is_some() {
            "array::distinct(SELECT VALUE thread FROM message
                 WHERE thread.location = $location AND string::contains(string::lowercase(body), $q))"
        } else {
            "[]"
        };
        let sql = format!(
            "{{
                LET $text_hits = {text_hits};
                RETURN SELECT {ENTRY_FIELDS} FROM thread WHERE {} ORDER BY inbox_rank, id LIMIT $limit;
            }}",
            conditions.join(" AND ")
        );
        let entries: Vec<InboxEntry> = self
            .db
            .read(sql)
            .bind(("location", location_id.record()))
            .bind(("limit", limit as i64 + 1))
            .bind(("q", search.unwrap_or_default()))
            .bind(("at", after.map(|p| Position::rank_of(p.at))))
            .bind(("after", after.map(|p| ThreadId::new(p.id.clone()).record())))
            .await?
            .take(0)?;
        Ok(cut(entries, limit, |e| Position { at: e.thread.last_message_at, id: e.thread.id.to_string() }))
    }

    /// Where a poll of the location's changes starts: after every change so far.
    pub async fn inbox_cursor(&self, location_id: &LocationId) -> Result<ChangeCursor, StoreError> {
        Ok(ChangeCursor { seq: self.location_change_count(location_id).await?, after: None })
    }

    /// The location's count of writes, kept like any poll read (it moves with the location's stamp).
    async fn location_change_count(&self, location_id: &LocationId) -> Result<i64, StoreError> {
        let load = || async {
            let stamp = record("stamp", &location_stamp_key(location_id));
            let seq: Option<i64> =
                self.db.read("SELECT VALUE seq FROM ONLY $stamp").bind(("stamp", stamp)).await?.take(0)?;
            Ok(seq.unwrap_or(0))
        };
        self.remembered_in(|c| &c.change_counts, location_id, Scope::Location(location_id), load).await
    }

    /// The location's threads that changed after `after`, in the order the changes committed, at
    /// most `limit`. A poll when nothing changed reads only the location's count, kept like every poll read.
    pub async fn inbox_changes(
        &self,
        location_id: &LocationId,
        after: &ChangeCursor,
        limit: usize,
    ) -> Result<ChangesPage, StoreError> {
        let limit = limit.clamp(1, 100);
        let count = self.location_change_count(location_id).await?;
        let quiet = ChangesPage { entries: Vec::new(), next: after.clone(), more: false };
        if count < after.seq {
            // A position this database never reached (it was emptied or replaced): follow it from now.
            return Ok(ChangesPage { next: ChangeCursor { seq: count, after: None }, ..quiet });
        }
        if count == after.seq && after.after.is_none() {
            return Ok(quiet);
        }
        let (from, after_thread) = match &after.after {
            Some(id) => (after.seq, Some(ThreadId::new(id.clone()).record())),
            None => (after.seq + 1, None),
        };
        let sql = format!(
            "SELECT {ENTRY_FIELDS} FROM thread
             WHERE location = $location AND change_seq >= $from AND (change_seq > $from OR id > $after)
             ORDER BY change_seq, id LIMIT $limit"
        );
        let rows: Vec<InboxEntry> = self
            .db
            .read(sql)
            .bind(("location", location_id.record()))
            .bind(("from", from))
            .bind(("after", after_thread))
            .bind(("limit", limit as i64 + 1))
            .await?
            .take(0)?;
        let more = rows.len() > limit;
        let entries: Vec<InboxEntry> = rows.into_iter().take(limit).collect();
        let last = entries.last().map(|e| (e.thread.change_seq, e.thread.id.to_string()));
        let next = match last {
            Some((seq, id)) if more => ChangeCursor { seq, after: Some(id) },
            // Every change numbered up to the count read first had committed before this query ran.
            last => ChangeCursor { seq: last.map_or(count, |(seq, _)| seq.max(count)), after: None },
        };
        Ok(ChangesPage { entries, next, more })
    }

    /// One thread with its booking and customer.
    pub async fn inbox_entry(&self, thread_id: &ThreadId) -> Result<InboxEntry, StoreError> {
        let sql = format!("SELECT {ENTRY_FIELDS} FROM ONLY $thread");
        let row: Option<InboxEntry> = self.db.read(sql).bind(("thread", thread_id.record())).await?.take(0)?;
        row.ok_or(StoreError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, Utc};

    use super::*;
    use crate::model::{BookingStatus, SenderType};
    use crate::store::bookings::tests::{another_booking, booking_fixture};
    use crate::store::bookings::NewBooking;
    use crate::store::messages::NewMessage;
    use crate::store::seed::{seed_demo, DEMO_PORTAL_TOKEN};

    async fn demo() -> (Store, LocationId) {
        let store = Store::open_in_memory().await.unwrap();
        seed_demo(&store).await.unwrap();
        let location = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap().location.id;
        (store, location)
    }

    fn names(entries: &[InboxEntry]) -> Vec<String> {
        entries.iter().map(|e| e.customer.full_name()).collect()
    }

    #[tokio::test]
    async fn inbox_rows_carry_booking_and_customer_newest_first() {
        let (store, location) = demo().await;
        let (entries, next) = store.inbox_page(&location, &InboxQuery::default(), None, 50).await.unwrap();
        assert_eq!(names(&entries), ["Ana Silva", "Dev Patel", "Ben Okafor"]);
        assert_eq!(entries[0].booking.confirmation_code, "KAY7Q2-5521");
        assert!(next.is_none());
        let (first, next) = store.inbox_page(&location, &InboxQuery::default(), None, 2).await.unwrap();
        let (rest, _) = store.inbox_page(&location, &InboxQuery::default(), next.as_ref(), 2).await.unwrap();
        assert_eq!([names(&first), names(&rest)].concat(), ["Ana Silva", "Dev Patel", "Ben Okafor"]);
    }

    #[tokio::test]
    async fn unread_filter_and_search() {
        let (store, location) = demo().await;
        let query = |unread_only: bool, search: &str| InboxQuery { unread_only, search: Some(search.to_owned()) };
        let find = |q: InboxQuery| {
            let (store, location) = (store.clone(), location.clone());
            async move { names(&store.inbox_page(&location, &q, None, 50).await.unwrap().0) }
        };
        assert_eq!(find(query(true, "")).await, ["Ana Silva", "Dev Patel"]);
        assert_eq!(find(query(false, "okafor")).await, ["Ben Okafor"], "customer name");
        assert_eq!(find(query(false, "whl2m7")).await, ["Dev Patel"], "confirmation code");
        assert_eq!(find(query(false, "picnic")).await, ["Ben Okafor"], "activity");
        assert_eq!(find(query(false, "SEASICK")).await, ["Dev Patel"], "message text");
        assert_eq!(find(query(false, "birthday cake")).await, Vec::<String>::new(), "another location's message");
        assert_eq!(find(query(true, "okafor")).await, Vec::<String>::new(), "both filters");
    }

    #[tokio::test]
    async fn changes_after_a_position() {
        let (store, location) = demo().await;
        let start = store.inbox_cursor(&location).await.unwrap();
        let none = store.inbox_changes(&location, &start, 100).await.unwrap();
        assert_eq!(none, ChangesPage { entries: Vec::new(), next: start.clone(), more: false });
        let ben = store
            .inbox_page(&location, &InboxQuery { search: Some("okafor".into()), ..Default::default() }, None, 1)
            .await
            .unwrap()
            .0;
        let marked = store.mark_unread(&ben[0].thread.id, SenderType::Operator, Utc::now()).await.unwrap();
        assert!(marked.change_seq > start.seq);
        let changed = store.inbox_changes(&location, &start, 100).await.unwrap();
        assert_eq!(names(&changed.entries), ["Ben Okafor"]);
        assert_eq!(changed.entries[0].thread.unread_for_operator, 1);
        assert_eq!(changed.next, ChangeCursor { seq: marked.change_seq, after: None });
        assert!(!changed.more);
        // After the last change returned: nothing.
        let quiet = store.inbox_changes(&location, &changed.next, 100).await.unwrap();
        assert_eq!(quiet, ChangesPage { entries: Vec::new(), next: changed.next.clone(), more: false });
        assert_eq!(store.inbox_entry(&ben[0].thread.id).await.unwrap().customer.full_name(), "Ben Okafor");
    }

    #[test]
    fn change_cursors_survive_the_wire_and_refuse_junk() {
        for cursor in [ChangeCursor { seq: 0, after: None }, ChangeCursor { seq: 42, after: Some("abc_1-x".into()) }] {
            assert_eq!(ChangeCursor::decode(&cursor.encode()), Some(cursor));
        }
        for junk in ["", "-1", "x", "3.", "3.a b", "3.a'b", &format!("3.{}", "a".repeat(65))] {
            assert_eq!(ChangeCursor::decode(junk), None, "{junk:?}");
        }
    }

    /// One write that changes many threads numbers them alike: a page that ends among them goes on
    /// after the last thread it returned, and every one arrives once.
    #[tokio::test]
    async fn a_page_that_ends_inside_one_writes_changes_goes_on_from_there() {
        let store = Store::open_in_memory().await.unwrap();
        let location = store.create_location("Busy", "UTC").await.unwrap().id;
        store.generate_threads(&location, 0..250, Utc::now()).await.unwrap();
        let start = store.inbox_cursor(&location).await.unwrap();
        store
            .write(&[Scope::Location(&location)], "UPDATE thread SET preview = 'Moved' WHERE location = $l", |q| {
                q.bind(("l", location.record()))
            })
            .await
            .unwrap()
            .check()
            .unwrap();
        let (mut seen, mut cursor) = (Vec::new(), start.clone());
        loop {
            let page = store.inbox_changes(&location, &cursor, 100).await.unwrap();
            seen.extend(page.entries.iter().map(|e| e.thread.id.clone()));
            cursor = page.next;
            if !page.more {
                break;
            }
            assert_eq!(cursor.seq, start.seq + 1, "inside the one write");
            assert!(cursor.after.is_some());
        }
        assert_eq!(seen.len(), 250);
        assert_eq!(seen.iter().collect::<std::collections::HashSet<_>>().len(), 250, "each once");
        assert_eq!(cursor, ChangeCursor { seq: start.seq + 1, after: None });
    }

    /// More changes than a page between two polls: every one arrives, once, in the order the
    /// writes committed.
    #[tokio::test]
    async fn five_hundred_changes_between_two_polls_all_arrive_in_pages() {
        let store = Store::open_in_memory().await.unwrap();
        let location = store.create_location("Busy", "UTC").await.unwrap().id;
        store.generate_threads(&location, 0..500, Utc::now()).await.unwrap();
        let first_poll = store.inbox_cursor(&location).await.unwrap();
        assert!(store.inbox_changes(&location, &first_poll, 100).await.unwrap().entries.is_empty());
        let mut changed = Vec::new();
        for n in 0..500 {
            changed.push(
                store
                    .mark_read(&ThreadId::new(crate::store::bulk::generated_key(n)), SenderType::Operator, Utc::now())
                    .await
                    .unwrap(),
            );
        }
        assert!(changed.windows(2).all(|w| w[0].change_seq < w[1].change_seq), "numbered as they commit");

        let (mut seen, mut position, mut pages) = (Vec::new(), first_poll, 0);
        loop {
            let page = store.inbox_changes(&location, &position, 100).await.unwrap();
            pages += 1;
            assert!(page.entries.len() <= 100);
            seen.extend(page.entries.iter().map(|e| e.thread.id.clone()));
            position = page.next;
            if !page.more {
                break;
            }
        }
        assert_eq!(seen, changed.iter().map(|t| t.id.clone()).collect::<Vec<_>>(), "each change once, in order");
        assert_eq!(pages, 5);
        assert_eq!(position, ChangeCursor { seq: changed.last().unwrap().change_seq, after: None });
    }

    #[tokio::test]
    async fn inbox_pages_newest_first_with_a_keyset_cursor() {
        let store = Store::open_in_memory().await.unwrap();
        let (location, customer, _) = booking_fixture(&store, "INB000-0000").await;
        let base = Utc::now() - Duration::hours(10);
        let mut expected = Vec::new();
        for n in 0..7 {
            let booking = store
                .create_booking(NewBooking {
                    location_id: &location.id,
                    customer_id: &customer.id,
                    confirmation_code: &format!("INB00{n}-0001"),
                    activity: "Tour",
                    starts_at: base,
                    duration_minutes: 60,
                    party_size: 1,
                    status: BookingStatus::Confirmed,
                })
                .await
                .unwrap();
            // Threads 3 and 4 share a timestamp: the id breaks the tie.
            let at = base + Duration::minutes(if n == 4 { 3 } else { n });
            let (thread, _) = store.get_or_create_thread(&booking.id, at).await.unwrap();
            expected.push((at, thread.id));
        }
        // Newest first; a shared timestamp is broken by the id, ascending (the index's own order).
        expected.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let expected: Vec<ThreadId> = expected.into_iter().map(|(_, id)| id).collect();

        // The first thread of the fixture has no thread of its own: only the seven.
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let (page, next) =
                store.inbox_page(&location.id, &InboxQuery::default(), cursor.as_ref(), 3).await.unwrap();
            assert!(page.len() <= 3);
            seen.extend(page.iter().map(|e| e.thread.id.clone()));
            match next {
                Some(next) => cursor = Some(Position::decode(&next.encode()).unwrap()),
                None => break,
            }
        }
        assert_eq!(seen, expected);

        // Another location's inbox holds none of them.
        let other = store.create_location("Elsewhere", "UTC").await.unwrap();
        assert!(store.inbox_page(&other.id, &InboxQuery::default(), None, 50).await.unwrap().0.is_empty());
    }

    #[tokio::test]
    async fn a_new_message_moves_its_thread_to_the_top() {
        let store = Store::open_in_memory().await.unwrap();
        let (location, customer, first_booking) = booking_fixture(&store, "TOP001-0001").await;
        let second_booking = another_booking(&store, &location, &customer, "TOP002-0001").await;
        let (older, _) = store.get_or_create_thread(&first_booking.id, Utc::now() - Duration::hours(1)).await.unwrap();
        let (newer, _) =
            store.get_or_create_thread(&second_booking.id, Utc::now() - Duration::minutes(1)).await.unwrap();
        let order = |page: &[InboxEntry]| page.iter().map(|e| e.thread.id.clone()).collect::<Vec<_>>();
        let page = store.inbox_page(&location.id, &InboxQuery::default(), None, 10).await.unwrap().0;
        assert_eq!(order(&page), [newer.id.clone(), older.id.clone()]);

        store
            .append_message(NewMessage {
                thread_id: &older.id,
                sender_type: SenderType::Customer,
                staff_id: None,
                sender_name: "Ana Silva",
                body: "hello",
                client_id: "c1",
                files: &[],
                at: Utc::now(),
            })
            .await
            .unwrap();
        let page = store.inbox_page(&location.id, &InboxQuery::default(), None, 10).await.unwrap().0;
        assert_eq!(page[0].thread.preview, "hello");
        assert_eq!(order(&page), [older.id, newer.id]);
    }
}
