//! The team's server functions for bookings and customers: the list, one booking, its portal link,
//! starting its conversation, and a customer's profile. Scoped like every dashboard call.

use leptos::prelude::*;

use super::dash_error::DashError;
use crate::ids::{BookingId, CustomerId, ThreadId};
use crate::model::{BookingDetailView, BookingRowView, CustomerView};

/// The current location's bookings; `search` matches customer name or confirmation code,
/// `date` (YYYY-MM-DD, optional) keeps those starting that day in the location's time zone.
#[server(endpoint = "bookings")]
pub async fn get_bookings(search: String, date: String) -> Result<Vec<BookingRowView>, DashError> {
    use chrono::NaiveDate;

    let (ctx, location) = super::scope::current_location().await?;
    let tz = super::present::zone(&location);
    let window = match date.trim() {
        "" => None,
        day => {
            let day = NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .map_err(|_| DashError::Invalid("Use a date like 2026-11-24.".into()).with_status())?;
            match super::present::day_window(day, tz) {
                Some(window) => Some(window),
                None => return Err(DashError::Invalid("That date does not exist here.".into()).with_status()),
            }
        }
    };
    let today = super::present::local_date(chrono::Utc::now(), tz);
    let bookings = ctx.store.list_bookings(&location.id, Some(&search), window, 200).await?;
    Ok(bookings.iter().map(|(b, c)| super::present::booking_row(b, c, &location, today)).collect())
}

#[server(endpoint = "booking")]
pub async fn get_booking(booking_id: BookingId) -> Result<BookingDetailView, DashError> {
    let (ctx, booking) = super::scope::booking(&booking_id).await?;
    let customer = ctx.store.customer(&booking.customer_id).await?;
    let location = ctx.store.location(&booking.location_id).await?;
    let today = super::present::local_date(chrono::Utc::now(), super::present::zone(&location));
    let thread = ctx.store.thread_of_booking(&booking.id).await?;
    Ok(BookingDetailView {
        booking_id: booking.id.clone(),
        customer_id: customer.id.clone(),
        summary: super::present::booking_summary(&booking, &customer, &location, today),
        customer_email: customer.email.clone(),
        customer_phone: customer.phone.clone(),
        thread_id: thread.map(|t| t.id),
    })
}

/// A fresh portal link for the booking (the path; only its hash is kept). Earlier links still work
/// until they are revoked.
#[server(endpoint = "new_portal_link")]
pub async fn new_portal_link(booking_id: BookingId) -> Result<String, DashError> {
    let (ctx, booking) = super::scope::booking(&booking_id).await?;
    let token = ctx.store.issue_portal_link(&booking.id).await?;
    Ok(format!("/portal/{token}"))
}

/// Ends every portal link of the booking issued so far.
#[server(endpoint = "revoke_portal_links")]
pub async fn revoke_portal_links(booking_id: BookingId) -> Result<(), DashError> {
    let (ctx, booking) = super::scope::booking(&booking_id).await?;
    ctx.store.revoke_portal_links(&booking.id).await?;
    Ok(())
}

/// The booking's conversation, started if there is none: at most one, however often it is asked.
#[server(endpoint = "message_customer")]
pub async fn message_customer(booking_id: BookingId) -> Result<ThreadId, DashError> {
    let (ctx, booking) = super::scope::booking(&booking_id).await?;
    let (thread, _) = ctx.store.get_or_create_thread(&booking.id, chrono::Utc::now()).await?;
    Ok(thread.id)
}

/// A customer's profile, if they have booked at one of the staff member's locations.
#[server(endpoint = "customer")]
pub async fn get_customer(customer_id: CustomerId) -> Result<CustomerView, DashError> {
    let ctx = super::scope::staff_context().await?;
    let (customer, bookings) = ctx.store.customer_within(ctx.session.staff.reach(), &customer_id).await?;
    let mut rows = Vec::with_capacity(bookings.len());
    for booking in &bookings {
        let location = ctx.store.location(&booking.location_id).await?;
        let today = super::present::local_date(chrono::Utc::now(), super::present::zone(&location));
        rows.push(super::present::booking_row(booking, &customer, &location, today));
    }
    Ok(CustomerView {
        customer_id: customer.id.clone(),
        name: customer.full_name(),
        email: customer.email.clone(),
        phone: customer.phone.clone(),
        bookings: rows,
    })
}
