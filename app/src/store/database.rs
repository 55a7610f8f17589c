//! The one way into the database. A query that only reads goes through `Database::read`; every
//! write goes through `Store::write`, which names what the write changes and records new stamps for
//! it in the write's own transaction, ending the kept reads that depend on it on every server
//! (changes.rs, read_cache.rs). No other path reaches the connection, and in
//! debug builds (every test) `read` refuses a query that writes, so a new write cannot skip naming
//! what it changes.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use surrealdb::engine::any::Any;
use surrealdb::method::{IntoVariables, Query};
use surrealdb::types::ConnectionError;
use surrealdb::{IndexedResults, Surreal};

use super::changes::{stamping, within_transaction, Scope};
use super::Store;

/// How long a query may go unanswered before it fails as `StoreError::Unavailable`. A SurrealDB
/// server that went away leaves the client waiting for its reconnect; a request should rather
/// answer "try again" (an unanswered write either committed whole or not at all, and its retry
/// with the same client id stores it once).
pub(crate) const QUERY_TIMEOUT: Duration = Duration::from_secs(10);

/// The connection, shared: each clone of a `Surreal` handle would open a new SurrealDB session
/// (and its drop queue the session's removal), which per request piled up memory under load.
#[derive(Clone)]
pub(crate) struct Database {
    connection: Arc<Surreal<Any>>,
    timeout: Duration,
    location_writes: Arc<LocationWrites>,
}

/// Writes to one location's scope, one at a time in this process. Each moves the location's stamp
/// (its count of writes), one row, so concurrent ones conflict in the database and all but one
/// start over: with 200 senders at one location most gave up after 60 attempts (measured). Taking
/// turns here first leaves conflicts only between servers. Striped by location, fixed memory.
struct LocationWrites(Box<[tokio::sync::Mutex<()>]>);

impl LocationWrites {
    fn new() -> Self {
        LocationWrites((0..256).map(|_| tokio::sync::Mutex::new(())).collect())
    }

    fn of(&self, location_id: &str) -> &tokio::sync::Mutex<()> {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut hasher = DefaultHasher::new();
        location_id.hash(&mut hasher);
        &self.0[(hasher.finish() % self.0.len() as u64) as usize]
    }
}

impl Database {
    pub(crate) fn new(db: Surreal<Any>) -> Self {
        Database { connection: Arc::new(db), timeout: QUERY_TIMEOUT, location_writes: Arc::new(LocationWrites::new()) }
    }

    /// The same connection, with queries that may take up to `timeout`.
    pub(crate) fn with_timeout(&self, timeout: Duration) -> Self {
        Database { timeout, ..self.clone() }
    }

    /// A query that only reads.
    pub(crate) fn read(&self, sql: impl Into<String>) -> Bounded<'_> {
        let sql = sql.into();
        debug_assert!(!writes(&sql), "a write must go through Store::write, naming what it changes: {sql}");
        Bounded { query: self.connection.query(sql), timeout: self.timeout }
    }

    /// Whether two handles share one connection.
    #[cfg(test)]
    pub(crate) fn same_as(&self, other: &Database) -> bool {
        Arc::ptr_eq(&self.connection, &other.connection)
    }

    /// Writes without moving a stamp, as no write through a store does: for tests that show a
    /// kept read answering from memory.
    #[cfg(test)]
    pub(crate) fn behind_the_stores_back(&self, sql: &str) -> Query<'_, Any> {
        self.connection.query(sql.to_owned())
    }
}

/// A query that fails as a lost connection when the database does not answer within its time.
pub(crate) struct Bounded<'a> {
    query: Query<'a, Any>,
    timeout: Duration,
}

impl Bounded<'_> {
    pub(crate) fn bind(self, variables: impl IntoVariables) -> Self {
        Bounded { query: self.query.bind(variables), ..self }
    }
}

impl<'a> IntoFuture for Bounded<'a> {
    type Output = Result<IndexedResults, surrealdb::Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(within(self.timeout, self.query.into_future()))
    }
}

async fn within(
    timeout: Duration,
    answer: impl Future<Output = Result<IndexedResults, surrealdb::Error>>,
) -> Result<IndexedResults, surrealdb::Error> {
    tokio::time::timeout(timeout, answer).await.unwrap_or_else(|_| {
        let message = format!("the database did not answer within {timeout:?}");
        Err(surrealdb::Error::connection(message, ConnectionError::ConnectionFailed))
    })
}

impl Store {
    /// Runs a query that writes `changes` (with its parameters bound by `bind`), with new stamps
    /// for them in the same transaction: it ends every kept read of them, on every server, if it
    /// commits (and this server's memory mirror of them in any case, read_cache.rs).
    pub(crate) async fn write(
        &self,
        changes: &[Scope<'_>],
        sql: impl Into<String>,
        bind: impl FnOnce(Query<'_, Any>) -> Query<'_, Any>,
    ) -> Result<IndexedResults, surrealdb::Error> {
        let sql = sql.into();
        let connection = &self.db.connection;
        let Some((stamp, rows)) = stamping(changes) else {
            return within(self.db.timeout, bind(connection.query(sql)).into_future()).await;
        };
        let query = bind(connection.query(within_transaction(&sql, stamp)).bind(("changed_scopes", rows.clone())));
        let location = changes.iter().find_map(|scope| match scope {
            Scope::Location(id) => Some(*id),
            _ => None,
        });
        let _turn = match location {
            Some(id) => Some(self.db.location_writes.of(id).lock().await),
            None => None,
        };
        let result = within(self.db.timeout, query.into_future()).await;
        // Whether or not it succeeded: a call that failed may still have committed.
        self.stamps_moved(&rows);
        result
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
    use chrono::Utc;
    use tokio::task::JoinSet;

    use super::writes;
    use crate::model::SenderType;
    use crate::store::bookings::tests::{another_booking, booking_fixture};
    use crate::store::retry::counting_conflicts;
    use crate::store::test_support::{backends, say};

    /// Concurrent sends to one location's threads each move the location's stamp, one row: in one
    /// process they take turns (`LocationWrites`) instead of losing conflicts and starting over.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn writes_to_one_location_take_turns_instead_of_conflicting() {
        for (backend, store, _kept) in backends().await {
            let (location, customer, first) = booking_fixture(&store, "TURNS-0000").await;
            let mut threads = vec![store.get_or_create_thread(&first.id, Utc::now()).await.unwrap().0];
            for n in 1..16 {
                let booking = another_booking(&store, &location, &customer, &format!("TURNS-{n:04}")).await;
                threads.push(store.get_or_create_thread(&booking.id, Utc::now()).await.unwrap().0);
            }
            let mut sends = JoinSet::new();
            for thread in &threads {
                let (store, thread_id) = (store.clone(), thread.id.clone());
                sends.spawn(counting_conflicts(async move {
                    for minute in 0..3 {
                        say(&store, &thread_id, SenderType::Customer, "Hello", &[], minute).await;
                    }
                }));
            }
            let mut conflicts = 0;
            while let Some(sent) = sends.join_next().await {
                conflicts += sent.unwrap().1;
            }
            assert_eq!(conflicts, 0, "{backend}");
            for thread in &threads {
                assert_eq!(store.read_thread(&thread.id).await.unwrap().unwrap().last_seq, 3, "{backend}");
            }
        }
    }

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
