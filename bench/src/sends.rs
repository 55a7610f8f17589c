//! Durable sends against a running server: one sender alone, then many at once spread over the
//! send threads; afterwards every acknowledged message is looked up again.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::task::JoinSet;

use crate::dataset::{send_token, SEND_THREADS};
use crate::ledger::{verify, Ack, Verdict};
use crate::portal_client::PortalClient;
use crate::stats::{summarize, Summary};

#[derive(Debug, Serialize)]
pub struct SendsReport {
    pub single: Phase,
    pub concurrent: Phase,
    pub threads: usize,
    pub verdict: Verdict,
}

#[derive(Debug, Serialize)]
pub struct Phase {
    pub senders: usize,
    pub sends: usize,
    pub errors: usize,
    pub latency: Summary,
    /// Acknowledged sends per second over the phase.
    pub throughput: f64,
    pub first_errors: Vec<String>,
}

/// `single` sends by one sender, then `senders` senders with `per_sender` sends each.
pub async fn run(base: &str, single: usize, senders: usize, per_sender: usize) -> anyhow::Result<SendsReport> {
    let client = PortalClient::new(base);
    let mut acks = Vec::new();
    let single = phase(&client, 1, single, &mut acks).await;
    let concurrent = phase(&client, senders, per_sender, &mut acks).await;
    let mut stored = HashMap::new();
    for thread in 0..SEND_THREADS {
        stored.insert(thread, client.all_messages(&send_token(thread)).await?);
    }
    Ok(SendsReport { single, concurrent, threads: SEND_THREADS, verdict: verify(&acks, &stored) })
}

/// `senders` tasks at once, sender i writing to send thread i mod `SEND_THREADS`, each sending
/// `per_sender` messages one after the other. A failed send is counted, not retried.
async fn phase(client: &PortalClient, senders: usize, per_sender: usize, acks: &mut Vec<Ack>) -> Phase {
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for sender in 0..senders {
        let client = client.clone();
        tasks.spawn(async move {
            let thread = sender % SEND_THREADS;
            let token = send_token(thread);
            let mut results = Vec::with_capacity(per_sender);
            for n in 0..per_sender {
                let client_id = uuid::Uuid::new_v4().to_string();
                let body = format!("Sender {sender}, message {n}: is there parking near the dock?");
                let start = Instant::now();
                let result = client.send(&token, &client_id, &body).await;
                results.push((start.elapsed(), result.map(|m| Ack { thread, client_id, seq: m.seq })));
            }
            results
        });
    }
    let (mut latencies, mut errors, mut first_errors): (Vec<Duration>, usize, Vec<String>) =
        (Vec::new(), 0, Vec::new());
    for results in tasks.join_all().await {
        for (latency, result) in results {
            latencies.push(latency);
            match result {
                Ok(ack) => acks.push(ack),
                Err(err) => {
                    errors += 1;
                    if first_errors.len() < 5 {
                        first_errors.push(format!("{err:#}"));
                    }
                }
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    Phase {
        senders,
        sends: latencies.len(),
        errors,
        throughput: (latencies.len() - errors) as f64 / elapsed,
        latency: summarize(&latencies),
        first_errors,
    }
}
