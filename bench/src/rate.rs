//! An open-loop load at a fixed rate: requests start on schedule whether or not earlier ones have
//! answered, and each latency counts from when its request was due, so a stall shows up in the
//! percentiles instead of slowing the load down (wrk, closed-loop, measures throughput instead).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
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

/// POSTs `form` to `/api/{endpoint}` at `per_s` requests a second for `seconds`.
pub async fn run(base: &str, endpoint: &str, form: &str, cookie: Option<&str>, per_s: f64, seconds: f64) -> anyhow::Result<RateReport> {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?;
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
            let (http, request) = (http.clone(), request.clone());
            tasks.spawn(async move {
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
