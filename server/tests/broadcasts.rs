//! Messages to a whole departure through the router: the demo's departure (Ana's sunset tour: four
//! confirmed bookings and one cancelled), filled in for each booking, delivered once however often
//! it is sent, seen and replied per booking, and only ever to the staff member's own location's
//! bookings of that departure.

mod common;

use app::ids::{BookingId, ThreadId};
use app::store::seed::DEMO_PORTAL_TOKEN;
use app::store::Store;
use axum::http::StatusCode;
use axum::Router;
use common::sign_in;
use serde_json::Value;

const JON: (&str, &str) = ("jon@parley.demo", "demo-jon-2026");
const DESK: (&str, &str) = ("desk@parley.demo", "demo-desk-2026");
const OLIVIA: &str = "demo-portal-olivia-brown-kayak";

async fn staff_call(app: &Router, cookie: &str, endpoint: &str, fields: &[(&str, String)]) -> (StatusCode, String) {
    common::send_call(app, endpoint, common::server_fn_call(endpoint, &fields, Some(cookie))).await
}

async fn staff_ok(app: &Router, cookie: &str, endpoint: &str, fields: &[(&str, String)]) -> Value {
    let (status, body) = staff_call(app, cookie, endpoint, fields).await;
    assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// Ana's departure as the page names it: (activity, starts_at), and its bookings.
async fn sunset_departure(app: &Router, jon: &str) -> (String, String, Vec<Value>) {
    let departures = staff_ok(app, jon, "departures", &[]).await;
    // The same departure on its own day, in the location's time zone.
    let day = staff_ok(app, jon, "departures", &[("date", departures_day(&departures))]).await;
    assert!(
        day.as_array().unwrap().iter().any(|d| d["activity"] == "Sunset Sea Kayak Tour" && d["confirmed"] == 4),
        "{day}"
    );
    let sunset = departures
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["activity"] == "Sunset Sea Kayak Tour" && d["confirmed"] == 4)
        .unwrap_or_else(|| panic!("the demo's departure: {departures}"))
        .clone();
    assert_eq!(sunset["cancelled"], 1);
    assert_eq!(sunset["start_time"], "17:30", "in the location's time zone");
    let (activity, starts_at) = (sunset["activity"].as_str().unwrap(), sunset["starts_at"].as_str().unwrap());
    let fields = [("activity", activity.to_owned()), ("starts_at", starts_at.to_owned())];
    let detail = staff_ok(app, jon, "departure", &fields).await;
    (activity.to_owned(), starts_at.to_owned(), detail["bookings"].as_array().unwrap().clone())
}

/// The day of the demo's sunset departure (Ana's, two days from now): from its start, shown in
/// the location's zone on the page, as the UI's date field gives it.
fn departures_day(departures: &Value) -> String {
    let sunset = departures.as_array().unwrap().iter().find(|d| d["confirmed"] == 4).unwrap();
    let starts: chrono::DateTime<chrono::Utc> = sunset["starts_at"].as_str().unwrap().parse().unwrap();
    starts.with_timezone(&chrono_tz::America::Los_Angeles).date_naive().to_string()
}

fn booking_ids(bookings: &[Value], status: &str) -> Vec<String> {
    bookings.iter().filter(|b| b["status"] == status).map(|b| b["booking_id"].as_str().unwrap().to_owned()).collect()
}

fn send_fields(
    client_id: &str,
    activity: &str,
    starts_at: &str,
    body: &str,
    ids: &[String],
) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("client_id", client_id.to_owned()),
        ("activity", activity.to_owned()),
        ("starts_at", starts_at.to_owned()),
        ("body", body.to_owned()),
    ];
    const NAMES: [&str; 8] = [
        "booking_ids[0]",
        "booking_ids[1]",
        "booking_ids[2]",
        "booking_ids[3]",
        "booking_ids[4]",
        "booking_ids[5]",
        "booking_ids[6]",
        "booking_ids[7]",
    ];
    fields.extend(ids.iter().enumerate().map(|(n, id)| (NAMES[n], id.clone())));
    fields
}

async fn broadcast_messages(store: &Store, booking: &str, client_id: &str) -> Vec<String> {
    let thread = ThreadId::of(&BookingId::new(booking));
    let messages = store.messages_after(&thread, 0, 1000).await.unwrap();
    messages.into_iter().filter(|m| m.client_id == client_id).map(|m| m.body).collect()
}

#[tokio::test]
async fn a_departure_gets_one_message_each_filled_in_and_its_page_counts_who_has_seen_it() {
    let (app, store) = common::app(true).await;
    let location = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap().location.id;
    let hook = ["message.created".to_owned()];
    store.create_webhook_endpoint(&location, "http://127.0.0.1:9/hook", &hook).await.unwrap();
    while store.fan_out_events(100, server::webhooks::event_body).await.unwrap() > 0 {}
    let jon = sign_in(&app, JON).await;
    let (activity, starts_at, bookings) = sunset_departure(&app, &jon).await;
    let names: Vec<&str> = bookings.iter().map(|b| b["customer_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ana Silva", "Olivia Brown", "Pablo Ruiz", "Quinn Murphy", "Rosa Diaz"]);
    let confirmed = booking_ids(&bookings, "Confirmed");
    assert_eq!(confirmed.len(), 4);
    let cancelled = booking_ids(&bookings, "Cancelled");

    let body = "Hi {first_name}! Wind is picking up: meet at {start_time} at the sheltered dock, not the beach.";
    let client_id = uuid::Uuid::new_v4().to_string();
    let id =
        staff_ok(&app, &jon, "send_broadcast", &send_fields(&client_id, &activity, &starts_at, body, &confirmed)).await;
    let id = id.as_str().unwrap().to_owned();
    let message_client = format!("broadcast:{id}");
    for (booking, first) in confirmed.iter().zip(["Ana", "Olivia", "Pablo", "Quinn"]) {
        assert_eq!(
            broadcast_messages(&store, booking, &message_client).await,
            [format!("Hi {first}! Wind is picking up: meet at 17:30 at the sheltered dock, not the beach.")]
        );
    }
    assert!(
        broadcast_messages(&store, &cancelled[0], &message_client).await.is_empty(),
        "the cancelled booking was not ticked"
    );

    let page = staff_ok(&app, &jon, "broadcast", &[("broadcast_id", id.clone())]).await;
    assert_eq!((page["summary"]["recipients"].as_u64(), page["summary"]["seen"].as_u64()), (Some(4), Some(0)));
    assert_eq!(page["summary"]["sender_name"], "Jon Reyes");
    assert!(page["recipients"].as_array().unwrap().iter().all(|r| r["sent"] == true && r["seen"] == false));

    // Olivia opens her portal and reads it; Pablo answers.
    let portal = common::call_ok(&app, "portal_view", &[("token", OLIVIA)]).await;
    assert!(portal.to_string().contains("Hi Olivia! Wind is picking up"), "{portal}");
    common::call_ok(&app, "portal_mark_read", &[("token", OLIVIA)]).await;
    let send = uuid::Uuid::new_v4().to_string();
    let answer =
        [("token", "demo-portal-pablo-ruiz-kayak"), ("client_id", send.as_str()), ("body", "OK, see you there")];
    common::call_ok(&app, "portal_send", &answer).await;
    let page = staff_ok(&app, &jon, "broadcast", &[("broadcast_id", id.clone())]).await;
    assert_eq!(page["summary"]["seen"], 2, "{page}");
    let state: Vec<(String, bool, bool)> = page["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["customer_name"].as_str().unwrap().to_owned(), r["seen"] == true, r["replied"] == true))
        .collect();
    assert_eq!(state[1], ("Olivia Brown".to_owned(), true, false));
    assert_eq!(state[2], ("Pablo Ruiz".to_owned(), true, true));
    let listed = staff_ok(&app, &jon, "broadcasts", &[]).await;
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["seen"], 2);

    // A message.created webhook for each message, as for any team reply.
    while store.fan_out_events(100, server::webhooks::event_body).await.unwrap() > 0 {}
    let location = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap().location.id;
    let deliveries = store.recent_deliveries(&location, 100).await.unwrap();
    let about_it = deliveries.iter().filter(|d| d.body.contains("Wind is picking up")).count();
    assert_eq!(about_it, 4, "one per booking");
}

#[tokio::test]
async fn concurrent_retries_of_a_broadcast_send_each_booking_one_message() {
    let (app, store) = common::app(true).await;
    let jon = sign_in(&app, JON).await;
    let (activity, starts_at, bookings) = sunset_departure(&app, &jon).await;
    let mut everyone = booking_ids(&bookings, "Confirmed");
    everyone.extend(booking_ids(&bookings, "Cancelled")); // ticked too, this time
    let client_id = uuid::Uuid::new_v4().to_string();
    let fields = send_fields(&client_id, &activity, &starts_at, "The {activity} is on!", &everyone);
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (app, jon, fields) = (app.clone(), jon.clone(), fields.clone());
        calls.spawn(async move { staff_call(&app, &jon, "send_broadcast", &fields).await });
    }
    let mut ids = std::collections::BTreeSet::new();
    while let Some(answer) = calls.join_next().await {
        let (status, body) = answer.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        ids.insert(body);
    }
    assert_eq!(ids.len(), 1, "one broadcast: {ids:?}");
    let id: String = serde_json::from_str(ids.first().unwrap()).unwrap();
    for booking in &everyone {
        let got = broadcast_messages(&store, booking, &format!("broadcast:{id}")).await;
        assert_eq!(got, ["The Sunset Sea Kayak Tour is on!"], "{booking}");
    }
    let location = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap().location.id;
    assert_eq!(store.broadcasts(&location, 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn only_the_departures_own_bookings_at_the_staff_members_location_are_messaged() {
    let (app, store) = common::app(true).await;
    let (jon, desk) = (sign_in(&app, JON).await, sign_in(&app, DESK).await);
    let (activity, starts_at, bookings) = sunset_departure(&app, &jon).await;
    let confirmed = booking_ids(&bookings, "Confirmed");
    let chloe = store.portal_access("demo-portal-chloe-martin-escape").await.unwrap().unwrap().booking.id;
    let ben = store.portal_access("demo-portal-ben-okafor-kayak").await.unwrap().unwrap().booking.id;
    let before = |id: &BookingId| {
        let (store, thread) = (store.clone(), ThreadId::of(id));
        async move { store.thread_of_booking(&thread.booking()).await.unwrap() }
    };
    let (chloe_before, ben_before) = (before(&chloe).await, before(&ben).await);

    // Another location's booking, or another departure's, named among the right ones: refused whole.
    for stray in [&chloe, &ben] {
        let mut ids = confirmed.clone();
        ids.push(stray.to_string());
        let client_id = uuid::Uuid::new_v4().to_string();
        let (status, body) =
            staff_call(&app, &jon, "send_broadcast", &send_fields(&client_id, &activity, &starts_at, "Hello", &ids))
                .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.contains("is not on this departure"), "{body}");
    }
    // The escape rooms' staff cannot reach the kayak departure at all.
    let client_id = uuid::Uuid::new_v4().to_string();
    let fields = send_fields(&client_id, &activity, &starts_at, "Hello", &confirmed);
    assert_eq!(staff_call(&app, &desk, "send_broadcast", &fields).await.0, StatusCode::NOT_FOUND);
    let departure = [("activity", activity.clone()), ("starts_at", starts_at.clone())];
    assert_eq!(staff_call(&app, &desk, "departure", &departure).await.0, StatusCode::NOT_FOUND);

    assert_eq!(before(&chloe).await, chloe_before);
    assert_eq!(before(&ben).await, ben_before);
    for booking in &confirmed {
        let thread = store.thread_of_booking(&BookingId::new(booking.as_str())).await.unwrap();
        let messages = match thread {
            Some(t) => store.messages_after(&t.id, 0, 1000).await.unwrap(),
            None => Vec::new(),
        };
        assert!(messages.iter().all(|m| !m.client_id.starts_with("broadcast:")), "nothing sent to {booking}");
    }
    let location = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap().location.id;
    assert!(store.broadcasts(&location, 10).await.unwrap().is_empty(), "no broadcast recorded");

    // Jon's broadcast is not the desk's to read.
    let client_id = uuid::Uuid::new_v4().to_string();
    let id =
        staff_ok(&app, &jon, "send_broadcast", &send_fields(&client_id, &activity, &starts_at, "Hi", &confirmed)).await;
    let (status, _) = staff_call(&app, &desk, "broadcast", &[("broadcast_id", id.as_str().unwrap().to_owned())]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_broadcast_that_cannot_be_sent_says_why_and_sends_nothing() {
    let (app, store) = common::app(true).await;
    let jon = sign_in(&app, JON).await;
    let (activity, starts_at, bookings) = sunset_departure(&app, &jon).await;
    let confirmed = booking_ids(&bookings, "Confirmed");
    let id = uuid::Uuid::new_v4().to_string();
    let long = "x".repeat(4001);
    for (fields, says) in [
        (send_fields(&id, &activity, &starts_at, "Hi {firstname}", &confirmed), "{firstname}"),
        (send_fields(&id, &activity, &starts_at, "   ", &confirmed), "Write the message"),
        (send_fields(&id, &activity, &starts_at, &long, &confirmed), "4001 characters"),
        (send_fields(&id, &activity, &starts_at, "Hi", &[]), "at least one booking"),
        (send_fields(&id, &activity, "tomorrow at nine", "Hi", &confirmed), "start time"),
        (send_fields("not-a-uuid", &activity, &starts_at, "Hi", &confirmed), "UUID"),
    ] {
        let (status, body) = staff_call(&app, &jon, "send_broadcast", &fields).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{says}: {body}");
        assert!(body.contains(says), "{says}: {body}");
    }
    let location = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap().location.id;
    assert!(store.broadcasts(&location, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_rest_api_lists_broadcasts_and_each_bookings_state_for_its_own_location_only() {
    use axum::body::Body;
    use axum::http::Request;

    let (app, store) = common::app(true).await;
    let jon = sign_in(&app, JON).await;
    let (activity, starts_at, bookings) = sunset_departure(&app, &jon).await;
    let confirmed = booking_ids(&bookings, "Confirmed");
    let client_id = uuid::Uuid::new_v4().to_string();
    let fields = send_fields(&client_id, &activity, &starts_at, "Hi {first_name}", &confirmed);
    let id = staff_ok(&app, &jon, "send_broadcast", &fields).await.as_str().unwrap().to_owned();
    common::call_ok(&app, "portal_mark_read", &[("token", OLIVIA)]).await;

    let kayaks = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap().location.id;
    let rooms = store.portal_access("demo-portal-chloe-martin-escape").await.unwrap().unwrap().location.id;
    let (_, key) = store.create_api_key(&kayaks, "CRM").await.unwrap();
    let (_, other_key) = store.create_api_key(&rooms, "Other").await.unwrap();
    let get = |key: String, path: String| {
        let app = app.clone();
        async move {
            let request =
                Request::get(path).header("authorization", format!("Bearer {key}")).body(Body::empty()).unwrap();
            let (status, body) = common::send(&app, request).await;
            (status, serde_json::from_str::<Value>(&body).unwrap())
        }
    };
    let (status, list) = get(key.clone(), "/api/v1/broadcasts".into()).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let first = &list["items"][0];
    assert_eq!(first["id"], id.as_str());
    assert_eq!(
        (first["recipients"].as_u64(), first["sent"].as_u64(), first["seen"].as_u64()),
        (Some(4), Some(4), Some(1))
    );
    assert_eq!(first["body"], "Hi {first_name}");

    let (status, detail) = get(key.clone(), format!("/api/v1/broadcasts/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    let states = detail["bookings"].as_array().unwrap();
    assert_eq!(states.len(), 4);
    assert!(states.iter().all(|b| b["sent"] == true && b["message_seq"].as_i64().is_some()));
    assert_eq!(states.iter().filter(|b| b["seen"] == true).count(), 1);

    let (status, list) = get(other_key.clone(), "/api/v1/broadcasts".into()).await;
    assert_eq!((status, list["items"].as_array().unwrap().len()), (StatusCode::OK, 0));
    let (status, _) = get(other_key, format!("/api/v1/broadcasts/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(key, "/api/v1/broadcasts?limit=0".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
