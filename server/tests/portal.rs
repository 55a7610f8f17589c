//! The customer portal's server functions and page, through the router on mem:// with demo data.

mod common;

use app::ids::ThreadId;
use app::model::SenderType;
use app::store::locations::LocationSettings;
use app::store::messages::NewMessage;
use app::store::seed::DEMO_PORTAL_TOKEN;
use app::store::Store;
use axum::http::StatusCode;
use common::{app, call, call_ok, get, page_back_to_the_first, send, seqs};
use serde_json::Value;

const ANA: &str = DEMO_PORTAL_TOKEN;
const BEN: &str = "demo-portal-ben-okafor-kayak";

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn send_as(app: &axum::Router, token: &str, client_id: &str, body: &str) -> (StatusCode, String) {
    call(app, "portal_send", &[("token", token), ("client_id", client_id), ("body", body)]).await
}

async fn location_of(store: &Store, token: &str) -> app::store::locations::LocationRecord {
    store.portal_access(token).await.unwrap().unwrap().location
}

#[tokio::test]
async fn view_shows_the_booking_and_its_history() {
    let (app, _) = app(true).await;
    let view = call_ok(&app, "portal_view", &[("token", ANA)]).await;
    assert_eq!(view["booking"]["activity"], "Sunset Sea Kayak Tour");
    assert_eq!(view["booking"]["confirmation_code"], "KAY7Q2-5521");
    assert_eq!(view["booking"]["location_name"], "Bay Kayak Tours");
    assert_eq!(view["booking"]["party_size"], 2);
    assert_eq!(view["can_write"], true);
    let seqs: Vec<i64> =
        view["opening"]["messages"].as_array().unwrap().iter().map(|m| m["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5], "oldest first");
    assert_eq!(view["opening"]["has_earlier"], false);
    assert_eq!(view["opening"]["messages"][1]["sender_name"], "Maya Lindqvist");
}

#[tokio::test]
async fn a_thread_of_1500_messages_opens_at_its_newest_and_pages_back_to_the_first() {
    let (app, store) = app(true).await;
    let booking = store.portal_access(ANA).await.unwrap().unwrap().booking;
    // Ana's five demo messages and 1,495 more.
    store.generate_messages(&ThreadId::of(&booking.id), 1_495, chrono::Utc::now()).await.unwrap();
    let view = call_ok(&app, "portal_view", &[("token", ANA)]).await;
    assert_eq!(seqs(&view["opening"]["messages"]), (1_401..=1_500).collect::<Vec<_>>());
    assert_eq!(view["opening"]["has_earlier"], true);
    let pages = page_back_to_the_first(1_401, |before| {
        let app = app.clone();
        async move { call_ok(&app, "portal_earlier", &[("token", ANA), ("before_seq", &before)]).await }
    })
    .await;
    assert_eq!(pages, 14);
    let poll = call_ok(&app, "portal_poll", &[("token", ANA), ("after_seq", "1500")]).await;
    assert_eq!(seqs(&poll["messages"]), Vec::<i64>::new(), "the opening page was the newest");
}

#[tokio::test]
async fn wrong_malformed_and_revoked_tokens_are_not_found() {
    let (app, store) = app(true).await;
    for token in ["demo-portal-nobody-at-all", "x", "'; DROP TABLE thread; --", &"a".repeat(300)] {
        let (status, body) = call(&app, "portal_view", &[("token", token)]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{token}: {body}");
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), "LinkNotValid");
        let (status, _) = send_as(&app, token, &uuid(), "hello").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = call(&app, "portal_poll", &[("token", token), ("after_seq", "0")]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let booking = store.portal_access(ANA).await.unwrap().unwrap().booking;
    store.revoke_portal_links(&booking.id).await.unwrap();
    let (status, _) = call(&app, "portal_view", &[("token", ANA)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "revoked");
}

#[tokio::test]
async fn the_page_for_a_bad_link_is_a_plain_404() {
    let (app, _) = app(true).await;
    let (status, html) = get(&app, "/portal/demo-portal-nobody-at-all").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Link not valid"), "{html}");
    assert!(!html.contains("Sunset"), "no booking detail leaks");
}

#[tokio::test]
async fn the_page_is_rendered_with_booking_and_history_before_any_script() {
    let (app, store) = app(true).await;
    let (status, html) = get(&app, &format!("/portal/{ANA}")).await;
    assert_eq!(status, StatusCode::OK);
    // The newest message's day label, in the location's time zone: "Today" except just after its
    // midnight, when the demo's recent messages are yesterday's.
    let access = store.portal_access(ANA).await.unwrap().unwrap();
    let thread = store.thread_of_booking(&access.booking.id).await.unwrap().unwrap();
    let newest = store.messages_after(&thread.id, thread.last_seq - 1, 1).await.unwrap().remove(0);
    let tz = app::api::present::zone(&access.location);
    let today = app::api::present::local_date(chrono::Utc::now(), tz);
    let day = app::text::day_label(newest.created_at.with_timezone(&tz).date_naive(), today);
    for expected in ["Sunset Sea Kayak Tour", "KAY7Q2-5521", "Is the sunset tour still on", "Maya Lindqvist", &day] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
}

#[tokio::test]
async fn a_customer_sees_only_their_own_booking_thread() {
    let (app, _) = app(true).await;
    let (status, body) = send_as(&app, BEN, &uuid(), "Ben's private note").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ana = call_ok(&app, "portal_poll", &[("token", ANA), ("after_seq", "0")]).await;
    assert!(ana["messages"].as_array().unwrap().iter().all(|m| m["body"] != "Ben's private note"));
    let ben = call_ok(&app, "portal_poll", &[("token", BEN), ("after_seq", "0")]).await;
    assert!(ben["messages"].as_array().unwrap().iter().any(|m| m["body"] == "Ben's private note"));
    assert!(ben["messages"].as_array().unwrap().iter().all(|m| !m["body"].as_str().unwrap().contains("parking")));
}

#[tokio::test]
async fn a_disabled_portal_refuses_everything() {
    let (app, store) = app(true).await;
    let location = location_of(&store, ANA).await;
    let settings = LocationSettings { portal_enabled: false, ..location.settings() };
    store.set_location_settings(&location.id, settings).await.unwrap();
    let (status, body) = call(&app, "portal_view", &[("token", ANA)]).await;
    assert_eq!((status, body.as_str()), (StatusCode::FORBIDDEN, "\"PortalUnavailable\""));
    let (status, _) = send_as(&app, ANA, &uuid(), "hello?").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, html) = get(&app, &format!("/portal/{ANA}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("Portal unavailable"));
}

#[tokio::test]
async fn disabled_messaging_shows_the_booking_but_refuses_sends() {
    let (app, store) = app(true).await;
    let location = location_of(&store, ANA).await;
    let settings = LocationSettings { messaging_enabled: false, ..location.settings() };
    store.set_location_settings(&location.id, settings).await.unwrap();
    let view = call_ok(&app, "portal_view", &[("token", ANA)]).await;
    assert_eq!(view["can_write"], false);
    let (status, body) = send_as(&app, ANA, &uuid(), "can I still write?").await;
    assert_eq!((status, body.as_str()), (StatusCode::FORBIDDEN, "\"MessagingOff\""));
    let poll = call_ok(&app, "portal_poll", &[("token", ANA), ("after_seq", "5")]).await;
    assert_eq!(poll["messages"].as_array().unwrap().len(), 0, "nothing was stored");
    let (_, html) = get(&app, &format!("/portal/{ANA}")).await;
    assert!(html.contains("Messaging is turned off"));
}

#[tokio::test]
async fn bad_bodies_and_ids_get_clear_errors_and_store_nothing() {
    let (app, _) = app(true).await;
    let long = "x".repeat(4001);
    for (body, says) in [("", "Write a message"), ("  \n\t ", "Write a message"), (long.as_str(), "4001")] {
        let (status, answer) = send_as(&app, ANA, &uuid(), body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert!(answer.contains(says), "{answer}");
    }
    let (status, answer) = send_as(&app, ANA, "not-a-uuid", "hello").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    // 4000 characters of multi-byte text is fine.
    let (status, _) = send_as(&app, ANA, &uuid(), &"é".repeat(4000)).await;
    assert_eq!(status, StatusCode::OK);
    let poll = call_ok(&app, "portal_poll", &[("token", ANA), ("after_seq", "5")]).await;
    assert_eq!(poll["messages"].as_array().unwrap().len(), 1, "only the valid message was stored");
}

#[tokio::test]
async fn a_repeated_client_id_returns_the_first_message() {
    let (app, _) = app(true).await;
    let id = uuid();
    let first = send_as(&app, ANA, &id, "  See you there  ").await;
    let again = send_as(&app, ANA, &id, "See you there").await;
    assert_eq!(first.0, StatusCode::OK);
    let (first, again): (Value, Value) =
        (serde_json::from_str(&first.1).unwrap(), serde_json::from_str(&again.1).unwrap());
    assert_eq!(first, again);
    assert_eq!(first["body"], "See you there", "trimmed");
    assert_eq!(first["seq"], 6);
    let poll = call_ok(&app, "portal_poll", &[("token", ANA), ("after_seq", "5")]).await;
    assert_eq!(poll["messages"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_first_message_creates_the_thread() {
    let (app, store) = app(true).await;
    let token = "demo-portal-grace-kim-escape";
    let booking = store.portal_access(token).await.unwrap().unwrap().booking;
    assert!(store.thread_of_booking(&booking.id).await.unwrap().is_none());
    let empty = call_ok(&app, "portal_poll", &[("token", token), ("after_seq", "0")]).await;
    assert_eq!(empty["messages"].as_array().unwrap().len(), 0);
    let (status, _) = send_as(&app, token, &uuid(), "Is there a locker for bags?").await;
    assert_eq!(status, StatusCode::OK);
    let thread = store.thread_of_booking(&booking.id).await.unwrap().expect("thread created");
    assert_eq!((thread.last_seq, thread.unread_for_operator), (1, 1));
}

#[tokio::test]
async fn poll_returns_only_newer_messages_and_the_read_cursors() {
    let (app, store) = app(true).await;
    let poll = call_ok(&app, "portal_poll", &[("token", ANA), ("after_seq", "5")]).await;
    assert_eq!(poll["messages"].as_array().unwrap().len(), 0);
    assert_eq!(poll["read"]["operator_read_seq"], 4, "the team has read up to their own last reply");

    let booking = store.portal_access(ANA).await.unwrap().unwrap().booking;
    store.mark_read(&ThreadId::of(&booking.id), SenderType::Operator, chrono::Utc::now()).await.unwrap();
    store
        .append_message(NewMessage {
            thread_id: &ThreadId::of(&booking.id),
            sender_type: SenderType::Operator,
            staff_id: None,
            sender_name: "Support",
            body: "Yes, free parking right at the dock.",
            client_id: "op-1",
            files: &[],
            at: chrono::Utc::now(),
        })
        .await
        .unwrap();
    let poll = call_ok(&app, "portal_poll", &[("token", ANA), ("after_seq", "5")]).await;
    let messages = poll["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!((messages[0]["seq"].as_i64(), messages[0]["sender_type"].as_str()), (Some(6), Some("Operator")));
    assert_eq!(poll["read"]["operator_read_seq"], 6, "the team read past the customer's message: Seen");
    assert_eq!(poll["read"]["unread_for_customer"], 1);

    let read = call_ok(&app, "portal_mark_read", &[("token", ANA)]).await;
    assert_eq!((read["unread_for_customer"].as_i64(), read["customer_read_seq"].as_i64()), (Some(0), Some(6)));
}

#[tokio::test]
async fn markup_in_a_message_is_stored_and_rendered_as_text() {
    let (app, _) = app(true).await;
    let payload = "<script>alert('x')</script><b>hi</b>";
    let (status, _) = send_as(&app, ANA, &uuid(), payload).await;
    assert_eq!(status, StatusCode::OK);
    let (_, html) = get(&app, &format!("/portal/{ANA}")).await;
    assert!(!html.contains(payload), "the payload never reaches the page as markup");
    assert!(html.contains("&lt;script&gt;") || html.contains("&lt;script>"), "it shows as escaped text");
}

#[tokio::test]
async fn a_cross_origin_send_is_refused() {
    let (app, store) = app(true).await;
    let mut request =
        common::server_fn_call("portal_send", &[("token", ANA), ("client_id", &uuid()), ("body", "csrf")], None);
    request.headers_mut().insert("origin", "https://evil.example".parse().unwrap());
    let (status, _) = send(&app, request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let booking = store.portal_access(ANA).await.unwrap().unwrap().booking;
    assert_eq!(store.thread(&ThreadId::of(&booking.id)).await.unwrap().last_seq, 5, "nothing was stored");
}

#[tokio::test]
async fn the_page_loads_the_portal_bundle_and_never_the_app_bundle() {
    let (app, _) = app(true).await;
    for path in [format!("/portal/{ANA}"), "/portal/demo-portal-nobody-at-all".to_owned()] {
        let (_, html) = get(&app, &path).await;
        assert!(html.contains(r#"href="/pkg/portal.js""#), "{path}: the portal bundle is preloaded");
        assert!(html.contains(r#""pkg", "portal", "portal""#), "{path}: and started");
        assert!(html.contains(r#"href="/pkg/portal.css""#), "{path}: with the portal's own stylesheet");
        assert!(!html.contains("/pkg/parley."), "{path}: the app bundle (dashboard, router) is not loaded");
    }
    // Its title comes from the server, with the booking's activity.
    let (_, html) = get(&app, &format!("/portal/{ANA}")).await;
    assert!(html.contains("Sunset Sea Kayak Tour · Parley</title>"), "{html}");
    // Every other page keeps the app bundle.
    let (_, html) = get(&app, "/login").await;
    assert!(html.contains("/pkg/parley.js") && !html.contains("/pkg/portal.js"), "{html}");
}

#[tokio::test]
async fn the_page_carries_what_the_portal_shows_and_nothing_more() {
    let (app, _) = app(true).await;
    let (_, html) = get(&app, &format!("/portal/{ANA}")).await;
    let block = html.split(r#"id="portal-page-data">"#).nth(1).and_then(|rest| rest.split("</script>").next());
    let carried = app::ui::portal::page_data::decode(block.expect("the page has its data block")).expect("it decodes");
    let view: Value = call_ok(&app, "portal_view", &[("token", ANA)]).await;
    assert_eq!(serde_json::to_value(carried.expect("the link is good")).unwrap(), view);
    // A bad link carries only why.
    let (status, html) = get(&app, "/portal/demo-portal-nobody-at-all").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let block = html.split(r#"id="portal-page-data">"#).nth(1).and_then(|rest| rest.split("</script>").next());
    assert_eq!(
        app::ui::portal::page_data::decode(block.unwrap()),
        Some(Err(app::api::portal::PortalError::LinkNotValid))
    );
}

#[tokio::test]
async fn the_chat_calls_speak_postcard_and_refuse_anything_else() {
    let (app, _) = app(true).await;
    let (status, answer) = call(&app, "portal_poll", &[("token", ANA), ("after_seq", "0")]).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    // The same call form-encoded, as before the portal bundle spoke postcard, is not understood.
    let request =
        common::server_fn_post("portal_poll").body(common::form(&[("token", ANA), ("after_seq", "0")])).unwrap();
    let (status, answer) = send(&app, request).await;
    assert_ne!(status, StatusCode::OK);
    // Postcard keeps text as it is: the error's words are in the answer's bytes.
    assert!(answer.contains("The request was not understood."), "{answer}");
}
