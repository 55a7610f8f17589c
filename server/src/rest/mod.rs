//! The REST API for integrators, under `/api/v1`: API-key auth scoped to one location, one JSON
//! error shape, and an OpenAPI 3.1 document generated from the handlers themselves.

mod auth;
mod broadcasts;
mod dto;
mod error;
mod extract;
mod handlers;

use axum::routing::{any, get};
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::store::blobs::Blobs;
use app::store::Store;
pub use auth::RateLimiter;
pub use dto::ApiAttachment;

/// What the REST handlers share.
#[derive(Clone)]
pub struct RestState {
    pub store: Store,
    pub blobs: Blobs,
    pub limiter: RateLimiter,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Parley API", description = "Booking-linked customer chat: threads and messages of one location, reached with that location's API key."),
    modifiers(&BearerAuth),
    security(("api_key" = [])),
    components(schemas(error::ErrorBody))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The routes under `/api/v1` and their OpenAPI document, built from the same list.
pub fn router(state: RestState) -> Router {
    let (routes, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(
            "/api/v1",
            OpenApiRouter::new()
                .routes(routes!(handlers::list_threads, handlers::create_thread))
                .routes(routes!(handlers::get_thread))
                .routes(routes!(handlers::list_thread_messages, handlers::post_thread_message))
                .routes(routes!(handlers::delete_thread_message))
                .routes(routes!(handlers::upload_file))
                .routes(routes!(handlers::get_file))
                .routes(routes!(handlers::list_messages))
                .routes(routes!(broadcasts::list_broadcasts))
                .routes(routes!(broadcasts::get_broadcast)),
        )
        .split_for_parts();
    routes
        .route("/api/v1/openapi.json", get(move || async move { Json(api) }))
        // Anything else under /api/v1 gets the API's error shape, not the site's 404 page.
        .route("/api/v1/{*rest}", any(|| async { error::ApiError::not_found() }))
        // A method a path does not take: 405 with `Allow` (axum adds it), in the same shape.
        .method_not_allowed_fallback(|| async { error::ApiError::method_not_allowed() })
        .with_state(state)
}
