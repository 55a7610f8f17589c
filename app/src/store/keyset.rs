//! Keyset paging: a place in a list ordered by a time and then a record key. Every list the app
//! pages through (the inbox, its changes, the REST API's threads and messages) starts after one.

use chrono::{DateTime, Utc};

/// A place in a list ordered by (time, key): a page starts just after it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub at: DateTime<Utc>,
    /// The key of the record at that place; empty for "before every record at `at`".
    pub id: String,
}

impl Position {
    /// Before every record at `at` or later.
    pub fn start(at: DateTime<Utc>) -> Self {
        Position { at, id: String::new() }
    }

    /// A compact form for URLs and JSON: "<nanoseconds>.<key>". Nanoseconds, because that is what
    /// the database stores: a coarser position would skip records that share the cut-off time.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.at.timestamp_nanos_opt().unwrap_or(i64::MAX), self.id)
    }

    pub fn decode(s: &str) -> Option<Self> {
        let (nanos, id) = s.split_once('.')?;
        let at = DateTime::from_timestamp_nanos(nanos.parse().ok()?);
        let plausible = id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        plausible.then(|| Position { at, id: id.to_owned() })
    }

    /// Where a record with this time stands in an order that grows as times get older (the inbox's
    /// `inbox_rank`): minus its nanoseconds.
    pub fn rank_of(at: DateTime<Utc>) -> i64 {
        -at.timestamp_nanos_opt().unwrap_or(i64::MAX)
    }
}

/// The SurrealQL condition "after `$at`/`$after` in the order of `field`, then `id`", written so
/// that the index on (…, field) serves the range: the id only breaks ties at the cut-off time.
pub(crate) fn after_condition(field: &str) -> String {
    format!("{field} >= $at AND ({field} > $at OR id > $after)")
}

/// Cuts a `limit + 1` result to `limit`; the position of the last row kept when there is more.
pub(crate) fn cut<T>(mut rows: Vec<T>, limit: usize, position: impl Fn(&T) -> Position) -> (Vec<T>, Option<Position>) {
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(position);
        (rows, next)
    } else {
        (rows, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_and_garbage_is_refused() {
        let position = Position { at: "2026-11-22T10:00:00.123456789Z".parse().unwrap(), id: "abc123".into() };
        assert_eq!(Position::decode(&position.encode()), Some(position.clone()));
        let start = Position::start(position.at);
        assert_eq!(Position::decode(&start.encode()), Some(start.clone()));
        assert!(start < position, "a start comes before every key at its time");
        for bad in ["", "abc", "x.abc", "12.a b", "12.a'b", "12.a.b"] {
            assert_eq!(Position::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn cut_keeps_the_limit_and_says_where_the_next_page_starts() {
        let at = |s: i64| DateTime::from_timestamp(s, 0).unwrap();
        let rows = vec![(at(1), "a"), (at(2), "b"), (at(3), "c")];
        let position = |r: &(DateTime<Utc>, &str)| Position { at: r.0, id: r.1.to_owned() };
        let (kept, next) = cut(rows.clone(), 2, position);
        assert_eq!(kept.len(), 2);
        assert_eq!(next, Some(Position { at: at(2), id: "b".into() }));
        assert_eq!(cut(rows, 3, position).1, None);
    }
}
