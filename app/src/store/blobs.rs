//! Where files' bytes live, behind `object_store`: a local directory (one server), an
//! S3-compatible bucket (several servers share it), or memory (tests). Keys are made here from
//! attachment ids; nothing else names a blob.

use std::path::Path as FsPath;
use std::sync::Arc;

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::StreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use tokio::io::AsyncReadExt;

use crate::ids::AttachmentId;

/// Which part of an attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobPart {
    /// The file as it is served (a photo cleaned of its metadata).
    File,
    /// A photo's small copy for the chat.
    Thumb,
}

/// An S3-compatible bucket.
#[derive(Debug, Clone)]
pub struct S3Settings {
    pub bucket: String,
    /// "http://127.0.0.1:9000" for a server other than AWS; `None`: AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("no such file")]
    NotFound,
    #[error("file storage failed: {0}")]
    Storage(String),
}

impl From<object_store::Error> for BlobError {
    fn from(err: object_store::Error) -> Self {
        match err {
            object_store::Error::NotFound { .. } => BlobError::NotFound,
            other => BlobError::Storage(other.to_string()),
        }
    }
}

/// A blob being read: its size and its bytes, as they come.
pub struct BlobRead {
    pub size: u64,
    pub stream: BoxStream<'static, Result<Bytes, BlobError>>,
}

#[derive(Clone)]
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
}

/// Parts of a streamed upload (S3's smallest part, but for the last).
const PART: usize = 5 * 1024 * 1024;

impl Blobs {
    /// Files in `dir`, created if missing.
    pub fn local(dir: &FsPath) -> Result<Blobs, String> {
        std::fs::create_dir_all(dir).map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
        let local = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .map_err(|err| format!("cannot use {} for files: {err}", dir.display()))?
            .with_automatic_cleanup(true);
        Ok(Blobs { store: Arc::new(local) })
    }

    pub fn s3(settings: &S3Settings) -> Result<Blobs, String> {
        let mut builder = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
        }
        // The error never holds the secret.
        let s3 = builder.build().map_err(|err| format!("cannot use the S3 bucket {}: {err}", settings.bucket))?;
        Ok(Blobs { store: Arc::new(s3) })
    }

    pub fn in_memory() -> Blobs {
        Blobs { store: Arc::new(object_store::memory::InMemory::new()) }
    }

    fn path(id: &AttachmentId, part: BlobPart) -> Path {
        let name = match part {
            BlobPart::File => "file",
            BlobPart::Thumb => "thumb",
        };
        Path::from(format!("attachments/{id}/{name}"))
    }

    pub async fn put(&self, id: &AttachmentId, part: BlobPart, bytes: Vec<u8>) -> Result<(), BlobError> {
        self.store.put(&Self::path(id, part), PutPayload::from(bytes)).await?;
        Ok(())
    }

    /// Stores a file from disk a part at a time, so a large upload never sits in memory whole.
    pub async fn put_from_disk(&self, id: &AttachmentId, part: BlobPart, file: &FsPath) -> Result<(), BlobError> {
        let mut source = tokio::fs::File::open(file).await.map_err(|err| BlobError::Storage(err.to_string()))?;
        let upload = self.store.put_multipart(&Self::path(id, part)).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
        let mut buffer = vec![0u8; 256 * 1024];
        loop {
            let read = match source.read(&mut buffer).await {
                Ok(0) => break,
                Ok(read) => read,
                Err(err) => {
                    let _ = writer.abort().await;
                    return Err(BlobError::Storage(err.to_string()));
                }
            };
            writer.wait_for_capacity(2).await?;
            writer.write(&buffer[..read]);
        }
        writer.finish().await?;
        Ok(())
    }

    pub async fn get(&self, id: &AttachmentId, part: BlobPart) -> Result<BlobRead, BlobError> {
        let found = self.store.get(&Self::path(id, part)).await?;
        let size = found.meta.size;
        let stream = found.into_stream().map(|chunk| chunk.map_err(BlobError::from)).boxed();
        Ok(BlobRead { size, stream })
    }

    /// Deletes both parts; a part that is not there is no error.
    pub async fn delete(&self, id: &AttachmentId) -> Result<(), BlobError> {
        for part in [BlobPart::File, BlobPart::Thumb] {
            match self.store.delete(&Self::path(id, part)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(err) => return Err(err.into()),
            }
        }
        Ok(())
    }
}
