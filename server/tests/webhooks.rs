//! Webhooks end to end: a real receiver (axum on 127.0.0.1:0) gets signed deliveries from the
//! dispatcher, retries keep their id, pending deliveries survive a restart, and one slow
//! endpoint does not hold up another.

mod common;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::store::seed::{seed_demo, DEMO_PORTAL_TOKEN};
use app::store::webhooks::{DeliveryStatus, RetryPolicy};
use app::store::Store;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use server::webhooks::{spawn_dispatcher, DispatcherConfig};

/// What a receiver got, and what it answers next.
#[derive(Clone, Default)]
struct Receiver {
    hits: Arc<Mutex<Vec<(HeaderMap, String)>>>,
    answers: Arc<Mutex<VecDeque<u16>>>,
    delay: Duration,
}

impl Receiver {
    fn hits(&self) -> Vec<(HeaderMap, String)> {
        self.hits.lock().unwrap().clone()
    }
}

/// Serves a receiver on `listener`: answers from `answers` in order, then 200.
fn serve(listener: tokio::net::TcpListener, answers: &[u16], delay: Duration) -> Receiver {
    let receiver =
        Receiver { answers: Arc::new(Mutex::new(answers.iter().copied().collect())), delay, ..Default::default() };
    let state = receiver.clone();
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: String| {
            let state = state.clone();
            async move {
                tokio::time::sleep(state.delay).await;
                state.hits.lock().unwrap().push((headers, body));
                let code = state.answers.lock().unwrap().pop_front().unwrap_or(200);
                StatusCode::from_u16(code).unwrap()
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    receiver
}

async fn receiver(answers: &[u16], delay: Duration) -> (Receiver, SocketAddr) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    (serve(listener, answers, delay), addr)
}

fn fast() -> DispatcherConfig {
    DispatcherConfig {
        tick: Duration::from_millis(50),
        timeout: Duration::from_secs(2),
        retry: RetryPolicy {
            base: chrono::Duration::milliseconds(100),
            cap: chrono::Duration::seconds(1),
            give_up_after: chrono::Duration::hours(25),
        },
        allow_private: true,
    }
}

async fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The demo's kayak location, with the demo history's events already fanned out (to no endpoint),
/// so that only what a test sends reaches its receivers.
async fn kayak_location(store: &Store) -> String {
    while store.fan_out_events(100).await.unwrap() > 0 {}
    store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap().location.id
}

async fn customer_writes(app: &Router, text: &str) {
    let id = uuid::Uuid::new_v4().to_string();
    let (status, body) =
        common::call(app, "portal_send", &[("token", DEMO_PORTAL_TOKEN), ("client_id", &id), ("body", text)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_portal_message_reaches_a_real_receiver_signed() {
    let (app, store) = common::app(true).await;
    let (receiver, addr) = receiver(&[], Duration::ZERO).await;
    let location = kayak_location(&store).await;
    let endpoint = store
        .create_webhook_endpoint(&location, &format!("http://{addr}/hook"), &["message.created".to_owned()])
        .await
        .unwrap();
    let dispatcher = spawn_dispatcher(store.clone(), fast());

    customer_writes(&app, "Is the dock wheelchair accessible?").await;
    wait_for("the webhook", Duration::from_secs(10), || receiver.hits().len() == 1).await;
    dispatcher.abort();

    let (headers, body) = receiver.hits().remove(0);
    let verifier = standardwebhooks::Webhook::new(&endpoint.secret).unwrap();
    verifier.verify(body.as_bytes(), &headers).expect("the signature verifies with the standardwebhooks library");
    assert!(
        verifier.verify(body.replace("wheelchair", "WHEELCHAIR").as_bytes(), &headers).is_err(),
        "a changed body does not"
    );

    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
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
async fn failures_are_retried_with_the_same_id_until_2xx() {
    let (app, store) = common::app(true).await;
    let (receiver, addr) = receiver(&[500, 500, 200], Duration::ZERO).await;
    let location = kayak_location(&store).await;
    store
        .create_webhook_endpoint(&location, &format!("http://{addr}/hook"), &["message.created".to_owned()])
        .await
        .unwrap();
    let dispatcher = spawn_dispatcher(store.clone(), fast());
    customer_writes(&app, "Three times?").await;
    wait_for("three attempts", Duration::from_secs(15), || receiver.hits().len() >= 3).await;
    wait_for("the success to be recorded", Duration::from_secs(5), || {
        futures_lite_block(store.recent_deliveries(&location, 1)).map(|d| d[0].status)
            == Some(DeliveryStatus::Succeeded)
    })
    .await;
    dispatcher.abort();
    let hits = receiver.hits();
    assert_eq!(hits.len(), 3, "no fourth attempt after the 200");
    let ids: Vec<&str> = hits.iter().map(|(h, _)| h["webhook-id"].to_str().unwrap()).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert!(hits.iter().all(|(_, body)| *body == hits[0].1), "the same body every time");
    let delivery = &store.recent_deliveries(&location, 1).await.unwrap()[0];
    assert_eq!((delivery.attempts, delivery.last_status), (3, Some(200)));
}

/// Polls a future to completion from a synchronous closure (the waits above are synchronous).
fn futures_lite_block<T>(fut: impl std::future::Future<Output = Result<T, app::store::StoreError>>) -> Option<T> {
    tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(fut)).ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pending_deliveries_resume_after_a_restart() {
    let dir = std::env::temp_dir().join(format!("parley-webhooks-{}", uuid::Uuid::new_v4()));
    let url = format!("surrealkv://{}", dir.join("db").display());
    // A port with nothing listening yet: the first attempts are refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);

    let location = {
        let store = Store::open(&url).await.unwrap();
        store.migrate().await.unwrap();
        seed_demo(&store).await.unwrap();
        let location = kayak_location(&store).await;
        store
            .create_webhook_endpoint(&location, &format!("http://{addr}/hook"), &["message.created".to_owned()])
            .await
            .unwrap();
        let leptos_options = leptos::prelude::LeptosOptions::builder().output_name("parley").build();
        let app = server::router(app::state::AppState {
            leptos_options,
            store: store.clone(),
            demo: true,
            allow_private_webhooks: true,
        });
        let dispatcher = spawn_dispatcher(store.clone(), fast());
        customer_writes(&app, "Are you there?").await;
        let store2 = store.clone();
        wait_for("a refused attempt", Duration::from_secs(10), || {
            futures_lite_block(store2.recent_deliveries(&location, 1))
                .is_some_and(|d| !d.is_empty() && d[0].attempts >= 1)
        })
        .await;
        dispatcher.abort();
        let d = &store.recent_deliveries(&location, 1).await.unwrap()[0];
        assert_eq!(d.status, DeliveryStatus::Pending);
        assert!(d.last_error.as_deref().unwrap_or_default().contains("connect"), "{:?}", d.last_error);
        location
    };
    tokio::time::sleep(Duration::from_millis(300)).await;

    // The server comes back; so does the receiver.
    let receiver = serve(tokio::net::TcpListener::bind(addr).await.unwrap(), &[], Duration::ZERO);
    let store = Store::open(&url).await.unwrap();
    store.migrate().await.unwrap();
    let dispatcher = spawn_dispatcher(store.clone(), fast());
    wait_for("the resumed delivery", Duration::from_secs(15), || receiver.hits().len() == 1).await;
    dispatcher.abort();
    let body = &receiver.hits()[0].1;
    assert!(body.contains("Are you there?"));
    let _ = location;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slow_endpoint_does_not_hold_up_another() {
    let (app, store) = common::app(true).await;
    let (slow, slow_addr) = receiver(&[], Duration::from_secs(5)).await;
    let (quick, quick_addr) = receiver(&[], Duration::ZERO).await;
    let location = kayak_location(&store).await;
    for addr in [slow_addr, quick_addr] {
        store
            .create_webhook_endpoint(&location, &format!("http://{addr}/hook"), &["message.created".to_owned()])
            .await
            .unwrap();
    }
    let dispatcher = spawn_dispatcher(store.clone(), DispatcherConfig { timeout: Duration::from_secs(10), ..fast() });
    let sent = Instant::now();
    customer_writes(&app, "Anyone?").await;
    wait_for("the quick endpoint", Duration::from_secs(3), || quick.hits().len() == 1).await;
    assert!(sent.elapsed() < Duration::from_secs(3));
    assert!(slow.hits().is_empty(), "the slow one is still working");
    wait_for("the slow endpoint", Duration::from_secs(10), || slow.hits().len() == 1).await;
    dispatcher.abort();
}
