//! Every route the server answers: pages and server functions from `app`, health, static files.

use app::state::AppState;
use app::{portal_shell, shell, App};
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};

/// The whole application as one axum `Router`: pages, server functions and the REST API.
/// `main` serves it and the tests call it directly.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let rest = crate::rest::router(crate::rest::RestState {
        store: state.store.clone(),
        blobs: state.blobs.clone(),
        limiter: crate::rest::RateLimiter::new(state.api_limit.burst, state.api_limit.per_second),
    });
    let pages = Router::new()
        .route("/healthz", get(healthz))
        .route("/api/ping", get(ping))
        .route("/portal/{token}/unsubscribe", post(crate::unsubscribe::one_click))
        .route("/portal/{token}", get(portal_page))
        .merge(crate::files::routes())
        .leptos_routes(&state, routes, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .nest_service(
            &format!("/{}", state.leptos_options.site_pkg_dir),
            crate::assets::pkg_files(&state.leptos_options),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(crate::origin::same_origin_only))
        .layer(crate::assets::compress_pages())
        .with_state(state);
    // The REST API authenticates by key, never by cookie, so it needs no Origin check.
    rest.merge(pages)
        .layer(middleware::from_fn(crate::security_headers::security_headers))
        .layer(middleware::from_fn(reads_as_one))
}

/// A request's reads check each change stamp of a shared database once (`app::store::reads_as_one`):
/// a poll then waits for one stamp read, not one per value it reads.
async fn reads_as_one(request: Request, next: Next) -> Response {
    app::store::reads_as_one(next.run(request)).await
}

/// `/portal/{token}`, outside the app's router: loaded first, then rendered with its own document
/// and bundle (`app::portal_shell`), the data inside the page, a bad link answered 404.
async fn portal_page(State(state): State<AppState>, Path(token): Path<String>, request: Request) -> Response {
    let page = app::api::portal::load_portal_page(state.store.clone(), &token).await;
    let status = page.as_ref().err().map(app::api::portal::error_status);
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(state.clone());
        },
        move || portal_shell(options.clone(), page.clone()),
    );
    let mut response = render(request).await;
    if let Some(status) = status {
        *response.status_mut() = status;
    }
    response
}

/// A bare JSON answer that touches no database: the reference `make bench` measures polls against.
async fn ping() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "ok": true }))
}

/// Liveness and readiness in one: 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(err) => {
            tracing::warn!(%err, "health check: database did not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
