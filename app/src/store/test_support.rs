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

/// SurrealDB's own server (`tools/surreal-server`) on a free loopback port, in memory, with a
/// root user; stopped when dropped. `PARLEY_SURREAL_BIN` names the binary (`make test` builds
/// it); otherwise it is looked for in cargo's target directory.
pub(crate) struct SurrealServer {
    child: std::process::Child,
    pub(crate) url: String,
    pub(crate) user: super::DbUser,
}

impl SurrealServer {
    pub(crate) fn start() -> SurrealServer {
        let bin = std::env::var("PARLEY_SURREAL_BIN").map(PathBuf::from).unwrap_or_else(|_| {
            let target = std::env::var("CARGO_TARGET_DIR")
                .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target").into());
            PathBuf::from(target).join("debug/surreal-server")
        });
        assert!(
            bin.exists(),
            "no SurrealDB server at {}: `make test` builds it (cargo build -p surreal-server)",
            bin.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let user = super::DbUser { name: "root".into(), password: format!("test-{}", uuid::Uuid::new_v4()) };
        let child = std::process::Command::new(&bin)
            .args(["start", "--log", "error", "--no-banner", "--bind", &format!("127.0.0.1:{port}"), "memory"])
            // Credentials by environment, as a deployment passes them: never in the arguments.
            .env("SURREAL_USER", &user.name)
            .env("SURREAL_PASS", &user.password)
            .env("SURREAL_ONLINE_VERSION_CHECK", "false")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("could not start {}: {err}", bin.display()));
        let server = SurrealServer { child, url: format!("ws://127.0.0.1:{port}"), user };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "the SurrealDB server did not start listening");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        server
    }

    /// A migrated store on the server, signed in.
    pub(crate) async fn store(&self) -> Store {
        let store = Store::open_as(&self.url, Some(&self.user)).await.expect("ws:// opens");
        store.migrate().await.expect("ws:// migrates");
        store
    }
}

impl Drop for SurrealServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A booking with its thread, ready for messages.
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
