#![recursion_limit = "256"]
//! Parley: booking-linked customer chat. One Leptos codebase, rendered on the server ("ssr")
//! and hydrated in the browser ("hydrate"); the portal's own bundle renders its page anew ("csr").

pub mod api;
pub mod ids;
pub mod model;
pub mod paths;
pub mod reply_template;
pub mod text;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod net;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document the server streams; the browser hydrates `App` inside it.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    document(options.clone(), options, App)
}

/// The document of `/portal/{token}`: the same head, but the portal's own light bundle, which
/// renders `PortalPage` over this copy, and the page's data for it to do so.
pub fn portal_shell(options: LeptosOptions, page: ui::portal::PortalPageData) -> impl IntoView {
    let bundle = portal_bundle(&options);
    document(options, bundle, move || {
        provide_meta_context();
        view! {
            <ui::portal::PortalPage page=page.clone()/>
            <ui::portal::PageData page/>
        }
    })
}

/// The portal bundle's files beside the app's: `portal.js`, `portal.wasm` and `portal.css` (only
/// the styles the portal uses) in the same `/pkg/`, their hashed names (release builds) in
/// `portal-hash.txt` next to the server binary.
fn portal_bundle(options: &LeptosOptions) -> LeptosOptions {
    let mut bundle = options.clone();
    bundle.output_name = "portal".into();
    bundle.hash_file = "portal-hash.txt".into();
    bundle
}

/// `bundle` names the stylesheet and the script that brings `body` to life in the browser.
fn document<V: IntoView + 'static>(
    options: LeptosOptions,
    bundle: LeptosOptions,
    body: impl FnOnce() -> V,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    send_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='8' fill='%231a5fd0'/%3E%3C/svg%3E"/>
                <AutoReload options=options.clone()/>
                // With hashed file names (release builds), the name of this build's stylesheet.
                <HashedStylesheet options=bundle.clone() id="leptos"/>
                <HydrationScripts options=bundle/>
                <MetaTags/>
            </head>
            <body>
                {body()}
            </body>
        </html>
    }
}

/// Scripts run only from this site and only with this page's nonce (Leptos puts it on the
/// hydration script and every inline script it streams); WebAssembly may be compiled; styles,
/// fonts and images come from this site (the icon is a data: URL); no page may frame these.
#[cfg(feature = "ssr")]
fn send_content_security_policy() {
    use axum::http::{header::CONTENT_SECURITY_POLICY, HeaderValue};

    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Parley"/>
        <Router>
            <Routes fallback=ui::not_found::NotFound>
                <Route path=path!("/") view=ui::home::HomePage/>
                // `/portal/:token` is not here: the server renders it with `portal_shell`.
                <Route path=path!("/portal/:token/unsubscribe") view=ui::portal::PortalEmailsPage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=ui::login::LoginPage/>
                <ParentRoute path=path!("/dashboard") view=ui::dashboard::DashboardShell ssr=SsrMode::Async>
                    <ParentRoute path=path!("") view=ui::dashboard::conversations::ConversationsPage>
                        <Route path=path!("") view=ui::dashboard::conversations::NoThreadOpen/>
                        <Route path=path!("threads/:id") view=ui::dashboard::thread::ThreadPanel/>
                    </ParentRoute>
                    <Route path=path!("bookings") view=ui::dashboard::bookings::BookingsPage/>
                    <Route path=path!("bookings/:id") view=ui::dashboard::bookings::BookingPage/>
                    <Route path=path!("departure") view=ui::dashboard::broadcasts::DeparturePage/>
                    <Route path=path!("broadcasts/:id") view=ui::dashboard::broadcasts::BroadcastPage/>
                    <Route path=path!("customers/:id") view=ui::dashboard::customer::CustomerPage/>
                    <Route path=path!("settings") view=ui::dashboard::settings::SettingsPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
