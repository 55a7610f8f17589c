//! The webhook dispatcher: fans new outbox events out into deliveries, sends due deliveries signed
//! per Standard Webhooks, and records each attempt. At least once: a delivery stays pending until
//! a 2xx answer, with exponential backoff and jitter, for 25 hours. Each send runs in its own task
//! with a 10 s timeout, so one slow endpoint never holds up another, or the chat.

use std::sync::Arc;
use std::time::Duration;

use app::store::webhooks::{AttemptOutcome, Delivery, RetryPolicy, WebhookEndpoint};
use app::store::Store;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

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

/// Starts the dispatcher on the current runtime; it runs until the returned handle is aborted.
pub fn spawn_dispatcher(store: Store, config: DispatcherConfig) -> tokio::task::JoinHandle<()> {
    let client = reqwest::Client::builder()
        .timeout(config.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client with default TLS settings");
    let config = Arc::new(config);
    tokio::spawn(async move {
        loop {
            if let Err(err) = run_once(&store, &client, &config).await {
                tracing::warn!(error = %err, "webhook dispatcher pass failed; trying again");
            }
            tokio::time::sleep(config.tick).await;
        }
    })
}

/// One pass: fan out new events, then start a send for every due delivery.
async fn run_once(
    store: &Store,
    client: &reqwest::Client,
    config: &Arc<DispatcherConfig>,
) -> Result<(), app::store::StoreError> {
    while store.fan_out_events(100).await? == 100 {}
    let now = chrono::Utc::now();
    // The lease outlasts the attempt's timeout, so a crash mid-send only delays the retry.
    let lease = chrono::Duration::from_std(config.timeout * 3).unwrap_or(chrono::Duration::seconds(30));
    for (delivery, endpoint) in store.claim_due_deliveries(now, lease, 50).await? {
        let (store, client, config) = (store.clone(), client.clone(), config.clone());
        tokio::spawn(async move {
            let outcome = attempt(&client, &config, &delivery, &endpoint).await;
            if let Err(err) = store.record_attempt(&delivery.id, outcome, chrono::Utc::now(), &config.retry).await {
                tracing::warn!(error = %err, delivery = %delivery.id, "could not record a webhook attempt");
            }
        });
    }
    Ok(())
}

async fn attempt(
    client: &reqwest::Client,
    config: &DispatcherConfig,
    delivery: &Delivery,
    endpoint: &WebhookEndpoint,
) -> AttemptOutcome {
    if let Err(reason) = app::net::check_destination(&endpoint.url, config.allow_private).await {
        return AttemptOutcome::Failed { status: None, error: reason };
    }
    let timestamp = chrono::Utc::now().timestamp();
    let signature = match sign(&endpoint.secret, &delivery.webhook_id, timestamp, &delivery.body) {
        Some(s) => s,
        None => return AttemptOutcome::Failed { status: None, error: "the endpoint's secret is malformed".into() },
    };
    let request = client
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
