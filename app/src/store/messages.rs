//! Messages: appended with a gapless per-thread seq, idempotent per client id, and moving the
//! thread's summary, counters and the outbox in the same transaction.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::attachments::MessageFileRecord;
use super::changes::Scope;
use super::error::is_duplicate_in;
use super::ids::Record;
use super::retry::retrying;
use super::typing::typing_row;
use super::{Store, StoreError};
use crate::ids::{AttachmentId, MessageId, StaffId, ThreadId};
use crate::model::SenderType;
use crate::text::{message_preview, validate_message};

#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct MessageRecord {
    pub id: MessageId,
    #[surreal(rename = "thread")]
    pub thread_id: ThreadId,
    pub seq: i64,
    pub sender_type: SenderType,
    #[surreal(rename = "staff")]
    pub staff_id: Option<StaffId>,
    /// The sender's name when they wrote it: a customer's name, "First Last" or "Support".
    pub sender_name: String,
    /// Empty when the message is files only.
    pub body: String,
    pub files: Vec<MessageFileRecord>,
    pub client_id: String,
    pub created_at: DateTime<Utc>,
    /// When it was unsent; its text and files are gone.
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A message to append. The body is validated (trimmed, up to 4000 characters, empty only with
/// files) here, whoever sends it.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub thread_id: &'a ThreadId,
    pub sender_type: SenderType,
    pub staff_id: Option<&'a StaffId>,
    pub sender_name: &'a str,
    pub body: &'a str,
    /// Files the same side uploaded for this booking and has not sent yet (at most 5).
    pub files: &'a [AttachmentId],
    /// The sender's idempotency key: a second send with the same one returns the first message.
    pub client_id: &'a str,
    pub at: DateTime<Utc>,
}

/// What an append did: the stored message, and whether this call stored it (`false` for a retry
/// of a send that had already been stored).
#[derive(Debug, Clone, PartialEq)]
pub struct Appended {
    pub message: MessageRecord,
    pub created: bool,
}

/// The transaction of one append. Reading `last_seq` and writing the thread in one transaction
/// makes concurrent appends to a thread conflict, so exactly one of them gets each seq.
/// The counters follow the design: a message is unread for the other side, and sending marks
/// the thread read for the sender.
/// A message that starts an unread stretch for the other side (its unread count was 0) also
/// sets when that side is emailed about it (the schema clears it once they have read).
fn append_sql(sender: SenderType, with_files: bool) -> String {
    let side = match sender {
        SenderType::Customer => {
            "team_email_due = IF unread_for_operator = 0 AND $t.team_delay != NONE { $at + $t.team_delay }
                 ELSE { team_email_due }, \
             last_customer_seq = $seq, unread_for_operator += 1, \
             customer_read_seq = $seq, customer_read_at = $at, unread_for_customer = 0"
        }
        SenderType::Operator => {
            "customer_email_due = IF unread_for_customer = 0 AND $t.customer_delay != NONE { $at + $t.customer_delay }
                 ELSE { customer_email_due }, \
             last_operator_seq = $seq, unread_for_customer += 1, \
             operator_read_seq = $seq, operator_read_at = $at, unread_for_operator = 0"
        }
    };
    // A message without files runs none of the file statements: most sends, kept as short as before.
    let (check_files, files, link_files) = if with_files {
        (
            "LET $found = SELECT booking, uploaded_by, message FROM $files;
            IF array::len($found) != array::len($files)
                OR array::len($found[WHERE booking != $t.booking OR uploaded_by != $sender_type OR message != NONE]) > 0 {
                THROW 'a file is not available'
            };",
            "(SELECT id, name, content_type, size, width, height FROM $files)",
            "UPDATE $files SET message = $m.id;",
        )
    } else {
        ("", "[]", "")
    };
    format!(
        "{{
            LET $t = SELECT last_seq, location, booking, location.customer_email_delay AS customer_delay,
                location.team_email_delay AS team_delay FROM ONLY $thread;
            IF $t = NONE {{ THROW 'no such thread' }};
            {check_files}
            LET $seq = $t.last_seq + 1;
            UPDATE ONLY $thread SET last_seq = $seq, last_message_at = $at,
                preview = $preview, last_sender_type = $sender_type, {side};
            LET $m = CREATE ONLY message CONTENT {{ thread: $thread, seq: $seq, sender_type: $sender_type,
                staff: $staff, sender_name: $sender_name, body: $body, client_id: $client_id, created_at: $at,
                files: {files} }};
            {link_files}
            IF $typing != NONE {{ DELETE $typing }};
            CREATE event CONTENT {{ type: 'message.created', location: $t.location, thread: $thread,
                message: $m.id, created_at: $at }};
            RETURN $m;
        }}"
    )
}

impl Store {
    /// Appends a message to a thread. A repeated `client_id` returns the first message and
    /// writes nothing; write conflicts with concurrent senders are retried (bounded).
    pub async fn append_message(&self, new: NewMessage<'_>) -> Result<Appended, StoreError> {
        let body = validate_message(new.body, new.files.len())?;
        // A thread stays at its location: the kept copy says which.
        let location_id = self.thread(new.thread_id).await?.location_id;
        let preview = if new.files.is_empty() {
            message_preview(&body, &[])
        } else {
            self.preview_with_files(&body, new.files).await?
        };
        let sql = append_sql(new.sender_type, !new.files.is_empty());
        let thread = new.thread_id.record();
        retrying(|| async {
            if let Some(message) = self.message_by_client_id(new.thread_id, new.client_id).await? {
                return Ok(Appended { message, created: false });
            }
            // A staff member's reply ends their "is replying…" (typing.rs).
            let typing = new.staff_id.map(|staff| typing_row(new.thread_id, staff));
            let mut changes = vec![Scope::Booking(new.thread_id), Scope::Location(&location_id)];
            if typing.is_some() {
                changes.push(Scope::Typing(new.thread_id));
            }
            let stored = self
                .write(&changes, sql.as_str(), |q| {
                    q.bind(("thread", thread.clone()))
                        .bind(("at", new.at))
                        .bind(("preview", preview.clone()))
                        .bind(("sender_type", new.sender_type.code()))
                        .bind(("staff", new.staff_id.map(Record::record)))
                        .bind(("sender_name", new.sender_name.to_owned()))
                        .bind(("body", body.clone()))
                        .bind(("client_id", new.client_id.to_owned()))
                        .bind(("files", new.files.iter().map(Record::record).collect::<Vec<_>>()))
                        .bind(("typing", typing.clone()))
                })
                .await
                .and_then(|mut response| response.take::<Option<MessageRecord>>(0));
            match stored {
                Ok(row) => Ok(Appended { message: row.ok_or(StoreError::NotFound)?, created: true }),
                Err(err) if err.is_thrown() && err.message().contains("a file is not available") => {
                    Err(StoreError::Invalid("A file of this message is no longer available; attach it again.".into()))
                }
                Err(err) if err.is_thrown() => Err(StoreError::NotFound),
                // A concurrent send with the same client id won: the next attempt returns its message.
                Err(err) if is_duplicate_in(&err, "message_client") => Err(StoreError::Conflict),
                Err(err) => Err(err.into()),
            }
        })
        .await
    }

    /// The thread list's line for a message: its text, or what its files are.
    async fn preview_with_files(&self, body: &str, files: &[AttachmentId]) -> Result<String, StoreError> {
        let mut named = Vec::new();
        for id in files {
            if let Some(file) = self.attachment(id).await? {
                named.push((file.name, file.content_type));
            }
        }
        let named: Vec<(&str, &str)> = named.iter().map(|(n, c)| (n.as_str(), c.as_str())).collect();
        Ok(message_preview(body, &named))
    }

    pub async fn message_by_client_id(
        &self,
        thread_id: &ThreadId,
        client_id: &str,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let mut response = self
            .db
            .read("SELECT * FROM message WHERE thread = $thread AND client_id = $client_id LIMIT 1")
            .bind(("thread", thread_id.record()))
            .bind(("client_id", client_id.to_owned()))
            .await?;
        Ok(response.take(0)?)
    }

    /// The thread's messages with a seq above `after_seq`, oldest first, at most `limit`.
    pub async fn messages_after(
        &self,
        thread_id: &ThreadId,
        after_seq: i64,
        limit: usize,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let mut response = self
            .db
            .read("SELECT * FROM message WHERE thread = $thread AND seq > $after ORDER BY seq LIMIT $limit")
            .bind(("thread", thread_id.record()))
            .bind(("after", after_seq))
            .bind(("limit", limit.clamp(1, 1000) as i64))
            .await?;
        Ok(response.take(0)?)
    }

    /// The `limit` messages just before `before_seq`, oldest first: a thread opens at its newest
    /// (`before_seq` = its `last_seq` + 1) and pages back from the oldest one shown. Seqs are
    /// gapless, so the page is the seq range just below `before_seq`, read forwards through the
    /// (thread, seq) index: no offset, and no backward walk, whose cost grows with the thread.
    pub async fn messages_before(
        &self,
        thread_id: &ThreadId,
        before_seq: i64,
        limit: usize,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let limit = limit.clamp(1, 1000) as i64;
        let mut response = self
            .db
            .read("SELECT * FROM message WHERE thread = $thread AND seq >= $from AND seq < $before ORDER BY seq LIMIT $limit")
            .bind(("thread", thread_id.record()))
            .bind(("from", (before_seq - limit).max(1)))
            .bind(("before", before_seq))
            .bind(("limit", limit))
            .await?;
        Ok(response.take(0)?)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::Utc;
    use tokio::task::JoinSet;

    use super::*;
    use crate::store::test_support::{backends, thread_fixture};
    use crate::text::BodyError;

    fn customer_says<'a>(thread_id: &'a ThreadId, body: &'a str, client_id: &'a str) -> NewMessage<'a> {
        NewMessage {
            thread_id,
            sender_type: SenderType::Customer,
            staff_id: None,
            sender_name: "Ana Silva",
            body,
            client_id,
            files: &[],
            at: Utc::now(),
        }
    }

    async fn event_count(store: &Store, kind: &str) -> i64 {
        let mut r = store
            .db
            // array::len, not count(): COUNT is what the engine's own thread pool runs (see test_support.rs).
            .read("RETURN array::len(SELECT VALUE id FROM event WHERE type = $kind)")
            .bind(("kind", kind.to_owned()))
            .await
            .unwrap();
        r.take::<Option<i64>>(0).unwrap().unwrap_or(0)
    }

    #[tokio::test]
    async fn append_moves_thread_summary_counters_and_outbox_together() {
        for (backend, store, _dir) in backends().await {
            let (_, thread) = thread_fixture(&store, "APP001-0001").await;
            let first = store.append_message(customer_says(&thread.id, "  Is parking free?  ", "c-1")).await.unwrap();
            assert!(first.created, "{backend}");
            assert_eq!(first.message.seq, 1);
            assert_eq!(first.message.body, "Is parking free?", "{backend}: stored trimmed");

            let t = store.thread(&thread.id).await.unwrap();
            assert_eq!(t.last_seq, 1);
            assert_eq!(t.preview, "Is parking free?");
            assert_eq!(t.last_message_at, first.message.created_at);
            assert_eq!(t.last_sender_type, Some(SenderType::Customer));
            assert_eq!((t.unread_for_operator, t.unread_for_customer), (1, 0));
            assert_eq!(t.customer_read_seq, 1, "{backend}: sending marks read for the sender");

            let maya = StaffId::new("maya");
            let reply = NewMessage {
                sender_type: SenderType::Operator,
                staff_id: Some(&maya),
                sender_name: "Maya Lind",
                ..customer_says(&thread.id, "Yes, right by the dock.", "o-1")
            };
            let reply = store.append_message(reply).await.unwrap().message;
            assert_eq!(reply.seq, 2);
            assert_eq!(reply.staff_id.as_deref(), Some("maya"));
            let t = store.thread(&thread.id).await.unwrap();
            assert_eq!((t.unread_for_operator, t.unread_for_customer), (0, 1), "{backend}");
            assert_eq!((t.operator_read_seq, t.last_customer_seq, t.last_operator_seq), (2, 1, 2));
            assert_eq!(event_count(&store, "message.created").await, 2, "{backend}");
        }
    }

    #[tokio::test]
    async fn a_repeated_client_id_returns_the_first_message_and_writes_nothing() {
        for (backend, store, _dir) in backends().await {
            let (_, thread) = thread_fixture(&store, "IDM001-0001").await;
            let first = store.append_message(customer_says(&thread.id, "hello", "same-id")).await.unwrap();
            let before = store.thread(&thread.id).await.unwrap();
            let again = store.append_message(customer_says(&thread.id, "hello", "same-id")).await.unwrap();
            assert!(!again.created, "{backend}");
            assert_eq!(again.message, first.message);
            assert_eq!(store.thread(&thread.id).await.unwrap(), before, "{backend}: thread untouched");
            assert_eq!(store.messages_after(&thread.id, 0, 100).await.unwrap().len(), 1);
            assert_eq!(event_count(&store, "message.created").await, 1, "{backend}: no second event");
        }
    }

    #[tokio::test]
    async fn bad_bodies_are_refused_and_write_nothing() {
        let store = Store::open_in_memory().await.unwrap();
        let (_, thread) = thread_fixture(&store, "BAD001-0001").await;
        let too_long = "x".repeat(4001);
        for (body, expected) in [
            ("", BodyError::Empty),
            (" \n\t ", BodyError::Empty),
            (too_long.as_str(), BodyError::TooLong { chars: 4001 }),
        ] {
            let err = store.append_message(customer_says(&thread.id, body, "c")).await.unwrap_err();
            assert!(matches!(err, StoreError::InvalidBody(ref e) if *e == expected), "{err:?}");
        }
        assert_eq!(store.thread(&thread.id).await.unwrap().last_seq, 0);
        assert!(store.messages_after(&thread.id, 0, 10).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn appending_to_a_missing_thread_is_not_found() {
        let store = Store::open_in_memory().await.unwrap();
        let err = store.append_message(customer_says(&ThreadId::new("nope"), "hi", "c")).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn twenty_concurrent_writers_get_gapless_unique_seqs() {
        for (backend, store, _dir) in backends().await {
            let (_, thread) = thread_fixture(&store, "CON001-0001").await;
            let mut writers = JoinSet::new();
            for n in 0..20 {
                let (store, thread_id) = (store.clone(), thread.id.clone());
                writers.spawn(async move {
                    let body = format!("message {n}");
                    let client_id = format!("writer-{n}");
                    store.append_message(customer_says(&thread_id, &body, &client_id)).await
                });
            }
            let mut seqs = Vec::new();
            while let Some(result) = writers.join_next().await {
                let appended = result.unwrap().unwrap_or_else(|e| panic!("{backend}: {e}"));
                assert!(appended.created);
                seqs.push(appended.message.seq);
            }
            seqs.sort_unstable();
            assert_eq!(seqs, (1..=20).collect::<Vec<_>>(), "{backend}");

            let stored = store.messages_after(&thread.id, 0, 100).await.unwrap();
            assert_eq!(stored.iter().map(|m| m.seq).collect::<Vec<_>>(), (1..=20).collect::<Vec<_>>());
            let bodies: HashSet<_> = stored.iter().map(|m| m.body.clone()).collect();
            assert_eq!(bodies.len(), 20, "{backend}: every message stored once");
            let t = store.thread(&thread.id).await.unwrap();
            assert_eq!((t.last_seq, t.unread_for_operator), (20, 20), "{backend}");
            assert_eq!(event_count(&store, "message.created").await, 20, "{backend}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_retries_of_one_send_store_it_once() {
        for (backend, store, _dir) in backends().await {
            let (_, thread) = thread_fixture(&store, "DUP001-0001").await;
            let mut senders = JoinSet::new();
            for _ in 0..10 {
                let (store, thread_id) = (store.clone(), thread.id.clone());
                senders.spawn(
                    async move { store.append_message(customer_says(&thread_id, "only once", "retry-me")).await },
                );
            }
            let mut created = 0;
            let mut ids = HashSet::new();
            while let Some(result) = senders.join_next().await {
                let appended = result.unwrap().unwrap();
                created += usize::from(appended.created);
                ids.insert(appended.message.id);
            }
            assert_eq!((created, ids.len()), (1, 1), "{backend}");
            assert_eq!(store.thread(&thread.id).await.unwrap().last_seq, 1, "{backend}");
        }
    }

    #[tokio::test]
    async fn messages_after_a_seq_come_oldest_first() {
        let store = Store::open_in_memory().await.unwrap();
        let (_, thread) = thread_fixture(&store, "AFT001-0001").await;
        for n in 1..=5 {
            store.append_message(customer_says(&thread.id, &format!("m{n}"), &format!("c{n}"))).await.unwrap();
        }
        let after_two = store.messages_after(&thread.id, 2, 100).await.unwrap();
        assert_eq!(after_two.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["m3", "m4", "m5"]);
        assert_eq!(store.messages_after(&thread.id, 3, 1).await.unwrap()[0].seq, 4);
        assert!(store.messages_after(&thread.id, 5, 100).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_long_thread_opens_at_its_newest_page_and_pages_back_by_seq() {
        let store = Store::open_in_memory().await.unwrap();
        let (_, thread) = thread_fixture(&store, "LNG001-0001").await;
        store.generate_messages(&thread.id, 1_500, Utc::now()).await.unwrap();
        let newest = store.messages_before(&thread.id, 1_501, 100).await.unwrap();
        assert_eq!(newest.iter().map(|m| m.seq).collect::<Vec<_>>(), (1_401..=1_500).collect::<Vec<_>>());
        let mut first = newest[0].seq;
        let mut pages = 1;
        while first > 1 {
            let page = store.messages_before(&thread.id, first, 100).await.unwrap();
            assert_eq!(page.last().unwrap().seq, first - 1, "right before the oldest shown");
            assert!(page.windows(2).all(|w| w[1].seq == w[0].seq + 1), "oldest first, none skipped");
            first = page[0].seq;
            pages += 1;
        }
        assert_eq!(pages, 15);
        assert_eq!(store.messages_before(&thread.id, 30, 100).await.unwrap().len(), 29, "a short first page");
        assert!(store.messages_before(&thread.id, 1, 100).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn messages_survive_a_restart_on_surrealkv() {
        let dir = crate::store::test_support::TempDir::new();
        let thread_id = {
            let store = Store::open(&dir.url()).await.unwrap();
            store.migrate().await.unwrap();
            let (_, thread) = thread_fixture(&store, "DUR001-0001").await;
            store.append_message(customer_says(&thread.id, "still here?", "d-1")).await.unwrap();
            thread.id
        };
        // Give the closed datastore a moment to release its lock before reopening.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let reopened = Store::open(&dir.url()).await.unwrap();
        reopened.migrate().await.unwrap();
        let messages = reopened.messages_after(&thread_id, 0, 10).await.unwrap();
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].body, "still here?");
    }
}
