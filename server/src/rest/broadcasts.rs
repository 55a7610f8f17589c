//! `/api/v1/broadcasts`: the messages the team sent to whole departures, and where each booking of
//! one stands (sent, seen, replied), for the key's location only.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::ids::{BroadcastId, ThreadId};
use app::store::broadcasts::{BroadcastRecord, RecipientRecord};

use super::auth::ApiCaller;
use super::error::{ApiError, ErrorBody};
use super::extract::{ApiPath, ApiQuery};
use super::handlers::parse_limit;
use super::RestState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiBroadcast {
    pub id: String,
    /// The departure: an activity at a start time.
    pub activity: String,
    pub starts_at: String,
    /// As written, booking details in braces; each booking got it filled in.
    pub body: String,
    pub sender_name: String,
    pub created_at: String,
    pub recipients: usize,
    pub sent: usize,
    pub seen: usize,
    pub replied: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiRecipient {
    pub booking_id: String,
    pub thread_id: String,
    /// The broadcast's message in the booking's thread, once sent.
    pub message_seq: Option<i64>,
    pub sent: bool,
    /// The customer has read their thread up to it.
    pub seen: bool,
    /// The customer wrote after it.
    pub replied: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiBroadcastDetail {
    #[serde(flatten)]
    pub broadcast: ApiBroadcast,
    pub bookings: Vec<ApiRecipient>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiBroadcastList {
    /// Newest first.
    pub items: Vec<ApiBroadcast>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BroadcastsParams {
    /// 50 when left out.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u8>,
}

fn api_broadcast(b: &BroadcastRecord, recipients: &[RecipientRecord]) -> ApiBroadcast {
    let count = |f: fn(&RecipientRecord) -> bool| recipients.iter().filter(|r| f(r)).count();
    ApiBroadcast {
        id: b.id.to_string(),
        activity: b.activity.clone(),
        starts_at: b.starts_at.to_rfc3339(),
        body: b.body.clone(),
        sender_name: b.sender_name.clone(),
        created_at: b.created_at.to_rfc3339(),
        recipients: recipients.len(),
        sent: count(RecipientRecord::sent),
        seen: count(RecipientRecord::seen),
        replied: count(RecipientRecord::replied),
    }
}

/// The location's broadcasts, newest first, with how many bookings have each seen and replied.
#[utoipa::path(get, path = "/broadcasts", params(BroadcastsParams), tag = "broadcasts",
    responses((status = 200, body = ApiBroadcastList), (status = 400, description = "A malformed parameter", body = ErrorBody), (status = 401, description = "No live API key", body = ErrorBody), (status = 429, description = "Too many requests for this key", body = ErrorBody)))]
pub async fn list_broadcasts(
    State(state): State<RestState>,
    caller: ApiCaller,
    ApiQuery(params): ApiQuery<BroadcastsParams>,
) -> Result<Json<ApiBroadcastList>, ApiError> {
    let limit = parse_limit(params.limit)?;
    let mut items = Vec::new();
    for broadcast in state.store.broadcasts(&caller.location_id, limit).await? {
        let recipients = state.store.broadcast_recipients(&broadcast).await?;
        items.push(api_broadcast(&broadcast, &recipients));
    }
    Ok(Json(ApiBroadcastList { items }))
}

/// One broadcast and where each of its bookings stands.
#[utoipa::path(get, path = "/broadcasts/{id}", params(("id" = String, Path)), tag = "broadcasts",
    responses((status = 200, body = ApiBroadcastDetail), (status = 401, description = "No live API key", body = ErrorBody), (status = 404, description = "No such broadcast at this key's location", body = ErrorBody), (status = 429, description = "Too many requests for this key", body = ErrorBody)))]
pub async fn get_broadcast(
    State(state): State<RestState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ApiBroadcastDetail>, ApiError> {
    let broadcast = state.store.broadcast(&caller.location_id, &BroadcastId::new(id)).await?;
    let recipients = state.store.broadcast_recipients(&broadcast).await?;
    let bookings = recipients
        .iter()
        .map(|r| ApiRecipient {
            booking_id: r.booking_id.to_string(),
            thread_id: ThreadId::of(&r.booking_id).to_string(),
            message_seq: r.seq,
            sent: r.sent(),
            seen: r.seen(),
            replied: r.replied(),
        })
        .collect();
    Ok(Json(ApiBroadcastDetail { broadcast: api_broadcast(&broadcast, &recipients), bookings }))
}
