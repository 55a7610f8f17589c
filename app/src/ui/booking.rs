//! How a booking shows wherever it shows: its status pill, and its facts as a list.

use leptos::prelude::*;

use crate::model::{BookingStatus, BookingView};

/// "Confirmed", "Cancelled" or "Complete", coloured by status.
#[component]
pub fn StatusPill(status: BookingStatus) -> impl IntoView {
    view! { <span class=format!("pill status-{}", status.as_str())>{status.label()}</span> }
}

/// A booking's facts, for the dashboard: the booking page and the open thread's panel.
#[component]
pub fn BookingFacts(
    booking: BookingView,
    email: Option<String>,
    phone: Option<String>,
    /// Where the customer's name links to (their profile), if anywhere.
    #[prop(optional)]
    customer_href: Option<String>,
) -> impl IntoView {
    let customer = match customer_href {
        Some(href) => {
            view! { <a href=href target="_blank" rel="noopener">{booking.customer_name.clone()}</a> }.into_any()
        }
        None => booking.customer_name.clone().into_any(),
    };
    view! {
        <dl class="facts">
            <dt>"Confirmation"</dt><dd>{booking.confirmation_code.clone()}</dd>
            <dt>"Activity"</dt><dd>{booking.activity.clone()}</dd>
            <dt>"Date"</dt><dd>{booking.date.clone()}</dd>
            <dt>"Time"</dt><dd>{format!("{} ({})", booking.start_time, booking.duration)}</dd>
            <dt>"Party"</dt><dd>{booking.party_size}</dd>
            <dt>"Status"</dt><dd><StatusPill status=booking.status/></dd>
            <dt>"Location"</dt><dd>{booking.location_name.clone()}</dd>
            <dt>"Customer"</dt><dd>{customer}</dd>
            <dt>"Email"</dt><dd>{email.unwrap_or_else(|| "—".into())}</dd>
            <dt>"Phone"</dt><dd>{phone.unwrap_or_else(|| "—".into())}</dd>
        </dl>
    }
}
