//! Headers every answer carries. The page's Content-Security-Policy, which needs the page's script
//! nonce, is sent by the page itself (`app::shell`); these need nothing from the page.

use axum::extract::Request;
use axum::http::header::{REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

pub async fn security_headers(request: Request, next: Next) -> Response {
    let https = request.headers().get("x-forwarded-proto").is_some_and(|p| p == "https");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A portal address carries its secret token: it must never leave in a Referer.
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // For browsers that predate the policy's frame-ancestors.
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if https {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}
