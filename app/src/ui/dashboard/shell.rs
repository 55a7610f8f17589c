//! The dashboard's frame: navigation with the unread count, the location switcher, sign-out, and
//! the one poll that keeps the Conversations list and the count current on every page.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::{Outlet, Redirect, A};

use super::state::DashState;
use crate::api::auth::{me, switch_location, Logout};
use crate::api::dash_error::DashError;
use crate::api::inbox::{get_inbox_changes, get_inbox_clock};
use crate::model::{InboxClock, StaffMe};
use crate::text::unread_badge;
use crate::ui::poll::use_polling;

#[component]
pub fn DashboardShell() -> impl IntoView {
    let start = Resource::new(
        || (),
        |_| async move {
            let me = me().await?;
            let clock = get_inbox_clock().await?;
            Ok::<_, DashError>((me, clock))
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="page">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match start.await {
                    Ok((me, clock)) => view! { <Shell me clock/> }.into_any(),
                    Err(DashError::SignedOut) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(err) => view! { <main class="page narrow"><p class="error">{err.to_string()}</p></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Shell(me: StaffMe, clock: InboxClock) -> impl IntoView {
    let dash = DashState::new(me, clock);
    provide_context(dash);

    use_polling(move || async move {
        if let Ok(changes) = get_inbox_changes(dash.clock.get_untracked().since_ms).await {
            dash.merge_changes(changes.rows);
            dash.clock.set(changes.clock);
        }
    });

    let unread = move || dash.clock.get().unread_threads;
    let title = move || match unread() {
        0 => "Parley".to_owned(),
        n => format!("({n}) Parley"),
    };
    let logout = ServerAction::<Logout>::new();

    view! {
        <Title text=title/>
        <div class="dash">
            <nav class="dash-nav" aria-label="Dashboard">
                <a class="brand" href="/">"Parley"</a>
                <A href="/dashboard" exact=true>
                    "Conversations"
                    {move || unread_badge(unread().max(0) as u32).map(|b| view! {
                        <span class="badge" data-testid="nav-unread" aria-label=format!("{b} unread conversations")>{b.clone()}</span>
                    })}
                </A>
                <A href="/dashboard/bookings">"Bookings"</A>
                <A href="/dashboard/settings">"Settings"</A>
                <span class="nav-spacer"></span>
                <LocationSwitcher/>
                <span class="nav-who muted">{move || dash.me.get().display_name}</span>
                <ActionForm action=logout>
                    <button type="submit" class="button">"Log out"</button>
                </ActionForm>
            </nav>
            <Outlet/>
        </div>
    }
    .into_any()
}

/// Exactly the staff member's locations; choosing one reloads the dashboard for it.
#[component]
fn LocationSwitcher() -> impl IntoView {
    let dash = expect_context::<DashState>();
    let on_change = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        spawn_local(async move {
            if switch_location(id).await.is_ok() {
                // Every list and count changes with the location: start the dashboard afresh.
                let _ = window().location().set_href("/dashboard");
            }
        });
    };
    view! {
        <label class="visually-hidden" for="location-switcher">"Location"</label>
        <select id="location-switcher" class="location-switcher" on:change=on_change>
            {move || {
                let me = dash.me.get();
                let current = me.location.as_ref().map(|l| l.id.clone());
                me.locations.into_iter().map(|l| {
                    let selected = current.as_deref() == Some(l.id.as_str());
                    view! { <option value=l.id.clone() selected=selected>{l.name.clone()}</option> }
                }).collect_view()
            }}
        </select>
    }
}
