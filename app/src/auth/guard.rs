//! Who is asking: the staff session behind a request's cookie, and the location they act in.

use axum::http::{header, HeaderMap};
use leptos::prelude::*;

use super::cookie::{read_cookie, SESSION_COOKIE};
use crate::state::AppState;
use crate::store::sessions::Session;
use crate::store::Store;

/// A signed-in staff member, acting in one of their locations.
pub struct StaffContext {
    pub store: Store,
    pub session: Session,
    /// The session token from the cookie (to switch location or log out).
    pub token: String,
    /// The location the dashboard shows: the session's choice if it is still theirs, else their first.
    pub location_id: Option<String>,
}

/// Why there is no staff context.
#[derive(Debug)]
pub enum GuardError {
    SignedOut,
    Store(crate::store::StoreError),
}

/// The request's staff session, or `SignedOut`.
pub async fn staff_context() -> Result<StaffContext, GuardError> {
    let store = expect_context::<AppState>().store;
    let headers: HeaderMap = leptos_axum::extract().await.map_err(|_| GuardError::SignedOut)?;
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| read_cookie(h, SESSION_COOKIE))
        .map(str::to_owned)
        .ok_or(GuardError::SignedOut)?;
    let session =
        store.session(&token, chrono::Utc::now()).await.map_err(GuardError::Store)?.ok_or(GuardError::SignedOut)?;
    let location_id = session
        .location_id
        .clone()
        .filter(|l| session.staff.works_at(l))
        .or_else(|| session.staff.location_ids.first().cloned());
    Ok(StaffContext { store, session, token, location_id })
}

/// Whether the request came over https (directly or through a proxy that says so).
pub async fn request_is_https() -> bool {
    let Ok(headers) = leptos_axum::extract::<HeaderMap>().await else { return false };
    let forwarded = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    forwarded == Some("https") || origin.is_some_and(|o| o.starts_with("https://"))
}
