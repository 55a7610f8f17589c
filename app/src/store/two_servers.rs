//! Two Parley servers on one database, in random interleavings: writes through one, polls through
//! the other, and every answer a poll gets from its kept reads equals what the database holds.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::bookings::tests::{another_booking, booking_fixture};
use super::bookings::BookingRecord;
use super::inbox::{ChangeCursor, InboxEntry, InboxQuery};
use super::locations::{LocationRecord, LocationSettings};
use super::messages::NewMessage;
use super::staff::{NewStaff, StaffRecord};
use super::test_support::{SurrealServer, TempDir};
use super::{reads_as_one, Store};
use crate::ids::ThreadId;
use crate::model::SenderType;

/// Steps per test: each a write through one server and a poll through the other, or both. Each
/// backend runs four tests of its own seed, so several thousand steps in all, run side by side and
/// each well inside nextest's time limit.
const STEPS_OVER_WS: usize = 500;
const STEPS_EMBEDDED: usize = 800;

struct World {
    location: LocationRecord,
    bookings: Vec<BookingRecord>,
    /// Each booking's current portal token, if it has one.
    tokens: Vec<Option<String>>,
    staff: StaffRecord,
    session: String,
    /// What each server's dashboard shows, built from its inbox polls, and where it polls from.
    inboxes: [(HashMap<ThreadId, InboxEntry>, ChangeCursor); 2],
}

async fn world(store: &Store) -> World {
    let (location, customer, first) = booking_fixture(store, "TWO-0000").await;
    let mut bookings = vec![first];
    for n in 1..4 {
        bookings.push(another_booking(store, &location, &customer, &format!("TWO-000{n}")).await);
    }
    let mut tokens = Vec::new();
    for booking in &bookings {
        tokens.push(Some(store.issue_portal_link(&booking.id).await.unwrap()));
    }
    let ids = [location.id.clone()];
    let staff = store
        .create_staff(NewStaff {
            email: "pat@example.com",
            first_name: Some("Pat"),
            last_name: None,
            password: "pw-123456789",
            location_ids: &ids,
        })
        .await
        .unwrap();
    let session = store.create_session(&staff.id, Some(&location.id), start() + Duration::days(1)).await.unwrap();
    let cursor = store.inbox_cursor(&location.id).await.unwrap();
    let inboxes = [(HashMap::new(), cursor.clone()), (HashMap::new(), cursor)];
    World { location, bookings, tokens, staff, session, inboxes }
}

fn start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_900_000_000, 0).unwrap()
}

/// One random write through `store`, about the booking it returns.
async fn write(store: &Store, world: &mut World, rng: &mut StdRng, step: usize, at: DateTime<Utc>) -> usize {
    let n = rng.random_range(0..world.bookings.len());
    let booking = world.bookings[n].id.clone();
    let thread = ThreadId::of(&booking);
    let has_thread = store.read_thread(&thread).await.unwrap().is_some();
    match rng.random_range(0..10) {
        0..=3 => {
            store.get_or_create_thread(&booking, at).await.unwrap();
            let side = if rng.random_bool(0.5) { SenderType::Customer } else { SenderType::Operator };
            let staff = (side == SenderType::Operator).then_some(&world.staff.id);
            let client_id = format!("step-{step}");
            let new = NewMessage {
                thread_id: &thread,
                sender_type: side,
                staff_id: staff,
                sender_name: "Someone",
                body: "Hello",
                client_id: &client_id,
                files: &[],
                at,
            };
            store.append_message(new).await.unwrap();
        }
        4 if has_thread => {
            let side = if rng.random_bool(0.5) { SenderType::Customer } else { SenderType::Operator };
            store.mark_read(&thread, side, at).await.unwrap();
        }
        5 if has_thread => {
            store.mark_unread(&thread, SenderType::Operator, at).await.unwrap();
        }
        6 if has_thread => {
            store.note_typing(&thread, &world.staff.id, "Pat", at).await.unwrap();
        }
        7 => {
            let location = store.location(&world.location.id).await.unwrap();
            let settings = LocationSettings { messaging_enabled: !location.messaging_enabled, ..location.settings() };
            store.set_location_settings(&world.location.id, settings).await.unwrap();
        }
        8 => {
            if world.tokens[n].is_some() && rng.random_bool(0.5) {
                store.revoke_portal_links(&booking).await.unwrap();
                world.tokens[n] = None;
            } else {
                world.tokens[n] = Some(store.issue_portal_link(&booking).await.unwrap());
            }
        }
        _ => {
            store.delete_session(&world.session).await.unwrap();
            world.session =
                store.create_session(&world.staff.id, Some(&world.location.id), at + Duration::days(1)).await.unwrap();
        }
    }
    n
}

/// What a portal and a dashboard poll read through `store` (server `side`) about the bookings
/// `polled`, each checked against the database read directly by `truth` at the same moment.
async fn poll(
    store: &Store,
    truth: &Store,
    world: &mut World,
    polled: [usize; 2],
    side: usize,
    at: DateTime<Utc>,
    step: usize,
) {
    let ctx = |what: &str| format!("step {step}, server {side}: {what}");
    for n in polled {
        let (booking, token) = (&world.bookings[n], &world.tokens[n]);
        if let Some(token) = token {
            assert_eq!(
                store.portal_access(token).await.unwrap(),
                truth.portal_access(token).await.unwrap(),
                "{}",
                ctx("portal")
            );
        }
        let thread = ThreadId::of(&booking.id);
        assert_eq!(
            store.thread_of_booking(&booking.id).await.unwrap(),
            truth.thread_of_booking(&booking.id).await.unwrap(),
            "{}",
            ctx("thread")
        );
        // As a colleague of Pat's sees it.
        let me = crate::ids::StaffId::new("colleague".to_owned());
        assert_eq!(
            store.replying(&thread, &me, at).await.unwrap(),
            truth.replying(&thread, &me, at).await.unwrap(),
            "{}",
            ctx("replying")
        );
    }
    let location = &world.location.id;
    assert_eq!(store.location(location).await.unwrap(), truth.location(location).await.unwrap(), "{}", ctx("location"));
    assert_eq!(
        store.unread_thread_count(location).await.unwrap(),
        truth.unread_thread_count(location).await.unwrap(),
        "{}",
        ctx("unread")
    );
    assert_eq!(
        store.session(&world.session, at).await.unwrap(),
        truth.session(&world.session, at).await.unwrap(),
        "{}",
        ctx("session")
    );

    // The dashboard's list, kept up to date by its polls alone, is the list as it is.
    let (shown, cursor) = &mut world.inboxes[side];
    loop {
        let page = store.inbox_changes(location, cursor, 100).await.unwrap();
        for entry in page.entries {
            shown.insert(entry.thread.id.clone(), entry);
        }
        *cursor = page.next;
        if !page.more {
            break;
        }
    }
    let (all, _) = truth.inbox_page(location, &InboxQuery::default(), None, 100).await.unwrap();
    let all: HashMap<ThreadId, InboxEntry> = all.into_iter().map(|e| (e.thread.id.clone(), e)).collect();
    assert_eq!(*shown, all, "{}", ctx("inbox"));
}

async fn interleave(a: &Store, b: &Store, seed: u64, steps: usize) {
    let truth = a.as_another_server(false);
    let mut world = world(a).await;
    let mut rng = StdRng::seed_from_u64(seed);
    let servers = [a, b];
    for step in 0..steps {
        let at = start() + Duration::seconds(step as i64);
        let writer = rng.random_range(0..2);
        // Each write and each poll is one request, as through the router.
        let written = reads_as_one(write(servers[writer], &mut world, &mut rng, step, at)).await;
        let polled = [written, rng.random_range(0..world.bookings.len())];
        // Mostly the other server polls; sometimes the writer itself, or both.
        let pollers: &[usize] = match rng.random_range(0..4) {
            0 => &[0, 1],
            1 => &[writer],
            _ => &[1 - writer],
        };
        for &side in pollers {
            reads_as_one(poll(servers[side], &truth, &mut world, polled, side, at, step)).await;
        }
    }
}

/// Two Parley servers on one SurrealDB server: two connections, two caches.
async fn two_servers_over_ws(seed: u64) {
    let server = SurrealServer::start();
    let (a, b) = (server.store().await, server.store().await);
    interleave(&a, &b, seed, STEPS_OVER_WS).await;
}

/// Two caches on one embedded database, both reading the stamps from the database as servers on
/// a shared one do.
async fn two_caches_embedded(seed: u64) {
    let dir = TempDir::new();
    let database = Store::open(&dir.url()).await.unwrap();
    database.migrate().await.unwrap();
    interleave(&database.as_another_server(true), &database.as_another_server(true), seed, STEPS_EMBEDDED).await;
}

macro_rules! interleavings {
    ($($name:ident: $run:ident($seed:expr);)*) => {$(
        #[tokio::test]
        async fn $name() {
            $run($seed).await;
        }
    )*};
}

interleavings! {
    two_servers_on_one_surrealdb_server_never_answer_from_a_stale_kept_read_1: two_servers_over_ws(16);
    two_servers_on_one_surrealdb_server_never_answer_from_a_stale_kept_read_2: two_servers_over_ws(17);
    two_servers_on_one_surrealdb_server_never_answer_from_a_stale_kept_read_3: two_servers_over_ws(18);
    two_servers_on_one_surrealdb_server_never_answer_from_a_stale_kept_read_4: two_servers_over_ws(19);
    two_caches_on_one_embedded_database_never_answer_from_a_stale_kept_read_1: two_caches_embedded(61);
    two_caches_on_one_embedded_database_never_answer_from_a_stale_kept_read_2: two_caches_embedded(62);
    two_caches_on_one_embedded_database_never_answer_from_a_stale_kept_read_3: two_caches_embedded(63);
    two_caches_on_one_embedded_database_never_answer_from_a_stale_kept_read_4: two_caches_embedded(64);
}

/// Two dispatchers, one per server, claim the same due webhook deliveries at once: each attempt
/// of each delivery is claimed by exactly one of them (its lease is in the database), the failed
/// first attempt once and the retry once.
#[tokio::test]
async fn two_servers_dispatching_claim_each_webhook_attempt_once() {
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::sync::{Arc, Mutex};

    use super::webhooks::AttemptOutcome;

    let server = SurrealServer::start();
    let (a, b) = (server.store().await, server.store().await);
    let (location, _, booking) = booking_fixture(&a, "HOOK-0001").await;
    for url in ["https://one.example/hook", "https://two.example/hook"] {
        a.create_webhook_endpoint(&location.id, url, &["message.created".to_owned()]).await.unwrap();
    }
    let (thread, _) = a.get_or_create_thread(&booking.id, start()).await.unwrap();
    for n in 0..15 {
        let client_id = format!("hook-{n}");
        let new = NewMessage {
            thread_id: &thread.id,
            sender_type: SenderType::Customer,
            staff_id: None,
            sender_name: "Ana",
            body: "Hello",
            client_id: &client_id,
            files: &[],
            at: start(),
        };
        a.append_message(new).await.unwrap();
    }
    let now = start() + Duration::minutes(1);
    const DELIVERIES: usize = 15 * 2;
    let claims = Arc::new(Mutex::new(Vec::new()));
    let delivered = Arc::new(AtomicUsize::new(0));
    let dispatch = |store: Store, claims: Arc<Mutex<Vec<(String, i64)>>>, delivered: Arc<AtomicUsize>| async move {
        while delivered.load(SeqCst) < DELIVERIES {
            store.fan_out_events(10, |_| "{}".to_owned()).await.unwrap();
            let claimed = store.claim_due_deliveries(now, Duration::seconds(60), 4).await.unwrap();
            if claimed.is_empty() {
                tokio::task::yield_now().await;
            }
            for (delivery, _) in claimed {
                claims.lock().unwrap().push((delivery.id.to_string(), delivery.attempts));
                // The first attempt fails and is due again at once; the second succeeds.
                let (outcome, retry) = if delivery.attempts == 0 {
                    (AttemptOutcome::Failed { status: Some(502), error: "bad gateway".into() }, Some(now))
                } else {
                    (AttemptOutcome::Delivered { status: 200 }, None)
                };
                let last = retry.is_none();
                store.record_attempt(&delivery.id, outcome, now, retry).await.unwrap();
                if last {
                    delivered.fetch_add(1, SeqCst);
                }
            }
        }
    };
    let (one, two) = tokio::join!(
        tokio::spawn(dispatch(a.clone(), claims.clone(), delivered.clone())),
        tokio::spawn(dispatch(b.clone(), claims.clone(), delivered.clone()))
    );
    one.unwrap();
    two.unwrap();
    let mut claims = claims.lock().unwrap().clone();
    claims.sort();
    let before = claims.len();
    claims.dedup();
    assert_eq!(before, claims.len(), "an attempt claimed twice");
    assert_eq!(claims.len(), DELIVERIES * 2, "15 messages × 2 endpoints × 2 attempts");
    let recorded = a.recent_deliveries(&location.id, 100).await.unwrap();
    assert_eq!(recorded.len(), DELIVERIES);
    assert!(recorded.iter().all(|d| d.attempts == 2), "each delivered on its second attempt");
}
