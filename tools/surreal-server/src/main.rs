//! `surreal-server start --user … --pass … --bind 127.0.0.1:PORT memory` (or `surrealkv://DIR`):
//! SurrealDB's own server, as its `surreal` binary runs it. `init` builds its own runtime, so
//! `main` is a plain function.

// The release build lays out SurrealDB's deeply nested async query code, which takes more than
// the default 128 (SurrealDB's own binary sets the same).
#![recursion_limit = "256"]

fn main() -> std::process::ExitCode {
    surrealdb_server::init(surrealdb_server::core::CommunityComposer())
}
