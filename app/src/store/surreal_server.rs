//! SurrealDB's own server (`tools/surreal-server`) as a child process on a free loopback port,
//! with a root user, for the tests and `make bench`: in memory, or on a surrealkv directory that
//! outlives a stop and a start again (the fault tests). Stopped when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{DbUser, Store};

pub struct SurrealServer {
    child: Option<Child>,
    bin: PathBuf,
    port: u16,
    /// `memory`, or `surrealkv://DIR`.
    storage: String,
    pub url: String,
    pub user: DbUser,
}

impl SurrealServer {
    /// A server that keeps its data in memory.
    pub fn start() -> SurrealServer {
        SurrealServer::start_with("memory".to_owned())
    }

    /// A server that keeps its data in `dir` (surrealkv), where a later start finds it again.
    pub fn start_durable(dir: &Path) -> SurrealServer {
        SurrealServer::start_with(format!("surrealkv://{}", dir.display()))
    }

    fn start_with(storage: String) -> SurrealServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let user = DbUser { name: "root".into(), password: format!("test-{}", uuid::Uuid::new_v4()) };
        let mut server =
            SurrealServer { child: None, bin: binary(), port, storage, url: format!("ws://127.0.0.1:{port}"), user };
        server.start_again();
        server
    }

    /// Stops the server (as a crash would: killed), keeping its port and its data directory.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it (again) on the same port and storage, and waits until it listens.
    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "the SurrealDB server is running already");
        let child = Command::new(&self.bin)
            .args(["start", "--log", "error", "--no-banner", "--bind", &format!("127.0.0.1:{}", self.port)])
            .arg(&self.storage)
            // Credentials by environment, as a deployment passes them: never in the arguments.
            .env("SURREAL_USER", &self.user.name)
            .env("SURREAL_PASS", &self.user.password)
            .env("SURREAL_ONLINE_VERSION_CHECK", "false")
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("could not start {}: {err}", self.bin.display()));
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "the SurrealDB server did not start listening");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A migrated store on the server, signed in: one Parley server's connection.
    pub async fn store(&self) -> Store {
        let store = Store::open_as(&self.url, Some(&self.user)).await.expect("ws:// opens");
        store.migrate().await.expect("ws:// migrates");
        store
    }
}

impl Drop for SurrealServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The binary: `PARLEY_SURREAL_BIN` (`make test` builds it and says where), or else the debug
/// build in cargo's target directory.
fn binary() -> PathBuf {
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
    bin
}
