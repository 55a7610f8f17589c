//! Settings → Webhooks and API keys.

use serde::{Deserialize, Serialize};

use crate::ids::{ApiKeyId, DeliveryId, EndpointId};

/// A webhook endpoint as Settings lists it (the secret is shown only once, at creation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookEndpointView {
    pub id: EndpointId,
    pub url: String,
    pub event_types: Vec<String>,
    pub enabled: bool,
}

/// A new endpoint with its signing secret, shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedWebhookView {
    pub endpoint: WebhookEndpointView,
    pub secret: String,
}

/// One delivery as Settings lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: DeliveryId,
    pub endpoint_url: String,
    pub event_type: String,
    pub webhook_id: String,
    /// "pending", "succeeded" or "failed"
    pub status: String,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    /// When it was made, in the location's time zone: "Nov 22 14:05".
    pub created: String,
}

/// The Webhooks section of Settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookSettingsView {
    pub endpoints: Vec<WebhookEndpointView>,
    pub deliveries: Vec<DeliveryView>,
    pub event_types: Vec<String>,
}

/// An API key as Settings lists it (the key itself is shown only once, at creation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: ApiKeyId,
    pub name: String,
    /// The key's first characters: "pk_1a2b3c4".
    pub prefix: String,
    pub revoked: bool,
}

/// A new key, shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedApiKeyView {
    pub key: ApiKeyView,
    pub secret: String,
}
