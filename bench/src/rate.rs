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
    /// The sign-ins that ran meanwhile, if any.
    pub sign_ins: Option<SignInLoad>,
}

/// Sign-ins at a fixed rate beside the measured load: each one is an argon2 verification.
#[derive(Debug, Serialize)]
pub struct SignInLoad {
    pub per_s: f64,
    pub burst: bool,
    pub done: usize,
    pub failed: usize,
    pub latency: Summary,
}

/// Connections the load keeps open, as many as wrk's.
const CONNECTIONS: usize = 32;

/// A server function call's body as a page sends it: postcard for the portal's calls (what the
/// portal bundle sends), the form itself for the others.
pub struct PageBody {
    pub content_type: &'static str,
    pub accept: &'static str,
    pub bytes: Vec<u8>,
}

impl PageBody {
    pub fn of(endpoint: &str, form: &str) -> PageBody {
        use app::api::portal_wire;
        match portal_wire::encode(endpoint, form) {
            Some(bytes) => {
                PageBody { content_type: portal_wire::CONTENT_TYPE, accept: portal_wire::CONTENT_TYPE, bytes }
            }
            None => PageBody {
                content_type: "application/x-www-form-urlencoded",
                accept: "application/json",
                bytes: form.as_bytes().to_vec(),
            },
        }
    }
}

/// Sign-ins to run beside the load: forms for `/api/login`, taken in turn, at a rate.
pub struct SignIns {
    pub forms: Vec<String>,
    pub per_s: f64,
    /// Each second's sign-ins all at once, at the start of the second (people arriving together),
    /// instead of spread over it.
    pub burst: bool,
}

/// POSTs `form` to `/api/{endpoint}` at `per_s` requests a second for `seconds`, with `sign_ins`
/// running meanwhile when given.
pub async fn run(
    base: &str,
    endpoint: &str,
    form: &str,
    cookie: Option<&str>,
    per_s: f64,
    seconds: f64,
    sign_ins: Option<SignIns>,
) -> anyhow::Result<RateReport> {
    let http =
        reqwest::Client::builder().timeout(Duration::from_secs(10)).pool_max_idle_per_host(CONNECTIONS).build()?;
    let connections = Arc::new(Semaphore::new(CONNECTIONS));
    let body = PageBody::of(endpoint, form);
    let mut request = http
        .post(format!("{}/api/{endpoint}", base.trim_end_matches('/')))
        .header("origin", base)
        .header("accept", body.accept)
        .header("content-type", body.content_type)
        .body(body.bytes);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let request = Arc::new(request.build()?);
    let sign_ins = sign_ins.map(|s| tokio::spawn(sign_in_load(base.to_owned(), s, seconds)));
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
    let sign_ins = match sign_ins {
        Some(load) => Some(load.await??),
        None => None,
    };
    let latencies: Vec<Duration> = results.iter().map(|(latency, _)| *latency).collect();
    Ok(RateReport {
        endpoint: endpoint.to_owned(),
        target_per_s: per_s,
        achieved_per_s: results.len() as f64 / elapsed,
        errors: results.iter().filter(|(_, ok)| !ok).count(),
        latency: summarize(&latencies),
        sign_ins,
    })
}

/// POSTs the sign-in form at its rate for `seconds`, each on a connection of its own, as browsers
/// signing in do; a sign-in counts as done when it set a session cookie.
async fn sign_in_load(base: String, sign_ins: SignIns, seconds: f64) -> anyhow::Result<SignInLoad> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .build()?;
    let url = format!("{}/api/login", base.trim_end_matches('/'));
    let total = (sign_ins.per_s * seconds) as usize;
    let per_tick = if sign_ins.burst { sign_ins.per_s.max(1.0) as usize } else { 1 };
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(per_tick as f64 / sign_ins.per_s));
    let mut tasks = JoinSet::new();
    for n in 0..total {
        if n % per_tick == 0 {
            ticker.tick().await;
        }
        let request = http
            .post(&url)
            .header("origin", base.as_str())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(sign_ins.forms[n % sign_ins.forms.len()].clone());
        tasks.spawn(async move {
            let started = Instant::now();
            let ok = match request.send().await {
                Ok(response) => response.headers().contains_key("set-cookie"),
                Err(_) => false,
            };
            (started.elapsed(), ok)
        });
    }
    let results = tasks.join_all().await;
    let latencies: Vec<Duration> = results.iter().map(|(latency, _)| *latency).collect();
    Ok(SignInLoad {
        per_s: sign_ins.per_s,
        burst: sign_ins.burst,
        done: results.iter().filter(|(_, ok)| *ok).count(),
        failed: results.iter().filter(|(_, ok)| !ok).count(),
        latency: summarize(&latencies),
    })
}
