//! Wire types shared by the server and the browser: plain serde structs, string ids, no database types.

use serde::{Deserialize, Serialize};

/// What the home page shows: the demo's entry points when the server runs with demo data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeInfo {
    pub demo: Option<DemoGuide>,
}

/// Where a newcomer can click in the demo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoGuide {
    pub portals: Vec<DemoPortal>,
    pub staff: Vec<DemoLogin>,
}

/// A demo booking's portal link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoPortal {
    pub customer_name: String,
    pub activity: String,
    pub location_name: String,
    pub path: String,
}

/// A demo staff account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoLogin {
    pub display_name: String,
    pub email: String,
    pub password: String,
}

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

/// A booking's state, as its status pill shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookingStatus {
    Confirmed,
    Cancelled,
    Complete,
}

impl BookingStatus {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Confirmed => "confirmed",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::Complete => "complete",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "confirmed" => Some(BookingStatus::Confirmed),
            "cancelled" => Some(BookingStatus::Cancelled),
            "complete" => Some(BookingStatus::Complete),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BookingStatus::Confirmed => "Confirmed",
            BookingStatus::Cancelled => "Cancelled",
            BookingStatus::Complete => "Complete",
        }
    }
}

/// A message as both chat views show it. Day and time are already in the location's time zone,
/// so the server's HTML and the browser's render agree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub id: String,
    pub seq: i64,
    pub sender_type: SenderType,
    pub sender_name: String,
    pub body: String,
    pub client_id: String,
    pub day: chrono::NaiveDate,
    /// "14:05"
    pub time: String,
}

/// Both sides' read state of a thread; comes back with every poll so "Seen" updates live.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadState {
    pub customer_read_seq: i64,
    pub operator_read_seq: i64,
    pub unread_for_customer: i64,
    pub unread_for_operator: i64,
}

impl ReadState {
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

/// A booking as the portal's header and the dashboard's side panel show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingSummary {
    pub activity: String,
    pub confirmation_code: String,
    pub status: BookingStatus,
    pub location_name: String,
    pub customer_name: String,
    /// "Tuesday, Nov 24"
    pub date: String,
    /// "17:30"
    pub start_time: String,
    /// "2 h 30 min"
    pub duration: String,
    pub party_size: i64,
}

/// How many messages a chat opens with, and how many more each "Load earlier messages" brings.
pub const MESSAGE_PAGE: usize = 100;

/// What a customer's portal page opens with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortalSnapshot {
    pub booking: BookingSummary,
    /// Support Messaging is on: the composer shows, sends are accepted.
    pub can_write: bool,
    pub opening: ChatOpening,
}

/// The newest page of a conversation, as a chat view opens with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatOpening {
    /// Oldest first, at most `MESSAGE_PAGE`.
    pub messages: Vec<ChatMessage>,
    /// Older messages exist than the first one here.
    pub has_earlier: bool,
    pub read: ReadState,
    /// Today in the location's time zone, for the "Today" / "Yesterday" labels.
    pub today: chrono::NaiveDate,
}

/// Messages from just before the oldest one a chat shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarlierMessages {
    /// Oldest first, at most `MESSAGE_PAGE`.
    pub messages: Vec<ChatMessage>,
    pub has_earlier: bool,
}

/// What changed in a conversation after a poll's seq.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatChanges {
    pub messages: Vec<ChatMessage>,
    pub read: ReadState,
    /// Whether this side may send (the portal's messaging switch; always true for the team).
    pub can_write: bool,
    pub today: chrono::NaiveDate,
}

/// One of the locations a staff member works at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationOption {
    pub id: String,
    pub name: String,
}

/// Who is signed in, where they are looking, and what the navigation shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffMe {
    pub display_name: String,
    pub email: String,
    pub locations: Vec<LocationOption>,
    pub location: Option<LocationOption>,
    pub portal_enabled: bool,
    pub messaging_enabled: bool,
}

/// A row of the Conversations list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxRow {
    pub thread_id: String,
    pub customer_name: String,
    pub activity: String,
    /// The confirmation code's first segment: "KAY7Q2".
    pub code: String,
    /// The booking's date: "Nov 24".
    pub booking_date: String,
    pub preview: String,
    pub last_sender: Option<SenderType>,
    /// When the last message came (unix milliseconds) and its local date, for "5m" / "Nov 14".
    pub last_message_ms: i64,
    pub last_message_day: chrono::NaiveDate,
    pub status: BookingStatus,
    pub unread: i64,
    /// When the thread last changed (unix milliseconds): an older copy never replaces a newer one.
    pub updated_ms: i64,
}

/// A page of the Conversations list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxPage {
    pub rows: Vec<InboxRow>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<String>,
    pub status: InboxStatus,
}

/// Where a dashboard starts following its location's inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxStart {
    pub status: InboxStatus,
    /// The position to ask for changes after.
    pub changes: String,
}

/// What changed in the location's inbox after a poll's position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxChanges {
    /// Oldest change first.
    pub rows: Vec<InboxRow>,
    /// The position of the last change returned (the one asked after when nothing changed).
    pub next: String,
    /// More changes wait after `next`: ask again at once.
    pub more: bool,
    pub status: InboxStatus,
}

/// The server's clock and the unread count, sent with every inbox answer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct InboxStatus {
    /// The server's time (unix milliseconds): relative times count from it, on both sides alike.
    pub now_ms: i64,
    pub today: chrono::NaiveDate,
    /// Threads of the location with at least one unread customer message.
    pub unread_threads: i64,
}

/// An open thread in the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadView {
    pub thread_id: String,
    pub booking_id: String,
    pub customer_id: String,
    pub booking: BookingSummary,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    pub opening: ChatOpening,
}

/// A location's switches, as the Settings page shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocationSettings {
    pub location: LocationOption,
    pub portal_enabled: bool,
    pub messaging_enabled: bool,
}

/// A row of the Bookings list, and of a customer's bookings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingRow {
    pub booking_id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub activity: String,
    pub confirmation_code: String,
    /// "Tuesday, Nov 24"
    pub date: String,
    pub start_time: String,
    pub status: BookingStatus,
}

/// A booking as its dashboard page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingDetail {
    pub booking_id: String,
    pub customer_id: String,
    pub summary: BookingSummary,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    /// The booking's conversation, if it has one yet.
    pub thread_id: Option<String>,
}

/// A customer's CRM profile, with their bookings at the staff member's locations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerProfile {
    pub customer_id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub bookings: Vec<BookingRow>,
}

/// A webhook endpoint as Settings lists it (the secret is shown only once, at creation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookEndpointView {
    pub id: String,
    pub url: String,
    pub event_types: Vec<String>,
    pub enabled: bool,
}

/// A new endpoint with its signing secret, shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedWebhook {
    pub endpoint: WebhookEndpointView,
    pub secret: String,
}

/// One delivery as Settings lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: String,
    pub endpoint_url: String,
    pub event_type: String,
    pub webhook_id: String,
    /// "pending", "succeeded" or "failed"
    pub status: String,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    /// When it was made, in the location's time zone: "Nov 22 14:05".
    pub created: String,
}

/// The Webhooks section of Settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookSettings {
    pub endpoints: Vec<WebhookEndpointView>,
    pub deliveries: Vec<DeliveryView>,
    pub event_types: Vec<String>,
}

/// An API key as Settings lists it (the key itself is shown only once, at creation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: String,
    pub name: String,
    /// The key's first characters: "pk_1a2b3c4".
    pub prefix: String,
    pub revoked: bool,
}

/// A new key, shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedApiKey {
    pub key: ApiKeyView,
    pub secret: String,
}
