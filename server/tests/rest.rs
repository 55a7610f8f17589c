//! The REST API through the router: every endpoint's happy path, a bad key, another location's
//! key, bad input and idempotent retries; the error shape; the OpenAPI document.

mod common;

use app::ids::ThreadId;
use app::store::seed::DEMO_PORTAL_TOKEN;
use app::store::Store;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};

struct Fixture {
    app: Router,
    store: Store,
    /// A key of the kayak location, which Ana's booking and thread belong to.
    key: String,
    /// A key of the escape-room location.
    other_key: String,
    thread: ThreadId,
}

async fn fixture() -> Fixture {
    let (app, store) = common::app(true).await;
    let ana = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap();
    let chloe = store.portal_access("demo-portal-chloe-martin-escape").await.unwrap().unwrap();
    let (_, key) = store.create_api_key(&ana.location.id, "CRM").await.unwrap();
    let (_, other_key) = store.create_api_key(&chloe.location.id, "Other").await.unwrap();
    Fixture { app, store, key, other_key, thread: ThreadId::of(&ana.booking.id) }
}

async fn request(
    app: &Router,
    method: Method,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(key) = key {
        builder = builder.header("authorization", format!("Bearer {key}"));
    }
    let body = match body {
        Some(json) => {
            builder = builder.header("content-type", "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let (status, text) = common::send(app, builder.body(body).unwrap()).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn assert_error(answer: &(StatusCode, Value), status: StatusCode, code: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert_eq!(answer.1["error"]["code"], code, "{}", answer.1);
    assert!(answer.1["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[tokio::test]
async fn no_key_or_a_bad_key_is_401_everywhere() {
    let f = fixture().await;
    let t = &f.thread;
    let endpoints = [
        (Method::GET, "/api/v1/threads".to_owned(), None),
        (Method::POST, "/api/v1/threads".to_owned(), Some(json!({ "booking_id": t }))),
        (Method::GET, format!("/api/v1/threads/{t}"), None),
        (Method::GET, format!("/api/v1/threads/{t}/messages"), None),
        (Method::POST, format!("/api/v1/threads/{t}/messages"), Some(json!({ "text": "hi", "client_id": uuid() }))),
        (Method::GET, "/api/v1/messages".to_owned(), None),
    ];
    for (method, path, body) in endpoints {
        for key in [None, Some("pk_not-a-real-key"), Some("Basic abc")] {
            let answer = request(&f.app, method.clone(), &path, key, body.clone()).await;
            assert_error(&answer, StatusCode::UNAUTHORIZED, "unauthorized");
        }
    }
    let thread = f.store.thread(t).await.unwrap();
    assert_eq!(thread.last_seq, 5, "nothing was written");
}

#[tokio::test]
async fn another_locations_key_sees_nothing_of_this_one() {
    let f = fixture().await;
    let t = &f.thread;
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/threads/{t}"), None),
        (Method::GET, format!("/api/v1/threads/{t}/messages"), None),
        (
            Method::POST,
            format!("/api/v1/threads/{t}/messages"),
            Some(json!({ "text": "not mine", "client_id": uuid() })),
        ),
        (Method::POST, "/api/v1/threads".to_owned(), Some(json!({ "booking_id": t }))),
    ] {
        let answer = request(&f.app, method, &path, Some(&f.other_key), body).await;
        assert_error(&answer, StatusCode::NOT_FOUND, "not_found");
    }
    let (status, list) = request(&f.app, Method::GET, "/api/v1/messages", Some(&f.other_key), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list["items"].as_array().unwrap().iter().all(|m| m["thread_id"] != t.as_str()));
    assert_eq!(f.store.thread(t).await.unwrap().last_seq, 5, "nothing was written");
}

#[tokio::test]
async fn threads_list_pages_and_reads() {
    let f = fixture().await;
    let (status, page) = request(&f.app, Method::GET, "/api/v1/threads?limit=2", Some(&f.key), None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let cursor = page["next_cursor"].as_str().expect("a next page").to_owned();
    let (_, rest) =
        request(&f.app, Method::GET, &format!("/api/v1/threads?limit=2&cursor={cursor}"), Some(&f.key), None).await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert!(rest["next_cursor"].is_null());

    let (status, thread) =
        request(&f.app, Method::GET, &format!("/api/v1/threads/{}", f.thread), Some(&f.key), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((thread["last_seq"].as_i64(), thread["unread_for_operator"].as_i64()), (Some(5), Some(1)));

    let (_, recent) =
        request(&f.app, Method::GET, "/api/v1/threads?updated_since=2999-01-01T00:00:00Z", Some(&f.key), None).await;
    assert_eq!(recent["items"].as_array().unwrap().len(), 0);
    for bad in [
        "/api/v1/threads?limit=0",
        "/api/v1/threads?limit=101",
        "/api/v1/threads?cursor=garbage",
        "/api/v1/threads?updated_since=yesterday",
    ] {
        assert_error(
            &request(&f.app, Method::GET, bad, Some(&f.key), None).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        );
    }
    assert_error(
        &request(&f.app, Method::GET, "/api/v1/threads/no-such", Some(&f.key), None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn a_bookings_thread_is_created_once() {
    let f = fixture().await;
    let booking = f.store.portal_access("demo-portal-lena-fischer-kayak").await.unwrap().unwrap().booking.id;
    let (status, first) =
        request(&f.app, Method::POST, "/api/v1/threads", Some(&f.key), Some(json!({ "booking_id": booking }))).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, again) =
        request(&f.app, Method::POST, "/api/v1/threads", Some(&f.key), Some(json!({ "booking_id": booking }))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["id"], again["id"]);
    assert_error(
        &request(&f.app, Method::POST, "/api/v1/threads", Some(&f.key), Some(json!({ "booking_id": "nope" }))).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let missing = request(&f.app, Method::POST, "/api/v1/threads", Some(&f.key), Some(json!({ "booking": 1 }))).await;
    assert_error(&missing, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
}

#[tokio::test]
async fn integration_messages_validate_and_are_idempotent() {
    let f = fixture().await;
    let path = format!("/api/v1/threads/{}/messages", f.thread);
    let id = uuid();
    let body = json!({ "text": "  Parking is free after 5pm.  ", "client_id": id, "sender_name": "Front desk bot" });
    let (status, first) = request(&f.app, Method::POST, &path, Some(&f.key), Some(body.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(
        (first["text"].as_str(), first["sender_type"].as_i64(), first["sender_name"].as_str()),
        (Some("Parking is free after 5pm."), Some(1), Some("Front desk bot"))
    );
    let (status, again) = request(&f.app, Method::POST, &path, Some(&f.key), Some(body)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], first["id"]);
    let conflict =
        request(&f.app, Method::POST, &path, Some(&f.key), Some(json!({ "text": "something else", "client_id": id })))
            .await;
    assert_error(&conflict, StatusCode::CONFLICT, "conflict");
    assert_error(
        &request(&f.app, Method::POST, &path, Some(&f.key), Some(json!({ "text": "   ", "client_id": uuid() }))).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_error(
        &request(
            &f.app,
            Method::POST,
            &path,
            Some(&f.key),
            Some(json!({ "text": "x".repeat(4001), "client_id": uuid() })),
        )
        .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
    );
    assert_error(
        &request(&f.app, Method::POST, &path, Some(&f.key), Some(json!({ "text": "hi", "client_id": "one" }))).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );

    let (status, page) = request(&f.app, Method::GET, &format!("{path}?after_seq=5"), Some(&f.key), None).await;
    assert_eq!(status, StatusCode::OK);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "stored once");
    assert_eq!(items[0]["seq"], 6);
    let thread = f.store.thread(&f.thread).await.unwrap();
    assert_eq!((thread.unread_for_customer, thread.preview.as_str()), (1, "Parking is free after 5pm."));
}

#[tokio::test]
async fn all_messages_in_creation_order_with_a_cursor() {
    let f = fixture().await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/messages?limit=4".to_owned();
    loop {
        let (status, page) = request(&f.app, Method::GET, &path, Some(&f.key), None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        seen.extend(page["items"].as_array().unwrap().iter().map(|m| m["created_at"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/messages?limit=4&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 11);
    assert!(seen.windows(2).all(|w| w[0] <= w[1]));
}

#[tokio::test]
async fn too_many_requests_are_refused_with_429() {
    let f = fixture().await;
    let mut limited = 0;
    for _ in 0..80 {
        let (status, body) = request(&f.app, Method::GET, "/api/v1/threads?limit=1", Some(&f.key), None).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(body["error"]["code"], "rate_limited");
            limited += 1;
        }
    }
    assert!(limited > 0, "a burst beyond the limit is refused");
    let (status, _) = request(&f.app, Method::GET, "/api/v1/threads?limit=1", Some(&f.other_key), None).await;
    assert_eq!(status, StatusCode::OK, "other keys are not affected");
}

#[tokio::test]
async fn the_openapi_document_matches_the_routes() {
    let f = fixture().await;
    let (status, doc) = request(&f.app, Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.to_uppercase(), path.clone()));
        }
    }
    documented.sort();
    let expected = [
        ("DELETE", "/api/v1/threads/{id}/messages/{message_id}"),
        ("GET", "/api/v1/broadcasts"),
        ("GET", "/api/v1/broadcasts/{id}"),
        ("GET", "/api/v1/files/{id}"),
        ("GET", "/api/v1/messages"),
        ("GET", "/api/v1/threads"),
        ("GET", "/api/v1/threads/{id}"),
        ("GET", "/api/v1/threads/{id}/messages"),
        ("POST", "/api/v1/threads"),
        ("POST", "/api/v1/threads/{id}/files"),
        ("POST", "/api/v1/threads/{id}/messages"),
    ];
    assert_eq!(documented, expected.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect::<Vec<_>>());
    // Every documented operation is served (not 404/405 for a valid key), and nothing else is.
    let (_, file) = upload(&f.app, &format!("/api/v1/threads/{}/files", f.thread), &f.key, "probe.pdf", PDF).await;
    let booking = f.thread.booking();
    let thread = f.store.thread(&f.thread).await.unwrap();
    let broadcast = f
        .store
        .create_broadcast(app::store::broadcasts::NewBroadcast {
            location_id: &thread.location_id,
            staff_id: &app::ids::StaffId::new("probe"),
            sender_name: "Probe",
            activity: "Probe",
            starts_at: chrono::Utc::now(),
            body: "probe",
            booking_ids: std::slice::from_ref(&booking),
            client_id: "probe",
            at: chrono::Utc::now(),
        })
        .await
        .unwrap();
    for (method, path) in &documented {
        let id = match path {
            p if p.starts_with("/api/v1/files/") => file["id"].as_str().unwrap(),
            p if p.starts_with("/api/v1/broadcasts/") => broadcast.id.as_str(),
            _ => f.thread.as_str(),
        };
        let first = f.store.messages_after(&f.thread, 0, 1).await.unwrap()[0].id.to_string();
        let path = path.replace("{id}", id).replace("{message_id}", &first);
        let body = (method == "POST").then(|| json!({ "booking_id": f.thread, "text": "probe", "client_id": uuid() }));
        let (status, _) = request(&f.app, method.parse().unwrap(), &path, Some(&f.key), body).await;
        assert!(
            status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}: {status}"
        );
    }
    let (status, _) =
        request(&f.app, Method::DELETE, &format!("/api/v1/threads/{}", f.thread), Some(&f.key), None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(doc["components"]["securitySchemes"]["api_key"].is_object());
    assert_error(
        &request(&f.app, Method::GET, "/api/v1/bookings", Some(&f.key), None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

/// What axum refuses before a handler runs answers in the API's one error shape too.
#[tokio::test]
async fn malformed_requests_get_the_one_error_shape() {
    let f = fixture().await;
    let raw = |method: Method, path: String, content_type: Option<&str>, body: &str| {
        let mut builder =
            Request::builder().method(method).uri(path).header("authorization", format!("Bearer {}", f.key));
        if let Some(content_type) = content_type {
            builder = builder.header("content-type", content_type);
        }
        let request = builder.body(Body::from(body.to_owned())).unwrap();
        let app = f.app.clone();
        async move {
            let response = tower::ServiceExt::oneshot(app, request).await.unwrap();
            let (status, headers) = (response.status(), response.headers().clone());
            let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
            (status, headers, serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null))
        }
    };
    let messages = format!("/api/v1/threads/{}/messages", f.thread);
    let (json, text) = (Some("application/json"), Some("text/plain"));
    let (bad, media, invalid) =
        (StatusCode::BAD_REQUEST, StatusCode::UNSUPPORTED_MEDIA_TYPE, StatusCode::UNPROCESSABLE_ENTITY);
    let only_text = r#"{"text":"hi"}"#;
    for (method, path, content_type, body, status, code) in [
        (Method::POST, messages.clone(), json, "{not json", bad, "malformed_json"),
        (Method::POST, messages.clone(), text, only_text, media, "unsupported_media_type"),
        (Method::POST, messages.clone(), None, only_text, media, "unsupported_media_type"),
        (Method::POST, messages.clone(), json, only_text, invalid, "invalid_body"),
        (Method::POST, messages.clone(), json, r#"{"text":5,"client_id":"x"}"#, invalid, "invalid_body"),
        (Method::GET, format!("{messages}?after_seq=-1"), None, "", bad, "bad_request"),
        (Method::GET, format!("{messages}?after_seq=abc"), None, "", bad, "bad_request"),
        (Method::GET, "/api/v1/threads?limit=-3".to_owned(), None, "", bad, "bad_request"),
        (Method::GET, "/api/v1/threads?limit=0".to_owned(), None, "", bad, "bad_request"),
        (Method::DELETE, messages.clone(), None, "", StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
    ] {
        let (got, headers, answer) = raw(method.clone(), path.clone(), content_type, body).await;
        assert_eq!(got, status, "{method} {path} {body}: {answer}");
        assert_eq!(headers["content-type"], "application/json", "{method} {path}");
        assert_eq!(answer["error"]["code"], code, "{method} {path} {body}: {answer}");
        assert!(answer["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        if got == StatusCode::METHOD_NOT_ALLOWED {
            assert_eq!(headers["allow"], "GET,HEAD,POST", "{method} {path}");
        }
    }
}

#[tokio::test]
async fn the_document_says_what_the_handlers_take_and_answer() {
    let f = fixture().await;
    let (_, doc) = request(&f.app, Method::GET, "/api/v1/openapi.json", None, None).await;
    let post = &doc["paths"]["/api/v1/threads/{id}/messages"]["post"];
    for status in ["200", "201", "400", "401", "404", "409", "413", "415", "422", "429"] {
        assert!(post["responses"][status].is_object(), "POST messages documents {status}");
    }
    let body = &doc["components"]["schemas"]["NewMessageBody"]["properties"];
    assert_eq!(body["client_id"]["format"], "uuid");
    assert_eq!((body["text"]["minLength"].as_i64(), body["text"]["maxLength"].as_i64()), (Some(1), Some(4000)));
    let params = doc["paths"]["/api/v1/threads"]["get"]["parameters"].as_array().unwrap();
    let limit = params.iter().find(|p| p["name"] == "limit").unwrap();
    assert_eq!((limit["schema"]["minimum"].as_i64(), limit["schema"]["maximum"].as_i64()), (Some(1), Some(100)));
    for path in ["/api/v1/threads", "/api/v1/messages"] {
        assert!(doc["paths"][path]["get"]["responses"]["429"].is_object(), "{path} documents 429");
    }
}

/// A multipart upload of one file with an API key.
async fn upload(app: &Router, path: &str, key: &str, name: &str, bytes: &[u8]) -> (StatusCode, Value) {
    let boundary = "rest-boundary";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n")
            .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::post(path)
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let (status, text) = common::send(app, request).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

#[tokio::test]
async fn an_integration_uploads_a_file_sends_it_and_downloads_it() {
    let f = fixture().await;
    let files = format!("/api/v1/threads/{}/files", f.thread);
    let (status, file) = upload(&f.app, &files, &f.key, "route.pdf", PDF).await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    let id = file["id"].as_str().unwrap().to_owned();
    assert_eq!(file["content_type"], "application/pdf");
    assert_eq!(file["url"], format!("/api/v1/files/{id}"));

    let post = format!("/api/v1/threads/{}/messages", f.thread);
    let client_id = uuid();
    let body = json!({ "text": "The route", "client_id": client_id, "attachments": [id] });
    let (status, message) = request(&f.app, Method::POST, &post, Some(&f.key), Some(body.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{message}");
    assert_eq!(message["attachments"][0]["id"], id.as_str());
    assert_eq!(message["attachments"][0]["name"], "route.pdf");
    let (status, again) = request(&f.app, Method::POST, &post, Some(&f.key), Some(body)).await;
    assert_eq!((status, &again), (StatusCode::OK, &message), "a retry returns the first message");
    let other_files = json!({ "text": "The route", "client_id": client_id, "attachments": [] });
    assert_error(
        &request(&f.app, Method::POST, &post, Some(&f.key), Some(other_files)).await,
        StatusCode::CONFLICT,
        "conflict",
    );

    let (_, page) = request(&f.app, Method::GET, &format!("{post}?after_seq=0&limit=100"), Some(&f.key), None).await;
    let listed = page["items"].as_array().unwrap().iter().find(|m| m["id"] == message["id"]).unwrap();
    assert_eq!(listed["attachments"], message["attachments"]);

    let download = Request::get(format!("/api/v1/files/{id}")).header("authorization", format!("Bearer {}", f.key));
    let (status, bytes) = common::send(&f.app, download.body(Body::empty()).unwrap()).await;
    assert_eq!((status, bytes.as_bytes()), (StatusCode::OK, PDF));
    let theirs = request(&f.app, Method::GET, &format!("/api/v1/files/{id}"), Some(&f.other_key), None).await;
    assert_error(&theirs, StatusCode::NOT_FOUND, "not_found");
    assert_error(
        &request(&f.app, Method::GET, &format!("/api/v1/files/{id}"), None, None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
}

#[tokio::test]
async fn file_uploads_and_sends_refuse_what_they_cannot_take() {
    let f = fixture().await;
    let files = format!("/api/v1/threads/{}/files", f.thread);
    assert_error(
        &upload(&f.app, &files, &f.key, "page.pdf", b"<html>").await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    assert_error(
        &upload(&f.app, &files, &f.key, "empty.pdf", b"").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable",
    );
    assert_error(&upload(&f.app, &files, &f.other_key, "x.pdf", PDF).await, StatusCode::NOT_FOUND, "not_found");
    let not_a_form = request(&f.app, Method::POST, &files, Some(&f.key), Some(json!({ "file": "x" }))).await;
    assert_error(&not_a_form, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");

    // A customer's unsent upload is not the integration's to send; an unknown id neither.
    let portal = format!("/portal/{DEMO_PORTAL_TOKEN}/files");
    let boundary = "b";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.pdf\"\r\n\r\n")
        .into_bytes();
    body.extend_from_slice(PDF);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let customers = Request::post(&portal)
        .header("host", "parley.test")
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let (_, customers) = common::send(&f.app, customers).await;
    let customers: Value = serde_json::from_str(&customers).unwrap();
    let post = format!("/api/v1/threads/{}/messages", f.thread);
    for id in [customers["id"].as_str().unwrap(), "0123456789abcdef0123456789abcdef"] {
        let body = json!({ "text": "x", "client_id": uuid(), "attachments": [id] });
        assert_error(
            &request(&f.app, Method::POST, &post, Some(&f.key), Some(body)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
    let customer_file = request(
        &f.app,
        Method::GET,
        &format!("/api/v1/files/{}", customers["id"].as_str().unwrap()),
        Some(&f.key),
        None,
    )
    .await;
    assert_error(&customer_file, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn an_integration_unsends_a_message_of_its_location() {
    let f = fixture().await;
    let messages = f.store.messages_after(&f.thread, 0, 1).await.unwrap();
    let first = messages[0].id.as_str();
    let path = format!("/api/v1/threads/{}/messages/{first}", f.thread);
    assert_error(
        &request(&f.app, Method::DELETE, &path, Some(&f.other_key), None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let (status, unsent) = request(&f.app, Method::DELETE, &path, Some(&f.key), None).await;
    assert_eq!(status, StatusCode::OK, "{unsent}");
    assert!(unsent["deleted_at"].is_string() && unsent["text"] == "", "{unsent}");
    let (status, again) = request(&f.app, Method::DELETE, &path, Some(&f.key), None).await;
    assert_eq!((status, &again), (StatusCode::OK, &unsent), "unsending again answers the same");
    let unknown = format!("/api/v1/threads/{}/messages/nothing-here", f.thread);
    assert_error(
        &request(&f.app, Method::DELETE, &unknown, Some(&f.key), None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let (_, page) =
        request(&f.app, Method::GET, &format!("/api/v1/threads/{}/messages", f.thread), Some(&f.key), None).await;
    assert_eq!(page["items"][0]["deleted_at"], unsent["deleted_at"]);
}
