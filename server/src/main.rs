//! `parley`: open the store, migrate, seed the demo if asked, serve until SIGTERM or Ctrl-C.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use app::state::{AppState, RateLimit};
use app::store::seed::{self, Seeded};
use app::store::Store;
use clap::Parser;
use leptos::prelude::get_configuration;
use server::config::Config;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
    match serve(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line, the whole cause chain: "cannot open the database at ...: ...".
            eprintln!("parley: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let mut leptos_options = get_configuration(None).context("cannot read the LEPTOS_* settings")?.leptos_options;
    leptos_options.site_addr = config.addr;

    let db_user = server::config::db_user(|name| std::env::var(name).ok()).map_err(anyhow::Error::msg)?;
    let store = Store::open_as(&config.db, db_user.as_ref())
        .await
        .with_context(|| format!("cannot open the database at {}", config.db))?;
    store.migrate().await.context("cannot migrate the database schema")?;
    if config.demo {
        let seeded = seed::seed_demo(&store).await.context("cannot seed the demo data")?;
        print_demo_guide(config.addr, seeded);
    }

    let dispatcher = server::webhooks::spawn_dispatcher(
        store.clone(),
        server::webhooks::DispatcherConfig::standard(config.allow_private_webhooks),
    );
    let transport = match &config.smtp_url {
        Some(url) => {
            server::mail::Transport::smtp(&url.0, std::time::Duration::from_secs(30)).map_err(anyhow::Error::msg)?
        }
        None => server::mail::Transport::Log,
    };
    let sends_email = matches!(transport, server::mail::Transport::Smtp(_));
    let mailer = server::mail::spawn_mailer(server::mail::Mailer::new(
        store.clone(),
        transport,
        server::mail::MailerConfig {
            tick: std::time::Duration::from_secs(5),
            retry: server::retry::RetryPolicy::STANDARD,
            public_url: config.public_url(),
            from: lettre::message::Mailbox::new(None, config.mail_from.clone()),
        },
    ));
    let blobs = config.blobs().map_err(anyhow::Error::msg)?;
    let sweeper = server::files::sweep::spawn_sweeper(store.clone(), blobs.clone());
    let state = AppState {
        blobs,
        demo: config.demo,
        sends_email,
        allow_private_webhooks: config.allow_private_webhooks,
        api_limit: RateLimit { burst: config.api_burst, per_second: config.api_rate },
        ..AppState::new(leptos_options, store)
    };
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    tracing::info!(addr = %config.addr, db = %config.db, "parley is serving");
    axum::serve(listener, server::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server stopped with an error")?;
    dispatcher.abort();
    mailer.abort();
    sweeper.abort();
    tracing::info!("parley stopped");
    Ok(())
}

/// Tells a newcomer where to click: printed at start-up with `--demo`.
fn print_demo_guide(addr: SocketAddr, seeded: Seeded) {
    let guide = seed::demo_guide();
    let what = match seeded {
        Seeded::Created => "seeded the demo data",
        Seeded::AlreadyThere => "the database already had data; demo links below work if it was seeded earlier",
    };
    println!("\nParley demo: {what}.\n\nOpen http://{addr}/ or log in at http://{addr}/login as:");
    for s in &guide.staff {
        println!("  {:<22} {:<20} password {}", s.display_name, s.email, s.password);
    }
    println!("\nCustomer portal links:");
    for p in &guide.portals {
        println!("  {:<16} {:<32} http://{addr}{}", p.customer_name, p.activity, p.path);
    }
    println!();
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish before the store closes.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
