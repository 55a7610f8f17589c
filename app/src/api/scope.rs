//! The one tenancy check: who is asking (the staff session behind the request's cookie) and what
//! they may touch (the locations they work at). Every dashboard server function starts here.

use axum::http::{header, HeaderMap};
use leptos::prelude::*;

use super::cookie::{read_cookie, SESSION_COOKIE};
use super::dash_error::DashError;
use crate::ids::{BookingId, LocationId, ThreadId};
use crate::state::AppState;
use crate::store::bookings::BookingRecord;
use crate::store::inbox::InboxEntry;
use crate::store::locations::LocationRecord;
use crate::store::sessions::Session;
use crate::store::threads::ThreadRecord;
use crate::store::{Store, StoreError};

/// A signed-in staff member, acting in one of their locations.
pub struct StaffContext {
    pub store: Store,
    pub session: Session,
    /// The session token from the cookie (to switch location or log out).
    pub token: String,
    /// The location the dashboard shows: the session's choice if it is still theirs, else their first.
    pub location_id: Option<LocationId>,
}

/// Why there is no staff context.
#[derive(Debug)]
pub enum GuardError {
    SignedOut,
    Store(StoreError),
}

/// The request's staff session, or `SignedOut`.
pub async fn staff_context() -> Result<StaffContext, GuardError> {
    let store = expect_context::<AppState>().store;
    let headers: HeaderMap = leptos_axum::extract().await.map_err(|_| GuardError::SignedOut)?;
    let (session, token) = staff_session(&store, &headers).await?;
    let location_id = session
        .location_id
        .clone()
        .filter(|l| session.staff.reach().covers(l))
        .or_else(|| session.staff.location_ids.first().cloned());
    Ok(StaffContext { store, session, token, location_id })
}

/// The staff session the request's cookie names, with its token; for server functions and for
/// the routes that are not (file uploads and downloads).
pub async fn staff_session(store: &Store, headers: &HeaderMap) -> Result<(Session, String), GuardError> {
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| read_cookie(h, SESSION_COOKIE))
        .map(str::to_owned)
        .ok_or(GuardError::SignedOut)?;
    let session =
        store.session(&token, chrono::Utc::now()).await.map_err(GuardError::Store)?.ok_or(GuardError::SignedOut)?;
    Ok((session, token))
}

/// The signed-in staff member and the location their dashboard shows.
pub async fn current_location() -> Result<(StaffContext, LocationRecord), DashError> {
    let ctx = staff_context().await?;
    let id = ctx.location_id.clone().ok_or_else(|| DashError::NotFound.with_status())?;
    let location = ctx.store.location(&id).await?;
    Ok((ctx, location))
}

/// A thread and its location, if the thread is within the staff member's reach (their locations;
/// otherwise not found, exactly as if it did not exist).
pub async fn thread(thread_id: &ThreadId) -> Result<(StaffContext, ThreadRecord, LocationRecord), DashError> {
    let ctx = staff_context().await?;
    let thread = ctx.store.thread_within(ctx.session.staff.reach(), thread_id).await?;
    let location = ctx.store.location(&thread.location_id).await?;
    Ok((ctx, thread, location))
}

/// A thread with its booking and customer, under the same rule.
pub async fn thread_entry(thread_id: &ThreadId) -> Result<(StaffContext, InboxEntry), DashError> {
    let ctx = staff_context().await?;
    let entry = ctx.store.inbox_entry_within(ctx.session.staff.reach(), thread_id).await?;
    Ok((ctx, entry))
}

/// A booking, under the same rule.
pub async fn booking(booking_id: &BookingId) -> Result<(StaffContext, BookingRecord), DashError> {
    let ctx = staff_context().await?;
    let booking = ctx.store.booking_within(ctx.session.staff.reach(), booking_id).await?;
    Ok((ctx, booking))
}

/// Whether the request came over https (directly or through a proxy that says so).
pub async fn request_is_https() -> bool {
    let Ok(headers) = leptos_axum::extract::<HeaderMap>().await else { return false };
    let forwarded = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    forwarded == Some("https") || origin.is_some_and(|o| o.starts_with("https://"))
}
