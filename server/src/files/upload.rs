//! Receiving a file: streamed to a temporary file with its size counted, its type decided from its
//! first bytes, a photo cleaned (picture.rs), then stored and recorded. A refused file leaves
//! nothing behind, and the answer names the file and says why.

use std::path::PathBuf;
use std::sync::LazyLock;

use app::ids::{BookingId, LocationId};
use app::model::{FileView, SenderType};
use app::store::attachments::{new_attachment_id, NewAttachment};
use app::store::blobs::{BlobPart, Blobs};
use app::store::Store;
use axum::extract::multipart::{Field, Multipart, MultipartError};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use tokio::io::AsyncWriteExt;
use tokio::sync::Semaphore;

use super::picture::clean_picture;
use super::sniff::FileKind;

/// The largest file taken: 10 MB.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// Photos are decoded a few at a time, so ten large uploads at once cannot take all the memory.
static PICTURE_WORK: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));

/// Who uploads, and for which booking's conversation.
pub struct Uploader {
    pub booking_id: BookingId,
    pub location_id: LocationId,
    pub side: SenderType,
}

/// Why a file was refused, in words the person can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum UploadError {
    NoFile,
    /// A form field beside `file`.
    OtherField,
    Empty(String),
    TooLarge(String),
    NotAccepted(String),
    Unreadable(String),
    Failed,
}

impl UploadError {
    pub fn status(&self) -> StatusCode {
        match self {
            UploadError::NoFile | UploadError::OtherField => StatusCode::BAD_REQUEST,
            UploadError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            UploadError::NotAccepted(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            // A file of a type it may be, but whose content cannot be kept.
            UploadError::Empty(_) | UploadError::Unreadable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            UploadError::Failed => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn message(&self) -> String {
        match self {
            UploadError::NoFile => "Choose a file to send.".to_owned(),
            UploadError::OtherField => "The form takes one field, file, and nothing else.".to_owned(),
            UploadError::Empty(name) => format!("{name} is empty."),
            UploadError::TooLarge(name) => format!("{name} is larger than 10 MB."),
            UploadError::NotAccepted(name) => {
                format!("{name} cannot be sent: only photos (JPEG, PNG, WebP, GIF) and PDF files can.")
            }
            UploadError::Unreadable(name) => format!("{name} could not be read as a picture."),
            UploadError::Failed => "The file could not be stored. Please try again.".to_owned(),
        }
    }
}

impl IntoResponse for UploadError {
    fn into_response(self) -> Response {
        (self.status(), Json(serde_json::json!({ "error": self.message() }))).into_response()
    }
}

/// A temporary file, removed when dropped.
struct Spool(PathBuf);

impl Spool {
    fn new() -> Spool {
        Spool(std::env::temp_dir().join(format!("parley-upload-{}", uuid::Uuid::new_v4())))
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Takes the form's `file` field and stores it for `who`.
pub async fn receive(
    store: &Store,
    blobs: &Blobs,
    who: Uploader,
    mut form: Multipart,
) -> Result<FileView, UploadError> {
    let field = match form.next_field().await {
        Ok(Some(field)) if field.name() == Some("file") => field,
        Ok(Some(_)) => return Err(UploadError::OtherField),
        Ok(None) => return Err(UploadError::NoFile),
        Err(err) => return Err(refused_body(err, "The file")),
    };
    let name = clean_name(field.file_name().unwrap_or_default());
    let spool = Spool::new();
    let (size, head) = spool_field(field, &spool, &name).await?;
    match form.next_field().await {
        Ok(None) => {}
        Ok(Some(_)) => return Err(UploadError::OtherField),
        Err(err) => return Err(refused_body(err, &name)),
    }
    if size == 0 {
        return Err(UploadError::Empty(name));
    }
    let kind = FileKind::sniff(&head).ok_or_else(|| UploadError::NotAccepted(name.clone()))?;

    let id = new_attachment_id();
    let failed = |err: &dyn std::fmt::Display| {
        tracing::error!(error = %err, "storing an upload failed");
        UploadError::Failed
    };
    let (content_type, dimensions, stored) = if kind.is_image() {
        let picture = {
            // The original is read only once it is this photo's turn, so waiting photos hold no memory.
            let _turn = PICTURE_WORK.acquire().await.map_err(|e| failed(&e))?;
            let original = tokio::fs::read(&spool.0).await.map_err(|e| failed(&e))?;
            tokio::task::spawn_blocking(move || clean_picture(&original)).await.map_err(|e| failed(&e))?
        };
        let picture = picture.map_err(|_| UploadError::Unreadable(name.clone()))?;
        let stored = picture.bytes.len();
        blobs.put(&id, BlobPart::File, picture.bytes).await.map_err(|e| failed(&e))?;
        blobs.put(&id, BlobPart::Thumb, picture.thumb).await.map_err(|e| failed(&e))?;
        (picture.content_type, Some((picture.width, picture.height)), stored)
    } else {
        blobs.put_from_disk(&id, BlobPart::File, &spool.0).await.map_err(|e| failed(&e))?;
        (kind.content_type(), None, size)
    };
    let name = named_as(&name, content_type);
    let new = NewAttachment {
        id: &id,
        booking_id: &who.booking_id,
        location_id: &who.location_id,
        uploaded_by: who.side,
        name: &name,
        content_type,
        size: stored as i64,
        dimensions,
        at: chrono::Utc::now(),
    };
    let record = match store.create_attachment(new).await {
        Ok(record) => record,
        Err(err) => {
            let _ = blobs.delete(&id).await;
            return Err(failed(&err));
        }
    };
    Ok(FileView {
        id: record.id,
        name: record.name,
        content_type: record.content_type,
        size: record.size,
        width: record.width,
        height: record.height,
    })
}

/// Writes the field to the spool, counting; returns its size and first bytes.
async fn spool_field(mut field: Field<'_>, spool: &Spool, name: &str) -> Result<(usize, Vec<u8>), UploadError> {
    let mut file = tokio::fs::File::create(&spool.0).await.map_err(|_| UploadError::Failed)?;
    let (mut size, mut head) = (0usize, Vec::with_capacity(FileKind::HEADER));
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(err) => return Err(refused_body(err, name)),
        };
        size += chunk.len();
        if size > MAX_FILE_BYTES {
            return Err(UploadError::TooLarge(name.to_owned()));
        }
        let wanted = FileKind::HEADER.saturating_sub(head.len()).min(chunk.len());
        head.extend_from_slice(&chunk[..wanted]);
        file.write_all(&chunk).await.map_err(|_| UploadError::Failed)?;
    }
    file.flush().await.map_err(|_| UploadError::Failed)?;
    Ok((size, head))
}

/// A body the server stopped reading: too large, or not a form it understands.
fn refused_body(err: MultipartError, name: &str) -> UploadError {
    match err.status() {
        StatusCode::PAYLOAD_TOO_LARGE => UploadError::TooLarge(name.to_owned()),
        _ => UploadError::NoFile,
    }
}

/// The file's own name without any folder, control characters or excess length.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    match cleaned.trim() {
        "" => "file".to_owned(),
        name => name.to_owned(),
    }
}

/// A photo stored as another type than it came as gets that type's extension.
fn named_as(name: &str, content_type: &str) -> String {
    let extension = match content_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => return name.to_owned(),
    };
    let stem = match name.rsplit_once('.') {
        Some((_, ext)) if extension == "jpg" && matches!(ext.to_ascii_lowercase().as_str(), "jpg" | "jpeg") => {
            return name.to_owned()
        }
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    };
    format!("{stem}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_folders_and_photos_get_their_stored_type() {
        assert_eq!(clean_name("C:\\Users\\ana\\IMG_1.JPG"), "IMG_1.JPG");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\nc.pdf"), "abc.pdf");
        assert_eq!(clean_name("   "), "file");
        assert_eq!(named_as("IMG_1.JPG", "image/jpeg"), "IMG_1.JPG");
        assert_eq!(named_as("sign.webp", "image/jpeg"), "sign.jpg");
        assert_eq!(named_as("logo.gif", "image/png"), "logo.png");
        assert_eq!(named_as("waiver.pdf", "application/pdf"), "waiver.pdf");
        assert_eq!(named_as("photo", "image/jpeg"), "photo.jpg");
    }
}
