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

/// When to try again: exponential from `base`, capped at `cap`, with ±25% jitter; after
/// `give_up_after` since the delivery was made, it is marked failed instead.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub base: Duration,
    pub cap: Duration,
    pub give_up_after: Duration,
}

impl RetryPolicy {
    /// Production: 5 s, 10 s, 20 s … up to 2 h between attempts, for 25 hours.
    pub const STANDARD: RetryPolicy =
        RetryPolicy { base: Duration::seconds(5), cap: Duration::hours(2), give_up_after: Duration::hours(25) };

    /// The wait before attempt `attempts + 1`, before jitter.
    pub fn delay(&self, attempts: i64) -> Duration {
        let factor = 1i64 << attempts.clamp(1, 30).saturating_sub(1);
        (self.base * factor as i32).min(self.cap)
    }
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

/// An outbox event with what its webhook body needs, read through the record links.
#[derive(SurrealValue)]
struct EventRow {
    id: RecordId,
    #[surreal(rename = "type")]
    kind: String,
    location: RecordId,
    thread: RecordId,
    booking: RecordId,
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

fn new_secret() -> String {
    use base64::Engine;
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 24]>()))
}

/// The JSON body of an event's webhook: `{"type", "timestamp", "data": {...}}`.
fn event_body(event: &EventRow) -> String {
    let mut data = serde_json::json!({
        "thread_id": key(&event.thread),
        "booking_id": key(&event.booking),
        "location_id": key(&event.location),
        "created_at": event.created_at.to_rfc3339(),
    });
    if let Some(m) = &event.message {
        data["message_id"] = key(&m.id).into();
        data["sender_type"] = m.sender_type.into();
        data["sender_name"] = m.sender_name.clone().into();
        data["text"] = m.body.clone().into();
        data["created_at"] = m.created_at.to_rfc3339().into();
    }
    serde_json::json!({ "type": event.kind, "timestamp": event.created_at.to_rfc3339(), "data": data }).to_string()
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
    /// location that subscribes to its type. Each event is fanned out exactly once, even with
    /// several dispatchers. Returns how many events were handled.
    pub async fn fan_out_events(&self, limit: usize) -> Result<usize, StoreError> {
        let events: Vec<EventRow> = self
            .db
            .query(
                "SELECT id, type, location, thread, thread.booking AS booking, created_at,
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
                     FOR $endpoint IN (SELECT VALUE id FROM webhook_endpoint
                             WHERE location = $location AND enabled = true AND event_types CONTAINS $type) {
                         CREATE webhook_delivery CONTENT { endpoint: $endpoint, location: $location, event_type: $type,
                             webhook_id: $webhook_id, body: $body, status: 'pending', attempts: 0,
                             next_attempt_at: time::now(), created_at: time::now(), updated_at: time::now() };
                     };
                     COMMIT TRANSACTION;",
                )
                .bind(("event", event.id.clone()))
                .bind(("location", event.location.clone()))
                .bind(("type", event.kind.clone()))
                .bind(("webhook_id", format!("msg_{}", key(&event.id))))
                .bind(("body", event_body(event)))
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

    /// A test delivery for one endpoint, sent like any other.
    pub async fn enqueue_test_delivery(&self, location_id: &str, endpoint_id: &str) -> Result<(), StoreError> {
        let endpoint = self.webhook_endpoint(location_id, endpoint_id).await?;
        let now = Utc::now();
        let webhook_id = format!("msg_test_{}", hex::encode(rand::random::<[u8; 8]>()));
        let body = serde_json::json!({
            "type": "test",
            "timestamp": now.to_rfc3339(),
            "data": { "location_id": location_id, "message": "A test event from Parley." },
        })
        .to_string();
        self.db
            .query(
                "CREATE webhook_delivery CONTENT { endpoint: $endpoint, location: $location, event_type: 'test',
                     webhook_id: $webhook_id, body: $body, status: 'pending', attempts: 0,
                     next_attempt_at: $now, created_at: $now, updated_at: $now }",
            )
            .bind(("endpoint", record("webhook_endpoint", &endpoint.id)))
            .bind(("location", record("location", location_id)))
            .bind(("webhook_id", webhook_id))
            .bind(("body", body))
            .bind(("now", now))
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
                    self.record_attempt(
                        &delivery.id,
                        AttemptOutcome::Failed { status: None, error: "endpoint deleted".into() },
                        now,
                        &RetryPolicy { give_up_after: Duration::zero(), ..RetryPolicy::STANDARD },
                    )
                    .await?;
                }
            }
        }
        Ok(claimed)
    }

    /// Records an attempt: delivered, rescheduled with backoff and jitter, or failed for good.
    pub async fn record_attempt(
        &self,
        delivery_id: &str,
        outcome: AttemptOutcome,
        now: DateTime<Utc>,
        policy: &RetryPolicy,
    ) -> Result<Delivery, StoreError> {
        let id = record("webhook_delivery", delivery_id);
        let current: Option<DeliveryRow> =
            self.db.query("SELECT * FROM ONLY $id").bind(("id", id.clone())).await?.take(0)?;
        let current = Delivery::from(current.ok_or(StoreError::NotFound)?);
        let attempts = current.attempts + 1;
        let (status, last_status, last_error, next) = match outcome {
            AttemptOutcome::Delivered { status } => (DeliveryStatus::Succeeded, Some(i64::from(status)), None, now),
            AttemptOutcome::Failed { status, error } => {
                let give_up = now - current.created_at >= policy.give_up_after;
                let delay = policy.delay(attempts);
                let jitter = 0.75 + rand::random::<f64>() * 0.5;
                let next = now + Duration::milliseconds((delay.num_milliseconds() as f64 * jitter) as i64);
                let status_now = if give_up { DeliveryStatus::Failed } else { DeliveryStatus::Pending };
                (status_now, status.map(i64::from), Some(error), next)
            }
        };
        let row: Option<DeliveryRow> = self
            .db
            .query(
                "UPDATE ONLY $id SET status = $status, attempts = $attempts, last_status = $last_status,
                     last_error = $last_error, next_attempt_at = $next, updated_at = $now RETURN AFTER",
            )
            .bind(("id", id))
            .bind(("status", status.as_str().to_owned()))
            .bind(("attempts", attempts))
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
