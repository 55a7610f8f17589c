//! A location's saved replies: a name, and a text that may name the booking's details
//! (`reply_template`), checked before it is stored, so every stored text can be filled in.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::changes::Scope;
use super::error::is_duplicate_in;
use super::ids::Record;
use super::{Store, StoreError};
use crate::ids::{LocationId, SavedReplyId};
use crate::reply_template;
use crate::text::{validate_body, BodyError, MAX_BODY_CHARS};

#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct SavedReplyRecord {
    pub id: SavedReplyId,
    #[surreal(rename = "location")]
    pub location_id: LocationId,
    pub name: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The longest name a saved reply may have.
pub const MAX_NAME_CHARS: usize = 60;

/// A saved reply as it is asked to be stored.
pub struct NewSavedReply<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

impl NewSavedReply<'_> {
    /// The trimmed name and text, or why they cannot be stored.
    fn checked(&self) -> Result<(String, String), StoreError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(StoreError::Invalid(format!("Give the reply a name of 1 to {MAX_NAME_CHARS} characters.")));
        }
        let text = validate_body(self.text).map_err(|err| {
            StoreError::Invalid(match err {
                BodyError::TooLong { chars } => {
                    format!("The reply is {chars} characters long; the limit is {MAX_BODY_CHARS}.")
                }
                _ => "Write the reply's text.".into(),
            })
        })?;
        reply_template::check(&text).map_err(|err| StoreError::Invalid(err.to_string()))?;
        Ok((name.to_owned(), text))
    }
}

/// What a create or an update of a reply named `name` came to: the reply, not found (another
/// location's), or refused because the location has a reply of that name already.
fn stored(row: Result<Option<SavedReplyRecord>, surrealdb::Error>, name: &str) -> Result<SavedReplyRecord, StoreError> {
    match row {
        Ok(row) => row.ok_or(StoreError::NotFound),
        Err(err) if is_duplicate_in(&err, "saved_reply_name") => {
            Err(StoreError::Invalid(format!("There is already a saved reply named \"{name}\".")))
        }
        Err(err) => Err(err.into()),
    }
}

impl Store {
    /// The location's saved replies, by name (whatever the case).
    pub async fn saved_replies(&self, location_id: &LocationId) -> Result<Vec<SavedReplyRecord>, StoreError> {
        let mut replies: Vec<SavedReplyRecord> = self
            .db
            .read("SELECT * FROM saved_reply WHERE location = $location")
            .bind(("location", location_id.record()))
            .await?
            .take(0)?;
        replies.sort_by_cached_key(|reply| reply.name.to_lowercase());
        Ok(replies)
    }

    pub async fn create_saved_reply(
        &self,
        location_id: &LocationId,
        reply: NewSavedReply<'_>,
    ) -> Result<SavedReplyRecord, StoreError> {
        let (name, text) = reply.checked()?;
        let sql = "CREATE ONLY saved_reply CONTENT { location: $location, name: $name, text: $text,
                       created_at: time::now(), updated_at: time::now() }";
        let row = self
            .write(&[Scope::Table("saved_reply")], sql, |q| {
                q.bind(("location", location_id.record())).bind(("name", name.clone())).bind(("text", text))
            })
            .await
            .and_then(|mut response| response.take::<Option<SavedReplyRecord>>(0));
        stored(row, &name)
    }

    /// Changes one of the location's saved replies; another location's is not found.
    pub async fn update_saved_reply(
        &self,
        location_id: &LocationId,
        id: &SavedReplyId,
        reply: NewSavedReply<'_>,
    ) -> Result<SavedReplyRecord, StoreError> {
        let (name, text) = reply.checked()?;
        let sql = "UPDATE ONLY $id SET name = $name, text = $text, updated_at = time::now()
                   WHERE location = $location RETURN AFTER";
        let row = self
            .write(&[Scope::Table("saved_reply")], sql, |q| {
                q.bind(("id", id.record()))
                    .bind(("location", location_id.record()))
                    .bind(("name", name.clone()))
                    .bind(("text", text))
            })
            .await
            .and_then(|mut response| response.take::<Option<SavedReplyRecord>>(0));
        stored(row, &name)
    }

    /// Deletes one of the location's saved replies; another location's is not found.
    pub async fn delete_saved_reply(&self, location_id: &LocationId, id: &SavedReplyId) -> Result<(), StoreError> {
        let sql = "DELETE ONLY $id WHERE location = $location RETURN BEFORE";
        let row: Option<SavedReplyRecord> = self
            .write(&[Scope::Table("saved_reply")], sql, |q| {
                q.bind(("id", id.record())).bind(("location", location_id.record()))
            })
            .await?
            .take(0)?;
        row.map(|_| ()).ok_or(StoreError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply<'a>(name: &'a str, text: &'a str) -> NewSavedReply<'a> {
        NewSavedReply { name, text }
    }

    fn invalid(result: Result<SavedReplyRecord, StoreError>) -> String {
        match result {
            Err(StoreError::Invalid(why)) => why,
            other => panic!("refused as invalid, not {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_location_keeps_its_replies_by_name_and_only_its_own() {
        let store = Store::open_in_memory().await.unwrap();
        let harbour = store.create_location("Harbour", "UTC").await.unwrap();
        let other = store.create_location("Elsewhere", "UTC").await.unwrap();
        let meet = store
            .create_saved_reply(&harbour.id, reply(" Meeting point ", "Hi {first_name}, meet us at the dock."))
            .await
            .unwrap();
        assert_eq!(
            (meet.name.as_str(), meet.text.as_str()),
            ("Meeting point", "Hi {first_name}, meet us at the dock.")
        );
        store.create_saved_reply(&harbour.id, reply("bring", "Bring water.")).await.unwrap();
        store.create_saved_reply(&other.id, reply("Meeting point", "Elsewhere's own.")).await.unwrap();
        let names: Vec<String> = store.saved_replies(&harbour.id).await.unwrap().into_iter().map(|r| r.name).collect();
        assert_eq!(names, ["bring", "Meeting point"], "by name, whatever the case");

        let changed =
            store.update_saved_reply(&harbour.id, &meet.id, reply("Meeting point", "At the dock, {start_time}.")).await;
        assert_eq!(changed.unwrap().text, "At the dock, {start_time}.");
        assert!(matches!(
            store.update_saved_reply(&other.id, &meet.id, reply("Taken over", "No.")).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(store.delete_saved_reply(&other.id, &meet.id).await, Err(StoreError::NotFound)));
        store.delete_saved_reply(&harbour.id, &meet.id).await.unwrap();
        assert_eq!(store.saved_replies(&harbour.id).await.unwrap().len(), 1);
        assert_eq!(store.saved_replies(&other.id).await.unwrap().len(), 1, "the other location's is untouched");
    }

    #[tokio::test]
    async fn what_cannot_be_filled_in_or_shown_is_refused_and_not_stored() {
        let store = Store::open_in_memory().await.unwrap();
        let harbour = store.create_location("Harbour", "UTC").await.unwrap();
        let why = invalid(store.create_saved_reply(&harbour.id, reply("Hello", "Hi {firstname}!")).await);
        assert!(why.starts_with("{firstname} is not a booking detail."), "{why}");
        let why = invalid(store.create_saved_reply(&harbour.id, reply("Hello", "Hi {first_name!")).await);
        assert!(why.contains("not closed"), "{why}");
        assert!(invalid(store.create_saved_reply(&harbour.id, reply("  ", "Text")).await).contains("name"));
        let long_name = "n".repeat(MAX_NAME_CHARS + 1);
        assert!(invalid(store.create_saved_reply(&harbour.id, reply(&long_name, "Text")).await).contains("name"));
        assert_eq!(
            invalid(store.create_saved_reply(&harbour.id, reply("Empty", " \n ")).await),
            "Write the reply's text."
        );
        let long_text = "x".repeat(4001);
        assert!(invalid(store.create_saved_reply(&harbour.id, reply("Long", &long_text)).await).contains("4001"));
        assert!(store.saved_replies(&harbour.id).await.unwrap().is_empty(), "nothing was stored");

        store.create_saved_reply(&harbour.id, reply("Hello", "Hi!")).await.unwrap();
        let why = invalid(store.create_saved_reply(&harbour.id, reply("Hello", "Hi again!")).await);
        assert_eq!(why, "There is already a saved reply named \"Hello\".");
        let other = store.create_saved_reply(&harbour.id, reply("Bye", "Bye!")).await.unwrap();
        let why = invalid(store.update_saved_reply(&harbour.id, &other.id, reply("Hello", "Bye!")).await);
        assert_eq!(why, "There is already a saved reply named \"Hello\".");
    }
}
