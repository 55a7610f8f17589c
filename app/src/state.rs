//! What every request handler and server function can reach: the options, the store, the mode.

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

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
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
