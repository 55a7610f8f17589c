//! Saved replies through the router: kept per location, refused when a brace names no booking
//! detail, and the details a reply fills in for an open thread, in the location's time zone.

mod common;

use app::ids::ThreadId;
use app::model::{BookingStatus, ThreadView};
use app::store::bookings::{NewBooking, NewCustomer};
use app::store::staff::NewStaff;
use axum::http::StatusCode;
use axum::Router;
use chrono::{TimeZone, Utc};
use common::{app, sign_in};
use serde_json::Value;

const JON: (&str, &str) = ("jon@parley.demo", "demo-jon-2026"); // kayaks only
const DESK: (&str, &str) = ("desk@parley.demo", "demo-desk-2026"); // escape rooms only

async fn call(app: &Router, cookie: &str, endpoint: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    common::send_call(app, endpoint, common::server_fn_call(endpoint, &form, Some(cookie))).await
}

async fn json(app: &Router, cookie: &str, endpoint: &str, form: &[(&str, &str)]) -> Value {
    let (status, body) = call(app, cookie, endpoint, form).await;
    assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    serde_json::from_str(&body).unwrap()
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn staff_keep_their_locations_replies_and_see_no_other() {
    let (app, _) = app(true).await;
    let jon = sign_in(&app, JON).await;
    let desk = sign_in(&app, DESK).await;
    let before = names(&json(&app, &jon, "saved_replies", &[]).await).len();
    let created = json(
        &app,
        &jon,
        "create_saved_reply",
        &[("name", "Parking"), ("text", "Hi {first_name}, park by the {location} sign.")],
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(names(&json(&app, &jon, "saved_replies", &[]).await).contains(&"Parking"));
    assert!(!names(&json(&app, &desk, "saved_replies", &[]).await).contains(&"Parking"), "not at escape rooms");

    let changed =
        json(&app, &jon, "update_saved_reply", &[("reply_id", &id), ("name", "Parking"), ("text", "Park here.")]).await;
    assert_eq!(changed["text"], "Park here.");
    let (status, _) = call(&app, &desk, "delete_saved_reply", &[("reply_id", &id)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another location's staff cannot delete it");
    json(&app, &jon, "delete_saved_reply", &[("reply_id", &id)]).await;
    assert_eq!(names(&json(&app, &jon, "saved_replies", &[]).await).len(), before);
}

#[tokio::test]
async fn a_brace_that_names_no_booking_detail_is_refused_with_its_name() {
    let (app, _) = app(true).await;
    let jon = sign_in(&app, JON).await;
    let before = json(&app, &jon, "saved_replies", &[]).await;
    for (text, says) in [
        ("Hi {firstname}!", "{firstname} is not a booking detail."),
        ("See you at {start}", "{start} is not a booking detail."),
        ("Hi {first_name, welcome", "brace that is not closed"),
        ("Hi first_name}", "closing brace without an opening one"),
    ] {
        let (status, body) = call(&app, &jon, "create_saved_reply", &[("name", "Greeting"), ("text", text)]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}: {body}");
        assert!(body.contains(says), "{text}: {body}");
    }
    let (status, body) = call(&app, &jon, "create_saved_reply", &[("name", ""), ("text", "Hello")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(json(&app, &jon, "saved_replies", &[]).await, before, "nothing was stored");
}

#[tokio::test]
async fn an_open_thread_carries_every_detail_a_reply_fills_in_in_its_locations_time_zone() {
    let (app, store) = app(true).await;
    // A location in Tokyo, a customer with no last name, a booking at 01:15 UTC: 10:15 there.
    let tokyo = store.create_location("Tokyo Bay Paddle", "Asia/Tokyo").await.unwrap();
    let new = NewStaff {
        email: "aiko@parley.test",
        first_name: Some("Aiko"),
        last_name: None,
        password: "a-long-password-2026",
        location_ids: std::slice::from_ref(&tokyo.id),
    };
    store.create_staff(new).await.unwrap();
    let customer = store
        .create_customer(NewCustomer { first_name: "Kai", last_name: "", email: None, phone: None })
        .await
        .unwrap();
    let booking = store
        .create_booking(NewBooking {
            location_id: &tokyo.id,
            customer_id: &customer.id,
            confirmation_code: "TBP-0042",
            activity: "Night Paddle",
            starts_at: Utc.with_ymd_and_hms(2026, 12, 1, 1, 15, 0).unwrap(),
            duration_minutes: 90,
            party_size: 3,
            status: BookingStatus::Confirmed,
        })
        .await
        .unwrap();
    store.get_or_create_thread(&booking.id, Utc::now()).await.unwrap();
    let aiko = sign_in(&app, ("aiko@parley.test", "a-long-password-2026")).await;
    let thread = ThreadId::of(&booking.id).to_string();
    let view: ThreadView =
        serde_json::from_value(json(&app, &aiko, "thread_view", &[("thread_id", &thread)]).await).unwrap();
    let details = view.details;
    let today = app::api::present::local_date(Utc::now(), app::api::present::zone(&tokyo));
    let date = app::text::long_date(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), today);
    assert!(date.starts_with("Tuesday, Dec 1"), "{date}");
    assert_eq!((details.first_name.as_str(), details.last_name.as_str()), ("Kai", ""));
    assert_eq!((details.date.as_str(), details.start_time.as_str()), (date.as_str(), "10:15"));
    assert_eq!((details.duration.as_str(), details.party_size.as_str()), ("1 h 30 min", "3"));
    assert_eq!(
        (details.activity.as_str(), details.confirmation_code.as_str(), details.location.as_str()),
        ("Night Paddle", "TBP-0042", "Tokyo Bay Paddle")
    );
    let filled = app::reply_template::fill(
        "{first_name} {last_name}: {activity} on {date} at {start_time} ({duration}), party of {party_size}, \
         {confirmation_code}, {location}.",
        &details,
    );
    assert_eq!(
        filled,
        format!("Kai : Night Paddle on {date} at 10:15 (1 h 30 min), party of 3, TBP-0042, Tokyo Bay Paddle.")
    );
}
