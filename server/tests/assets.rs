//! Static files and compression: precompressed copies, cache lifetimes, compressed pages.

mod common;

use app::state::AppState;
use app::store::{seed, Store};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use tower::ServiceExt;

/// A site root with one stylesheet and a brotli copy that differs from it, so the test can tell
/// which one was sent.
fn site(hash_files: bool) -> (std::path::PathBuf, LeptosOptions) {
    let root = std::env::temp_dir().join(format!("parley-site-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    std::fs::write(root.join("pkg/parley.css"), "body { color: black }").unwrap();
    std::fs::write(root.join("pkg/parley.css.br"), "pretend-brotli").unwrap();
    let options =
        LeptosOptions::builder().output_name("parley").site_root(root.to_str().unwrap()).hash_files(hash_files).build();
    (root, options)
}

async fn app_with(options: LeptosOptions) -> Router {
    let store = Store::open_in_memory().await.unwrap();
    seed::seed_demo(&store).await.unwrap();
    server::router(AppState { demo: true, ..AppState::new(options, store) })
}

async fn fetch(app: &Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    (parts.status, parts.headers, body.collect().await.unwrap().to_bytes().to_vec())
}

fn get(path: &str, encoding: &str) -> Request<Body> {
    Request::get(path).header("accept-encoding", encoding).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn precompressed_copies_go_to_browsers_that_take_them() {
    let (root, options) = site(false);
    let app = app_with(options).await;
    let (status, headers, body) = fetch(&app, get("/pkg/parley.css", "gzip, deflate, br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-encoding"], "br");
    assert_eq!(body, b"pretend-brotli");
    let (_, headers, body) = fetch(&app, get("/pkg/parley.css", "identity")).await;
    assert!(headers.get("content-encoding").is_none());
    assert_eq!(body, b"body { color: black }");
    assert_eq!(headers["content-type"], "text/css");
    std::fs::remove_dir_all(root).unwrap();
}

#[tokio::test]
async fn hashed_names_are_cached_for_a_year_and_unhashed_ones_revalidated() {
    for (hash_files, expected) in [(true, "public, max-age=31536000, immutable"), (false, "no-cache")] {
        let (root, options) = site(hash_files);
        let app = app_with(options).await;
        let (status, headers, _) = fetch(&app, get("/pkg/parley.css", "br")).await;
        assert_eq!((status, headers["cache-control"].to_str().unwrap()), (StatusCode::OK, expected));
        let (status, headers, _) = fetch(&app, get("/pkg/missing.js", "br")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(headers.get("cache-control").is_none(), "a 404 is not cached for a year");
        std::fs::remove_dir_all(root).unwrap();
    }
}

#[tokio::test]
async fn pages_are_compressed_and_small_poll_answers_are_not() {
    let (root, options) = site(false);
    let app = app_with(options).await;
    let (status, headers, body) = fetch(&app, get("/portal/demo-portal-ana-silva-kayak", "br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-encoding"], "br");
    let mut html = Vec::new();
    brotli_decompress(&body, &mut html);
    assert!(String::from_utf8(html).unwrap().contains("Ana"), "the page decompresses to the portal");

    let mut poll =
        common::server_fn_call("portal_poll", &[("token", "demo-portal-ana-silva-kayak"), ("after_seq", "1000")], None);
    poll.headers_mut().insert("accept-encoding", "br, gzip".parse().unwrap());
    let (status, headers, body) = fetch(&app, poll).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get("content-encoding").is_none(), "a {}-byte poll answer is sent as it is", body.len());
    std::fs::remove_dir_all(root).unwrap();
}

fn brotli_decompress(input: &[u8], output: &mut Vec<u8>) {
    use std::io::Read;
    brotli::Decompressor::new(input, 4096).read_to_end(output).unwrap();
}
