//! Webhook endpoints and deliveries. Events in the outbox are fanned out into one delivery per
//! subscribed endpoint; the dispatcher (server/src/webhooks.rs) claims due deliveries, sends them
//! and records the outcome here. Everything survives a restart: it is all rows.

use chrono::{DateTime, Duration, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::error::{first_cause, is_conflict};
use super::ids::{key, record};
use super::{Store, StoreError};

/// The event types an endpoint can subscribe to.
pub const EVENT_TYPES: [&str; 2] = ["message.created", "thread.created"];

#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEndpoint {
    pub id: String,
    pub location_id: String,
    pub url: String,
    /// "whsec_" + base64 of 24 random bytes, as the Standard Webhooks libraries expect.
    pub secret: String,
    pub event_types: Vec<String>,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Pending,
    Succeeded,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Succeeded => "succeeded",
            DeliveryStatus::Failed => "failed",
        }
    }

    fn parse(value: &str) -> Self {
        match value {
            "succeeded" => DeliveryStatus::Succeeded,
            "failed" => DeliveryStatus::Failed,
            _ => DeliveryStatus::Pending,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: String,
    pub endpoint_id: String,
    pub location_id: String,
    pub event_type: String,
    /// The Standard Webhooks message id: the same on every attempt.
    pub webhook_id: String,
    /// The exact JSON body: the same bytes on every attempt.
    pub body: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// How one attempt went.
#[derive(Debug, Clone, PartialEq)]
pub enum AttemptOutcome {
    /// A 2xx answer.
    Delivered { status: u16 },
    /// Any other answer, a timeout or a refused connection: try again later (or give up).
    Failed { status: Option<u16>, error: String },
}

#[derive(SurrealValue)]
struct EndpointRow {
    id: RecordId,
    location: RecordId,
    url: String,
    secret: String,
    event_types: Vec<String>,
    enabled: bool,
    created_at: DateTime<Utc>,
}

impl From<EndpointRow> for WebhookEndpoint {
    fn from(row: EndpointRow) -> Self {
        WebhookEndpoint {
            id: key(&row.id),
            location_id: key(&row.location),
            url: row.url,
            secret: row.secret,
            event_types: row.event_types,
            enabled: row.enabled,
            created_at: row.created_at,
        }
    }
}

#[derive(SurrealValue)]
struct DeliveryRow {
    id: RecordId,
    endpoint: RecordId,
    location: RecordId,
    event_type: String,
    webhook_id: String,
    body: String,
    status: String,
    attempts: i64,
    next_attempt_at: DateTime<Utc>,
    last_status: Option<i64>,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<DeliveryRow> for Delivery {
    fn from(row: DeliveryRow) -> Self {
        Delivery {
            id: key(&row.id),
            endpoint_id: key(&row.endpoint),
            location_id: key(&row.location),
            event_type: row.event_type,
            webhook_id: row.webhook_id,
            body: row.body,
            status: DeliveryStatus::parse(&row.status),
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            last_status: row.last_status,
            last_error: row.last_error,
            created_at: row.created_at,
        }
    }
}

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
struct EventRow {
    id: RecordId,
    #[surreal(rename = "type")]
    kind: String,
    location: RecordId,
    thread: Option<RecordId>,
    booking: Option<RecordId>,
    endpoint: Option<RecordId>,
    created_at: DateTime<Utc>,
    message: Option<MessageFacts>,
}

#[derive(SurrealValue)]
struct MessageFacts {
    id: RecordId,
    sender_type: i64,
    sender_name: String,
    body: String,
    created_at: DateTime<Utc>,
}

impl From<&EventRow> for OutboxEvent {
    fn from(row: &EventRow) -> Self {
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

fn new_secret() -> String {
    use base64::Engine;
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 24]>()))
}

impl Store {
    /// Adds an endpoint to a location, with a new signing secret.
    pub async fn create_webhook_endpoint(
        &self,
        location_id: &str,
        url: &str,
        event_types: &[String],
    ) -> Result<WebhookEndpoint, StoreError> {
        if event_types.is_empty() || event_types.iter().any(|t| !EVENT_TYPES.contains(&t.as_str())) {
            return Err(StoreError::Invalid(format!("choose event types among {}", EVENT_TYPES.join(", "))));
        }
        let row: Option<EndpointRow> = self
            .db
            .query(
                "CREATE ONLY webhook_endpoint CONTENT { location: $location, url: $url, secret: $secret,
                     event_types: $types, enabled: true, created_at: time::now() }",
            )
            .bind(("location", record("location", location_id)))
            .bind(("url", url.to_owned()))
            .bind(("secret", new_secret()))
            .bind(("types", event_types.to_vec()))
            .await?
            .take(0)?;
        row.map(WebhookEndpoint::from).ok_or(StoreError::NotFound)
    }

    pub async fn webhook_endpoints(&self, location_id: &str) -> Result<Vec<WebhookEndpoint>, StoreError> {
        let rows: Vec<EndpointRow> = self
            .db
            .query("SELECT * FROM webhook_endpoint WHERE location = $location ORDER BY created_at")
            .bind(("location", record("location", location_id)))
            .await?
            .take(0)?;
        Ok(rows.into_iter().map(WebhookEndpoint::from).collect())
    }

    /// One endpoint, if it belongs to the location.
    pub async fn webhook_endpoint(&self, location_id: &str, id: &str) -> Result<WebhookEndpoint, StoreError> {
        let row: Option<EndpointRow> = self
            .db
            .query("SELECT * FROM ONLY $id WHERE location = $location")
            .bind(("id", record("webhook_endpoint", id)))
            .bind(("location", record("location", location_id)))
            .await?
            .take(0)?;
        row.map(WebhookEndpoint::from).ok_or(StoreError::NotFound)
    }

    pub async fn set_webhook_enabled(
        &self,
        location_id: &str,
        id: &str,
        enabled: bool,
    ) -> Result<WebhookEndpoint, StoreError> {
        let row: Option<EndpointRow> = self
            .db
            .query("UPDATE ONLY $id SET enabled = $enabled WHERE location = $location RETURN AFTER")
            .bind(("id", record("webhook_endpoint", id)))
            .bind(("location", record("location", location_id)))
            .bind(("enabled", enabled))
            .await?
            .take(0)?;
        row.map(WebhookEndpoint::from).ok_or(StoreError::NotFound)
    }

    /// Removes an endpoint and its pending deliveries; the delivery history stays.
    pub async fn delete_webhook_endpoint(&self, location_id: &str, id: &str) -> Result<(), StoreError> {
        self.webhook_endpoint(location_id, id).await?;
        let response = self
            .db
            .query(
                "BEGIN TRANSACTION;
                 UPDATE webhook_delivery SET status = 'failed', last_error = 'endpoint deleted'
                     WHERE endpoint = $id AND status = 'pending';
                 DELETE $id;
                 COMMIT TRANSACTION;",
            )
            .bind(("id", record("webhook_endpoint", id)))
            .await?;
        first_cause(response)?;
        Ok(())
    }

    /// Turns up to `limit` outbox events into deliveries, one per enabled endpoint of the event's
    /// location that subscribes to its type (a test event: its one endpoint), each with the body
    /// `body` makes of the event. Each event is fanned out exactly once, even with several
    /// dispatchers. Returns how many events were handled.
    pub async fn fan_out_events(
        &self,
        limit: usize,
        body: impl Fn(&OutboxEvent) -> String,
    ) -> Result<usize, StoreError> {
        let events: Vec<EventRow> = self
            .db
            .query(
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
                .db
                .query(
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
                )
                .bind(("event", event.id.clone()))
                .bind(("location", event.location.clone()))
                .bind(("endpoint", event.endpoint.clone()))
                .bind(("type", event.kind.clone()))
                .bind(("webhook_id", format!("msg_{}", key(&event.id))))
                .bind(("body", body(&OutboxEvent::from(event))))
                // Due since the event happened.
                .bind(("due", event.created_at))
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
        self.db
            .query("CREATE event CONTENT { type: 'test', location: $location, endpoint: $endpoint, created_at: time::now() }")
            .bind(("endpoint", record("webhook_endpoint", &endpoint.id)))
            .bind(("location", record("location", location_id)))
            .await?
            .check()?;
        Ok(())
    }

    /// Claims up to `limit` due deliveries by moving their next attempt `lease` into the future,
    /// so no other dispatcher sends them meanwhile. Returns each with its endpoint.
    pub async fn claim_due_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<(Delivery, WebhookEndpoint)>, StoreError> {
        let due: Vec<RecordId> = self
            .db
            .query("SELECT VALUE id FROM webhook_delivery WHERE status = 'pending' AND next_attempt_at <= $now ORDER BY next_attempt_at LIMIT $limit")
            .bind(("now", now))
            .bind(("limit", limit as i64))
            .await?
            .take(0)?;
        let mut claimed = Vec::new();
        for id in due {
            let result = self
                .db
                .query(
                    "UPDATE ONLY $id SET next_attempt_at = $until, updated_at = $now
                         WHERE status = 'pending' AND next_attempt_at <= $now RETURN AFTER;
                     SELECT * FROM ONLY (SELECT VALUE endpoint FROM ONLY $id);",
                )
                .bind(("id", id))
                .bind(("now", now))
                .bind(("until", now + lease))
                .await;
            let mut response = match result {
                Ok(r) => r,
                Err(err) if is_conflict(&err) => continue,
                Err(err) => return Err(err.into()),
            };
            let delivery = match response.take::<Option<DeliveryRow>>(0) {
                Ok(Some(row)) => Delivery::from(row),
                Ok(None) => continue,
                Err(err) if is_conflict(&err) => continue,
                Err(err) => return Err(err.into()),
            };
            match response.take::<Option<EndpointRow>>(1)? {
                Some(endpoint) => claimed.push((delivery, endpoint.into())),
                None => {
                    let gone = AttemptOutcome::Failed { status: None, error: "endpoint deleted".into() };
                    self.record_attempt(&delivery.id, gone, now, None).await?;
                }
            }
        }
        Ok(claimed)
    }

    /// Records an attempt at `now`: delivered; failed, to be tried again at `retry_at`; or failed
    /// for good (`retry_at` is `None`). When to retry is the dispatcher's policy.
    pub async fn record_attempt(
        &self,
        delivery_id: &str,
        outcome: AttemptOutcome,
        now: DateTime<Utc>,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<Delivery, StoreError> {
        let (status, last_status, last_error, next) = match outcome {
            AttemptOutcome::Delivered { status } => (DeliveryStatus::Succeeded, Some(i64::from(status)), None, now),
            AttemptOutcome::Failed { status, error } => match retry_at {
                Some(at) => (DeliveryStatus::Pending, status.map(i64::from), Some(error), at),
                None => (DeliveryStatus::Failed, status.map(i64::from), Some(error), now),
            },
        };
        let row: Option<DeliveryRow> = self
            .db
            .query(
                "UPDATE ONLY $id SET status = $status, attempts += 1, last_status = $last_status,
                     last_error = $last_error, next_attempt_at = $next, updated_at = $now RETURN AFTER",
            )
            .bind(("id", record("webhook_delivery", delivery_id)))
            .bind(("status", status.as_str().to_owned()))
            .bind(("last_status", last_status))
            .bind(("last_error", last_error))
            .bind(("next", next))
            .bind(("now", now))
            .await?
            .take(0)?;
        row.map(Delivery::from).ok_or(StoreError::NotFound)
    }

    /// The location's latest deliveries, newest first.
    pub async fn recent_deliveries(&self, location_id: &str, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        let rows: Vec<DeliveryRow> = self
            .db
            .query("SELECT * FROM webhook_delivery WHERE location = $location ORDER BY created_at DESC LIMIT $limit")
            .bind(("location", record("location", location_id)))
            .bind(("limit", limit as i64))
            .await?
            .take(0)?;
        Ok(rows.into_iter().map(Delivery::from).collect())
    }
}
