//! Demo data for `--demo`: two locations, three staff, a dozen bookings and a few conversations
//! with history over several days and unread messages on both sides. Portal tokens are fixed
//! so that the start page, the README and the end-to-end tests can link to them.

use std::net::SocketAddr;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::bookings::{NewBooking, NewCustomer};
use super::messages::NewMessage;
use super::staff::NewStaff;
use super::{Store, StoreError};
use crate::model::{BookingStatus, DemoGuide, DemoLogin, DemoPortal, SenderType};
use crate::text::sender_display_name;

struct DemoLocation {
    name: &'static str,
    timezone: &'static str,
}

struct DemoStaff {
    email: &'static str,
    first_name: Option<&'static str>,
    last_name: Option<&'static str>,
    password: &'static str,
    locations: &'static [usize],
}

struct DemoBooking {
    token: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    email: &'static str,
    phone: Option<&'static str>,
    location: usize,
    activity: &'static str,
    code: &'static str,
    /// Days from today (negative: in the past), and the local start time.
    day: i64,
    start: (u32, u32),
    duration_minutes: i64,
    party_size: i64,
    status: BookingStatus,
}

/// A message of the demo history: who wrote it (`None` for the customer, else a staff index) and
/// how many minutes before start-up.
struct DemoMessage {
    booking: usize,
    staff: Option<usize>,
    minutes_ago: i64,
    body: &'static str,
}

const LOCATIONS: [DemoLocation; 2] = [
    DemoLocation { name: "Bay Kayak Tours", timezone: "America/Los_Angeles" },
    DemoLocation { name: "Lockbox Escape Rooms", timezone: "America/New_York" },
];

const STAFF: [DemoStaff; 3] = [
    DemoStaff {
        email: "maya@parley.demo",
        first_name: Some("Maya"),
        last_name: Some("Lindqvist"),
        password: "demo-maya-2026",
        locations: &[0, 1],
    },
    DemoStaff {
        email: "jon@parley.demo",
        first_name: Some("Jon"),
        last_name: Some("Reyes"),
        password: "demo-jon-2026",
        locations: &[0],
    },
    DemoStaff {
        email: "desk@parley.demo",
        first_name: None,
        last_name: None,
        password: "demo-desk-2026",
        locations: &[1],
    },
];

/// The fixed portal token of the first demo booking (Ana Silva's kayak tour); tests use it.
pub const DEMO_PORTAL_TOKEN: &str = "demo-portal-ana-silva-kayak";

const BOOKINGS: [DemoBooking; 12] = [
    DemoBooking {
        token: DEMO_PORTAL_TOKEN,
        first_name: "Ana",
        last_name: "Silva",
        email: "ana.silva@example.com",
        phone: Some("+1 415 555 0101"),
        location: 0,
        activity: "Sunset Sea Kayak Tour",
        code: "KAY7Q2-5521",
        day: 2,
        start: (17, 30),
        duration_minutes: 150,
        party_size: 2,
        status: BookingStatus::Confirmed,
    },
    DemoBooking {
        token: "demo-portal-ben-okafor-kayak",
        first_name: "Ben",
        last_name: "Okafor",
        email: "ben.okafor@example.com",
        phone: None,
        location: 0,
        activity: "Morning Paddle & Picnic",
        code: "PAD3X8-1180",
        day: 5,
        start: (9, 0),
        duration_minutes: 180,
        party_size: 4,
        status: BookingStatus::Confirmed,
    },
    DemoBooking {
        token: "demo-portal-chloe-martin-escape",
        first_name: "Chloe",
        last_name: "Martin",
        email: "chloe.martin@example.com",
        phone: Some("+1 212 555 0142"),
        location: 1,
        activity: "The Vault (escape room)",
        code: "VLT9K1-0304",
        day: 1,
        start: (19, 0),
        duration_minutes: 60,
        party_size: 5,
        status: BookingStatus::Confirmed,
    },
    DemoBooking {
        token: "demo-portal-dev-patel-kayak",
        first_name: "Dev",
        last_name: "Patel",
        email: "dev.patel@example.com",
        phone: Some("+1 415 555 0177"),
        location: 0,
        activity: "Whale Watch Kayak Safari",
        code: "WHL2M7-8842",
        day: 3,
        start: (8, 15),
        duration_minutes: 240,
        party_size: 3,
        status: BookingStatus::Confirmed,
    },
    DemoBooking {
        token: "demo-portal-emma-nowak-escape",
        first_name: "Emma",
        last_name: "Nowak",
        email: "emma.nowak@example.com",
        phone: None,
        location: 1,
        activity: "Haunted Library (escape room)",
        code: "LIB5H4-2207",
        day: -3,
        start: (20, 30),
        duration_minutes: 75,
        party_size: 6,
        status: BookingStatus::Complete,
    },
    DemoBooking {
        token: "demo-portal-farid-haddad-kayak",
        first_name: "Farid",
        last_name: "Haddad",
        email: "farid.haddad@example.com",
        phone: None,
        location: 0,
        activity: "Sunset Sea Kayak Tour",
        code: "KAY8R3-6610",
        day: 9,
        start: (17, 30),
        duration_minutes: 150,
        party_size: 2,
        status: BookingStatus::Cancelled,
    },
    DemoBooking {
        token: "demo-portal-grace-kim-escape",
        first_name: "Grace",
        last_name: "Kim",
        email: "grace.kim@example.com",
        phone: Some("+1 646 555 0190"),
        location: 1,
        activity: "The Vault (escape room)",
        code: "VLT4P6-1029",
        day: 6,
        start: (18, 0),
        duration_minutes: 60,
        party_size: 4,
        status: BookingStatus::Confirmed,
    },
    DemoBooking {
        token: "demo-portal-hugo-laurent-kayak",
        first_name: "Hugo",
        last_name: "Laurent",
        email: "hugo.laurent@example.com",
        phone: None,
        location: 0,
        activity: "Private Guided Kayak Lesson",
        code: "LSN6T2-3391",
        day: -8,
        start: (10, 0),
        duration_minutes: 90,
        party_size: 1,
        status: BookingStatus::Complete,
    },
    DemoBooking {
        token: "demo-portal-ines-costa-escape",
        first_name: "Inês",
        last_name: "Costa",
        email: "ines.costa@example.com",
        phone: None,
        location: 1,
        activity: "Submarine 1943 (escape room)",
        code: "SUB1N9-7745",
        day: 12,
        start: (16, 45),
        duration_minutes: 70,
        party_size: 3,
        status: BookingStatus::Confirmed,
    },
    DemoBooking {
        token: "demo-portal-jamal-wright-kayak",
        first_name: "Jamal",
        last_name: "Wright",
        email: "jamal.wright@example.com",
        phone: Some("+1 510 555 0123"),
        location: 0,
        activity: "Morning Paddle & Picnic",
        code: "PAD7J5-4456",
        day: 14,
        start: (9, 0),
        duration_minutes: 180,
        party_size: 6,
        status: BookingStatus::Confirmed,
    },
    DemoBooking {
        token: "demo-portal-kaito-sato-escape",
        first_name: "Kaito",
        last_name: "Sato",
        email: "kaito.sato@example.com",
        phone: None,
        location: 1,
        activity: "Haunted Library (escape room)",
        code: "LIB2W8-5583",
        day: 0,
        start: (21, 0),
        duration_minutes: 75,
        party_size: 2,
        status: BookingStatus::Confirmed,
    },
    DemoBooking {
        token: "demo-portal-lena-fischer-kayak",
        first_name: "Lena",
        last_name: "Fischer",
        email: "lena.fischer@example.com",
        phone: None,
        location: 0,
        activity: "Whale Watch Kayak Safari",
        code: "WHL9C4-9902",
        day: 20,
        start: (8, 15),
        duration_minutes: 240,
        party_size: 2,
        status: BookingStatus::Confirmed,
    },
];

const DAY: i64 = 24 * 60;

const MESSAGES: &[DemoMessage] = &[
    // Ana: a conversation over three days; her latest question is unread for the team.
    DemoMessage { booking: 0, staff: None, minutes_ago: 3 * DAY + 40, body: "Hi! Is the sunset tour still on if it's windy? First time kayaking for both of us." },
    DemoMessage { booking: 0, staff: Some(0), minutes_ago: 3 * DAY + 12, body: "Hi Ana! We check the forecast at noon on the day and will text you if we need to move it.\nBeginners are very welcome: the route stays inside the bay." },
    DemoMessage { booking: 0, staff: None, minutes_ago: DAY + 95, body: "Great, thanks Maya. Should we bring anything?" },
    DemoMessage { booking: 0, staff: Some(1), minutes_ago: DAY + 60, body: "Just water, sunscreen and clothes that can get wet. We provide dry bags, paddles and jackets." },
    DemoMessage { booking: 0, staff: None, minutes_ago: 25, body: "Perfect. One more thing: is there parking near the dock?" },
    // Ben: the team wrote first; he has not read it yet.
    DemoMessage { booking: 1, staff: Some(1), minutes_ago: 2 * DAY + 300, body: "Hi Ben, the picnic menu has a vegetarian and a vegan option. Let us know what your group would like." },
    DemoMessage { booking: 1, staff: None, minutes_ago: 2 * DAY + 200, body: "Two vegetarian, two regular please!" },
    DemoMessage { booking: 1, staff: Some(0), minutes_ago: 180, body: "Noted! See you Saturday at 9:00 at the boathouse." },
    // Chloe: answered by the nameless front desk ("Support"), then a new question.
    DemoMessage { booking: 2, staff: None, minutes_ago: DAY + 30, body: "Can we bring a birthday cake to the room?" },
    DemoMessage { booking: 2, staff: Some(2), minutes_ago: DAY + 5, body: "Happy birthday to them! Cakes are welcome in the lounge after the game; we keep them in the fridge meanwhile." },
    DemoMessage { booking: 2, staff: None, minutes_ago: 9, body: "Amazing. Do you have candles or should we bring our own?" },
    // Dev: three questions in a row, none read yet.
    DemoMessage { booking: 3, staff: None, minutes_ago: 4 * 60 + 10, body: "Hello, my son is 11. Is that old enough for the whale watch?" },
    DemoMessage { booking: 3, staff: None, minutes_ago: 4 * 60 + 8, body: "He has done a kayak camp before." },
    DemoMessage { booking: 3, staff: None, minutes_ago: 62, body: "Also, what happens if we get seasick?" },
];

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
        let location_ids: Vec<String> = s.locations.iter().map(|&i| locations[i].id.clone()).collect();
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
            Some(i) => (SenderType::Operator, Some(staff[i].id.as_str()), staff[i].display_name()),
        };
        store
            .append_message(NewMessage {
                thread_id: &thread.id,
                sender_type,
                staff_id,
                sender_name: &sender_name,
                body: m.body,
                client_id: &format!("demo-message-{n}"),
                at,
            })
            .await?;
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
pub fn demo_guide() -> DemoGuide {
    DemoGuide {
        portals: BOOKINGS
            .iter()
            .map(|b| DemoPortal {
                customer_name: format!("{} {}", b.first_name, b.last_name),
                activity: b.activity.to_owned(),
                location_name: LOCATIONS[b.location].name.to_owned(),
                path: format!("/portal/{}", b.token),
            })
            .collect(),
        staff: STAFF
            .iter()
            .map(|s| DemoLogin {
                display_name: sender_display_name(s.first_name, s.last_name),
                email: s.email.to_owned(),
                password: s.password.to_owned(),
            })
            .collect(),
    }
}

/// Tells a newcomer where to click: printed at start-up with `--demo`.
pub fn print_guide(addr: SocketAddr, seeded: Seeded) {
    let guide = demo_guide();
    let what = match seeded {
        Seeded::Created => "seeded the demo data",
        Seeded::AlreadyThere => "the database already had data; demo links below work if it was seeded earlier",
    };
    println!("\nParley demo: {what}.\n\nOpen http://{addr}/ or log in at http://{addr}/login as:");
    for s in &guide.staff {
        println!("  {:<22} {:<20} password {}", s.display_name, s.email, s.password);
    }
    println!("\nCustomer portal links:");
    for p in &guide.portals {
        println!("  {:<16} {:<32} http://{addr}{}", p.customer_name, p.activity, p.path);
    }
    println!();
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
