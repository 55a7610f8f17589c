//! Versioned schema migrations, applied at start-up. Each runs in one transaction together with
//! the version bump, so a crash leaves either all of it or none; re-running is a no-op.

use surrealdb::types::SurrealValue;

use super::changes::Scope;
use super::error::first_cause;
use super::{Store, StoreError};

/// Every migration, in order; a migration's version is its position plus one. Append, never edit.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_schema.surql"),
    include_str!("migrations/002_webhooks.surql"),
    include_str!("migrations/003_api_keys.surql"),
    include_str!("migrations/004_unread_counts.surql"),
    include_str!("migrations/005_inbox_rank.surql"),
    include_str!("migrations/006_inbox_rank_index.surql"),
    include_str!("migrations/007_thread_stamps.surql"),
    include_str!("migrations/008_email_alerts.surql"),
    include_str!("migrations/009_attachments.surql"),
    include_str!("migrations/010_unsend.surql"),
    include_str!("migrations/011_saved_replies.surql"),
    include_str!("migrations/012_notes.surql"),
    include_str!("migrations/013_typing.surql"),
    include_str!("migrations/014_broadcasts.surql"),
    include_str!("migrations/015_change_stamps.surql"),
];

#[derive(SurrealValue)]
struct SchemaVersionRecord {
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
        let long = self.with_query_timeout(super::LONG_QUERY_TIMEOUT);
        let mut current = self.schema_version().await?;
        for (index, script) in MIGRATIONS.iter().enumerate().take(target) {
            let version = index as i64 + 1;
            if version <= current {
                continue;
            }
            let sql = format!(
                "BEGIN TRANSACTION;
                 DEFINE TABLE IF NOT EXISTS meta SCHEMAFULL;
                 DEFINE FIELD IF NOT EXISTS version ON meta TYPE int;
                 {script}
                 UPSERT meta:schema CONTENT {{ version: {version} }};
                 COMMIT TRANSACTION;"
            );
            let applied = long
                .write(&[Scope::Anything], sql, |q| q)
                .await
                .map_err(StoreError::from)
                .and_then(|r| first_cause(r).map(|_| ()).map_err(StoreError::from));
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
        // A new database has no meta table yet: then it is at version 0.
        let answer = self.db.read("SELECT version FROM ONLY meta:schema").await?.take(0);
        let row: Option<SchemaVersionRecord> = match answer {
            Ok(row) => row,
            Err(err) if err.is_not_found() => None,
            Err(err) => return Err(err.into()),
        };
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

    /// Threads as a version-3 or version-4 server wrote them (no inbox_rank), at a new location:
    /// (thread key, minutes ago, unread customer messages).
    async fn old_threads(store: &Store, threads: &[(&str, i64, i64)]) -> crate::ids::LocationId {
        let location: Option<surrealdb::types::RecordId> = store
            .db
            .behind_the_stores_back("CREATE ONLY location CONTENT { name: 'Old', timezone: 'UTC' } RETURN VALUE id")
            .await
            .unwrap()
            .take(0)
            .unwrap();
        let location = location.unwrap();
        for &(key, minutes_ago, unread) in threads {
            store
                .db
                .behind_the_stores_back(
                    "LET $at = time::now() - <duration> string::concat(<string> $ago, 'm');
                     CREATE $thread CONTENT { booking: $booking, location: $location, created_at: $at,
                         updated_at: $at, last_message_at: $at, unread_for_operator: $unread };",
                )
                .bind(("thread", crate::store::ids::record("thread", key)))
                .bind(("booking", crate::store::ids::record("booking", key)))
                .bind(("location", location.clone()))
                .bind(("ago", minutes_ago))
                .bind(("unread", unread))
                .await
                .unwrap()
                .check()
                .unwrap();
        }
        crate::ids::LocationId::new(crate::store::ids::key(&location))
    }

    /// Version 4 counts the unread threads a database already had.
    #[tokio::test]
    async fn the_unread_count_migration_counts_existing_threads() {
        let store = Store::open("mem://").await.unwrap();
        store.migrate_to(3).await.unwrap();
        let location = old_threads(&store, &[("a", 5, 2), ("b", 4, 0), ("c", 3, 1)]).await;
        store.migrate().await.unwrap();
        assert_eq!(store.unread_thread_count(&location).await.unwrap(), 2);
    }

    /// Version 5 ranks the threads a database already had in the order they had.
    #[tokio::test]
    async fn the_inbox_order_migration_keeps_the_order() {
        let store = Store::open("mem://").await.unwrap();
        store.migrate_to(4).await.unwrap();
        let location = old_threads(&store, &[("a", 30, 0), ("b", 10, 0), ("c", 20, 1), ("d", 40, 0)]).await;
        store.migrate().await.unwrap();
        // The threads have no bookings, so the inbox's query (which reads them along) is not used here;
        // this is its order.
        let order: Vec<surrealdb::types::RecordId> = store
            .db
            .read("SELECT VALUE id FROM thread WHERE location = $location ORDER BY inbox_rank, id")
            .bind(("location", crate::store::ids::record("location", &location)))
            .await
            .unwrap()
            .take(0)
            .unwrap();
        let order: Vec<String> = order.iter().map(crate::store::ids::key).collect();
        assert_eq!(order, ["b", "c", "a", "d"]);
    }

    #[tokio::test]
    async fn schema_is_enforced() {
        let store = Store::open_in_memory().await.unwrap();
        // A field the schema does not know is refused.
        let mut r = store
            .db
            .behind_the_stores_back("CREATE location CONTENT { name: 'x', timezone: 'UTC', colour: 'red' }")
            .await
            .unwrap();
        assert!(r.take_errors().len() == 1);
        // A wrong type is refused.
        let mut r =
            store.db.behind_the_stores_back("CREATE location CONTENT { name: 1, timezone: 'UTC' }").await.unwrap();
        assert!(r.take_errors().len() == 1);
    }
}
