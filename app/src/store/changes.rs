//! Change clocks: counters that every write moves after it commits, so a cached read can tell
//! from memory that nothing it was read from has been written since.
//!
//! A write names what it touched (a booking with its thread and portal links, a location, a
//! session). Each scope hashes onto one of a fixed number of counters, so memory stays fixed; two
//! scopes sharing a counter only cost an extra database read, never a stale answer.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};

const STRIPES: usize = 4096;

/// What a write touched, and what a cached read depends on.
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
    /// named so that every write says what it changes.
    Table(&'static str),
    /// Anything at all (migrations, bulk loads, staff, whom sessions are kept with): every kept read ends.
    Anything,
}

impl Scope<'_> {
    fn stripe(&self) -> usize {
        // DefaultHasher::new() has fixed keys: the same scope maps to the same counter every time.
        let mut hasher = DefaultHasher::new();
        self.hash(&mut hasher);
        (hasher.finish() % STRIPES as u64) as usize
    }
}

/// The counters a cached value was read under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    epoch: u64,
    stripes: Vec<(usize, u64)>,
}

pub(crate) struct ChangeClock {
    /// Moves on every write, first: a read that overlaps a write is not cached (see `Reading`).
    writes: AtomicU64,
    /// Moves on writes that do not say what they touched; every stamp includes it.
    epoch: AtomicU64,
    stripes: Box<[AtomicU64]>,
}

/// A read in progress: started before the database is asked, finished with the value's scopes.
pub(crate) struct Reading {
    writes: u64,
    epoch: u64,
}

impl ChangeClock {
    pub(crate) fn new() -> Self {
        ChangeClock {
            writes: AtomicU64::new(0),
            epoch: AtomicU64::new(0),
            stripes: (0..STRIPES).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// A write to `scopes` has committed (or may have).
    pub(crate) fn touch(&self, scopes: &[Scope<'_>]) {
        self.writes.fetch_add(1, SeqCst);
        for scope in scopes {
            match scope {
                Scope::Anything => {
                    self.epoch.fetch_add(1, SeqCst);
                }
                Scope::Table(_) => {}
                scope => {
                    self.stripes[scope.stripe()].fetch_add(1, SeqCst);
                }
            }
        }
    }

    /// Call before reading from the database.
    pub(crate) fn start_read(&self) -> Reading {
        Reading { writes: self.writes.load(SeqCst), epoch: self.epoch.load(SeqCst) }
    }

    /// The stamp for a value read since `reading` started that depends on `scopes`, or `None`
    /// when a write finished meanwhile. The value may then predate that write while the counters
    /// already include it, so it must not be cached.
    pub(crate) fn finish_read(&self, reading: Reading, scopes: &[Scope<'_>]) -> Option<Stamp> {
        let stripes = scopes.iter().map(|s| s.stripe()).map(|i| (i, self.stripes[i].load(SeqCst))).collect();
        (self.writes.load(SeqCst) == reading.writes).then_some(Stamp { epoch: reading.epoch, stripes })
    }

    /// Whether nothing a value stamped `stamp` depends on has been written since.
    pub(crate) fn is_current(&self, stamp: &Stamp) -> bool {
        self.epoch.load(SeqCst) == stamp.epoch && stamp.stripes.iter().all(|&(i, v)| self.stripes[i].load(SeqCst) == v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_to_a_scope_ends_only_the_stamps_that_depend_on_it() {
        let clock = ChangeClock::new();
        let reading = clock.start_read();
        let stamp = clock.finish_read(reading, &[Scope::Booking("b1"), Scope::Location("l1")]).unwrap();
        assert!(clock.is_current(&stamp));

        // Both scopes are unlikely to share a counter with "b2"; check that they don't before relying on it.
        assert_ne!(Scope::Booking("b2").stripe(), Scope::Booking("b1").stripe());
        assert_ne!(Scope::Booking("b2").stripe(), Scope::Location("l1").stripe());
        clock.touch(&[Scope::Booking("b2")]);
        assert!(clock.is_current(&stamp), "another booking's write");

        clock.touch(&[Scope::Location("l1")]);
        assert!(!clock.is_current(&stamp));
    }

    #[test]
    fn the_same_id_in_different_scopes_is_a_different_scope() {
        let clock = ChangeClock::new();
        let stamp = clock.finish_read(clock.start_read(), &[Scope::Session("x")]).unwrap();
        assert_ne!(Scope::Session("x").stripe(), Scope::Booking("x").stripe());
        clock.touch(&[Scope::Booking("x")]);
        assert!(clock.is_current(&stamp));
    }

    #[test]
    fn a_write_to_anything_ends_every_stamp() {
        let clock = ChangeClock::new();
        let stamp = clock.finish_read(clock.start_read(), &[Scope::Location("l1")]).unwrap();
        clock.touch(&[Scope::Anything]);
        assert!(!clock.is_current(&stamp));
        let fresh = clock.finish_read(clock.start_read(), &[Scope::Location("l1")]).unwrap();
        assert!(clock.is_current(&fresh));
    }

    #[test]
    fn a_read_that_overlaps_any_write_gets_no_stamp() {
        let clock = ChangeClock::new();
        let reading = clock.start_read();
        clock.touch(&[Scope::Booking("elsewhere")]);
        assert_eq!(clock.finish_read(reading, &[Scope::Location("l1")]), None);
    }

    #[test]
    fn a_value_read_before_a_write_is_never_current_after_it() {
        let clock = ChangeClock::new();
        // The write finishes between the reader's database read and its stamp: no stamp.
        let reading = clock.start_read();
        clock.touch(&[Scope::Booking("b")]);
        assert_eq!(clock.finish_read(reading, &[Scope::Booking("b")]), None);
        // The write finishes after the stamp: the stamp is stale.
        let stamp = clock.finish_read(clock.start_read(), &[Scope::Booking("b")]).unwrap();
        clock.touch(&[Scope::Booking("b")]);
        assert!(!clock.is_current(&stamp));
    }

    /// Writers "commit" a value and then touch; readers read it between start_read and
    /// finish_read, as a cached read does. Once the writers stop, every stamp that is still
    /// current must belong to the last value written.
    #[test]
    fn concurrent_readers_never_keep_a_current_stamp_on_an_old_value() {
        use std::sync::Arc;
        let clock = Arc::new(ChangeClock::new());
        let value = Arc::new(AtomicU64::new(0));
        let writers: Vec<_> = (0..2)
            .map(|_| {
                let (clock, value) = (clock.clone(), value.clone());
                std::thread::spawn(move || {
                    for _ in 0..20_000 {
                        value.fetch_add(1, SeqCst);
                        clock.touch(&[Scope::Booking("b")]);
                    }
                })
            })
            .collect();
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let (clock, value) = (clock.clone(), value.clone());
                std::thread::spawn(move || {
                    let mut kept = Vec::new();
                    for _ in 0..20_000 {
                        let reading = clock.start_read();
                        let read = value.load(SeqCst);
                        if let Some(stamp) = clock.finish_read(reading, &[Scope::Booking("b")]) {
                            kept.push((read, stamp));
                        }
                    }
                    kept
                })
            })
            .collect();
        writers.into_iter().for_each(|w| w.join().unwrap());
        let last = value.load(SeqCst);
        for (read, stamp) in readers.into_iter().flat_map(|r| r.join().unwrap()) {
            assert!(!clock.is_current(&stamp) || read == last, "value {read} still current, {last} written");
        }
    }
}
