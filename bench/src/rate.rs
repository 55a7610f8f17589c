//! A load at a fixed rate over a fixed number of connections, as wrk2 does: each request is due on
//! a schedule, waits for a free connection if all are busy, and its latency counts from when it
//! was due, so a stall shows up in the percentiles instead of slowing the load down (wrk, closed
//! loop, measures throughput instead). A fixed connection count keeps the client from opening a
//! new connection for every late request.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::stats::{summarize, Summary};

#[derive(Debug, Serialize)]
pub struct RateReport {
    pub endpoint: String,
    pub target_per_s: f64,
    pub achieved_per_s: f64,
    pub errors: usize,
    pub latency: Summary,
}

/// Connections the load keeps open, as many as wrk's.
const CONNECTIONS: usize = 32;

/// POSTs `form` to `/api/{endpoint}` at `per_s` requests a second for `seconds`.
pub async fn run(
    base: &str,
    endpoint: &str,
    form: &str,
    cookie: Option<&str>,
    per_s: f64,
    seconds: f64,
) -> anyhow::Result<RateReport> {
    let http =
        reqwest::Client::builder().timeout(Duration::from_secs(10)).pool_max_idle_per_host(CONNECTIONS).build()?;
    let connections = Arc::new(Semaphore::new(CONNECTIONS));
    let mut request = http
        .post(format!("{}/api/{endpoint}", base.trim_end_matches('/')))
        .header("origin", base)
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned());
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let request = Arc::new(request.build()?);
    let total = (per_s * seconds) as usize;
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    let mut ticker = tokio::time::interval(Duration::from_millis(1));
    let mut issued = 0;
    while issued < total {
        ticker.tick().await;
        let due_now = ((start.elapsed().as_secs_f64() * per_s) as usize).min(total);
        for n in issued..due_now {
            let due = start + Duration::from_secs_f64(n as f64 / per_s);
            let (http, request, connections) = (http.clone(), request.clone(), connections.clone());
            tasks.spawn(async move {
                let _connection = connections.acquire_owned().await.expect("the semaphore stays open");
                let ok = match http.execute(request.try_clone().expect("a cloneable request")).await {
                    Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
                    Err(_) => false,
                };
                (due.elapsed(), ok)
            });
        }
        issued = due_now;
    }
    let results = tasks.join_all().await;
    let elapsed = start.elapsed().as_secs_f64();
    let latencies: Vec<Duration> = results.iter().map(|(latency, _)| *latency).collect();
    Ok(RateReport {
        endpoint: endpoint.to_owned(),
        target_per_s: per_s,
        achieved_per_s: results.len() as f64 / elapsed,
        errors: results.iter().filter(|(_, ok)| !ok).count(),
        latency: summarize(&latencies),
    })
}
