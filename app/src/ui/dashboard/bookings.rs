//! `/dashboard/bookings`: the location's bookings, searchable; `/dashboard/bookings/{id}`: one
//! booking with its portal link and "Message customer".

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::shell::DashTitle;
use crate::api::bookings::{get_booking, get_bookings, message_customer, new_portal_link, revoke_portal_links};
use crate::model::{BookingDetail, BookingRow};

#[component]
pub fn BookingsPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let bookings = Resource::new(move || (search.get(), date.get()), |(s, d)| get_bookings(s, d));
    view! {
        <DashTitle page="Bookings"/>
        <main class="page bookings">
            <h1>"Bookings"</h1>
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
pub fn BookingTable(rows: Vec<BookingRow>) -> impl IntoView {
    view! {
        <ul class="booking-list" data-testid="booking-list">
            {rows.into_iter().map(|b| {
                let status_class = format!("pill status-{}", b.status.as_str());
                view! {
                    <li>
                        <A href=format!("/dashboard/bookings/{}", b.booking_id)>
                            <span class="booking-name">{b.customer_name}</span>
                            <span class="muted">{format!("{} · {} · {} {}", b.confirmation_code, b.activity, b.date, b.start_time)}</span>
                            <span class=status_class>{b.status.label()}</span>
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
    let booking = Resource::new(move || params.read().get("id").unwrap_or_default(), get_booking);
    view! {
        <main class="page narrow booking">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match booking.await {
                        Ok(detail) => view! { <BookingView detail/> }.into_any(),
                        Err(err) => view! { <h1>"Booking not found"</h1><p class="muted">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn BookingView(detail: BookingDetail) -> impl IntoView {
    let BookingDetail { booking_id, customer_id, summary, customer_email, customer_phone, thread_id } = detail;
    let booking_id = StoredValue::new(booking_id);
    let link = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let starting = RwSignal::new(false);
    let navigate = use_navigate();

    let issue_link = move |_| {
        spawn_local(async move {
            match new_portal_link(booking_id.get_value()).await {
                Ok(path) => {
                    let url = format!("{}{path}", window().location().origin().unwrap_or_default());
                    notice.set(Some(
                        "A new link: copy it and send it to the customer. Earlier links still work until revoked."
                            .into(),
                    ));
                    link.set(Some(url));
                }
                Err(err) => notice.set(Some(err.to_string())),
            }
        });
    };
    let revoke = move |_| {
        spawn_local(async move {
            match revoke_portal_links(booking_id.get_value()).await {
                Ok(()) => {
                    link.set(None);
                    notice.set(Some("Every earlier portal link of this booking has stopped working.".into()));
                }
                Err(err) => notice.set(Some(err.to_string())),
            }
        });
    };
    let start_conversation = move |_| {
        // One request at a time: a double click still makes one thread (the server ensures it too).
        if starting.get_untracked() {
            return;
        }
        starting.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match message_customer(booking_id.get_value()).await {
                Ok(thread_id) => navigate(&format!("/dashboard/threads/{thread_id}"), Default::default()),
                Err(err) => notice.set(Some(err.to_string())),
            }
            starting.set(false);
        });
    };
    let status_class = format!("pill status-{}", summary.status.as_str());
    view! {
        <DashTitle page=summary.confirmation_code.clone()/>
        <h1>{summary.activity.clone()}</h1>
        <p><span class=status_class>{summary.status.label()}</span></p>
        <dl class="facts card">
            <dt>"Confirmation"</dt><dd>{summary.confirmation_code.clone()}</dd>
            <dt>"Date"</dt><dd>{format!("{} · {} · {}", summary.date, summary.start_time, summary.duration)}</dd>
            <dt>"Party"</dt><dd>{summary.party_size}</dd>
            <dt>"Location"</dt><dd>{summary.location_name.clone()}</dd>
            <dt>"Customer"</dt>
            <dd><a href=format!("/dashboard/customers/{customer_id}") target="_blank" rel="noopener">{summary.customer_name.clone()}</a></dd>
            <dt>"Email"</dt><dd>{customer_email.unwrap_or_else(|| "—".into())}</dd>
            <dt>"Phone"</dt><dd>{customer_phone.unwrap_or_else(|| "—".into())}</dd>
        </dl>
        <div class="booking-actions">
            <button type="button" class="button primary" on:click=start_conversation disabled=move || starting.get()>
                {if thread_id.is_some() { "Open conversation" } else { "Message customer" }}
            </button>
            <button type="button" class="button" on:click=issue_link>"New portal link"</button>
            <button type="button" class="button" on:click=revoke>"Revoke portal links"</button>
        </div>
        {move || notice.get().map(|n| view! { <p role="status" data-testid="booking-notice">{n}</p> })}
        {move || link.get().map(|url| view! {
            <label for="portal-link">"Portal link for the customer"</label>
            <input id="portal-link" class="portal-link" type="text" readonly value=url data-testid="portal-link"
                on:focus=|ev| { event_target::<leptos::web_sys::HtmlInputElement>(&ev).select(); }/>
        })}
    }
    .into_any()
}
