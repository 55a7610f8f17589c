//! The change stamps of an embedded database, mirrored in memory. Only this process can write an
//! embedded database (surrealkv locks its directory; mem:// lives in the process), and every write
//! goes through `Store::write`, which moves the counter of each stamp row it named once the write
//! has run. So here a kept read checks its stamps without a query: an empty poll costs no database
//! read at all. With a shared SurrealDB server other servers write too, and the stamps are read
//! from the database instead (read_cache.rs).
//!
//! Each stamp row hashes onto one of a fixed number of counters, so memory stays fixed; two rows
//! sharing a counter only cost an extra read, never a stale answer.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};

use surrealdb::types::RecordId;

const COUNTERS: usize = 4096;

pub(crate) struct LocalStamps {
    counters: Box<[AtomicU64]>,
}

impl LocalStamps {
    pub(crate) fn new() -> Self {
        LocalStamps { counters: (0..COUNTERS).map(|_| AtomicU64::new(0)).collect() }
    }

    fn counter(row: &RecordId) -> usize {
        // DefaultHasher::new() has fixed keys: a row maps to the same counter every time.
        let mut hasher = DefaultHasher::new();
        row.table.as_str().hash(&mut hasher);
        super::ids::key(row).hash(&mut hasher);
        (hasher.finish() % COUNTERS as u64) as usize
    }

    /// A write that named these rows has run; it may have committed.
    pub(crate) fn moved(&self, rows: &[RecordId]) {
        for row in rows {
            self.counters[Self::counter(row)].fetch_add(1, SeqCst);
        }
    }

    /// What the counters of `rows` hold now. Read before the value they guard: a write that
    /// committed before it was read has moved them by the next check, at the latest.
    pub(crate) fn seen(&self, rows: &[RecordId]) -> Vec<u64> {
        rows.iter().map(|row| self.counters[Self::counter(row)].load(SeqCst)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::changes::{stamps_of, Scope};

    #[test]
    fn a_write_moves_only_what_depends_on_its_rows() {
        let stamps = LocalStamps::new();
        let rows = stamps_of(&[Scope::Booking("b1"), Scope::Location("l1")]);
        let seen = stamps.seen(&rows);
        let elsewhere = stamps_of(&[Scope::Booking("b2")]);
        // "b2" is unlikely to share a counter with "b1" or "l1"; check that it does not before relying on it.
        assert!(rows[..2].iter().all(|r| LocalStamps::counter(r) != LocalStamps::counter(&elsewhere[0])));
        stamps.moved(&elsewhere[..1]);
        assert_eq!(stamps.seen(&rows), seen, "another booking's write");
        stamps.moved(&stamps_of(&[Scope::Location("l1")])[..1]);
        assert_ne!(stamps.seen(&rows), seen);
        let session = stamps_of(&[Scope::Session("s")]);
        let before = stamps.seen(&session);
        stamps.moved(&stamps_of(&[Scope::Anything]));
        assert_ne!(stamps.seen(&session), before, "a write to anything moves what every read depends on");
    }

    /// Writers "commit" a value and then move its stamp; readers read the stamp, then the value,
    /// as a kept read does. Once the writers stop, every kept value whose stamp still matches must
    /// be the last value written.
    #[test]
    fn concurrent_readers_never_keep_a_matching_stamp_on_an_old_value() {
        use std::sync::Arc;
        let stamps = Arc::new(LocalStamps::new());
        let value = Arc::new(AtomicU64::new(0));
        let rows = stamps_of(&[Scope::Booking("b")]);
        let writers: Vec<_> = (0..2)
            .map(|_| {
                let (stamps, value, rows) = (stamps.clone(), value.clone(), rows.clone());
                std::thread::spawn(move || {
                    for _ in 0..20_000 {
                        value.fetch_add(1, SeqCst);
                        stamps.moved(&rows[..1]);
                    }
                })
            })
            .collect();
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let (stamps, value, rows) = (stamps.clone(), value.clone(), rows.clone());
                std::thread::spawn(move || {
                    (0..20_000)
                        .map(|_| {
                            let seen = stamps.seen(&rows);
                            (seen, value.load(SeqCst))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        writers.into_iter().for_each(|w| w.join().unwrap());
        let (last, now) = (value.load(SeqCst), stamps.seen(&rows));
        for (seen, read) in readers.into_iter().flat_map(|r| r.join().unwrap()) {
            assert!(seen != now || read == last, "value {read} still matches, {last} written");
        }
    }
}
