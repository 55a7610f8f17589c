//! Answers the reads every poll makes from memory while nothing they were read from has changed.
//!
//! A poll every 7.5 s from every open portal and dashboard mostly learns that nothing happened,
//! yet each one cost the database a token lookup, a thread read and for the dashboard a session,
//! a location, an unread count and a changes query. Here each of those reads is kept with the
//! change-clock stamp it was read under (changes.rs) and served until a write to its scope.
//!
//! Only for an embedded database: every write then goes through this process's `Store`, which
//! moves the clocks. A remote database (ws://) may be written by other app servers, so there the
//! cache is off and every read goes to the database.

use std::future::Future;

use quick_cache::sync::Cache;

use super::bookings::PortalAccess;
use super::changes::{ChangeClock, Reading, Scope, Stamp};
use super::keyset::Position;
use super::locations::LocationRecord;
use super::sessions::Session;
use super::threads::ThreadRecord;
use super::typing::TypingRecord;
use super::{Store, StoreError};

/// Entries per kind: enough for every open portal and dashboard of a busy server, bounded so a
/// flood of distinct tokens cannot grow memory (misses are not kept at all).
const PER_CONNECTION_ENTRIES: usize = 50_000;
const PER_LOCATION_ENTRIES: usize = 10_000;

pub(crate) struct ReadCache {
    pub(crate) clock: ChangeClock,
    /// By portal token hash: what the token opens (only tokens that open something).
    pub(crate) portal: KeptReads<Option<PortalAccess>>,
    /// By thread id (which is its booking's id): the thread, or that the booking has none yet.
    pub(crate) threads: KeptReads<Option<ThreadRecord>>,
    /// By session token hash: the session, until it expires.
    pub(crate) sessions: KeptReads<Option<Session>>,
    pub(crate) locations: KeptReads<LocationRecord>,
    pub(crate) unread_threads: KeptReads<i64>,
    /// By location: a position in its changes after which none of its threads has changed.
    pub(crate) quiet_since: KeptReads<Position>,
    /// By thread id: who of the team typed in it and when (old entries too; readers filter by time).
    pub(crate) typing: KeptReads<Vec<TypingRecord>>,
}

impl ReadCache {
    pub(crate) fn new() -> Self {
        ReadCache {
            clock: ChangeClock::new(),
            portal: KeptReads::new(PER_CONNECTION_ENTRIES),
            threads: KeptReads::new(PER_CONNECTION_ENTRIES),
            sessions: KeptReads::new(PER_CONNECTION_ENTRIES),
            locations: KeptReads::new(PER_LOCATION_ENTRIES),
            unread_threads: KeptReads::new(PER_LOCATION_ENTRIES),
            quiet_since: KeptReads::new(PER_LOCATION_ENTRIES),
            typing: KeptReads::new(PER_CONNECTION_ENTRIES),
        }
    }
}

/// Values of one kind, each with the stamp it was read under.
pub(crate) struct KeptReads<V> {
    entries: Cache<String, (Stamp, V)>,
}

impl<V: Clone> KeptReads<V> {
    fn new(capacity: usize) -> Self {
        KeptReads { entries: Cache::new(capacity) }
    }

    /// The value kept for `key`, if nothing it depends on has been written since it was read.
    pub(crate) fn get(&self, clock: &ChangeClock, key: &str) -> Option<V> {
        let (stamp, value) = self.entries.get(key)?;
        clock.is_current(&stamp).then_some(value)
    }

    pub(crate) fn keep(&self, key: &str, stamp: Option<Stamp>, value: V) {
        if let Some(stamp) = stamp {
            self.entries.insert(key.to_owned(), (stamp, value));
        }
    }
}

impl Store {
    /// `load`'s value, or the one kept from an earlier call while still current. `stamp` names
    /// what the value depends on (through `ChangeClock::finish_read`); `None` keeps nothing.
    pub(crate) async fn remembered<V, Load, Fut>(
        &self,
        kept: fn(&ReadCache) -> &KeptReads<V>,
        key: &str,
        load: Load,
        stamp: impl FnOnce(&ChangeClock, Reading, &V) -> Option<Stamp>,
    ) -> Result<V, StoreError>
    where
        V: Clone,
        Load: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, StoreError>>,
    {
        let Some(cache) = &self.cache else { return load().await };
        let kept = kept(cache);
        if let Some(value) = kept.get(&cache.clock, key) {
            return Ok(value);
        }
        let reading = cache.clock.start_read();
        let value = load().await?;
        kept.keep(key, stamp(&cache.clock, reading, &value), value.clone());
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
        self.remembered(kept, key, load, |clock, reading, _| clock.finish_read(reading, &[scope])).await
    }

    /// A write to `scopes` has run (through `Store::write`): the kept reads of them end.
    pub(super) fn touched(&self, scopes: &[Scope<'_>]) {
        if let Some(cache) = &self.cache {
            cache.clock.touch(scopes);
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
    use crate::store::test_support::TempDir;

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

    /// Changes the database behind the store's back, as only another process could.
    async fn write_around_the_store(store: &Store, sql: &str) {
        store.db.behind_the_stores_back(sql).await.unwrap().check().unwrap();
    }

    #[tokio::test]
    async fn repeated_reads_come_from_memory_until_the_store_writes() {
        let store = Store::open_in_memory().await.unwrap();
        let (location, _, booking) = booking_fixture(&store, "CACHE-0001").await;
        let token = store.issue_portal_link(&booking.id).await.unwrap();
        assert!(store.portal_access(&token).await.unwrap().is_some());
        assert_eq!(store.location(&location.id).await.unwrap().name, "Harbour");

        // Renamed without the store knowing: the kept copies are what answers.
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

    #[tokio::test]
    async fn a_remote_database_is_never_cached() {
        let store = Store::open_in_memory().await.unwrap();
        let uncached = Store { db: store.db.clone(), cache: None };
        let (location, _, _) = booking_fixture(&uncached, "CACHE-0002").await;
        uncached.location(&location.id).await.unwrap();
        write_around_the_store(&uncached, "UPDATE location SET name = 'Renamed'").await;
        assert_eq!(uncached.location(&location.id).await.unwrap().name, "Renamed");
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
        let since = Position::start(Utc::now() - Duration::seconds(1));
        let changes = |after: Position| {
            let (store, location) = (store.clone(), location.id.clone());
            async move {
                store.inbox_changes(&location, &after, std::time::Duration::ZERO, 100).await.unwrap().entries.len()
            }
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

        let later = Position::start(Utc::now());
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
