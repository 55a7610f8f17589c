//! Emails about messages that wait unread. A message that starts an unread stretch for the other
//! side sets when that side is emailed (messages.rs); when that time comes, one email per stretch
//! is decided, in the transaction that clears it (decide.rs), and the mailer (server/src/mail/)
//! claims it, reads what it says and sends it, with retries (outbox.rs). All of it is rows, so a
//! restart or a second server loses nothing and decides nothing twice.

mod decide;
mod outbox;

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use crate::ids::{EmailId, LocationId, StaffId, ThreadId};
pub use outbox::{EmailContent, EmailOutcome};

/// Who an email is for and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailKind {
    /// The customer: the team replied and the reply waits unread.
    CustomerReply,
    /// A staff member who chose it: a customer message waits unread by the team.
    TeamWaiting,
}

impl EmailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailKind::CustomerReply => "customer_reply",
            EmailKind::TeamWaiting => "team_waiting",
        }
    }

    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value {
            "customer_reply" => Some(EmailKind::CustomerReply),
            "team_waiting" => Some(EmailKind::TeamWaiting),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailStatus {
    Pending,
    Sent,
    /// Given up after every retry.
    Failed,
}

impl EmailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailStatus::Pending => "pending",
            EmailStatus::Sent => "sent",
            EmailStatus::Failed => "failed",
        }
    }

    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value {
            "pending" => Some(EmailStatus::Pending),
            "sent" => Some(EmailStatus::Sent),
            "failed" => Some(EmailStatus::Failed),
            _ => None,
        }
    }
}

/// An email decided, to be sent (or sent). It says what its thread's messages with seq in
/// `(after_seq, through_seq]` from the other side say, read when it is sent.
#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct EmailRecord {
    pub id: EmailId,
    pub kind: EmailKind,
    #[surreal(rename = "thread")]
    pub thread_id: ThreadId,
    #[surreal(rename = "location")]
    pub location_id: LocationId,
    /// The staff member a team email is for.
    #[surreal(rename = "staff")]
    pub staff_id: Option<StaffId>,
    pub recipient: String,
    pub after_seq: i64,
    pub through_seq: i64,
    pub status: EmailStatus,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}
