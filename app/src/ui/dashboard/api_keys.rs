//! Settings → API keys: create (shown once), list and revoke the keys integrators use.

use leptos::prelude::*;

use crate::api::api_keys::{list_api_keys, CreateApiKey, RevokeApiKey};

#[component]
pub fn ApiKeysSection() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = Resource::new(move || (create.version().get(), revoke.version().get()), |_| list_api_keys());
    let name = RwSignal::new(String::new());
    Effect::new(move || {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
        }
    });
    let created = move || create.value().get().and_then(Result::ok);
    let error = move || {
        let failed = create.value().get().and_then(Result::err).or_else(|| revoke.value().get().and_then(Result::err));
        failed.map(|e| e.to_string())
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateApiKey { name: name.get_untracked() });
    };
    view! {
        <section class="card api-keys">
            <h2>"API keys"</h2>
            <p class="muted">"For the REST API at /api/v1 (see /api/v1/openapi.json). A key reaches this location only."</p>
            <form class="form" on:submit=on_submit>
                <label for="api-key-name">"Key name"</label>
                <input id="api-key-name" type="text" required placeholder="Booking system"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <button type="submit" class="button primary" disabled=move || create.pending().get()>"Create key"</button>
            </form>
            {move || error().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || created().map(|c| view! {
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
                                                view! {
                                                    <button type="button" class="button"
                                                        on:click=move |_| { revoke.dispatch(RevokeApiKey { key_id: id.clone() }); }>
                                                        "Revoke"
                                                    </button>
                                                }.into_any()
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
