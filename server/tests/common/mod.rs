//! Shared by the integration tests: a router on a fresh in-memory store, and request helpers.

#![allow(dead_code)]

use app::state::AppState;
use app::store::{seed, Store};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use tower::ServiceExt;

/// The whole app on a migrated mem:// store; with `demo`, seeded as `make run` does.
pub async fn app(demo: bool) -> (Router, Store) {
    let store = Store::open_in_memory().await.expect("mem:// opens");
    (app_on(&store, demo).await, store)
}

/// The whole app on a migrated `store`; with `demo`, seeded as `make run` does.
pub async fn app_on(store: &Store, demo: bool) -> Router {
    if demo {
        seed::seed_demo(store).await.expect("demo seeds");
    }
    let leptos_options = LeptosOptions::builder().output_name("parley").site_root("target/site").build();
    let state = AppState { demo, allow_private_webhooks: true, ..AppState::new(leptos_options, store.clone()) };
    server::router(state)
}

pub async fn get(app: &Router, path: &str) -> (StatusCode, String) {
    send(app, Request::get(path).header("accept", "text/html").body(Body::empty()).unwrap()).await
}

/// A server function call as a page makes it: a form-encoded POST from the same origin. The
/// caller adds what else it sends (`accept`, a cookie) and the body (`form`).
pub fn server_fn_post(endpoint: &str) -> axum::http::request::Builder {
    same_origin_post(endpoint).header("content-type", "application/x-www-form-urlencoded")
}

fn same_origin_post(endpoint: &str) -> axum::http::request::Builder {
    Request::post(format!("/api/{endpoint}")).header("host", "parley.test").header("origin", "http://parley.test")
}

pub fn form(fields: &impl serde::Serialize) -> Body {
    Body::from(serde_urlencoded::to_string(fields).unwrap())
}

/// Signs a staff member in as the sign-in page does; the `Cookie` header value to send afterwards.
pub async fn sign_in(app: &Router, (email, password): (&str, &str)) -> String {
    let fields = [("email", email), ("password", password)];
    let request = server_fn_post("login").body(form(&fields)).unwrap();
    let response = app.clone().oneshot(request).await.expect("the router answers");
    let cookie = response.headers()[axum::http::header::SET_COOKIE].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

/// Calls a server function the way a page does: form fields, or postcard for the portal's chat
/// calls (`app::api::portal_wire`); the answer as JSON either way.
pub async fn call(app: &Router, endpoint: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    send_call(app, endpoint, server_fn_call(endpoint, &fields, None)).await
}

/// Like `call`, but the answer must be 200 and is parsed as JSON.
pub async fn call_ok(app: &Router, endpoint: &str, form: &[(&str, &str)]) -> serde_json::Value {
    let (status, body) = call(app, endpoint, form).await;
    assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{endpoint}: {e}: {body}"))
}

/// A staff member's call (with their session `cookie`) that must answer 200, parsed as JSON.
pub async fn json_as(app: &Router, cookie: &str, endpoint: &str, form: &[(&str, &str)]) -> serde_json::Value {
    let (status, body) = send_call(app, endpoint, server_fn_call(endpoint, &form, Some(cookie))).await;
    assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{endpoint}: {e}: {body}"))
}

/// A server function call with these fields as the page that makes it sends it, with the
/// session `cookie` if there is one.
pub fn server_fn_call(endpoint: &str, fields: &impl serde::Serialize, cookie: Option<&str>) -> Request<Body> {
    let form = serde_urlencoded::to_string(fields).unwrap();
    let mut request = same_origin_post(endpoint);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    match app::api::portal_wire::encode(endpoint, &form) {
        Some(bytes) => request
            .header("content-type", app::api::portal_wire::CONTENT_TYPE)
            .header("accept", app::api::portal_wire::CONTENT_TYPE)
            .body(Body::from(bytes)),
        None => request
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(Body::from(form)),
    }
    .unwrap()
}

/// Sends a server function call: the answer's status, and its body as JSON text.
pub async fn send_call(app: &Router, endpoint: &str, request: Request<Body>) -> (StatusCode, String) {
    let response = app.clone().oneshot(request).await.expect("the router answers");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("a readable body").to_bytes();
    let json = app::api::portal_wire::as_json(endpoint, status == StatusCode::OK, &bytes);
    (status, json.unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned()))
}

/// The seqs of a JSON list of messages, in the order given.
pub fn seqs(messages: &serde_json::Value) -> Vec<i64> {
    messages.as_array().expect("a list of messages").iter().map(|m| m["seq"].as_i64().expect("a seq")).collect()
}

/// Pages back from `before` with `earlier` (a call answering `{messages, has_earlier}`) to the
/// first message; checks that each page is the 100 seqs just before the last, and returns how
/// many pages it took.
pub async fn page_back_to_the_first<F, Fut>(mut before: i64, earlier: F) -> usize
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = serde_json::Value>,
{
    let mut pages = 0;
    loop {
        let page = earlier(before.to_string()).await;
        let got = seqs(&page["messages"]);
        assert_eq!(got, ((before - 100).max(1)..before).collect::<Vec<_>>(), "the page before {before}");
        pages += 1;
        before = got[0];
        if page["has_earlier"] == false {
            assert_eq!(before, 1, "no earlier messages only at the first");
            return pages;
        }
    }
}

pub async fn send(app: &Router, request: Request<Body>) -> (StatusCode, String) {
    let response = app.clone().oneshot(request).await.expect("the router answers");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("a readable body").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}
