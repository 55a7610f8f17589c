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
