//! Settings → Webhooks: add, disable and delete endpoints, send a test event, see deliveries.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::webhooks::{
    create_webhook, delete_webhook, get_webhook_settings, send_test_webhook, set_webhook_enabled,
};
use crate::model::{CreatedWebhook, WebhookSettings};
use crate::ui::poll::use_polling;

#[component]
pub fn WebhooksSection() -> impl IntoView {
    // Bumped after every change, and by the poll, so the deliveries stay current.
    let version = RwSignal::new(0u32);
    let settings = Resource::new(move || version.get(), |_| get_webhook_settings());
    use_polling(move || async move { version.update(|v| *v += 1) });
    let created = RwSignal::new(None::<CreatedWebhook>);
    let error = RwSignal::new(None::<String>);
    view! {
        <section class="card webhooks">
            <h2>"Webhooks"</h2>
            <p class="muted">
                "Parley posts each new message to these URLs, signed per Standard Webhooks "
                "(webhook-id, webhook-timestamp, webhook-signature), and retries for a day until they answer 2xx."
            </p>
            <NewEndpointForm created error version/>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || created.get().map(|c| view! {
                <div class="notice" role="status" data-testid="webhook-secret">
                    <p>"Endpoint added. Its signing secret, shown only this once:"</p>
                    <input type="text" readonly value=c.secret class="portal-link" aria-label="Signing secret"/>
                </div>
            })}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(s) => view! { <EndpointsAndDeliveries settings=s version error/> }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn NewEndpointForm(
    created: RwSignal<Option<CreatedWebhook>>,
    error: RwSignal<Option<String>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let url = RwSignal::new(String::new());
    let messages = RwSignal::new(true);
    let threads = RwSignal::new(true);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut types = Vec::new();
        if messages.get_untracked() {
            types.push("message.created".to_owned());
        }
        if threads.get_untracked() {
            types.push("thread.created".to_owned());
        }
        spawn_local(async move {
            match create_webhook(url.get_untracked(), types).await {
                Ok(c) => {
                    error.set(None);
                    created.set(Some(c));
                    url.set(String::new());
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
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
                <label class="switch"><input type="checkbox" prop:checked=move || threads.get()
                    on:change=move |ev| threads.set(event_target_checked(&ev))/>" thread.created"</label>
            </fieldset>
            <button type="submit" class="button primary">"Add endpoint"</button>
        </form>
    }
}

#[component]
fn EndpointsAndDeliveries(
    settings: WebhookSettings,
    version: RwSignal<u32>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let act = move |fut: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), crate::api::dash_error::DashError>>>,
    >| {
        spawn_local(async move {
            match fut.await {
                Ok(()) => error.set(None),
                Err(e) => error.set(Some(e.to_string())),
            }
            version.update(|v| *v += 1);
        });
    };
    view! {
        <h3>"Endpoints"</h3>
        {settings.endpoints.is_empty().then(|| view! { <p class="muted">"No endpoints yet."</p> })}
        <ul class="endpoint-list" data-testid="webhook-endpoints">
            {settings.endpoints.into_iter().map(|e| {
                let (id1, id2, id3) = (e.id.clone(), e.id.clone(), e.id.clone());
                let enabled = e.enabled;
                view! {
                    <li>
                        <code>{e.url.clone()}</code>
                        <span class="muted">{format!(" · {}{}", e.event_types.join(", "), if enabled { "" } else { " · disabled" })}</span>
                        <div class="endpoint-actions">
                            <button type="button" class="button" on:click=move |_| act(Box::pin(send_test_webhook(id1.clone())))>"Send test event"</button>
                            <button type="button" class="button" on:click=move |_| act(Box::pin(set_webhook_enabled(id2.clone(), !enabled)))>
                                {if enabled { "Disable" } else { "Enable" }}
                            </button>
                            <button type="button" class="button" on:click=move |_| act(Box::pin(delete_webhook(id3.clone())))>"Delete"</button>
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
