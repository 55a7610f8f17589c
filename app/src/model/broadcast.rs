//! Departures and the messages sent to them (broadcasts), as the team's pages show them.

use serde::{Deserialize, Serialize};

use super::booking::BookingStatus;
use crate::ids::{BookingId, BroadcastId, ThreadId};

/// One activity at one start time, and how many bookings it has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepartureView {
    pub activity: String,
    /// The start in UTC, RFC 3339: what names the departure in a request.
    pub starts_at: String,
    /// "Thursday, Nov 26" and "17:30", in the location's time zone.
    pub date: String,
    pub start_time: String,
    pub confirmed: usize,
    pub cancelled: usize,
}

/// A booking on a departure, as the broadcast form lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepartureBookingView {
    pub booking_id: BookingId,
    pub customer_name: String,
    pub confirmation_code: String,
    pub party_size: i64,
    pub status: BookingStatus,
}

/// A departure with its bookings: what a broadcast is written for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepartureDetailView {
    pub departure: DepartureView,
    pub bookings: Vec<DepartureBookingView>,
}

/// A broadcast in a list: when, to which departure, how far it is read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BroadcastSummaryView {
    pub id: BroadcastId,
    pub activity: String,
    pub date: String,
    pub start_time: String,
    pub sender_name: String,
    /// "Nov 24, 14:05", in the location's time zone.
    pub sent_at: String,
    pub recipients: usize,
    pub seen: usize,
}

/// One booking of a broadcast and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecipientView {
    pub booking_id: BookingId,
    pub thread_id: ThreadId,
    pub customer_name: String,
    pub confirmation_code: String,
    pub status: BookingStatus,
    pub sent: bool,
    pub seen: bool,
    pub replied: bool,
}

/// A broadcast's page: what was sent, to whom, and who has seen it and replied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BroadcastView {
    pub summary: BroadcastSummaryView,
    /// As written, booking details in braces.
    pub body: String,
    pub recipients: Vec<RecipientView>,
}
