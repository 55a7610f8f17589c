//! The dashboard's frame: navigation with the unread count, the location switcher, sign-out, and
//! the one poll that keeps the Conversations list and the count current on every page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, A};

use super::state::DashState;
use crate::api::auth::{me, Logout, SwitchLocation};
use crate::api::dash_error::DashError;
use crate::api::inbox::{get_inbox_changes, get_inbox_start};
use crate::ids::LocationId;
use crate::model::{InboxStartView, StaffView};
use crate::text::{page_title, unread_badge};
use crate::ui::poll::use_polling;

#[component]
pub fn DashboardShell() -> impl IntoView {
    let start = Resource::new(
        || (),
        |_| async move {
            let me = me().await?;
            let start = get_inbox_start().await?;
            Ok::<_, DashError>((me, start))
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="page">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match start.await {
                    Ok((me, start)) => view! { <Shell me start/> }.into_any(),
                    Err(DashError::SignedOut) => view! { <ToSignIn/> }.into_any(),
                    Err(err) => view! { <main class="page narrow"><p class="error">{err.to_string()}</p></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Sends a signed-out visitor to sign in, to come back here afterwards. The server answers the
/// page itself with `303 See Other` (a 401 is not a redirect: curl, link checkers and previewers
/// would stay on it); in the browser (a session that ended while the dashboard was open) the
/// router navigates.
#[component]
fn ToSignIn() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let here = match location.search.get_untracked() {
        search if search.is_empty() => location.pathname.get_untracked(),
        search => format!("{}?{search}", location.pathname.get_untracked()),
    };
    let to = crate::paths::login_path(&here);
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        use axum::http::{header::LOCATION, HeaderValue, StatusCode};
        response.set_status(StatusCode::SEE_OTHER);
        if let Ok(value) = HeaderValue::from_str(&to) {
            response.insert_header(LOCATION, value);
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        let (navigate, to) = (leptos_router::hooks::use_navigate(), to.clone());
        Effect::new(move || navigate(&to, Default::default()));
    }
    view! { <main class="page narrow"><p><a href=to>"Sign in to continue."</a></p></main> }
}

#[component]
fn Shell(me: StaffView, start: InboxStartView) -> impl IntoView {
    let dash = DashState::new(me, start);
    provide_context(dash);

    let announce = super::alerts::use_alerts(dash);
    // Every change after the last one seen, a page at a time until there are no more.
    use_polling(move || {
        let announce = announce.clone();
        async move {
            loop {
                let Ok(changes) = get_inbox_changes(dash.changes.get_value()).await else { return };
                announce(&changes.rows);
                dash.take_changes(changes.rows);
                dash.status.set(changes.status);
                dash.changes.set_value(changes.next);
                if !changes.more {
                    return;
                }
            }
        }
    });

    let unread = move || dash.status.get().unread_threads;
    let title = move || page_title(unread(), "");
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

/// A dashboard page's document title, with the location's unread count in front.
#[component]
pub fn DashTitle(#[prop(into)] page: String) -> impl IntoView {
    let dash = expect_context::<DashState>();
    view! { <Title text=move || page_title(dash.status.get().unread_threads, &page)/> }
}

/// Exactly the staff member's locations; choosing one reloads the dashboard for it.
#[component]
fn LocationSwitcher() -> impl IntoView {
    let dash = expect_context::<DashState>();
    let switch = ServerAction::<SwitchLocation>::new();
    Effect::new(move || {
        if let Some(Ok(())) = switch.value().get() {
            // Every list and count changes with the location: start the dashboard afresh.
            let _ = window().location().set_href("/dashboard");
        }
    });
    let on_change = move |ev: leptos::ev::Event| {
        switch.dispatch(SwitchLocation { location_id: LocationId::new(event_target_value(&ev)) });
    };
    view! {
        <label class="visually-hidden" for="location-switcher">"Location"</label>
        <select id="location-switcher" class="location-switcher" on:change=on_change>
            {move || {
                let me = dash.me.get();
                let current = me.location.as_ref().map(|l| l.id.clone());
                me.locations.into_iter().map(|l| {
                    let selected = current.as_ref() == Some(&l.id);
                    view! { <option value=l.id.to_string() selected=selected>{l.name.clone()}</option> }
                }).collect_view()
            }}
        </select>
    }
}
