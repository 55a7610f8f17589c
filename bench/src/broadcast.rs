//! A message to a 200-booking departure against a running server, as the Bookings page sends it,
//! timed from the request to the answer (which comes once every booking has it), while a customer
//! elsewhere keeps sending: their send latency beside it shows whether the broadcast holds up
//! anyone else's chat.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde::Serialize;
use serde_json::Value;

use crate::dataset::{send_token, DEPARTURE_ACTIVITY, DEPARTURE_BOOKINGS};
use crate::portal_client::PortalClient;
use crate::stats::{summarize, Summary};

#[derive(Debug, Serialize)]
pub struct BroadcastReport {
    pub bookings: usize,
    /// From sending to the answer, every booking's message stored.
    pub seconds: f64,
    /// Bookings the broadcast's page then says have it.
    pub sent: usize,
    /// A customer's sends in another conversation before the broadcast, and while it runs.
    pub other_sends_alone: Summary,
    pub other_sends_during: Summary,
}

/// A staff member's calls, with their session cookie: forms in, JSON out.
struct StaffClient {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl StaffClient {
    async fn call(&self, endpoint: &str, form: &[(String, String)]) -> anyhow::Result<Value> {
        let response = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("origin", &self.base)
            .header("accept", "application/json")
            .header("cookie", &self.cookie)
            .form(form)
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            bail!("{endpoint}: {status}: {text}");
        }
        serde_json::from_str(&text).with_context(|| format!("{endpoint} answered {text}"))
    }
}

/// Sends `n` messages one after the other into the first send thread; their latencies.
async fn sends(portal: &PortalClient, n: usize, tag: &str) -> anyhow::Result<Vec<Duration>> {
    let token = send_token(0);
    let mut latencies = Vec::with_capacity(n);
    for i in 0..n {
        let start = Instant::now();
        let client_id = uuid::Uuid::new_v4().to_string();
        portal.send(&token, &client_id, &format!("{tag} {i}: what time is check-in?")).await?;
        latencies.push(start.elapsed());
    }
    Ok(latencies)
}

pub async fn run(base: &str, session: &str) -> anyhow::Result<BroadcastReport> {
    let base = base.trim_end_matches('/').to_owned();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(120)).build()?;
    let staff = StaffClient { http, base: base.clone(), cookie: format!("parley_session={session}") };
    // The dataset put it three days out; the location's day may be a day behind UTC's.
    let mut starts_at = None;
    for days in [3, 2, 4] {
        let date = (chrono::Utc::now() + chrono::TimeDelta::days(days)).date_naive().to_string();
        let listed = staff.call("departures", &[("date".to_owned(), date)]).await?;
        let found = listed.as_array().and_then(|all| all.iter().find(|d| d["activity"] == DEPARTURE_ACTIVITY).cloned());
        if let Some(departure) = found {
            starts_at = departure["starts_at"].as_str().map(str::to_owned);
            break;
        }
    }
    let starts_at = starts_at.context("the dataset's departure is not listed on its day")?;
    let form =
        vec![("activity".to_owned(), DEPARTURE_ACTIVITY.to_owned()), ("starts_at".to_owned(), starts_at.clone())];
    let detail = staff.call("departure", &form).await?;
    let ids: Vec<String> = detail["bookings"]
        .as_array()
        .context("bookings")?
        .iter()
        .filter_map(|b| b["booking_id"].as_str().map(str::to_owned))
        .collect();
    if ids.len() != DEPARTURE_BOOKINGS {
        bail!("the departure has {} bookings, not {DEPARTURE_BOOKINGS}", ids.len());
    }

    let portal = PortalClient::new(&base);
    let alone = sends(&portal, 100, "alone").await?;
    let mut fields = vec![
        ("client_id".to_owned(), uuid::Uuid::new_v4().to_string()),
        ("activity".to_owned(), DEPARTURE_ACTIVITY.to_owned()),
        ("starts_at".to_owned(), starts_at),
        ("body".to_owned(), "Hi {first_name}, the {activity} boards at {start_time} from gate 2.".to_owned()),
    ];
    fields.extend(ids.iter().enumerate().map(|(i, id)| (format!("booking_ids[{i}]"), id.clone())));
    let started = Instant::now();
    let done = std::sync::atomic::AtomicBool::new(false);
    let (broadcast, during) = tokio::join!(
        async {
            let answer = staff.call("send_broadcast", &fields).await;
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            answer
        },
        async {
            // The other customer writes, one send after another, for as long as the broadcast runs.
            let mut latencies = Vec::new();
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                latencies.extend(sends(&portal, 1, "during").await?);
            }
            anyhow::Ok(latencies)
        }
    );
    let id = broadcast?;
    let seconds = started.elapsed().as_secs_f64();
    let during = during?;
    let page =
        staff.call("broadcast", &[("broadcast_id".to_owned(), id.as_str().unwrap_or_default().to_owned())]).await?;
    let sent = page["recipients"].as_array().map_or(0, |r| r.iter().filter(|r| r["sent"] == true).count());
    Ok(BroadcastReport {
        bookings: ids.len(),
        seconds,
        sent,
        other_sends_alone: summarize(&alone),
        other_sends_during: summarize(&during),
    })
}
