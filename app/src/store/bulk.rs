//! Generated data for `make bench`: many bookings, each with a thread and a first customer
//! message, and long threads. Written as batched INSERTs, one transaction per batch, because one
//! request per record would take longer than the benchmark itself.

use std::ops::Range;

use chrono::{DateTime, Duration, Utc};
use surrealdb::types::SurrealValue;

use super::changes::Scope;
use super::ids::Record;
use super::{Store, StoreError};
use crate::ids::{BookingId, CustomerId, LocationId, ThreadId};
use crate::model::{BookingStatus, SenderType};
use crate::text::preview;

/// Records per transaction: large enough to amortise a commit's fsync, small enough to keep a
/// transaction's memory modest.
pub const BATCH: usize = 1000;

/// The key of the n-th generated booking (and of its customer and thread).
pub fn generated_key(n: usize) -> String {
    format!("gen{n:07}")
}

#[derive(SurrealValue)]
struct GeneratedCustomerRecord {
    id: CustomerId,
    first_name: String,
    last_name: String,
}

#[derive(SurrealValue)]
struct GeneratedBookingRecord {
    id: BookingId,
    location: LocationId,
    customer: CustomerId,
    confirmation_code: String,
    activity: String,
    starts_at: DateTime<Utc>,
    duration_minutes: i64,
    party_size: i64,
    status: BookingStatus,
    created_at: DateTime<Utc>,
}

/// A thread whose one message, from the customer, the team has not read yet.
#[derive(SurrealValue)]
struct GeneratedThreadRecord {
    id: ThreadId,
    booking: BookingId,
    location: LocationId,
    created_at: DateTime<Utc>,
    last_message_at: DateTime<Utc>,
    preview: String,
    last_sender_type: SenderType,
    last_seq: i64,
    last_customer_seq: i64,
    customer_read_seq: i64,
    customer_read_at: DateTime<Utc>,
    unread_for_operator: i64,
}

#[derive(SurrealValue)]
struct GeneratedMessageRecord {
    thread: ThreadId,
    seq: i64,
    sender_type: SenderType,
    sender_name: String,
    body: String,
    client_id: String,
    created_at: DateTime<Utc>,
}

const FIRST_NAMES: [&str; 8] = ["Alex", "Sam", "Noor", "Kai", "Lena", "Tomas", "Yuki", "Priya"];
const LAST_NAMES: [&str; 8] = ["Berg", "Costa", "Dubois", "Eze", "Fischer", "Garcia", "Haddad", "Ito"];
const ACTIVITIES: [&str; 4] = ["Sunset Kayak", "Whale Watch", "Harbour Paddle", "Island Picnic"];

impl Store {
    /// Generates bookings `range` at a location, each with a customer, a thread and one unread
    /// customer message; the n-th is `generated_key(n)`. Their messages are spread over the
    /// minutes before `now`, newest last, so real conversations written after `now` sort first.
    pub async fn generate_threads(
        &self,
        location_id: &LocationId,
        range: Range<usize>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.generate_threads_in_batches(location_id, range, now, BATCH).await
    }

    /// `generate_threads`, `batch` threads per transaction (tests cross batch edges with few threads).
    async fn generate_threads_in_batches(
        &self,
        location_id: &LocationId,
        range: Range<usize>,
        now: DateTime<Utc>,
        batch: usize,
    ) -> Result<(), StoreError> {
        let mut start = range.start;
        while start < range.end {
            let end = (start + batch).min(range.end);
            let (mut customers, mut bookings, mut threads, mut messages) = (vec![], vec![], vec![], vec![]);
            for n in start..end {
                let key = generated_key(n);
                let at = now - Duration::seconds((range.end - n) as i64);
                let (first, last) = (FIRST_NAMES[n % 8], LAST_NAMES[(n / 8) % 8]);
                let body = format!("Hello, question {n} about my booking: can we bring a friend?");
                customers.push(GeneratedCustomerRecord {
                    id: CustomerId::new(&key),
                    first_name: first.into(),
                    last_name: last.into(),
                });
                bookings.push(GeneratedBookingRecord {
                    id: BookingId::new(&key),
                    location: location_id.clone(),
                    customer: CustomerId::new(&key),
                    confirmation_code: format!("GEN-{n:07}"),
                    activity: ACTIVITIES[n % 4].into(),
                    starts_at: now + Duration::days((n % 60) as i64),
                    duration_minutes: 90,
                    party_size: 2,
                    status: BookingStatus::Confirmed,
                    created_at: at,
                });
                threads.push(GeneratedThreadRecord {
                    id: ThreadId::new(&key),
                    booking: BookingId::new(&key),
                    location: location_id.clone(),
                    created_at: at,
                    last_message_at: at,
                    preview: preview(&body),
                    last_sender_type: SenderType::Customer,
                    last_seq: 1,
                    last_customer_seq: 1,
                    customer_read_seq: 1,
                    customer_read_at: at,
                    unread_for_operator: 1,
                });
                messages.push(GeneratedMessageRecord {
                    thread: ThreadId::new(&key),
                    seq: 1,
                    sender_type: SenderType::Customer,
                    sender_name: format!("{first} {last}"),
                    body,
                    client_id: format!("{key}-1"),
                    created_at: at,
                });
            }
            self.with_query_timeout(super::LONG_QUERY_TIMEOUT)
                .write(
                    &[Scope::Anything],
                    "BEGIN TRANSACTION;
                     INSERT INTO customer $customers RETURN NONE;
                     INSERT INTO booking $bookings RETURN NONE;
                     INSERT INTO thread $threads RETURN NONE;
                     INSERT INTO message $messages RETURN NONE;
                     COMMIT TRANSACTION;",
                    |q| {
                        q.bind(("customers", customers))
                            .bind(("bookings", bookings))
                            .bind(("threads", threads))
                            .bind(("messages", messages))
                    },
                )
                .await?
                .check()?;
            start = end;
        }
        Ok(())
    }

    /// Appends `count` messages to a thread, alternating customer and team, all read by both
    /// sides, with the thread's summary moved as `append_message` would. Seqs stay gapless.
    pub async fn generate_messages(
        &self,
        thread_id: &ThreadId,
        count: usize,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let thread = self.thread(thread_id).await?;
        let first_seq = thread.last_seq + 1;
        let last_seq = thread.last_seq + count as i64;
        let mut seq = first_seq;
        while seq <= last_seq {
            let end = (seq + BATCH as i64 - 1).min(last_seq);
            let messages: Vec<GeneratedMessageRecord> = (seq..=end)
                .map(|s| {
                    let sender = if s % 2 == 0 { SenderType::Operator } else { SenderType::Customer };
                    GeneratedMessageRecord {
                        thread: thread_id.clone(),
                        seq: s,
                        sender_type: sender,
                        sender_name: if sender == SenderType::Operator { "Support".into() } else { "Customer".into() },
                        body: format!("Generated message {s}."),
                        client_id: format!("{thread_id}-{s}"),
                        created_at: now - Duration::milliseconds(last_seq - s),
                    }
                })
                .collect();
            self.with_query_timeout(super::LONG_QUERY_TIMEOUT)
                .write(
                    &[Scope::Anything],
                    "BEGIN TRANSACTION;
                     INSERT INTO message $messages RETURN NONE;
                     UPDATE ONLY $thread SET last_seq = $seq, last_customer_seq = $seq, last_operator_seq = $seq,
                         operator_read_seq = $seq, customer_read_seq = $seq, unread_for_operator = 0,
                         unread_for_customer = 0, preview = $preview, last_message_at = $at
                         RETURN NONE;
                     COMMIT TRANSACTION;",
                    |q| {
                        q.bind(("messages", messages))
                            .bind(("thread", thread_id.record()))
                            .bind(("seq", end))
                            .bind(("preview", format!("Generated message {end}.")))
                            .bind(("at", now))
                    },
                )
                .await?
                .check()?;
            seq = end + 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::inbox::InboxQuery;
    use crate::store::test_support::backends;

    #[tokio::test]
    async fn generated_threads_are_whole_conversations_on_each_backend() {
        for (backend, store, _dir) in backends().await {
            let location = store.create_location("Bulk", "UTC").await.unwrap();
            let now = Utc::now();
            // Two batches and a bit, so batch edges are crossed.
            const BATCH: usize = 40;
            store.generate_threads_in_batches(&location.id, 0..BATCH * 2 + 5, now, BATCH).await.unwrap();
            let (page, next) = store.inbox_page(&location.id, &InboxQuery::default(), None, 10).await.unwrap();
            assert_eq!(page.len(), 10, "{backend}");
            assert!(next.is_some(), "{backend}");
            assert_eq!(page[0].thread.id, ThreadId::new(generated_key(BATCH * 2 + 4)), "{backend}: newest last");
            assert_eq!(page[0].thread.unread_for_operator, 1, "{backend}");
            assert_eq!(page[0].booking.confirmation_code, format!("GEN-{:07}", BATCH * 2 + 4), "{backend}");
            assert_eq!(store.unread_thread_count(&location.id).await.unwrap(), (BATCH * 2 + 5) as i64, "{backend}");
            let messages = store.messages_after(&ThreadId::new(generated_key(7)), 0, 10).await.unwrap();
            assert_eq!(messages.len(), 1, "{backend}");
            assert_eq!(messages[0].sender_name, "Priya Berg", "{backend}");
        }
    }

    #[tokio::test]
    async fn generated_messages_keep_seqs_gapless_and_appends_continue_after_them() {
        let store = Store::open_in_memory().await.unwrap();
        let location = store.create_location("Bulk", "UTC").await.unwrap();
        store.generate_threads(&location.id, 0..1, Utc::now()).await.unwrap();
        let thread = ThreadId::new(generated_key(0));
        store.generate_messages(&thread, BATCH + 10, Utc::now()).await.unwrap();
        let mut seqs = Vec::new();
        let mut after = 0;
        loop {
            let page = store.messages_after(&thread, after, 1000).await.unwrap();
            let Some(last) = page.last() else { break };
            after = last.seq;
            seqs.extend(page.iter().map(|m| m.seq));
        }
        assert_eq!(seqs, (1..=(BATCH as i64 + 11)).collect::<Vec<_>>());
        let appended = store
            .append_message(crate::store::messages::NewMessage {
                thread_id: &thread,
                sender_type: SenderType::Customer,
                staff_id: None,
                sender_name: "Alex Berg",
                body: "One more",
                client_id: "after-generation",
                files: &[],
                at: Utc::now(),
            })
            .await
            .unwrap();
        assert_eq!(appended.message.seq, BATCH as i64 + 12);
        let t = store.thread(&thread).await.unwrap();
        assert_eq!((t.last_seq, t.unread_for_operator, t.operator_read_seq), (BATCH as i64 + 12, 1, BATCH as i64 + 11));
    }
}
