//! Files uploaded but never sent are deleted after a day: the row first (so no message can take
//! the file any more), then its bytes.

use app::store::blobs::Blobs;
use app::store::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};

/// How long an unsent upload is kept.
pub const UNSENT_KEPT: Duration = Duration::days(1);

/// Deletes the uploads left unsent for a day at `now`; returns how many.
pub async fn sweep_unsent(store: &Store, blobs: &Blobs, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let mut deleted = 0;
    loop {
        let due = store.unsent_attachments_before(now - UNSENT_KEPT, 100).await?;
        let found = due.len();
        for file in due {
            if store.delete_unsent_attachment(&file.id).await? {
                if let Err(err) = blobs.delete(&file.id).await {
                    tracing::warn!(error = %err, file = %file.id, "an unsent file's bytes stay behind");
                }
                deleted += 1;
            }
        }
        if found < 100 {
            return Ok(deleted);
        }
    }
}

/// Sweeps every hour until the returned handle is aborted.
pub fn spawn_sweeper(store: Store, blobs: Blobs) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(err) = sweep_unsent(&store, &blobs, Utc::now()).await {
                tracing::warn!(error = %err, "sweeping unsent files failed");
            }
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    })
}
