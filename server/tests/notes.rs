//! The team's notes and "… is replying" through the router: a note reaches colleagues on their
//! thread poll and nothing a customer reaches (the portal's page and calls, the REST API, webhooks;
//! emails are in mail.rs); typing shows to colleagues, not to the one typing.

mod common;

use app::ids::ThreadId;
use app::store::seed::DEMO_PORTAL_TOKEN;
use app::store::webhooks::EVENT_TYPES;
use app::store::Store;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::sign_in;
use serde_json::Value;

const JON: (&str, &str) = ("jon@parley.demo", "demo-jon-2026");
const MAYA: (&str, &str) = ("maya@parley.demo", "demo-maya-2026");
/// In every note here: no customer-facing answer may hold it.
const SECRET: &str = "NOTE-ONLY-7f3a: refund approved by the owner";

async fn staff_call(app: &Router, cookie: &str, endpoint: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    common::send_call(app, endpoint, common::server_fn_call(endpoint, &fields, Some(cookie))).await
}

async fn staff_ok(app: &Router, cookie: &str, endpoint: &str, fields: &[(&str, &str)]) -> Value {
    let (status, body) = staff_call(app, cookie, endpoint, fields).await;
    assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    serde_json::from_str(&body).unwrap()
}

async fn ana_thread(store: &Store) -> ThreadId {
    ThreadId::of(&store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap().booking.id)
}

async fn add_note(app: &Router, cookie: &str, thread: &ThreadId, body: &str) -> Value {
    let client_id = uuid::Uuid::new_v4().to_string();
    let fields = [("thread_id", thread.as_str()), ("client_id", client_id.as_str()), ("body", body)];
    staff_ok(app, cookie, "thread_note", &fields).await
}

async fn rest_get(app: &Router, key: &str, path: &str) -> (StatusCode, String) {
    let request = Request::get(path).header("authorization", format!("Bearer {key}")).body(Body::empty()).unwrap();
    common::send(app, request).await
}

#[tokio::test]
async fn a_note_reaches_colleagues_on_their_poll_and_moves_no_unread_count() {
    let (app, store) = common::app(true).await;
    let thread = ana_thread(&store).await;
    let (jon, maya) = (sign_in(&app, JON).await, sign_in(&app, MAYA).await);
    let opened = staff_ok(&app, &maya, "thread_view", &[("thread_id", thread.as_str())]).await;
    let (last_seq, note_seq) =
        (opened["opening"]["messages"].as_array().unwrap().len(), opened["note_seq"].as_i64().unwrap());
    assert_eq!(note_seq, 0);
    let before = store.thread(&thread).await.unwrap();

    let note = add_note(&app, &jon, &thread, &format!("  {SECRET}  ")).await;
    assert_eq!(note["body"], SECRET, "trimmed");
    assert_eq!(note["author_name"], "Jon Reyes");
    assert_eq!((note["note_seq"].as_i64(), note["after_seq"].as_i64()), (Some(1), Some(before.last_seq)));

    let seq = before.last_seq.to_string();
    let poll = |after_note: &'static str| {
        let (app, maya, thread, seq) = (app.clone(), maya.clone(), thread.clone(), seq.clone());
        async move {
            let fields = [("thread_id", thread.as_str()), ("after_seq", seq.as_str()), ("after_note", after_note)];
            staff_ok(&app, &maya, "thread_poll", &fields).await
        }
    };
    let news = poll("0").await;
    assert_eq!(news["notes"].as_array().unwrap().len(), 1, "{news}");
    assert_eq!(news["notes"][0]["body"], SECRET);
    assert_eq!(news["note_seq"], 1);
    assert_eq!(news["messages"], serde_json::json!([]), "a note is no message");
    assert_eq!(poll("1").await["notes"], serde_json::json!([]), "only the notes after the cursor");

    let after = store.thread(&thread).await.unwrap();
    assert_eq!(
        (after.unread_for_customer, after.unread_for_operator, &after.preview, after.last_seq),
        (before.unread_for_customer, before.unread_for_operator, &before.preview, before.last_seq)
    );
    let reopened = staff_ok(&app, &maya, "thread_view", &[("thread_id", thread.as_str())]).await;
    assert_eq!(reopened["notes"][0]["body"], SECRET, "the thread opens with it, after message {last_seq}");
    assert_eq!(reopened["note_seq"], 1);
}

#[tokio::test]
async fn bad_notes_are_refused_with_a_reason() {
    let (app, store) = common::app(true).await;
    let thread = ana_thread(&store).await;
    let jon = sign_in(&app, JON).await;
    let id = uuid::Uuid::new_v4().to_string();
    let long = "x".repeat(4001);
    for (client_id, body, says) in [
        (id.as_str(), "   ", "Write the note"),
        (id.as_str(), long.as_str(), "note is 4001 characters"),
        ("not-a-uuid", "Fine", "UUID"),
    ] {
        let fields = [("thread_id", thread.as_str()), ("client_id", client_id), ("body", body)];
        let (status, answer) = staff_call(&app, &jon, "thread_note", &fields).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert!(answer.contains(says), "{says}: {answer}");
    }
    assert_eq!(store.thread(&thread).await.unwrap().last_note_seq, 0, "nothing stored");
}

#[tokio::test]
async fn notes_never_reach_the_portal_the_rest_api_or_webhooks() {
    let (app, store) = common::app(true).await;
    let thread = ana_thread(&store).await;
    let access = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap();
    let types: Vec<String> = EVENT_TYPES.iter().map(|t| t.to_string()).collect();
    store.create_webhook_endpoint(&access.location.id, "http://127.0.0.1:9/hook", &types).await.unwrap();
    let (_, key) = store.create_api_key(&access.location.id, "CRM").await.unwrap();
    let jon = sign_in(&app, JON).await;

    // A note between two replies, and one before a reply the customer has yet to read.
    let reply = |body: &'static str| {
        let (app, jon, thread) = (app.clone(), jon.clone(), thread.clone());
        async move {
            let id = uuid::Uuid::new_v4().to_string();
            let fields = [("thread_id", thread.as_str()), ("client_id", id.as_str()), ("body", body)];
            staff_ok(&app, &jon, "thread_reply", &fields).await
        }
    };
    reply("We have your booking.").await;
    add_note(&app, &jon, &thread, SECRET).await;
    let unread = store.thread(&thread).await.unwrap().unread_for_customer;
    add_note(&app, &jon, &thread, &format!("second {SECRET}")).await;
    assert_eq!(store.thread(&thread).await.unwrap().unread_for_customer, unread, "a note is never unread");
    reply("See you Thursday.").await;

    let token = DEMO_PORTAL_TOKEN;
    let id = uuid::Uuid::new_v4().to_string();
    let mut answers: Vec<(String, StatusCode, String)> = Vec::new();
    let (status, page) = common::get(&app, &format!("/portal/{token}")).await;
    answers.push(("the portal page".into(), status, page));
    for (endpoint, fields) in [
        ("portal_view", vec![("token", token)]),
        ("portal_poll", vec![("token", token), ("after_seq", "0")]),
        ("portal_earlier", vec![("token", token), ("before_seq", "1000")]),
        ("portal_mark_read", vec![("token", token)]),
        ("portal_send", vec![("token", token), ("client_id", id.as_str()), ("body", "Thanks!")]),
        ("portal_emails", vec![("token", token)]),
    ] {
        let (status, body) = common::call(&app, endpoint, &fields).await;
        answers.push((endpoint.into(), status, body));
    }
    for path in [
        format!("/api/v1/threads/{thread}"),
        format!("/api/v1/threads/{thread}/messages"),
        "/api/v1/threads".to_owned(),
        "/api/v1/messages".to_owned(),
    ] {
        let (status, body) = rest_get(&app, &key, &path).await;
        answers.push((path, status, body));
    }
    for (what, status, body) in &answers {
        assert_eq!(*status, StatusCode::OK, "{what}: {body}");
        assert!(!body.contains("NOTE-ONLY-7f3a"), "{what} holds a note: {body}");
    }
    // The answers are the real ones: the replies on either side of the notes are there.
    let poll = &answers.iter().find(|(what, ..)| what == "portal_poll").unwrap().2;
    assert!(poll.contains("We have your booking.") && poll.contains("See you Thursday."), "{poll}");

    while store.fan_out_events(100, server::webhooks::event_body).await.unwrap() > 0 {}
    let deliveries = store.recent_deliveries(&access.location.id, 100).await.unwrap();
    assert!(deliveries.iter().any(|d| d.body.contains("See you Thursday.")), "the replies went out");
    assert!(deliveries.iter().all(|d| !d.body.contains("NOTE-ONLY-7f3a")), "no webhook carries a note");
}

#[tokio::test]
async fn a_colleague_typing_shows_on_the_poll_of_others_only() {
    let (app, store) = common::app(true).await;
    let thread = ana_thread(&store).await;
    let (jon, maya) = (sign_in(&app, JON).await, sign_in(&app, MAYA).await);
    let seq = store.thread(&thread).await.unwrap().last_seq.to_string();
    let fields = [("thread_id", thread.as_str()), ("after_seq", seq.as_str())];
    assert_eq!(staff_ok(&app, &maya, "thread_poll", &fields).await["replying"], serde_json::json!([]));

    staff_ok(&app, &jon, "thread_typing", &[("thread_id", thread.as_str())]).await;
    assert_eq!(staff_ok(&app, &maya, "thread_poll", &fields).await["replying"], serde_json::json!(["Jon"]));
    assert_eq!(staff_ok(&app, &jon, "thread_poll", &fields).await["replying"], serde_json::json!([]), "not himself");

    // His reply ends it.
    let id = uuid::Uuid::new_v4().to_string();
    let reply = [("thread_id", thread.as_str()), ("client_id", id.as_str()), ("body", "Yes, free parking.")];
    staff_ok(&app, &jon, "thread_reply", &reply).await;
    assert_eq!(staff_ok(&app, &maya, "thread_poll", &fields).await["replying"], serde_json::json!([]));
}
