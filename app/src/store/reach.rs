//! What a staff member's requests may reach: the locations they work at. The store's reads and
//! writes for the dashboard take a `Reach`, so a record of another location answers "not found"
//! from inside the store, whatever the caller did or forgot to check.

use super::bookings::{BookingRecord, CustomerRecord};
use super::inbox::InboxEntry;
use super::staff::StaffRecord;
use super::threads::ThreadRecord;
use super::{Store, StoreError};
use crate::ids::{BookingId, CustomerId, LocationId, ThreadId};

/// The locations a signed-in staff member works at.
#[derive(Debug, Clone, Copy)]
pub struct Reach<'a> {
    locations: &'a [LocationId],
}

impl StaffRecord {
    /// What this staff member's requests may reach.
    pub fn reach(&self) -> Reach<'_> {
        Reach { locations: &self.location_ids }
    }
}

impl Reach<'_> {
    pub fn covers(&self, location_id: &LocationId) -> bool {
        self.locations.contains(location_id)
    }

    pub fn locations(&self) -> &[LocationId] {
        self.locations
    }

    /// `found` if it is at one of the locations; not found otherwise, exactly as if it did not exist.
    fn keep<T>(&self, location_id: &LocationId, found: T) -> Result<T, StoreError> {
        if self.covers(location_id) {
            Ok(found)
        } else {
            Err(StoreError::NotFound)
        }
    }
}

impl Store {
    /// A thread within reach.
    pub async fn thread_within(&self, reach: Reach<'_>, id: &ThreadId) -> Result<ThreadRecord, StoreError> {
        let thread = self.thread(id).await?;
        reach.keep(&thread.location_id.clone(), thread)
    }

    /// A thread within reach, with its booking and customer.
    pub async fn inbox_entry_within(&self, reach: Reach<'_>, id: &ThreadId) -> Result<InboxEntry, StoreError> {
        let entry = self.inbox_entry(id).await?;
        reach.keep(&entry.thread.location_id.clone(), entry)
    }

    /// A booking within reach.
    pub async fn booking_within(&self, reach: Reach<'_>, id: &BookingId) -> Result<BookingRecord, StoreError> {
        let booking = self.booking(id).await?;
        reach.keep(&booking.location_id.clone(), booking)
    }

    /// A customer who has booked within reach, with those bookings (latest start first).
    pub async fn customer_within(
        &self,
        reach: Reach<'_>,
        id: &CustomerId,
    ) -> Result<(CustomerRecord, Vec<BookingRecord>), StoreError> {
        let bookings = self.customer_bookings(id, reach.locations()).await?;
        if bookings.is_empty() {
            return Err(StoreError::NotFound);
        }
        Ok((self.customer(id).await?, bookings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::seed::{seed_demo, DEMO_PORTAL_TOKEN};

    #[tokio::test]
    async fn another_locations_records_are_not_found() {
        let store = Store::open_in_memory().await.unwrap();
        seed_demo(&store).await.unwrap();
        let ana = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap();
        let desk = store.staff_by_email("desk@parley.demo").await.unwrap().unwrap();
        let jon = store.staff_by_email("jon@parley.demo").await.unwrap().unwrap();
        let booking = &ana.booking.id;
        let thread = &ThreadId::of(booking);
        assert!(matches!(store.thread_within(desk.reach(), thread).await, Err(StoreError::NotFound)));
        assert!(matches!(store.inbox_entry_within(desk.reach(), thread).await, Err(StoreError::NotFound)));
        assert!(matches!(store.booking_within(desk.reach(), booking).await, Err(StoreError::NotFound)));
        assert!(matches!(store.customer_within(desk.reach(), &ana.customer.id).await, Err(StoreError::NotFound)));
        assert_eq!(&store.thread_within(jon.reach(), thread).await.unwrap().id, thread);
        assert_eq!(store.inbox_entry_within(jon.reach(), thread).await.unwrap().customer, ana.customer);
        assert_eq!(store.booking_within(jon.reach(), booking).await.unwrap(), ana.booking);
        let (customer, bookings) = store.customer_within(jon.reach(), &ana.customer.id).await.unwrap();
        assert_eq!((customer, bookings.len()), (ana.customer.clone(), 1));
    }
}
