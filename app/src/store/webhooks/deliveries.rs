//! Deliveries: one event for one endpoint, claimed by a dispatcher, attempted, and recorded.

use chrono::{DateTime, Duration, Utc};
use surrealdb::types::SurrealValue;

use super::super::changes::Scope;
use super::super::error::is_conflict;
use super::super::ids::Record;
use super::super::{Store, StoreError};
use super::endpoints::EndpointRecord;
use crate::ids::{DeliveryId, EndpointId, LocationId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Pending,
    Succeeded,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Succeeded => "succeeded",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value {
            "pending" => Some(DeliveryStatus::Pending),
            "succeeded" => Some(DeliveryStatus::Succeeded),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct DeliveryRecord {
    pub id: DeliveryId,
    #[surreal(rename = "endpoint")]
    pub endpoint_id: EndpointId,
    #[surreal(rename = "location")]
    pub location_id: LocationId,
    pub event_type: String,
    /// The Standard Webhooks message id: the same on every attempt.
    pub webhook_id: String,
    /// The exact JSON body: the same bytes on every attempt.
    pub body: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// How one attempt went.
#[derive(Debug, Clone, PartialEq)]
pub enum AttemptOutcome {
    /// A 2xx answer.
    Delivered { status: u16 },
    /// Any other answer, a timeout or a refused connection: try again later (or give up).
    Failed { status: Option<u16>, error: String },
}

/// A claimed delivery and the endpoint it goes to (none when the endpoint is gone).
#[derive(SurrealValue)]
struct ClaimRecord {
    delivery: Option<DeliveryRecord>,
    endpoint: Option<EndpointRecord>,
}

impl Store {
    /// Claims up to `limit` due deliveries by moving their next attempt `lease` into the future,
    /// so no other dispatcher sends them meanwhile. Returns each with its endpoint.
    pub async fn claim_due_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<(DeliveryRecord, EndpointRecord)>, StoreError> {
        let due: Vec<DeliveryId> = self
            .db
            .read("SELECT VALUE id FROM webhook_delivery WHERE status = 'pending' AND next_attempt_at <= $now ORDER BY next_attempt_at LIMIT $limit")
            .bind(("now", now))
            .bind(("limit", limit as i64))
            .await?
            .take(0)?;
        // The claim and the endpoint it goes to, in one answer; no delivery when another took it.
        let sql = "{
            LET $delivery = UPDATE ONLY $id SET next_attempt_at = $until, updated_at = $now
                WHERE status = 'pending' AND next_attempt_at <= $now RETURN AFTER;
            RETURN { delivery: $delivery, endpoint: IF $delivery = NONE { NONE } ELSE { SELECT * FROM ONLY $delivery.endpoint } };
        }";
        let mut claimed = Vec::new();
        for id in due {
            let claim = self
                .write(&[Scope::Table("webhook_delivery")], sql, |q| {
                    q.bind(("id", id.record())).bind(("now", now)).bind(("until", now + lease))
                })
                .await
                .and_then(|mut response| response.take::<Option<ClaimRecord>>(0));
            let (delivery, endpoint) = match claim {
                Ok(Some(ClaimRecord { delivery: Some(delivery), endpoint })) => (delivery, endpoint),
                Ok(_) => continue,
                Err(err) if is_conflict(&err) => continue,
                Err(err) => return Err(err.into()),
            };
            match endpoint {
                Some(endpoint) => claimed.push((delivery, endpoint)),
                None => {
                    let gone = AttemptOutcome::Failed { status: None, error: "endpoint deleted".into() };
                    self.record_attempt(&delivery.id, gone, now, None).await?;
                }
            }
        }
        Ok(claimed)
    }

    /// Records an attempt at `now`: delivered; failed, to be tried again at `retry_at`; or failed
    /// for good (`retry_at` is `None`). When to retry is the dispatcher's policy.
    pub async fn record_attempt(
        &self,
        delivery_id: &DeliveryId,
        outcome: AttemptOutcome,
        now: DateTime<Utc>,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<DeliveryRecord, StoreError> {
        let (status, last_status, last_error, next) = match outcome {
            AttemptOutcome::Delivered { status } => (DeliveryStatus::Succeeded, Some(i64::from(status)), None, now),
            AttemptOutcome::Failed { status, error } => match retry_at {
                Some(at) => (DeliveryStatus::Pending, status.map(i64::from), Some(error), at),
                None => (DeliveryStatus::Failed, status.map(i64::from), Some(error), now),
            },
        };
        let row: Option<DeliveryRecord> = self
            .write(
                &[Scope::Table("webhook_delivery")],
                "UPDATE ONLY $id SET status = $status, attempts += 1, last_status = $last_status,
                     last_error = $last_error, next_attempt_at = $next, updated_at = $now RETURN AFTER",
                |q| {
                    q.bind(("id", delivery_id.record()))
                        .bind(("status", status))
                        .bind(("last_status", last_status))
                        .bind(("last_error", last_error))
                        .bind(("next", next))
                        .bind(("now", now))
                },
            )
            .await?
            .take(0)?;
        row.ok_or(StoreError::NotFound)
    }

    /// The location's latest deliveries, newest first.
    pub async fn recent_deliveries(
        &self,
        location_id: &LocationId,
        limit: usize,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        Ok(self
            .db
            .read("SELECT * FROM webhook_delivery WHERE location = $location ORDER BY created_at DESC LIMIT $limit")
            .bind(("location", location_id.record()))
            .bind(("limit", limit as i64))
            .await?
            .take(0)?)
    }
}
