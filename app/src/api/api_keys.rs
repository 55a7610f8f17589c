//! Settings → API keys: the current location's keys for the REST API.

use leptos::prelude::*;

use super::dash_error::DashError;
use crate::ids::ApiKeyId;
use crate::model::{ApiKeyView, CreatedApiKeyView};

#[server(endpoint = "api_keys")]
pub async fn list_api_keys() -> Result<Vec<ApiKeyView>, DashError> {
    let (ctx, location) = super::scope::current_location().await?;
    Ok(ctx.store.api_keys(&location.id).await?.into_iter().map(view).collect())
}

/// A new key; the answer carries the key itself, which is never shown again.
#[server(endpoint = "create_api_key")]
pub async fn create_api_key(name: String) -> Result<CreatedApiKeyView, DashError> {
    let (ctx, location) = super::scope::current_location().await?;
    let (key, secret) = ctx.store.create_api_key(&location.id, &name).await?;
    Ok(CreatedApiKeyView { key: view(key), secret })
}

#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(key_id: ApiKeyId) -> Result<(), DashError> {
    let (ctx, location) = super::scope::current_location().await?;
    ctx.store.revoke_api_key(&location.id, &key_id).await?;
    Ok(())
}

#[cfg(feature = "ssr")]
fn view(key: crate::store::api_keys::ApiKeyRecord) -> ApiKeyView {
    ApiKeyView { id: key.id, name: key.name, prefix: key.prefix, revoked: key.revoked_at.is_some() }
}
