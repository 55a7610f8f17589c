//! Threads: a booking's one conversation, with its inbox summary and both sides' read state.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::changes::Scope;
use super::error::{is_duplicate_in, is_existing_record};
use super::ids::Record;
use super::retry::retrying;
use super::{Store, StoreError};
use crate::ids::{BookingId, LocationId, ThreadId};
use crate::model::SenderType;

/// A booking's one conversation; its key is its booking's, so a booking can only ever have one.
#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct ThreadRecord {
    pub id: ThreadId,
    #[surreal(rename = "booking")]
    pub booking_id: BookingId,
    #[surreal(rename = "location")]
    pub location_id: LocationId,
    pub created_at: DateTime<Utc>,
    /// Moves on every write of the thread, by the database's clock (the REST API's sync).
    pub updated_at: DateTime<Utc>,
    /// Its place in its location's changes, for the inbox's poll (migration 015, `Store::inbox_changes`).
    pub change_seq: i64,
    /// The newest message's time, or `created_at` while there is none: the inbox order.
    pub last_message_at: DateTime<Utc>,
    pub preview: String,
    pub last_sender_type: Option<SenderType>,
    pub last_seq: i64,
    pub last_customer_seq: i64,
    pub last_operator_seq: i64,
    /// Each side has read every message with a seq up to its read seq.
    pub operator_read_seq: i64,
    pub customer_read_seq: i64,
    pub operator_read_at: Option<DateTime<Utc>>,
    pub customer_read_at: Option<DateTime<Utc>>,
    /// Customer messages the team has not read, and team messages the customer has not read.
    pub unread_for_operator: i64,
    pub unread_for_customer: i64,
    /// How many changes to messages already sent (unsends) the thread has had.
    pub edit_seq: i64,
    /// How many staff notes the thread has (`notes.rs`).
    pub last_note_seq: i64,
}

impl Store {
    pub async fn thread(&self, id: &ThreadId) -> Result<ThreadRecord, StoreError> {
        self.thread_of_booking(&id.booking()).await?.ok_or(StoreError::NotFound)
    }

    /// The booking's thread, if it has one.
    pub async fn thread_of_booking(&self, booking_id: &BookingId) -> Result<Option<ThreadRecord>, StoreError> {
        let id = ThreadId::of(booking_id);
        let load = || self.read_thread(&id);
        self.remembered_in(|c| &c.threads, booking_id, Scope::Booking(booking_id), load).await
    }

    /// The thread as the database has it now, for writes that must not act on a kept copy.
    pub(super) async fn read_thread(&self, id: &ThreadId) -> Result<Option<ThreadRecord>, StoreError> {
        let mut response = self.db.read("SELECT * FROM ONLY $id").bind(("id", id.record())).await?;
        Ok(response.take(0)?)
    }

    /// The booking's thread, created (with a `thread.created` event) if it has none yet. Any
    /// number of concurrent calls for one booking end with one thread; `true` for the caller
    /// that created it.
    pub async fn get_or_create_thread(
        &self,
        booking_id: &BookingId,
        at: DateTime<Utc>,
    ) -> Result<(ThreadRecord, bool), StoreError> {
        let booking = self.booking(booking_id).await?;
        let thread_id = ThreadId::of(booking_id);
        retrying(|| async {
            if let Some(thread) = self.read_thread(&thread_id).await? {
                return Ok((thread, false));
            }
            // One block, one transaction: the thread and its outbox event, or neither.
            let sql = "{
                LET $created = CREATE ONLY $thread CONTENT { booking: $booking, location: $location, created_at: $at,
                    last_message_at: $at };
                CREATE event CONTENT { type: 'thread.created', location: $location, thread: $thread, created_at: $at };
                RETURN $created;
            }";
            let changes = [Scope::Booking(booking_id), Scope::Location(&booking.location_id)];
            let created = self
                .write(&changes, sql, |q| {
                    q.bind(("thread", thread_id.record()))
                        .bind(("booking", booking_id.record()))
                        .bind(("location", booking.location_id.record()))
                        .bind(("at", at))
                })
                .await
                .and_then(|mut response| response.take::<Option<ThreadRecord>>(0));
            match created {
                Ok(row) => Ok((row.ok_or(StoreError::NotFound)?, true)),
                // Someone created it first: the next attempt finds it.
                Err(err) if is_existing_record(&err) || is_duplicate_in(&err, "thread_booking") => {
                    Err(StoreError::Conflict)
                }
                Err(err) => Err(err.into()),
            }
        })
        .await
    }

    /// How many of the location's threads have at least one customer message the team has not read:
    /// the count an event keeps on the location (unread_counts.surql), so no thread is counted here.
    pub async fn unread_thread_count(&self, location_id: &LocationId) -> Result<i64, StoreError> {
        let load = || async {
            let mut response = self
                .db
                .read("SELECT VALUE unread_threads FROM ONLY $location")
                .bind(("location", location_id.record()))
                .await?;
            let count: Option<i64> = response.take(0)?;
            Ok(count.unwrap_or(0))
        };
        self.remembered_in(|c| &c.unread_threads, location_id, Scope::Location(location_id), load).await
    }

    /// `side` has read everything in the thread. Writes nothing when that was already so.
    pub async fn mark_read(
        &self,
        thread_id: &ThreadId,
        side: SenderType,
        at: DateTime<Utc>,
    ) -> Result<ThreadRecord, StoreError> {
        let sql = match side {
            SenderType::Operator => {
                "UPDATE ONLY $thread SET operator_read_seq = last_seq, unread_for_operator = 0, operator_read_at = $at
                 WHERE operator_read_seq < last_seq OR unread_for_operator != 0"
            }
            SenderType::Customer => {
                "UPDATE ONLY $thread SET customer_read_seq = last_seq, unread_for_customer = 0, customer_read_at = $at
                 WHERE customer_read_seq < last_seq OR unread_for_customer != 0"
            }
        };
        self.update_thread(thread_id, sql, at).await
    }

    /// `side` wants the other side's latest message shown as unread again: the read seq moves back
    /// to just before it, so exactly that message counts as unread.
    pub async fn mark_unread(
        &self,
        thread_id: &ThreadId,
        side: SenderType,
        at: DateTime<Utc>,
    ) -> Result<ThreadRecord, StoreError> {
        let sql = match side {
            SenderType::Operator => {
                "UPDATE ONLY $thread SET operator_read_seq = last_customer_seq - 1, unread_for_operator = 1
                 WHERE last_customer_seq > 0"
            }
            SenderType::Customer => {
                "UPDATE ONLY $thread SET customer_read_seq = last_operator_seq - 1, unread_for_customer = 1
                 WHERE last_operator_seq > 0"
            }
        };
        self.update_thread(thread_id, sql, at).await
    }

    /// Runs a read-state `update` (which may write nothing) and answers the thread as it is then, in
    /// one block; retried when it collides with a concurrent message.
    async fn update_thread(
        &self,
        thread_id: &ThreadId,
        update: &'static str,
        at: DateTime<Utc>,
    ) -> Result<ThreadRecord, StoreError> {
        // A thread stays at its location: the kept copy says which.
        let location_id = self.thread(thread_id).await?.location_id;
        let sql = format!("{{ {update}; RETURN SELECT * FROM ONLY $thread; }}");
        retrying(|| async {
            let changes = [Scope::Booking(thread_id), Scope::Location(&location_id)];
            let row: Option<ThreadRecord> = self
                .write(&changes, sql.as_str(), |q| q.bind(("thread", thread_id.record())).bind(("at", at)))
                .await?
                .take(0)?;
            row.ok_or(StoreError::NotFound)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, Utc};
    use tokio::task::JoinSet;

    use super::*;
    use crate::store::bookings::tests::{another_booking, booking_fixture};
    use crate::store::messages::NewMessage;
    use crate::store::test_support::{backends, thread_fixture};

    async fn say(store: &Store, thread_id: &ThreadId, side: SenderType, client_id: &str) {
        store
            .append_message(NewMessage {
                thread_id,
                sender_type: side,
                staff_id: None,
                sender_name: "someone",
                body: "hello",
                client_id,
                files: &[],
                at: Utc::now(),
            })
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_booking_gets_one_thread() {
        let store = Store::open_in_memory().await.unwrap();
        let (location, _, booking) = booking_fixture(&store, "ONE001-0001").await;
        assert!(store.thread_of_booking(&booking.id).await.unwrap().is_none());
        let (thread, created) = store.get_or_create_thread(&booking.id, Utc::now()).await.unwrap();
        assert!(created);
        assert_eq!((&thread.booking_id, &thread.location_id), (&booking.id, &location.id));
        assert_eq!((thread.last_seq, thread.unread_for_operator, thread.preview.as_str()), (0, 0, ""));
        let (again, created) = store.get_or_create_thread(&booking.id, Utc::now()).await.unwrap();
        assert!(!created);
        assert_eq!(again, thread);
        assert!(matches!(
            store.get_or_create_thread(&BookingId::new("nope"), Utc::now()).await,
            Err(StoreError::NotFound)
        ));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_get_or_create_ends_with_exactly_one_thread() {
        for (backend, store, _dir) in backends().await {
            let (_, _, booking) = booking_fixture(&store, "RACE01-0001").await;
            let mut callers = JoinSet::new();
            for _ in 0..20 {
                let (store, booking_id) = (store.clone(), booking.id.clone());
                callers.spawn(async move { store.get_or_create_thread(&booking_id, Utc::now()).await });
            }
            let mut created = 0;
            let mut ids = std::collections::HashSet::new();
            while let Some(result) = callers.join_next().await {
                let (thread, was_created) = result.unwrap().unwrap_or_else(|e| panic!("{backend}: {e}"));
                created += usize::from(was_created);
                ids.insert(thread.id);
            }
            assert_eq!((created, ids.len()), (1, 1), "{backend}");
            let mut r = store
                .db
                .read("SELECT VALUE id FROM thread; SELECT VALUE id FROM event WHERE type = 'thread.created'")
                .await
                .unwrap();
            assert_eq!(r.take::<Vec<ThreadId>>(0).unwrap().len(), 1, "{backend}: one thread row");
            assert_eq!(r.take::<Vec<crate::ids::EventId>>(1).unwrap().len(), 1, "{backend}: one thread.created event");
        }
    }

    #[tokio::test]
    async fn read_and_unread_for_both_sides() {
        for (backend, store, _dir) in backends().await {
            let (_, thread) = thread_fixture(&store, "RDS001-0001").await;
            let id = &thread.id;
            say(&store, id, SenderType::Customer, "c1").await;
            say(&store, id, SenderType::Customer, "c2").await;
            say(&store, id, SenderType::Operator, "o1").await;
            say(&store, id, SenderType::Customer, "c3").await;
            let t = store.thread(id).await.unwrap();
            // The operator reply marked c1, c2 read for the team; only c3 is unread.
            assert_eq!((t.unread_for_operator, t.unread_for_customer), (1, 0), "{backend}");
            assert_eq!(store.unread_thread_count(&t.location_id).await.unwrap(), 1);

            let t = store.mark_read(id, SenderType::Operator, Utc::now()).await.unwrap();
            assert_eq!((t.operator_read_seq, t.unread_for_operator), (4, 0), "{backend}");
            assert!(t.operator_read_at.is_some());
            assert_eq!(store.unread_thread_count(&t.location_id).await.unwrap(), 0);

            // Reading again writes nothing: updated_at stays.
            let again = store.mark_read(id, SenderType::Operator, Utc::now() + Duration::seconds(5)).await.unwrap();
            assert_eq!(again.updated_at, t.updated_at, "{backend}");

            let t = store.mark_unread(id, SenderType::Operator, Utc::now()).await.unwrap();
            assert_eq!(
                (t.operator_read_seq, t.unread_for_operator),
                (3, 1),
                "{backend}: unread from the last customer message"
            );
            assert_eq!(store.unread_thread_count(&t.location_id).await.unwrap(), 1);

            // The customer side: o1 was read when c3 was sent; marking unread brings it back.
            let t = store.mark_unread(id, SenderType::Customer, Utc::now()).await.unwrap();
            assert_eq!((t.customer_read_seq, t.unread_for_customer), (2, 1), "{backend}");
            let t = store.mark_read(id, SenderType::Customer, Utc::now()).await.unwrap();
            assert_eq!((t.customer_read_seq, t.unread_for_customer), (4, 0), "{backend}");
        }
    }

    #[tokio::test]
    async fn mark_unread_without_messages_from_the_other_side_changes_nothing() {
        let store = Store::open_in_memory().await.unwrap();
        let (_, thread) = thread_fixture(&store, "NOU001-0001").await;
        say(&store, &thread.id, SenderType::Operator, "o1").await;
        let t = store.mark_unread(&thread.id, SenderType::Operator, Utc::now()).await.unwrap();
        assert_eq!((t.unread_for_operator, t.operator_read_seq), (0, 1));
        assert!(matches!(
            store.mark_read(&ThreadId::new("nope"), SenderType::Operator, Utc::now()).await,
            Err(StoreError::NotFound)
        ));
    }

    /// `count` threads at one new location.
    async fn threads_at_one_location(store: &Store, count: usize) -> (LocationId, Vec<ThreadId>) {
        let (location, customer, _) = booking_fixture(store, "CNT000-0000").await;
        let mut threads = Vec::new();
        for n in 0..count {
            let booking = another_booking(store, &location, &customer, &format!("CNT{n:03}-0001")).await;
            threads.push(store.get_or_create_thread(&booking.id, Utc::now()).await.unwrap().0.id);
        }
        (location.id, threads)
    }

    /// The unread count by counting threads, as it was before the location kept it.
    async fn counted(store: &Store, location_id: &LocationId) -> i64 {
        let mut response = store
            .db
            .read(
                "RETURN array::len(SELECT VALUE id FROM thread WHERE location = $location AND unread_for_operator > 0)",
            )
            .bind(("location", location_id.record()))
            .await
            .unwrap();
        response.take::<Option<i64>>(0).unwrap().unwrap_or(0)
    }

    #[tokio::test]
    async fn the_kept_unread_count_follows_every_kind_of_change() {
        let store = Store::open_in_memory().await.unwrap();
        let (location, t) = threads_at_one_location(&store, 3).await;
        let (_, elsewhere) = thread_fixture(&store, "ELS001-0001").await;
        let unread = || async { store.unread_thread_count(&location).await.unwrap() };
        assert_eq!(unread().await, 0, "new threads");
        say(&store, &t[0], SenderType::Customer, "c1").await;
        assert_eq!(unread().await, 1, "a customer writes");
        say(&store, &t[1], SenderType::Customer, "c2").await;
        say(&store, &t[1], SenderType::Customer, "c3").await;
        assert_eq!(unread().await, 2, "a second message in an unread thread counts once");
        say(&store, &elsewhere.id, SenderType::Customer, "c4").await;
        assert_eq!(unread().await, 2, "another location's thread");
        say(&store, &t[0], SenderType::Operator, "o1").await;
        assert_eq!(unread().await, 1, "the team replies");
        store.mark_unread(&t[0], SenderType::Operator, Utc::now()).await.unwrap();
        assert_eq!(unread().await, 2, "the team marks it unread");
        store.mark_read(&t[1], SenderType::Customer, Utc::now()).await.unwrap();
        assert_eq!(unread().await, 2, "the customer's reading changes nothing for the team");
        store.mark_read(&t[1], SenderType::Operator, Utc::now()).await.unwrap();
        store.mark_read(&t[0], SenderType::Operator, Utc::now()).await.unwrap();
        assert_eq!(unread().await, 0, "the team reads both");
        assert_eq!(counted(&store, &location).await, 0);
        assert_eq!(store.unread_thread_count(&elsewhere.location_id).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn the_kept_unread_count_matches_a_count_after_each_step() {
        let store = Store::open_in_memory().await.unwrap();
        let (location, t) = threads_at_one_location(&store, 3).await;
        let steps: [(usize, Option<SenderType>); 8] = [
            (0, Some(SenderType::Customer)),
            (2, Some(SenderType::Customer)),
            (0, None),
            (2, Some(SenderType::Operator)),
            (1, Some(SenderType::Customer)),
            (1, Some(SenderType::Customer)),
            (0, Some(SenderType::Customer)),
            (1, None),
        ];
        for (i, (thread, step)) in steps.into_iter().enumerate() {
            match step {
                Some(side) => say(&store, &t[thread], side, &format!("m{i}")).await,
                None => {
                    store.mark_read(&t[thread], SenderType::Operator, Utc::now()).await.unwrap();
                }
            }
            assert_eq!(
                store.unread_thread_count(&location).await.unwrap(),
                counted(&store, &location).await,
                "after step {i}"
            );
        }
        assert_eq!(counted(&store, &location).await, 1, "only thread 0 is left unread");
    }

    /// Threads of one location that turn unread at the same moment all write the location's
    /// count; the conflicts are retried and none is lost.
    #[tokio::test]
    async fn concurrent_changes_keep_the_unread_count_exact() {
        for (backend, store, _dir) in backends().await {
            let (location, threads) = threads_at_one_location(&store, 16).await;
            let mut tasks = JoinSet::new();
            for (n, thread) in threads.iter().cloned().enumerate() {
                let store = store.clone();
                tasks.spawn(async move { say(&store, &thread, SenderType::Customer, &format!("c{n}")).await });
            }
            tasks.join_all().await;
            assert_eq!(store.unread_thread_count(&location).await.unwrap(), 16, "{backend}");
            let mut tasks = JoinSet::new();
            for thread in threads.clone() {
                let store = store.clone();
                tasks.spawn(async move { store.mark_read(&thread, SenderType::Operator, Utc::now()).await.unwrap() });
            }
            tasks.join_all().await;
            assert_eq!(store.unread_thread_count(&location).await.unwrap(), 0, "{backend}");
            assert_eq!(counted(&store, &location).await, 0, "{backend}");
        }
    }
}
