//! Webhooks end to end: a real receiver (axum on 127.0.0.1:0) gets signed deliveries from the
//! dispatcher, retries keep their id, pending deliveries survive a restart, and one slow endpoint
//! does not hold up another. The dispatcher runs one pass at a time at a time the test chooses, so
//! no test waits on a clock.

mod common;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::ids::LocationId;
use app::store::seed::{seed_demo, DEMO_PORTAL_TOKEN};
use app::store::webhooks::DeliveryStatus;
use app::store::Store;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use chrono::{DateTime, Utc};
use server::retry::RetryPolicy;
use server::webhooks::{Dispatcher, DispatcherConfig};
use tokio::sync::Semaphore;

/// What a receiver got, and what it answers next.
#[derive(Clone, Default)]
struct Receiver {
    hits: Arc<Mutex<Vec<(HeaderMap, String)>>>,
    answers: Arc<Mutex<VecDeque<u16>>>,
    /// When set, each request waits for a permit before it is answered.
    gate: Option<Arc<Semaphore>>,
}

impl Receiver {
    fn hits(&self) -> Vec<(HeaderMap, String)> {
        self.hits.lock().unwrap().clone()
    }
}

/// Serves a receiver on `listener`: answers from `answers` in order, then 200.
fn serve(listener: tokio::net::TcpListener, answers: &[u16], gate: Option<Arc<Semaphore>>) -> Receiver {
    let receiver =
        Receiver { answers: Arc::new(Mutex::new(answers.iter().copied().collect())), gate, ..Default::default() };
    let state = receiver.clone();
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: String| {
            let state = state.clone();
            async move {
                if let Some(gate) = &state.gate {
                    gate.acquire().await.unwrap().forget();
                }
                state.hits.lock().unwrap().push((headers, body));
                let code = state.answers.lock().unwrap().pop_front().unwrap_or(200);
                StatusCode::from_u16(code).unwrap()
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    receiver
}

async fn receiver(answers: &[u16], gate: Option<Arc<Semaphore>>) -> (Receiver, SocketAddr) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    (serve(listener, answers, gate), addr)
}

fn dispatcher(store: &Store) -> Dispatcher {
    Dispatcher::new(
        store.clone(),
        DispatcherConfig {
            tick: Duration::from_millis(50),
            timeout: Duration::from_secs(10),
            retry: RetryPolicy::STANDARD,
            allow_private: true,
        },
    )
}

/// One pass of the dispatcher at `now`, with every send it starts finished.
async fn pass(dispatcher: &Dispatcher, now: DateTime<Utc>) {
    dispatcher.pass(now).await.unwrap().join_all().await;
}

/// The demo's kayak location, with the demo history's events already fanned out (to no endpoint),
/// so that only what a test sends reaches its receivers.
async fn kayak_location(store: &Store) -> LocationId {
    while store.fan_out_events(100, server::webhooks::event_body).await.unwrap() > 0 {}
    store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap().location.id
}

async fn customer_writes(app: &Router, text: &str) {
    let id = uuid::Uuid::new_v4().to_string();
    let form = [("token", DEMO_PORTAL_TOKEN), ("client_id", &id), ("body", text)];
    let (status, body) = common::call(app, "portal_send", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn endpoint(store: &Store, location: &LocationId, addr: SocketAddr) -> app::store::webhooks::EndpointRecord {
    store
        .create_webhook_endpoint(location, &format!("http://{addr}/hook"), &["message.created".to_owned()])
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_portal_message_reaches_a_real_receiver_signed() {
    let (app, store) = common::app(true).await;
    let (receiver, addr) = receiver(&[], None).await;
    let location = kayak_location(&store).await;
    let endpoint = endpoint(&store, &location, addr).await;

    customer_writes(&app, "Is the dock wheelchair accessible?").await;
    pass(&dispatcher(&store), Utc::now()).await;

    let hits = receiver.hits();
    assert_eq!(hits.len(), 1);
    let (headers, body) = &hits[0];
    let verifier = standardwebhooks::Webhook::new(&endpoint.secret).unwrap();
    verifier.verify(body.as_bytes(), headers).expect("the signature verifies with the standardwebhooks library");
    assert!(
        verifier.verify(body.replace("wheelchair", "WHEELCHAIR").as_bytes(), headers).is_err(),
        "a changed body does not"
    );

    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["type"], "message.created");
    assert_eq!(json["data"]["text"], "Is the dock wheelchair accessible?");
    assert_eq!(json["data"]["sender_type"], 0);
    assert_eq!(json["data"]["sender_name"], "Ana Silva");
    assert_eq!(json["data"]["location_id"], location.as_str());
    for field in ["message_id", "thread_id", "booking_id", "created_at"] {
        assert!(json["data"][field].is_string(), "{field}");
    }
    // One delivery: the message, not the demo's history from before the endpoint existed.
    let deliveries = store.recent_deliveries(&location, 10).await.unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(
        (deliveries[0].status, deliveries[0].attempts, deliveries[0].last_status),
        (DeliveryStatus::Succeeded, 1, Some(200))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failures_are_retried_with_backoff_and_the_same_id_until_2xx() {
    let (app, store) = common::app(true).await;
    let (receiver, addr) = receiver(&[500, 500, 200], None).await;
    let location = kayak_location(&store).await;
    endpoint(&store, &location, addr).await;
    let dispatcher = dispatcher(&store);
    customer_writes(&app, "Three times?").await;

    let start = Utc::now();
    let at = |seconds: i64| start + chrono::Duration::seconds(seconds);
    pass(&dispatcher, at(0)).await;
    assert_eq!(receiver.hits().len(), 1, "the first attempt at once");
    pass(&dispatcher, at(3)).await;
    assert_eq!(receiver.hits().len(), 1, "not before the backoff (5 s, less a quarter at most)");
    pass(&dispatcher, at(7)).await;
    assert_eq!(receiver.hits().len(), 2, "the second after 5 s (a quarter more at most)");
    pass(&dispatcher, at(13)).await;
    assert_eq!(receiver.hits().len(), 2, "the third waits about 10 s more");
    pass(&dispatcher, at(20)).await;
    assert_eq!(receiver.hits().len(), 3);
    pass(&dispatcher, at(3600)).await;
    assert_eq!(receiver.hits().len(), 3, "no fourth attempt after the 200");

    let hits = receiver.hits();
    let ids: Vec<&str> = hits.iter().map(|(h, _)| h["webhook-id"].to_str().unwrap()).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert!(hits.iter().all(|(_, body)| *body == hits[0].1), "the same body every time");
    let delivery = &store.recent_deliveries(&location, 1).await.unwrap()[0];
    assert_eq!((delivery.status, delivery.attempts, delivery.last_status), (DeliveryStatus::Succeeded, 3, Some(200)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_delivery_that_keeps_failing_is_given_up_after_25_hours() {
    let (app, store) = common::app(true).await;
    let (receiver, addr) = receiver(&[503; 64], None).await;
    let location = kayak_location(&store).await;
    endpoint(&store, &location, addr).await;
    let dispatcher = dispatcher(&store);
    customer_writes(&app, "Hello?").await;
    let start = Utc::now();
    // The delivery's clock starts when it is fanned out, a moment after `start`: an attempt in the
    // pass at hour 25 can still be retried, up to 2 h × 1.25 later, so the passes go on to hour 28.
    let mut hour = 0;
    while hour <= 28 {
        pass(&dispatcher, start + chrono::Duration::hours(hour)).await;
        hour += 1;
    }
    let delivery = &store.recent_deliveries(&location, 1).await.unwrap()[0];
    assert_eq!(delivery.status, DeliveryStatus::Failed);
    assert_eq!(delivery.last_status, Some(503));
    let attempts = receiver.hits().len() as i64;
    assert_eq!(delivery.attempts, attempts);
    // Hourly passes find one due every hour until the backoff passes an hour, then every two or so.
    assert!((12..=22).contains(&attempts), "{attempts} attempts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pending_deliveries_resume_after_a_restart() {
    let dir = std::env::temp_dir().join(format!("parley-webhooks-{}", uuid::Uuid::new_v4()));
    let url = format!("surrealkv://{}", dir.join("db").display());
    // A port with nothing listening yet: the first attempt is refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);

    {
        let store = Store::open(&url).await.unwrap();
        store.migrate().await.unwrap();
        seed_demo(&store).await.unwrap();
        let location = kayak_location(&store).await;
        endpoint(&store, &location, addr).await;
        let leptos_options = leptos::prelude::LeptosOptions::builder().output_name("parley").build();
        let app = server::router(app::state::AppState {
            demo: true,
            allow_private_webhooks: true,
            ..app::state::AppState::new(leptos_options, store.clone())
        });
        customer_writes(&app, "Are you there?").await;
        pass(&dispatcher(&store), Utc::now()).await;
        let d = &store.recent_deliveries(&location, 1).await.unwrap()[0];
        assert_eq!((d.status, d.attempts), (DeliveryStatus::Pending, 1));
        assert!(d.last_error.as_deref().unwrap_or_default().contains("connect"), "{:?}", d.last_error);
    }
    // The datastore releases its lock when its last handle is dropped, in the background.
    let store = loop {
        match Store::open(&url).await {
            Ok(store) => break store,
            Err(_) => tokio::task::yield_now().await,
        }
    };

    // The server comes back; so does the receiver.
    let receiver = serve(tokio::net::TcpListener::bind(addr).await.unwrap(), &[], None);
    store.migrate().await.unwrap();
    pass(&dispatcher(&store), Utc::now() + chrono::Duration::minutes(1)).await;
    let hits = receiver.hits();
    assert_eq!(hits.len(), 1);
    assert!(hits[0].1.contains("Are you there?"));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slow_endpoint_does_not_hold_up_another() {
    let (app, store) = common::app(true).await;
    let gate = Arc::new(Semaphore::new(0));
    let (slow, slow_addr) = receiver(&[], Some(gate.clone())).await;
    let (quick, quick_addr) = receiver(&[], None).await;
    let location = kayak_location(&store).await;
    endpoint(&store, &location, slow_addr).await;
    endpoint(&store, &location, quick_addr).await;
    customer_writes(&app, "Anyone?").await;

    let mut sends = dispatcher(&store).pass(Utc::now()).await.unwrap();
    assert_eq!(sends.len(), 2);
    // The slow endpoint has not answered (it cannot until the gate opens), yet one send is done:
    // the quick one, delivered and recorded.
    sends.join_next().await.unwrap().unwrap();
    assert_eq!((quick.hits().len(), slow.hits().len()), (1, 0));
    let statuses: Vec<DeliveryStatus> =
        store.recent_deliveries(&location, 10).await.unwrap().iter().map(|d| d.status).collect();
    assert!(
        statuses.contains(&DeliveryStatus::Succeeded) && statuses.contains(&DeliveryStatus::Pending),
        "{statuses:?}"
    );
    gate.add_permits(1);
    sends.join_next().await.unwrap().unwrap();
    assert_eq!(slow.hits().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_test_event_goes_to_its_one_endpoint_through_the_outbox() {
    let (_, store) = common::app(true).await;
    let (chosen, chosen_addr) = receiver(&[], None).await;
    let (other, other_addr) = receiver(&[], None).await;
    let location = kayak_location(&store).await;
    let endpoint = endpoint(&store, &location, chosen_addr).await;
    endpoint_for_other_events(&store, &location, other_addr).await;
    store.enqueue_test_event(&location, &endpoint.id).await.unwrap();
    pass(&dispatcher(&store), Utc::now()).await;
    assert_eq!(other.hits().len(), 0);
    let hits = chosen.hits();
    assert_eq!(hits.len(), 1);
    let json: serde_json::Value = serde_json::from_str(&hits[0].1).unwrap();
    assert_eq!((json["type"].as_str(), json["data"]["location_id"].as_str()), (Some("test"), Some(location.as_str())));
    let elsewhere = store.create_location("Elsewhere", "UTC").await.unwrap();
    assert!(store.enqueue_test_event(&elsewhere.id, &endpoint.id).await.is_err(), "not another location's endpoint");
}

async fn endpoint_for_other_events(store: &Store, location: &LocationId, addr: SocketAddr) {
    let types = ["message.created".to_owned(), "thread.created".to_owned()];
    store.create_webhook_endpoint(location, &format!("http://{addr}/hook"), &types).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_message_with_a_file_says_what_it_carries_and_where_a_key_downloads_it() {
    let (app, store) = common::app(true).await;
    let (receiver, addr) = receiver(&[], None).await;
    let location = kayak_location(&store).await;
    endpoint(&store, &location, addr).await;

    let boundary = "hook-boundary";
    let pdf = b"%PDF-1.4\n%%EOF\n";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"receipt.pdf\"\r\n\r\n")
            .into_bytes();
    body.extend_from_slice(pdf);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let upload = axum::http::Request::post(format!("/portal/{DEMO_PORTAL_TOKEN}/files"))
        .header("host", "parley.test")
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(axum::body::Body::from(body))
        .unwrap();
    let (status, file) = common::send(&app, upload).await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    let id = serde_json::from_str::<serde_json::Value>(&file).unwrap()["id"].as_str().unwrap().to_owned();
    let client_id = uuid::Uuid::new_v4().to_string();
    let form = [("token", DEMO_PORTAL_TOKEN), ("client_id", &client_id), ("body", ""), ("files[0]", &id)];
    let (status, body) = common::call(&app, "portal_send", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    pass(&dispatcher(&store), Utc::now()).await;

    let hits = receiver.hits();
    assert_eq!(hits.len(), 1);
    let json: serde_json::Value = serde_json::from_str(&hits[0].1).unwrap();
    assert_eq!(json["data"]["text"], "");
    assert_eq!(
        json["data"]["attachments"],
        serde_json::json!([{
            "id": id, "name": "receipt.pdf", "content_type": "application/pdf", "size": pdf.len(),
            "width": null, "height": null, "url": format!("/api/v1/files/{id}"),
        }])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unsent_message_sends_message_deleted_without_its_text() {
    let (app, store) = common::app(true).await;
    let (receiver, addr) = receiver(&[], None).await;
    let location = kayak_location(&store).await;
    store
        .create_webhook_endpoint(&location, &format!("http://{addr}/hook"), &["message.deleted".to_owned()])
        .await
        .unwrap();
    customer_writes(&app, "Oops, wrong booking").await;
    let thread = app::ids::ThreadId::of(&store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap().booking.id);
    let last = store.thread(&thread).await.unwrap().last_seq;
    let message = store.messages_after(&thread, last - 1, 1).await.unwrap().remove(0);
    let form = [("token", DEMO_PORTAL_TOKEN), ("message_id", message.id.as_str())];
    let (status, body) = common::call(&app, "portal_unsend", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    pass(&dispatcher(&store), Utc::now()).await;

    let hits = receiver.hits();
    assert_eq!(hits.len(), 1, "only the deletion: the endpoint did not ask for message.created");
    let json: serde_json::Value = serde_json::from_str(&hits[0].1).unwrap();
    assert_eq!(json["type"], "message.deleted");
    assert_eq!(json["data"]["message_id"], message.id.as_str());
    assert_eq!(json["data"]["text"], "");
    assert!(!hits[0].1.contains("wrong booking"), "the text is gone from the event too");
}
