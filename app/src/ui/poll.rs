//! The one polling hook both chat views use: every 7.5 s, and at once when the tab comes back.

#[cfg(feature = "hydrate")]
use leptos::prelude::*;

/// How often a page asks the server what changed.
pub const POLL_INTERVAL_MS: u32 = 7_500;

/// Calls `tick` every 7.5 s, and immediately when the page becomes visible again, until the
/// component that called it is dropped. Does nothing on the server.
pub fn use_polling(tick: impl Fn() + Clone + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::leptos_dom::helpers::window_event_listener_untyped;
        use send_wrapper::SendWrapper;

        let interval = gloo_timers::callback::Interval::new(POLL_INTERVAL_MS, {
            let tick = tick.clone();
            move || tick()
        });
        let on_visible = window_event_listener_untyped("visibilitychange", move |_| {
            if page_is_visible() {
                tick();
            }
        });
        let interval = SendWrapper::new(interval);
        on_cleanup(move || {
            drop(interval);
            on_visible.remove();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = tick;
}

/// Whether the person can see the page now (the tab is in front). Always true on the server.
pub fn page_is_visible() -> bool {
    #[cfg(feature = "hydrate")]
    {
        document().visibility_state() == web_sys::VisibilityState::Visible
    }
    #[cfg(not(feature = "hydrate"))]
    {
        true
    }
}
