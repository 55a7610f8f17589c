//! Parley's HTTP server: the router shared by `main` and the integration tests.

pub mod assets;
pub mod config;
pub mod files;
pub mod mail;
pub mod origin;
pub mod rest;
pub mod retry;
pub mod router;
pub mod security_headers;
pub mod unsubscribe;
pub mod webhooks;

pub use router::router;
