//! A conversation as both chat views hold it: messages, read state, the page it opens with and
//! what polls bring.

use serde::{Deserialize, Serialize};

use crate::ids::{AttachmentId, BookingId, CustomerId, MessageId, ThreadId};

use super::booking::BookingView;
use super::note::NoteView;
use super::saved_reply::BookingDetailsView;

/// Who wrote a message; stored as 0 (customer) and 1 (operator), as integrators know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SenderType {
    Customer,
    Operator,
}

impl SenderType {
    pub fn code(self) -> i64 {
        match self {
            SenderType::Customer => 0,
            SenderType::Operator => 1,
        }
    }

    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            0 => Some(SenderType::Customer),
            1 => Some(SenderType::Operator),
            _ => None,
        }
    }

    /// The other side of the conversation.
    pub fn other(self) -> Self {
        match self {
            SenderType::Customer => SenderType::Operator,
            SenderType::Operator => SenderType::Customer,
        }
    }
}

/// A message as both chat views show it. Day and time are already in the location's time zone,
/// so the server's HTML and the browser's render agree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: MessageId,
    pub seq: i64,
    pub sender_type: SenderType,
    pub sender_name: String,
    /// Empty for a message of files only.
    pub body: String,
    pub files: Vec<FileView>,
    /// Unsent: shown as "Message deleted", with no text or files.
    pub deleted: bool,
    pub client_id: String,
    #[serde(with = "crate::model::day")]
    pub day: chrono::NaiveDate,
    /// "14:05"
    pub time: String,
}

/// A photo or a file in a message. Each side reads it at an address of its own (the portal's or
/// the dashboard's), made from the id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileView {
    pub id: AttachmentId,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// A photo's size in pixels, so the page keeps its place before it loads.
    pub width: Option<i64>,
    pub height: Option<i64>,
}

impl FileView {
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }
}

/// Both sides' read state of a thread; comes back with every poll so "Seen" updates live.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadStateView {
    pub customer_read_seq: i64,
    pub operator_read_seq: i64,
    pub unread_for_customer: i64,
    pub unread_for_operator: i64,
}

impl ReadStateView {
    /// How far the other side of `me` has read.
    pub fn other_side_read_seq(&self, me: SenderType) -> i64 {
        match me {
            SenderType::Customer => self.operator_read_seq,
            SenderType::Operator => self.customer_read_seq,
        }
    }

    /// How many of the other side's messages `me` has not read.
    pub fn unread_for(&self, me: SenderType) -> i64 {
        match me {
            SenderType::Customer => self.unread_for_customer,
            SenderType::Operator => self.unread_for_operator,
        }
    }

    /// `me` has read everything up to `seq` (sending a message reads the thread for its sender).
    pub fn read_up_to(&mut self, me: SenderType, seq: i64) {
        match me {
            SenderType::Customer => (self.customer_read_seq, self.unread_for_customer) = (seq, 0),
            SenderType::Operator => (self.operator_read_seq, self.unread_for_operator) = (seq, 0),
        }
    }
}

/// How many messages a chat opens with, and how many more each "Load earlier messages" brings.
pub const MESSAGE_PAGE: usize = 100;

/// What a customer's portal page opens with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortalPageView {
    pub booking: BookingView,
    /// Support Messaging is on: the composer shows, sends are accepted.
    pub can_write: bool,
    pub opening: ChatOpeningView,
}

/// The newest page of a conversation, as a chat view opens with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatOpeningView {
    /// Oldest first, at most `MESSAGE_PAGE`.
    pub messages: Vec<MessageView>,
    /// Older messages exist than the first one here.
    pub has_earlier: bool,
    pub read: ReadStateView,
    /// Today in the location's time zone, for the "Today" / "Yesterday" labels.
    #[serde(with = "crate::model::day")]
    pub today: chrono::NaiveDate,
    /// The thread's changes to sent messages so far: polls ask for the ones after it.
    pub edit_seq: i64,
}

/// Messages from just before the oldest one a chat shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarlierMessagesView {
    /// Oldest first, at most `MESSAGE_PAGE`.
    pub messages: Vec<MessageView>,
    pub has_earlier: bool,
}

/// What changed in a conversation after a poll's seq.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatChangesView {
    pub messages: Vec<MessageView>,
    /// Messages at or before the poll's seq that changed after its edit (unsent ones).
    pub edited: Vec<MessageView>,
    pub edit_seq: i64,
    pub read: ReadStateView,
    /// Whether this side may send (the portal's messaging switch; always true for the team).
    pub can_write: bool,
    #[serde(with = "crate::model::day")]
    pub today: chrono::NaiveDate,
}

/// An open thread in the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadView {
    pub thread_id: ThreadId,
    pub booking_id: BookingId,
    pub customer_id: CustomerId,
    pub booking: BookingView,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    /// What a saved reply fills in for this booking.
    pub details: BookingDetailsView,
    pub opening: ChatOpeningView,
    /// The team's notes among the opening's messages, oldest first.
    pub notes: Vec<NoteView>,
    /// The thread's newest note: polls ask for the ones after it.
    pub note_seq: i64,
}

/// A team poll of a thread: what the customer's poll brings too, and the team's own news.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadChangesView {
    #[serde(flatten)]
    pub chat: ChatChangesView,
    /// Notes after the poll's note seq, oldest first.
    pub notes: Vec<NoteView>,
    pub note_seq: i64,
    /// Colleagues who typed a reply in the last few seconds, by name.
    pub replying: Vec<String>,
}

/// "Load earlier messages" in the team's thread: the page, and the notes among it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadEarlierView {
    #[serde(flatten)]
    pub page: EarlierMessagesView,
    pub notes: Vec<NoteView>,
}
