//! Messages to a whole departure: the current location's departures, one with its bookings,
//! sending a broadcast into each chosen booking's thread, and where each booking stands. Every
//! call is scoped to the session's current location: a booking named in a request that is not on
//! that location's departure is refused, whatever its id.

use leptos::prelude::*;

use super::dash_error::DashError;
use crate::ids::{BookingId, BroadcastId};
use crate::model::{BroadcastSummaryView, BroadcastView, DepartureDetailView, DepartureView};

/// The location's departures on `date` (YYYY-MM-DD, in the location's time zone), or from the
/// start of today on when it is empty; soonest first.
#[server(endpoint = "departures")]
pub async fn departures(#[server(default)] date: String) -> Result<Vec<DepartureView>, DashError> {
    use super::present::{day_window, departure_view, local_date, zone};

    let (ctx, location) = super::scope::current_location().await?;
    let tz = zone(&location);
    let today = local_date(chrono::Utc::now(), tz);
    let (from, to) = match date.trim() {
        "" => (day_window(today, tz).map_or_else(chrono::Utc::now, |(from, _)| from), None),
        day => {
            let day = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .map_err(|_| DashError::Invalid("Use a date like 2026-11-24.".into()).with_status())?;
            let (from, to) = day_window(day, tz)
                .ok_or_else(|| DashError::Invalid("That date does not exist here.".into()).with_status())?;
            (from, Some(to))
        }
    };
    let departures = ctx.store.departures(&location.id, from, to).await?;
    Ok(departures.iter().map(|d| departure_view(d, tz, today)).collect())
}

/// One departure of the location, with its bookings.
#[server(endpoint = "departure")]
pub async fn departure(activity: String, starts_at: String) -> Result<DepartureDetailView, DashError> {
    use super::present::{departure_booking, departure_view, local_date, zone};
    use crate::store::departures::DepartureRecord;

    let (ctx, location) = super::scope::current_location().await?;
    let starts_at = start_time(&starts_at)?;
    let bookings = ctx.store.departure_bookings(&location.id, &activity, starts_at).await?;
    if bookings.is_empty() {
        return Err(DashError::NotFound.with_status());
    }
    let count = |s| bookings.iter().filter(|(b, _)| b.status == s).count();
    let record = DepartureRecord {
        activity,
        starts_at,
        confirmed: count(crate::model::BookingStatus::Confirmed),
        cancelled: count(crate::model::BookingStatus::Cancelled),
        other: count(crate::model::BookingStatus::Complete),
    };
    let tz = zone(&location);
    Ok(DepartureDetailView {
        departure: departure_view(&record, tz, local_date(chrono::Utc::now(), tz)),
        bookings: bookings.iter().map(|(b, c)| departure_booking(b, c)).collect(),
    })
}

/// Sends `body` (booking details in braces allowed, filled in for each booking) into the thread
/// of each of `booking_ids`, all bookings of the departure. The same `client_id` again (a retry,
/// a double click) sends nothing twice and finishes what an interrupted call left. Answers once
/// every booking has it.
#[server(endpoint = "send_broadcast")]
pub async fn send_broadcast(
    client_id: String,
    activity: String,
    starts_at: String,
    body: String,
    #[server(default)] booking_ids: Vec<BookingId>,
) -> Result<BroadcastId, DashError> {
    use std::collections::HashMap;

    use super::present::{booking_details, local_date, zone};
    use crate::reply_template::{check, fill};
    use crate::store::broadcasts::NewBroadcast;
    use crate::text::{validate_body, BodyError, MAX_BODY_CHARS};

    let (ctx, location) = super::scope::current_location().await?;
    let invalid = |why: String| DashError::Invalid(why).with_status();
    if uuid::Uuid::parse_str(&client_id).is_err() {
        return Err(invalid("The broadcast id is not a UUID.".into()));
    }
    let starts_at = start_time(&starts_at)?;
    let body = validate_body(&body).map_err(|err| {
        invalid(match err {
            BodyError::TooLong { chars } => {
                format!("The message is {chars} characters long; the limit is {MAX_BODY_CHARS}.")
            }
            _ => "Write the message before sending it.".into(),
        })
    })?;
    check(&body).map_err(|err| invalid(err.to_string()))?;
    if booking_ids.is_empty() {
        return Err(invalid("Choose at least one booking to send it to.".into()));
    }
    let on_departure: HashMap<BookingId, _> = ctx
        .store
        .departure_bookings(&location.id, &activity, starts_at)
        .await?
        .into_iter()
        .map(|(b, c)| (b.id.clone(), (b, c)))
        .collect();
    if on_departure.is_empty() {
        return Err(DashError::NotFound.with_status());
    }
    let mut chosen: Vec<BookingId> = Vec::with_capacity(booking_ids.len());
    for id in booking_ids {
        if !on_departure.contains_key(&id) {
            return Err(invalid(format!("Booking {id} is not on this departure.")));
        }
        if !chosen.contains(&id) {
            chosen.push(id);
        }
    }
    // Every booking's text is checked before anything is stored, so none is half sent.
    let today = local_date(chrono::Utc::now(), zone(&location));
    let filled_for = |template: &str, ids: &[BookingId]| -> Result<Vec<(BookingId, String)>, DashError> {
        ids.iter()
            .filter_map(|id| on_departure.get(id))
            .map(|(booking, customer)| {
                let text = fill(template, &booking_details(booking, customer, &location, today));
                let chars = text.chars().count();
                if chars > MAX_BODY_CHARS {
                    let name = customer.full_name();
                    return Err(invalid(format!(
                        "For {name} the message comes to {chars} characters; the limit is {MAX_BODY_CHARS}."
                    )));
                }
                Ok((booking.id.clone(), text))
            })
            .collect()
    };
    filled_for(&body, &chosen)?;

    let staff = &ctx.session.staff;
    let broadcast = ctx
        .store
        .create_broadcast(NewBroadcast {
            location_id: &location.id,
            staff_id: &staff.id,
            sender_name: &staff.display_name(),
            activity: &activity,
            starts_at,
            body: &body,
            booking_ids: &chosen,
            client_id: &client_id,
            at: chrono::Utc::now(),
        })
        .await?;
    // A retry delivers what the first call recorded, whatever this one asked for.
    let bodies = filled_for(&broadcast.body, &broadcast.booking_ids)?;
    // On a task of its own, so that a request that goes away does not stop it halfway.
    let store = ctx.store.clone();
    let delivery = tokio::spawn({
        let broadcast = broadcast.clone();
        async move { store.deliver_broadcast(&broadcast, &bodies, chrono::Utc::now()).await }
    });
    match delivery.await {
        Ok(result) => result?,
        Err(err) => {
            tracing::error!(error = %err, "a broadcast's delivery stopped");
            return Err(DashError::Server.with_status());
        }
    };
    Ok(broadcast.id)
}

/// The location's latest broadcasts, newest first.
#[server(endpoint = "broadcasts")]
pub async fn broadcasts() -> Result<Vec<BroadcastSummaryView>, DashError> {
    let (ctx, location) = super::scope::current_location().await?;
    let mut views = Vec::new();
    for broadcast in ctx.store.broadcasts(&location.id, 20).await? {
        let recipients = ctx.store.broadcast_recipients(&broadcast).await?;
        views.push(super::present::broadcast_summary(&broadcast, &recipients, &location));
    }
    Ok(views)
}

/// One broadcast of the location, with where each of its bookings stands.
#[server(endpoint = "broadcast")]
pub async fn broadcast(broadcast_id: BroadcastId) -> Result<BroadcastView, DashError> {
    let (ctx, location) = super::scope::current_location().await?;
    let broadcast = ctx.store.broadcast(&location.id, &broadcast_id).await?;
    let recipients = ctx.store.broadcast_recipients(&broadcast).await?;
    // The page polls: its bookings come in one read of the departure, not two reads per booking.
    // One that has moved to another departure since is read on its own.
    let mut on_departure: std::collections::HashMap<_, _> = ctx
        .store
        .departure_bookings(&location.id, &broadcast.activity, broadcast.starts_at)
        .await?
        .into_iter()
        .map(|(b, c)| (b.id.clone(), (b, c)))
        .collect();
    let mut rows = Vec::with_capacity(recipients.len());
    for recipient in &recipients {
        let (booking, customer) = match on_departure.remove(&recipient.booking_id) {
            Some(found) => found,
            None => {
                let booking = ctx.store.booking(&recipient.booking_id).await?;
                let customer = ctx.store.customer(&booking.customer_id).await?;
                (booking, customer)
            }
        };
        rows.push(super::present::recipient_view(recipient, &booking, &customer));
    }
    Ok(BroadcastView {
        summary: super::present::broadcast_summary(&broadcast, &recipients, &location),
        body: broadcast.body,
        recipients: rows,
    })
}

/// A departure's start as a request names it (RFC 3339).
#[cfg(feature = "ssr")]
fn start_time(text: &str) -> Result<chrono::DateTime<chrono::Utc>, DashError> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.to_utc())
        .map_err(|_| DashError::Invalid("The departure's start time is not a time (RFC 3339).".into()).with_status())
}
