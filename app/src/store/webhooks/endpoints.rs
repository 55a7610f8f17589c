//! A location's webhook endpoints: where its events go, with the secret each is signed with.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::super::changes::Scope;
use super::super::error::first_cause;
use super::super::ids::Record;
use super::super::{Store, StoreError};
use crate::ids::{EndpointId, LocationId};

/// The event types an endpoint can subscribe to.
pub const EVENT_TYPES: [&str; 3] = ["message.created", "message.deleted", "thread.created"];

#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct EndpointRecord {
    pub id: EndpointId,
    #[surreal(rename = "location")]
    pub location_id: LocationId,
    pub url: String,
    /// "whsec_" + base64 of 24 random bytes, as the Standard Webhooks libraries expect.
    pub secret: String,
    pub event_types: Vec<String>,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
}

fn new_secret() -> String {
    use base64::Engine;
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 24]>()))
}

impl Store {
    /// Adds an endpoint to a location, with a new signing secret.
    pub async fn create_webhook_endpoint(
        &self,
        location_id: &LocationId,
        url: &str,
        event_types: &[String],
    ) -> Result<EndpointRecord, StoreError> {
        if event_types.is_empty() || event_types.iter().any(|t| !EVENT_TYPES.contains(&t.as_str())) {
            return Err(StoreError::Invalid(format!("choose event types among {}", EVENT_TYPES.join(", "))));
        }
        let row: Option<EndpointRecord> = self
            .write(
                &[Scope::Table("webhook_endpoint")],
                "CREATE ONLY webhook_endpoint CONTENT { location: $location, url: $url, secret: $secret,
                     event_types: $types, enabled: true, created_at: time::now() }",
                |q| {
                    q.bind(("location", location_id.record()))
                        .bind(("url", url.to_owned()))
                        .bind(("secret", new_secret()))
                        .bind(("types", event_types.to_vec()))
                },
            )
            .await?
            .take(0)?;
        row.ok_or(StoreError::NotFound)
    }

    pub async fn webhook_endpoints(&self, location_id: &LocationId) -> Result<Vec<EndpointRecord>, StoreError> {
        Ok(self
            .db
            .read("SELECT * FROM webhook_endpoint WHERE location = $location ORDER BY created_at")
            .bind(("location", location_id.record()))
            .await?
            .take(0)?)
    }

    /// One endpoint, if it belongs to the location.
    pub async fn webhook_endpoint(
        &self,
        location_id: &LocationId,
        id: &EndpointId,
    ) -> Result<EndpointRecord, StoreError> {
        let row: Option<EndpointRecord> = self
            .db
            .read("SELECT * FROM ONLY $id WHERE location = $location")
            .bind(("id", id.record()))
            .bind(("location", location_id.record()))
            .await?
            .take(0)?;
        row.ok_or(StoreError::NotFound)
    }

    pub async fn set_webhook_enabled(
        &self,
        location_id: &LocationId,
        id: &EndpointId,
        enabled: bool,
    ) -> Result<EndpointRecord, StoreError> {
        let row: Option<EndpointRecord> = self
            .write(
                &[Scope::Table("webhook_endpoint")],
                "UPDATE ONLY $id SET enabled = $enabled WHERE location = $location RETURN AFTER",
                |q| q.bind(("id", id.record())).bind(("location", location_id.record())).bind(("enabled", enabled)),
            )
            .await?
            .take(0)?;
        row.ok_or(StoreError::NotFound)
    }

    /// Removes an endpoint and its pending deliveries; the delivery history stays.
    pub async fn delete_webhook_endpoint(&self, location_id: &LocationId, id: &EndpointId) -> Result<(), StoreError> {
        self.webhook_endpoint(location_id, id).await?;
        let response = self
            .write(
                &[Scope::Table("webhook_endpoint"), Scope::Table("webhook_delivery")],
                "BEGIN TRANSACTION;
                 UPDATE webhook_delivery SET status = 'failed', last_error = 'endpoint deleted'
                     WHERE endpoint = $id AND status = 'pending';
                 DELETE $id;
                 COMMIT TRANSACTION;",
                |q| q.bind(("id", id.record())),
            )
            .await?;
        first_cause(response)?;
        Ok(())
    }
}
