//! The database: an embedded SurrealDB (surrealkv:// durable, mem:// for tests) or a remote one
//! (ws://), reached through `engine::any`. One file per table family; rows leave as `*Record`s
//! with typed ids (ids.rs).

mod changes;
mod database;
mod error;
mod explain;
mod ids;
pub mod keyset;
mod local_stamps;
mod migrate;
mod read_cache;
mod retry;
mod shared_stamps;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod two_servers;

pub mod api_keys;
pub mod attachments;
pub mod blobs;
pub mod bookings;
pub mod broadcasts;
#[cfg(any(test, feature = "bench"))]
pub mod bulk;
pub mod departures;
pub mod emails;
pub mod inbox;
pub mod locations;
pub mod messages;
pub mod notes;
pub mod reach;
pub mod saved_replies;
pub mod secrets;
pub mod seed;
pub mod sessions;
pub mod sign_in;
pub mod staff;
#[cfg(any(test, feature = "bench"))]
pub mod surreal_server;
pub mod sync;
pub mod threads;
pub mod typing;
pub mod unsend;
pub mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use surrealdb::engine::any;

use database::Database;
pub use error::StoreError;
use read_cache::ReadCache;
pub use shared_stamps::reads_as_one;

/// A handle on the database; cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Store {
    db: Database,
    /// Poll reads kept in memory, checked against the database's change stamps (read_cache.rs);
    /// `None` only for tests that compare with what the database holds.
    cache: Option<Arc<ReadCache>>,
}

/// How long opening the database may take before start-up gives up with an error.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a health check waits for the database: a load balancer asks often and wants a quick no.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// Migrations and bulk loads write many rows in one transaction.
pub(crate) const LONG_QUERY_TIMEOUT: Duration = Duration::from_secs(600);

impl Store {
    /// Opens `url` and selects Parley's namespace and database. An embedded surrealkv store is
    /// opened with `sync=every` (each commit is fsynced) unless the URL says otherwise.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_as(url, None).await
    }

    /// `open`, signed in as a database user first (a SurrealDB server with authentication on).
    pub async fn open_as(url: &str, user: Option<&DbUser>) -> Result<Store, StoreError> {
        let url = durable_url(url);
        let connect = async {
            let db = any::connect(url.as_str()).await?;
            if let Some(user) = user {
                // The SDK signs in again with these after a reconnect.
                let root = surrealdb::opt::auth::Root { username: user.name.clone(), password: user.password.clone() };
                db.signin(root).await?;
            }
            db.use_ns("parley").use_db("parley").await?;
            Ok::<_, surrealdb::Error>(db)
        };
        let db = tokio::time::timeout(CONNECT_TIMEOUT, connect)
            .await
            .map_err(|_| StoreError::Unavailable(format!("no answer within {CONNECT_TIMEOUT:?}")))??;
        let cache = ReadCache::new(is_embedded(&url));
        Ok(Store { db: Database::new(db), cache: Some(Arc::new(cache)) })
    }

    /// A fresh in-memory store with the schema applied: for tests.
    pub async fn open_in_memory() -> Result<Store, StoreError> {
        let store = Store::open("mem://").await?;
        store.migrate().await?;
        Ok(store)
    }

    /// The same database as another Parley server on a shared SurrealDB server sees it: a read
    /// cache of its own that reads the stamps from the database, or none at all, to read what the
    /// database holds.
    #[cfg(test)]
    pub(crate) fn as_another_server(&self, cached: bool) -> Store {
        Store { db: self.db.clone(), cache: cached.then(|| Arc::new(ReadCache::new(false))) }
    }

    /// The same store, with queries that may take up to `timeout` (database.rs says what the
    /// limit is for): longer for migrations and bulk loads, shorter for a health check.
    pub fn with_query_timeout(&self, timeout: Duration) -> Store {
        Store { db: self.db.with_timeout(timeout), cache: self.cache.clone() }
    }

    /// Whether the database answers a trivial query within `PING_TIMEOUT`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.with_query_timeout(PING_TIMEOUT).db.read("RETURN 1").await?.check()?;
        Ok(())
    }
}

/// Who Parley signs in as on a SurrealDB server (`PARLEY_DB_USER`, `PARLEY_DB_PASS`).
#[derive(Clone)]
pub struct DbUser {
    pub name: String,
    pub password: String,
}

impl std::fmt::Debug for DbUser {
    /// The password never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbUser").field("name", &self.name).finish_non_exhaustive()
    }
}

/// Whether only this process can write the database (so its writes are all there are).
fn is_embedded(url: &str) -> bool {
    ["mem://", "surrealkv://", "rocksdb://"].iter().any(|scheme| url.starts_with(scheme))
}

/// Adds `sync=every` to a surrealkv URL that does not choose a sync mode itself.
fn durable_url(url: &str) -> String {
    if !url.starts_with("surrealkv://") || url.contains("sync=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}sync=every")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrealkv_urls_get_full_sync() {
        assert_eq!(durable_url("surrealkv://data/p.db"), "surrealkv://data/p.db?sync=every");
        assert_eq!(durable_url("surrealkv://p?versioned=true"), "surrealkv://p?versioned=true&sync=every");
        assert_eq!(durable_url("surrealkv://p?sync=never"), "surrealkv://p?sync=never");
        assert_eq!(durable_url("mem://"), "mem://");
        assert_eq!(durable_url("ws://127.0.0.1:8000"), "ws://127.0.0.1:8000");
    }

    #[test]
    fn only_embedded_databases_keep_their_stamps_in_memory() {
        assert!(is_embedded("mem://") && is_embedded("surrealkv://data/p.db?sync=every"));
        assert!(!is_embedded("ws://127.0.0.1:8000") && !is_embedded("wss://db.example.com"));
    }

    #[tokio::test]
    async fn opens_and_answers() {
        let store = Store::open_in_memory().await.unwrap();
        store.ping().await.unwrap();
    }

    #[tokio::test]
    async fn clones_share_one_database_session() {
        let store = Store::open_in_memory().await.unwrap();
        let per_request = store.clone();
        assert!(store.db.same_as(&per_request.db), "a clone must not open a SurrealDB session");
    }

    #[tokio::test]
    async fn an_unknown_scheme_is_an_error() {
        assert!(Store::open("nosuch://x").await.is_err());
    }
}
