//! The `/api/v1` handlers. Each starts from the caller's key, so every id it is given is looked
//! up within that key's location: another location's thread answers 404.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;

use app::ids::{AttachmentId, BookingId, MessageId, ThreadId};
use app::model::SenderType;
use app::store::keyset::Position;
use app::store::messages::NewMessage;
use app::store::threads::ThreadRecord;
use app::text::validate_body;

use super::auth::ApiCaller;
use super::dto::{
    ApiAttachment, ApiMessage, ApiThread, FileUpload, ListParams, MessagesParams, NewMessageBody, NewThread, Page,
};
use super::error::{ApiError, ErrorBody};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::RestState;

const DEFAULT_LIMIT: usize = 50;

/// What a list request asks for: changes since a time, after a cursor, how many.
struct ListRequest {
    since: Option<chrono::DateTime<chrono::Utc>>,
    cursor: Option<Position>,
    limit: usize,
}

impl ListParams {
    fn parse(&self) -> Result<ListRequest, ApiError> {
        Ok(ListRequest {
            since: parse_since(self.updated_since.as_deref())?,
            cursor: parse_cursor(self.cursor.as_deref())?,
            limit: parse_limit(self.limit)?,
        })
    }
}

/// A page of items and the cursor after its last one.
fn page<R, T: From<R>>(rows: Vec<R>, next: Option<Position>) -> Json<Page<T>> {
    Json(Page { items: rows.into_iter().map(T::from).collect(), next_cursor: next.map(|c| c.encode()) })
}

fn parse_since(since: Option<&str>) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    since
        .map(|s| chrono::DateTime::parse_from_rfc3339(s).map(|t| t.to_utc()))
        .transpose()
        .map_err(|_| ApiError::bad_request("updated_since must be an RFC 3339 time, like 2026-11-22T10:00:00Z."))
}

fn parse_cursor(cursor: Option<&str>) -> Result<Option<Position>, ApiError> {
    cursor
        .map(|c| Position::decode(c).ok_or_else(|| ApiError::bad_request("cursor is not one this API gave out.")))
        .transpose()
}

pub(super) fn parse_limit(limit: Option<u8>) -> Result<usize, ApiError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n @ 1..=100) => Ok(usize::from(n)),
        Some(_) => Err(ApiError::bad_request("limit must be between 1 and 100.")),
    }
}

/// The caller's thread, or 404 (also for another location's).
async fn own_thread(state: &RestState, caller: &ApiCaller, id: String) -> Result<ThreadRecord, ApiError> {
    let thread = state.store.thread(&ThreadId::new(id)).await?;
    if thread.location_id != caller.location_id {
        return Err(ApiError::not_found());
    }
    Ok(thread)
}

/// The location's threads, in the order they last changed.
#[utoipa::path(get, path = "/threads", params(ListParams), tag = "threads",
    responses((status = 200, body = Page<ApiThread>), (status = 400, description = "A malformed parameter", body = ErrorBody), (status = 401, description = "No live API key", body = ErrorBody), (status = 429, description = "Too many requests for this key", body = ErrorBody)))]
pub async fn list_threads(
    State(state): State<RestState>,
    caller: ApiCaller,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Page<ApiThread>>, ApiError> {
    let ListRequest { since, cursor, limit } = params.parse()?;
    let (threads, next) = state.store.threads_changed(&caller.location_id, since, cursor.as_ref(), limit).await?;
    Ok(page(threads, next))
}

/// The booking's one thread, created if it has none (201) or returned as it is (200).
#[utoipa::path(post, path = "/threads", request_body = NewThread, tag = "threads",
    responses((status = 201, description = "The thread, created", body = ApiThread), (status = 200, description = "The booking's thread, which it already had", body = ApiThread), (status = 400, description = "A body that is not JSON, or a value the API refuses", body = ErrorBody), (status = 415, description = "The body is not sent as application/json", body = ErrorBody), (status = 422, description = "JSON without a required field, or with one of the wrong type", body = ErrorBody), (status = 401, description = "No live API key", body = ErrorBody), (status = 404, description = "No such thread or booking at this key's location", body = ErrorBody), (status = 429, description = "Too many requests for this key", body = ErrorBody)))]
pub async fn create_thread(
    State(state): State<RestState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<NewThread>,
) -> Result<(StatusCode, Json<ApiThread>), ApiError> {
    let booking = state.store.booking(&BookingId::new(body.booking_id)).await?;
    if booking.location_id != caller.location_id {
        return Err(ApiError::not_found());
    }
    let (thread, created) = state.store.get_or_create_thread(&booking.id, chrono::Utc::now()).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(thread.into())))
}

#[utoipa::path(get, path = "/threads/{id}", params(("id" = String, Path)), tag = "threads",
    responses((status = 200, body = ApiThread), (status = 401, description = "No live API key", body = ErrorBody), (status = 404, description = "No such thread or booking at this key's location", body = ErrorBody), (status = 429, description = "Too many requests for this key", body = ErrorBody)))]
pub async fn get_thread(
    State(state): State<RestState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ApiThread>, ApiError> {
    Ok(Json(own_thread(&state, &caller, id).await?.into()))
}

/// A thread's messages after a seq, oldest first.
#[utoipa::path(get, path = "/threads/{id}/messages", params(("id" = String, Path), MessagesParams), tag = "messages",
    responses((status = 200, body = Page<ApiMessage>), (status = 400, description = "A malformed parameter", body = ErrorBody), (status = 401, description = "No live API key", body = ErrorBody), (status = 404, description = "No such thread or booking at this key's location", body = ErrorBody), (status = 429, description = "Too many requests for this key", body = ErrorBody)))]
pub async fn list_thread_messages(
    State(state): State<RestState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<MessagesParams>,
) -> Result<Json<Page<ApiMessage>>, ApiError> {
    let thread = own_thread(&state, &caller, id).await?;
    let limit = parse_limit(params.limit)?;
    let after = match params.after_seq {
        Some(seq) if seq < 0 => return Err(ApiError::bad_request("after_seq must be 0 or more.")),
        seq => seq.unwrap_or(0),
    };
    let mut messages = state.store.messages_after(&thread.id, after, limit + 1).await?;
    let more = messages.len() > limit;
    messages.truncate(limit);
    let next_cursor = more.then(|| messages.last().map(|m| m.seq.to_string())).flatten();
    Ok(Json(Page { items: messages.into_iter().map(ApiMessage::from).collect(), next_cursor }))
}

/// An operator-side message from an integration: the same validation and idempotency as the UI.
#[utoipa::path(post, path = "/threads/{id}/messages", params(("id" = String, Path)), request_body = NewMessageBody, tag = "messages",
    responses((status = 201, description = "The message, stored", body = ApiMessage), (status = 200, description = "A retry: the message stored the first time", body = ApiMessage), (status = 400, description = "A body that is not JSON, or a value the API refuses", body = ErrorBody), (status = 415, description = "The body is not sent as application/json", body = ErrorBody), (status = 422, description = "JSON without a required field, or with one of the wrong type", body = ErrorBody), (status = 401, description = "No live API key", body = ErrorBody), (status = 404, description = "No such thread at this key's location, or an attachment id this thread cannot send (unknown, sent already, or another thread's)", body = ErrorBody), (status = 409, description = "The client_id was used for a different text or other attachments", body = ErrorBody), (status = 413, description = "The text is longer than 4000 characters", body = ErrorBody), (status = 429, description = "Too many requests for this key", body = ErrorBody)))]
pub async fn post_thread_message(
    State(state): State<RestState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<NewMessageBody>,
) -> Result<(StatusCode, Json<ApiMessage>), ApiError> {
    let thread = own_thread(&state, &caller, id).await?;
    if uuid::Uuid::parse_str(&body.client_id).is_err() {
        return Err(ApiError::bad_request("client_id must be a UUID."));
    }
    let text = validate_body(&body.text).map_err(|e| ApiError::from(app::store::StoreError::InvalidBody(e)))?;
    let sender_name = body.sender_name.as_deref().map(str::trim).filter(|n| !n.is_empty()).unwrap_or("Support");
    if sender_name.chars().count() > 80 {
        return Err(ApiError::bad_request("sender_name is at most 80 characters."));
    }
    let files: Vec<AttachmentId> = body.attachments.unwrap_or_default().into_iter().map(AttachmentId::new).collect();
    if files.len() > app::text::MAX_FILES {
        return Err(ApiError::bad_request("attachments holds at most 5 ids."));
    }
    for id in &files {
        // An id that names nothing this thread may send is not found, as another location's is.
        match state.store.attachment(id).await? {
            Some(file) if file.booking_id == thread.id.booking() && file.uploaded_by == SenderType::Operator => {}
            _ => return Err(ApiError::not_found()),
        }
    }
    let appended = state
        .store
        .append_message(NewMessage {
            thread_id: &thread.id,
            sender_type: SenderType::Operator,
            staff_id: None,
            sender_name,
            body: &text,
            client_id: &body.client_id,
            files: &files,
            at: chrono::Utc::now(),
        })
        .await?;
    let same_files = appended.message.files.iter().map(|f| &f.id).eq(files.iter());
    if !appended.created && (appended.message.body != text || !same_files) {
        return Err(ApiError::conflict("This client_id was already used for a different message."));
    }
    let status = if appended.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(appended.message.into())))
}

/// All of the location's messages in creation order (for syncing).
#[utoipa::path(get, path = "/messages", params(ListParams), tag = "messages",
    responses((status = 200, body = Page<ApiMessage>), (status = 400, description = "A malformed parameter", body = ErrorBody), (status = 401, description = "No live API key", body = ErrorBody), (status = 429, description = "Too many requests for this key", body = ErrorBody)))]
pub async fn list_messages(
    State(state): State<RestState>,
    caller: ApiCaller,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Page<ApiMessage>>, ApiError> {
    let ListRequest { since, cursor, limit } = params.parse()?;
    let (messages, next) = state.store.messages_changed(&caller.location_id, since, cursor.as_ref(), limit).await?;
    Ok(page(messages, next))
}

/// Uploads a photo or a PDF to send with a message of this thread (its id goes in `attachments`).
/// Not sent within a day, it is deleted.
#[utoipa::path(post, path = "/threads/{id}/files", params(("id" = String, Path)), tag = "files",
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    responses((status = 201, description = "The file, stored", body = ApiAttachment), (status = 400, description = "No `file` field in a multipart form", body = ErrorBody), (status = 401, description = "No live API key", body = ErrorBody), (status = 404, description = "No such thread at this key's location", body = ErrorBody), (status = 413, description = "The file is larger than 10 MB", body = ErrorBody), (status = 415, description = "Not a multipart form, or a file that is not a JPEG, PNG, WebP, GIF or PDF by its bytes", body = ErrorBody), (status = 422, description = "An empty file, or a picture that cannot be read", body = ErrorBody), (status = 429, description = "Too many requests for this key", body = ErrorBody)))]
pub async fn upload_file(
    State(state): State<RestState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<ApiAttachment>), ApiError> {
    use crate::files::upload::{receive, Uploader};

    let thread = own_thread(&state, &caller, id).await?;
    let form = form.map_err(|_| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the file as multipart/form-data.",
        )
    })?;
    let who = Uploader { booking_id: thread.id.booking(), location_id: thread.location_id, side: SenderType::Operator };
    let file = receive(&state.store, &state.blobs, who, form).await.map_err(|err| {
        let code = match err.status() {
            StatusCode::PAYLOAD_TOO_LARGE => "too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::UNPROCESSABLE_ENTITY => "unprocessable",
            StatusCode::BAD_REQUEST => "bad_request",
            _ => "server_error",
        };
        ApiError::new(err.status(), code, err.message())
    })?;
    let attachment =
        ApiAttachment::new(file.id.into(), file.name, file.content_type, file.size, (file.width, file.height));
    Ok((StatusCode::CREATED, Json(attachment)))
}

/// A file of this location's conversations (sent ones, and the team's own uploads).
#[utoipa::path(get, path = "/files/{id}", params(("id" = String, Path)), tag = "files",
    responses((status = 200, description = "The file's bytes, with the type read from them at upload", content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"), (Vec<u8> = "image/gif"), (Vec<u8> = "application/pdf"))), (status = 401, description = "No live API key", body = ErrorBody), (status = 404, description = "No such file at this key's location", body = ErrorBody), (status = 429, description = "Too many requests for this key", body = ErrorBody)))]
pub async fn get_file(
    State(state): State<RestState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    match state.store.attachment(&AttachmentId::new(id)).await? {
        Some(file) if file.location_id == caller.location_id && file.readable_by(SenderType::Operator) => {
            Ok(crate::files::download::serve(&state.blobs, &file, app::store::blobs::BlobPart::File).await)
        }
        _ => Err(ApiError::not_found()),
    }
}

/// Unsends a message of the thread (either side's): it stays in place with its text and files
/// erased, `deleted_at` set; `message.deleted` goes out. Unsending it again answers the same.
#[utoipa::path(delete, path = "/threads/{id}/messages/{message_id}", params(("id" = String, Path), ("message_id" = String, Path)), tag = "messages",
    responses((status = 200, description = "The message, unsent", body = ApiMessage), (status = 401, description = "No live API key", body = ErrorBody), (status = 404, description = "No such thread at this key's location, or no such message in it", body = ErrorBody), (status = 429, description = "Too many requests for this key", body = ErrorBody)))]
pub async fn delete_thread_message(
    State(state): State<RestState>,
    caller: ApiCaller,
    ApiPath((id, message_id)): ApiPath<(String, String)>,
) -> Result<Json<ApiMessage>, ApiError> {
    use app::store::unsend::Unsender;

    let thread = own_thread(&state, &caller, id).await?;
    let unsent = state
        .store
        .unsend_message(&thread.id, &MessageId::new(message_id), Unsender::Staff, chrono::Utc::now())
        .await?;
    for file in &unsent.erased_files {
        if let Err(err) = state.blobs.delete(file).await {
            tracing::warn!(error = %err, %file, "an unsent message's file stays in storage");
        }
    }
    Ok(Json(unsent.message.into()))
}
