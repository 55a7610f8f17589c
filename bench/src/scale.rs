//! How the poll and inbox queries grow with the data: the same requests, through the whole router
//! in this process (no network in the way), against the same location with 1,000 and then with
//! 100,000 threads, and against a thread with one message and one with 10,000.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use app::ids::{LocationId, ThreadId};
use app::state::AppState;
use app::store::Store;
use axum::body::Body;
use axum::http::Request;
use axum::Router;
use chrono::Utc;
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use serde::Serialize;
use tower::ServiceExt;

use crate::dataset::{self, LONG_THREAD_TOKEN, SHORT_THREAD_TOKEN};
use crate::rate::PageBody;
use crate::stats::{summarize, Summary};

const WARM_UP: usize = 30;

#[derive(Debug, Serialize)]
pub struct ScaleReport {
    pub small_threads: usize,
    pub large_threads: usize,
    pub long_thread_messages: usize,
    pub iterations: usize,
    pub generate_seconds: f64,
    pub small: Measured,
    pub large: Measured,
}

/// Latencies of the requests a dashboard and a portal make, at one data size.
#[derive(Debug, Serialize)]
pub struct Measured {
    pub inbox_first_page: Summary,
    pub inbox_poll: Summary,
    pub portal_poll_short_thread: Summary,
    pub portal_poll_long_thread: Summary,
}

/// Builds the dataset in `db` with `small` threads, measures, grows it to `large`, measures again.
/// The database is left in place, ready for the load run.
pub async fn run(
    db: &str,
    small: usize,
    large: usize,
    long_messages: usize,
    iterations: usize,
) -> anyhow::Result<ScaleReport> {
    let store = dataset::open(db).await?;
    let started = Instant::now();
    let location = dataset::prepare(&store, small, long_messages).await?;
    let mut generate_seconds = started.elapsed().as_secs_f64();
    let probes = Probes::new(store.clone(), &location).await?;
    let small_measured = probes.measure(iterations).await?;
    let started = Instant::now();
    store.generate_threads(&location, small..large, Utc::now()).await?;
    generate_seconds += started.elapsed().as_secs_f64();
    let large_measured = probes.measure(iterations).await?;
    Ok(ScaleReport {
        small_threads: small,
        large_threads: large,
        long_thread_messages: long_messages,
        iterations,
        generate_seconds,
        small: small_measured,
        large: large_measured,
    })
}

/// The router over the store, and a staff session at the generated data's location.
struct Probes {
    app: Router,
    cookie: String,
    long_last_seq: i64,
    /// The inbox's position after every change so far: its poll finds nothing new, as most do.
    inbox_after: String,
}

impl Probes {
    async fn new(store: Store, location: &LocationId) -> anyhow::Result<Probes> {
        let maya = store.staff_by_email("maya@parley.demo").await?.context("the demo's Maya")?;
        let token = store.create_session(&maya.id, Some(location), Utc::now() + chrono::Duration::hours(1)).await?;
        let access = store.portal_access(LONG_THREAD_TOKEN).await?.context("the long thread's link")?;
        let long_last_seq = store.thread(&ThreadId::of(&access.booking.id)).await?.last_seq;
        let leptos_options = LeptosOptions::builder().output_name("parley").site_root("target/site").build();
        let inbox_after = store.inbox_cursor(location).await?.encode();
        let state = AppState::new(leptos_options, store);
        Ok(Probes { app: server::router(state), cookie: format!("parley_session={token}"), long_last_seq, inbox_after })
    }

    async fn measure(&self, iterations: usize) -> anyhow::Result<Measured> {
        let after = &self.inbox_after;
        let long_after = self.long_last_seq.to_string();
        Ok(Measured {
            inbox_first_page: self
                .time(iterations, "inbox_page", &[("unread_only", "false"), ("search", "")], true)
                .await?,
            inbox_poll: self.time(iterations, "inbox_changes", &[("after", after)], true).await?,
            portal_poll_short_thread: self
                .time(iterations, "portal_poll", &[("token", SHORT_THREAD_TOKEN), ("after_seq", "1")], false)
                .await?,
            portal_poll_long_thread: self
                .time(iterations, "portal_poll", &[("token", LONG_THREAD_TOKEN), ("after_seq", &long_after)], false)
                .await?,
        })
    }

    /// Calls a server function `iterations` times (after a warm-up), one call at a time.
    async fn time(
        &self,
        iterations: usize,
        endpoint: &str,
        form: &[(&str, &str)],
        staff: bool,
    ) -> anyhow::Result<Summary> {
        let body = PageBody::of(endpoint, &serde_urlencoded::to_string(form)?);
        let mut samples = Vec::with_capacity(iterations);
        for i in 0..WARM_UP + iterations {
            let mut request = Request::post(format!("/api/{endpoint}"))
                .header("host", "bench.parley.test")
                .header("origin", "http://bench.parley.test")
                .header("content-type", body.content_type)
                .header("accept", body.accept);
            if staff {
                request = request.header("cookie", &self.cookie);
            }
            let request = request.body(Body::from(body.bytes.clone()))?;
            let start = Instant::now();
            let response = self.app.clone().oneshot(request).await?;
            let status = response.status();
            let bytes = response.into_body().collect().await?.to_bytes();
            let elapsed: Duration = start.elapsed();
            ensure!(status.is_success(), "{endpoint}: {status}: {}", String::from_utf8_lossy(&bytes));
            if i >= WARM_UP {
                samples.push(elapsed);
            }
        }
        Ok(summarize(&samples))
    }
}
