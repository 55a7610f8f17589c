//! Settings → API keys: create (shown once), list and revoke the keys integrators use.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::api_keys::{create_api_key, list_api_keys, revoke_api_key};
use crate::model::CreatedApiKey;

#[component]
pub fn ApiKeysSection() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let keys = Resource::new(move || version.get(), |_| list_api_keys());
    let name = RwSignal::new(String::new());
    let created = RwSignal::new(None::<CreatedApiKey>);
    let error = RwSignal::new(None::<String>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match create_api_key(name.get_untracked()).await {
                Ok(c) => {
                    let _ = error.try_set(None);
                    let _ = created.try_set(Some(c));
                    let _ = name.try_set(String::new());
                    let _ = version.try_update(|v| *v += 1);
                }
                Err(e) => {
                    let _ = error.try_set(Some(e.to_string()));
                }
            }
        });
    };
    let revoke = move |id: String| {
        spawn_local(async move {
            if let Err(e) = revoke_api_key(id).await {
                let _ = error.try_set(Some(e.to_string()));
            }
            let _ = version.try_update(|v| *v += 1);
        });
    };
    view! {
        <section class="card api-keys">
            <h2>"API keys"</h2>
            <p class="muted">"For the REST API at /api/v1 (see /api/v1/openapi.json). A key reaches this location only."</p>
            <form class="form" on:submit=create>
                <label for="api-key-name">"Key name"</label>
                <input id="api-key-name" type="text" required placeholder="Booking system"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <button type="submit" class="button primary">"Create key"</button>
            </form>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || created.get().map(|c| view! {
                <div class="notice" role="status" data-testid="api-key-secret">
                    <p>{format!("Key “{}” created. Copy it now: it is shown only this once.", c.key.name)}</p>
                    <input type="text" readonly value=c.secret class="portal-link" aria-label="API key"/>
                </div>
            })}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match keys.await {
                        Ok(keys) if keys.is_empty() => view! { <p class="muted">"No keys yet."</p> }.into_any(),
                        Ok(keys) => view! {
                            <ul class="endpoint-list" data-testid="api-keys">
                                {keys.into_iter().map(|k| {
                                    let id = k.id.clone();
                                    view! {
                                        <li>
                                            <strong>{k.name.clone()}</strong>
                                            <code>{format!(" {}…", k.prefix)}</code>
                                            {if k.revoked {
                                                view! { <span class="muted">" · revoked"</span> }.into_any()
                                            } else {
                                                view! { <button type="button" class="button" on:click=move |_| revoke(id.clone())>"Revoke"</button> }.into_any()
                                            }}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
