//! The dashboard's frame and Conversations list: who is signed in, the inbox and its changes.

use serde::{Deserialize, Serialize};

use crate::ids::{LocationId, ThreadId};

use super::booking::BookingStatus;
use super::chat::SenderType;

/// One of the locations a staff member works at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationView {
    pub id: LocationId,
    pub name: String,
}

/// Who is signed in, where they are looking, and what the navigation shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffView {
    pub display_name: String,
    pub email: String,
    pub locations: Vec<LocationView>,
    pub location: Option<LocationView>,
    pub portal_enabled: bool,
    pub messaging_enabled: bool,
    pub alerts: AlertsView,
}

/// How a staff member wants to hear of customer messages (Settings, Notifications).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertsView {
    /// A desktop notification when a customer writes and the dashboard is not in front of them.
    pub desktop: bool,
    /// A short sound with it.
    pub sound: bool,
    /// An email when a customer message waits unread at one of their locations.
    pub email: bool,
}

/// A row of the Conversations list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxRowView {
    pub thread_id: ThreadId,
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
    #[serde(with = "crate::model::day")]
    pub last_message_day: chrono::NaiveDate,
    pub status: BookingStatus,
    pub unread: i64,
    /// When the thread last changed (unix milliseconds): an older copy never replaces a newer one.
    pub updated_ms: i64,
}

/// A page of the Conversations list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxPageView {
    pub rows: Vec<InboxRowView>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<String>,
    pub status: InboxStatusView,
}

/// Where a dashboard starts following its location's inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxStartView {
    pub status: InboxStatusView,
    /// The position to ask for changes after.
    pub changes: String,
}

/// What changed in the location's inbox after a poll's position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxChangesView {
    /// Oldest change first.
    pub rows: Vec<InboxRowView>,
    /// The position of the last change returned (the one asked after when nothing changed).
    pub next: String,
    /// More changes wait after `next`: ask again at once.
    pub more: bool,
    pub status: InboxStatusView,
}

/// The server's clock and the unread count, sent with every inbox answer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct InboxStatusView {
    /// The server's time (unix milliseconds): relative times count from it, on both sides alike.
    pub now_ms: i64,
    #[serde(with = "crate::model::day")]
    pub today: chrono::NaiveDate,
    /// Threads of the location with at least one unread customer message.
    pub unread_threads: i64,
}

/// A location's switches, as the Settings page shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocationSettingsView {
    pub location: LocationView,
    pub portal_enabled: bool,
    pub messaging_enabled: bool,
    /// After how many minutes a team message unread by the customer is emailed to them; none: never.
    pub customer_email_minutes: Option<u32>,
    /// After how many minutes a customer message unread by the team is emailed to those who chose it.
    pub team_email_minutes: Option<u32>,
    /// Whether this server sends email at all (SMTP is configured).
    pub sends_email: bool,
}
