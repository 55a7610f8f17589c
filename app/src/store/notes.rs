//! Staff notes in a thread: text the team writes for each other, placed among the messages but
//! kept in a table of their own. No customer-facing read touches this table; a note moves no
//! unread count, no preview and no outbox event, so nothing about it can reach a customer, an
//! email or a webhook.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::changes::Scope;
use super::error::is_duplicate_in;
use super::ids::Record;
use super::retry::retrying;
use super::{Store, StoreError};
use crate::ids::{NoteId, StaffId, ThreadId};
use crate::text::{validate_body, BodyError, MAX_BODY_CHARS};

#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct NoteRecord {
    pub id: NoteId,
    #[surreal(rename = "thread")]
    pub thread_id: ThreadId,
    #[surreal(rename = "staff")]
    pub staff_id: StaffId,
    /// The writer's name when they wrote it.
    pub author_name: String,
    pub body: String,
    /// It follows the message with this seq (0: before every message).
    pub after_seq: i64,
    /// Gapless per thread: the team's polls ask for the notes after one.
    pub note_seq: i64,
    pub client_id: String,
    pub created_at: DateTime<Utc>,
}

/// A note to add. Its body follows a message's rules (trimmed, 1 to 4000 characters).
#[derive(Debug, Clone)]
pub struct NewNote<'a> {
    pub thread_id: &'a ThreadId,
    pub staff_id: &'a StaffId,
    pub author_name: &'a str,
    pub body: &'a str,
    /// A second add with the same one returns the first note.
    pub client_id: &'a str,
    pub at: DateTime<Utc>,
}

/// Reading the thread's seqs and writing it in one transaction makes concurrent notes conflict,
/// so each gets its own note seq; the note is placed after the newest message at that moment.
const ADD_NOTE: &str = "{
    LET $t = SELECT last_seq, last_note_seq, location FROM ONLY $thread;
    IF $t = NONE { THROW 'no such thread' };
    LET $n = $t.last_note_seq + 1;
    UPDATE ONLY $thread SET last_note_seq = $n;
    RETURN CREATE ONLY note CONTENT { thread: $thread, location: $t.location, staff: $staff,
        author_name: $author_name, body: $body, after_seq: $t.last_seq, note_seq: $n,
        client_id: $client_id, created_at: $at };
}";

impl Store {
    /// Adds a note to a thread. A repeated `client_id` returns the first note and writes nothing.
    pub async fn add_note(&self, new: NewNote<'_>) -> Result<NoteRecord, StoreError> {
        let body = validate_body(new.body).map_err(|err| {
            StoreError::Invalid(match err {
                BodyError::TooLong { chars } => {
                    format!("This note is {chars} characters long; the limit is {MAX_BODY_CHARS}.")
                }
                _ => "Write the note before adding it.".into(),
            })
        })?;
        let thread = new.thread_id.record();
        retrying(|| async {
            if let Some(note) = self.note_by_client_id(new.thread_id, new.client_id).await? {
                return Ok(note);
            }
            let stored = self
                .write(&[Scope::Booking(new.thread_id)], ADD_NOTE, |q| {
                    q.bind(("thread", thread.clone()))
                        .bind(("staff", new.staff_id.record()))
                        .bind(("author_name", new.author_name.to_owned()))
                        .bind(("body", body.clone()))
                        .bind(("client_id", new.client_id.to_owned()))
                        .bind(("at", new.at))
                })
                .await
                .and_then(|mut response| response.take::<Option<NoteRecord>>(0));
            match stored {
                Ok(note) => note.ok_or(StoreError::NotFound),
                Err(err) if err.is_thrown() => Err(StoreError::NotFound),
                // A concurrent add with the same client id won: the next attempt returns its note.
                Err(err) if is_duplicate_in(&err, "note_client") => Err(StoreError::Conflict),
                Err(err) => Err(err.into()),
            }
        })
        .await
    }

    async fn note_by_client_id(&self, thread_id: &ThreadId, client_id: &str) -> Result<Option<NoteRecord>, StoreError> {
        let mut response = self
            .db
            .read("SELECT * FROM note WHERE thread = $thread AND client_id = $client_id LIMIT 1")
            .bind(("thread", thread_id.record()))
            .bind(("client_id", client_id.to_owned()))
            .await?;
        Ok(response.take(0)?)
    }

    /// The thread's notes with a note seq above `after_note_seq`, oldest first, at most `limit`.
    pub async fn notes_after(
        &self,
        thread_id: &ThreadId,
        after_note_seq: i64,
        limit: usize,
    ) -> Result<Vec<NoteRecord>, StoreError> {
        let mut response = self
            .db
            .read("SELECT * FROM note WHERE thread = $thread AND note_seq > $after ORDER BY note_seq LIMIT $limit")
            .bind(("thread", thread_id.record()))
            .bind(("after", after_note_seq))
            .bind(("limit", limit.clamp(1, 1000) as i64))
            .await?;
        Ok(response.take(0)?)
    }

    /// The notes placed among the messages `from_seq..=to_seq` (a note after message 0 sits
    /// before the first), oldest first: what goes with one page of messages.
    pub async fn notes_among(
        &self,
        thread_id: &ThreadId,
        from_seq: i64,
        to_seq: i64,
    ) -> Result<Vec<NoteRecord>, StoreError> {
        let mut response = self
            .db
            .read(
                "SELECT * FROM note WHERE thread = $thread AND after_seq >= $from AND after_seq <= $to
                 ORDER BY note_seq LIMIT 1000",
            )
            .bind(("thread", thread_id.record()))
            .bind(("from", from_seq))
            .bind(("to", to_seq))
            .await?;
        Ok(response.take(0)?)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use tokio::task::JoinSet;

    use super::*;
    use crate::model::SenderType;
    use crate::store::test_support::{at, backends, say, thread_fixture};

    fn note<'a>(thread_id: &'a ThreadId, staff_id: &'a StaffId, body: &'a str, client_id: &'a str) -> NewNote<'a> {
        NewNote { thread_id, staff_id, author_name: "Maya Lind", body, client_id, at: at(0) }
    }

    #[tokio::test]
    async fn a_note_sits_after_the_newest_message_and_moves_no_unread_count_preview_or_event() {
        for (backend, store, _dir) in backends().await {
            let (_, thread) = thread_fixture(&store, "NOT001-0001").await;
            let maya = StaffId::new("maya");
            let first = store.add_note(note(&thread.id, &maya, "  Called them, no answer.  ", "n-1")).await.unwrap();
            assert_eq!((first.after_seq, first.note_seq), (0, 1), "{backend}");
            assert_eq!(first.body, "Called them, no answer.", "{backend}: trimmed");

            say(&store, &thread.id, SenderType::Customer, "Is parking free?", &[], 1).await;
            let before = store.thread(&thread.id).await.unwrap();
            let second = store.add_note(note(&thread.id, &maya, "VIP: their 3rd trip", "n-2")).await.unwrap();
            assert_eq!((second.after_seq, second.note_seq), (1, 2), "{backend}");

            let after = store.thread(&thread.id).await.unwrap();
            assert_eq!(after.last_note_seq, 2, "{backend}");
            assert_eq!(
                (
                    after.last_seq,
                    after.unread_for_operator,
                    after.unread_for_customer,
                    &after.preview,
                    after.last_message_at
                ),
                (
                    before.last_seq,
                    before.unread_for_operator,
                    before.unread_for_customer,
                    &before.preview,
                    before.last_message_at
                ),
                "{backend}: a note is no message"
            );
            let mut events = store.db.read("SELECT VALUE type FROM event").await.unwrap();
            let events: Vec<String> = events.take(0).unwrap();
            let about_messages = events.iter().filter(|e| e.starts_with("message")).count();
            assert_eq!(about_messages, 1, "{backend}: the customer's message only: {events:?}");

            let listed = store.notes_after(&thread.id, 0, 100).await.unwrap();
            assert_eq!(listed, [first.clone(), second.clone()], "{backend}");
            assert_eq!(store.notes_after(&thread.id, 1, 100).await.unwrap(), std::slice::from_ref(&second));
            assert_eq!(
                store.notes_among(&thread.id, 0, 0).await.unwrap(),
                [first],
                "{backend}: before the first message"
            );
            assert_eq!(store.notes_among(&thread.id, 1, 1).await.unwrap(), [second], "{backend}");
        }
    }

    #[tokio::test]
    async fn empty_and_overlong_notes_are_refused_and_a_missing_thread_is_not_found() {
        let store = Store::open_in_memory().await.unwrap();
        let (_, thread) = thread_fixture(&store, "NOT002-0001").await;
        let maya = StaffId::new("maya");
        let long = "x".repeat(4001);
        for body in ["  ", long.as_str()] {
            let err = store.add_note(note(&thread.id, &maya, body, "n")).await.unwrap_err();
            assert!(matches!(err, StoreError::Invalid(ref why) if why.contains("note")), "{err:?}");
        }
        assert_eq!(store.thread(&thread.id).await.unwrap().last_note_seq, 0);
        let err = store.add_note(note(&ThreadId::new("nope"), &maya, "hi", "n")).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_notes_get_unique_seqs_and_retries_store_once() {
        for (backend, store, _dir) in backends().await {
            let (_, thread) = thread_fixture(&store, "NOT003-0001").await;
            let mut writers = JoinSet::new();
            for n in 0..12 {
                let (store, thread_id) = (store.clone(), thread.id.clone());
                // Every third writer retries the one before it: twelve calls, eight notes.
                let client_id = format!("writer-{}", n - n % 3 / 2);
                writers.spawn(async move {
                    let maya = StaffId::new("maya");
                    store.add_note(note(&thread_id, &maya, &format!("from {client_id}"), &client_id)).await
                });
            }
            let mut ids = HashSet::new();
            while let Some(result) = writers.join_next().await {
                ids.insert(result.unwrap().unwrap_or_else(|e| panic!("{backend}: {e}")).id);
            }
            let stored = store.notes_after(&thread.id, 0, 100).await.unwrap();
            assert_eq!(ids.len(), stored.len(), "{backend}: a retry returns the first note");
            assert_eq!(stored.len(), 8, "{backend}");
            assert_eq!(stored.iter().map(|n| n.note_seq).collect::<Vec<_>>(), (1..=8).collect::<Vec<_>>());
            assert_eq!(store.thread(&thread.id).await.unwrap().last_note_seq, 8, "{backend}");
        }
    }
}
