//! Every page says where its scripts may come from, that it may not be framed, that its address
//! (a portal's carries a secret) never leaves in a Referer, and not to sniff types.

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request};
use common::app;

async fn page(app: &axum::Router, path: &str, https: bool) -> (HeaderMap, String) {
    let mut request = Request::get(path).header("accept", "text/html");
    if https {
        request = request.header("x-forwarded-proto", "https");
    }
    let response = tower::ServiceExt::oneshot(app.clone(), request.body(Body::empty()).unwrap()).await.unwrap();
    let headers = response.headers().clone();
    let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
    (headers, String::from_utf8_lossy(&bytes).into_owned())
}

/// The nonce a Content-Security-Policy allows scripts with.
fn policy_nonce(headers: &HeaderMap) -> String {
    let policy = headers["content-security-policy"].to_str().unwrap();
    let start = policy.find("'nonce-").expect("a script nonce") + "'nonce-".len();
    policy[start..].split('\'').next().unwrap().to_owned()
}

#[tokio::test]
async fn every_page_has_a_policy_whose_nonce_is_on_each_of_its_scripts() {
    let (app, _) = app(true).await;
    for path in
        ["/", "/login", "/portal/demo-portal-ana-silva-kayak", "/portal/not-a-valid-link-at-all", "/no/such/page"]
    {
        let (headers, html) = page(&app, path, false).await;
        let policy = headers["content-security-policy"].to_str().unwrap();
        for rule in [
            "default-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "'wasm-unsafe-eval'",
        ] {
            assert!(policy.contains(rule), "{path}: {rule} missing from {policy}");
        }
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        let nonce = policy_nonce(&headers);
        assert!(nonce.len() >= 16, "{path}: {nonce}");
        // The portal's data block is a script element no browser runs: it needs no nonce.
        let scripts =
            html.matches("<script").count() - html.matches(r#"<script type="application/x-postcard""#).count();
        assert!(scripts >= 1, "{path}: the hydration script");
        assert_eq!(html.matches(&format!("nonce=\"{nonce}\"")).count(), scripts, "{path}: every script has the nonce");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert!(headers.get("strict-transport-security").is_none(), "{path}: not over plain http");
    }
    let (first, _) = page(&app, "/login", false).await;
    let (second, _) = page(&app, "/login", false).await;
    assert_ne!(policy_nonce(&first), policy_nonce(&second), "a new nonce for every page");
}

#[tokio::test]
async fn over_https_browsers_are_told_to_stay_on_https() {
    let (app, _) = app(true).await;
    let (headers, _) = page(&app, "/portal/demo-portal-ana-silva-kayak", true).await;
    assert_eq!(headers["strict-transport-security"], "max-age=31536000; includeSubDomains");
}

#[tokio::test]
async fn server_function_answers_and_the_rest_api_carry_the_plain_headers_too() {
    let (app, _) = app(true).await;
    let request =
        common::server_fn_call("portal_poll", &[("token", "demo-portal-ana-silva-kayak"), ("after_seq", "0")], None);
    let response = tower::ServiceExt::oneshot(app.clone(), request).await.unwrap();
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    let response = tower::ServiceExt::oneshot(app, Request::get("/api/v1/openapi.json").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
}
