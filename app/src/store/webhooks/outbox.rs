//! The outbox: events written in the same transaction as what they report, fanned out once into
//! one delivery per endpoint that wants them.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::super::changes::Scope;
use super::super::error::{first_cause, is_conflict};
use super::super::ids::Record;
use super::super::{Store, StoreError};
use crate::ids::{BookingId, EndpointId, EventId, LocationId, MessageId, ThreadId};
use crate::model::SenderType;

/// An outbox event with what its webhook body is made of, read through the record links.
#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct EventRecord {
    pub id: EventId,
    /// "message.created", "message.deleted", "thread.created" or "test".
    #[surreal(rename = "type")]
    pub kind: String,
    #[surreal(rename = "location")]
    pub location_id: LocationId,
    #[surreal(rename = "thread")]
    pub thread_id: Option<ThreadId>,
    #[surreal(rename = "booking")]
    pub booking_id: Option<BookingId>,
    /// A test event's one endpoint.
    #[surreal(rename = "endpoint")]
    pub endpoint_id: Option<EndpointId>,
    pub created_at: DateTime<Utc>,
    pub message: Option<EventMessage>,
}

/// The message an event reports.
#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct EventMessage {
    pub id: MessageId,
    pub sender_type: SenderType,
    pub sender_name: String,
    pub body: String,
    pub files: Vec<crate::store::attachments::MessageFileRecord>,
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Turns up to `limit` outbox events into deliveries, one per enabled endpoint of the event's
    /// location that subscribes to its type (a test event: its one endpoint), each with the body
    /// `body` makes of the event. Each event is fanned out exactly once, even with several
    /// dispatchers. Returns how many events were handled.
    pub async fn fan_out_events(
        &self,
        limit: usize,
        body: impl Fn(&EventRecord) -> String,
    ) -> Result<usize, StoreError> {
        let events: Vec<EventRecord> = self
            .db
            .read(
                "SELECT id, type, location, thread, thread.booking AS booking, endpoint, created_at,
                     (IF message = NONE { NONE } ELSE { message.{id, sender_type, sender_name, body, files, created_at} }) AS message
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
                        q.bind(("event", event.id.record()))
                            .bind(("location", event.location_id.record()))
                            .bind(("endpoint", event.endpoint_id.as_ref().map(Record::record)))
                            .bind(("type", event.kind.clone()))
                            .bind(("webhook_id", format!("msg_{}", event.id)))
                            .bind(("body", body(event)))
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
    pub async fn enqueue_test_event(
        &self,
        location_id: &LocationId,
        endpoint_id: &EndpointId,
    ) -> Result<(), StoreError> {
        let endpoint = self.webhook_endpoint(location_id, endpoint_id).await?;
        self.write(
            &[Scope::Table("event")],
            "CREATE event CONTENT { type: 'test', location: $location, endpoint: $endpoint, created_at: time::now() }",
            |q| q.bind(("endpoint", endpoint.id.record())).bind(("location", location_id.record())),
        )
        .await?
        .check()?;
        Ok(())
    }
}
