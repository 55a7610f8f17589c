//! Settings, Notifications: the signed-in staff member's own alerts. Desktop notifications need
//! the browser's permission, asked for only when they press the button, never on page load.

use leptos::prelude::*;

use super::desktop::{ask_notification_permission, notification_permission, Permission};
use super::save_status::{save_outcome, SaveStatus};
use super::state::DashState;
use crate::api::alerts::SaveMyAlerts;
use crate::model::AlertsView;

#[component]
pub fn NotificationsSection(sends_email: bool, team_email_minutes: Option<u32>) -> impl IntoView {
    let dash = expect_context::<DashState>();
    let save = ServerAction::<SaveMyAlerts>::new();
    Effect::new(move || {
        if let Some(Ok(saved)) = save.value().get() {
            dash.me.update(|me| me.alerts = saved);
        }
    });
    let alerts = move || dash.me.get().alerts;
    let store = move |change: fn(&mut AlertsView, bool), on: bool| {
        let mut next = dash.me.get_untracked().alerts;
        change(&mut next, on);
        save.dispatch(SaveMyAlerts { desktop: next.desktop, sound: next.sound, email: next.email });
    };

    // Known only in the browser; the server renders nothing for it, so hydration agrees.
    let permission = RwSignal::new(None::<Permission>);
    Effect::new(move || permission.set(Some(notification_permission())));
    let allow = Action::new_local(|_: &()| ask_notification_permission());
    Effect::new(move || {
        if let Some(answer) = allow.value().get() {
            permission.set(Some(answer));
            if answer == Permission::Granted {
                store(|a, on| a.desktop = on, true);
            }
        }
    });

    let outcome = Signal::derive(move || save_outcome(save.pending().get(), save.value().get()));
    let email_when = match team_email_minutes {
        Some(m) => format!("Email me when a customer message waits unread (after {m} minutes at this location)"),
        None => "Email me when a customer message waits unread (this location sends none now; see above)".to_owned(),
    };
    view! {
        <section class="card notifications" aria-labelledby="notifications-heading">
            <h2 id="notifications-heading">"Notifications"</h2>
            <p class="muted">"Your own choices, for every location you work at."</p>
            {move || match permission.get() {
                None => ().into_any(),
                Some(Permission::Granted) => view! {
                    <label class="switch">
                        <input type="checkbox" data-testid="alert-desktop" prop:checked=move || alerts().desktop
                            on:change=move |ev| store(|a, on| a.desktop = on, event_target_checked(&ev))/>
                        " Desktop notifications when a customer writes and Parley is not in front of you"
                    </label>
                }.into_any(),
                Some(Permission::Ask) => view! {
                    <p>
                        <button type="button" class="button" data-testid="allow-desktop"
                            disabled=move || allow.pending().get() on:click=move |_| { allow.dispatch(()); }>
                            "Allow desktop notifications"
                        </button>
                        <span class="muted">" Your browser will ask you to confirm."</span>
                    </p>
                }.into_any(),
                Some(Permission::Denied) => view! {
                    <p class="muted">
                        "Your browser blocks notifications from Parley. Allow them in the browser's settings for this site, then reload this page."
                    </p>
                }.into_any(),
                Some(Permission::Unsupported) => view! {
                    <p class="muted">"This browser cannot show desktop notifications."</p>
                }.into_any(),
            }}
            <label class="switch">
                <input type="checkbox" data-testid="alert-sound" prop:checked=move || alerts().sound
                    on:change=move |ev| store(|a, on| a.sound = on, event_target_checked(&ev))/>
                " Play a short sound with it"
            </label>
            <label class="switch">
                <input type="checkbox" data-testid="alert-email" prop:checked=move || alerts().email
                    on:change=move |ev| store(|a, on| a.email = on, event_target_checked(&ev))/>
                {format!(" {email_when}")}
            </label>
            {(!sends_email).then(|| view! { <p class="muted">"(Email is not set up on this server; see above.)"</p> })}
            <SaveStatus outcome testid="alerts-status"/>
        </section>
    }
}

/// What Settings says when this server has no SMTP server to send through.
pub const NO_SMTP: &str =
    "Email is not set up on this server (PARLEY_SMTP_URL), so no email is sent: Parley writes what it would send to its log.";
