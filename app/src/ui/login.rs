//! `/login`: email and password. Works before the wasm loads too: the form posts to the server.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::Login;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    // Where the person was going when they were asked to sign in; the server checks it is ours.
    let next = leptos_router::hooks::use_query_map().read_untracked().get("next");
    let error = move || login.value().get().and_then(Result::err).map(|e| e.to_string());
    view! {
        <Title text="Sign in · Parley"/>
        <main class="page narrow login">
            <h1>"Sign in to Parley"</h1>
            <p class="muted">"The team's inbox of booking conversations."</p>
            <ActionForm action=login>
                <div class="card form">
                    {next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
                    <label for="login-email">"Email"</label>
                    <input id="login-email" type="email" name="email" autocomplete="username" required/>
                    <label for="login-password">"Password"</label>
                    <input id="login-password" type="password" name="password" autocomplete="current-password" required/>
                    {move || error().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                    <button type="submit" class="button primary" disabled=move || login.pending().get()>
                        {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </div>
            </ActionForm>
        </main>
    }
}
