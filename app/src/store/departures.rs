//! Departures: the bookings of one activity at one start time, which a broadcast messages together.
//! Not a table of their own: a departure is what its bookings share.

use chrono::{DateTime, Utc};

use super::bookings::{BookingRecord, BookingWithCustomer, CustomerRecord};
use super::ids::Record;
use super::{Store, StoreError};
use crate::ids::LocationId;
use crate::model::BookingStatus;

/// One departure and how its bookings stand.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartureRecord {
    pub activity: String,
    pub starts_at: DateTime<Utc>,
    pub confirmed: usize,
    pub cancelled: usize,
    /// Bookings neither confirmed nor cancelled (complete).
    pub other: usize,
}

/// How many bookings the departure list reads at most: a busy location's next weeks.
const DEPARTURE_BOOKINGS: i64 = 5_000;

impl Store {
    /// The location's departures starting from `from` and before `to`, soonest first: as many as
    /// the first `DEPARTURE_BOOKINGS` bookings of that time make (a busy location's page names a day).
    pub async fn departures(
        &self,
        location_id: &LocationId,
        from: DateTime<Utc>,
        to: Option<DateTime<Utc>>,
    ) -> Result<Vec<DepartureRecord>, StoreError> {
        let rows: Vec<BookingRecord> = self
            .db
            .read(match to {
                Some(_) => "SELECT * FROM booking WHERE location = $location AND starts_at >= $from AND starts_at < $to
                            ORDER BY starts_at LIMIT $limit",
                None => "SELECT * FROM booking WHERE location = $location AND starts_at >= $from ORDER BY starts_at LIMIT $limit",
            })
            .bind(("location", location_id.record()))
            .bind(("from", from))
            .bind(("to", to))
            .bind(("limit", DEPARTURE_BOOKINGS))
            .await?
            .take(0)?;
        let mut departures: Vec<DepartureRecord> = Vec::new();
        for booking in rows {
            let found = departures
                .iter_mut()
                .rev()
                .take_while(|d| d.starts_at == booking.starts_at)
                .find(|d| d.activity == booking.activity);
            let departure = match found {
                Some(departure) => departure,
                None => {
                    departures.push(DepartureRecord {
                        activity: booking.activity.clone(),
                        starts_at: booking.starts_at,
                        confirmed: 0,
                        cancelled: 0,
                        other: 0,
                    });
                    departures.last_mut().expect("just pushed")
                }
            };
            match booking.status {
                BookingStatus::Confirmed => departure.confirmed += 1,
                BookingStatus::Cancelled => departure.cancelled += 1,
                BookingStatus::Complete => departure.other += 1,
            }
        }
        departures.sort_by(|a, b| (a.starts_at, &a.activity).cmp(&(b.starts_at, &b.activity)));
        Ok(departures)
    }

    /// The bookings of one departure at the location, with their customers, by customer name.
    pub async fn departure_bookings(
        &self,
        location_id: &LocationId,
        activity: &str,
        starts_at: DateTime<Utc>,
    ) -> Result<Vec<(BookingRecord, CustomerRecord)>, StoreError> {
        let mut rows: Vec<BookingWithCustomer> = self
            .db
            .read(
                "SELECT *, customer.* AS customer_row FROM booking
                 WHERE location = $location AND starts_at = $starts_at AND activity = $activity",
            )
            .bind(("location", location_id.record()))
            .bind(("starts_at", starts_at))
            .bind(("activity", activity.to_owned()))
            .await?
            .take(0)?;
        rows.sort_by(|a, b| {
            (a.customer_row.full_name(), &a.booking.id).cmp(&(b.customer_row.full_name(), &b.booking.id))
        });
        Ok(rows.into_iter().map(|r| (r.booking, r.customer_row)).collect())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::bookings::tests::booking_fixture;
    use crate::store::bookings::{NewBooking, NewCustomer};
    use crate::store::test_support::at;

    /// Another booking at `booking`'s location, of `activity` at `starts_at`.
    pub(crate) async fn book(
        store: &Store,
        location_id: &LocationId,
        (first, last): (&str, &str),
        activity: &str,
        starts_at: DateTime<Utc>,
        status: BookingStatus,
    ) -> BookingRecord {
        let customer = NewCustomer { first_name: first, last_name: last, email: None, phone: None };
        let customer = store.create_customer(customer).await.unwrap();
        let code = format!("DEP{}", uuid::Uuid::new_v4().simple());
        let new = NewBooking {
            location_id,
            customer_id: &customer.id,
            confirmation_code: &code,
            activity,
            starts_at,
            duration_minutes: 90,
            party_size: 2,
            status,
        };
        store.create_booking(new).await.unwrap()
    }

    #[tokio::test]
    async fn bookings_of_one_activity_at_one_time_are_one_departure() {
        let store = Store::open_in_memory().await.unwrap();
        let (location, _, _) = booking_fixture(&store, "DEP000-0001").await;
        let (nine, ten) = (at(24 * 60), at(25 * 60));
        book(&store, &location.id, ("Zoe", "Adams"), "Kayak", nine, BookingStatus::Confirmed).await;
        book(&store, &location.id, ("Al", "Berg"), "Kayak", nine, BookingStatus::Cancelled).await;
        book(&store, &location.id, ("Bo", "Chan"), "Kayak", nine, BookingStatus::Confirmed).await;
        book(&store, &location.id, ("Cy", "Dunn"), "Picnic", nine, BookingStatus::Confirmed).await;
        book(&store, &location.id, ("Di", "Eng"), "Kayak", ten, BookingStatus::Confirmed).await;
        book(&store, &location.id, ("Ed", "Fox"), "Kayak", at(-60), BookingStatus::Confirmed).await;

        let departures = store.departures(&location.id, at(0), None).await.unwrap();
        let seen: Vec<_> =
            departures.iter().map(|d| (d.activity.as_str(), d.starts_at, d.confirmed, d.cancelled)).collect();
        let fixtures = at(7 * 24 * 60); // the fixture's own booking
        assert_eq!(
            seen,
            [("Kayak", nine, 2, 1), ("Picnic", nine, 1, 0), ("Kayak", ten, 1, 0), ("Sea kayak tour", fixtures, 1, 0)]
        );
        assert!(departures.iter().all(|d| d.starts_at >= at(0)), "none that left already");
        let one_hour = store.departures(&location.id, nine, Some(ten)).await.unwrap();
        assert_eq!(one_hour.iter().map(|d| d.activity.as_str()).collect::<Vec<_>>(), ["Kayak", "Picnic"]);

        let names: Vec<String> = store
            .departure_bookings(&location.id, "Kayak", nine)
            .await
            .unwrap()
            .iter()
            .map(|(_, c)| c.full_name())
            .collect();
        assert_eq!(names, ["Al Berg", "Bo Chan", "Zoe Adams"]);
        let elsewhere = LocationId::new("elsewhere");
        assert!(store.departure_bookings(&elsewhere, "Kayak", nine).await.unwrap().is_empty());
    }
}
