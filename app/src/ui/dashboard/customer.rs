//! `/dashboard/customers/{id}`: a customer's contact details and their bookings.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::bookings::BookingTable;
use super::shell::DashTitle;
use crate::api::bookings::get_customer;
use crate::ids::CustomerId;

#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let customer = Resource::new(move || CustomerId::new(params.read().get("id").unwrap_or_default()), get_customer);
    view! {
        <main class="page narrow customer">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match customer.await {
                        Ok(c) => view! {
                            <DashTitle page=c.name.clone()/>
                            <h1>{c.name.clone()}</h1>
                            <dl class="facts card">
                                <dt>"Email"</dt><dd>{c.email.clone().unwrap_or_else(|| "—".into())}</dd>
                                <dt>"Phone"</dt><dd>{c.phone.clone().unwrap_or_else(|| "—".into())}</dd>
                            </dl>
                            <h2>"Bookings"</h2>
                            <BookingTable rows=c.bookings/>
                        }.into_any(),
                        Err(err) => view! { <h1>"Customer not found"</h1><p class="muted">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
