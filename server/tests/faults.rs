//! The SurrealDB server goes away and comes back, under a Parley server that keeps running: the
//! health check says so, requests meanwhile answer "try again" and store nothing half, and the same
//! pages' polls go on afterwards.

mod common;

use std::time::{Duration, Instant};

use app::ids::ThreadId;
use app::store::seed::DEMO_PORTAL_TOKEN;
use app::store::surreal_server::SurrealServer;
use axum::http::StatusCode;
use common::{app_on, call, call_ok, get, sign_in};

const ANA: &str = DEMO_PORTAL_TOKEN;

async fn send(app: &axum::Router, client_id: &uuid::Uuid, body: &str) -> (StatusCode, String) {
    call(app, "portal_send", &[("token", ANA), ("client_id", &client_id.to_string()), ("body", body)]).await
}

/// Asks `/healthz` until it says `want`, for at most 30 s: the server process starts (or its
/// listener closes) in its own time.
async fn health_becomes(app: &axum::Router, want: StatusCode) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, _) = get(app, "/healthz").await;
        if status == want {
            return;
        }
        assert!(Instant::now() < deadline, "/healthz still {status}, not {want}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_database_server_stops_and_comes_back() {
    let dir = tempfile_dir();
    let mut database = SurrealServer::start_durable(&dir.join("db"));
    // A short limit, so that requests during the outage answer in a second, not ten.
    let store = database.store().await.with_query_timeout(Duration::from_secs(1));
    let app = app_on(&store, true).await;
    let jon = sign_in(&app, ("jon@parley.demo", "demo-jon-2026")).await;
    let start = call_ok(&app, "portal_poll", &[("token", ANA), ("after_seq", "0")]).await;
    let before = start["messages"].as_array().unwrap().len();
    let inbox = common::json_as(&app, &jon, "inbox_start", &[]).await;
    let mut cursor = inbox["changes"].as_str().unwrap().to_owned();

    let ids: Vec<uuid::Uuid> = (0..6).map(|_| uuid::Uuid::new_v4()).collect();
    let mut acknowledged = Vec::new();
    for (n, id) in ids[..3].iter().enumerate() {
        let (status, body) = send(&app, id, &format!("Before {n}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        acknowledged.push(format!("Before {n}"));
    }

    database.stop();
    health_becomes(&app, StatusCode::SERVICE_UNAVAILABLE).await;
    for (n, id) in ids[3..].iter().enumerate() {
        let (status, body) = send(&app, id, &format!("During {n}")).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        // The page shows the error's own words.
        assert_eq!(body, r#""Busy""#);
        assert!(app::api::portal::PortalError::Busy.to_string().contains("Please try again"));
    }
    let (status, _) = call(&app, "portal_poll", &[("token", ANA), ("after_seq", "0")]).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "a poll meanwhile");

    database.start_again();
    health_becomes(&app, StatusCode::OK).await;

    // The portal's poll goes on from where it was, the failed sends are sent again by the page
    // with their client ids, and each is stored once.
    for (n, id) in ids[3..].iter().enumerate() {
        let (status, body) = send(&app, id, &format!("During {n}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        acknowledged.push(format!("During {n}"));
    }
    let after = call_ok(&app, "portal_poll", &[("token", ANA), ("after_seq", "0")]).await;
    let bodies: Vec<&str> = after["messages"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(bodies.len(), before + 6, "{bodies:?}");
    assert_eq!(bodies[before..], acknowledged.iter().map(String::as_str).collect::<Vec<_>>()[..]);

    // Nothing half-written: the thread's counters match its messages.
    let booking = store.portal_access(ANA).await.unwrap().unwrap().booking;
    let thread = store.thread(&ThreadId::of(&booking.id)).await.unwrap();
    assert_eq!(thread.last_seq as usize, bodies.len());
    assert_eq!(thread.last_customer_seq as usize, bodies.len());

    // The dashboard's poll goes on from its cursor, with the same session.
    let changes = common::json_as(&app, &jon, "inbox_changes", &[("after", &cursor)]).await;
    let rows = changes["rows"].as_array().unwrap();
    assert!(rows.iter().any(|r| r["customer_name"].as_str() == Some("Ana Silva")), "{changes}");
    cursor = changes["next"].as_str().unwrap().to_owned();
    assert!(!cursor.is_empty());
    drop(database);
    let _ = std::fs::remove_dir_all(dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("parley-faults-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
