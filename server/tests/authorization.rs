//! Who may call what, for every server function the app registers. The list of functions comes
//! from the server function registry itself: a function added without an entry here fails this
//! test, so none can slip in unchecked.

mod common;

use std::collections::BTreeSet;

use app::ids::{
    ApiKeyId, BookingId, BroadcastId, CustomerId, EndpointId, LocationId, MessageId, SavedReplyId, ThreadId,
};
use app::store::seed::DEMO_PORTAL_TOKEN;
use app::store::Store;
use axum::http::StatusCode;
use axum::Router;
use common::sign_in;

const JON: (&str, &str) = ("jon@parley.demo", "demo-jon-2026"); // the kayak location
const DESK: (&str, &str) = ("desk@parley.demo", "demo-desk-2026"); // the escape rooms only

/// Who a server function is for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Access {
    /// The start page, signing in and out.
    Anyone,
    /// A customer, by portal token: a token that opens nothing gets 404.
    PortalToken,
    /// Signed-in staff, acting on their own current location: signed out gets 401.
    Staff,
    /// Signed-in staff, on a record named by id: signed out gets 401; staff of another location 404.
    StaffOfItsLocation,
}

/// Records of the demo's kayak location that the calls name.
struct Kayaks {
    location: LocationId,
    booking: BookingId,
    customer: CustomerId,
    endpoint: EndpointId,
    api_key: ApiKeyId,
    first_message: MessageId,
    saved_reply: SavedReplyId,
    broadcast: BroadcastId,
    /// Ana's departure: (activity, start in RFC 3339).
    departure: (String, String),
}

impl Kayaks {
    /// Ids that name nothing, where only the list of calls is wanted.
    fn unnamed() -> Kayaks {
        Kayaks {
            location: LocationId::new(""),
            booking: BookingId::new(""),
            customer: CustomerId::new(""),
            endpoint: EndpointId::new(""),
            api_key: ApiKeyId::new(""),
            first_message: MessageId::new(""),
            saved_reply: SavedReplyId::new(""),
            broadcast: BroadcastId::new(""),
            departure: (String::new(), String::new()),
        }
    }
}

async fn kayaks(store: &Store) -> Kayaks {
    let access = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap();
    let endpoint = store
        .create_webhook_endpoint(&access.location.id, "http://127.0.0.1:9/hook", &["message.created".to_owned()])
        .await
        .unwrap();
    let (api_key, _) = store.create_api_key(&access.location.id, "Key").await.unwrap();
    let first_message = store.messages_after(&ThreadId::of(&access.booking.id), 0, 1).await.unwrap()[0].id.clone();
    let reply = app::store::saved_replies::NewSavedReply { name: "Dock", text: "Meet at the dock." };
    let saved_reply = store.create_saved_reply(&access.location.id, reply).await.unwrap().id;
    let jon = store.staff_by_email(JON.0).await.unwrap().unwrap();
    let broadcast = store
        .create_broadcast(app::store::broadcasts::NewBroadcast {
            location_id: &access.location.id,
            staff_id: &jon.id,
            sender_name: "Jon Reyes",
            activity: &access.booking.activity,
            starts_at: access.booking.starts_at,
            body: "Meet at the dock.",
            booking_ids: std::slice::from_ref(&access.booking.id),
            client_id: "authorization-fixture",
            at: chrono::Utc::now(),
        })
        .await
        .unwrap()
        .id;
    let starts_at = access.booking.starts_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Kayaks {
        broadcast,
        departure: (access.booking.activity.clone(), starts_at),
        first_message,
        saved_reply,
        location: access.location.id,
        booking: access.booking.id,
        customer: access.customer.id,
        endpoint: endpoint.id,
        api_key: api_key.id,
    }
}

/// A server function, who it is for, and its arguments.
type Call = (&'static str, Access, Vec<(&'static str, String)>);

/// Every server function with who it is for and arguments that name the kayak location's records.
fn calls(k: &Kayaks) -> Vec<Call> {
    use Access::*;
    let thread = || ("thread_id", k.booking.to_string());
    let booking = || ("booking_id", k.booking.to_string());
    let token = || ("token", "a-token-that-opens-nothing-0000".to_owned());
    let client_id = || ("client_id", uuid::Uuid::new_v4().to_string());
    let s = |v: &str| v.to_owned();
    vec![
        ("home_info", Anyone, vec![]),
        ("login", Anyone, vec![("email", s("nobody@parley.demo")), ("password", s("x"))]),
        ("logout", Anyone, vec![]),
        ("portal_view", PortalToken, vec![token()]),
        ("portal_earlier", PortalToken, vec![token(), ("before_seq", s("5"))]),
        ("portal_poll", PortalToken, vec![token(), ("after_seq", s("0"))]),
        ("portal_send", PortalToken, vec![token(), client_id(), ("body", s("hello"))]),
        ("portal_mark_read", PortalToken, vec![token()]),
        ("portal_unsend", PortalToken, vec![token(), ("message_id", s("anything"))]),
        ("portal_emails", PortalToken, vec![token()]),
        ("portal_set_emails", PortalToken, vec![token(), ("on", s("false"))]),
        ("me", Staff, vec![]),
        ("saved_replies", Staff, vec![]),
        ("create_saved_reply", Staff, vec![("name", s("Parking")), ("text", s("Park by the {location} sign."))]),
        (
            "update_saved_reply",
            StaffOfItsLocation,
            vec![("reply_id", k.saved_reply.to_string()), ("name", s("Dock")), ("text", s("Changed."))],
        ),
        ("delete_saved_reply", StaffOfItsLocation, vec![("reply_id", k.saved_reply.to_string())]),
        ("departures", Staff, vec![]),
        (
            "departure",
            StaffOfItsLocation,
            vec![("activity", k.departure.0.clone()), ("starts_at", k.departure.1.clone())],
        ),
        (
            "send_broadcast",
            StaffOfItsLocation,
            vec![
                client_id(),
                ("activity", k.departure.0.clone()),
                ("starts_at", k.departure.1.clone()),
                ("body", s("Not yours")),
                ("booking_ids[0]", k.booking.to_string()),
            ],
        ),
        ("broadcasts", Staff, vec![]),
        ("broadcast", StaffOfItsLocation, vec![("broadcast_id", k.broadcast.to_string())]),
        ("inbox_start", Staff, vec![]),
        ("inbox_page", Staff, vec![("unread_only", s("false")), ("search", s(""))]),
        ("inbox_changes", Staff, vec![("after", s("0."))]),
        ("bookings", Staff, vec![("search", s("")), ("date", s(""))]),
        ("location_settings", Staff, vec![]),
        ("save_my_alerts", Staff, vec![("desktop", s("true")), ("sound", s("true")), ("email", s("true"))]),
        ("save_location_settings", Staff, vec![("portal_enabled", s("true")), ("messaging_enabled", s("true"))]),
        ("webhook_settings", Staff, vec![]),
        ("create_webhook", Staff, vec![("url", s("http://127.0.0.1:9/x")), ("event_types[0]", s("message.created"))]),
        ("api_keys", Staff, vec![]),
        ("create_api_key", Staff, vec![("name", s("Another"))]),
        ("switch_location", StaffOfItsLocation, vec![("location_id", k.location.to_string())]),
        ("thread_view", StaffOfItsLocation, vec![thread()]),
        ("thread_earlier", StaffOfItsLocation, vec![thread(), ("before_seq", s("5"))]),
        ("thread_poll", StaffOfItsLocation, vec![thread(), ("after_seq", s("0"))]),
        ("thread_note", StaffOfItsLocation, vec![thread(), client_id(), ("body", s("Not yours"))]),
        ("thread_typing", StaffOfItsLocation, vec![thread()]),
        ("thread_mark_read", StaffOfItsLocation, vec![thread()]),
        ("thread_mark_unread", StaffOfItsLocation, vec![thread()]),
        ("thread_reply", StaffOfItsLocation, vec![thread(), client_id(), ("body", s("Not yours"))]),
        ("thread_unsend", StaffOfItsLocation, vec![thread(), ("message_id", k.first_message.to_string())]),
        ("booking", StaffOfItsLocation, vec![booking()]),
        ("new_portal_link", StaffOfItsLocation, vec![booking()]),
        ("revoke_portal_links", StaffOfItsLocation, vec![booking()]),
        ("message_customer", StaffOfItsLocation, vec![booking()]),
        ("customer", StaffOfItsLocation, vec![("customer_id", k.customer.to_string())]),
        (
            "set_webhook_enabled",
            StaffOfItsLocation,
            vec![("endpoint_id", k.endpoint.to_string()), ("enabled", s("false"))],
        ),
        ("send_test_webhook", StaffOfItsLocation, vec![("endpoint_id", k.endpoint.to_string())]),
        ("delete_webhook", StaffOfItsLocation, vec![("endpoint_id", k.endpoint.to_string())]),
        ("revoke_api_key", StaffOfItsLocation, vec![("key_id", k.api_key.to_string())]),
    ]
}

async fn call(app: &Router, cookie: Option<&str>, endpoint: &str, form: &[(&str, String)]) -> (StatusCode, String) {
    common::send_call(app, endpoint, common::server_fn_call(endpoint, &form, cookie)).await
}

/// What the kayak location holds, to see that a refused call changed nothing.
async fn snapshot(store: &Store, k: &Kayaks) -> String {
    let thread = store.thread(&ThreadId::of(&k.booking)).await.unwrap();
    let location = store.location(&k.location).await.unwrap();
    let endpoints = store.webhook_endpoints(&k.location).await.unwrap();
    let keys = store.api_keys(&k.location).await.unwrap();
    let replies = store.saved_replies(&k.location).await.unwrap();
    let broadcasts = store.broadcasts(&k.location, 50).await.unwrap();
    let alerts = store.staff_by_email(JON.0).await.unwrap().map(|jon| jon.alerts);
    format!(
        "{thread:?} {location:?} {endpoints:?} {keys:?} {replies:?} {broadcasts:?} {alerts:?} {:?}",
        store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap()
    )
}

#[test]
fn every_registered_server_function_is_in_the_table() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    let k = Kayaks::unnamed();
    let listed: BTreeSet<String> = calls(&k).into_iter().map(|(endpoint, _, _)| endpoint.to_owned()).collect();
    assert!(registered.contains("thread_reply"), "the registry is read: {registered:?}");
    assert_eq!(registered, listed, "every server function needs an entry saying who may call it");
}

#[tokio::test]
async fn signed_out_callers_and_another_locations_staff_are_refused_everywhere() {
    let names: Vec<&str> = {
        let k = Kayaks::unnamed();
        calls(&k).into_iter().map(|(name, _, _)| name).collect()
    };
    for name in names {
        // A fresh demo for each function, so that what one call changes cannot hide another's refusal.
        let (app, store) = common::app(true).await;
        let k = kayaks(&store).await;
        let (_, access, form) = calls(&k).into_iter().find(|(n, _, _)| *n == name).unwrap();
        let before = snapshot(&store, &k).await;
        match access {
            Access::Anyone => {
                let (status, body) = call(&app, None, name, &form).await;
                assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR, "{name}: {body}");
            }
            Access::PortalToken => {
                let (status, body) = call(&app, None, name, &form).await;
                assert_eq!(status, StatusCode::NOT_FOUND, "{name} with a token that opens nothing: {body}");
                assert_eq!(snapshot(&store, &k).await, before, "{name} changed nothing");
            }
            Access::Staff | Access::StaffOfItsLocation => {
                for cookie in [None, Some("parley_session=forged-token-0000000000")] {
                    let (status, body) = call(&app, cookie, name, &form).await;
                    assert_eq!(status, StatusCode::UNAUTHORIZED, "{name} signed out ({cookie:?}): {body}");
                }
                assert_eq!(snapshot(&store, &k).await, before, "{name} signed out changed nothing");
                if access == Access::StaffOfItsLocation {
                    let desk = sign_in(&app, DESK).await;
                    let (status, body) = call(&app, Some(&desk), name, &form).await;
                    assert!(
                        status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
                        "{name} as staff of another location: {status} {body}"
                    );
                    assert_eq!(
                        snapshot(&store, &k).await,
                        before,
                        "{name} as another location's staff changed nothing"
                    );
                    // The same call by the kayak location's own staff goes through: the ids are right.
                    let jon = sign_in(&app, JON).await;
                    let (status, body) = call(&app, Some(&jon), name, &form).await;
                    assert!(status.is_success(), "{name} as the location's own staff: {status} {body}");
                }
            }
        }
    }
}
