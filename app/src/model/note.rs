//! Staff notes as the team's thread view shows them: among the messages, never sent to a customer.

use serde::{Deserialize, Serialize};

use crate::ids::NoteId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoteView {
    pub id: NoteId,
    /// Gapless per thread: polls ask for the notes after the last one held.
    pub note_seq: i64,
    /// It follows the message with this seq (0: before every message).
    pub after_seq: i64,
    pub author_name: String,
    pub body: String,
    pub client_id: String,
    #[serde(with = "crate::model::day")]
    pub day: chrono::NaiveDate,
    /// "14:05", in the location's time zone.
    pub time: String,
}
