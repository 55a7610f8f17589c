//! Settings → Webhooks: a location's endpoints, their latest deliveries, and a test event.

use leptos::prelude::*;

use super::dash_error::DashError;
use crate::ids::EndpointId;
use crate::model::{CreatedWebhookView, WebhookSettingsView};

#[server(endpoint = "webhook_settings")]
pub async fn get_webhook_settings() -> Result<WebhookSettingsView, DashError> {
    use crate::store::webhooks::EVENT_TYPES;

    let (ctx, location) = super::scope::current_location().await?;
    let endpoints = ctx.store.webhook_endpoints(&location.id).await?;
    let deliveries = ctx.store.recent_deliveries(&location.id, 25).await?;
    let tz = super::present::zone(&location);
    let today = super::present::local_date(chrono::Utc::now(), tz);
    Ok(WebhookSettingsView {
        deliveries: deliveries
            .into_iter()
            .map(|d| {
                let url =
                    endpoints.iter().find(|e| e.id == d.endpoint_id).map_or("(deleted)".to_owned(), |e| e.url.clone());
                let local = d.created_at.with_timezone(&tz);
                crate::model::DeliveryView {
                    id: d.id,
                    endpoint_url: url,
                    event_type: d.event_type,
                    webhook_id: d.webhook_id,
                    status: d.status.as_str().to_owned(),
                    attempts: d.attempts,
                    last_status: d.last_status,
                    last_error: d.last_error,
                    created: format!(
                        "{} {}",
                        crate::text::short_date(local.date_naive(), today),
                        crate::text::clock_time(local.time())
                    ),
                }
            })
            .collect(),
        endpoints: endpoints.into_iter().map(view).collect(),
        event_types: EVENT_TYPES.iter().map(|t| (*t).to_owned()).collect(),
    })
}

/// Adds an endpoint; the answer carries its signing secret, which is never shown again.
#[server(endpoint = "create_webhook")]
pub async fn create_webhook(url: String, event_types: Vec<String>) -> Result<CreatedWebhookView, DashError> {
    let state = expect_context::<crate::state::AppState>();
    let (ctx, location) = super::scope::current_location().await?;
    let url = url.trim().to_owned();
    if let Err(reason) = crate::net::check_destination(&url, state.allow_private_webhooks).await {
        return Err(DashError::Invalid(format!("That URL cannot be used: {reason}.")).with_status());
    }
    let endpoint = ctx.store.create_webhook_endpoint(&location.id, &url, &event_types).await?;
    let secret = endpoint.secret.clone();
    Ok(CreatedWebhookView { endpoint: view(endpoint), secret })
}

#[server(endpoint = "set_webhook_enabled")]
pub async fn set_webhook_enabled(endpoint_id: EndpointId, enabled: bool) -> Result<(), DashError> {
    let (ctx, location) = super::scope::current_location().await?;
    ctx.store.set_webhook_enabled(&location.id, &endpoint_id, enabled).await?;
    Ok(())
}

#[server(endpoint = "delete_webhook")]
pub async fn delete_webhook(endpoint_id: EndpointId) -> Result<(), DashError> {
    let (ctx, location) = super::scope::current_location().await?;
    ctx.store.delete_webhook_endpoint(&location.id, &endpoint_id).await?;
    Ok(())
}

/// Queues a signed test event for one endpoint; it shows in the deliveries once sent.
#[server(endpoint = "send_test_webhook")]
pub async fn send_test_webhook(endpoint_id: EndpointId) -> Result<(), DashError> {
    let (ctx, location) = super::scope::current_location().await?;
    ctx.store.enqueue_test_event(&location.id, &endpoint_id).await?;
    Ok(())
}

#[cfg(feature = "ssr")]
fn view(endpoint: crate::store::webhooks::EndpointRecord) -> crate::model::WebhookEndpointView {
    crate::model::WebhookEndpointView {
        id: endpoint.id,
        url: endpoint.url,
        event_types: endpoint.event_types,
        enabled: endpoint.enabled,
    }
}
