//! What integrators read in order (the REST API's list endpoints): a location's threads by last
//! change and its messages by creation, each after a keyset cursor, optionally since a time.

use chrono::{DateTime, Utc};
use surrealdb::types::RecordId;

use super::ids::record;
use super::messages::Message;
use super::threads::{InboxCursor, Thread};
use super::{Store, StoreError};

/// Where the next page starts: after the row with this time and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncCursor {
    pub at: DateTime<Utc>,
    pub id: String,
}

impl SyncCursor {
    /// The same compact form as the inbox's cursor: "<nanoseconds>.<id>".
    pub fn encode(&self) -> String {
        InboxCursor { last_message_at: self.at, thread_id: self.id.clone() }.encode()
    }

    pub fn decode(s: &str) -> Option<Self> {
        InboxCursor::decode(s).map(|c| SyncCursor { at: c.last_message_at, id: c.thread_id })
    }
}

impl Store {
    /// The location's threads changed at or after `since`, oldest change first, after `after`.
    pub async fn threads_changed(
        &self,
        location_id: &str,
        since: Option<DateTime<Utc>>,
        after: Option<&SyncCursor>,
        limit: usize,
    ) -> Result<(Vec<Thread>, Option<SyncCursor>), StoreError> {
        let rows: Vec<super::threads::ThreadRow> = self
            .db
            .query(keyset_sql("thread", "updated_at", "location = $location", after.is_some()))
            .bind(("location", record("location", location_id)))
            .bind(("since", since.unwrap_or(DateTime::UNIX_EPOCH)))
            .bind(("at", after.map(|c| c.at)))
            .bind(("after", after.map(|c| record("thread", &c.id))))
            .bind(("limit", limit.clamp(1, 100) as i64 + 1))
            .await?
            .take(0)?;
        let threads: Vec<Thread> = rows.into_iter().map(Thread::from).collect();
        Ok(page(threads, limit, |t| SyncCursor { at: t.updated_at, id: t.id.clone() }))
    }

    /// The location's messages created at or after `since`, oldest first, after `after`.
    pub async fn messages_changed(
        &self,
        location_id: &str,
        since: Option<DateTime<Utc>>,
        after: Option<&SyncCursor>,
        limit: usize,
    ) -> Result<(Vec<Message>, Option<SyncCursor>), StoreError> {
        let messages: Vec<Message> = self
            .messages_query(
                keyset_sql("message", "created_at", "thread.location = $location", after.is_some()),
                location_id,
                since,
                after,
                limit,
            )
            .await?;
        Ok(page(messages, limit, |m| SyncCursor { at: m.created_at, id: m.id.clone() }))
    }

    async fn messages_query(
        &self,
        sql: String,
        location_id: &str,
        since: Option<DateTime<Utc>>,
        after: Option<&SyncCursor>,
        limit: usize,
    ) -> Result<Vec<Message>, StoreError> {
        let after_id: Option<RecordId> = after.map(|c| record("message", &c.id));
        self.db
            .query(sql)
            .bind(("location", record("location", location_id)))
            .bind(("since", since.unwrap_or(DateTime::UNIX_EPOCH)))
            .bind(("at", after.map(|c| c.at)))
            .bind(("after", after_id))
            .bind(("limit", limit.clamp(1, 100) as i64 + 1))
            .await?
            .take::<Vec<super::messages::MessageRow>>(0)?
            .into_iter()
            .map(Message::try_from)
            .collect()
    }
}

/// `SELECT * FROM table WHERE scope AND time >= $since [AND after the cursor] ORDER BY time, id`.
fn keyset_sql(table: &str, time: &str, scope: &str, with_cursor: bool) -> String {
    let keyset =
        if with_cursor { format!("AND ({time} > $at OR ({time} = $at AND id > $after))") } else { String::new() };
    format!("SELECT * FROM {table} WHERE {scope} AND {time} >= $since {keyset} ORDER BY {time}, id LIMIT $limit")
}

/// Cuts a `limit + 1` result to `limit`, with the cursor of the last row kept if there is more.
fn page<T>(mut rows: Vec<T>, limit: usize, cursor: impl Fn(&T) -> SyncCursor) -> (Vec<T>, Option<SyncCursor>) {
    let limit = limit.clamp(1, 100);
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(cursor);
        (rows, next)
    } else {
        (rows, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::seed::{seed_demo, DEMO_PORTAL_TOKEN};

    #[tokio::test]
    async fn pages_of_threads_and_messages_cover_everything_once() {
        let store = Store::open_in_memory().await.unwrap();
        seed_demo(&store).await.unwrap();
        let location = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap().location.id;

        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let (messages, next) = store.messages_changed(&location, None, cursor.as_ref(), 4).await.unwrap();
            seen.extend(messages.iter().map(|m| (m.created_at, m.id.clone())));
            match next {
                Some(c) => cursor = Some(SyncCursor::decode(&c.encode()).unwrap()),
                None => break,
            }
        }
        assert_eq!(seen.len(), 11, "the kayak location's eleven demo messages");
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "in order, each once");

        let (threads, next) = store.threads_changed(&location, None, None, 100).await.unwrap();
        assert_eq!((threads.len(), next), (3, None));
        let latest = threads.last().unwrap().updated_at;
        let (recent, _) = store.threads_changed(&location, Some(latest), None, 100).await.unwrap();
        assert_eq!(recent.len(), 1, "updated_since");
        let other = store.create_location("Elsewhere", "UTC").await.unwrap();
        assert!(store.messages_changed(&other.id, None, None, 100).await.unwrap().0.is_empty());
    }
}
