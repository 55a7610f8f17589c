//! Versioned schema migrations, applied at start-up. Each runs in one transaction together with
//! the version bump, so a crash leaves either all of it or none; re-running is a no-op.

use surrealdb::types::SurrealValue;

use super::error::first_cause;
use super::{Store, StoreError};

/// Every migration, in order; a migration's version is its position plus one. Append, never edit.
const MIGRATIONS: &[&str] = &[
    include_str!("schema.surql"),
    include_str!("webhooks.surql"),
    include_str!("api_keys.surql"),
    include_str!("unread_counts.surql"),
];

#[derive(SurrealValue)]
struct SchemaVersion {
    version: i64,
}

impl Store {
    /// Brings the schema up to the latest version.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.migrate_to(MIGRATIONS.len()).await
    }

    /// Applies the migrations up to `target` (a version); tests use it to stand where an older
    /// server left a database.
    pub(crate) async fn migrate_to(&self, target: usize) -> Result<(), StoreError> {
        let mut current = self.schema_version().await?;
        for (index, script) in MIGRATIONS.iter().enumerate().take(target) {
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

    /// Version 4 counts the unread threads a database already had.
    #[tokio::test]
    async fn the_unread_count_migration_counts_existing_threads() {
        use crate::store::seed::{seed_demo, DEMO_PORTAL_TOKEN};
        let store = Store::open("mem://").await.unwrap();
        store.migrate_to(3).await.unwrap();
        seed_demo(&store).await.unwrap();
        let location = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap().location.id;
        store.migrate().await.unwrap();
        let mut counted = store
            .db
            .query("SELECT VALUE count() FROM thread WHERE location = $l AND unread_for_operator > 0 GROUP ALL")
            .bind(("l", crate::store::ids::record("location", &location)))
            .await
            .unwrap();
        let counted: Option<i64> = counted.take(0).unwrap();
        assert_eq!(counted, Some(2), "the demo's kayak location has two unread threads");
        assert_eq!(store.unread_thread_count(&location).await.unwrap(), 2);
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
