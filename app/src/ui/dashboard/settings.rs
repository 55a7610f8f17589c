//! `/dashboard/settings`: the current location's Customer Portal and Support Messaging switches
//! and its email delays, saved as soon as they change; then the staff member's own notifications,
//! the webhooks and the API keys.

use leptos::prelude::*;

use super::save_status::{save_outcome, SaveStatus};
use super::shell::DashTitle;
use super::state::DashState;
use crate::api::settings::{get_location_settings, SaveLocationSettings};
use crate::model::LocationSettingsView;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| get_location_settings());
    view! {
        <DashTitle page="Settings"/>
        <main class="page narrow settings">
            // Siblings, not children of this Suspend: nested in it, hydration failed now and then
            // (a marker node expected in webhooks.rs) once the switches could be answered from memory.
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(s) => view! {
                            <SettingsForm initial=s.clone()/>
                            <super::notifications::NotificationsSection
                                sends_email=s.sends_email
                                team_email_minutes=s.team_email_minutes
                            />
                        }.into_any(),
                        Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <super::saved_replies::SavedRepliesSection/>
            <super::webhooks::WebhooksSection/>
            <super::api_keys::ApiKeysSection/>
        </main>
    }
}

/// The delays offered, in minutes; a delay saved through another way is offered too.
const DELAYS: [u32; 8] = [5, 10, 15, 30, 60, 120, 240, 1_440];

fn delay_label(minutes: u32) -> String {
    match minutes {
        m if m % 1_440 == 0 => format!("After {} day{}", m / 1_440, if m == 1_440 { "" } else { "s" }),
        m if m % 60 == 0 => format!("After {} hour{}", m / 60, if m == 60 { "" } else { "s" }),
        m => format!("After {m} minutes"),
    }
}

#[component]
fn DelaySelect(id: &'static str, delay: RwSignal<Option<u32>>, on_change: impl Fn() + 'static) -> impl IntoView {
    let mut offered = DELAYS.to_vec();
    if let Some(m) = delay.get_untracked().filter(|m| !DELAYS.contains(m)) {
        offered.push(m);
        offered.sort_unstable();
    }
    view! {
        <select id=id prop:value=move || delay.get().map_or("off".to_owned(), |m| m.to_string())
            on:change=move |ev| { delay.set(event_target_value(&ev).parse().ok()); on_change(); }>
            <option value="off">"Never"</option>
            {offered.into_iter().map(|m| view! { <option value=m.to_string()>{delay_label(m)}</option> }).collect_view()}
        </select>
    }
}

#[component]
fn SettingsForm(initial: LocationSettingsView) -> impl IntoView {
    let dash = expect_context::<DashState>();
    let portal = RwSignal::new(initial.portal_enabled);
    let messaging = RwSignal::new(initial.messaging_enabled);
    let customer_email = RwSignal::new(initial.customer_email_minutes);
    let team_email = RwSignal::new(initial.team_email_minutes);
    let save_settings = ServerAction::<SaveLocationSettings>::new();
    // The switches and the navigation's notice follow what was saved.
    Effect::new(move || {
        if let Some(Ok(saved)) = save_settings.value().get() {
            portal.set(saved.portal_enabled);
            messaging.set(saved.messaging_enabled);
            customer_email.set(saved.customer_email_minutes);
            team_email.set(saved.team_email_minutes);
            dash.me.update(|me| {
                me.portal_enabled = saved.portal_enabled;
                me.messaging_enabled = saved.messaging_enabled;
            });
        }
    });
    let save = move || {
        save_settings.dispatch(SaveLocationSettings {
            portal_enabled: portal.get_untracked(),
            messaging_enabled: messaging.get_untracked(),
            customer_email_minutes: customer_email.get_untracked(),
            team_email_minutes: team_email.get_untracked(),
        });
    };
    let outcome = Signal::derive(move || save_outcome(save_settings.pending().get(), save_settings.value().get()));
    view! {
        <h1>"Settings"</h1>
        <p class="muted">{format!("Location: {}", initial.location.name)}</p>
        <section class="card">
            <h2>"Customer Portal"</h2>
            <label class="switch">
                <input type="checkbox" role="switch" prop:checked=move || portal.get()
                    on:change=move |ev| { portal.set(event_target_checked(&ev)); save(); }/>
                " Enabled"
            </label>
            <p class="muted">"The self-service page customers open from their booking confirmation."</p>
            <h2>"Messaging"</h2>
            <label class="switch">
                <input type="checkbox" prop:checked=move || messaging.get()
                    on:change=move |ev| { messaging.set(event_target_checked(&ev)); save(); }/>
                " Support Messaging"
            </label>
            <p class="muted">"Customers can write to your team from the portal. Both switches must be on."</p>
            <h2>"Emails"</h2>
            <div class="field-row">
                <label for="customer-email-delay">"Email the customer when a reply waits unread"</label>
                <DelaySelect id="customer-email-delay" delay=customer_email on_change=save/>
            </div>
            <p class="muted">"One email per unread stretch, with a link back to the conversation and a way to stop them."</p>
            <div class="field-row">
                <label for="team-email-delay">"Email the team when a customer message waits unread"</label>
                <DelaySelect id="team-email-delay" delay=team_email on_change=save/>
            </div>
            <p class="muted">"Sent to the staff of this location who chose it under Notifications."</p>
            {(!initial.sends_email).then(|| view! {
                <p class="notice" data-testid="no-smtp">{super::notifications::NO_SMTP}</p>
            })}
            <SaveStatus outcome testid="settings-status"/>
        </section>
    }
}
