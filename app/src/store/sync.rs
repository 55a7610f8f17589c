//! What integrators read in order (the REST API's list endpoints): a location's threads by last
//! change and its messages by creation, each after a keyset cursor, optionally since a time.

use chrono::{DateTime, Utc};
use surrealdb::types::RecordId;

use super::ids::{record, Record};
use super::keyset::{after_condition, cut, Position};
use super::messages::MessageRecord;
use super::threads::ThreadRecord;
use super::{Store, StoreError};
use crate::ids::LocationId;

impl Store {
    /// The location's threads changed at or after `since`, oldest change first, after `after`.
    pub async fn threads_changed(
        &self,
        location_id: &LocationId,
        since: Option<DateTime<Utc>>,
        after: Option<&Position>,
        limit: usize,
    ) -> Result<(Vec<ThreadRecord>, Option<Position>), StoreError> {
        let limit = limit.clamp(1, 100);
        let threads: Vec<ThreadRecord> =
            self.keyset_query("thread", "updated_at", "location = $location", location_id, since, after, limit).await?;
        Ok(cut(threads, limit, |t| Position { at: t.updated_at, id: t.id.to_string() }))
    }

    /// The location's messages created at or after `since`, oldest first, after `after`.
    pub async fn messages_changed(
        &self,
        location_id: &LocationId,
        since: Option<DateTime<Utc>>,
        after: Option<&Position>,
        limit: usize,
    ) -> Result<(Vec<MessageRecord>, Option<Position>), StoreError> {
        let limit = limit.clamp(1, 100);
        let messages: Vec<MessageRecord> = self
            .keyset_query("message", "created_at", "thread.location = $location", location_id, since, after, limit)
            .await?;
        Ok(cut(messages, limit, |m| Position { at: m.created_at, id: m.id.to_string() }))
    }

    /// `SELECT * FROM table WHERE scope AND time >= since [AND after the position] ORDER BY time, id`,
    /// one more than `limit`.
    #[allow(clippy::too_many_arguments)]
    async fn keyset_query<T: surrealdb::types::SurrealValue>(
        &self,
        table: &str,
        time: &str,
        scope: &str,
        location_id: &LocationId,
        since: Option<DateTime<Utc>>,
        after: Option<&Position>,
        limit: usize,
    ) -> Result<Vec<T>, StoreError> {
        let keyset = after.map(|_| format!("AND {}", after_condition(time))).unwrap_or_default();
        let sql = format!(
            "SELECT * FROM {table} WHERE {scope} AND {time} >= $since {keyset} ORDER BY {time}, id LIMIT $limit"
        );
        let after_id: Option<RecordId> = after.map(|p| record(table, &p.id));
        Ok(self
            .db
            .read(sql)
            .bind(("location", location_id.record()))
            .bind(("since", since.unwrap_or(DateTime::UNIX_EPOCH)))
            .bind(("at", after.map(|p| p.at)))
            .bind(("after", after_id))
            .bind(("limit", limit as i64 + 1))
            .await?
            .take(0)?)
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
                Some(c) => cursor = Some(Position::decode(&c.encode()).unwrap()),
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
