//! "Jon is replying…": when each staff member last typed in a thread's reply box. Written at most
//! every few seconds while someone types, read by the team's thread polls from memory until the
//! next such write, and shown only while recent, so an old row needs no clean-up to stop showing.

use chrono::{DateTime, Duration, Utc};
use surrealdb::types::SurrealValue;

use super::changes::Scope;
use super::ids::{record, Record};
use super::{Store, StoreError};
use crate::ids::{StaffId, ThreadId};

/// How long after their last keystroke that reached the server someone still counts as replying.
/// Longer than the 7.5 s between polls, so every poll in that time sees them once they have typed.
pub const TYPING_SHOWS_FOR: Duration = Duration::seconds(9);

#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct TypingRecord {
    #[surreal(rename = "staff")]
    pub staff_id: StaffId,
    pub name: String,
    pub at: DateTime<Utc>,
}

/// The row of one staff member in one thread.
pub(super) fn typing_row(thread_id: &ThreadId, staff_id: &StaffId) -> surrealdb::types::RecordId {
    record("typing", &format!("{thread_id}/{staff_id}"))
}

impl Store {
    /// `staff_id` typed in the thread's reply box at `at`.
    pub async fn note_typing(
        &self,
        thread_id: &ThreadId,
        staff_id: &StaffId,
        name: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sql = "UPSERT ONLY $row CONTENT { thread: $thread, staff: $staff, name: $name, at: $at } RETURN NONE";
        self.write(&[Scope::Typing(thread_id)], sql, |q| {
            q.bind(("row", typing_row(thread_id, staff_id)))
                .bind(("thread", thread_id.record()))
                .bind(("staff", staff_id.record()))
                .bind(("name", name.to_owned()))
                .bind(("at", at))
        })
        .await?
        .check()?;
        Ok(())
    }

    /// Who other than `me` typed in the thread in the `TYPING_SHOWS_FOR` before `now`, by name.
    pub async fn replying(
        &self,
        thread_id: &ThreadId,
        me: &StaffId,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        let load = || async {
            let mut response = self
                .db
                .read("SELECT staff, name, at FROM typing WHERE thread = $thread ORDER BY at")
                .bind(("thread", thread_id.record()))
                .await?;
            Ok(response.take::<Vec<TypingRecord>>(0)?)
        };
        let typing = self.remembered_in(|c| &c.typing, thread_id, Scope::Typing(thread_id), load).await?;
        Ok(typing
            .into_iter()
            .filter(|t| &t.staff_id != me && t.at > now - TYPING_SHOWS_FOR && t.at <= now + TYPING_SHOWS_FOR)
            .map(|t| t.name)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SenderType;
    use crate::store::messages::NewMessage;
    use crate::store::test_support::{at, backends, thread_fixture};

    #[tokio::test]
    async fn someone_replying_shows_to_others_for_a_few_seconds_and_ends_with_their_reply() {
        for (backend, store, _dir) in backends().await {
            let (_, thread) = thread_fixture(&store, "TYP001-0001").await;
            let (jon, maya) = (StaffId::new("jon"), StaffId::new("maya"));
            let t0 = at(0);
            assert!(store.replying(&thread.id, &maya, t0).await.unwrap().is_empty(), "{backend}");

            store.note_typing(&thread.id, &jon, "Jon Berg", t0).await.unwrap();
            assert_eq!(store.replying(&thread.id, &maya, t0).await.unwrap(), ["Jon Berg"], "{backend}");
            assert!(store.replying(&thread.id, &jon, t0).await.unwrap().is_empty(), "{backend}: not to himself");
            let later = t0 + TYPING_SHOWS_FOR - Duration::milliseconds(1);
            assert_eq!(store.replying(&thread.id, &maya, later).await.unwrap(), ["Jon Berg"], "{backend}");
            assert!(
                store.replying(&thread.id, &maya, t0 + TYPING_SHOWS_FOR).await.unwrap().is_empty(),
                "{backend}: gone once he has stopped for a while"
            );

            // He types again, overwriting his row, then sends: his reply ends it at once.
            store.note_typing(&thread.id, &jon, "Jon Berg", at(1)).await.unwrap();
            assert_eq!(store.replying(&thread.id, &maya, at(1)).await.unwrap(), ["Jon Berg"]);
            let reply = NewMessage {
                thread_id: &thread.id,
                sender_type: SenderType::Operator,
                staff_id: Some(&jon),
                sender_name: "Jon Berg",
                body: "On our way.",
                files: &[],
                client_id: "r-1",
                at: at(1),
            };
            store.append_message(reply).await.unwrap();
            assert!(store.replying(&thread.id, &maya, at(1)).await.unwrap().is_empty(), "{backend}");
        }
    }

    #[tokio::test]
    async fn polls_of_a_thread_nobody_types_in_read_who_is_typing_from_memory() {
        let store = Store::open_in_memory().await.unwrap();
        let (_, thread) = thread_fixture(&store, "TYP002-0001").await;
        let maya = StaffId::new("maya");
        assert!(store.replying(&thread.id, &maya, at(0)).await.unwrap().is_empty());

        // A row the store did not write: a poll that still answers without it read no database.
        store
            .db
            .behind_the_stores_back(
                "CREATE typing SET thread = (SELECT VALUE id FROM thread LIMIT 1)[0], staff = staff:jon,
                 name = 'Jon', at = d'2026-11-24T09:00:00Z'",
            )
            .await
            .unwrap()
            .check()
            .unwrap();
        for _ in 0..3 {
            assert!(store.replying(&thread.id, &maya, at(0)).await.unwrap().is_empty(), "kept");
        }
        // Someone types through the store: the next poll reads again and sees both.
        store.note_typing(&thread.id, &StaffId::new("ana"), "Ana", at(0)).await.unwrap();
        let mut names = store.replying(&thread.id, &maya, at(0)).await.unwrap();
        names.sort();
        assert_eq!(names, ["Ana", "Jon"]);
    }
}
