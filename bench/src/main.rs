//! `parley-bench`: the measurements of `make bench` and `make soak` that need more than wrk and
//! curl. Each subcommand writes its figures as JSON for bench/report.py.

mod broadcast;
mod dataset;
mod ledger;
mod portal_client;
mod rate;
mod scale;
mod sends;
mod soak;
mod stats;
mod uploads;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use serde::Serialize;

#[derive(Parser)]
#[command(about = "Parley's benchmarks: data generation, scaling, durable sends, crash soak")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Seeds a database with the demo and generated conversations (no measuring).
    Prepare {
        #[arg(long)]
        db: String,
        #[arg(long, default_value_t = dataset::MIN_THREADS)]
        threads: usize,
        #[arg(long, default_value_t = 0)]
        long_messages: usize,
    },
    /// Inbox and poll latencies with `small` threads, then with `large`; leaves the database ready.
    Scale {
        #[arg(long)]
        db: String,
        #[arg(long, default_value_t = 1_000)]
        small: usize,
        #[arg(long, default_value_t = 100_000)]
        large: usize,
        #[arg(long, default_value_t = 10_000)]
        long_messages: usize,
        #[arg(long, default_value_t = 500)]
        iterations: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// A message to the dataset's 200-booking departure, timed, beside another customer's sends.
    Broadcast {
        #[arg(long)]
        url: String,
        /// A staff session token (the `parley_session` cookie's value) at the dataset's location.
        #[arg(long)]
        session: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Durable sends against a running server: one sender, then many; then checks what is stored.
    Sends {
        #[arg(long)]
        url: String,
        #[arg(long, default_value_t = 300)]
        single: usize,
        #[arg(long, default_value_t = 200)]
        senders: usize,
        #[arg(long, default_value_t = 10)]
        per_sender: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// POSTs to a server function at a fixed rate and reports the latency percentiles.
    Rate {
        #[arg(long)]
        url: String,
        #[arg(long)]
        endpoint: String,
        /// The call's fields, form-encoded (sent as the page sends them: `body`).
        #[arg(long)]
        form: String,
        #[arg(long)]
        cookie: Option<String>,
        #[arg(long, default_value_t = 2000.0)]
        per_s: f64,
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        /// Sign-ins a second to run meanwhile (with `--sign-in-form`).
        #[arg(long)]
        sign_ins_per_s: Option<f64>,
        /// The form-encoded body of `/api/login` for them; several are taken in turn.
        #[arg(long)]
        sign_in_form: Vec<String>,
        /// Each second's sign-ins all at once rather than spread over the second.
        #[arg(long)]
        sign_in_burst: bool,
        #[arg(long)]
        out: PathBuf,
    },
    /// Writes the body a page sends for this call and these form fields (postcard for the portal's
    /// calls, the form itself for others), for wrk and curl.
    Body {
        #[arg(long)]
        endpoint: String,
        #[arg(long)]
        form: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Uploads against a running server: a 5 MB photo's latency, memory during ten 10 MB uploads.
    Uploads {
        #[arg(long)]
        url: String,
        /// A portal token of the server's data.
        #[arg(long)]
        token: String,
        /// The server's process id, for its memory.
        #[arg(long)]
        pid: u32,
        #[arg(long, default_value_t = 20)]
        photos: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// Senders against a server that is killed with SIGKILL and restarted; fails if a message is lost.
    Soak {
        #[arg(long)]
        server_bin: PathBuf,
        #[arg(long)]
        site_root: PathBuf,
        #[arg(long)]
        work_dir: PathBuf,
        #[arg(long, default_value_t = 3199)]
        port: u16,
        #[arg(long, default_value_t = 32)]
        senders: usize,
        #[arg(long, default_value_t = 30)]
        seconds: u64,
        #[arg(long, default_value_t = 2)]
        kills: usize,
        #[arg(long)]
        out: PathBuf,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Prepare { db, threads, long_messages } => {
            let store = dataset::open(&db).await?;
            dataset::prepare(&store, threads, long_messages).await?;
        }
        Command::Scale { db, small, large, long_messages, iterations, out } => {
            write(&out, &scale::run(&db, small, large, long_messages, iterations).await?)?;
        }
        Command::Body { endpoint, form, out } => {
            std::fs::write(&out, rate::PageBody::of(&endpoint, &form).bytes)?;
        }
        Command::Uploads { url, token, pid, photos, out } => {
            write(&out, &uploads::run(&url, &token, pid, photos).await?)?;
        }
        Command::Broadcast { url, session, out } => {
            write(&out, &broadcast::run(&url, &session).await?)?;
        }
        Command::Sends { url, single, senders, per_sender, out } => {
            write(&out, &sends::run(&url, single, senders, per_sender).await?)?;
        }
        Command::Rate {
            url,
            endpoint,
            form,
            cookie,
            per_s,
            seconds,
            sign_ins_per_s,
            sign_in_form,
            sign_in_burst,
            out,
        } => {
            let sign_ins = match (sign_ins_per_s, sign_in_form.is_empty()) {
                (Some(per_s), false) => Some(rate::SignIns { forms: sign_in_form, per_s, burst: sign_in_burst }),
                (None, true) => None,
                _ => anyhow::bail!("--sign-ins-per-s and --sign-in-form go together"),
            };
            write(&out, &rate::run(&url, &endpoint, &form, cookie.as_deref(), per_s, seconds, sign_ins).await?)?;
        }
        Command::Soak { server_bin, site_root, work_dir, port, senders, seconds, kills, out } => {
            let plan = soak::SoakPlan { server_bin, site_root, work_dir, port, senders, seconds, kills };
            let report = soak::run(&plan).await?;
            write(&out, &report)?;
            if !report.verdict.ok() {
                anyhow::bail!("acknowledged messages were lost or duplicated: {:?}", report.verdict);
            }
        }
    }
    Ok(())
}

fn write(path: &PathBuf, report: &impl Serialize) -> anyhow::Result<()> {
    let json = serde_json::to_string_pretty(report)?;
    std::fs::write(path, &json)?;
    println!("{json}");
    Ok(())
}
