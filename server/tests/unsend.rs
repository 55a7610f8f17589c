//! Unsend through the router: who may take back which message, what the other side's poll then
//! brings, and that the text and files are gone, not hidden.

mod common;
#[path = "../src/files/test_photos.rs"]
mod photos;

use app::ids::ThreadId;
use app::store::seed::DEMO_PORTAL_TOKEN;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::{app, call, call_ok};
use serde_json::Value;

const ANA: &str = DEMO_PORTAL_TOKEN;
const BEN: &str = "demo-portal-ben-okafor-kayak";
const JON: (&str, &str) = ("jon@parley.demo", "demo-jon-2026");
const DESK: (&str, &str) = ("desk@parley.demo", "demo-desk-2026");

async fn sign_in(app: &Router, (email, password): (&str, &str)) -> String {
    let request =
        common::server_fn_post("login").body(common::form(&[("email", email), ("password", password)])).unwrap();
    let response = tower::ServiceExt::oneshot(app.clone(), request).await.unwrap();
    response.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned()
}

async fn as_staff(app: &Router, cookie: &str, endpoint: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let request = common::server_fn_post(endpoint)
        .header("accept", "application/json")
        .header(header::COOKIE, cookie)
        .body(common::form(&form))
        .unwrap();
    let (status, body) = common::send(app, request).await;
    (status, serde_json::from_str(&body).unwrap_or(Value::String(body)))
}

async fn upload_photo(app: &Router) -> String {
    let boundary = "unsend-boundary";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"card.jpg\"\r\n\r\n")
            .into_bytes();
    body.extend_from_slice(&photos::phone_photo(40, 30));
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::post(format!("/portal/{ANA}/files"))
        .header("host", "parley.test")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let (status, file) = common::send(app, request).await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    serde_json::from_str::<Value>(&file).unwrap()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_customer_unsends_their_message_and_the_team_sees_it_go_within_a_poll() {
    let (app, store) = app(true).await;
    let jon = sign_in(&app, JON).await;
    let thread = ThreadId::of(&store.portal_access(ANA).await.unwrap().unwrap().booking.id);
    let photo = upload_photo(&app).await;
    let client_id = uuid::Uuid::new_v4().to_string();
    let sent = call_ok(
        &app,
        "portal_send",
        &[("token", ANA), ("client_id", &client_id), ("body", "My card: 4111 1111 1111 1111"), ("files[0]", &photo)],
    )
    .await;
    let seq = sent["seq"].as_i64().unwrap().to_string();
    let thread_id = thread.to_string();
    let (_, before) = as_staff(&app, &jon, "thread_poll", &[("thread_id", &thread_id), ("after_seq", &seq)]).await;
    let unread_before = before["read"]["unread_for_operator"].as_i64().unwrap();
    let edit = before["edit_seq"].as_i64().unwrap().to_string();

    let unsent = call_ok(&app, "portal_unsend", &[("token", ANA), ("message_id", sent["id"].as_str().unwrap())]).await;
    assert_eq!(
        (unsent["deleted"].as_bool(), unsent["body"].as_str(), unsent["files"].as_array().map(Vec::len)),
        (Some(true), Some(""), Some(0))
    );

    // The team's open page, which had the message, learns of it on its next poll.
    let (_, poll) =
        as_staff(&app, &jon, "thread_poll", &[("thread_id", &thread_id), ("after_seq", &seq), ("after_edit", &edit)])
            .await;
    assert_eq!(poll["messages"], serde_json::json!([]));
    assert_eq!(poll["edited"][0]["id"], sent["id"]);
    assert_eq!(poll["edited"][0]["deleted"], true);
    assert_eq!(poll["read"]["unread_for_operator"].as_i64().unwrap(), unread_before - 1, "the unread count follows");
    let later_edit = poll["edit_seq"].as_i64().unwrap().to_string();
    let (_, quiet) = as_staff(
        &app,
        &jon,
        "thread_poll",
        &[("thread_id", &thread_id), ("after_seq", &seq), ("after_edit", &later_edit)],
    )
    .await;
    assert_eq!(quiet["edited"], serde_json::json!([]), "told once");

    // The text and the photo are gone, not hidden.
    let stored = store.message(&app::ids::MessageId::new(sent["id"].as_str().unwrap())).await.unwrap().unwrap();
    assert_eq!((stored.body.as_str(), stored.files.len()), ("", 0));
    for (path, cookie) in
        [(format!("/portal/{ANA}/files/{photo}"), None), (format!("/dashboard/files/{photo}"), Some(jon.as_str()))]
    {
        let mut request = Request::get(&path).header("host", "parley.test");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        assert_eq!(common::send(&app, request.body(Body::empty()).unwrap()).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    let inbox = store.thread(&thread).await.unwrap();
    assert_eq!(inbox.preview, "Message deleted");
}

#[tokio::test]
async fn a_customer_cannot_unsend_the_teams_message_or_another_bookings() {
    let (app, store) = app(true).await;
    let ana_thread = ThreadId::of(&store.portal_access(ANA).await.unwrap().unwrap().booking.id);
    let ben_thread = ThreadId::of(&store.portal_access(BEN).await.unwrap().unwrap().booking.id);
    let anas = store.messages_after(&ana_thread, 0, 100).await.unwrap();
    let team_reply = anas.iter().find(|m| m.sender_type == app::model::SenderType::Operator).unwrap();
    let bens = &store.messages_after(&ben_thread, 0, 1).await.unwrap()[0];

    let (status, body) = call(&app, "portal_unsend", &[("token", ANA), ("message_id", team_reply.id.as_str())]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("Only your own messages"), "{body}");
    let (status, _) = call(&app, "portal_unsend", &[("token", ANA), ("message_id", bens.id.as_str())]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another booking's message");
    for m in [team_reply, bens] {
        assert!(store.message(&m.id).await.unwrap().unwrap().deleted_at.is_none());
    }
}

#[tokio::test]
async fn staff_unsend_any_message_of_their_locations_threads_and_the_portal_sees_it() {
    let (app, store) = app(true).await;
    let jon = sign_in(&app, JON).await;
    let desk = sign_in(&app, DESK).await;
    let thread = ThreadId::of(&store.portal_access(ANA).await.unwrap().unwrap().booking.id);
    let messages = store.messages_after(&thread, 0, 100).await.unwrap();
    let customers = messages.iter().find(|m| m.sender_type == app::model::SenderType::Customer).unwrap();
    let last = messages.last().unwrap().seq.to_string();
    let form = [("thread_id", thread.as_str()), ("message_id", customers.id.as_str())];

    let (status, _) = as_staff(&app, &desk, "thread_unsend", &form).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another location's staff");
    let (status, unsent) = as_staff(&app, &jon, "thread_unsend", &form).await;
    assert_eq!((status, &unsent["deleted"]), (StatusCode::OK, &Value::Bool(true)));

    let poll = call_ok(&app, "portal_poll", &[("token", ANA), ("after_seq", &last), ("after_edit", "0")]).await;
    assert_eq!(poll["edited"][0]["id"], customers.id.as_str());
    assert_eq!(poll["edited"][0]["body"], "");
    // A page from before unsend existed (no after_edit) still polls.
    let old_page = call_ok(&app, "portal_poll", &[("token", ANA), ("after_seq", &last)]).await;
    assert_eq!(old_page["edited"].as_array().unwrap().len(), 1);
}
