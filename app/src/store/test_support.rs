//! Test helpers: the same store tests run on mem://, on a temporary durable surrealkv:// path and on a
//! real SurrealDB server over ws://.
//!
//! A router test was once seen waiting forever with every worker of the embedded engine's own
//! thread pool parked. In SurrealDB 3.3 that pool (affinitypool, "surrealdb-threadpool") serves
//! only COUNT for mem:// and surrealkv://; the pool's known lost-wakeup bugs are fixed in the
//! version locked here (0.8), and its one setting (SURREAL_KVS_THREADPOOL_SIZE) cannot turn it off.
//! So nothing Parley runs counts with count() (tests use array::len; only migration 4 counts, once,
//! on a database that already had threads), and every test has a time limit (.config/nextest.toml).

use std::path::PathBuf;

use super::bookings::tests::booking_fixture;
use super::bookings::BookingRecord;
pub(crate) use super::surreal_server::SurrealServer;
use super::Store;

/// A surrealkv database in a fresh temporary directory, removed when dropped.
pub(crate) struct TempDir(pub PathBuf);

impl TempDir {
    pub(crate) fn new() -> TempDir {
        let dir = std::env::temp_dir().join(format!("parley-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("can create a temporary directory");
        TempDir(dir)
    }

    pub(crate) fn url(&self) -> String {
        format!("surrealkv://{}", self.0.join("db").display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What keeps a backend's database alive for a test: a directory, or a server process. Only
/// held, for what dropping it does.
#[allow(dead_code)]
pub(crate) enum Kept {
    Dir(TempDir),
    Server(SurrealServer),
}

/// A migrated store on each backend: mem://, a temporary surrealkv:// path, and a real SurrealDB
/// server over ws:// (authentication on), each kept until the returned value is dropped.
pub(crate) async fn backends() -> Vec<(&'static str, Store, Option<Kept>)> {
    let dir = TempDir::new();
    let durable = Store::open(&dir.url()).await.expect("surrealkv opens");
    durable.migrate().await.expect("surrealkv migrates");
    let server = SurrealServer::start();
    let remote = server.store().await;
    vec![
        ("mem", Store::open_in_memory().await.expect("mem opens"), None),
        ("surrealkv", durable, Some(Kept::Dir(dir))),
        ("ws", remote, Some(Kept::Server(server))),
    ]
}

pub(crate) async fn thread_fixture(store: &Store, code: &str) -> (BookingRecord, super::threads::ThreadRecord) {
    let (_, _, booking) = booking_fixture(store, code).await;
    let (thread, created) = store.get_or_create_thread(&booking.id, chrono::Utc::now()).await.unwrap();
    assert!(created);
    (booking, thread)
}

/// A fixed moment plus `minutes`: store tests pass the time in and never read the clock.
pub(crate) fn at(minutes: i64) -> chrono::DateTime<chrono::Utc> {
    "2026-11-24T09:00:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap() + chrono::Duration::minutes(minutes)
}

/// One message in `thread` from `side` at `at(minute)`, with a client id of its own.
pub(crate) async fn say(
    store: &Store,
    thread: &crate::ids::ThreadId,
    side: crate::model::SenderType,
    body: &str,
    files: &[crate::ids::AttachmentId],
    minute: i64,
) -> super::messages::MessageRecord {
    let client_id = uuid::Uuid::new_v4().to_string();
    let new = super::messages::NewMessage {
        thread_id: thread,
        sender_type: side,
        staff_id: None,
        sender_name: "Someone",
        body,
        files,
        client_id: &client_id,
        at: at(minute),
    };
    store.append_message(new).await.unwrap().message
}
