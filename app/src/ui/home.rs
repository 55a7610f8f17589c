use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::home::get_home_info;
use crate::model::DemoGuideView;

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

/// The demo's portal links, narrowed down as a name, activity or location is typed (in the
/// browser, once the page is live).
#[component]
fn DemoLinks(guide: DemoGuideView) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let portals = guide.portals;
    let shown = move || {
        let wanted = filter.get().trim().to_lowercase();
        portals
            .iter()
            .filter(|p| {
                [&p.customer_name, &p.activity, &p.location_name]
                    .iter()
                    .any(|field| field.to_lowercase().contains(&wanted))
            })
            .cloned()
            .collect::<Vec<_>>()
    };
    view! {
        <section class="card">
            <h2>"Demo: customer portals"</h2>
            <p>"Each link is a customer's self-service page for one booking."</p>
            <label for="demo-filter">"Find a booking"</label>
            <input id="demo-filter" type="search" placeholder="Name, activity or location"
                prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev))/>
            <ul class="link-list" data-testid="demo-portals">
                <For each=shown key=|p| p.path.clone() let:p>
                    <li>
                        <a href=p.path.clone()>{p.customer_name.clone()}</a>
                        <span class="muted">{format!(" · {} · {}", p.activity, p.location_name)}</span>
                    </li>
                </For>
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
