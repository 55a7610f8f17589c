//! Sending a stored file to someone allowed to read it: streamed, with the type decided at upload
//! (never HTML or SVG), as an attachment unless it is a photo, and cached only by their browser.

use app::store::attachments::AttachmentRecord;
use app::store::blobs::{BlobError, BlobPart, Blobs};
use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn serve(blobs: &Blobs, file: &AttachmentRecord, part: BlobPart) -> Response {
    if part == BlobPart::Thumb && !file.is_image() {
        return (StatusCode::NOT_FOUND, "no such file").into_response();
    }
    let read = match blobs.get(&file.id, part).await {
        Ok(read) => read,
        Err(BlobError::NotFound) => return (StatusCode::NOT_FOUND, "no such file").into_response(),
        Err(err) => {
            tracing::error!(error = %err, file = %file.id, "reading a stored file failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "the file could not be read").into_response();
        }
    };
    let disposition = if file.is_image() { "inline" } else { "attachment" };
    let mut response = Body::from_stream(read.stream).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(served_type(&file.content_type)));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(read.size));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    if let Ok(value) = HeaderValue::from_str(&content_disposition(disposition, &file.name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// Only the types Parley stores; anything else (a row from elsewhere) as bytes to download.
fn served_type(content_type: &str) -> &'static str {
    match content_type {
        "image/jpeg" => "image/jpeg",
        "image/png" => "image/png",
        "image/webp" => "image/webp",
        "image/gif" => "image/gif",
        "application/pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// `attachment; filename="waiver.pdf"; filename*=UTF-8''waiver.pdf`: an ASCII name for old
/// clients and the exact one (RFC 5987) for the rest.
fn content_disposition(disposition: &str, name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let exact: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{exact}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_safely_and_types_stay_in_the_list() {
        assert_eq!(
            content_disposition("attachment", "Waiver \"final\" é.pdf"),
            "attachment; filename=\"Waiver _final_ _.pdf\"; filename*=UTF-8''Waiver%20%22final%22%20%C3%A9.pdf"
        );
        assert_eq!(served_type("text/html"), "application/octet-stream");
        assert_eq!(served_type("image/svg+xml"), "application/octet-stream");
    }
}
