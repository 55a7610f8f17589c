//! Photos and files through the router: what is taken and what is refused (by the bytes, never the
//! name), what a stored photo keeps, who may read a file, and messages that carry files.

mod common;
#[path = "../src/files/test_photos.rs"]
mod photos;

use app::ids::AttachmentId;
use app::store::blobs::BlobPart;
use app::store::seed::DEMO_PORTAL_TOKEN;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::{app, call, call_ok};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

const ANA: &str = DEMO_PORTAL_TOKEN;
const BEN: &str = "demo-portal-ben-okafor-kayak";
const JON: (&str, &str) = ("jon@parley.demo", "demo-jon-2026"); // kayaks
const DESK: (&str, &str) = ("desk@parley.demo", "demo-desk-2026"); // escape rooms

/// A raw answer: status, headers and bytes.
async fn fetch(app: &Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    (parts.status, parts.headers, body.collect().await.unwrap().to_bytes().to_vec())
}

fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "parley-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &Router, path: &str, cookie: Option<&str>, name: &str, bytes: &[u8]) -> (StatusCode, Value) {
    let (content_type, body) = multipart(name, bytes);
    let mut request = Request::post(path)
        .header("host", "parley.test")
        .header("origin", "http://parley.test")
        .header(header::CONTENT_TYPE, content_type);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let (status, _, body) = fetch(app, request.body(Body::from(body)).unwrap()).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

async fn get(app: &Router, path: &str, cookie: Option<&str>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut request = Request::get(path).header("host", "parley.test");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    fetch(app, request.body(Body::empty()).unwrap()).await
}

async fn sign_in(app: &Router, (email, password): (&str, &str)) -> String {
    let form = [("email", email), ("password", password)];
    let request = common::server_fn_post("login").body(common::form(&form)).unwrap();
    let (_, headers, _) = fetch(app, request).await;
    headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned()
}

async fn ana_thread(store: &app::store::Store) -> String {
    store.portal_access(ANA).await.unwrap().unwrap().booking.id.to_string()
}

fn portal_files(token: &str) -> String {
    format!("/portal/{token}/files")
}

#[tokio::test]
async fn the_bytes_decide_what_is_taken_never_the_name() {
    let (app, _) = app(true).await;
    let taken = [
        ("IMG_2041.JPG", photos::phone_photo(64, 32), "image/jpeg", "IMG_2041.JPG"),
        ("screenshot.png", photos::png(20, 10), "image/jpeg", "screenshot.jpg"),
        ("sticker.webp", photos::webp(20, 10), "image/jpeg", "sticker.jpg"),
        // A GIF decodes with an alpha channel: kept as PNG.
        ("wave.gif", photos::gif(20, 10), "image/png", "wave.png"),
        ("waiver.pdf", photos::pdf(), "application/pdf", "waiver.pdf"),
        ("really-a-png.pdf", photos::png(20, 10), "image/jpeg", "really-a-png.jpg"),
        ("really-a-pdf.jpg", photos::pdf(), "application/pdf", "really-a-pdf.jpg"),
    ];
    for (name, bytes, stored_as, named) in taken {
        let (status, file) = upload(&app, &portal_files(ANA), None, name, &bytes).await;
        assert_eq!(status, StatusCode::CREATED, "{name}: {file}");
        assert_eq!((file["content_type"].as_str(), file["name"].as_str()), (Some(stored_as), Some(named)), "{name}");
    }
    let refused: [(&str, Vec<u8>, StatusCode, &str); 6] = [
        (
            "page.png",
            b"<!DOCTYPE html><script>alert(1)</script>".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "page.png cannot be sent",
        ),
        (
            "logo.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "logo.svg cannot be sent",
        ),
        (
            "notes.docx",
            b"PK\x03\x04word/document.xml".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "only photos (JPEG, PNG, WebP, GIF) and PDF",
        ),
        ("empty.jpg", Vec::new(), StatusCode::UNPROCESSABLE_ENTITY, "empty.jpg is empty."),
        (
            "huge.pdf",
            [photos::pdf(), vec![b' '; 11 * 1024 * 1024]].concat(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "huge.pdf is larger than 10 MB.",
        ),
        (
            "broken.jpg",
            b"\xFF\xD8\xFF\xE0 and then nothing".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "broken.jpg could not be read",
        ),
    ];
    for (name, bytes, status, says) in refused {
        let (got, answer) = upload(&app, &portal_files(ANA), None, name, &bytes).await;
        assert_eq!(got, status, "{name}: {answer}");
        assert!(answer["error"].as_str().unwrap_or_default().contains(says), "{name}: {answer}");
    }
    // Exactly 10 MB is taken.
    let limit = [photos::pdf(), vec![b' '; 10 * 1024 * 1024 - photos::pdf().len()]].concat();
    assert_eq!(upload(&app, &portal_files(ANA), None, "limit.pdf", &limit).await.0, StatusCode::CREATED);
}

#[tokio::test]
async fn a_stored_photo_is_upright_without_its_gps_position_and_has_a_thumbnail() {
    let (app, store) = app(true).await;
    let (status, file) = upload(&app, &portal_files(ANA), None, "parking.jpg", &photos::phone_photo(1600, 800)).await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    assert_eq!((file["width"].as_i64(), file["height"].as_i64()), (Some(800), Some(1600)), "turned upright");
    let (status, headers, stored) =
        get(&app, &format!("{}/{}", portal_files(ANA), file["id"].as_str().unwrap()), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!photos::has_exif(&stored), "no EXIF, so no GPS position, is kept");
    assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(headers[header::CONTENT_LENGTH].to_str().unwrap(), stored.len().to_string());
    let id = AttachmentId::new(file["id"].as_str().unwrap());
    let mut kept = store.attachment(&id).await.unwrap().unwrap();
    assert_eq!(kept.size as usize, stored.len());
    let (_, _, thumb) = get(&app, &format!("{}/{id}/thumb", portal_files(ANA)), None).await;
    let thumb = image::load_from_memory(&thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (240, 480));
    kept.content_type = "application/pdf".into();
    assert!(!kept.is_image());
}

#[tokio::test]
async fn who_may_read_a_file() {
    let (app, store) = app(true).await;
    let jon = sign_in(&app, JON).await;
    let desk = sign_in(&app, DESK).await;
    let (_, photo) = upload(&app, &portal_files(ANA), None, "sign.jpg", &photos::phone_photo(40, 40)).await;
    let id = photo["id"].as_str().unwrap().to_owned();
    let for_ana = format!("{}/{id}", portal_files(ANA));
    let for_staff = format!("/dashboard/files/{id}");

    // Unsent: only its uploader.
    assert_eq!(get(&app, &for_ana, None).await.0, StatusCode::OK);
    assert_eq!(get(&app, &for_staff, Some(&jon)).await.0, StatusCode::NOT_FOUND, "not sent yet");

    let client_id = uuid::Uuid::new_v4().to_string();
    let sent =
        call_ok(&app, "portal_send", &[("token", ANA), ("client_id", &client_id), ("body", ""), ("files[0]", &id)])
            .await;
    assert_eq!(sent["files"][0]["id"], id.as_str());
    assert_eq!(sent["body"], "");

    let (status, headers, _) = get(&app, &for_staff, Some(&jon)).await;
    assert_eq!(status, StatusCode::OK, "staff of the location");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::CACHE_CONTROL], "private, max-age=3600");
    assert!(headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("inline;"));
    for (who, path, cookie, status) in [
        ("no credentials", for_staff.as_str(), None, StatusCode::UNAUTHORIZED),
        ("a forged session", for_staff.as_str(), Some("parley_session=forged-0000000000"), StatusCode::UNAUTHORIZED),
        ("another location's staff", for_staff.as_str(), Some(desk.as_str()), StatusCode::NOT_FOUND),
        ("another booking's link", &format!("{}/{id}", portal_files(BEN)), None, StatusCode::NOT_FOUND),
        (
            "a link that opens nothing",
            &format!("{}/{id}", portal_files("no-such-link-000000000000")),
            None,
            StatusCode::NOT_FOUND,
        ),
        ("a guessed id", &format!("{}/{}", portal_files(ANA), "0".repeat(32)), None, StatusCode::NOT_FOUND),
    ] {
        assert_eq!(get(&app, path, cookie).await.0, status, "{who}");
    }

    // A revoked link and an ended session lose access at once.
    let booking = store.portal_access(ANA).await.unwrap().unwrap().booking;
    store.revoke_portal_links(&booking.id).await.unwrap();
    assert_eq!(get(&app, &for_ana, None).await.0, StatusCode::NOT_FOUND, "revoked link");
    let logout = common::server_fn_post("logout").header(header::COOKIE, &jon).body(Body::empty()).unwrap();
    fetch(&app, logout).await;
    assert_eq!(get(&app, &for_staff, Some(&jon)).await.0, StatusCode::UNAUTHORIZED, "ended session");
}

#[tokio::test]
async fn a_pdf_downloads_and_has_no_thumbnail_and_the_team_sends_files_too() {
    let (app, store) = app(true).await;
    let jon = sign_in(&app, JON).await;
    let thread = ana_thread(&store).await;
    let (status, pdf) =
        upload(&app, &format!("/dashboard/threads/{thread}/files"), Some(&jon), "Waiver 2026.pdf", &photos::pdf())
            .await;
    assert_eq!(status, StatusCode::CREATED, "{pdf}");
    let id = pdf["id"].as_str().unwrap();
    assert_eq!(get(&app, &format!("{}/{id}", portal_files(ANA)), None).await.0, StatusCode::NOT_FOUND, "unsent");

    let form = common::form(&[
        ("thread_id", thread.as_str()),
        ("client_id", &uuid::Uuid::new_v4().to_string()),
        ("body", "Please sign"),
        ("files[0]", id),
    ]);
    let reply = common::server_fn_post("thread_reply")
        .header("accept", "application/json")
        .header(header::COOKIE, &jon)
        .body(form)
        .unwrap();
    let (status, _, body) = fetch(&app, reply).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));

    let (status, headers, bytes) = get(&app, &format!("{}/{id}", portal_files(ANA)), None).await;
    assert_eq!((status, bytes), (StatusCode::OK, photos::pdf()));
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"Waiver 2026.pdf\"; filename*=UTF-8''Waiver%202026.pdf"
    );
    assert_eq!(get(&app, &format!("{}/{id}/thumb", portal_files(ANA)), None).await.0, StatusCode::NOT_FOUND);

    // Staff of another location cannot upload into this conversation.
    let desk = sign_in(&app, DESK).await;
    let (status, _) =
        upload(&app, &format!("/dashboard/threads/{thread}/files"), Some(&desk), "x.pdf", &photos::pdf()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = upload(&app, &format!("/dashboard/threads/{thread}/files"), None, "x.pdf", &photos::pdf()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_send_with_files_is_idempotent_and_refuses_what_it_may_not_carry() {
    let (app, store) = app(true).await;
    let (_, mine) = upload(&app, &portal_files(ANA), None, "a.jpg", &photos::phone_photo(30, 30)).await;
    let (_, bens) = upload(&app, &portal_files(BEN), None, "b.jpg", &photos::phone_photo(30, 30)).await;
    let (mine, bens) = (mine["id"].as_str().unwrap(), bens["id"].as_str().unwrap());
    let client_id = uuid::Uuid::new_v4().to_string();
    let send = [("token", ANA), ("client_id", client_id.as_str()), ("body", "The sign"), ("files[0]", mine)];
    let first = call_ok(&app, "portal_send", &send).await;
    let again = call_ok(&app, "portal_send", &send).await;
    assert_eq!(first, again, "a retried send returns the first message");
    let thread = store.thread(&app::ids::ThreadId::new(ana_thread(&store).await)).await.unwrap();
    assert_eq!(thread.preview, "The sign");

    let other = uuid::Uuid::new_v4().to_string();
    let (status, body) =
        call(&app, "portal_send", &[("token", ANA), ("client_id", &other), ("body", ""), ("files[0]", bens)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "another booking's file: {body}");
    assert!(body.contains("no longer available"), "{body}");
    let six: Vec<(String, String)> = (0..6).map(|i| (format!("files[{i}]"), mine.to_owned())).collect();
    let mut fields = vec![("token", ANA), ("client_id", other.as_str()), ("body", "x")];
    fields.extend(six.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let (status, body) = call(&app, "portal_send", &fields).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("at most 5 files"), "{body}");
}

#[tokio::test]
async fn uploads_never_sent_are_deleted_after_a_day() {
    use app::store::attachments::{new_attachment_id, NewAttachment};
    use app::store::blobs::{BlobError, Blobs};

    let (_, store) = app(true).await;
    let access = store.portal_access(ANA).await.unwrap().unwrap();
    let blobs = Blobs::in_memory();
    let now = chrono::Utc::now();
    let id = new_attachment_id();
    blobs.put(&id, BlobPart::File, photos::pdf()).await.unwrap();
    let new = NewAttachment {
        id: &id,
        booking_id: &access.booking.id,
        location_id: &access.location.id,
        uploaded_by: app::model::SenderType::Customer,
        name: "left.pdf",
        content_type: "application/pdf",
        size: photos::pdf().len() as i64,
        dimensions: None,
        at: now,
    };
    store.create_attachment(new).await.unwrap();

    assert_eq!(server::files::sweep::sweep_unsent(&store, &blobs, now + chrono::Duration::hours(23)).await.unwrap(), 0);
    assert!(blobs.get(&id, BlobPart::File).await.is_ok(), "kept for a day");
    assert_eq!(server::files::sweep::sweep_unsent(&store, &blobs, now + chrono::Duration::hours(25)).await.unwrap(), 1);
    assert!(store.attachment(&id).await.unwrap().is_none());
    assert!(matches!(blobs.get(&id, BlobPart::File).await, Err(BlobError::NotFound)));
}

#[tokio::test]
async fn an_upload_form_has_one_field_file_and_nothing_else() {
    let (app, _) = app(true).await;
    let boundary = "two-fields";
    let pdf = photos::pdf();
    for fields in [
        vec![("note", "hello".as_bytes()), ("file", &pdf[..])],
        vec![("file", &pdf[..]), ("note", "hello".as_bytes())],
        vec![("note", "hello".as_bytes())],
    ] {
        let mut body = Vec::new();
        for (name, bytes) in &fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.pdf\"\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let request = Request::post(portal_files(ANA))
            .header("host", "parley.test")
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap();
        let (status, _, answer) = fetch(&app, request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{}", String::from_utf8_lossy(&answer));
    }
}
