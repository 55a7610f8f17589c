//! The browser entry point of `/portal/{token}`: hydrate the customer's page and nothing else.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_body(app::ui::portal::PortalPage);
    // A marker for tests and for anyone curious: the page is now live in the browser.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
