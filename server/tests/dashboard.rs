//! The dashboard's server functions through the router: sign-in, sessions, and who may see what.

mod common;

use app::ids::{BookingId, ThreadId};
use app::store::seed::DEMO_PORTAL_TOKEN;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::{app, send};
use serde_json::Value;

const MAYA: (&str, &str) = ("maya@parley.demo", "demo-maya-2026"); // both locations
const JON: (&str, &str) = ("jon@parley.demo", "demo-jon-2026"); // kayaks only
const DESK: (&str, &str) = ("desk@parley.demo", "demo-desk-2026"); // escape rooms only

/// A server function call as the dashboard makes it, with an optional session cookie.
async fn call(
    app: &Router,
    cookie: Option<&str>,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String, Option<String>) {
    let mut request = common::server_fn_post(endpoint).header("accept", "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = tower::ServiceExt::oneshot(app.clone(), request.body(common::form(&form)).unwrap()).await.unwrap();
    let status = response.status();
    let set_cookie = response.headers().get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_owned());
    let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned(), set_cookie)
}

/// A sign-in as a browser without the wasm posts it: the answer's status, body, cookie and `Location`.
async fn call_with_location(
    app: &Router,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String, Option<String>, Option<String>) {
    let request = common::server_fn_post(endpoint).body(common::form(&form)).unwrap();
    let response = tower::ServiceExt::oneshot(app.clone(), request).await.unwrap();
    let header = |name| response.headers().get(name).map(|v: &axum::http::HeaderValue| v.to_str().unwrap().to_owned());
    let (status, cookie, location) = (response.status(), header(header::SET_COOKIE), header(header::LOCATION));
    let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned(), cookie, location)
}

/// Signs in and returns the `Cookie` header value to send afterwards.
async fn sign_in(app: &Router, (email, password): (&str, &str)) -> String {
    let (status, body, set_cookie) = call(app, None, "login", &[("email", email), ("password", password)]).await;
    assert!(status.is_success() || status.is_redirection(), "{status}: {body}");
    let set_cookie = set_cookie.expect("a session cookie");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    set_cookie.split(';').next().unwrap().to_owned()
}

async fn json(app: &Router, cookie: &str, endpoint: &str, form: &[(&str, &str)]) -> Value {
    let (status, body, _) = call(app, Some(cookie), endpoint, form).await;
    assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    serde_json::from_str(&body).unwrap()
}

async fn kayak_thread(store: &app::store::Store) -> ThreadId {
    ThreadId::of(&store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap().booking.id)
}

#[tokio::test]
async fn wrong_email_and_wrong_password_get_the_same_answer() {
    let (app, _) = app(true).await;
    let (s1, b1, c1) = call(&app, None, "login", &[("email", "nobody@parley.demo"), ("password", "x")]).await;
    let (s2, b2, c2) = call(&app, None, "login", &[("email", MAYA.0), ("password", "wrong")]).await;
    assert_eq!((s1, &b1), (StatusCode::UNAUTHORIZED, &b2));
    assert_eq!(s2, StatusCode::UNAUTHORIZED);
    assert!(c1.is_none() && c2.is_none(), "no cookie without a session");
}

#[tokio::test]
async fn repeated_failures_are_refused_for_a_while() {
    let (app, _) = app(true).await;
    for _ in 0..5 {
        let (status, _, _) = call(&app, None, "login", &[("email", JON.0), ("password", "guess")]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body, _) = call(&app, None, "login", &[("email", JON.0), ("password", JON.1)]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits: {body}");
}

/// Twenty wrong passwords for one email at once: at most the throttle's limit reach the password
/// check (401); the rest are refused before it (429).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_passwords_get_at_most_the_limit_of_checks() {
    let (app, _) = app(true).await;
    let guesses: Vec<_> = (0..20)
        .map(|n| {
            let app = app.clone();
            tokio::spawn(async move {
                let password = format!("guess-{n}");
                call(&app, None, "login", &[("email", JON.0), ("password", &password)]).await.0
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for guess in guesses {
        statuses.push(guess.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((checked, refused), (app::store::sign_in::MAX_FAILED_LOGINS as usize, 15), "{statuses:?}");
}

/// The escape-room desk's lists hold nothing of the kayak location (every single call is checked in
/// authorization.rs).
#[tokio::test]
async fn another_locations_threads_and_bookings_are_not_listed() {
    let (app, _) = app(true).await;
    let desk = sign_in(&app, DESK).await;
    let page = json(&app, &desk, "inbox_page", &[("unread_only", "false"), ("search", "")]).await;
    let names: Vec<&str> =
        page["rows"].as_array().unwrap().iter().map(|r| r["customer_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Chloe Martin"]);
    let list = json(&app, &desk, "bookings", &[("search", "silva"), ("date", "")]).await;
    assert_eq!(list.as_array().unwrap().len(), 0, "the desk's list holds no kayak booking");
}

#[tokio::test]
async fn the_right_staff_member_reads_replies_and_counts() {
    let (app, store) = app(true).await;
    let thread = kayak_thread(&store).await;
    let jon = sign_in(&app, JON).await;

    let me = json(&app, &jon, "me", &[]).await;
    assert_eq!(me["display_name"], "Jon Reyes");
    assert_eq!(me["locations"].as_array().unwrap().len(), 1);

    // Ana (1 unread) and Dev (3 unread): two threads, not four messages.
    let start = json(&app, &jon, "inbox_start", &[]).await;
    assert_eq!(start["status"]["unread_threads"], 2);
    let page = json(&app, &jon, "inbox_page", &[("unread_only", "false"), ("search", "")]).await;
    let rows = page["rows"].as_array().unwrap();
    assert_eq!(rows[0]["customer_name"], "Ana Silva");
    assert_eq!((rows[0]["unread"].as_i64(), rows[0]["code"].as_str()), (Some(1), Some("KAY7Q2")));

    let read = json(&app, &jon, "thread_mark_read", &[("thread_id", &thread)]).await;
    assert_eq!(read["unread_for_operator"], 0);
    assert_eq!(json(&app, &jon, "inbox_start", &[]).await["status"]["unread_threads"], 1, "opening reads it");

    let unread = json(&app, &jon, "thread_mark_unread", &[("thread_id", &thread)]).await;
    assert_eq!(unread["unread_for_operator"], 1);
    assert_eq!(
        json(&app, &jon, "inbox_start", &[]).await["status"]["unread_threads"],
        2,
        "mark as unread puts it back"
    );

    let id = uuid::Uuid::new_v4().to_string();
    let reply = json(
        &app,
        &jon,
        "thread_reply",
        &[("thread_id", &thread), ("client_id", &id), ("body", " Yes, free parking. ")],
    )
    .await;
    assert_eq!(
        (reply["sender_name"].as_str(), reply["body"].as_str()),
        (Some("Jon Reyes"), Some("Yes, free parking."))
    );
    let again =
        json(&app, &jon, "thread_reply", &[("thread_id", &thread), ("client_id", &id), ("body", "Yes, free parking.")])
            .await;
    assert_eq!(again["id"], reply["id"], "a retried reply is stored once");
    assert_eq!(json(&app, &jon, "inbox_start", &[]).await["status"]["unread_threads"], 1, "replying reads it");

    // A new customer message makes the thread unread again and shows up in the changes.
    let after = json(&app, &jon, "inbox_start", &[]).await["changes"].as_str().unwrap().to_owned();
    let cid = uuid::Uuid::new_v4().to_string();
    let (status, _) =
        common::call(&app, "portal_send", &[("token", DEMO_PORTAL_TOKEN), ("client_id", &cid), ("body", "Thanks!")])
            .await;
    assert_eq!(status, StatusCode::OK);
    let changes = json(&app, &jon, "inbox_changes", &[("after", &after)]).await;
    let changed = changes["rows"].as_array().unwrap().iter().find(|r| r["customer_name"] == "Ana Silva").unwrap();
    assert_eq!(
        (changed["customer_name"].as_str(), changed["preview"].as_str(), changed["unread"].as_i64()),
        (Some("Ana Silva"), Some("Thanks!"), Some(1))
    );
    assert_eq!(changes["status"]["unread_threads"], 2);

    let poll = json(&app, &jon, "thread_poll", &[("thread_id", &thread), ("after_seq", "6")]).await;
    assert_eq!(poll["messages"][0]["body"], "Thanks!");
    assert_eq!(poll["read"]["customer_read_seq"], 7, "the customer read past the reply: Seen");
}

#[tokio::test]
async fn a_thread_of_1500_messages_opens_at_its_newest_and_pages_back_to_the_first() {
    let (app, store) = app(true).await;
    let thread = kayak_thread(&store).await;
    // Ana's five demo messages and 1,495 more.
    store.generate_messages(&thread, 1_495, chrono::Utc::now()).await.unwrap();
    let jon = sign_in(&app, JON).await;
    let view = json(&app, &jon, "thread_view", &[("thread_id", &thread)]).await;
    assert_eq!(common::seqs(&view["opening"]["messages"]), (1_401..=1_500).collect::<Vec<_>>());
    assert_eq!(view["opening"]["has_earlier"], true);
    let pages = common::page_back_to_the_first(1_401, |before| {
        let (app, jon, thread) = (app.clone(), jon.clone(), thread.clone());
        async move { json(&app, &jon, "thread_earlier", &[("thread_id", &thread), ("before_seq", &before)]).await }
    })
    .await;
    assert_eq!(pages, 14);
}

#[tokio::test]
async fn bad_replies_get_clear_errors() {
    let (app, store) = app(true).await;
    let thread = kayak_thread(&store).await;
    let jon = sign_in(&app, JON).await;
    for (client_id, body) in [
        (uuid::Uuid::new_v4().to_string(), "   "),
        (uuid::Uuid::new_v4().to_string(), &"x".repeat(4001)),
        ("nope".to_owned(), "hi"),
    ] {
        let (status, answer, _) = call(
            &app,
            Some(&jon),
            "thread_reply",
            &[("thread_id", &thread), ("client_id", &client_id), ("body", body)],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    }
}

#[tokio::test]
async fn settings_switch_the_portal_and_messaging() {
    let (app, store) = app(true).await;
    let jon = sign_in(&app, JON).await;
    let saved =
        json(&app, &jon, "save_location_settings", &[("portal_enabled", "true"), ("messaging_enabled", "false")]).await;
    assert_eq!(saved["messaging_enabled"], false);
    let id = uuid::Uuid::new_v4().to_string();
    let (status, _) =
        common::call(&app, "portal_send", &[("token", DEMO_PORTAL_TOKEN), ("client_id", &id), ("body", "hello?")])
            .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the portal obeys at once");
    let me = json(&app, &jon, "me", &[]).await;
    assert_eq!(me["messaging_enabled"], false);
    let _ = store;
}

#[tokio::test]
async fn each_staff_member_saves_their_own_alerts_and_the_location_its_email_delays() {
    let (app, _) = app(true).await;
    let jon = sign_in(&app, JON).await;
    let maya = sign_in(&app, MAYA).await;
    let saved = json(&app, &jon, "save_my_alerts", &[("desktop", "true"), ("sound", "false"), ("email", "true")]).await;
    assert_eq!(saved, serde_json::json!({ "desktop": true, "sound": false, "email": true }));
    assert_eq!(json(&app, &jon, "me", &[]).await["alerts"], saved, "kept with the session's staff member");
    let untouched = serde_json::json!({ "desktop": false, "sound": false, "email": false });
    assert_eq!(json(&app, &maya, "me", &[]).await["alerts"], untouched, "only their own");
    let (status, _, _) =
        call(&app, None, "save_my_alerts", &[("desktop", "true"), ("sound", "true"), ("email", "true")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let settings = [("portal_enabled", "true"), ("messaging_enabled", "true"), ("customer_email_minutes", "30")];
    let saved = json(&app, &jon, "save_location_settings", &settings).await;
    assert_eq!((saved["customer_email_minutes"].as_u64(), saved["team_email_minutes"].as_u64()), (Some(30), None));
    assert_eq!(saved["sends_email"], false, "no SMTP server in the tests' app state");
    let too_long = [("portal_enabled", "true"), ("messaging_enabled", "true"), ("team_email_minutes", "100000")];
    let (status, body, _) = call(&app, Some(&jon), "save_location_settings", &too_long).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("between a minute and a day"), "{body}");
}

#[tokio::test]
async fn logout_ends_the_session() {
    let (app, _) = app(true).await;
    let maya = sign_in(&app, MAYA).await;
    json(&app, &maya, "me", &[]).await;
    let (_, _, cleared) = call(&app, Some(&maya), "logout", &[]).await;
    assert!(cleared.unwrap().contains("Max-Age=0"));
    let (status, _, _) = call(&app, Some(&maya), "me", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// A dashboard page opened without a session is a real redirect (303), to a sign-in page that
/// remembers where the person wanted to go; server functions answer 401.
#[tokio::test]
async fn dashboard_pages_send_the_signed_out_to_login_and_back() {
    let (app, _) = app(true).await;
    for (path, next) in [
        ("/dashboard", "%2Fdashboard"),
        ("/dashboard/settings", "%2Fdashboard%2Fsettings"),
        ("/dashboard/threads/anything", "%2Fdashboard%2Fthreads%2Fanything"),
        ("/dashboard/bookings?date=2026-11-24", "%2Fdashboard%2Fbookings%3Fdate%3D2026-11-24"),
    ] {
        let request = Request::get(path).header("accept", "text/html").body(Body::empty()).unwrap();
        let response = tower::ServiceExt::oneshot(app.clone(), request).await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.headers()[header::LOCATION], format!("/login?next={next}").as_str(), "{path}");
    }
    let (status, html) =
        send(&app, Request::get("/login?next=%2Fdashboard%2Fsettings").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Sign in") && html.contains(r#"name="next" value="/dashboard/settings""#), "{html}");

    // Signing in goes where the person wanted to go, if that is a page of this site.
    for (next, expected) in [
        (Some("/dashboard/threads/abc"), "/dashboard/threads/abc"),
        (Some("https://evil.example/phish"), "/dashboard"),
        (Some("//evil.example"), "/dashboard"),
        (None, "/dashboard"),
    ] {
        let mut form = vec![("email", JON.0), ("password", JON.1)];
        form.extend(next.map(|n| ("next", n)));
        let (status, body, _, location) = call_with_location(&app, "login", &form).await;
        assert!(status.is_success() || status.is_redirection(), "{status}: {body}");
        assert_eq!(location.as_deref(), Some(expected), "next = {next:?}");
    }
}

#[tokio::test]
async fn bookings_are_listed_searched_and_opened() {
    let (app, store) = app(true).await;
    let access = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap();
    let jon = sign_in(&app, JON).await;
    let all = json(&app, &jon, "bookings", &[("search", ""), ("date", "")]).await;
    assert_eq!(all.as_array().unwrap().len(), 11);
    let found = json(&app, &jon, "bookings", &[("search", "KAY7Q2"), ("date", "")]).await;
    assert_eq!(found[0]["customer_name"], "Ana Silva");
    let (status, body, _) = call(&app, Some(&jon), "bookings", &[("search", ""), ("date", "24/11/2026")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let detail = json(&app, &jon, "booking", &[("booking_id", &access.booking.id)]).await;
    assert_eq!(detail["summary"]["confirmation_code"], "KAY7Q2-5521");
    assert_eq!(detail["thread_id"], access.booking.id.as_str());
    let profile = json(&app, &jon, "customer", &[("customer_id", &access.customer.id)]).await;
    assert_eq!(
        (profile["name"].as_str(), profile["email"].as_str()),
        (Some("Ana Silva"), Some("ana.silva@example.com"))
    );
    assert_eq!(profile["bookings"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_fresh_portal_link_opens_the_portal_and_revoking_ends_all() {
    let (app, _) = app(true).await;
    let jon = sign_in(&app, JON).await;
    let found = json(&app, &jon, "bookings", &[("search", "Okafor"), ("date", "")]).await;
    let booking_id = found[0]["booking_id"].as_str().unwrap().to_owned();
    let path = json(&app, &jon, "new_portal_link", &[("booking_id", &booking_id)]).await;
    let token = path.as_str().unwrap().trim_start_matches("/portal/").to_owned();
    assert_eq!(token.len(), 64);
    let view = common::call_ok(&app, "portal_view", &[("token", &token)]).await;
    assert_eq!(view["booking"]["customer_name"], "Ben Okafor");
    let (status, _, _) = call(&app, Some(&jon), "revoke_portal_links", &[("booking_id", &booking_id)]).await;
    assert_eq!(status, StatusCode::OK);
    for old in [token.as_str(), "demo-portal-ben-okafor-kayak"] {
        let (status, _) = common::call(&app, "portal_view", &[("token", old)]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{old} was revoked");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn message_customer_makes_one_thread_under_concurrent_clicks() {
    let (app, store) = app(true).await;
    let jon = sign_in(&app, JON).await;
    let found = json(&app, &jon, "bookings", &[("search", "Fischer"), ("date", "")]).await;
    let booking_id = found[0]["booking_id"].as_str().unwrap().to_owned();
    assert!(store.thread_of_booking(&BookingId::new(&booking_id)).await.unwrap().is_none());
    let mut clicks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (app, jon, booking_id) = (app.clone(), jon.clone(), booking_id.clone());
        clicks.spawn(async move { json(&app, &jon, "message_customer", &[("booking_id", &booking_id)]).await });
    }
    let mut ids = std::collections::HashSet::new();
    while let Some(id) = clicks.join_next().await {
        ids.insert(id.unwrap().as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1);
    let mut r = store.thread_of_booking(&BookingId::new(booking_id)).await.unwrap().into_iter();
    assert_eq!(r.next().map(|t| String::from(t.id)), ids.into_iter().next());
}

/// More threads change between two polls than a page holds (a broadcast, an integration): the
/// dashboard's poll asks again while there is more, and every change arrives once.
#[tokio::test]
async fn five_hundred_threads_changed_between_two_polls_all_reach_the_dashboard() {
    let (app, store) = app(true).await;
    let jon = sign_in(&app, JON).await;
    let kayaks = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap().location.id;
    store.generate_threads(&kayaks, 0..500, chrono::Utc::now() - chrono::Duration::hours(1)).await.unwrap();
    // The first poll: caught up.
    let start = json(&app, &jon, "inbox_start", &[]).await["changes"].as_str().unwrap().to_owned();
    let mut after = start.clone();
    loop {
        let page = json(&app, &jon, "inbox_changes", &[("after", &after)]).await;
        after = page["next"].as_str().unwrap().to_owned();
        if page["more"] == false {
            break;
        }
    }
    // 500 threads change before the next poll.
    for n in 0..500 {
        store
            .mark_read(
                &ThreadId::new(app::store::bulk::generated_key(n)),
                app::model::SenderType::Operator,
                chrono::Utc::now(),
            )
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut polls = 0;
    loop {
        let page = json(&app, &jon, "inbox_changes", &[("after", &after)]).await;
        polls += 1;
        let rows = page["rows"].as_array().unwrap();
        seen.extend(rows.iter().map(|r| r["thread_id"].as_str().unwrap().to_owned()));
        let next = page["next"].as_str().unwrap().to_owned();
        let cursor = app::store::inbox::ChangeCursor::decode(&next).unwrap();
        if page["more"] == true {
            let last = rows.last().unwrap()["thread_id"].as_str().unwrap();
            assert_eq!(cursor.after.as_deref(), Some(last), "a cut page goes on after its last thread");
        } else {
            assert_eq!(cursor.after, None, "a poll that returned everything goes on after all of it");
        }
        after = next;
        if page["more"] == false {
            break;
        }
    }
    let distinct: std::collections::HashSet<&String> = seen.iter().collect();
    assert_eq!((seen.len(), distinct.len()), (500, 500), "every change once");
    assert_eq!(polls, 5, "in pages of 100");
    assert!(json(&app, &jon, "inbox_changes", &[("after", &after)]).await["rows"].as_array().unwrap().is_empty());
}
