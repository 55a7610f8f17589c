//! Record ids in and out of the database: each id type is stored as a record link to its table, and
//! read back as its key.

use surrealdb::types::{Error, Kind, RecordId, RecordIdKey, SurrealValue, Value};

use crate::ids::{
    ApiKeyId, AttachmentId, BookingId, BroadcastId, CustomerId, DeliveryId, EmailId, EndpointId, EventId, LocationId,
    MessageId, NoteId, SavedReplyId, StaffId, ThreadId,
};

/// The record `table:key` of a table without an id type (a throttle, a migration's own rows).
pub(crate) fn record(table: &str, key: &str) -> RecordId {
    RecordId::new(table, key)
}

/// The key of a record id, as the string the app uses.
pub(crate) fn key(id: &RecordId) -> String {
    match &id.key {
        RecordIdKey::String(s) => s.clone(),
        RecordIdKey::Number(n) => n.to_string(),
        RecordIdKey::Uuid(u) => u.to_string(),
        other => format!("{other:?}"),
    }
}

/// An id as the record link SurrealQL takes.
pub(crate) trait Record {
    fn record(&self) -> RecordId;
}

macro_rules! stored_as_records {
    ($($name:ident),*) => {$(
        impl Record for $name {
            fn record(&self) -> RecordId {
                RecordId::new(Self::TABLE, &**self)
            }
        }

        impl SurrealValue for $name {
            fn kind_of() -> Kind {
                RecordId::kind_of()
            }

            fn is_value(value: &Value) -> bool {
                matches!(value, Value::RecordId(id) if id.table.as_str() == Self::TABLE)
            }

            fn into_value(self) -> Value {
                self.record().into_value()
            }

            fn from_value(value: Value) -> Result<Self, Error> {
                Ok($name::new(key(&RecordId::from_value(value)?)))
            }
        }
    )*};
}

stored_as_records!(
    LocationId,
    StaffId,
    CustomerId,
    BookingId,
    ThreadId,
    MessageId,
    ApiKeyId,
    EndpointId,
    DeliveryId,
    EventId,
    EmailId,
    AttachmentId,
    SavedReplyId,
    NoteId,
    BroadcastId
);

/// The model's enums, stored as the values integrators know: a sender as 0 or 1, a status as text.
macro_rules! stored_as {
    ($name:ty, $stored:ty, $to:expr, $from:expr) => {
        impl SurrealValue for $name {
            fn kind_of() -> Kind {
                <$stored>::kind_of()
            }

            fn into_value(self) -> Value {
                let to: fn($name) -> $stored = $to;
                to(self).into_value()
            }

            fn from_value(value: Value) -> Result<Self, Error> {
                let from: fn(&$stored) -> Option<$name> = $from;
                let stored = <$stored>::from_value(value)?;
                from(&stored).ok_or_else(|| Error::internal(format!("{stored:?} is not a {}", stringify!($name))))
            }
        }
    };
}

stored_as!(crate::model::SenderType, i64, |s| s.code(), |c| crate::model::SenderType::from_code(*c));

/// Enums stored as their text (`as_str`, read back with `parse`).
macro_rules! stored_as_text {
    ($($name:ty),*) => {$(
        stored_as!($name, String, |s| s.as_str().to_owned(), |s| <$name>::parse(s));
    )*};
}

stored_as_text!(
    crate::model::BookingStatus,
    super::webhooks::DeliveryStatus,
    super::emails::EmailKind,
    super::emails::EmailStatus
);
