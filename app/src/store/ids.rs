//! Record ids in and out: the rest of the app sees only the key part, as a string.

use surrealdb::types::{RecordId, RecordIdKey};

/// The record `table:key` for a key that came from outside (a URL, a form).
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
