//! Keeps the newest message in view: the log scrolls to its end whenever messages change.

use leptos::html::Div;
use leptos::prelude::*;

use super::state::ChatState;

/// Scrolls `log` to the bottom after each change of the conversation, once the browser has laid
/// the new rows out.
pub fn use_stick_to_bottom(log: NodeRef<Div>, chat: ChatState) {
    Effect::new(move || {
        chat.messages.track();
        chat.outgoing.track();
        if let Some(el) = log.get() {
            request_animation_frame(move || el.set_scroll_top(el.scroll_height()));
        }
    });
}
