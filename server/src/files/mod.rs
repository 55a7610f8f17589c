//! Photos and files in conversations: upload and download for each kind of caller. A customer
//! reaches them through their portal link, staff through their session (at the locations they
//! work at); what names nothing the caller may reach answers 404, as if it did not exist.

pub mod download;
pub mod picture;
pub mod sniff;
pub mod sweep;
#[cfg(test)]
mod test_photos;
pub mod upload;

use app::api::scope::{staff_session, GuardError};
use app::ids::{AttachmentId, ThreadId};
use app::model::SenderType;
use app::state::AppState;
use app::store::attachments::AttachmentRecord;
use app::store::blobs::BlobPart;
use app::store::bookings::PortalAccess;
use app::store::sessions::Session;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use upload::{Uploader, MAX_FILE_BYTES};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/portal/{token}/files", post(portal_upload))
        .route("/portal/{token}/files/{id}", get(portal_file))
        .route("/portal/{token}/files/{id}/thumb", get(portal_thumb))
        .route("/dashboard/threads/{id}/files", post(staff_upload))
        .route("/dashboard/files/{id}", get(staff_file))
        .route("/dashboard/files/{id}/thumb", get(staff_thumb))
        // The upload counts its file itself and names it when it is too large; this only stops a
        // body far beyond any file (a body over the limit is refused before its file is named).
        .layer(DefaultBodyLimit::max(4 * MAX_FILE_BYTES))
}

/// A refusal with the one JSON shape uploads answer with.
fn refused(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

fn not_found() -> Response {
    refused(StatusCode::NOT_FOUND, "No such file.")
}

fn server_error(err: impl std::fmt::Display) -> Response {
    tracing::error!(error = %err, "a file request failed");
    refused(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side; please try again.")
}

/// What a portal link opens, if the portal is on.
async fn portal(state: &AppState, token: &str) -> Result<PortalAccess, Response> {
    match state.store.portal_access(token).await {
        Ok(Some(access)) if access.location.portal_enabled => Ok(access),
        Ok(Some(_)) => Err(refused(StatusCode::FORBIDDEN, "The booking portal is unavailable right now.")),
        Ok(None) => Err(refused(StatusCode::NOT_FOUND, "This link is not valid.")),
        Err(err) => Err(server_error(err)),
    }
}

async fn staff(state: &AppState, headers: &HeaderMap) -> Result<Session, Response> {
    match staff_session(&state.store, headers).await {
        Ok((session, _)) => Ok(session),
        Err(GuardError::SignedOut) => Err(refused(StatusCode::UNAUTHORIZED, "Sign in to continue.")),
        Err(GuardError::Store(err)) => Err(server_error(err)),
    }
}

/// The file, if `allowed` says the caller may read it.
async fn readable(
    state: &AppState,
    id: &str,
    allowed: impl FnOnce(&AttachmentRecord) -> bool,
) -> Result<AttachmentRecord, Response> {
    match state.store.attachment(&AttachmentId::new(id)).await {
        Ok(Some(file)) if allowed(&file) => Ok(file),
        Ok(_) => Err(not_found()),
        Err(err) => Err(server_error(err)),
    }
}

async fn portal_upload(State(state): State<AppState>, Path(token): Path<String>, form: Multipart) -> Response {
    let access = match portal(&state, &token).await {
        Ok(access) => access,
        Err(refusal) => return refusal,
    };
    if !access.location.messaging_enabled {
        return refused(StatusCode::FORBIDDEN, "Messaging is turned off for this booking.");
    }
    let who = Uploader { booking_id: access.booking.id, location_id: access.location.id, side: SenderType::Customer };
    match upload::receive(&state.store, &state.blobs, who, form).await {
        Ok(file) => (StatusCode::CREATED, Json(file)).into_response(),
        Err(err) => err.into_response(),
    }
}

async fn portal_read(state: AppState, token: String, id: String, part: BlobPart) -> Response {
    let access = match portal(&state, &token).await {
        Ok(access) => access,
        Err(refusal) => return refusal,
    };
    let allowed = |f: &AttachmentRecord| f.booking_id == access.booking.id && f.readable_by(SenderType::Customer);
    match readable(&state, &id, allowed).await {
        Ok(file) => download::serve(&state.blobs, &file, part).await,
        Err(refusal) => refusal,
    }
}

async fn portal_file(State(state): State<AppState>, Path((token, id)): Path<(String, String)>) -> Response {
    portal_read(state, token, id, BlobPart::File).await
}

async fn portal_thumb(State(state): State<AppState>, Path((token, id)): Path<(String, String)>) -> Response {
    portal_read(state, token, id, BlobPart::Thumb).await
}

async fn staff_upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(thread_id): Path<String>,
    form: Multipart,
) -> Response {
    let session = match staff(&state, &headers).await {
        Ok(session) => session,
        Err(refusal) => return refusal,
    };
    let thread = match state.store.thread(&ThreadId::new(thread_id)).await {
        Ok(thread) if session.staff.reach().covers(&thread.location_id) => thread,
        Ok(_) | Err(app::store::StoreError::NotFound) => {
            return refused(StatusCode::NOT_FOUND, "No such conversation.")
        }
        Err(err) => return server_error(err),
    };
    let who = Uploader { booking_id: thread.id.booking(), location_id: thread.location_id, side: SenderType::Operator };
    match upload::receive(&state.store, &state.blobs, who, form).await {
        Ok(file) => (StatusCode::CREATED, Json(file)).into_response(),
        Err(err) => err.into_response(),
    }
}

async fn staff_read(state: AppState, headers: HeaderMap, id: String, part: BlobPart) -> Response {
    let session = match staff(&state, &headers).await {
        Ok(session) => session,
        Err(refusal) => return refusal,
    };
    let allowed =
        |f: &AttachmentRecord| session.staff.reach().covers(&f.location_id) && f.readable_by(SenderType::Operator);
    match readable(&state, &id, allowed).await {
        Ok(file) => download::serve(&state.blobs, &file, part).await,
        Err(refusal) => refusal,
    }
}

async fn staff_file(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    staff_read(state, headers, id, BlobPart::File).await
}

async fn staff_thumb(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    staff_read(state, headers, id, BlobPart::Thumb).await
}
