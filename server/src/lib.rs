//! Parley's HTTP server: the router shared by `main` and the integration tests.

pub mod config;
pub mod origin;
pub mod router;

pub use router::router;
