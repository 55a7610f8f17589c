//! `/dashboard/bookings`: the location's bookings, searchable; `/dashboard/bookings/{id}`: one
//! booking with its portal link and "Message customer".

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::shell::DashTitle;
use crate::api::bookings::{get_booking, get_bookings, new_portal_link, revoke_portal_links, MessageCustomer};
use crate::ids::BookingId;
use crate::model::{BookingDetailView, BookingRowView};
use crate::ui::booking::{BookingFacts, StatusPill};

#[component]
pub fn BookingsPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let bookings = Resource::new(move || (search.get(), date.get()), |(s, d)| get_bookings(s, d));
    view! {
        <DashTitle page="Bookings"/>
        <main class="page bookings">
            <h1>"Bookings"</h1>
            <super::broadcasts::DepartureChooser/>
            <form class="bookings-search" on:submit=|ev| ev.prevent_default()>
                <label for="booking-search">"Customer or confirmation code"</label>
                <input id="booking-search" type="search" placeholder="Ana Silva, KAY7Q2…"
                    on:change=move |ev| search.set(event_target_value(&ev))/>
                <label for="booking-date">"Date"</label>
                <input id="booking-date" type="date" on:change=move |ev| date.set(event_target_value(&ev))/>
            </form>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match bookings.await {
                        Ok(rows) if rows.is_empty() => view! { <p class="muted">"No bookings match."</p> }.into_any(),
                        Ok(rows) => view! { <BookingTable rows/> }.into_any(),
                        Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// Bookings as a list of links; also used on a customer's profile.
#[component]
pub fn BookingTable(rows: Vec<BookingRowView>) -> impl IntoView {
    view! {
        <ul class="booking-list" data-testid="booking-list">
            {rows.into_iter().map(|b| {
                view! {
                    <li>
                        <A href=format!("/dashboard/bookings/{}", b.booking_id)>
                            <span class="booking-name">{b.customer_name}</span>
                            <span class="muted">{format!("{} · {} · {} {}", b.confirmation_code, b.activity, b.date, b.start_time)}</span>
                            <StatusPill status=b.status/>
                        </A>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn BookingPage() -> impl IntoView {
    let params = use_params_map();
    let booking = Resource::new(move || BookingId::new(params.read().get("id").unwrap_or_default()), get_booking);
    view! {
        <main class="page narrow booking">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match booking.await {
                        Ok(detail) => view! { <BookingDetails detail/> }.into_any(),
                        Err(err) => view! { <h1>"Booking not found"</h1><p class="muted">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// What the portal link buttons last did.
#[derive(Debug, Clone, PartialEq)]
enum LinkNotice {
    /// A new link (its path), to copy and send.
    Issued(String),
    Revoked,
}

#[component]
fn BookingDetails(detail: BookingDetailView) -> impl IntoView {
    let BookingDetailView { booking_id, customer_id, summary, customer_email, customer_phone, thread_id } = detail;
    // Issue a new link (true) or revoke every link (false): the answer is what the page then says.
    let links = Action::new({
        let booking_id = booking_id.clone();
        move |issue: &bool| {
            let (issue, booking_id) = (*issue, booking_id.clone());
            async move {
                if issue {
                    new_portal_link(booking_id).await.map(LinkNotice::Issued)
                } else {
                    revoke_portal_links(booking_id).await.map(|()| LinkNotice::Revoked)
                }
            }
        }
    });
    // Starting the conversation twice still makes one thread (the server ensures it); the button
    // waits for the answer meanwhile.
    let start = ServerAction::<MessageCustomer>::new();
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(thread_id)) = start.value().get() {
            navigate(&format!("/dashboard/threads/{thread_id}"), Default::default());
        }
    });
    let start_error = move || start.value().get().and_then(Result::err).map(|e| e.to_string());
    view! {
        <DashTitle page=summary.confirmation_code.clone()/>
        <h1>{summary.activity.clone()}</h1>
        <p><StatusPill status=summary.status/></p>
        <div class="card">
            <BookingFacts
                booking=summary.clone()
                email=customer_email
                phone=customer_phone
                customer_href=format!("/dashboard/customers/{customer_id}")
            />
        </div>
        <div class="booking-actions">
            <button type="button" class="button primary" disabled=move || start.pending().get()
                on:click={
                    let booking_id = booking_id.clone();
                    move |_| { start.dispatch(MessageCustomer { booking_id: booking_id.clone() }); }
                }>
                {if thread_id.is_some() { "Open conversation" } else { "Message customer" }}
            </button>
            <button type="button" class="button" disabled=move || links.pending().get()
                on:click=move |_| { links.dispatch(true); }>"New portal link"</button>
            <button type="button" class="button" disabled=move || links.pending().get()
                on:click=move |_| { links.dispatch(false); }>"Revoke portal links"</button>
        </div>
        {move || start_error().map(|e| view! { <p class="error" role="alert" data-testid="booking-notice">{e}</p> })}
        {move || links.value().get().map(|answer| match answer {
            Ok(LinkNotice::Issued(path)) => {
                let url = format!("{}{path}", window().location().origin().unwrap_or_default());
                view! {
                    <p role="status" data-testid="booking-notice">
                        "A new link: copy it and send it to the customer. Earlier links still work until revoked."
                    </p>
                    <label for="portal-link">"Portal link for the customer"</label>
                    <input id="portal-link" class="portal-link" type="text" readonly value=url data-testid="portal-link"
                        on:focus=|ev| { event_target::<leptos::web_sys::HtmlInputElement>(&ev).select(); }/>
                }.into_any()
            }
            Ok(LinkNotice::Revoked) => view! {
                <p role="status" data-testid="booking-notice">"Every earlier portal link of this booking has stopped working."</p>
            }.into_any(),
            Err(err) => view! { <p class="error" role="alert" data-testid="booking-notice">{err.to_string()}</p> }.into_any(),
        })}
    }
    .into_any()
}
