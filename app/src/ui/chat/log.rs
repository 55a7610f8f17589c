//! The scrolling conversation: "Load earlier messages" above the messages, and a log that follows
//! new messages while the person is at its bottom (or has just sent one), stays put while they
//! read further up, and keeps its place when earlier messages come in above.

use leptos::prelude::*;

use super::message_list::MessageList;
use super::session::ChatSession;

/// How near the bottom (in pixels) still counts as at the bottom.
const BOTTOM_SLACK: i32 = 40;

#[component]
pub fn ChatLog(
    session: ChatSession,
    /// Show the sender's name on own messages too (the team sees which colleague wrote).
    #[prop(optional)]
    name_own: bool,
    /// Shown when there are no messages yet.
    #[prop(into)]
    empty_text: String,
    /// What the log is called for assistive technology.
    #[prop(into)]
    label: String,
    /// The team's notes among the messages.
    #[prop(optional)]
    notes: Option<RwSignal<Vec<crate::model::NoteView>>>,
) -> impl IntoView {
    let log = session.log;
    // A memo, so the button is drawn again (and loses the focus) only when it comes or goes.
    let has_earlier = Memo::new(move |_| session.has_earlier.get());
    Effect::new(move || {
        session.chat.messages.track();
        session.chat.outgoing.track();
        if let Some(notes) = notes {
            notes.track();
        }
        let Some(el) = log.get() else { return };
        let kept = session.take_kept_distance();
        let follow = session.follow.get_value();
        // Once the browser has laid the new rows out.
        request_animation_frame(move || match kept {
            Some(from_bottom) => el.set_scroll_top(el.scroll_height() - from_bottom),
            None if follow => el.set_scroll_top(el.scroll_height()),
            None => {}
        });
    });
    let on_scroll = move |_| {
        if let Some(el) = log.get_untracked() {
            session.follow.set_value(el.scroll_top() + el.client_height() >= el.scroll_height() - BOTTOM_SLACK);
        }
    };
    view! {
        // Focusable, so that the keyboard can scroll it too.
        <div class="chat-scroll" node_ref=log on:scroll=on_scroll tabindex="0" role="region" aria-label=label>
            {move || has_earlier.get().then(|| view! {
                <p class="chat-earlier">
                    <button
                        type="button"
                        class="link-button"
                        data-testid="load-earlier"
                        disabled=move || session.loading_earlier()
                        on:click=move |_| session.load_earlier()
                    >
                        {move || if session.loading_earlier() { "Loading…" } else { "Load earlier messages" }}
                    </button>
                </p>
            })}
            {move || session.unsend_problem.get().map(|p| view! { <p class="error chat-problem" role="alert">{p}</p> })}
            <MessageList
                state=session.chat
                me=session.me
                files_url=session.files_url.get_value()
                name_own
                on_retry=move |client_id| session.retry(client_id)
                may_unsend=move |message: crate::model::MessageView| session.may_unsend(&message)
                on_unsend=move |id| session.unsend(id)
                empty_text
                notes
            />
        </div>
    }
}
