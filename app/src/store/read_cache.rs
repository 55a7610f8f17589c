//! Answers the reads every poll makes from memory while nothing they were read from has changed.
//!
//! A poll every 7.5 s from every open portal and dashboard mostly learns that nothing happened,
//! yet each one cost the database a token lookup, a thread read and for the dashboard a session,
//! a location and an unread count. Here each of those reads is kept with the stamps it was read
//! under (changes.rs), and asking again answers from memory while they are unchanged. The stamps
//! are read before the value they guard: a write that lands in between costs one more read later,
//! never a stale answer. On a shared SurrealDB server, where other servers write too, the stamps
//! are read from the database, in one query for the polls that ask together (shared_stamps.rs);
//! an embedded database is written only by this process, whose writes also move a mirror of them
//! in memory (local_stamps.rs), read without a query.

use std::future::Future;

use quick_cache::sync::Cache;
use surrealdb::types::RecordId;

use super::bookings::PortalAccess;
use super::changes::{stamps_of, Scope};
use super::local_stamps::LocalStamps;
use super::locations::LocationRecord;
use super::sessions::Session;
use super::shared_stamps::SharedStamps;
use super::threads::ThreadRecord;
use super::typing::TypingRecord;
use super::{Store, StoreError};

/// Entries per kind: enough for every open portal and dashboard of a busy server, bounded so a
/// flood of distinct tokens cannot grow memory (misses are not kept at all).
const PER_CONNECTION_ENTRIES: usize = 50_000;
const PER_LOCATION_ENTRIES: usize = 10_000;

pub(crate) struct ReadCache {
    /// Where the stamps are read: a mirror in memory, or the database.
    pub(crate) stamps: Stamps,
    /// By portal token hash: what the token opens (only tokens that open something).
    pub(crate) portal: KeptReads<Option<PortalAccess>>,
    /// By thread id (which is its booking's id): the thread, or that the booking has none yet.
    pub(crate) threads: KeptReads<Option<ThreadRecord>>,
    /// By session token hash: the session, until it expires.
    pub(crate) sessions: KeptReads<Option<Session>>,
    pub(crate) locations: KeptReads<LocationRecord>,
    pub(crate) unread_threads: KeptReads<i64>,
    /// By location: its count of writes, where the inbox's poll starts from (inbox.rs).
    pub(crate) change_counts: KeptReads<i64>,
    /// By thread id: who of the team typed in it and when (old entries too; readers filter by time).
    pub(crate) typing: KeptReads<Vec<TypingRecord>>,
}

impl ReadCache {
    /// A cache for a database only this process writes (`embedded`), or one that others write too.
    pub(crate) fn new(embedded: bool) -> Self {
        ReadCache {
            stamps: if embedded { Stamps::Local(LocalStamps::new()) } else { Stamps::Shared(SharedStamps::new()) },
            portal: KeptReads::new(PER_CONNECTION_ENTRIES),
            threads: KeptReads::new(PER_CONNECTION_ENTRIES),
            sessions: KeptReads::new(PER_CONNECTION_ENTRIES),
            locations: KeptReads::new(PER_LOCATION_ENTRIES),
            unread_threads: KeptReads::new(PER_LOCATION_ENTRIES),
            change_counts: KeptReads::new(PER_LOCATION_ENTRIES),
            typing: KeptReads::new(PER_CONNECTION_ENTRIES),
        }
    }
}

/// For an embedded database, the stamps mirrored in memory; for a shared one, read from it.
pub(crate) enum Stamps {
    Local(LocalStamps),
    Shared(SharedStamps),
}

/// What a value's stamp rows held before it was read: the memory mirror's counters, or the
/// database's stamps (each value new at every write).
#[derive(Clone, PartialEq)]
enum Seen {
    Local(Vec<u64>),
    Shared(Vec<Option<surrealdb::types::Uuid>>),
}

/// The stamp rows a kept value depends on, and rows that the request reading it needs next:
/// those are read in the same wait on a shared database (shared_stamps.rs) and guard nothing here.
pub(crate) struct Guard {
    pub(crate) rows: Vec<RecordId>,
    pub(crate) ahead: Vec<RecordId>,
}

impl Guard {
    pub(crate) fn of(rows: Vec<RecordId>) -> Self {
        Guard { rows, ahead: Vec::new() }
    }
}

/// A value with the stamp rows it depends on and, once known, what they held before it was read.
#[derive(Clone)]
struct Kept<V> {
    rows: Vec<RecordId>,
    ahead: Vec<RecordId>,
    seen: Option<Seen>,
    value: V,
}

/// Values of one kind, each with the stamps it was read under.
pub(crate) struct KeptReads<V> {
    entries: Cache<String, Kept<V>>,
}

impl<V: Clone> KeptReads<V> {
    fn new(capacity: usize) -> Self {
        KeptReads { entries: Cache::new(capacity) }
    }
}

impl Store {
    /// `load`'s value, or the one kept from an earlier call while its stamps are unchanged.
    /// `rows_of` names the stamp rows a value depends on (`None`: keep nothing); `known` names
    /// them before the first read, when they do not depend on the value.
    async fn remembered<V, Load, Fut>(
        &self,
        kept: fn(&ReadCache) -> &KeptReads<V>,
        key: &str,
        known: Option<Vec<RecordId>>,
        load: Load,
        rows_of: impl FnOnce(&V) -> Option<Guard>,
    ) -> Result<V, StoreError>
    where
        V: Clone,
        Load: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, StoreError>>,
    {
        let Some(cache) = &self.cache else { return load().await };
        let kept = kept(cache);
        let entry = kept.entries.get(key);
        let rows = entry.as_ref().map(|e| e.rows.clone()).or(known);
        let ahead = entry.as_ref().map(|e| e.ahead.as_slice()).unwrap_or_default();
        let seen = match &rows {
            Some(rows) => Some(self.stamps(cache, rows, ahead).await?),
            None => None,
        };
        if let Some(entry) = entry.filter(|e| e.seen.is_some() && e.seen == seen) {
            return Ok(entry.value);
        }
        let value = load().await?;
        match rows_of(&value) {
            Some(Guard { rows: value_rows, ahead }) => {
                // Stamps read for other rows than the value turned out to need guard nothing: the
                // next call reads the right ones first.
                let seen = seen.filter(|_| rows.as_ref() == Some(&value_rows));
                kept.entries.insert(key.to_owned(), Kept { rows: value_rows, ahead, seen, value: value.clone() });
            }
            None => {
                kept.entries.remove(key);
            }
        }
        Ok(value)
    }

    /// `remembered`, for a value that depends on one scope only, whatever it turns out to be.
    pub(crate) async fn remembered_in<V, Load, Fut>(
        &self,
        kept: fn(&ReadCache) -> &KeptReads<V>,
        key: &str,
        scope: Scope<'_>,
        load: Load,
    ) -> Result<V, StoreError>
    where
        V: Clone,
        Load: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, StoreError>>,
    {
        let rows = stamps_of(&[scope]);
        self.remembered(kept, key, Some(rows.clone()), load, |_| Some(Guard::of(rows))).await
    }

    /// `remembered`, for a value whose scopes are known only once it is read (`None`: keep nothing).
    pub(crate) async fn remembered_by<V, Load, Fut>(
        &self,
        kept: fn(&ReadCache) -> &KeptReads<V>,
        key: &str,
        load: Load,
        scopes_of: impl FnOnce(&V) -> Option<Guard>,
    ) -> Result<V, StoreError>
    where
        V: Clone,
        Load: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, StoreError>>,
    {
        self.remembered(kept, key, None, load, scopes_of).await
    }

    /// What the stamp rows hold now: from the memory mirror, or from the database (shared_stamps.rs,
    /// which reads the rows `ahead` in the same wait).
    async fn stamps(&self, cache: &ReadCache, rows: &[RecordId], ahead: &[RecordId]) -> Result<Seen, StoreError> {
        match &cache.stamps {
            Stamps::Local(local) => Ok(Seen::Local(local.seen(rows))),
            Stamps::Shared(shared) => Ok(Seen::Shared(shared.seen(&self.db, rows, ahead).await?)),
        }
    }

    /// A write that named `rows` has run (through `Store::write`): the memory mirror follows.
    pub(super) fn stamps_moved(&self, rows: &[RecordId]) {
        match self.cache.as_deref().map(|c| &c.stamps) {
            Some(Stamps::Local(local)) => local.moved(rows),
            Some(Stamps::Shared(_)) => super::shared_stamps::forget_read_stamps(),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, Utc};
    use tokio::task::JoinSet;

    use super::*;
    use crate::ids::ThreadId;
    use crate::model::SenderType;
    use crate::store::bookings::tests::booking_fixture;
    use crate::store::locations::LocationSettings;
    use crate::store::messages::NewMessage;
    use crate::store::staff::NewStaff;
    use crate::store::test_support::{backends, TempDir};

    fn says<'a>(thread_id: &'a ThreadId, side: SenderType, client_id: &'a str) -> NewMessage<'a> {
        NewMessage {
            thread_id,
            sender_type: side,
            staff_id: None,
            sender_name: "Someone",
            body: "Hello",
            client_id,
            files: &[],
            at: Utc::now(),
        }
    }

    /// Changes the database without moving a stamp, as no write through a store does.
    async fn write_around_the_store(store: &Store, sql: &str) {
        store.db.behind_the_stores_back(sql).await.unwrap().check().unwrap();
    }

    #[tokio::test]
    async fn repeated_reads_come_from_memory_until_a_write() {
        let store = Store::open_in_memory().await.unwrap();
        let (location, _, booking) = booking_fixture(&store, "CACHE-0001").await;
        let token = store.issue_portal_link(&booking.id).await.unwrap();
        // A token's first read learns which stamps guard what it opens; the second reads them
        // first and is kept.
        for _ in 0..2 {
            assert!(store.portal_access(&token).await.unwrap().is_some());
        }
        assert_eq!(store.location(&location.id).await.unwrap().name, "Harbour");

        // Renamed without moving a stamp, as no write through a store does: the kept copies answer.
        write_around_the_store(&store, "UPDATE location SET name = 'Renamed'").await;
        assert_eq!(store.location(&location.id).await.unwrap().name, "Harbour");
        assert_eq!(store.portal_access(&token).await.unwrap().unwrap().location.name, "Harbour");

        // Any write through the store to the location ends both.
        let settings = LocationSettings { messaging_enabled: false, ..location.settings() };
        store.set_location_settings(&location.id, settings).await.unwrap();
        let access = store.portal_access(&token).await.unwrap().unwrap();
        assert_eq!((access.location.name.as_str(), access.location.messaging_enabled), ("Renamed", false));
        assert_eq!(store.location(&location.id).await.unwrap().name, "Renamed");
    }

    /// Another server writes through its own store: this one's kept reads end at once, as its
    /// write moved the stamps they were read under in the database. (Two servers that read the
    /// stamps from the database, on each backend: an embedded one has only ever one server.)
    #[tokio::test]
    async fn another_servers_writes_end_the_kept_reads() {
        for (backend, database, _kept) in backends().await {
            let (store, other) = (database.as_another_server(true), database.as_another_server(true));
            let (location, _, booking) = booking_fixture(&store, "CACHE-0002").await;
            let token = store.issue_portal_link(&booking.id).await.unwrap();
            for _ in 0..3 {
                assert_eq!(store.location(&location.id).await.unwrap().name, "Harbour", "{backend}");
                assert!(store.portal_access(&token).await.unwrap().is_some(), "{backend}");
                assert_eq!(store.thread_of_booking(&booking.id).await.unwrap(), None, "{backend}");
            }
            let settings = LocationSettings { messaging_enabled: false, ..location.settings() };
            other.set_location_settings(&location.id, settings).await.unwrap();
            assert!(!store.location(&location.id).await.unwrap().messaging_enabled, "{backend}");
            assert!(!store.portal_access(&token).await.unwrap().unwrap().location.messaging_enabled, "{backend}");
            let (thread, _) = other.get_or_create_thread(&booking.id, Utc::now()).await.unwrap();
            assert_eq!(store.thread_of_booking(&booking.id).await.unwrap().map(|t| t.id), Some(thread.id), "{backend}");
            other.revoke_portal_links(&booking.id).await.unwrap();
            assert!(store.portal_access(&token).await.unwrap().is_none(), "{backend}");
        }
    }

    #[tokio::test]
    async fn a_revoked_portal_link_stops_working_at_once() {
        let store = Store::open_in_memory().await.unwrap();
        let (_, _, booking) = booking_fixture(&store, "CACHE-0003").await;
        let token = store.issue_portal_link(&booking.id).await.unwrap();
        assert!(store.portal_access(&token).await.unwrap().is_some());
        store.revoke_portal_links(&booking.id).await.unwrap();
        assert!(store.portal_access(&token).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn thread_reads_follow_messages_and_read_state() {
        let store = Store::open_in_memory().await.unwrap();
        let (location, _, booking) = booking_fixture(&store, "CACHE-0004").await;
        let since = store.inbox_cursor(&location.id).await.unwrap();
        let changes = |after: crate::store::inbox::ChangeCursor| {
            let (store, location) = (store.clone(), location.id.clone());
            async move { store.inbox_changes(&location, &after, 100).await.unwrap().entries.len() }
        };
        assert_eq!(store.thread_of_booking(&booking.id).await.unwrap(), None);
        assert_eq!(changes(since.clone()).await, 0);
        assert_eq!(store.unread_thread_count(&location.id).await.unwrap(), 0);

        let (thread, _) = store.get_or_create_thread(&booking.id, Utc::now()).await.unwrap();
        assert_eq!(store.thread_of_booking(&booking.id).await.unwrap().map(|t| t.last_seq), Some(0));
        assert_eq!(changes(since.clone()).await, 1);

        store.append_message(says(&thread.id, SenderType::Customer, "c1")).await.unwrap();
        assert_eq!(store.thread(&thread.id).await.unwrap().last_seq, 1);
        assert_eq!(store.unread_thread_count(&location.id).await.unwrap(), 1);

        let later = store.inbox_cursor(&location.id).await.unwrap();
        assert_eq!(changes(later.clone()).await, 0, "quiet after the message");
        store.mark_read(&thread.id, SenderType::Operator, Utc::now() + Duration::milliseconds(5)).await.unwrap();
        assert_eq!(store.thread(&thread.id).await.unwrap().operator_read_seq, 1);
        assert_eq!(store.unread_thread_count(&location.id).await.unwrap(), 0);
        assert_eq!(changes(later.clone()).await, 1, "the read shows in the inbox");

        store.mark_unread(&thread.id, SenderType::Operator, Utc::now()).await.unwrap();
        assert_eq!(store.unread_thread_count(&location.id).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn sessions_end_on_logout_on_time_and_follow_their_location() {
        let store = Store::open_in_memory().await.unwrap();
        let (location, _, _) = booking_fixture(&store, "CACHE-0005").await;
        let other = store.create_location("Lakeside", "UTC").await.unwrap();
        let ids = [location.id.clone(), other.id.clone()];
        let staff = store
            .create_staff(NewStaff {
                email: "kim@example.com",
                first_name: None,
                last_name: None,
                password: "pw-123456789",
                location_ids: &ids,
            })
            .await
            .unwrap();
        let now = Utc::now();
        let token = store.create_session(&staff.id, Some(&location.id), now + Duration::minutes(10)).await.unwrap();
        let token = token.as_str();
        let session = store.session(token, now).await.unwrap().unwrap();
        assert_eq!(session.location_id.as_deref(), Some(location.id.as_str()));

        store.set_session_location(token, staff.reach(), &other.id).await.unwrap();
        let session = store.session(token, now).await.unwrap().unwrap();
        assert_eq!(session.location_id.as_deref(), Some(other.id.as_str()));
        assert!(store.session(token, now + Duration::minutes(11)).await.unwrap().is_none(), "expired");

        store.delete_session(token).await.unwrap();
        assert!(store.session(token, now).await.unwrap().is_none());
    }

    /// Many polls at once on servers that read the stamps from the database, whose reads are
    /// shared (shared_stamps.rs): each poll that follows a write, on another server, sees that
    /// write, even when other polls' stamp read was under way as it asked.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn shared_stamp_reads_see_every_write_before_the_poll() {
        for (backend, database, _kept) in backends().await {
            let (reader, writer) = (database.as_another_server(true), database.as_another_server(true));
            let mut tasks = JoinSet::new();
            for n in 0..12 {
                let (reader, writer) = (reader.clone(), writer.clone());
                tasks.spawn(async move {
                    let (_, _, booking) = booking_fixture(&writer, &format!("SHARED-{n:04}")).await;
                    let (thread, _) = writer.get_or_create_thread(&booking.id, Utc::now()).await.unwrap();
                    for sent in 1..=6 {
                        let before = reader.thread(&thread.id).await.unwrap().last_seq;
                        assert_eq!(before, sent - 1);
                        let client_id = format!("{n}-{sent}");
                        writer.append_message(says(&thread.id, SenderType::Customer, &client_id)).await.unwrap();
                        for _ in 0..3 {
                            assert_eq!(reader.thread(&thread.id).await.unwrap().last_seq, sent);
                        }
                    }
                });
            }
            while let Some(polled) = tasks.join_next().await {
                polled.unwrap_or_else(|e| panic!("{backend}: {e}"));
            }
        }
    }

    /// Within one request each stamp is read once: its reads answer as at the first of them, until
    /// the request writes itself.
    #[tokio::test]
    async fn a_request_reads_each_stamp_once_until_it_writes() {
        for (backend, database, _kept) in backends().await {
            let (store, other) = (database.as_another_server(true), database.as_another_server(true));
            let (_, _, booking) = booking_fixture(&store, "CACHE-0007").await;
            let (thread, _) = store.get_or_create_thread(&booking.id, Utc::now()).await.unwrap();
            super::super::reads_as_one(async {
                assert_eq!(store.thread(&thread.id).await.unwrap().last_seq, 0, "{backend}");
                // Another server's write, from a task of its own: not part of this request.
                let (other, id) = (other.clone(), thread.id.clone());
                let elsewhere = async move { other.append_message(says(&id, SenderType::Customer, "there")).await };
                tokio::spawn(elsewhere).await.unwrap().unwrap();
                assert_eq!(store.thread(&thread.id).await.unwrap().last_seq, 0, "{backend}: as at the first read");
                store.append_message(says(&thread.id, SenderType::Operator, "here")).await.unwrap();
                assert_eq!(store.thread(&thread.id).await.unwrap().last_seq, 2, "{backend}: after its own write");
            })
            .await;
            assert_eq!(store.thread(&thread.id).await.unwrap().last_seq, 2, "{backend}");
        }
    }

    /// A dashboard request reads its session and then its location: the session's stamp read
    /// brings the location's along, and the location answers as at that read.
    #[tokio::test]
    async fn a_sessions_stamp_read_brings_its_locations_along() {
        for (backend, database, _kept) in backends().await {
            let (store, other) = (database.as_another_server(true), database.as_another_server(true));
            let (location, _, _) = booking_fixture(&store, "CACHE-0008").await;
            let ids = [location.id.clone()];
            let staff = NewStaff {
                email: "lee@example.com",
                first_name: None,
                last_name: None,
                password: "pw-123456789",
                location_ids: &ids,
            };
            let staff = store.create_staff(staff).await.unwrap();
            let now = Utc::now();
            let token = store.create_session(&staff.id, Some(&location.id), now + Duration::minutes(10)).await.unwrap();
            let dashboard_request = || async {
                let session = store.session(&token, now).await.unwrap().unwrap();
                let (other, id) = (other.clone(), location.id.clone());
                let settings = LocationSettings { messaging_enabled: false, ..location.settings() };
                let elsewhere = async move { other.set_location_settings(&id, settings).await };
                tokio::spawn(elsewhere).await.unwrap().unwrap();
                store.location(session.location_id.as_ref().unwrap()).await.unwrap().messaging_enabled
            };
            // The first read of the session learns its location; from then on it reads it along.
            assert!(!super::super::reads_as_one(dashboard_request()).await, "{backend}: not kept yet");
            let settings = LocationSettings { messaging_enabled: true, ..location.settings() };
            store.set_location_settings(&location.id, settings).await.unwrap();
            assert!(store.location(&location.id).await.unwrap().messaging_enabled, "{backend}: kept again");
            assert!(super::super::reads_as_one(dashboard_request()).await, "{backend}: as at the session's read");
            assert!(!store.location(&location.id).await.unwrap().messaging_enabled, "{backend}");
        }
    }

    /// Pollers read while senders write, on a durable store; once the senders are done, every
    /// cached read agrees with the database read directly.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn reads_during_concurrent_writes_end_on_the_last_write() {
        let dir = TempDir::new();
        let store = Store::open(&dir.url()).await.unwrap();
        store.migrate().await.unwrap();
        let (location, _, booking) = booking_fixture(&store, "CACHE-0006").await;
        let token = store.issue_portal_link(&booking.id).await.unwrap();
        let (thread, _) = store.get_or_create_thread(&booking.id, Utc::now()).await.unwrap();

        let mut tasks = JoinSet::new();
        for sender in 0..4 {
            let (store, thread_id) = (store.clone(), thread.id.clone());
            tasks.spawn(async move {
                for n in 0..10 {
                    let side = if n % 2 == 0 { SenderType::Customer } else { SenderType::Operator };
                    let client_id = format!("{sender}-{n}");
                    store.append_message(says(&thread_id, side, &client_id)).await.unwrap();
                    if n % 3 == 0 {
                        store.mark_read(&thread_id, SenderType::Operator, Utc::now()).await.unwrap();
                    }
                }
            });
        }
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let pollers: Vec<_> = (0..4)
            .map(|_| {
                let (store, token, location_id, done) =
                    (store.clone(), token.clone(), location.id.clone(), done.clone());
                tokio::spawn(async move {
                    while !done.load(std::sync::atomic::Ordering::SeqCst) {
                        let access = store.portal_access(&token).await.unwrap().unwrap();
                        store.thread_of_booking(&access.booking.id).await.unwrap();
                        store.unread_thread_count(&location_id).await.unwrap();
                        tokio::task::yield_now().await;
                    }
                })
            })
            .collect();
        while let Some(sent) = tasks.join_next().await {
            sent.unwrap();
        }
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        for poller in pollers {
            poller.await.unwrap();
        }

        let kept = store.thread(&thread.id).await.unwrap();
        let fresh = store.read_thread(&thread.id).await.unwrap().unwrap();
        assert_eq!(kept, fresh);
        assert_eq!(kept.last_seq, 40);
        let counted: Option<i64> = store
            .db
            .read("SELECT VALUE unread_threads FROM ONLY $l")
            .bind(("l", location.id.clone()))
            .await
            .unwrap()
            .take(0)
            .unwrap();
        assert_eq!(store.unread_thread_count(&location.id).await.unwrap(), counted.unwrap_or(0));
    }
}
