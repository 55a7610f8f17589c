//! Where a message is written. Enter sends, Shift+Enter breaks the line; the text is trimmed,
//! empty text cannot be sent, and a counter shows as the 4000-character limit nears.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::text::{length_counter, validate_body, BodyError};

#[component]
pub fn Composer(
    /// Called with the trimmed, valid body.
    #[prop(into)]
    on_send: Callback<String>,
    #[prop(into)] placeholder: String,
    #[prop(into)] label: String,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let checked = move || text.with(|t| validate_body(t));
    let too_long = move || match checked() {
        Err(e @ BodyError::TooLong { .. }) => Some(e.to_string()),
        _ => None,
    };
    let counter = move || text.with(|t| length_counter(t.trim().chars().count()));
    let submit = move || {
        if let Ok(body) = checked() {
            on_send.run(body);
            text.set(String::new());
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            submit();
        }
    };

    view! {
        <form class="composer" on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <label class="visually-hidden" for="composer-text">{label}</label>
            <textarea
                id="composer-text"
                name="body"
                rows="2"
                placeholder=placeholder
                aria-describedby="composer-hint"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:keydown=on_keydown
            ></textarea>
            <button type="submit" class="button primary send" disabled=move || checked().is_err()>
                "Send"
            </button>
            <div id="composer-hint" class="composer-hint">
                {move || too_long().map(|e| view! { <span class="error" role="alert">{e}</span> })}
                {move || counter().map(|c| view! { <span class="counter" data-testid="counter">{c}</span> })}
            </div>
        </form>
    }
    .into_any()
}
