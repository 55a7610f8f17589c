//! The one way into the database. A query that only reads goes through `Database::read`; every
//! write goes through `Store::write`, which names what the write changes and records new stamps for
//! it in the write's own transaction, ending the kept reads that depend on it on every server
//! (changes.rs, read_cache.rs). No other path reaches the connection, and in
//! debug builds (every test) `read` refuses a query that writes, so a new write cannot skip naming
//! what it changes.

use std::sync::Arc;

use surrealdb::engine::any::Any;
use surrealdb::method::Query;
use surrealdb::{IndexedResults, Surreal};

use super::changes::{stamping, within_transaction, Scope};
use super::Store;

/// The connection, shared: each clone of a `Surreal` handle would open a new SurrealDB session
/// (and its drop queue the session's removal), which per request piled up memory under load.
#[derive(Clone)]
pub(crate) struct Database(Arc<Surreal<Any>>);

impl Database {
    pub(crate) fn new(db: Surreal<Any>) -> Self {
        Database(Arc::new(db))
    }

    /// A query that only reads.
    pub(crate) fn read(&self, sql: impl Into<String>) -> Query<'_, Any> {
        let sql = sql.into();
        debug_assert!(!writes(&sql), "a write must go through Store::write, naming what it changes: {sql}");
        self.0.query(sql)
    }

    /// Whether two handles share one connection.
    #[cfg(test)]
    pub(crate) fn same_as(&self, other: &Database) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// Writes without moving a stamp, as no write through a store does: for tests that show a
    /// kept read answering from memory.
    #[cfg(test)]
    pub(crate) fn behind_the_stores_back(&self, sql: &str) -> Query<'_, Any> {
        self.0.query(sql.to_owned())
    }
}

impl Store {
    /// Runs a query that writes `changes` (with its parameters bound by `bind`), with new stamps
    /// for them in the same transaction: it ends every kept read of them if and only if it commits.
    pub(crate) async fn write(
        &self,
        changes: &[Scope<'_>],
        sql: impl Into<String>,
        bind: impl FnOnce(Query<'_, Any>) -> Query<'_, Any>,
    ) -> Result<IndexedResults, surrealdb::Error> {
        let sql = sql.into();
        match stamping(changes) {
            Some((stamp, rows)) => {
                bind(self.db.0.query(within_transaction(&sql, stamp)).bind(("changed_scopes", rows))).await
            }
            None => bind(self.db.0.query(sql)).await,
        }
    }
}

/// Whether SurrealQL text has a statement that writes (or defines).
fn writes(sql: &str) -> bool {
    const WRITING: [&str; 9] =
        ["CREATE", "UPDATE", "UPSERT", "DELETE", "INSERT", "RELATE", "DEFINE", "REMOVE", "REBUILD"];
    sql.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .any(|word| WRITING.iter().any(|w| word.eq_ignore_ascii_case(w)))
}

#[cfg(test)]
mod tests {
    use super::writes;

    #[test]
    fn writing_statements_are_told_from_reads() {
        for sql in [
            "CREATE thread CONTENT {}",
            "update $t SET a = 1",
            "BEGIN; UPSERT x; COMMIT;",
            "DELETE $id",
            "DEFINE TABLE t",
        ] {
            assert!(writes(sql), "{sql}");
        }
        for sql in ["SELECT * FROM thread WHERE updated_at > $at", "SELECT VALUE id FROM created_things", "RETURN 1"] {
            assert!(!writes(sql), "{sql}");
        }
    }
}
