//! What can go wrong in the store, and how SurrealDB's errors are told apart.

use surrealdb::types::QueryError;

use crate::text::BodyError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    InvalidBody(#[from] BodyError),
    #[error("{0}")]
    Invalid(String),
    /// Someone else changed the same rows at the same moment; the operation may be tried again.
    #[error("a concurrent write won; try again")]
    Conflict,
    /// Still conflicting after the bounded number of attempts.
    #[error("the database stayed busy after {attempts} attempts")]
    Contended { attempts: u32 },
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Db(surrealdb::Error),
}

impl From<surrealdb::Error> for StoreError {
    fn from(err: surrealdb::Error) -> Self {
        if is_conflict(&err) {
            StoreError::Conflict
        } else if err.is_connection() {
            // The SurrealDB server went away, or did not answer in time (database.rs).
            StoreError::Unavailable(err.message().to_owned())
        } else {
            StoreError::Db(err)
        }
    }
}

/// A write-write conflict between transactions: SurrealDB says "This transaction can be retried".
/// The message is checked too because a conflict at COMMIT loses its structured kind.
pub(crate) fn is_conflict(err: &surrealdb::Error) -> bool {
    matches!(err.query_details(), Some(QueryError::TransactionConflict))
        || err.message().contains("This transaction can be retried")
}

/// A UNIQUE index refused a second row with the same value.
pub(crate) fn is_duplicate_in(err: &surrealdb::Error, index: &str) -> bool {
    err.message().starts_with(&format!("Database index `{index}` already contains"))
}

/// CREATE of a record id that already exists.
pub(crate) fn is_existing_record(err: &surrealdb::Error) -> bool {
    err.is_already_exists()
        || (err.message().starts_with("Database record `") && err.message().ends_with("` already exists"))
}

/// The real cause of a failed `BEGIN … COMMIT` block. SurrealDB marks the statements around the
/// failing one "not executed", so the first error that is not such a marker is the one to report.
pub(crate) fn first_cause(
    mut response: surrealdb::IndexedResults,
) -> Result<surrealdb::IndexedResults, surrealdb::Error> {
    let mut errors: Vec<(usize, surrealdb::Error)> = response.take_errors().into_iter().collect();
    if errors.is_empty() {
        return Ok(response);
    }
    errors.sort_by_key(|(index, _)| *index);
    let is_marker = |e: &surrealdb::Error| {
        matches!(e.query_details(), Some(QueryError::NotExecuted | QueryError::Cancelled))
            || e.message().starts_with("Cannot COMMIT: the transaction was aborted")
    };
    let pick = errors.iter().position(|(_, e)| !is_marker(e)).unwrap_or(0);
    Err(errors.swap_remove(pick).1)
}
