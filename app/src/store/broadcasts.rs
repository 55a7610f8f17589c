//! Broadcasts: one message written to a whole departure, kept with the bookings it goes to. Each
//! booking gets it in its own thread as an ordinary team message (unread counts, emails and
//! webhooks as for any reply) whose client id names the broadcast: the thread's unique client id
//! makes a retried or concurrent delivery store it once, and finds it again for the broadcast's
//! per-booking state.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::changes::Scope;
use super::error::is_duplicate_in;
use super::ids::Record;
use super::messages::NewMessage;
use super::retry::retrying;
use super::{Store, StoreError};
use crate::ids::{BookingId, BroadcastId, LocationId, StaffId, ThreadId};
use crate::model::SenderType;

#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct BroadcastRecord {
    pub id: BroadcastId,
    #[surreal(rename = "location")]
    pub location_id: LocationId,
    #[surreal(rename = "staff")]
    pub staff_id: StaffId,
    pub sender_name: String,
    pub activity: String,
    pub starts_at: DateTime<Utc>,
    /// As written, booking details in braces.
    pub body: String,
    #[surreal(rename = "bookings")]
    pub booking_ids: Vec<BookingId>,
    pub client_id: String,
    pub created_at: DateTime<Utc>,
}

impl BroadcastRecord {
    /// The client id of the message it puts in each booking's thread.
    pub fn message_client_id(&self) -> String {
        format!("broadcast:{}", self.id)
    }
}

/// A broadcast to record. Its bookings are already checked to be the departure's.
pub struct NewBroadcast<'a> {
    pub location_id: &'a LocationId,
    pub staff_id: &'a StaffId,
    pub sender_name: &'a str,
    pub activity: &'a str,
    pub starts_at: DateTime<Utc>,
    pub body: &'a str,
    pub booking_ids: &'a [BookingId],
    /// The sender's idempotency key: the same one again returns the first broadcast.
    pub client_id: &'a str,
    pub at: DateTime<Utc>,
}

/// Where one booking of a broadcast stands.
#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct RecipientRecord {
    #[surreal(rename = "booking")]
    pub booking_id: BookingId,
    /// The broadcast's message in the booking's thread, once delivered.
    pub seq: Option<i64>,
    pub customer_read_seq: i64,
    pub last_customer_seq: i64,
}

impl RecipientRecord {
    pub fn sent(&self) -> bool {
        self.seq.is_some()
    }

    /// The customer has read the thread up to the broadcast's message.
    pub fn seen(&self) -> bool {
        self.seq.is_some_and(|seq| self.customer_read_seq >= seq)
    }

    /// The customer wrote after it.
    pub fn replied(&self) -> bool {
        self.seq.is_some_and(|seq| self.last_customer_seq > seq)
    }
}

/// Each booking's thread (if it has one yet), its read state, and the seq of the broadcast's
/// message in it (if delivered): a point read per thread and one through (thread, client_id).
/// Each thread's message is found through the (thread, client id) index by naming the thread as a
/// closure's parameter: named as `$parent.id` in a subquery, SurrealDB 3.3 scans every message
/// instead (EXPLAIN says TableScan), which took the broadcast page past 10 s at 100,000 threads.
const RECIPIENTS: &str = "
    RETURN array::map($threads, |$t| {
        booking: $t.booking,
        customer_read_seq: $t.customer_read_seq,
        last_customer_seq: $t.last_customer_seq,
        seq: (SELECT VALUE seq FROM message WHERE thread = $t AND client_id = $client_id LIMIT 1)[0]
    })[WHERE booking != NONE]";

impl Store {
    /// Records a broadcast, or returns the one this client id already made at the location.
    pub async fn create_broadcast(&self, new: NewBroadcast<'_>) -> Result<BroadcastRecord, StoreError> {
        retrying(|| async {
            if let Some(existing) = self.broadcast_by_client_id(new.location_id, new.client_id).await? {
                return Ok(existing);
            }
            let sql = "CREATE ONLY broadcast CONTENT { location: $location, staff: $staff, sender_name: $sender_name,
                activity: $activity, starts_at: $starts_at, body: $body, bookings: $bookings,
                client_id: $client_id, created_at: $at }";
            let stored = self
                .write(&[Scope::Table("broadcast")], sql, |q| {
                    q.bind(("location", new.location_id.record()))
                        .bind(("staff", new.staff_id.record()))
                        .bind(("sender_name", new.sender_name.to_owned()))
                        .bind(("activity", new.activity.to_owned()))
                        .bind(("starts_at", new.starts_at))
                        .bind(("body", new.body.to_owned()))
                        .bind(("bookings", new.booking_ids.iter().map(Record::record).collect::<Vec<_>>()))
                        .bind(("client_id", new.client_id.to_owned()))
                        .bind(("at", new.at))
                })
                .await
                .and_then(|mut r| r.take::<Option<BroadcastRecord>>(0));
            match stored {
                Ok(row) => row.ok_or(StoreError::NotFound),
                // The same broadcast, sent twice at once: the next attempt returns the first.
                Err(err) if is_duplicate_in(&err, "broadcast_client") => Err(StoreError::Conflict),
                Err(err) => Err(err.into()),
            }
        })
        .await
    }

    async fn broadcast_by_client_id(
        &self,
        location_id: &LocationId,
        client_id: &str,
    ) -> Result<Option<BroadcastRecord>, StoreError> {
        let mut response = self
            .db
            .read("SELECT * FROM broadcast WHERE location = $location AND client_id = $client_id LIMIT 1")
            .bind(("location", location_id.record()))
            .bind(("client_id", client_id.to_owned()))
            .await?;
        Ok(response.take(0)?)
    }

    /// A broadcast of the location (another location's is not found).
    pub async fn broadcast(&self, location_id: &LocationId, id: &BroadcastId) -> Result<BroadcastRecord, StoreError> {
        let mut response = self.db.read("SELECT * FROM ONLY $id").bind(("id", id.record())).await?;
        let row: Option<BroadcastRecord> = response.take(0)?;
        row.filter(|b| &b.location_id == location_id).ok_or(StoreError::NotFound)
    }

    /// The location's broadcasts, newest first.
    pub async fn broadcasts(&self, location_id: &LocationId, limit: usize) -> Result<Vec<BroadcastRecord>, StoreError> {
        let mut response = self
            .db
            .read("SELECT * FROM broadcast WHERE location = $location ORDER BY created_at DESC LIMIT $limit")
            .bind(("location", location_id.record()))
            .bind(("limit", limit.clamp(1, 200) as i64))
            .await?;
        Ok(response.take(0)?)
    }

    /// Puts the broadcast's message, filled in for each booking (`bodies`, in the broadcast's
    /// order), into each booking's thread, creating threads where needed. Delivering again (a retry,
    /// a double click, a call running at the same time) stores nothing twice. Returns how many
    /// messages this call stored.
    pub async fn deliver_broadcast(
        &self,
        broadcast: &BroadcastRecord,
        bodies: &[(BookingId, String)],
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let client_id = broadcast.message_client_id();
        let mut stored = 0;
        for (booking_id, body) in bodies {
            if !broadcast.booking_ids.contains(booking_id) {
                return Err(StoreError::Invalid(format!("Booking {booking_id} is not one of this broadcast's.")));
            }
            let (thread, _) = self.get_or_create_thread(booking_id, at).await?;
            let message = NewMessage {
                thread_id: &thread.id,
                sender_type: SenderType::Operator,
                staff_id: Some(&broadcast.staff_id),
                sender_name: &broadcast.sender_name,
                body,
                files: &[],
                client_id: &client_id,
                at,
            };
            stored += usize::from(self.append_message(message).await?.created);
        }
        Ok(stored)
    }

    /// Where each booking of the broadcast stands, in the broadcast's order.
    pub async fn broadcast_recipients(&self, broadcast: &BroadcastRecord) -> Result<Vec<RecipientRecord>, StoreError> {
        let threads: Vec<_> = broadcast.booking_ids.iter().map(|b| ThreadId::of(b).record()).collect();
        let found: std::collections::HashMap<BookingId, RecipientRecord> = self
            .db
            .read(RECIPIENTS)
            .bind(("threads", threads))
            .bind(("client_id", broadcast.message_client_id()))
            .await?
            .take::<Vec<RecipientRecord>>(0)?
            .into_iter()
            .map(|r| (r.booking_id.clone(), r))
            .collect();
        Ok(broadcast
            .booking_ids
            .iter()
            .map(|booking_id| {
                found.get(booking_id).cloned().unwrap_or(RecipientRecord {
                    booking_id: booking_id.clone(),
                    seq: None,
                    customer_read_seq: 0,
                    last_customer_seq: 0,
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use tokio::task::JoinSet;

    use super::*;
    use crate::model::BookingStatus;
    use crate::store::bookings::tests::booking_fixture;
    use crate::store::departures::tests::book;
    use crate::store::test_support::{at, backends, say};

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_broadcast_reaches_each_booking_once_however_often_it_is_delivered_at_once() {
        for (backend, store, _dir) in backends().await {
            let (location, _, _) = booking_fixture(&store, "BRC000-0001").await;
            let nine = at(24 * 60);
            let mut bookings = Vec::new();
            for n in 0..6 {
                let name = format!("Guest{n}");
                bookings
                    .push(book(&store, &location.id, (&name, "Doe"), "Kayak", nine, BookingStatus::Confirmed).await.id);
            }
            // One of them wrote before: a thread exists already.
            let (old, _) = store.get_or_create_thread(&bookings[0], at(0)).await.unwrap();
            say(&store, &old.id, SenderType::Customer, "Can I bring my dog?", &[], 1).await;

            let staff = StaffId::new("maya");
            let new = || NewBroadcast {
                location_id: &location.id,
                staff_id: &staff,
                sender_name: "Maya Lind",
                activity: "Kayak",
                starts_at: nine,
                body: "Hi {first_name}, meet at pier 3.",
                booking_ids: &bookings,
                client_id: "b-1",
                at: at(5),
            };
            let broadcast = store.create_broadcast(new()).await.unwrap();
            assert_eq!(
                store.create_broadcast(new()).await.unwrap(),
                broadcast,
                "{backend}: one broadcast per client id"
            );

            let bodies: Vec<(BookingId, String)> = bookings
                .iter()
                .enumerate()
                .map(|(n, b)| (b.clone(), format!("Hi Guest{n}, meet at pier 3.")))
                .collect();
            let mut deliveries = JoinSet::new();
            for _ in 0..4 {
                let (store, broadcast, bodies) = (store.clone(), broadcast.clone(), bodies.clone());
                deliveries.spawn(async move { store.deliver_broadcast(&broadcast, &bodies, at(5)).await });
            }
            let mut stored = 0;
            while let Some(done) = deliveries.join_next().await {
                stored += done.unwrap().unwrap_or_else(|e| panic!("{backend}: {e}"));
            }
            assert_eq!(stored, 6, "{backend}: six messages in all, whichever call stored each");
            for (n, booking) in bookings.iter().enumerate() {
                let messages = store.messages_after(&ThreadId::of(booking), 0, 10).await.unwrap();
                let from_broadcast: Vec<_> =
                    messages.iter().filter(|m| m.client_id == broadcast.message_client_id()).collect();
                assert_eq!(from_broadcast.len(), 1, "{backend}: booking {n}");
                assert_eq!(from_broadcast[0].body, format!("Hi Guest{n}, meet at pier 3."));
                assert_eq!(from_broadcast[0].sender_name, "Maya Lind");
            }

            // Sent to all; seen once a customer reads; replied once they write after it.
            let state = |r: &RecipientRecord| (r.sent(), r.seen(), r.replied());
            let recipients = store.broadcast_recipients(&broadcast).await.unwrap();
            assert_eq!(recipients.iter().map(state).collect::<Vec<_>>(), vec![(true, false, false); 6], "{backend}");
            store.mark_read(&ThreadId::of(&bookings[1]), SenderType::Customer, at(6)).await.unwrap();
            say(&store, &ThreadId::of(&bookings[2]), SenderType::Customer, "Thanks!", &[], 7).await;
            let recipients = store.broadcast_recipients(&broadcast).await.unwrap();
            assert_eq!(recipients.iter().map(|r| r.booking_id.clone()).collect::<Vec<_>>(), bookings);
            assert_eq!(state(&recipients[0]), (true, false, false), "{backend}: her earlier message is no reply");
            assert_eq!(state(&recipients[1]), (true, true, false), "{backend}");
            assert_eq!(state(&recipients[2]), (true, true, true), "{backend}: writing reads the thread");
        }
    }

    #[tokio::test]
    async fn a_broadcast_is_found_only_at_its_location_and_delivers_only_to_its_bookings() {
        let store = Store::open_in_memory().await.unwrap();
        let (location, _, booking) = booking_fixture(&store, "BRC001-0001").await;
        let staff = StaffId::new("maya");
        let broadcast = store
            .create_broadcast(NewBroadcast {
                location_id: &location.id,
                staff_id: &staff,
                sender_name: "Maya",
                activity: "Kayak",
                starts_at: at(60),
                body: "Hello",
                booking_ids: std::slice::from_ref(&booking.id),
                client_id: "b-2",
                at: at(0),
            })
            .await
            .unwrap();
        assert_eq!(store.broadcast(&location.id, &broadcast.id).await.unwrap(), broadcast);
        let other = LocationId::new("elsewhere");
        assert!(matches!(store.broadcast(&other, &broadcast.id).await, Err(StoreError::NotFound)));
        assert_eq!(store.broadcasts(&location.id, 10).await.unwrap(), std::slice::from_ref(&broadcast));
        assert!(store.broadcasts(&other, 10).await.unwrap().is_empty());
        let stray = [(BookingId::new("stray"), "Hello".to_owned())];
        assert!(matches!(store.deliver_broadcast(&broadcast, &stray, at(1)).await, Err(StoreError::Invalid(_))));
        assert_eq!(store.broadcast_recipients(&broadcast).await.unwrap()[0].seq, None, "not sent yet");
    }
}
