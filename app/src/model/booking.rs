//! Bookings: their state, and how the portal, the dashboard and lists show them.

use serde::{Deserialize, Serialize};

use crate::ids::{BookingId, CustomerId, ThreadId};

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

/// A booking as the portal's header and the dashboard's side panel show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingView {
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

/// The customer's email choice for one booking: the page an email's unsubscribe link opens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortalEmailsView {
    pub booking: BookingView,
    /// Emails come when a reply waits unread.
    pub emails_on: bool,
    /// The booking has an address to send them to.
    pub has_address: bool,
}

/// A row of the Bookings list, and of a customer's bookings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingRowView {
    pub booking_id: BookingId,
    pub customer_id: CustomerId,
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
pub struct BookingDetailView {
    pub booking_id: BookingId,
    pub customer_id: CustomerId,
    pub summary: BookingView,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    /// The booking's conversation, if it has one yet.
    pub thread_id: Option<ThreadId>,
}

/// A customer's CRM profile, with their bookings at the staff member's locations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerView {
    pub customer_id: CustomerId,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub bookings: Vec<BookingRowView>,
}
