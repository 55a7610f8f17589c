//! The webhook dispatcher: fans new outbox events out into deliveries (with the JSON body each
//! endpoint gets), sends due deliveries signed per Standard Webhooks, and records each attempt. At
//! least once: a delivery stays pending until a 2xx answer, with exponential backoff and jitter,
//! for 25 hours. Each send runs in its own task with a timeout, so one slow endpoint never holds
//! up another, or the chat.

use std::sync::Arc;
use std::time::Duration;

use app::store::webhooks::{AttemptOutcome, DeliveryRecord, EndpointRecord, EventRecord};
use app::store::{Store, StoreError};

use crate::retry::RetryPolicy;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::task::JoinSet;

/// What the dispatcher needs to know; tests shorten the waits.
#[derive(Debug, Clone)]
pub struct DispatcherConfig {
    /// How often it looks for new events and due deliveries.
    pub tick: Duration,
    /// How long one attempt may take.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// Endpoints on loopback or private addresses are refused unless this is set.
    pub allow_private: bool,
}

impl DispatcherConfig {
    pub fn standard(allow_private: bool) -> Self {
        DispatcherConfig {
            tick: Duration::from_secs(1),
            timeout: Duration::from_secs(10),
            retry: RetryPolicy::STANDARD,
            allow_private,
        }
    }
}

/// Delivers the outbox. `pass` does one round at a given time, so tests drive it with their own
/// clock; `spawn_dispatcher` runs passes on the real one.
#[derive(Clone)]
pub struct Dispatcher {
    store: Store,
    client: reqwest::Client,
    config: Arc<DispatcherConfig>,
}

impl Dispatcher {
    pub fn new(store: Store, config: DispatcherConfig) -> Self {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client with default TLS settings");
        Dispatcher { store, client, config: Arc::new(config) }
    }

    /// One round at `now`: fan out new events, then start a send for every due delivery. Returns
    /// the sends, still running; each records its attempt as made at `now` when it ends.
    pub async fn pass(&self, now: DateTime<Utc>) -> Result<JoinSet<()>, StoreError> {
        while self.store.fan_out_events(100, event_body).await? == 100 {}
        // The lease outlasts the attempt's timeout, so a crash mid-send only delays the retry.
        let lease = chrono::Duration::from_std(self.config.timeout * 3).unwrap_or(chrono::Duration::seconds(30));
        let mut sends = JoinSet::new();
        for (delivery, endpoint) in self.store.claim_due_deliveries(now, lease, 50).await? {
            let dispatcher = self.clone();
            sends.spawn(async move {
                let outcome = dispatcher.attempt(&delivery, &endpoint).await;
                let retry_at = dispatcher.config.retry.retry_at(delivery.created_at, delivery.attempts, now);
                if let Err(err) = dispatcher.store.record_attempt(&delivery.id, outcome, now, retry_at).await {
                    tracing::warn!(error = %err, delivery = %delivery.id, "could not record a webhook attempt");
                }
            });
        }
        Ok(sends)
    }

    async fn attempt(&self, delivery: &DeliveryRecord, endpoint: &EndpointRecord) -> AttemptOutcome {
        if let Err(reason) = app::net::check_destination(&endpoint.url, self.config.allow_private).await {
            return AttemptOutcome::Failed { status: None, error: reason };
        }
        let timestamp = Utc::now().timestamp();
        let Some(signature) = sign(&endpoint.secret, &delivery.webhook_id, timestamp, &delivery.body) else {
            return AttemptOutcome::Failed { status: None, error: "the endpoint's secret is malformed".into() };
        };
        let request = self
            .client
            .post(&endpoint.url)
            .header("content-type", "application/json")
            .header("webhook-id", &delivery.webhook_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(delivery.body.clone());
        match request.send().await {
            Ok(response) if response.status().is_success() => {
                AttemptOutcome::Delivered { status: response.status().as_u16() }
            }
            Ok(response) => AttemptOutcome::Failed {
                status: Some(response.status().as_u16()),
                error: format!("the endpoint answered {}", response.status()),
            },
            Err(err) if err.is_timeout() => AttemptOutcome::Failed { status: None, error: "timed out".into() },
            Err(err) => AttemptOutcome::Failed { status: None, error: format!("could not connect: {err}") },
        }
    }
}

/// Starts the dispatcher on the current runtime; it runs until the returned handle is aborted.
pub fn spawn_dispatcher(store: Store, config: DispatcherConfig) -> tokio::task::JoinHandle<()> {
    let tick = config.tick;
    let dispatcher = Dispatcher::new(store, config);
    tokio::spawn(async move {
        loop {
            match dispatcher.pass(Utc::now()).await {
                // The sends go on by themselves; the next pass does not wait for them.
                Ok(mut sends) => sends.detach_all(),
                Err(err) => tracing::warn!(error = %err, "webhook dispatcher pass failed; trying again"),
            }
            tokio::time::sleep(tick).await;
        }
    })
}

/// The JSON body of an event's webhook: `{"type", "timestamp", "data": {...}}`.
pub fn event_body(event: &EventRecord) -> String {
    let mut data = serde_json::json!({
        "location_id": event.location_id,
        "created_at": event.created_at.to_rfc3339(),
    });
    if event.kind == "test" {
        data["message"] = "A test event from Parley.".into();
    }
    if let (Some(thread), Some(booking)) = (&event.thread_id, &event.booking_id) {
        data["thread_id"] = thread.as_str().into();
        data["booking_id"] = booking.as_str().into();
    }
    if let Some(m) = &event.message {
        data["message_id"] = m.id.as_str().into();
        data["sender_type"] = m.sender_type.code().into();
        data["sender_name"] = m.sender_name.clone().into();
        data["text"] = m.body.clone().into();
        // The same shape as the REST API's, with the address an API key downloads each from.
        let attachments: Vec<crate::rest::ApiAttachment> = m.files.iter().cloned().map(Into::into).collect();
        data["attachments"] = serde_json::to_value(attachments).unwrap_or_default();
        data["created_at"] = m.created_at.to_rfc3339().into();
    }
    serde_json::json!({ "type": event.kind, "timestamp": event.created_at.to_rfc3339(), "data": data }).to_string()
}

/// `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the secret's bytes (after "whsec_").
pub fn sign(secret: &str, webhook_id: &str, timestamp: i64, body: &str) -> Option<String> {
    let engine = base64::engine::general_purpose::STANDARD;
    let key = engine.decode(secret.strip_prefix("whsec_").unwrap_or(secret)).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{webhook_id}.{timestamp}.{body}").as_bytes());
    Some(format!("v1,{}", engine.encode(mac.finalize().into_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_the_standard_webhooks_example() {
        // The example from the Standard Webhooks specification.
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(signature.as_deref(), Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
        assert_eq!(sign("whsec_!!!", "id", 1, "{}"), None);
    }
}
