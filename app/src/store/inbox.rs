//! The dashboard's inbox: a location's threads with their booking and customer, newest message
//! first, filtered and searched, and what changed since a poll's cursor. One query per page:
//! the booking and customer come along through the thread's record links.

use std::time::Duration;

use chrono::{DateTime, Utc};
// `Value` is named by the derive's flatten code.
use surrealdb::types::{SurrealValue, Value};

use super::bookings::{BookingRecord, CustomerRecord};
use super::changes::Scope;
use super::ids::Record;
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

/// A page of what changed in a location's inbox.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangesPage {
    /// Oldest change first.
    pub entries: Vec<InboxEntry>,
    /// The position of the last change returned; the next page starts after it.
    pub last: Option<Position>,
    /// More settled changes wait after `last`: ask again at once.
    pub more: bool,
}

/// A change is returned once it is this old by the database's clock. A thread's `updated_at` is
/// stamped as its write runs, and the write commits a moment later: a change stamped before the
/// last one a poll returned, but committed after that poll, would fall behind its cursor and be
/// lost. Holding back the last moment's changes until every write stamped in it has committed
/// (writes take milliseconds; a write still running after this long is not expected) closes that
/// window, at the cost of showing a change at most this much later.
pub const CHANGES_SETTLE: Duration = Duration::from_secs(1);

#[derive(SurrealValue)]
struct ChangesRecord {
    until: DateTime<Utc>,
    rows: Vec<InboxEntry>,
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

    /// The location's threads that changed after `after` (by `updated_at`, then id), oldest change
    /// first, at most `limit`, and only changes older than `settle` by the database's clock (see
    /// `CHANGES_SETTLE`; tests pass zero). That nothing at all changed is remembered: until the
    /// location's next write, a poll from that position on is answered without a query.
    pub async fn inbox_changes(
        &self,
        location_id: &LocationId,
        after: &Position,
        settle: Duration,
        limit: usize,
    ) -> Result<ChangesPage, StoreError> {
        let limit = limit.clamp(1, 100);
        let cache = self.cache.as_deref();
        if cache.and_then(|c| c.quiet_since.get(&c.clock, location_id)).is_some_and(|quiet| *after >= quiet) {
            return Ok(ChangesPage { entries: Vec::new(), last: None, more: false });
        }
        let reading = cache.map(|c| c.clock.start_read());
        let sql = format!(
            "RETURN {{ until: time::now() - $settle, rows: (SELECT {ENTRY_FIELDS} FROM thread
                 WHERE location = $location AND {} ORDER BY updated_at, id LIMIT $limit) }}",
            after_condition("updated_at")
        );
        let changes: Option<ChangesRecord> = self
            .db
            .read(sql)
            .bind(("location", location_id.record()))
            .bind(("at", after.at))
            .bind(("after", ThreadId::new(after.id.clone()).record()))
            .bind(("settle", settle))
            .bind(("limit", limit as i64 + 1))
            .await?
            .take(0)?;
        let ChangesRecord { until, rows } = changes.ok_or(StoreError::NotFound)?;
        if let (Some(cache), Some(reading), true) = (cache, reading, rows.is_empty()) {
            let stamp = cache.clock.finish_read(reading, &[Scope::Location(location_id)]);
            cache.quiet_since.keep(location_id, stamp, after.clone());
        }
        let entries: Vec<InboxEntry> = rows.into_iter().take_while(|r| r.thread.updated_at <= until).collect();
        let (entries, next) =
            cut(entries, limit, |e| Position { at: e.thread.updated_at, id: e.thread.id.to_string() });
        let last = entries.last().map(|e| Position { at: e.thread.updated_at, id: e.thread.id.to_string() });
        Ok(ChangesPage { entries, last, more: next.is_some() })
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
    use chrono::Duration;

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

    const SETTLED: std::time::Duration = std::time::Duration::ZERO;

    #[tokio::test]
    async fn changes_after_a_position() {
        let (store, location) = demo().await;
        let start = Position::start(Utc::now());
        let none = store.inbox_changes(&location, &start, SETTLED, 100).await.unwrap();
        assert_eq!(none, ChangesPage { entries: Vec::new(), last: None, more: false });
        let ben = store
            .inbox_page(&location, &InboxQuery { search: Some("okafor".into()), ..Default::default() }, None, 1)
            .await
            .unwrap()
            .0;
        let marked = store.mark_unread(&ben[0].thread.id, SenderType::Operator, Utc::now()).await.unwrap();
        let changed = store.inbox_changes(&location, &start, SETTLED, 100).await.unwrap();
        assert_eq!(names(&changed.entries), ["Ben Okafor"]);
        assert_eq!(changed.entries[0].thread.unread_for_operator, 1);
        assert_eq!(changed.last, Some(Position { at: marked.updated_at, id: marked.id.to_string() }));
        assert!(!changed.more);
        // After the last change returned: nothing, and from memory too.
        let after = changed.last.unwrap();
        assert!(store.inbox_changes(&location, &after, SETTLED, 100).await.unwrap().entries.is_empty());
        assert!(store.inbox_changes(&location, &after, SETTLED, 100).await.unwrap().entries.is_empty());
        assert_eq!(store.inbox_entry(&ben[0].thread.id).await.unwrap().customer.full_name(), "Ben Okafor");
    }

    #[tokio::test]
    async fn a_change_younger_than_the_settling_time_waits_for_the_next_poll() {
        let (store, location) = demo().await;
        let start = Position::start(Utc::now());
        let ben = store.portal_access("demo-portal-ben-okafor-kayak").await.unwrap().unwrap().booking.id;
        store.mark_unread(&ThreadId::of(&ben), SenderType::Operator, Utc::now()).await.unwrap();
        let held = store.inbox_changes(&location, &start, std::time::Duration::from_secs(3600), 100).await.unwrap();
        assert_eq!(held, ChangesPage { entries: Vec::new(), last: None, more: false }, "not settled yet");
        let settled = store.inbox_changes(&location, &start, SETTLED, 100).await.unwrap();
        assert_eq!(names(&settled.entries), ["Ben Okafor"], "the held change is not lost");
    }

    /// More changes than a page between two polls: every one arrives, once, in order, and the
    /// position handed back is the last change's, not the server's clock.
    #[tokio::test]
    async fn five_hundred_changes_between_two_polls_all_arrive_in_pages() {
        let store = Store::open_in_memory().await.unwrap();
        let location = store.create_location("Busy", "UTC").await.unwrap().id;
        store.generate_threads(&location, 0..500, Utc::now()).await.unwrap();
        let first_poll = Position::start(Utc::now());
        assert!(store.inbox_changes(&location, &first_poll, SETTLED, 100).await.unwrap().entries.is_empty());
        let mut changed = Vec::new();
        for n in 0..500 {
            changed.push(
                store
                    .mark_read(&ThreadId::new(crate::store::bulk::generated_key(n)), SenderType::Operator, Utc::now())
                    .await
                    .unwrap(),
            );
        }
        changed.sort_by(|a, b| (a.updated_at, &a.id).cmp(&(b.updated_at, &b.id)));

        let (mut seen, mut position, mut pages) = (Vec::new(), first_poll, 0);
        loop {
            let page = store.inbox_changes(&location, &position, SETTLED, 100).await.unwrap();
            pages += 1;
            assert!(page.entries.len() <= 100);
            seen.extend(page.entries.iter().map(|e| e.thread.id.clone()));
            let last = page.entries.last().map(|e| Position { at: e.thread.updated_at, id: e.thread.id.to_string() });
            assert_eq!(page.last, last, "the position of the last change returned");
            if let Some(last) = page.last {
                position = last;
            }
            if !page.more {
                break;
            }
        }
        assert_eq!(seen, changed.iter().map(|t| t.id.clone()).collect::<Vec<_>>(), "each change once, in order");
        assert_eq!(pages, 5);
        let last = changed.last().unwrap();
        assert_eq!(position, Position { at: last.updated_at, id: last.id.to_string() });
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
