//! "Saved", or why not, under a form that saves as it changes (Settings, Notifications).

use leptos::prelude::*;

#[component]
pub fn SaveStatus(#[prop(into)] outcome: Signal<Option<Result<(), String>>>, testid: &'static str) -> impl IntoView {
    view! {
        <p role="status" data-testid=testid>
            {move || match outcome.get() {
                Some(Ok(())) => view! { <span class="ok">"Saved"</span> }.into_any(),
                Some(Err(e)) => view! { <span class="error">{e}</span> }.into_any(),
                None => ().into_any(),
            }}
        </p>
    }
}

/// What a save shows: nothing while it runs or before the first one, then how the last one went.
pub fn save_outcome<T, E: ToString>(pending: bool, last: Option<Result<T, E>>) -> Option<Result<(), String>> {
    match last {
        _ if pending => None,
        Some(Ok(_)) => Some(Ok(())),
        Some(Err(err)) => Some(Err(err.to_string())),
        None => None,
    }
}
