use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::home::get_home_info;
use crate::model::DemoGuide;

/// The start page: what Parley is, and where to click in the demo.
#[component]
pub fn HomePage() -> impl IntoView {
    let info = Resource::new(|| (), |_| get_home_info());
    view! {
        <Title text="Parley · booking-linked customer chat"/>
        <main class="page narrow home">
            <header class="home-header">
                <h1>"Parley"</h1>
                <p class="lead">
                    "Customers write to you about their booking from their phone; "
                    "your team answers from one inbox, with the booking right there."
                </p>
                <p><a class="button primary" href="/dashboard">"Open the dashboard"</a></p>
            </header>
            <LiveCheck/>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(info) => info.demo.map(|guide| view! { <DemoLinks guide/> }).into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// A control that only works once the wasm has hydrated the page.
#[component]
fn LiveCheck() -> impl IntoView {
    let (taps, set_taps) = signal(0u32);
    view! {
        <section class="card live-check">
            <button class="button" data-testid="live-check"
                on:click=move |_| set_taps.update(|n| *n += 1)>
                "Tap to check the app is live"
            </button>
            <p data-testid="live-check-result" aria-live="polite">
                {move || match taps.get() {
                    0 => "Not tapped yet.".to_owned(),
                    1 => "Live: the page answered 1 tap in your browser.".to_owned(),
                    n => format!("Live: the page answered {n} taps in your browser."),
                }}
            </p>
        </section>
    }
}

#[component]
fn DemoLinks(guide: DemoGuide) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Demo: customer portals"</h2>
            <p>"Each link is a customer's self-service page for one booking."</p>
            <ul class="link-list">
                {guide.portals.into_iter().map(|p| view! {
                    <li>
                        <a href=p.path.clone()>{p.customer_name}</a>
                        <span class="muted">{format!(" · {} · {}", p.activity, p.location_name)}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
        <section class="card">
            <h2>"Demo: staff logins"</h2>
            <ul class="link-list">
                {guide.staff.into_iter().map(|s| view! {
                    <li>
                        <strong>{s.display_name}</strong>
                        <span class="muted">{format!(" · {} · password {}", s.email, s.password)}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
