//! `/portal/{token}/unsubscribe`: the page an email's unsubscribe link opens. Opening it changes
//! nothing (mail scanners open links); the customer presses the button. Mail programs' one-click
//! POST to the same address is answered by the server directly.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::PortalProblem;
use crate::api::portal::{portal_emails, PortalSetEmails};
use crate::model::PortalEmailsView;

#[component]
pub fn PortalEmailsPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let set = ServerAction::<PortalSetEmails>::new();
    let choice = Resource::new(move || (token(), set.version().get()), |(token, _)| portal_emails(token));
    view! {
        <Suspense fallback=|| view! { <p class="page">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match choice.await {
                    Ok(choice) => view! { <EmailsChoice token=token() choice set/> }.into_any(),
                    Err(err) => view! { <PortalProblem err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EmailsChoice(token: String, choice: PortalEmailsView, set: ServerAction<PortalSetEmails>) -> impl IntoView {
    let PortalEmailsView { booking, emails_on, has_address } = choice;
    let error = move || set.value().get().and_then(Result::err).map(|e| e.to_string());
    let (state, button) = if emails_on {
        (
            "When the team replies and you have not read it yet, we email you a reminder with a link back to the conversation.",
            "Stop these emails",
        )
    } else {
        (
            "You get no emails about this booking's messages. You can still read and answer them on your booking page.",
            "Email me again",
        )
    };
    let portal = format!("/portal/{token}");
    view! {
        <Title text="Emails about your booking · Parley"/>
        <main class="page narrow portal-emails">
            <p class="portal-location">{booking.location_name}</p>
            <h1>"Emails about your booking"</h1>
            <p class="portal-when">{format!("{} · {} · {}", booking.activity, booking.date, booking.start_time)}</p>
            <div class="card form">
                <p data-testid="emails-state" data-on=emails_on.to_string()>{state}</p>
                {(!has_address).then(|| view! {
                    <p class="muted">"This booking has no email address, so no emails are sent."</p>
                })}
                <ActionForm action=set>
                    <input type="hidden" name="token" value=token/>
                    <input type="hidden" name="on" value=(!emails_on).to_string()/>
                    {move || error().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                    <button type="submit" class="button primary" disabled=move || set.pending().get()>
                        {button}
                    </button>
                </ActionForm>
            </div>
            <p><a href=portal>"Open the conversation"</a></p>
        </main>
    }
}
