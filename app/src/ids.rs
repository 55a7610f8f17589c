//! Record ids, a type each, so that a thread's id cannot be passed where a location's is meant.
//! Each is the record's key (the part after `table:`) and travels as that plain string.

use serde::{Deserialize, Serialize};

macro_rules! record_ids {
    ($($(#[$doc:meta])* $name:ident => $table:literal,)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The table its records live in.
            pub const TABLE: &'static str = $table;

            pub fn new(key: impl Into<String>) -> Self {
                $name(key.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        /// An id reads as its key wherever text is wanted (SQL parameters, URLs, logs); no key
        /// turns into an id without saying which.
        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    )*};
}

record_ids! {
    LocationId => "location",
    StaffId => "staff",
    CustomerId => "customer",
    BookingId => "booking",
    /// A booking's one conversation: its key is its booking's (`ThreadId::of`).
    ThreadId => "thread",
    MessageId => "message",
    ApiKeyId => "api_key",
    EndpointId => "webhook_endpoint",
    DeliveryId => "webhook_delivery",
    EventId => "event",
    EmailId => "email",
    /// Random and long: a file's address must not be guessable.
    AttachmentId => "attachment",
    SavedReplyId => "saved_reply",
    NoteId => "note",
    BroadcastId => "broadcast",
}

impl ThreadId {
    /// The thread of a booking (which it may not have yet).
    pub fn of(booking: &BookingId) -> ThreadId {
        ThreadId(booking.0.clone())
    }

    /// The booking a thread belongs to.
    pub fn booking(&self) -> BookingId {
        BookingId(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_travel_as_their_key_and_a_thread_shares_its_bookings() {
        let booking = BookingId::new("b1");
        assert_eq!(serde_json::to_string(&booking).unwrap(), r#""b1""#);
        assert_eq!(serde_json::from_str::<BookingId>(r#""b1""#).unwrap(), booking);
        assert_eq!(ThreadId::of(&booking).booking(), booking);
        assert_eq!(&*ThreadId::of(&booking), "b1");
        assert_eq!(ThreadId::TABLE, "thread");
    }
}
