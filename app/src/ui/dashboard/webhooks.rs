//! Settings → Webhooks: add, disable and delete endpoints, send a test event, see deliveries.

use leptos::prelude::*;

use crate::api::webhooks::{
    delete_webhook, get_webhook_settings, send_test_webhook, set_webhook_enabled, CreateWebhook,
};
use crate::ids::EndpointId;
use crate::model::WebhookSettingsView;
use crate::ui::poll::use_polling;

/// What an endpoint's buttons do; one action, so the list reloads after any of them.
#[derive(Debug, Clone, PartialEq)]
enum EndpointChange {
    Test(EndpointId),
    Enable(EndpointId, bool),
    Delete(EndpointId),
}

#[component]
pub fn WebhooksSection() -> impl IntoView {
    let create = ServerAction::<CreateWebhook>::new();
    let change = Action::new(|change: &EndpointChange| {
        let change = change.clone();
        async move {
            match change {
                EndpointChange::Test(id) => send_test_webhook(id).await,
                EndpointChange::Enable(id, enabled) => set_webhook_enabled(id, enabled).await,
                EndpointChange::Delete(id) => delete_webhook(id).await,
            }
        }
    });
    // Every poll brings the deliveries up to date; every change reloads the list.
    let polls = RwSignal::new(0u32);
    use_polling(move || async move { polls.update(|n| *n += 1) });
    let settings = Resource::new(
        move || (polls.get(), create.version().get(), change.version().get()),
        |_| get_webhook_settings(),
    );
    let error = move || {
        let failed = change.value().get().and_then(Result::err).or_else(|| create.value().get().and_then(Result::err));
        failed.map(|e| e.to_string())
    };
    view! {
        <section class="card webhooks">
            <h2>"Webhooks"</h2>
            <p class="muted">
                "Parley posts each new message to these URLs, signed per Standard Webhooks "
                "(webhook-id, webhook-timestamp, webhook-signature), and retries for a day until they answer 2xx."
            </p>
            <NewEndpointForm create/>
            {move || error().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || create.value().get().and_then(Result::ok).map(|c| view! {
                <div class="notice" role="status" data-testid="webhook-secret">
                    <p>"Endpoint added. Its signing secret, shown only this once:"</p>
                    <input type="text" readonly value=c.secret class="portal-link" aria-label="Signing secret"/>
                </div>
            })}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(s) => view! { <EndpointsAndDeliveries settings=s change/> }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn NewEndpointForm(create: ServerAction<CreateWebhook>) -> impl IntoView {
    let url = RwSignal::new(String::new());
    let messages = RwSignal::new(true);
    let deletions = RwSignal::new(true);
    let threads = RwSignal::new(true);
    // A clean form once the endpoint is added.
    Effect::new(move || {
        if let Some(Ok(_)) = create.value().get() {
            url.set(String::new());
        }
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = [(messages, "message.created"), (deletions, "message.deleted"), (threads, "thread.created")];
        let event_types = chosen.iter().filter(|(on, _)| on.get_untracked()).map(|(_, t)| (*t).to_owned()).collect();
        create.dispatch(CreateWebhook { url: url.get_untracked(), event_types });
    };
    view! {
        <form class="form webhook-form" on:submit=add>
            <label for="webhook-url">"Endpoint URL"</label>
            <input id="webhook-url" type="url" required placeholder="https://example.com/parley-webhook"
                prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
            <fieldset>
                <legend>"Events"</legend>
                <label class="switch"><input type="checkbox" prop:checked=move || messages.get()
                    on:change=move |ev| messages.set(event_target_checked(&ev))/>" message.created"</label>
                <label class="switch"><input type="checkbox" prop:checked=move || deletions.get()
                    on:change=move |ev| deletions.set(event_target_checked(&ev))/>" message.deleted"</label>
                <label class="switch"><input type="checkbox" prop:checked=move || threads.get()
                    on:change=move |ev| threads.set(event_target_checked(&ev))/>" thread.created"</label>
            </fieldset>
            <button type="submit" class="button primary" disabled=move || create.pending().get()>"Add endpoint"</button>
        </form>
    }
}

#[component]
fn EndpointsAndDeliveries(
    settings: WebhookSettingsView,
    change: Action<EndpointChange, Result<(), crate::api::dash_error::DashError>>,
) -> impl IntoView {
    view! {
        <h3>"Endpoints"</h3>
        {settings.endpoints.is_empty().then(|| view! { <p class="muted">"No endpoints yet."</p> })}
        <ul class="endpoint-list" data-testid="webhook-endpoints">
            {settings.endpoints.into_iter().map(|e| {
                let id = StoredValue::new(e.id.clone());
                let enabled = e.enabled;
                let dispatch = move |make: fn(EndpointId) -> EndpointChange| move |_| { change.dispatch(make(id.get_value())); };
                view! {
                    <li>
                        <code>{e.url.clone()}</code>
                        <span class="muted">{format!(" · {}{}", e.event_types.join(", "), if enabled { "" } else { " · disabled" })}</span>
                        <div class="endpoint-actions">
                            <button type="button" class="button" on:click=dispatch(EndpointChange::Test)>"Send test event"</button>
                            <button type="button" class="button"
                                on:click=move |_| { change.dispatch(EndpointChange::Enable(id.get_value(), !enabled)); }>
                                {if enabled { "Disable" } else { "Enable" }}
                            </button>
                            <button type="button" class="button" on:click=dispatch(EndpointChange::Delete)>"Delete"</button>
                        </div>
                    </li>
                }
            }).collect_view()}
        </ul>
        <h3>"Latest deliveries"</h3>
        {settings.deliveries.is_empty().then(|| view! { <p class="muted">"Nothing sent yet."</p> })}
        <table class="deliveries" data-testid="webhook-deliveries">
            <thead><tr><th>"When"</th><th>"Event"</th><th>"Endpoint"</th><th>"Status"</th><th>"Attempts"</th><th>"Last answer"</th></tr></thead>
            <tbody>
                {settings.deliveries.into_iter().map(|d| view! {
                    <tr data-testid="webhook-delivery">
                        <td>{d.created}</td>
                        <td>{d.event_type}</td>
                        <td><code>{d.endpoint_url}</code></td>
                        <td class=format!("delivery-{}", d.status)>{d.status.clone()}</td>
                        <td>{d.attempts}</td>
                        <td>{d.last_status.map(|s| s.to_string()).or(d.last_error).unwrap_or_else(|| "—".into())}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
