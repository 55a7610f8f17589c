//! What every request handler and server function can reach: the options, the store, the mode.

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use crate::store::blobs::Blobs;
use crate::store::Store;

/// Shared, cheap to clone. `leptos_routes_with_context` provides it as context to every page and
/// server function, so `expect_context::<AppState>()` works in both.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    /// Started with demo data: the start page lists the demo's links and logins.
    pub demo: bool,
    /// Webhook endpoints may point at loopback and private addresses (tests, local development).
    pub allow_private_webhooks: bool,
    /// How many REST API requests a key may make.
    pub api_limit: RateLimit,
    /// Email goes out through SMTP; without it, what would be sent is only logged.
    pub sends_email: bool,
    /// Where files' bytes live (`main` sets the configured store; tests keep them in memory).
    pub blobs: Blobs,
}

/// A token bucket: `burst` requests at once, refilled at `per_second`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub burst: u32,
    pub per_second: u32,
}

impl AppState {
    /// The production settings: no demo, no private webhook addresses.
    pub fn new(leptos_options: LeptosOptions, store: Store) -> Self {
        AppState {
            leptos_options,
            store,
            demo: false,
            allow_private_webhooks: false,
            api_limit: RateLimit { burst: 60, per_second: 20 },
            sends_email: false,
            blobs: Blobs::in_memory(),
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
