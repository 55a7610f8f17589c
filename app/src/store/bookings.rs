//! Customers, their bookings, and the portal links that let a customer into one booking.

use chrono::{DateTime, Utc};
// `Value` is named by the derive's flatten code.
use surrealdb::types::{SurrealValue, Value};

use super::changes::{stamps_of, Scope};
use super::ids::Record;
use super::locations::LocationRecord;
use super::read_cache::Guard;
use super::secrets::{is_plausible_token, new_token, token_hash};
use super::{Store, StoreError};
use crate::ids::{BookingId, CustomerId, LocationId};
use crate::model::BookingStatus;

/// The CRM profile of someone who books.
#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct CustomerRecord {
    pub id: CustomerId,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl CustomerRecord {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name).trim().to_owned()
    }
}

#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct BookingRecord {
    pub id: BookingId,
    #[surreal(rename = "location")]
    pub location_id: LocationId,
    #[surreal(rename = "customer")]
    pub customer_id: CustomerId,
    pub confirmation_code: String,
    pub activity: String,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i64,
    pub party_size: i64,
    pub status: BookingStatus,
    /// When the customer stopped the emails about this booking's messages; `None`: they come.
    pub emails_off_at: Option<DateTime<Utc>>,
}

/// Everything a portal link opens: the booking, who booked it, and where, read along the links.
#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct PortalAccess {
    pub booking: BookingRecord,
    pub customer: CustomerRecord,
    pub location: LocationRecord,
}

/// A booking with its customer, read along the link.
#[derive(SurrealValue)]
pub(super) struct BookingWithCustomer {
    #[surreal(flatten)]
    pub(super) booking: BookingRecord,
    pub(super) customer_row: CustomerRecord,
}

pub struct NewCustomer<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
}

pub struct NewBooking<'a> {
    pub location_id: &'a LocationId,
    pub customer_id: &'a CustomerId,
    pub confirmation_code: &'a str,
    pub activity: &'a str,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i64,
    pub party_size: i64,
    pub status: BookingStatus,
}

impl Store {
    pub async fn create_customer(&self, new: NewCustomer<'_>) -> Result<CustomerRecord, StoreError> {
        let sql = "CREATE ONLY customer CONTENT { first_name: $first, last_name: $last, email: $email, phone: $phone }";
        // A new customer is in no kept read yet.
        let mut response = self
            .write(&[Scope::Table("customer")], sql, |q| {
                q.bind(("first", new.first_name.to_owned()))
                    .bind(("last", new.last_name.to_owned()))
                    .bind(("email", new.email.map(str::to_owned)))
                    .bind(("phone", new.phone.map(str::to_owned)))
            })
            .await?;
        let row: Option<CustomerRecord> = response.take(0)?;
        row.ok_or(StoreError::NotFound)
    }

    pub async fn create_booking(&self, new: NewBooking<'_>) -> Result<BookingRecord, StoreError> {
        let sql = "CREATE ONLY booking CONTENT { location: $location, customer: $customer, \
                   confirmation_code: $code, activity: $activity, starts_at: $starts_at, \
                   duration_minutes: $duration, party_size: $party, status: $status, created_at: time::now() }";
        // A new booking is in no kept read yet: it has no portal link and no thread.
        let mut response = self
            .write(&[Scope::Table("booking")], sql, |q| {
                q.bind(("location", new.location_id.record()))
                    .bind(("customer", new.customer_id.record()))
                    .bind(("code", new.confirmation_code.to_owned()))
                    .bind(("activity", new.activity.to_owned()))
                    .bind(("starts_at", new.starts_at))
                    .bind(("duration", new.duration_minutes))
                    .bind(("party", new.party_size))
                    .bind(("status", new.status.as_str().to_owned()))
            })
            .await?;
        let row: Option<BookingRecord> = response.take(0)?;
        row.ok_or(StoreError::NotFound)
    }

    pub async fn booking(&self, id: &BookingId) -> Result<BookingRecord, StoreError> {
        let mut response = self.db.read("SELECT * FROM ONLY $id").bind(("id", id.record())).await?;
        let row: Option<BookingRecord> = response.take(0)?;
        row.ok_or(StoreError::NotFound)
    }

    pub async fn customer(&self, id: &CustomerId) -> Result<CustomerRecord, StoreError> {
        let mut response = self.db.read("SELECT * FROM ONLY $id").bind(("id", id.record())).await?;
        let row: Option<CustomerRecord> = response.take(0)?;
        row.ok_or(StoreError::NotFound)
    }

    /// A location's bookings with their customers, latest start first, optionally only those
    /// whose customer name or confirmation code contains `search`, and only those starting in
    /// `[from, to)`.
    pub async fn list_bookings(
        &self,
        location_id: &LocationId,
        search: Option<&str>,
        window: Option<(DateTime<Utc>, DateTime<Utc>)>,
        limit: usize,
    ) -> Result<Vec<(BookingRecord, CustomerRecord)>, StoreError> {
        let search = search.map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
        let mut conditions = vec!["location = $location"];
        if search.is_some() {
            conditions.push(
                "(string::contains(string::lowercase(customer.first_name + ' ' + customer.last_name), $q)
                  OR string::contains(string::lowercase(confirmation_code), $q))",
            );
        }
        if window.is_some() {
            conditions.push("starts_at >= $from AND starts_at < $to");
        }
        let sql = format!(
            "SELECT *, customer.* AS customer_row FROM booking WHERE {} ORDER BY starts_at DESC LIMIT $limit",
            conditions.join(" AND ")
        );
        let (from, to) = window.unzip();
        let rows: Vec<BookingWithCustomer> = self
            .db
            .read(sql)
            .bind(("location", location_id.record()))
            .bind(("q", search.unwrap_or_default()))
            .bind(("from", from))
            .bind(("to", to))
            .bind(("limit", limit.clamp(1, 500) as i64))
            .await?
            .take(0)?;
        Ok(rows.into_iter().map(|r| (r.booking, r.customer_row)).collect())
    }

    /// A customer's bookings at the given locations, latest start first.
    pub async fn customer_bookings(
        &self,
        customer_id: &CustomerId,
        location_ids: &[LocationId],
    ) -> Result<Vec<BookingRecord>, StoreError> {
        let rows: Vec<BookingRecord> = self
            .db
            .read("SELECT * FROM booking WHERE customer = $customer AND location IN $locations ORDER BY starts_at DESC")
            .bind(("customer", customer_id.record()))
            .bind(("locations", location_ids.to_vec()))
            .await?
            .take(0)?;
        Ok(rows)
    }

    /// Issues a new random portal link for a booking and returns its token, which is not kept.
    pub async fn issue_portal_link(&self, booking_id: &BookingId) -> Result<String, StoreError> {
        let token = new_token();
        self.add_portal_token(booking_id, &token).await?;
        Ok(token)
    }

    /// Stores the hash of a given token for a booking (the demo uses fixed tokens).
    pub async fn add_portal_token(&self, booking_id: &BookingId, token: &str) -> Result<(), StoreError> {
        let sql = "IF record::exists($booking) { CREATE portal_link CONTENT { booking: $booking, \
                   token_hash: $hash, created_at: time::now() } } ELSE { THROW 'no such booking' }";
        self.write(&[Scope::Booking(booking_id)], sql, |q| {
            q.bind(("booking", booking_id.record())).bind(("hash", token_hash(token)))
        })
        .await?
        .check()
        .map_err(|err| if err.is_thrown() { StoreError::NotFound } else { err.into() })?;
        Ok(())
    }

    /// Stops (or starts again) the emails to the customer about this booking's messages.
    pub async fn set_customer_emails(
        &self,
        booking_id: &BookingId,
        on: bool,
        at: DateTime<Utc>,
    ) -> Result<BookingRecord, StoreError> {
        let sql = "UPDATE ONLY $booking SET emails_off_at = $off RETURN AFTER";
        let row: Option<BookingRecord> = self
            .write(&[Scope::Booking(booking_id)], sql, |q| {
                q.bind(("booking", booking_id.record())).bind(("off", (!on).then_some(at)))
            })
            .await?
            .take(0)?;
        row.ok_or(StoreError::NotFound)
    }

    /// Revokes every portal link of a booking issued so far.
    pub async fn revoke_portal_links(&self, booking_id: &BookingId) -> Result<(), StoreError> {
        let sql = "UPDATE portal_link SET revoked_at = time::now() WHERE booking = $booking AND revoked_at = NONE";
        self.write(&[Scope::Booking(booking_id)], sql, |q| q.bind(("booking", booking_id.record()))).await?.check()?;
        Ok(())
    }

    /// What a portal token opens, or `None` for a malformed, unknown or revoked token.
    pub async fn portal_access(&self, token: &str) -> Result<Option<PortalAccess>, StoreError> {
        if !is_plausible_token(token) {
            return Ok(None);
        }
        let hash = token_hash(token);
        let load = || self.read_portal_access(&hash);
        self.remembered_by(
            |c| &c.portal,
            &hash,
            load,
            |access: &Option<PortalAccess>| {
                let access = access.as_ref()?;
                Some(Guard::of(stamps_of(&[Scope::Booking(&access.booking.id), Scope::Location(&access.location.id)])))
            },
        )
        .await
    }

    async fn read_portal_access(&self, hash: &str) -> Result<Option<PortalAccess>, StoreError> {
        let mut response = self
            .db
            .read(
                "SELECT booking.* AS booking, booking.customer.* AS customer, booking.location.* AS location \
                 FROM portal_link WHERE token_hash = $hash AND revoked_at = NONE LIMIT 1",
            )
            .bind(("hash", hash.to_owned()))
            .await?;
        Ok(response.take::<Option<PortalAccess>>(0)?)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A location, a customer and a confirmed booking, for tests of what hangs off a booking.
    pub(crate) async fn booking_fixture(store: &Store, code: &str) -> (LocationRecord, CustomerRecord, BookingRecord) {
        let location = store.create_location("Harbour", "Europe/Oslo").await.unwrap();
        let customer = store
            .create_customer(NewCustomer {
                first_name: "Ana",
                last_name: "Silva",
                email: Some("ana@example.com"),
                phone: None,
            })
            .await
            .unwrap();
        let booking = another_booking(store, &location, &customer, code).await;
        (location, customer, booking)
    }

    /// One more booking of a fixture's customer at its location.
    pub(crate) async fn another_booking(
        store: &Store,
        location: &LocationRecord,
        customer: &CustomerRecord,
        code: &str,
    ) -> BookingRecord {
        store
            .create_booking(NewBooking {
                location_id: &location.id,
                customer_id: &customer.id,
                confirmation_code: code,
                activity: "Sea kayak tour",
                starts_at: "2026-12-01T09:00:00Z".parse().unwrap(),
                duration_minutes: 150,
                party_size: 2,
                status: BookingStatus::Confirmed,
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn booking_round_trip() {
        let store = Store::open_in_memory().await.unwrap();
        let (location, customer, booking) = booking_fixture(&store, "KAY7Q2-0001").await;
        assert_eq!(booking.location_id, location.id);
        assert_eq!(booking.customer_id, customer.id);
        assert_eq!(customer.full_name(), "Ana Silva");
        assert_eq!(store.booking(&booking.id).await.unwrap(), booking);
    }

    #[tokio::test]
    async fn portal_tokens_open_their_booking_only_while_not_revoked() {
        let store = Store::open_in_memory().await.unwrap();
        let (location, customer, booking) = booking_fixture(&store, "KAY7Q2-0002").await;
        let token = store.issue_portal_link(&booking.id).await.unwrap();

        let access = store.portal_access(&token).await.unwrap().expect("token opens the booking");
        assert_eq!(access.booking, booking);
        assert_eq!(access.customer, customer);
        assert_eq!(access.location, location);

        // Only the hash is stored.
        let mut r = store.db.read("SELECT VALUE token_hash FROM portal_link").await.unwrap();
        let hashes: Vec<String> = r.take(0).unwrap();
        assert_eq!(hashes, vec![token_hash(&token)]);

        assert!(store.portal_access(&new_token()).await.unwrap().is_none(), "unknown token");
        assert!(store.portal_access("x' OR 1=1 --").await.unwrap().is_none(), "malformed token");

        store.revoke_portal_links(&booking.id).await.unwrap();
        assert!(store.portal_access(&token).await.unwrap().is_none(), "revoked token");
        let fresh = store.issue_portal_link(&booking.id).await.unwrap();
        assert!(store.portal_access(&fresh).await.unwrap().is_some(), "a new link works again");
    }

    #[tokio::test]
    async fn bookings_list_searches_by_name_code_and_date() {
        let store = Store::open_in_memory().await.unwrap();
        crate::store::seed::seed_demo(&store).await.unwrap();
        let access = store.portal_access(crate::store::seed::DEMO_PORTAL_TOKEN).await.unwrap().unwrap();
        let location = access.location.id;
        let all = store.list_bookings(&location, None, None, 100).await.unwrap();
        assert_eq!(all.len(), 11, "the kayak location's eleven bookings");
        assert!(all.windows(2).all(|w| w[0].0.starts_at >= w[1].0.starts_at), "latest first");
        let by_name = store.list_bookings(&location, Some("SILVA"), None, 100).await.unwrap();
        assert_eq!(by_name.iter().map(|(_, c)| c.full_name()).collect::<Vec<_>>(), ["Ana Silva"]);
        let by_code = store.list_bookings(&location, Some("pad3x8"), None, 100).await.unwrap();
        assert_eq!(by_code[0].1.full_name(), "Ben Okafor");
        let start = access.booking.starts_at;
        let day = store
            .list_bookings(
                &location,
                None,
                Some((start - chrono::Duration::hours(1), start + chrono::Duration::hours(1))),
                100,
            )
            .await
            .unwrap();
        // Ana's departure: she and four others booked the same tour.
        assert_eq!(day.len(), 5);
        assert!(day.iter().all(|(b, _)| b.starts_at == start), "only that hour's");
        assert!(day.iter().any(|(b, _)| b.id == access.booking.id));
        let other = store.create_location("Elsewhere", "UTC").await.unwrap();
        assert!(store.list_bookings(&other.id, None, None, 100).await.unwrap().is_empty());
        let ana = store.customer_bookings(&access.customer.id, std::slice::from_ref(&location)).await.unwrap();
        assert_eq!(ana.len(), 1);
        assert!(store.customer_bookings(&access.customer.id, &[other.id]).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn portal_link_for_a_missing_booking_is_not_found() {
        let store = Store::open_in_memory().await.unwrap();
        assert!(matches!(store.issue_portal_link(&BookingId::new("nope")).await, Err(StoreError::NotFound)));
    }
}
