//! Change stamps: rows of the `stamp` table that every write replaces, in its own transaction,
//! for each scope it names, so that a kept read can tell with one point read that nothing it was
//! read from has been written since, by this server or any other on the same database.
//!
//! A stamp's `v` is a fresh UUID at every write, so a value never comes back, even after either
//! side restarts or the database is emptied. A location's stamp also counts (`seq`): that count is
//! the inbox's position in the location's changes (inbox.rs).

use surrealdb::types::RecordId;

use super::ids::record;

/// What a write touched, and what a kept read depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Scope<'a> {
    /// A booking, its thread (same key) and its portal links.
    Booking(&'a str),
    /// A location's settings and anything about its threads as a whole (unread count, inbox).
    Location(&'a str),
    /// A staff session, by its token's hash.
    Session(&'a str),
    /// Who of the team is typing in a thread, by the thread's id: apart from `Booking`, so that
    /// typing ends no kept read of the thread itself.
    Typing(&'a str),
    /// Rows of a table that no kept read depends on (webhooks, API keys, the sign-in throttle…),
    /// named so that every write says what it changes. Such a write records no stamp.
    Table(&'static str),
    /// Anything at all (migrations, bulk loads, staff, whom sessions are kept with): every kept read ends.
    Anything,
}

/// The stamp every kept read depends on, moved by writes to `Scope::Anything`.
const ANYTHING: &str = "all";

impl Scope<'_> {
    /// The stamp row of this scope; `None` for a table no kept read depends on.
    pub(crate) fn stamp(&self) -> Option<RecordId> {
        let key = match self {
            Scope::Booking(id) => format!("b:{id}"),
            Scope::Location(id) => location_stamp_key(id),
            Scope::Session(hash) => format!("s:{hash}"),
            Scope::Typing(id) => format!("t:{id}"),
            Scope::Table(_) => return None,
            Scope::Anything => ANYTHING.to_owned(),
        };
        Some(record("stamp", &key))
    }
}

/// The key of a location's stamp (migration 015's `change_seq` builds the same).
pub(crate) fn location_stamp_key(location_id: &str) -> String {
    format!("l:{location_id}")
}

/// The stamp rows a value read under `scopes` depends on: theirs and the one of `Anything`.
pub(crate) fn stamps_of(scopes: &[Scope<'_>]) -> Vec<RecordId> {
    let mut rows: Vec<RecordId> = scopes.iter().filter_map(Scope::stamp).collect();
    if !scopes.contains(&Scope::Anything) {
        rows.push(record("stamp", ANYTHING));
    }
    rows
}

/// What a write adds to its transaction: a new stamp for each scope it names (bound as
/// `$changed_scopes`), or nothing when it names only tables.
pub(crate) fn stamping(scopes: &[Scope<'_>]) -> Option<(&'static str, Vec<RecordId>)> {
    let rows: Vec<RecordId> = scopes.iter().filter_map(Scope::stamp).collect();
    (!rows.is_empty()).then_some(("UPSERT $changed_scopes SET v = rand::uuid::v7(), seq += 1 RETURN NONE", rows))
}

/// Puts `stamp` into `sql`'s transaction, first, so that what the write itself stores (a thread's
/// `change_seq`) sees the new stamps. `sql` is a `BEGIN TRANSACTION; … COMMIT TRANSACTION;`
/// script (its statements' results then move one place on: such writes read them through
/// `first_cause`), a `{ … }` block, or a single statement, which becomes a block returning it.
pub(crate) fn within_transaction(sql: &str, stamp: &str) -> String {
    let sql = sql.trim();
    if let Some(rest) = sql.strip_prefix("BEGIN TRANSACTION;") {
        return format!("BEGIN TRANSACTION; {stamp}; {rest}");
    }
    if let Some(block) = sql.strip_prefix('{') {
        debug_assert!(sql.ends_with('}'), "a write is one block, one statement or one transaction: {sql}");
        return format!("{{ {stamp}; {block}");
    }
    debug_assert!(!sql.trim_end_matches(';').contains(';'), "several statements need BEGIN TRANSACTION: {sql}");
    format!("{{ {stamp}; RETURN {}; }}", sql.trim_end_matches(';'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scope_has_its_own_stamp_and_tables_have_none() {
        let rows: Vec<_> =
            [Scope::Booking("x"), Scope::Location("x"), Scope::Session("x"), Scope::Typing("x"), Scope::Anything]
                .iter()
                .map(|s| s.stamp().unwrap())
                .collect();
        for (i, a) in rows.iter().enumerate() {
            assert!(rows[i + 1..].iter().all(|b| b != a), "{a:?} is shared");
        }
        assert_eq!(Scope::Table("webhook_delivery").stamp(), None);
        assert_eq!(stamping(&[Scope::Table("email")]), None);
    }

    #[test]
    fn every_kept_read_depends_on_anything() {
        let rows = stamps_of(&[Scope::Location("l1")]);
        assert_eq!(rows, [record("stamp", "l:l1"), record("stamp", "all")]);
        assert_eq!(stamps_of(&[Scope::Anything]), [record("stamp", "all")]);
    }

    #[test]
    fn the_stamp_goes_first_in_the_writes_transaction() {
        let stamp = "UPSERT $s";
        assert_eq!(
            within_transaction("BEGIN TRANSACTION; DELETE $a; COMMIT TRANSACTION;", stamp),
            "BEGIN TRANSACTION; UPSERT $s;  DELETE $a; COMMIT TRANSACTION;"
        );
        assert_eq!(within_transaction("{ LET $t = 1; RETURN $t; }", stamp), "{ UPSERT $s;  LET $t = 1; RETURN $t; }");
        assert_eq!(
            within_transaction("UPDATE ONLY $id SET a = 1 RETURN AFTER", stamp),
            "{ UPSERT $s; RETURN UPDATE ONLY $id SET a = 1 RETURN AFTER; }"
        );
    }
}
