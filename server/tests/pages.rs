//! The first pages and the health check, through the router on mem://.

mod common;

use axum::http::StatusCode;
use common::{app, call, get};

#[tokio::test]
async fn healthz_answers_ok_when_the_database_does() {
    let (app, _) = app(false).await;
    assert_eq!(get(&app, "/healthz").await, (StatusCode::OK, "ok".to_owned()));
}

#[tokio::test]
async fn ping_answers_json_without_the_database() {
    let (app, _) = app(false).await;
    let (status, body) = get(&app, "/api/ping").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, r#"{"ok":true}"#));
}

#[tokio::test]
async fn home_page_is_rendered_on_the_server_with_the_demo_links() {
    let (app, _) = app(true).await;
    let (status, html) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Parley</h1>"), "{html}");
    assert!(html.contains(r#"href="/portal/demo-portal-ana-silva-kayak""#), "demo portal link in the SSR html");
    assert!(html.contains("desk@parley.demo"), "demo logins listed");
    assert!(html.contains("/pkg/parley.js"), "the hydration script is referenced");
}

#[tokio::test]
async fn without_demo_the_home_page_lists_no_demo_links() {
    let (app, _) = app(false).await;
    let (status, html) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("/portal/"), "no demo links without --demo");
}

#[tokio::test]
async fn home_info_server_function_answers_json() {
    let (app, _) = app(true).await;
    let (status, body) = call(&app, "home_info", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["demo"]["portals"].as_array().map(Vec::len), Some(16));
    assert_eq!(json["demo"]["staff"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let (app, _) = app(false).await;
    let (status, html) = get(&app, "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
}
