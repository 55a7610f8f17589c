//! Photos and files uploaded for a booking's conversation. A row is written once the file's bytes
//! are stored (the blob store holds them under the row's id); a message that carries the file
//! links it and keeps a copy of what it is (messages.rs). Until then only the side that uploaded
//! it may read it, and after a day unsent it is deleted.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::changes::Scope;
use super::ids::Record;
use super::{Store, StoreError};
use crate::ids::{AttachmentId, BookingId, LocationId, MessageId};
use crate::model::SenderType;

#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct AttachmentRecord {
    pub id: AttachmentId,
    #[surreal(rename = "booking")]
    pub booking_id: BookingId,
    #[surreal(rename = "location")]
    pub location_id: LocationId,
    pub uploaded_by: SenderType,
    /// The file's name as the uploader's device gave it (cleaned), for people to read.
    pub name: String,
    /// Decided from the file's bytes when it was uploaded; what it is served as.
    pub content_type: String,
    pub size: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    /// The message that carries it; `None` while it waits to be sent.
    #[surreal(rename = "message")]
    pub message_id: Option<MessageId>,
    pub created_at: DateTime<Utc>,
}

impl AttachmentRecord {
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }

    /// Whoever may read the booking's conversation may read a sent file; an unsent one only the
    /// side that uploaded it.
    pub fn readable_by(&self, side: SenderType) -> bool {
        self.message_id.is_some() || self.uploaded_by == side
    }
}

/// A file as a message keeps it.
#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct MessageFileRecord {
    pub id: AttachmentId,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
}

/// A stored file to record.
#[derive(Debug, Clone)]
pub struct NewAttachment<'a> {
    /// Chosen before the bytes were stored under it: `new_attachment_id`.
    pub id: &'a AttachmentId,
    pub booking_id: &'a BookingId,
    pub location_id: &'a LocationId,
    pub uploaded_by: SenderType,
    pub name: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub dimensions: Option<(u32, u32)>,
    pub at: DateTime<Utc>,
}

/// A fresh attachment id: 128 random bits, so a file's address cannot be guessed.
pub fn new_attachment_id() -> AttachmentId {
    AttachmentId::new(hex::encode(rand::random::<[u8; 16]>()))
}

impl Store {
    pub async fn create_attachment(&self, new: NewAttachment<'_>) -> Result<AttachmentRecord, StoreError> {
        let sql = "CREATE ONLY $id CONTENT { booking: $booking, location: $location, uploaded_by: $uploaded_by,
                   name: $name, content_type: $content_type, size: $size, width: $width, height: $height,
                   created_at: $at }";
        let row: Option<AttachmentRecord> = self
            .write(&[Scope::Table("attachment")], sql, |q| {
                q.bind(("id", new.id.record()))
                    .bind(("booking", new.booking_id.record()))
                    .bind(("location", new.location_id.record()))
                    .bind(("uploaded_by", new.uploaded_by))
                    .bind(("name", new.name.to_owned()))
                    .bind(("content_type", new.content_type.to_owned()))
                    .bind(("size", new.size))
                    .bind(("width", new.dimensions.map(|(w, _)| i64::from(w))))
                    .bind(("height", new.dimensions.map(|(_, h)| i64::from(h))))
                    .bind(("at", new.at))
            })
            .await?
            .take(0)?;
        row.ok_or(StoreError::NotFound)
    }

    pub async fn attachment(&self, id: &AttachmentId) -> Result<Option<AttachmentRecord>, StoreError> {
        Ok(self.db.read("SELECT * FROM ONLY $id").bind(("id", id.record())).await?.take(0)?)
    }

    /// Up to `limit` files uploaded before `cutoff` that no message carries.
    pub async fn unsent_attachments_before(
        &self,
        cutoff: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<AttachmentRecord>, StoreError> {
        Ok(self
            .db
            .read("SELECT * FROM attachment WHERE message = NONE AND created_at < $cutoff LIMIT $limit")
            .bind(("cutoff", cutoff))
            .bind(("limit", limit as i64))
            .await?
            .take(0)?)
    }

    /// Deletes an unsent file's row; `false` if a message carries it by now (then it stays).
    pub async fn delete_unsent_attachment(&self, id: &AttachmentId) -> Result<bool, StoreError> {
        let deleted: Vec<AttachmentRecord> = self
            .write(&[Scope::Table("attachment")], "DELETE $id WHERE message = NONE RETURN BEFORE", |q| {
                q.bind(("id", id.record()))
            })
            .await?
            .take(0)?;
        Ok(!deleted.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::ids::ThreadId;
    use crate::store::bookings::tests::{another_booking, booking_fixture};
    use crate::store::messages::NewMessage;
    use crate::store::test_support::backends;

    fn at(minutes: i64) -> DateTime<Utc> {
        "2026-11-24T09:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(minutes)
    }

    async fn upload(
        store: &Store,
        booking: &BookingId,
        location: &LocationId,
        side: SenderType,
        minute: i64,
    ) -> AttachmentId {
        let id = new_attachment_id();
        let new = NewAttachment {
            id: &id,
            booking_id: booking,
            location_id: location,
            uploaded_by: side,
            name: "sign.jpg",
            content_type: "image/jpeg",
            size: 1234,
            dimensions: Some((640, 480)),
            at: at(minute),
        };
        store.create_attachment(new).await.unwrap();
        id
    }

    fn message<'a>(thread: &'a ThreadId, files: &'a [AttachmentId], client_id: &'a str) -> NewMessage<'a> {
        NewMessage {
            thread_id: thread,
            sender_type: SenderType::Customer,
            staff_id: None,
            sender_name: "Ana Silva",
            body: "",
            files,
            client_id,
            at: at(5),
        }
    }

    #[tokio::test]
    async fn a_message_carries_only_unsent_files_of_its_own_side_and_booking() {
        for (backend, store, _dir) in backends().await {
            let (location, customer, booking) = booking_fixture(&store, "FILE01-0001").await;
            let other = another_booking(&store, &location, &customer, "FILE01-0002").await;
            let (thread, _) = store.get_or_create_thread(&booking.id, at(0)).await.unwrap();
            let mine = upload(&store, &booking.id, &location.id, SenderType::Customer, 1).await;
            let teams = upload(&store, &booking.id, &location.id, SenderType::Operator, 1).await;
            let elsewhere = upload(&store, &other.id, &location.id, SenderType::Customer, 1).await;

            let sent = store.append_message(message(&thread.id, std::slice::from_ref(&mine), "c-1")).await.unwrap();
            assert!(sent.created);
            assert_eq!(sent.message.body, "", "{backend}: files only");
            assert_eq!(sent.message.files.len(), 1);
            assert_eq!(
                (sent.message.files[0].id.clone(), sent.message.files[0].width, sent.message.files[0].name.as_str()),
                (mine.clone(), Some(640), "sign.jpg")
            );
            assert_eq!(store.thread(&thread.id).await.unwrap().preview, "Photo", "{backend}");
            let linked = store.attachment(&mine).await.unwrap().unwrap();
            assert_eq!(linked.message_id.as_ref(), Some(&sent.message.id));

            // The same send again: the first message, nothing new.
            let again = store.append_message(message(&thread.id, std::slice::from_ref(&mine), "c-1")).await.unwrap();
            assert_eq!((again.created, again.message.id), (false, sent.message.id.clone()), "{backend}");

            let unknown = new_attachment_id();
            for (refused, why) in [
                (&mine, "already sent"),
                (&teams, "the team's"),
                (&elsewhere, "another booking's"),
                (&unknown, "unknown"),
            ] {
                let err =
                    store.append_message(message(&thread.id, std::slice::from_ref(refused), "c-2")).await.unwrap_err();
                assert!(
                    matches!(&err, StoreError::Invalid(m) if m.contains("no longer available")),
                    "{backend} {why}: {err:?}"
                );
            }
            assert_eq!(store.thread(&thread.id).await.unwrap().last_seq, 1, "{backend}: nothing was stored");
        }
    }

    #[tokio::test]
    async fn unsent_uploads_older_than_the_cutoff_are_found_and_deleted_sent_ones_stay() {
        let store = Store::open_in_memory().await.unwrap();
        let (location, _, booking) = booking_fixture(&store, "FILE02-0001").await;
        let (thread, _) = store.get_or_create_thread(&booking.id, at(0)).await.unwrap();
        let sent = upload(&store, &booking.id, &location.id, SenderType::Customer, 0).await;
        let old = upload(&store, &booking.id, &location.id, SenderType::Customer, 0).await;
        let fresh = upload(&store, &booking.id, &location.id, SenderType::Customer, 60).await;
        store.append_message(message(&thread.id, std::slice::from_ref(&sent), "c-1")).await.unwrap();

        let due = store.unsent_attachments_before(at(30), 10).await.unwrap();
        assert_eq!(due.iter().map(|a| a.id.clone()).collect::<Vec<_>>(), std::slice::from_ref(&old));
        assert!(store.delete_unsent_attachment(&old).await.unwrap());
        assert!(!store.delete_unsent_attachment(&sent).await.unwrap(), "a sent file stays");
        assert!(store.attachment(&sent).await.unwrap().is_some());
        assert!(store.attachment(&fresh).await.unwrap().is_some());
        assert!(store.attachment(&old).await.unwrap().is_none());
    }
}
