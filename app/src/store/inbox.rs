//! The dashboard's inbox: a location's threads with their booking and customer, newest message
//! first, filtered and searched, and what changed since a poll's cursor. One query per page:
//! the booking and customer come along through the thread's record links.

use chrono::{DateTime, Utc};
// `Value` is named by the derive's flatten code.
use surrealdb::types::{SurrealValue, Value};

use super::bookings::{Booking, BookingRow, Customer, CustomerRow};
use super::changes::Scope;
use super::ids::record;
use super::threads::{InboxCursor, Thread, ThreadRow};
use super::{Store, StoreError};

/// A thread row of the inbox, with what the row shows about its booking and customer.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxEntry {
    pub thread: Thread,
    pub booking: Booking,
    pub customer: Customer,
}

#[derive(SurrealValue)]
struct InboxRow {
    #[surreal(flatten)]
    thread: ThreadRow,
    booking_row: BookingRow,
    customer_row: CustomerRow,
}

impl TryFrom<InboxRow> for InboxEntry {
    type Error = StoreError;
    fn try_from(row: InboxRow) -> Result<Self, StoreError> {
        Ok(InboxEntry {
            thread: row.thread.into(),
            booking: row.booking_row.try_into()?,
            customer: row.customer_row.into(),
        })
    }
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

impl Store {
    /// A page of the location's inbox, newest message first, after `after`.
    pub async fn inbox_page(
        &self,
        location_id: &str,
        query: &InboxQuery,
        after: Option<&InboxCursor>,
        limit: usize,
    ) -> Result<(Vec<InboxEntry>, Option<InboxCursor>), StoreError> {
        let limit = limit.clamp(1, 100);
        let search = query.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
        let mut conditions = vec!["location = $location"];
        if query.unread_only {
            conditions.push("unread_for_operator > 0");
        }
        if search.is_some() {
            conditions.push(
                "(string::contains(string::lowercase(booking.customer.first_name + ' ' + booking.customer.last_name), $q)
                  OR string::contains(string::lowercase(booking.confirmation_code), $q)
                  OR string::contains(string::lowercase(booking.activity), $q)
                  OR id IN $text_hits)",
            );
        }
        if after.is_some() {
            conditions.push("(inbox_rank > $rank OR (inbox_rank = $rank AND id > $after))");
        }
        // Message text is searched once, up front, not once per thread.
        let text_hits = if search.is_some() {
            "LET $text_hits = array::distinct(SELECT VALUE thread FROM message
                 WHERE thread.location = $location AND string::contains(string::lowercase(body), $q));"
        } else {
            "LET $text_hits = [];"
        };
        let sql = format!(
            "{text_hits}
             SELECT {ENTRY_FIELDS} FROM thread WHERE {} ORDER BY inbox_rank, id LIMIT $limit;",
            conditions.join(" AND ")
        );
        let mut request = self
            .db
            .query(sql)
            .bind(("location", record("location", location_id)))
            .bind(("limit", limit as i64 + 1))
            .bind(("q", search.unwrap_or_default()));
        if let Some(cursor) = after {
            request = request
                .bind(("rank", InboxCursor::rank_of(cursor.last_message_at)))
                .bind(("after", record("thread", &cursor.thread_id)));
        }
        let rows: Vec<InboxRow> = request.await?.take(1)?;
        let mut entries = rows.into_iter().map(InboxEntry::try_from).collect::<Result<Vec<_>, _>>()?;
        let next = if entries.len() > limit {
            entries.truncate(limit);
            entries
                .last()
                .map(|e| InboxCursor { last_message_at: e.thread.last_message_at, thread_id: e.thread.id.clone() })
        } else {
            None
        };
        Ok((entries, next))
    }

    /// The location's threads that changed after `since` (their `updated_at`), oldest change first.
    /// An empty answer is remembered: until the location's next write, no later `since` can
    /// find anything either, so those polls are answered without a query.
    pub async fn inbox_changes(&self, location_id: &str, since: DateTime<Utc>) -> Result<Vec<InboxEntry>, StoreError> {
        let cache = self.cache.as_deref();
        if cache.and_then(|c| c.quiet_since.get(&c.clock, location_id)).is_some_and(|quiet| since >= quiet) {
            return Ok(Vec::new());
        }
        let reading = cache.map(|c| c.clock.start_read());
        let sql = format!(
            "SELECT {ENTRY_FIELDS} FROM thread WHERE location = $location AND updated_at > $since
             ORDER BY updated_at LIMIT 200"
        );
        let rows: Vec<InboxRow> = self
            .db
            .query(sql)
            .bind(("location", record("location", location_id)))
            .bind(("since", since))
            .await?
            .take(0)?;
        if let (Some(cache), Some(reading), true) = (cache, reading, rows.is_empty()) {
            let stamp = cache.clock.finish_read(reading, &[Scope::Location(location_id)]);
            cache.quiet_since.keep(location_id, stamp, since);
        }
        rows.into_iter().map(InboxEntry::try_from).collect()
    }

    /// One thread with its booking and customer.
    pub async fn inbox_entry(&self, thread_id: &str) -> Result<InboxEntry, StoreError> {
        let sql = format!("SELECT {ENTRY_FIELDS} FROM ONLY $thread");
        let row: Option<InboxRow> = self.db.query(sql).bind(("thread", record("thread", thread_id))).await?.take(0)?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::model::SenderType;
    use crate::store::seed::{seed_demo, DEMO_PORTAL_TOKEN};

    async fn demo() -> (Store, String) {
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
    async fn changes_since_a_cursor() {
        let (store, location) = demo().await;
        let since = Utc::now();
        assert!(store.inbox_changes(&location, since).await.unwrap().is_empty());
        let ben = store
            .inbox_page(&location, &InboxQuery { search: Some("okafor".into()), ..Default::default() }, None, 1)
            .await
            .unwrap()
            .0;
        store.mark_unread(&ben[0].thread.id, SenderType::Operator, since + Duration::milliseconds(1)).await.unwrap();
        let changed = store.inbox_changes(&location, since).await.unwrap();
        assert_eq!(names(&changed), ["Ben Okafor"]);
        assert_eq!(changed[0].thread.unread_for_operator, 1);
        assert_eq!(store.inbox_entry(&ben[0].thread.id).await.unwrap().customer.full_name(), "Ben Okafor");
    }
}
