//! The demo's data: two locations, three staff, a dozen bookings and a few conversations with
//! history over several days and unread messages on both sides.

use crate::model::BookingStatus;

pub(super) struct DemoLocation {
    pub(super) name: &'static str,
    pub(super) timezone: &'static str,
}

pub(super) struct DemoStaff {
    pub(super) email: &'static str,
    pub(super) first_name: Option<&'static str>,
    pub(super) last_name: Option<&'static str>,
    pub(super) password: &'static str,
    pub(super) locations: &'static [usize],
}

pub(super) struct DemoBooking {
    pub(super) token: &'static str,
    pub(super) first_name: &'static str,
    pub(super) last_name: &'static str,
    pub(super) email: &'static str,
    pub(super) phone: Option<&'static str>,
    pub(super) location: usize,
    pub(super) activity: &'static str,
    pub(super) code: &'static str,
    /// Days from today (negative: in the past), and the local start time.
    pub(super) day: i64,
    pub(super) start: (u32, u32),
    pub(super) duration_minutes: i64,
    pub(super) party_size: i64,
    pub(super) status: BookingStatus,
}

/// A message of the demo history: who wrote it (`None` for the customer, else a staff index) and
/// how many minutes before start-up.
pub(super) struct DemoMessage {
    pub(super) booking: usize,
    pub(super) staff: Option<usize>,
    pub(super) minutes_ago: i64,
    pub(super) body: &'static str,
}

pub(super) const LOCATIONS: [DemoLocation; 2] = [
    DemoLocation { name: "Bay Kayak Tours", timezone: "America/Los_Angeles" },
    DemoLocation { name: "Lockbox Escape Rooms", timezone: "America/New_York" },
];

pub(super) const STAFF: [DemoStaff; 3] = [
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

pub(super) const BOOKINGS: [DemoBooking; 12] = [
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

pub(super) const DAY: i64 = 24 * 60;

pub(super) const MESSAGES: &[DemoMessage] = &[
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

pub(super) struct DemoSavedReply {
    pub(super) location: usize,
    pub(super) name: &'static str,
    pub(super) text: &'static str,
}

/// What each location answers all day, with the booking's details to fill in.
pub(super) const SAVED_REPLIES: [DemoSavedReply; 5] = [
    DemoSavedReply {
        location: 0,
        name: "Meeting point",
        text: "Hi {first_name}! We meet at the boathouse on Pier 3, 20 minutes before {start_time} on {date}. Look for the blue flag.",
    },
    DemoSavedReply {
        location: 0,
        name: "What to bring",
        text: "Bring water, sunscreen and clothes that can get wet. We provide dry bags, paddles and life jackets for all {party_size} of you.",
    },
    DemoSavedReply {
        location: 0,
        name: "Weather check",
        text: "We check the forecast at noon on the day. If the {activity} cannot go ahead we will tell you here and move booking {confirmation_code} at no cost.",
    },
    DemoSavedReply {
        location: 1,
        name: "Arrival",
        text: "Hi {first_name}, please arrive 10 minutes before {start_time}: the game starts on time and lasts {duration}.",
    },
    DemoSavedReply {
        location: 1,
        name: "Group size",
        text: "Your room at {location} takes up to 6 players; your booking is for {party_size}.",
    },
];
