//! Unsending a message: it keeps its place in the thread as "Message deleted", its text and its
//! files' rows are erased in one transaction (their bytes by the caller, after it commits), the
//! counts and the preview follow, polls of either side see it, and `message.deleted` goes out.

use chrono::{DateTime, Utc};

use super::changes::Scope;
use super::error::first_cause;
use super::ids::Record;
use super::messages::MessageRecord;
use super::{Store, StoreError};
use crate::ids::{AttachmentId, MessageId, ThreadId};
use crate::model::SenderType;

/// What an unsend did: the message as it is now, and the files whose bytes are to be deleted.
#[derive(Debug, Clone, PartialEq)]
pub struct Unsent {
    pub message: MessageRecord,
    pub erased_files: Vec<AttachmentId>,
}

/// Who unsends: a customer only their own messages; staff any message of a thread they reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsender {
    Customer,
    Staff,
}

const UNSEND: &str = "
    BEGIN TRANSACTION;
    LET $m = (SELECT * FROM ONLY $message);
    IF $m = NONE OR $m.thread != $thread { THROW 'no such message' };
    IF $m.deleted_at != NONE { THROW 'already unsent' };
    IF $customer AND $m.sender_type != 0 { THROW 'not theirs' };
    LET $t = (SELECT edit_seq, location, last_seq FROM ONLY $thread);
    LET $edit = $t.edit_seq + 1;
    DELETE attachment WHERE message = $message;
    UPDATE ONLY $message SET body = '', files = [], deleted_at = $at, edit_seq = $edit;
    UPDATE ONLY $thread SET edit_seq = $edit,
        unread_for_operator = IF $m.sender_type = 0 AND $m.seq > operator_read_seq AND unread_for_operator > 0
            { unread_for_operator - 1 } ELSE { unread_for_operator },
        unread_for_customer = IF $m.sender_type = 1 AND $m.seq > customer_read_seq AND unread_for_customer > 0
            { unread_for_customer - 1 } ELSE { unread_for_customer },
        preview = IF $m.seq = last_seq { 'Message deleted' } ELSE { preview };
    CREATE event CONTENT { type: 'message.deleted', location: $t.location, thread: $thread, message: $message,
        created_at: $at };
    COMMIT TRANSACTION;";

impl Store {
    /// Unsends a message of `thread_id`. Unsending one already unsent returns it as it is.
    pub async fn unsend_message(
        &self,
        thread_id: &ThreadId,
        message_id: &MessageId,
        by: Unsender,
        at: DateTime<Utc>,
    ) -> Result<Unsent, StoreError> {
        let location_id = self.thread(thread_id).await?.location_id;
        // A sent message's files never change but by this: they are the ones to erase.
        let before =
            self.message(message_id).await?.filter(|m| &m.thread_id == thread_id).ok_or(StoreError::NotFound)?;
        if before.deleted_at.is_some() {
            return Ok(Unsent { message: before, erased_files: Vec::new() });
        }
        let changes = [Scope::Booking(thread_id), Scope::Location(&location_id), Scope::Table("attachment")];
        let response = self
            .write(&changes, UNSEND, |q| {
                q.bind(("message", message_id.record()))
                    .bind(("thread", thread_id.record()))
                    .bind(("customer", by == Unsender::Customer))
                    .bind(("at", at))
            })
            .await?;
        let erased_files: Vec<AttachmentId> = match first_cause(response) {
            Ok(_) => before.files.into_iter().map(|f| f.id).collect(),
            // Unsent meanwhile by someone else, who erases the files.
            Err(err) if err.is_thrown() && err.message().contains("already unsent") => Vec::new(),
            Err(err) if err.is_thrown() && err.message().contains("not theirs") => {
                return Err(StoreError::Invalid("Only your own messages can be unsent.".into()))
            }
            Err(err) if err.is_thrown() => return Err(StoreError::NotFound),
            Err(err) => return Err(err.into()),
        };
        let message = self.message(message_id).await?.ok_or(StoreError::NotFound)?;
        Ok(Unsent { message, erased_files })
    }

    /// The thread's messages changed after edit `after_edit` (unsent, for now) among those with
    /// seq up to `through_seq`: what a poll that has seen the messages up to there still lacks.
    pub async fn messages_edited(
        &self,
        thread_id: &ThreadId,
        after_edit: i64,
        through_seq: i64,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        Ok(self
            .db
            .read(
                "SELECT * FROM message WHERE thread = $thread AND edit_seq > $after AND seq <= $through
                 ORDER BY seq LIMIT 1000",
            )
            .bind(("thread", thread_id.record()))
            .bind(("after", after_edit))
            .bind(("through", through_seq))
            .await?
            .take(0)?)
    }

    pub async fn message(&self, id: &MessageId) -> Result<Option<MessageRecord>, StoreError> {
        Ok(self.db.read("SELECT * FROM ONLY $id").bind(("id", id.record())).await?.take(0)?)
    }
}

/// A side of the conversation as an unsender.
impl From<SenderType> for Unsender {
    fn from(side: SenderType) -> Self {
        match side {
            SenderType::Customer => Unsender::Customer,
            SenderType::Operator => Unsender::Staff,
        }
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::store::attachments::{new_attachment_id, NewAttachment};
    use crate::store::test_support::{at, backends, say, thread_fixture};

    #[tokio::test]
    async fn an_unsent_message_keeps_its_place_and_loses_its_text_files_and_unread_count() {
        for (backend, store, _dir) in backends().await {
            let (booking, thread) = thread_fixture(&store, "UNS001-0001").await;
            let t = &thread.id;
            let card = new_attachment_id();
            let new = NewAttachment {
                id: &card,
                booking_id: &booking.id,
                location_id: &booking.location_id,
                uploaded_by: SenderType::Customer,
                name: "card.jpg",
                content_type: "image/jpeg",
                size: 10,
                dimensions: Some((2, 2)),
                at: at(0),
            };
            store.create_attachment(new).await.unwrap();
            say(&store, t, SenderType::Customer, "Hello", &[], 1).await;
            let secret =
                say(&store, t, SenderType::Customer, "My card is 4111 1111 1111 1111", std::slice::from_ref(&card), 1)
                    .await;
            assert_eq!(store.thread(t).await.unwrap().unread_for_operator, 2);

            let unsent = store.unsend_message(t, &secret.id, Unsender::Customer, at(2)).await.unwrap();
            assert_eq!(unsent.erased_files, std::slice::from_ref(&card), "{backend}");
            let m = &unsent.message;
            assert_eq!((m.seq, m.body.as_str(), m.files.len(), m.deleted_at), (2, "", 0, Some(at(2))), "{backend}");
            assert!(store.attachment(&card).await.unwrap().is_none(), "{backend}: the file's row is erased");
            let after = store.thread(t).await.unwrap();
            assert_eq!((after.unread_for_operator, after.preview.as_str(), after.edit_seq), (1, "Message deleted", 1));

            // Polls that saw seq 2 before learn of it; one that saw it after does not.
            let edited = store.messages_edited(t, 0, 2).await.unwrap();
            assert_eq!(edited.iter().map(|m| m.seq).collect::<Vec<_>>(), [2], "{backend}");
            assert!(store.messages_edited(t, 1, 2).await.unwrap().is_empty());

            // Again: nothing more happens.
            let again = store.unsend_message(t, &secret.id, Unsender::Staff, at(3)).await.unwrap();
            assert_eq!((again.message.deleted_at, again.erased_files.len()), (Some(at(2)), 0), "{backend}");
            assert_eq!(store.thread(t).await.unwrap().edit_seq, 1);
        }
    }

    #[tokio::test]
    async fn a_customer_unsends_only_their_own_and_staff_any_in_the_thread() {
        let store = Store::open_in_memory().await.unwrap();
        let (_, thread) = thread_fixture(&store, "UNS002-0001").await;
        let (_, other) = thread_fixture(&store, "UNS002-0002").await;
        let reply = say(&store, &thread.id, SenderType::Operator, "Sure", &[], 1).await;
        let theirs = say(&store, &other.id, SenderType::Customer, "Elsewhere", &[], 1).await;
        assert!(store.thread(&thread.id).await.unwrap().unread_for_customer == 1);

        let refused = store.unsend_message(&thread.id, &reply.id, Unsender::Customer, at(2)).await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))), "{refused:?}");
        let elsewhere = store.unsend_message(&thread.id, &theirs.id, Unsender::Staff, at(2)).await;
        assert!(matches!(elsewhere, Err(StoreError::NotFound)), "another thread's message");
        assert!(store.message(&reply.id).await.unwrap().unwrap().deleted_at.is_none());

        store.unsend_message(&thread.id, &reply.id, Unsender::Staff, at(2)).await.unwrap();
        assert_eq!(store.thread(&thread.id).await.unwrap().unread_for_customer, 0);
        store.decide_due_emails(at(60), 10).await.unwrap();
        assert!(store.thread_emails(&thread.id).await.unwrap().is_empty(), "no email about a reply taken back");
    }
}
