//! The conversation, oldest first, grouped by day, with "Seen" under the latest own message.
//! Bodies are text nodes: whatever was typed shows as typed and never becomes markup.

use leptos::prelude::*;

use super::state::ChatState;
use crate::model::{MessageView, SenderType};
use crate::text::day_label;

/// One line of the log.
#[derive(Clone, PartialEq)]
enum Row {
    Day(String),
    Message { message: MessageView, own: bool, show_name: bool, seen: bool },
}

impl Row {
    /// A day by its label; a message by its id, and drawn anew when "Seen" comes or goes under it.
    fn key(&self) -> (String, bool) {
        match self {
            Row::Day(label) => (label.clone(), false),
            Row::Message { message, seen, .. } => (message.id.to_string(), *seen),
        }
    }
}

/// `me` is the side this view belongs to: its messages sit on the right. `name_own` shows the
/// sender's name on own messages too (the team sees which colleague wrote).
#[component]
pub fn MessageList(
    state: ChatState,
    me: SenderType,
    #[prop(optional)] name_own: bool,
    #[prop(into)] on_retry: Callback<String>,
    /// Shown when there are no messages yet.
    #[prop(into)]
    empty_text: String,
) -> impl IntoView {
    let rows = move || {
        let today = state.today.get();
        let seen_up_to = state.read.get().other_side_read_seq(me);
        state.messages.with(|messages| {
            let last_own = messages.iter().rev().find(|m| m.sender_type == me).map(|m| m.seq);
            let mut rows = Vec::with_capacity(messages.len() + 4);
            let mut current_day = None;
            for m in messages {
                if current_day != Some(m.day) {
                    current_day = Some(m.day);
                    rows.push(Row::Day(day_label(m.day, today)));
                }
                let own = m.sender_type == me;
                let seen = own && Some(m.seq) == last_own && seen_up_to >= m.seq;
                rows.push(Row::Message { message: m.clone(), own, show_name: !own || name_own, seen });
            }
            rows
        })
    };
    let is_empty = move || state.messages.with(Vec::is_empty) && state.outgoing.with(Vec::is_empty);

    view! {
        <ol class="chat-log" aria-live="polite" data-testid="chat-log">
            <Show when=is_empty>
                <li class="chat-empty">{empty_text.clone()}</li>
            </Show>
            <For each=rows key=Row::key let:row>
                {render_row(row)}
            </For>
            <For each=move || state.outgoing.get() key=|o| (o.client_id.clone(), o.failed.is_some()) let:o>
                <li class="msg own pending" data-testid="outgoing">
                    <div class="msg-bubble"><p class="msg-body">{o.body.clone()}</p></div>
                    <div class="msg-meta">
                        {match o.failed.clone() {
                            None => view! { <span>"Sending…"</span> }.into_any(),
                            Some(reason) => {
                                let client_id = o.client_id.clone();
                                view! {
                                    <span class="error" role="alert">{format!("Not sent: {reason}")}</span>
                                    <button class="link-button" on:click=move |_| on_retry.run(client_id.clone())>
                                        "Retry"
                                    </button>
                                }.into_any()
                            }
                        }}
                    </div>
                </li>
            </For>
        </ol>
    }
    .into_any()
}

fn render_row(row: Row) -> impl IntoView {
    match row {
        Row::Day(label) => view! { <li class="chat-day"><span>{label}</span></li> }.into_any(),
        Row::Message { message, own, show_name, seen } => {
            let side = if own { "msg own" } else { "msg theirs" };
            view! {
                <li class=side data-seq=message.seq data-testid="message">
                    {show_name.then(|| view! { <div class="msg-name">{message.sender_name.clone()}</div> })}
                    <div class="msg-bubble"><p class="msg-body">{message.body.clone()}</p></div>
                    <div class="msg-meta">
                        <time>{message.time.clone()}</time>
                        {seen.then(|| view! { <span class="msg-seen" data-testid="seen">" · Seen"</span> })}
                    </div>
                </li>
            }
            .into_any()
        }
    }
}
