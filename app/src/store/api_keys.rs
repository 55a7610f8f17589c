//! API keys for the REST API: one location each, shown once, stored as a hash, revocable.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::changes::Scope;
use super::ids::Record;
use super::secrets::{new_token, token_hash};
use super::{Store, StoreError};
use crate::ids::{ApiKeyId, LocationId};

#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct ApiKeyRecord {
    pub id: ApiKeyId,
    #[surreal(rename = "location")]
    pub location_id: LocationId,
    pub name: String,
    /// The key's first characters, so a business can tell its keys apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Store {
    /// A new key for a location; the returned secret ("pk_…") is never stored.
    pub async fn create_api_key(
        &self,
        location_id: &LocationId,
        name: &str,
    ) -> Result<(ApiKeyRecord, String), StoreError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(StoreError::Invalid("Give the key a name of 1 to 80 characters.".into()));
        }
        let secret = format!("pk_{}", new_token());
        let sql = "CREATE ONLY api_key CONTENT { location: $location, name: $name, key_hash: $hash, prefix: $prefix,
                       created_at: time::now() }";
        let row: Option<ApiKeyRecord> = self
            .write(&[Scope::Table("api_key")], sql, |q| {
                q.bind(("location", location_id.record()))
                    .bind(("name", name.to_owned()))
                    .bind(("hash", token_hash(&secret)))
                    .bind(("prefix", secret[..10].to_owned()))
            })
            .await?
            .take(0)?;
        Ok((row.ok_or(StoreError::NotFound)?, secret))
    }

    pub async fn api_keys(&self, location_id: &LocationId) -> Result<Vec<ApiKeyRecord>, StoreError> {
        Ok(self
            .db
            .read("SELECT * FROM api_key WHERE location = $location ORDER BY created_at")
            .bind(("location", location_id.record()))
            .await?
            .take(0)?)
    }

    pub async fn revoke_api_key(&self, location_id: &LocationId, id: &ApiKeyId) -> Result<(), StoreError> {
        let sql = "UPDATE ONLY $id SET revoked_at = time::now() WHERE location = $location AND revoked_at = NONE RETURN AFTER";
        let row: Option<ApiKeyRecord> = self
            .write(&[Scope::Table("api_key")], sql, |q| {
                q.bind(("id", id.record())).bind(("location", location_id.record()))
            })
            .await?
            .take(0)?;
        row.map(|_| ()).ok_or(StoreError::NotFound)
    }

    /// The location a presented key opens, if it is a live key.
    pub async fn api_key_location(&self, secret: &str) -> Result<Option<LocationId>, StoreError> {
        if !secret.starts_with("pk_") || secret.len() > 200 {
            return Ok(None);
        }
        Ok(self
            .db
            .read("SELECT VALUE location FROM api_key WHERE key_hash = $hash AND revoked_at = NONE LIMIT 1")
            .bind(("hash", token_hash(secret)))
            .await?
            .take(0)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keys_open_their_location_until_revoked() {
        let store = Store::open_in_memory().await.unwrap();
        let location = store.create_location("Harbour", "UTC").await.unwrap();
        let other = store.create_location("Elsewhere", "UTC").await.unwrap();
        let (key, secret) = store.create_api_key(&location.id, " Booking system ").await.unwrap();
        assert_eq!(key.name, "Booking system");
        assert!(secret.starts_with("pk_") && secret.starts_with(&key.prefix));
        assert_eq!(store.api_key_location(&secret).await.unwrap(), Some(location.id.clone()));
        assert_eq!(store.api_key_location("pk_nope").await.unwrap(), None);
        let mut r = store.db.read("SELECT VALUE key_hash FROM api_key").await.unwrap();
        assert_eq!(r.take::<Vec<String>>(0).unwrap(), vec![token_hash(&secret)], "only the hash is kept");
        assert!(
            matches!(store.revoke_api_key(&other.id, &key.id).await, Err(StoreError::NotFound)),
            "not another location's"
        );
        store.revoke_api_key(&location.id, &key.id).await.unwrap();
        assert_eq!(store.api_key_location(&secret).await.unwrap(), None);
        assert!(matches!(store.create_api_key(&location.id, "  ").await, Err(StoreError::Invalid(_))));
    }
}
