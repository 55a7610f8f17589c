//! The one polling hook both chat views use: every 7.5 s, and at once when the tab comes back.

use std::future::Future;

#[cfg(feature = "browser")]
use leptos::prelude::*;

/// How often a page asks the server what changed.
pub const POLL_INTERVAL_MS: u32 = 7_500;

/// Runs `poll` every 7.5 s, and immediately when the page becomes visible again, until the
/// component that called it is dropped. A poll that is still running is not started twice.
/// Does nothing on the server.
pub fn use_polling<F, Fut>(poll: F)
where
    F: Fn() -> Fut + Clone + 'static,
    Fut: Future<Output = ()> + 'static,
{
    #[cfg(feature = "browser")]
    {
        use leptos::leptos_dom::helpers::window_event_listener_untyped;
        use send_wrapper::SendWrapper;

        use futures::future::{AbortHandle, Abortable};

        // The poll in flight, if any: one at a time, and cancelled with the component, so its
        // answer never lands in signals that are gone.
        let in_flight = StoredValue::new_local(None::<AbortHandle>);
        let tick = move || {
            if in_flight.with_value(Option::is_some) {
                return;
            }
            let (handle, registration) = AbortHandle::new_pair();
            in_flight.set_value(Some(handle));
            let poll = poll.clone();
            leptos::task::spawn_local(async move {
                if Abortable::new(poll(), registration).await.is_ok() {
                    in_flight.set_value(None);
                }
            });
        };
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
            if let Some(Some(handle)) = in_flight.try_with_value(Option::clone) {
                handle.abort();
            }
        });
    }
    #[cfg(not(feature = "browser"))]
    let _ = poll;
}

/// Whether the person can see the page now (the tab is in front). Always true on the server.
pub fn page_is_visible() -> bool {
    #[cfg(feature = "browser")]
    {
        document().visibility_state() == web_sys::VisibilityState::Visible
    }
    #[cfg(not(feature = "browser"))]
    {
        true
    }
}
