//! Saved replies, as Settings manages them and the composer offers them.

use serde::{Deserialize, Serialize};

use crate::ids::SavedReplyId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedReplyView {
    pub id: SavedReplyId,
    pub name: String,
    /// As written, booking details in braces: `{first_name}`.
    pub text: String,
}

/// A booking's details as a reply fills them in: already in words, the date and time in the
/// booking location's time zone. A detail the booking lacks is empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BookingDetailsView {
    pub first_name: String,
    pub last_name: String,
    pub activity: String,
    /// "Thursday, Nov 26"
    pub date: String,
    /// "17:30"
    pub start_time: String,
    /// "2 h 30 min"
    pub duration: String,
    pub party_size: String,
    pub confirmation_code: String,
    pub location: String,
}
