//! Demo data for `--demo`: two locations, three staff, sixteen bookings, a few conversations
//! with history over several days and unread messages on both sides, and saved replies. Portal
//! tokens are fixed so that the start page, the README and the end-to-end tests can link to them.

mod data;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::bookings::{NewBooking, NewCustomer};
use super::messages::NewMessage;
use super::saved_replies::NewSavedReply;
use super::staff::NewStaff;
use super::{Store, StoreError};
use crate::ids::LocationId;
use crate::model::{DemoGuideView, DemoLoginView, DemoPortalView, SenderType};
use crate::text::sender_display_name;
pub use data::DEMO_PORTAL_TOKEN;
use data::{DemoLocation, BOOKINGS, LOCATIONS, MESSAGES, SAVED_REPLIES, STAFF};

/// Whether seeding wrote anything (a database that had data is left alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeded {
    Created,
    AlreadyThere,
}

/// Seeds the demo into a database that holds no locations yet.
pub async fn seed_demo(store: &Store) -> Result<Seeded, StoreError> {
    if store.has_locations().await? {
        return Ok(Seeded::AlreadyThere);
    }
    let now = Utc::now();
    let mut locations = Vec::new();
    for l in &LOCATIONS {
        locations.push(store.create_location(l.name, l.timezone).await?);
    }
    let mut staff = Vec::new();
    for s in &STAFF {
        let location_ids: Vec<LocationId> = s.locations.iter().map(|&i| locations[i].id.clone()).collect();
        staff.push(
            store
                .create_staff(NewStaff {
                    email: s.email,
                    first_name: s.first_name,
                    last_name: s.last_name,
                    password: s.password,
                    location_ids: &location_ids,
                })
                .await?,
        );
    }
    let mut bookings = Vec::new();
    let mut customers = Vec::new();
    for b in &BOOKINGS {
        let location = &locations[b.location];
        let customer = store
            .create_customer(NewCustomer {
                first_name: b.first_name,
                last_name: b.last_name,
                email: Some(b.email),
                phone: b.phone,
            })
            .await?;
        let booking = store
            .create_booking(NewBooking {
                location_id: &location.id,
                customer_id: &customer.id,
                confirmation_code: b.code,
                activity: b.activity,
                starts_at: local_start(&LOCATIONS[b.location], now, b.day, b.start),
                duration_minutes: b.duration_minutes,
                party_size: b.party_size,
                status: b.status,
            })
            .await?;
        store.add_portal_token(&booking.id, b.token).await?;
        bookings.push(booking);
        customers.push(customer);
    }
    for (n, m) in MESSAGES.iter().enumerate() {
        let at = now - Duration::minutes(m.minutes_ago);
        let booking = &bookings[m.booking];
        let (thread, _) = store.get_or_create_thread(&booking.id, at).await?;
        let (sender_type, staff_id, sender_name) = match m.staff {
            None => (SenderType::Customer, None, customers[m.booking].full_name()),
            Some(i) => (SenderType::Operator, Some(&staff[i].id), staff[i].display_name()),
        };
        store
            .append_message(NewMessage {
                thread_id: &thread.id,
                sender_type,
                staff_id,
                sender_name: &sender_name,
                body: m.body,
                client_id: &format!("demo-message-{n}"),
                files: &[],
                at,
            })
            .await?;
    }
    for r in &SAVED_REPLIES {
        store.create_saved_reply(&locations[r.location].id, NewSavedReply { name: r.name, text: r.text }).await?;
    }
    Ok(Seeded::Created)
}

/// A booking's start: `day` days from today in the location's zone, at a local time.
fn local_start(location: &DemoLocation, now: DateTime<Utc>, day: i64, (hour, minute): (u32, u32)) -> DateTime<Utc> {
    let tz: Tz = location.timezone.parse().expect("demo time zones are valid");
    let date = now.with_timezone(&tz).date_naive() + Duration::days(day);
    let local = date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).expect("demo times are valid"));
    tz.from_local_datetime(&local).earliest().map_or(now, |t| t.with_timezone(&Utc))
}

/// The demo's entry points, for the start page.
pub fn demo_guide() -> DemoGuideView {
    DemoGuideView {
        portals: BOOKINGS
            .iter()
            .map(|b| DemoPortalView {
                customer_name: format!("{} {}", b.first_name, b.last_name),
                activity: b.activity.to_owned(),
                location_name: LOCATIONS[b.location].name.to_owned(),
                path: format!("/portal/{}", b.token),
            })
            .collect(),
        staff: STAFF
            .iter()
            .map(|s| DemoLoginView {
                display_name: sender_display_name(s.first_name, s.last_name),
                email: s.email.to_owned(),
                password: s.password.to_owned(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn seeds_once_with_unread_on_both_sides() {
        let store = Store::open_in_memory().await.unwrap();
        assert_eq!(seed_demo(&store).await.unwrap(), Seeded::Created);
        assert_eq!(seed_demo(&store).await.unwrap(), Seeded::AlreadyThere);

        let access = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().expect("demo token works");
        assert_eq!(access.customer.full_name(), "Ana Silva");
        let ana = store.thread_of_booking(&access.booking.id).await.unwrap().expect("Ana has a thread");
        assert_eq!(ana.last_seq, 5);
        assert_eq!(ana.unread_for_operator, 1);

        let query = crate::store::inbox::InboxQuery::default();
        let (kayaks, _) = store.inbox_page(&access.location.id, &query, None, 50).await.unwrap();
        assert_eq!(kayaks.len(), 3);
        assert!(kayaks.iter().any(|e| e.thread.unread_for_customer > 0), "a customer has unread replies");
        assert!(kayaks.iter().any(|e| e.thread.unread_for_operator >= 3), "the team has unread messages");
        assert_eq!(store.unread_thread_count(&access.location.id).await.unwrap(), 2);

        // Every portal link on the start page opens its booking.
        for p in demo_guide().portals {
            let token = p.path.trim_start_matches("/portal/");
            assert!(store.portal_access(token).await.unwrap().is_some(), "{token}");
        }
        // The nameless staff member signs as Support.
        assert!(demo_guide().staff.iter().any(|s| s.display_name == "Support"));
    }
}
