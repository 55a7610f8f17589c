//! The benchmark's database: the demo, plus generated conversations at the demo's kayak location
//! (the one Maya and the demo portal link open), portal links for the threads the senders write
//! to, and one long thread.

use anyhow::Context;
use app::ids::{BookingId, LocationId, ThreadId};
use app::store::bulk::generated_key;
use app::store::seed::{seed_demo, DEMO_PORTAL_TOKEN};
use app::store::staff::NewStaff;
use app::store::Store;
use chrono::Utc;

/// How many threads the send load and the soak spread their senders over.
pub const SEND_THREADS: usize = 50;
/// Generated threads the dataset needs at least: the long one, the senders' and a short one.
pub const MIN_THREADS: usize = SEND_THREADS + 2;
/// The portal link of the generated thread that gets the long history.
pub const LONG_THREAD_TOKEN: &str = "bench-portal-long-thread";
/// The portal link of a generated thread with its one first message.
pub const SHORT_THREAD_TOKEN: &str = "bench-portal-short-thread";

/// Staff accounts for the sign-in load: as many as sign in within a second, so that none of them
/// has several sign-ins under way at once (the sign-in throttle counts those).
pub const SIGN_IN_STAFF: usize = 20;
pub const SIGN_IN_PASSWORD: &str = "bench-password-2026";

/// The departure a broadcast is timed on: this many confirmed bookings of one activity at one
/// start time, none of them with a conversation yet (the broadcast starts every one).
pub const DEPARTURE_BOOKINGS: usize = 200;
pub const DEPARTURE_ACTIVITY: &str = "Bench Harbour Cruise";

/// The email of the i-th staff account for the sign-in load.
pub fn sign_in_email(i: usize) -> String {
    format!("bench-staff-{i:02}@parley.demo")
}

/// The portal link of the i-th thread the senders write to (0-based, below `SEND_THREADS`).
pub fn send_token(i: usize) -> String {
    format!("bench-portal-send-{i:03}")
}

/// Opens (and migrates) a database for the benchmark; a SurrealDB server's user comes from
/// `PARLEY_DB_USER` and `PARLEY_DB_PASS`, as the server's does.
pub async fn open(url: &str) -> anyhow::Result<Store> {
    let user = match (std::env::var("PARLEY_DB_USER"), std::env::var("PARLEY_DB_PASS")) {
        (Ok(name), Ok(password)) => Some(app::store::DbUser { name, password }),
        _ => None,
    };
    let store = Store::open_as(url, user.as_ref()).await.with_context(|| format!("opening {url}"))?;
    store.migrate().await?;
    Ok(store)
}

/// Seeds the demo and `threads` generated conversations (at least `MIN_THREADS`) with their
/// portal links; the long thread gets `long_messages` more messages. Returns the location's id.
pub async fn prepare(store: &Store, threads: usize, long_messages: usize) -> anyhow::Result<LocationId> {
    let threads = threads.max(MIN_THREADS);
    seed_demo(store).await?;
    let location = kayak_location(store).await?;
    store.generate_threads(&location, 0..threads, Utc::now()).await?;
    store.add_portal_token(&BookingId::new(generated_key(0)), LONG_THREAD_TOKEN).await?;
    store.add_portal_token(&BookingId::new(generated_key(1)), SHORT_THREAD_TOKEN).await?;
    for i in 0..SEND_THREADS {
        store.add_portal_token(&BookingId::new(generated_key(2 + i)), &send_token(i)).await?;
    }
    for i in 0..SIGN_IN_STAFF {
        let email = sign_in_email(i);
        let locations = [location.clone()];
        let new = NewStaff {
            email: &email,
            first_name: None,
            last_name: None,
            password: SIGN_IN_PASSWORD,
            location_ids: &locations,
        };
        store.create_staff(new).await?;
    }
    add_departure(store, &location).await?;
    if long_messages > 0 {
        store.generate_messages(&ThreadId::new(generated_key(0)), long_messages, Utc::now()).await?;
    }
    Ok(location)
}

/// `DEPARTURE_BOOKINGS` bookings of `DEPARTURE_ACTIVITY`, three days from now on the hour.
async fn add_departure(store: &Store, location: &LocationId) -> anyhow::Result<()> {
    use app::model::BookingStatus;
    use app::store::bookings::{NewBooking, NewCustomer};
    use chrono::{DurationRound, TimeDelta};

    let starts_at = (Utc::now() + TimeDelta::days(3)).duration_trunc(TimeDelta::hours(1))?;
    for i in 0..DEPARTURE_BOOKINGS {
        let last_name = format!("Guest {i:03}");
        let customer = NewCustomer { first_name: "Bench", last_name: &last_name, email: None, phone: None };
        let customer = store.create_customer(customer).await?;
        let code = format!("CRU{i:03}-2026");
        store
            .create_booking(NewBooking {
                location_id: location,
                customer_id: &customer.id,
                confirmation_code: &code,
                activity: DEPARTURE_ACTIVITY,
                starts_at,
                duration_minutes: 120,
                party_size: 2,
                status: BookingStatus::Confirmed,
            })
            .await?;
    }
    Ok(())
}

/// The demo location the generated data goes to.
pub async fn kayak_location(store: &Store) -> anyhow::Result<LocationId> {
    let access = store.portal_access(DEMO_PORTAL_TOKEN).await?.context("the demo's portal link")?;
    Ok(access.location.id)
}
