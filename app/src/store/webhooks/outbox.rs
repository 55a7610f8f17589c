//! The outbox: events written in the same transaction as what they report, fanned out once into
//! one delivery per endpoint that wants them.

use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::super::changes::Scope;
use super::super::error::{first_cause, is_conflict};
use super::super::ids::{key, record};
use super::super::{Store, StoreError};

/// An outbox event with what its webhook body is made of, read through the record links.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    pub id: String,
    /// "message.created", "thread.created" or "test".
    pub kind: String,
    pub location_id: String,
    pub thread_id: Option<String>,
    pub booking_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub message: Option<EventMessage>,
}

/// The message an event reports.
#[derive(Debug, Clone, PartialEq)]
pub struct EventMessage {
    pub id: String,
    pub sender_type: i64,
    pub sender_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct EventRecord {
    id: RecordId,
    #[surreal(rename = "type")]
    kind: String,
    location: RecordId,
    thread: Option<RecordId>,
    booking: Option<RecordId>,
    endpoint: Option<RecordId>,
    created_at: DateTime<Utc>,
    message: Option<EventMessageRecord>,
}

#[derive(SurrealValue)]
struct EventMessageRecord {
    id: RecordId,
    sender_type: i64,
    sender_name: String,
    body: String,
    created_at: DateTime<Utc>,
}

impl From<&EventRecord> for OutboxEvent {
    fn from(row: &EventRecord) -> Self {
        OutboxEvent {
            id: key(&row.id),
            kind: row.kind.clone(),
            location_id: key(&row.location),
            thread_id: row.thread.as_ref().map(key),
            booking_id: row.booking.as_ref().map(key),
            created_at: row.created_at,
            message: row.message.as_ref().map(|m| EventMessage {
                id: key(&m.id),
                sender_type: m.sender_type,
                sender_name: m.sender_name.clone(),
                body: m.body.clone(),
                created_at: m.created_at,
            }),
        }
    }
}

impl Store {
    /// Turns up to `limit` outbox events into deliveries, one per enabled endpoint of the event's
    /// location that subscribes to its type (a test event: its one endpoint), each with the body
    /// `body` makes of the event. Each event is fanned out exactly once, even with several
    /// dispatchers. Returns how many events were handled.
    pub async fn fan_out_events(
        &self,
        limit: usize,
        body: impl Fn(&OutboxEvent) -> String,
    ) -> Result<usize, StoreError> {
        let events: Vec<EventRecord> = self
            .db
            .read(
                "SELECT id, type, location, thread, thread.booking AS booking, endpoint, created_at,
                     (IF message = NONE { NONE } ELSE { message.{id, sender_type, sender_name, body, created_at} }) AS message
                 FROM event WHERE fanned_out = false ORDER BY created_at LIMIT $limit",
            )
            .bind(("limit", limit as i64))
            .await?
            .take(0)?;
        let mut handled = 0;
        for event in &events {
            let response = self
                .write(
                    &[Scope::Table("event"), Scope::Table("webhook_delivery")],
                    "BEGIN TRANSACTION;
                     IF (UPDATE ONLY $event SET fanned_out = true WHERE fanned_out = false RETURN AFTER) = NONE {
                         THROW 'already fanned out'
                     };
                     LET $endpoints = IF $endpoint != NONE { [$endpoint] } ELSE {
                         SELECT VALUE id FROM webhook_endpoint
                             WHERE location = $location AND enabled = true AND event_types CONTAINS $type
                     };
                     FOR $endpoint IN $endpoints {
                         CREATE webhook_delivery CONTENT { endpoint: $endpoint, location: $location, event_type: $type,
                             webhook_id: $webhook_id, body: $body, status: 'pending', attempts: 0,
                             next_attempt_at: $due, created_at: time::now(), updated_at: time::now() };
                     };
                     COMMIT TRANSACTION;",
                    |q| {
                        q.bind(("event", event.id.clone()))
                            .bind(("location", event.location.clone()))
                            .bind(("endpoint", event.endpoint.clone()))
                            .bind(("type", event.kind.clone()))
                            .bind(("webhook_id", format!("msg_{}", key(&event.id))))
                            .bind(("body", body(&OutboxEvent::from(event))))
                            // Due since the event happened.
                            .bind(("due", event.created_at))
                    },
                )
                .await?;
            match first_cause(response) {
                Ok(_) => handled += 1,
                // Another dispatcher took it.
                Err(err) if err.is_thrown() || is_conflict(&err) => {}
                Err(err) => return Err(err.into()),
            }
        }
        Ok(handled)
    }

    /// Puts a test event for one of the location's endpoints into the outbox; it is sent like any other.
    pub async fn enqueue_test_event(&self, location_id: &str, endpoint_id: &str) -> Result<(), StoreError> {
        let endpoint = self.webhook_endpoint(location_id, endpoint_id).await?;
        self.write(
            &[Scope::Table("event")],
            "CREATE event CONTENT { type: 'test', location: $location, endpoint: $endpoint, created_at: time::now() }",
            |q| {
                q.bind(("endpoint", record("webhook_endpoint", &endpoint.id)))
                    .bind(("location", record("location", location_id)))
            },
        )
        .await?
        .check()?;
        Ok(())
    }
}
