//! A location's webhook endpoints: where its events go, with the secret each is signed with.

use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::super::changes::Scope;
use super::super::error::first_cause;
use super::super::ids::{key, record};
use super::super::{Store, StoreError};

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

#[derive(SurrealValue)]
pub(super) struct EndpointRecord {
    id: RecordId,
    location: RecordId,
    url: String,
    secret: String,
    event_types: Vec<String>,
    enabled: bool,
    created_at: DateTime<Utc>,
}

impl From<EndpointRecord> for WebhookEndpoint {
    fn from(row: EndpointRecord) -> Self {
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
        let row: Option<EndpointRecord> = self
            .write(
                &[Scope::Table("webhook_endpoint")],
                "CREATE ONLY webhook_endpoint CONTENT { location: $location, url: $url, secret: $secret,
                     event_types: $types, enabled: true, created_at: time::now() }",
                |q| {
                    q.bind(("location", record("location", location_id)))
                        .bind(("url", url.to_owned()))
                        .bind(("secret", new_secret()))
                        .bind(("types", event_types.to_vec()))
                },
            )
            .await?
            .take(0)?;
        row.map(WebhookEndpoint::from).ok_or(StoreError::NotFound)
    }

    pub async fn webhook_endpoints(&self, location_id: &str) -> Result<Vec<WebhookEndpoint>, StoreError> {
        let rows: Vec<EndpointRecord> = self
            .db
            .read("SELECT * FROM webhook_endpoint WHERE location = $location ORDER BY created_at")
            .bind(("location", record("location", location_id)))
            .await?
            .take(0)?;
        Ok(rows.into_iter().map(WebhookEndpoint::from).collect())
    }

    /// One endpoint, if it belongs to the location.
    pub async fn webhook_endpoint(&self, location_id: &str, id: &str) -> Result<WebhookEndpoint, StoreError> {
        let row: Option<EndpointRecord> = self
            .db
            .read("SELECT * FROM ONLY $id WHERE location = $location")
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
        let row: Option<EndpointRecord> = self
            .write(
                &[Scope::Table("webhook_endpoint")],
                "UPDATE ONLY $id SET enabled = $enabled WHERE location = $location RETURN AFTER",
                |q| {
                    q.bind(("id", record("webhook_endpoint", id)))
                        .bind(("location", record("location", location_id)))
                        .bind(("enabled", enabled))
                },
            )
            .await?
            .take(0)?;
        row.map(WebhookEndpoint::from).ok_or(StoreError::NotFound)
    }

    /// Removes an endpoint and its pending deliveries; the delivery history stays.
    pub async fn delete_webhook_endpoint(&self, location_id: &str, id: &str) -> Result<(), StoreError> {
        self.webhook_endpoint(location_id, id).await?;
        let response = self
            .write(
                &[Scope::Table("webhook_endpoint"), Scope::Table("webhook_delivery")],
                "BEGIN TRANSACTION;
                 UPDATE webhook_delivery SET status = 'failed', last_error = 'endpoint deleted'
                     WHERE endpoint = $id AND status = 'pending';
                 DELETE $id;
                 COMMIT TRANSACTION;",
                |q| q.bind(("id", record("webhook_endpoint", id))),
            )
            .await?;
        first_cause(response)?;
        Ok(())
    }
}
