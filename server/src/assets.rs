//! How the site's files and pages travel: `/pkg/` (wasm, js, css) with the brotli or gzip copy a
//! release build wrote next to each file, and a cache lifetime that depends on the file names;
//! server-rendered pages compressed on the fly.

use std::path::Path;

use axum::extract::Request;
use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use leptos::prelude::LeptosOptions;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::services::ServeDir;

/// Hashed names change with their content, so a browser may keep them for a year unasked.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Unhashed names (debug builds) keep their name across builds: ask the server every time.
const REVALIDATE: &str = "no-cache";

/// The `/pkg/` files from the site root; `.br`/`.gz` siblings are sent when the browser takes them.
pub fn pkg_files(options: &LeptosOptions) -> Router {
    let dir = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let cache = if options.hash_files { IMMUTABLE } else { REVALIDATE };
    Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(middleware::from_fn(move |request: Request, next: Next| cache_control(request, next, cache)))
}

async fn cache_control(request: Request, next: Next, value: &'static str) -> Response {
    let mut response = next.run(request).await;
    if response.status().is_success() {
        response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// Compresses pages (brotli, else gzip) but not the small JSON answers of polls and sends, where
/// compressing costs more time than the few bytes it saves; `/pkg/` is compressed ahead of time.
pub fn compress_pages() -> CompressionLayer<impl Predicate> {
    let predicate =
        DefaultPredicate::new().and(SizeAbove::new(1024)).and(NotForContentType::const_new("application/wasm"));
    CompressionLayer::new().br(true).gzip(true).compress_when(predicate)
}
