//! Sending decided emails: a mailer claims the due ones (moving their next attempt a lease ahead,
//! so no other mailer sends them meanwhile), reads what each says, and records how it went.

use chrono::{DateTime, Duration, Utc};

use super::super::changes::Scope;
use super::super::error::is_conflict;
use super::super::ids::Record;
use super::super::inbox::InboxEntry;
use super::super::locations::LocationRecord;
use super::super::messages::MessageRecord;
use super::super::{Store, StoreError};
use super::{EmailKind, EmailRecord, EmailStatus};
use crate::ids::{EmailId, ThreadId};
use crate::model::SenderType;

/// At most this many waiting messages are quoted in one email; the portal or the dashboard has the rest.
const QUOTED_MESSAGES: usize = 20;

/// What an email is made of, read when it is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct EmailContent {
    pub email: EmailRecord,
    /// The thread with its booking and customer.
    pub entry: InboxEntry,
    pub location: LocationRecord,
    /// The messages that wait, oldest first: the team's for the customer, the customer's for the team.
    pub waiting: Vec<MessageRecord>,
}

/// How one attempt went.
#[derive(Debug, Clone, PartialEq)]
pub enum EmailOutcome {
    Sent,
    /// Refused or unreachable: try again at `retry_at`, or give up when there is none.
    Failed {
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
}

impl Store {
    /// Claims up to `limit` emails due at `now` for `lease`.
    pub async fn claim_due_emails(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<EmailRecord>, StoreError> {
        let due: Vec<EmailId> = self
            .db
            .read(
                "SELECT VALUE id FROM email WHERE status = 'pending' AND next_attempt_at <= $now
                 ORDER BY next_attempt_at LIMIT $limit",
            )
            .bind(("now", now))
            .bind(("limit", limit as i64))
            .await?
            .take(0)?;
        let sql = "UPDATE ONLY $id SET next_attempt_at = $until, updated_at = $now
                   WHERE status = 'pending' AND next_attempt_at <= $now RETURN AFTER";
        let mut claimed = Vec::new();
        for id in due {
            let claim = self
                .write(&[Scope::Table("email")], sql, |q| {
                    q.bind(("id", id.record())).bind(("now", now)).bind(("until", now + lease))
                })
                .await
                .and_then(|mut response| response.take::<Option<EmailRecord>>(0));
            match claim {
                Ok(Some(email)) => claimed.push(email),
                // Another mailer took it.
                Ok(None) => {}
                Err(err) if is_conflict(&err) => {}
                Err(err) => return Err(err.into()),
            }
        }
        Ok(claimed)
    }

    /// What `email` says: its thread, booking, customer and location, and the messages that waited.
    pub async fn email_content(&self, email: &EmailRecord) -> Result<EmailContent, StoreError> {
        let entry = self.inbox_entry(&email.thread_id).await?;
        let location = self.location(&email.location_id).await?;
        let from = match email.kind {
            EmailKind::CustomerReply => SenderType::Operator,
            EmailKind::TeamWaiting => SenderType::Customer,
        };
        let waiting = self.messages_between(&email.thread_id, email.after_seq, email.through_seq).await?;
        // Messages unsent since are not quoted.
        let mut waiting: Vec<MessageRecord> =
            waiting.into_iter().filter(|m| m.sender_type == from && m.deleted_at.is_none()).collect();
        waiting.drain(..waiting.len().saturating_sub(QUOTED_MESSAGES));
        Ok(EmailContent { email: email.clone(), entry, location, waiting })
    }

    /// The thread's messages with seq in `(after_seq, through_seq]`, oldest first (at most 1000).
    async fn messages_between(
        &self,
        thread_id: &ThreadId,
        after_seq: i64,
        through_seq: i64,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let from = after_seq.max(through_seq - 1000);
        let mut messages = self.messages_after(thread_id, from, 1000).await?;
        messages.retain(|m| m.seq <= through_seq);
        Ok(messages)
    }

    /// Records an attempt at `now`.
    pub async fn record_email_attempt(
        &self,
        id: &EmailId,
        outcome: EmailOutcome,
        now: DateTime<Utc>,
    ) -> Result<EmailRecord, StoreError> {
        let (status, error, next, sent_at) = match outcome {
            EmailOutcome::Sent => (EmailStatus::Sent, None, now, Some(now)),
            EmailOutcome::Failed { error, retry_at: Some(at) } => (EmailStatus::Pending, Some(error), at, None),
            EmailOutcome::Failed { error, retry_at: None } => (EmailStatus::Failed, Some(error), now, None),
        };
        let row: Option<EmailRecord> = self
            .write(
                &[Scope::Table("email")],
                "UPDATE ONLY $id SET status = $status, attempts += 1, last_error = $error, next_attempt_at = $next,
                     sent_at = $sent_at, updated_at = $now RETURN AFTER",
                |q| {
                    q.bind(("id", id.record()))
                        .bind(("status", status))
                        .bind(("error", error))
                        .bind(("next", next))
                        .bind(("sent_at", sent_at))
                        .bind(("now", now))
                },
            )
            .await?
            .take(0)?;
        row.ok_or(StoreError::NotFound)
    }

    /// A thread's emails, oldest first.
    pub async fn thread_emails(&self, thread_id: &ThreadId) -> Result<Vec<EmailRecord>, StoreError> {
        Ok(self
            .db
            .read("SELECT * FROM email WHERE thread = $thread ORDER BY created_at")
            .bind(("thread", thread_id.record()))
            .await?
            .take(0)?)
    }
}

#[cfg(test)]
mod tests {
    use tokio::task::JoinSet;

    use super::*;
    use crate::store::test_support::{at, backends, say, thread_fixture};

    /// A thread with a team reply the customer has not read for 10 minutes, its email decided.
    async fn one_email(store: &Store, code: &str) -> ThreadId {
        let (_, thread) = thread_fixture(store, code).await;
        say(store, &thread.id, SenderType::Customer, "Is parking free?", &[], 0).await;
        say(store, &thread.id, SenderType::Operator, "Yes, by the dock.", &[], 1).await;
        say(store, &thread.id, SenderType::Operator, "Bring a coin for the gate.", &[], 2).await;
        assert_eq!(store.decide_due_emails(at(11), 10).await.unwrap(), 1);
        thread.id
    }

    #[tokio::test]
    async fn a_claimed_email_is_not_claimed_again_and_a_failure_waits_for_its_retry() {
        for (backend, store, _dir) in backends().await {
            one_email(&store, "OUT001-0001").await;
            let lease = Duration::minutes(1);
            let claimed = store.claim_due_emails(at(11), lease, 10).await.unwrap();
            assert_eq!(claimed.len(), 1, "{backend}");
            assert!(store.claim_due_emails(at(11), lease, 10).await.unwrap().is_empty(), "{backend}: leased");
            let id = &claimed[0].id;
            let failed = EmailOutcome::Failed { error: "451 try later".into(), retry_at: Some(at(16)) };
            let email = store.record_email_attempt(id, failed, at(11)).await.unwrap();
            assert_eq!(
                (email.status, email.attempts, email.last_error.as_deref()),
                (EmailStatus::Pending, 1, Some("451 try later"))
            );
            assert!(store.claim_due_emails(at(15), lease, 10).await.unwrap().is_empty(), "{backend}: not yet");
            assert_eq!(store.claim_due_emails(at(16), lease, 10).await.unwrap().len(), 1, "{backend}");
            let email = store.record_email_attempt(id, EmailOutcome::Sent, at(16)).await.unwrap();
            assert_eq!((email.status, email.attempts, email.sent_at), (EmailStatus::Sent, 2, Some(at(16))));
            assert!(store.claim_due_emails(at(600), lease, 10).await.unwrap().is_empty(), "{backend}: sent");
        }
    }

    #[tokio::test]
    async fn an_email_given_up_is_failed_for_good() {
        let store = Store::open_in_memory().await.unwrap();
        one_email(&store, "OUT002-0001").await;
        let email = &store.claim_due_emails(at(11), Duration::minutes(1), 10).await.unwrap()[0];
        let gone = EmailOutcome::Failed { error: "550 no such user".into(), retry_at: None };
        assert_eq!(store.record_email_attempt(&email.id, gone, at(11)).await.unwrap().status, EmailStatus::Failed);
        assert!(store.claim_due_emails(at(6000), Duration::minutes(1), 10).await.unwrap().is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn mailers_claiming_at_once_get_each_email_once() {
        for (backend, store, _dir) in backends().await {
            for n in 0..5 {
                one_email(&store, &format!("OUT003-000{n}")).await;
            }
            let mut mailers = JoinSet::new();
            for _ in 0..6 {
                let store = store.clone();
                mailers.spawn(async move { store.claim_due_emails(at(11), Duration::minutes(1), 10).await.unwrap() });
            }
            let mut ids = Vec::new();
            while let Some(claimed) = mailers.join_next().await {
                ids.extend(claimed.unwrap().into_iter().map(|e| e.id));
            }
            ids.sort();
            let before = ids.len();
            ids.dedup();
            assert_eq!((before, ids.len()), (5, 5), "{backend}");
        }
    }

    #[tokio::test]
    async fn an_email_quotes_the_replies_that_waited_and_nothing_later() {
        let store = Store::open_in_memory().await.unwrap();
        let thread = one_email(&store, "OUT004-0001").await;
        say(&store, &thread, SenderType::Customer, "Thanks!", &[], 20).await;
        say(&store, &thread, SenderType::Operator, "You're welcome.", &[], 21).await;
        let email = &store.claim_due_emails(at(11), Duration::minutes(1), 10).await.unwrap()[0];
        let content = store.email_content(email).await.unwrap();
        let bodies: Vec<&str> = content.waiting.iter().map(|m| m.body.as_str()).collect();
        assert_eq!(bodies, ["Yes, by the dock.", "Bring a coin for the gate."]);
        assert_eq!(content.entry.customer.full_name(), "Ana Silva");
        assert_eq!(content.entry.booking.confirmation_code, "OUT004-0001");
        assert_eq!(content.location.name, "Harbour");
    }
}
