//! Where files' bytes live, against the real thing: a directory, and an S3 API server on loopback
//! (moto's `moto_server`, from the tools' Python, started per test). The same checks run on both,
//! and a photo goes through the router into the bucket and back.

mod common;
#[path = "../src/files/test_photos.rs"]
mod photos;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use app::store::attachments::new_attachment_id;
use app::store::blobs::{BlobError, BlobPart, Blobs, S3Settings};
use futures::StreamExt;

/// moto's S3 server on a free loopback port, stopped when dropped.
struct MotoServer {
    child: Child,
    port: u16,
}

impl MotoServer {
    fn start() -> MotoServer {
        let python = std::env::var("PARLEY_TEST_PYTHON").unwrap_or_else(|_| {
            format!("{}/.cache/parley/tools/venv/bin/python", std::env::var("HOME").unwrap_or_default())
        });
        let moto = std::path::Path::new(&python).with_file_name("moto_server");
        assert!(moto.exists(), "no moto_server beside {python}: `make python-tools` installs it");
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap().port()
        };
        let mut child = Command::new(&moto)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("could not start {}: {err}", moto.display()));
        // It says where it runs once it does.
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        loop {
            match lines.next() {
                Some(Ok(line)) if line.contains("Running on") => break,
                Some(Ok(_)) => continue,
                _ => panic!("moto_server stopped before it served"),
            }
        }
        // Keep reading its log so it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        MotoServer { child, port }
    }

    /// A new bucket on it (moto takes any credentials).
    async fn bucket(&self, name: &str) -> Blobs {
        let endpoint = format!("http://127.0.0.1:{}", self.port);
        let created = reqwest::Client::new().put(format!("{endpoint}/{name}")).send().await.unwrap();
        assert!(created.status().is_success(), "creating the bucket: {}", created.status());
        Blobs::s3(&S3Settings {
            bucket: name.to_owned(),
            endpoint: Some(endpoint),
            region: "us-east-1".into(),
            access_key_id: "test".into(),
            secret_access_key: "test".into(),
        })
        .unwrap()
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn read_all(blobs: &Blobs, id: &app::ids::AttachmentId, part: BlobPart) -> Result<Vec<u8>, BlobError> {
    let read = blobs.get(id, part).await?;
    let mut bytes = Vec::new();
    let mut stream = read.stream;
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk?);
    }
    assert_eq!(bytes.len() as u64, read.size);
    Ok(bytes)
}

/// What every store must do: keep, stream back, and delete both parts.
async fn keeps_streams_and_deletes(blobs: &Blobs, backend: &str) {
    let id = new_attachment_id();
    blobs.put(&id, BlobPart::Thumb, b"small".to_vec()).await.unwrap();
    // Larger than two 5 MiB parts: a multipart upload read from disk.
    let large: Vec<u8> = (0..12 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    let on_disk = std::env::temp_dir().join(format!("parley-storage-{}", uuid::Uuid::new_v4()));
    std::fs::write(&on_disk, &large).unwrap();
    blobs.put_from_disk(&id, BlobPart::File, &on_disk).await.unwrap();
    std::fs::remove_file(&on_disk).unwrap();

    assert!(read_all(blobs, &id, BlobPart::File).await.unwrap() == large, "{backend}: the large file back whole");
    assert_eq!(read_all(blobs, &id, BlobPart::Thumb).await.unwrap(), b"small", "{backend}");
    blobs.delete(&id).await.unwrap();
    for part in [BlobPart::File, BlobPart::Thumb] {
        assert!(matches!(read_all(blobs, &id, part).await, Err(BlobError::NotFound)), "{backend}: deleted");
    }
    blobs.delete(&id).await.expect("deleting what is gone is no error");
}

#[tokio::test]
async fn a_local_directory_keeps_streams_and_deletes_files() {
    let dir = std::env::temp_dir().join(format!("parley-files-{}", uuid::Uuid::new_v4()));
    let blobs = Blobs::local(&dir.join("not/yet/there")).unwrap();
    keeps_streams_and_deletes(&blobs, "directory").await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn an_s3_bucket_keeps_streams_and_deletes_files() {
    let moto = MotoServer::start();
    let blobs = moto.bucket("parley-files").await;
    keeps_streams_and_deletes(&blobs, "s3").await;
}

#[tokio::test]
async fn a_photo_goes_through_the_router_into_the_bucket_and_back() {
    use axum::body::Body;
    use axum::http::{header, Request, StatusCode};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let moto = MotoServer::start();
    let blobs = moto.bucket("parley-router").await;
    let (_, store) = common::app(true).await;
    let leptos_options =
        leptos::prelude::LeptosOptions::builder().output_name("parley").site_root("target/site").build();
    let state = app::state::AppState { blobs: blobs.clone(), ..app::state::AppState::new(leptos_options, store) };
    let router = server::router(state);

    let boundary = "b0undary";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dock.jpg\"\r\n\r\n")
            .into_bytes();
    body.extend_from_slice(&photos::phone_photo(800, 600));
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let upload = Request::post("/portal/demo-portal-ana-silva-kayak/files")
        .header("host", "parley.test")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let response = router.clone().oneshot(upload).await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let file: serde_json::Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    let id = app::ids::AttachmentId::new(file["id"].as_str().unwrap());

    let in_bucket = read_all(&blobs, &id, BlobPart::File).await.unwrap();
    assert!(!photos::has_exif(&in_bucket));
    let download = Request::get(format!("/portal/demo-portal-ana-silva-kayak/files/{id}")).body(Body::empty()).unwrap();
    let response = router.oneshot(download).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.into_body().collect().await.unwrap().to_bytes() == in_bucket, "served from the bucket");
}
