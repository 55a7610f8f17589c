//! The browser entry point of `/portal/{token}`. The server's copy of the page is already on
//! screen; this renders the same page live in its place, in one go, so nothing flickers. Rendering
//! anew rather than hydrating keeps hydration's code (a second path for every view) out of the
//! bundle: about a seventh of it (README, Performance).

use app::ui::portal::{page_data, PortalPage};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventInit, HtmlTextAreaElement};

/// Named `hydrate` because Leptos's `HydrationScripts` calls the bundle's `hydrate` export.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    let page = page_data::in_document().unwrap_or(Err(app::api::portal::PortalError::Server));
    let Some(body) = document().body() else { return };
    // What the customer typed while the bundle was on its way, and whether they were typing.
    let draft = composer_text().map(|text| (text.value(), document().active_element() == Some(text.into())));
    body.set_inner_html("");
    leptos::mount::mount_to_body(move || view! { <PortalPage page/> });
    if let (Some((typed, focused)), Some(text)) = (draft, composer_text()) {
        keep_draft(&text, &typed, focused);
    }
    // A marker for tests and for anyone curious: the page is now live in the browser.
    let _ = body.set_attribute("data-hydrated", "true");
}

fn composer_text() -> Option<HtmlTextAreaElement> {
    document().get_element_by_id("composer-text")?.dyn_into().ok()
}

/// Puts the draft into the live composer as if typed there (an `input` event, so the composer's
/// own state takes it), and the caret back where typing goes on.
fn keep_draft(text: &HtmlTextAreaElement, typed: &str, focused: bool) {
    if !typed.is_empty() {
        text.set_value(typed);
        let init = EventInit::new();
        init.set_bubbles(true);
        if let Ok(input) = Event::new_with_event_init_dict("input", &init) {
            let _ = text.dispatch_event(&input);
        }
    }
    if focused {
        let _ = text.focus();
    }
}
