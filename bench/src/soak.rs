//! `make soak`: senders write to a durable server while it is killed with SIGKILL and started
//! again; afterwards every send the server acknowledged must be there, exactly once. A send that
//! failed is retried with the same client id until it is acknowledged, as the portal page does,
//! so a message stored just before a crash but never acknowledged shows up as a duplicate if the
//! idempotency key does not hold.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde::Serialize;
use tokio::task::JoinSet;

use crate::dataset::{send_token, SEND_THREADS};
use crate::ledger::{verify, Ack, Verdict};
use crate::portal_client::PortalClient;

pub struct SoakPlan {
    pub server_bin: PathBuf,
    pub site_root: PathBuf,
    pub work_dir: PathBuf,
    pub port: u16,
    pub senders: usize,
    pub seconds: u64,
    pub kills: usize,
}

#[derive(Debug, Serialize)]
pub struct SoakReport {
    pub senders: usize,
    pub seconds: u64,
    pub kills: usize,
    /// Acknowledged sends when each SIGKILL was sent.
    pub acknowledged_at_kill: Vec<usize>,
    pub failed_attempts: usize,
    /// Sends still unacknowledged when the senders stopped (given up after the run).
    pub abandoned: usize,
    pub verdict: Verdict,
}

pub async fn run(plan: &SoakPlan) -> anyhow::Result<SoakReport> {
    let db = format!("surrealkv://{}", plan.work_dir.join("soak.db").display());
    // A separate process prepares the database, so its file lock is gone before the server opens it.
    let status = Command::new(std::env::current_exe()?).args(["prepare", "--db", &db]).status()?;
    if !status.success() {
        bail!("preparing {db} failed");
    }
    let base = format!("http://127.0.0.1:{}", plan.port);
    let mut server = start_server(plan, &db, &base).await?;

    let stop = Arc::new(AtomicBool::new(false));
    let acks = Arc::new(Mutex::new(Vec::<Ack>::new()));
    let failed = Arc::new(AtomicUsize::new(0));
    let abandoned = Arc::new(AtomicUsize::new(0));
    let client = PortalClient::new(&base);
    let mut senders = JoinSet::new();
    for sender in 0..plan.senders {
        let (client, stop, acks, failed, abandoned) =
            (client.clone(), stop.clone(), acks.clone(), failed.clone(), abandoned.clone());
        senders.spawn(async move {
            let thread = sender % SEND_THREADS;
            let token = send_token(thread);
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let client_id = uuid::Uuid::new_v4().to_string();
                let body = format!("Soak sender {sender}, message {n}");
                n += 1;
                // Retry until acknowledged; after the stop, give up after a few more tries.
                let mut tries_after_stop = 0;
                loop {
                    match client.send(&token, &client_id, &body).await {
                        Ok(message) => {
                            acks.lock().unwrap().push(Ack { thread, client_id, seq: message.seq });
                            break;
                        }
                        Err(_) => {
                            failed.fetch_add(1, Ordering::Relaxed);
                            if stop.load(Ordering::Relaxed) {
                                tries_after_stop += 1;
                                if tries_after_stop > 50 {
                                    abandoned.fetch_add(1, Ordering::Relaxed);
                                    break;
                                }
                            }
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                    }
                }
            }
        });
    }

    let slice = Duration::from_secs(plan.seconds) / (plan.kills as u32 + 1);
    let mut acknowledged_at_kill = Vec::new();
    for _ in 0..plan.kills {
        tokio::time::sleep(slice).await;
        // std's Child::kill is SIGKILL on Unix: no shutdown code runs.
        server.kill()?;
        server.wait()?;
        acknowledged_at_kill.push(acks.lock().unwrap().len());
        server = start_server(plan, &db, &base).await?;
    }
    tokio::time::sleep(slice).await;
    stop.store(true, Ordering::Relaxed);
    senders.join_all().await;

    let acks = acks.lock().unwrap().clone();
    let mut stored = HashMap::new();
    for thread in 0..SEND_THREADS {
        stored.insert(thread, client.all_messages(&send_token(thread)).await?);
    }
    server.kill()?;
    server.wait()?;
    Ok(SoakReport {
        senders: plan.senders,
        seconds: plan.seconds,
        kills: plan.kills,
        acknowledged_at_kill,
        failed_attempts: failed.load(Ordering::Relaxed),
        abandoned: abandoned.load(Ordering::Relaxed),
        verdict: verify(&acks, &stored),
    })
}

/// Starts the release server on the soak database and waits until it answers.
async fn start_server(plan: &SoakPlan, db: &str, base: &str) -> anyhow::Result<Child> {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(plan.work_dir.join("server.log"))?;
    let mut child = Command::new(&plan.server_bin)
        .env("PARLEY_ADDR", format!("127.0.0.1:{}", plan.port))
        .env("PARLEY_DB", db)
        .env("PARLEY_DEMO", "0")
        .env("PARLEY_LOG", "warn")
        .env("LEPTOS_SITE_ROOT", &plan.site_root)
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log))
        .spawn()
        .with_context(|| format!("starting {}", plan.server_bin.display()))?;
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait()? {
            bail!("the server exited with {status}; see {}", plan.work_dir.join("server.log").display());
        }
        if http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return Ok(child);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill()?;
    bail!("the server did not answer within 60 s")
}
