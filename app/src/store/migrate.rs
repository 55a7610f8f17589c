//! Versioned schema migrations, applied at start-up. Each runs in one transaction together with
//! the version bump, so a crash leaves either all of it or none; re-running is a no-op.

use surrealdb::types::SurrealValue;

use super::error::first_cause;
use super::{Store, StoreError};

/// Every migration, in order; a migration's version is its position plus one. Append, never edit.
const MIGRATIONS: &[&str] = &[include_str!("schema.surql"), include_str!("webhooks.surql"), include_str!("api_keys.surql")];

#[derive(SurrealValue)]
struct SchemaVersion {
    version: i64,
}

impl Store {
    /// Brings the schema up to the latest version.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let mut current = self.schema_version().await?;
        for (index, script) in MIGRATIONS.iter().enumerate() {
            let version = index as i64 + 1;
            if version <= current {
                continue;
            }
            let sql = format!(
                "BEGIN TRANSACTION;\n{script}\nUPSERT meta:schema CONTENT {{ version: {version} }};\nCOMMIT TRANSACTION;"
            );
            let applied = self.db.query(sql).await.map_err(StoreError::from).and_then(|r| {
                first_cause(r).map(|_| ()).map_err(StoreError::from)
            });
            if let Err(err) = applied {
                // Another server may have applied it at the same moment: that is fine.
                if self.schema_version().await? >= version {
                    continue;
                }
                return Err(err);
            }
            tracing::info!(version, "applied schema migration");
            current = version;
        }
        Ok(())
    }

    /// The schema version recorded in the database; 0 for a new database.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        // The meta table itself is defined here, so a new database can be asked too.
        let mut response = self
            .db
            .query(
                "DEFINE TABLE IF NOT EXISTS meta SCHEMAFULL;
                 DEFINE FIELD IF NOT EXISTS version ON meta TYPE int;
                 SELECT version FROM ONLY meta:schema;",
            )
            .await?;
        let row: Option<SchemaVersion> = response.take(2)?;
        Ok(row.map_or(0, |r| r.version))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn migrates_once_and_is_idempotent() {
        let store = Store::open("mem://").await.unwrap();
        assert_eq!(store.schema_version().await.unwrap(), 0);
        store.migrate().await.unwrap();
        assert_eq!(store.schema_version().await.unwrap(), MIGRATIONS.len() as i64);
        store.migrate().await.unwrap();
        assert_eq!(store.schema_version().await.unwrap(), MIGRATIONS.len() as i64);
    }

    #[tokio::test]
    async fn schema_is_enforced() {
        let store = Store::open_in_memory().await.unwrap();
        // A field the schema does not know is refused.
        let mut r = store.db.query("CREATE location CONTENT { name: 'x', timezone: 'UTC', colour: 'red' }").await.unwrap();
        assert!(r.take_errors().len() == 1);
        // A wrong type is refused.
        let mut r = store.db.query("CREATE location CONTENT { name: 1, timezone: 'UTC' }").await.unwrap();
        assert!(r.take_errors().len() == 1);
    }
}
