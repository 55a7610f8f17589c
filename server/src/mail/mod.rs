//! The mailer: decides the emails that are due, sends them through SMTP and records each attempt.
//! At least once: an email stays pending until the SMTP server accepts it, with the retry policy
//! of the webhooks, and keeps one `Message-ID` on every attempt. If the server stops after the SMTP
//! server accepted an email and before that was recorded, the email is sent again when its lease
//! ends (two minutes later), under the same `Message-ID`: that moment is the one window for a
//! duplicate. Without SMTP configured, what would be sent is written to the log instead.

pub mod render;

use std::sync::Arc;
use std::time::Duration;

use app::store::emails::{EmailContent, EmailKind, EmailOutcome, EmailRecord};
use app::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::task::JoinSet;

use crate::retry::RetryPolicy;
use render::{render, Links};

/// Where email goes.
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// No SMTP server configured: each email is written to the log and counts as sent.
    Log,
}

impl Transport {
    /// SMTP at `url` ("smtp://host:25", "smtp://user:pass@host:587?tls=required" for STARTTLS,
    /// "smtps://user:pass@host:465"), each connection attempt and command bounded by `timeout`.
    pub fn smtp(url: &str, timeout: Duration) -> Result<Transport, String> {
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            // The URL holds the password: the error says what is wrong, never the URL.
            .map_err(|err| format!("PARLEY_SMTP_URL is not an SMTP URL: {err}"))?;
        Ok(Transport::Smtp(builder.timeout(Some(timeout)).build()))
    }
}

/// What the mailer needs to know; tests shorten the waits.
pub struct MailerConfig {
    /// How often it looks for emails that are due.
    pub tick: Duration,
    pub retry: RetryPolicy,
    /// Where the links in emails point: "https://chat.example.com".
    pub public_url: String,
    /// The sender's address; the location's name is shown as the sender.
    pub from: Mailbox,
}

/// Sends emails. `pass` does one round at a given time, so tests drive it with their own clock;
/// `spawn_mailer` runs passes on the real one.
#[derive(Clone)]
pub struct Mailer {
    store: Store,
    transport: Arc<Transport>,
    config: Arc<MailerConfig>,
}

impl Mailer {
    pub fn new(store: Store, transport: Transport, config: MailerConfig) -> Self {
        Mailer { store, transport: Arc::new(transport), config: Arc::new(config) }
    }

    /// One round at `now`: decide what is due, then start a send for every due email. Returns the
    /// sends, still running; each records its attempt as made at `now` when it ends.
    pub async fn pass(&self, now: DateTime<Utc>) -> Result<JoinSet<()>, StoreError> {
        while self.store.decide_due_emails(now, 100).await? > 0 {}
        let mut sends = JoinSet::new();
        for email in self.store.claim_due_emails(now, chrono::Duration::minutes(2), 20).await? {
            let mailer = self.clone();
            sends.spawn(async move {
                let outcome = match mailer.attempt(&email).await {
                    Ok(()) => EmailOutcome::Sent,
                    Err(Failure { error, permanent }) => {
                        let retry_at = if permanent {
                            None
                        } else {
                            mailer.config.retry.retry_at(email.created_at, email.attempts, now)
                        };
                        tracing::warn!(email = %email.id, error = %error, retry = ?retry_at, "an email was not sent");
                        EmailOutcome::Failed { error, retry_at }
                    }
                };
                if let Err(err) = mailer.store.record_email_attempt(&email.id, outcome, now).await {
                    tracing::warn!(error = %err, email = %email.id, "could not record an email attempt");
                }
            });
        }
        Ok(sends)
    }

    async fn attempt(&self, email: &EmailRecord) -> Result<(), Failure> {
        let content = self.store.email_content(email).await.map_err(|err| match err {
            StoreError::NotFound => Failure::permanent("its conversation is gone"),
            err => Failure::transient(err.to_string()),
        })?;
        if content.waiting.is_empty() {
            return Err(Failure::permanent("every message it was about was unsent"));
        }
        let links = self.links(&content).await.map_err(|err| Failure::transient(err.to_string()))?;
        let message = self.message(&content, &links)?;
        match &*self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|err| Failure {
                permanent: err.is_permanent(),
                error: format!("the SMTP server did not take it: {err}"),
            }),
            Transport::Log => {
                let rendered = render(&content, &links);
                tracing::info!(
                    to = %email.recipient,
                    subject = %rendered.subject,
                    "email not sent (no PARLEY_SMTP_URL); it would say:\n{}",
                    rendered.text
                );
                Ok(())
            }
        }
    }

    /// The customer's links carry a portal link issued for this email (only its hash is kept).
    async fn links(&self, content: &EmailContent) -> Result<Links, StoreError> {
        let base = self.config.public_url.trim_end_matches('/');
        Ok(match content.email.kind {
            EmailKind::CustomerReply => {
                let token = self.store.issue_portal_link(&content.entry.booking.id).await?;
                Links {
                    open: format!("{base}/portal/{token}"),
                    unsubscribe: Some(format!("{base}/portal/{token}/unsubscribe")),
                }
            }
            EmailKind::TeamWaiting => {
                Links { open: format!("{base}/dashboard/threads/{}", content.email.thread_id), unsubscribe: None }
            }
        })
    }

    fn message(&self, content: &EmailContent, links: &Links) -> Result<Message, Failure> {
        let email = &content.email;
        let to: Mailbox = email
            .recipient
            .parse()
            .map_err(|_| Failure::permanent(format!("{:?} is not an address", email.recipient)))?;
        let from = Mailbox::new(Some(content.location.name.clone()), self.config.from.email.clone());
        let rendered = render(content, links);
        let mut builder = Message::builder()
            .from(from)
            .to(to)
            .subject(rendered.subject)
            // The same on every attempt, so a resent email can be recognised.
            .message_id(Some(format!("<{}@{}>", email.id, self.config.from.email.domain())))
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("Auto-Submitted"), "auto-generated".into()));
        if let Some(unsubscribe) = &links.unsubscribe {
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{unsubscribe}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".into(),
                ));
        }
        let body = MultiPart::alternative()
            .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(rendered.text))
            .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(rendered.html));
        builder.multipart(body).map_err(|err| Failure::permanent(format!("could not build the email: {err}")))
    }
}

/// Why an attempt failed, and whether trying again could help.
struct Failure {
    error: String,
    permanent: bool,
}

impl Failure {
    fn permanent(error: impl Into<String>) -> Self {
        Failure { error: error.into(), permanent: true }
    }

    fn transient(error: impl Into<String>) -> Self {
        Failure { error: error.into(), permanent: false }
    }
}

/// Starts the mailer on the current runtime; it runs until the returned handle is aborted.
pub fn spawn_mailer(mailer: Mailer) -> tokio::task::JoinHandle<()> {
    let tick = mailer.config.tick;
    tokio::spawn(async move {
        loop {
            match mailer.pass(Utc::now()).await {
                Ok(mut sends) => sends.detach_all(),
                Err(err) => tracing::warn!(error = %err, "mailer pass failed; trying again"),
            }
            tokio::time::sleep(tick).await;
        }
    })
}
