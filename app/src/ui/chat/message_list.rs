//! The conversation, oldest first, grouped by day, with "Seen" under the latest own message.
//! Bodies are text nodes: whatever was typed shows as typed and never becomes markup.

use leptos::either::EitherOf5;
use leptos::prelude::*;

use super::state::{ChatState, Outgoing};
use crate::ids::MessageId;
use crate::model::{FileView, MessageView, NoteView, SenderType};
use crate::text::{day_label, file_size};

/// One line of the log.
#[derive(Clone, PartialEq)]
enum Row {
    Day(String),
    Message {
        message: MessageView,
        own: bool,
        show_name: bool,
        seen: bool,
        unsendable: bool,
    },
    /// Sent by this person and not confirmed yet: always last.
    Outgoing(Outgoing),
    /// A team note, among the messages (the team's view only).
    Note(NoteView),
}

impl Row {
    /// A day by its label; a message by its id, and drawn anew when "Seen" comes or goes under it
    /// or it is unsent.
    fn key(&self) -> (String, bool, bool) {
        match self {
            Row::Day(label) => (label.clone(), false, false),
            Row::Message { message, seen, .. } => (message.id.to_string(), *seen, message.deleted),
            Row::Outgoing(o) => (format!("outgoing {}", o.client_id), o.failed.is_some(), false),
            Row::Note(note) => (format!("note {}", note.id), false, false),
        }
    }
}

/// `me` is the side this view belongs to: its messages sit on the right. `name_own` shows the
/// sender's name on own messages too (the team sees which colleague wrote).
#[component]
pub fn MessageList(
    state: ChatState,
    me: SenderType,
    /// Where this side reads files: "…/files/", then the id.
    files_url: String,
    #[prop(optional)] name_own: bool,
    #[prop(into)] on_retry: Callback<String>,
    /// Whether this person may unsend a message, and what unsends it.
    #[prop(into)]
    may_unsend: Callback<MessageView, bool>,
    #[prop(into)] on_unsend: Callback<MessageId>,
    /// Shown when there are no messages yet.
    #[prop(into)]
    empty_text: String,
    /// The team's notes, oldest first, each placed after the message it follows.
    #[prop(default = None)]
    notes: Option<RwSignal<Vec<NoteView>>>,
) -> impl IntoView {
    let rows = move || {
        let today = state.today.get();
        let seen_up_to = state.read.get().other_side_read_seq(me);
        let mut notes = notes.map(|n| n.get()).unwrap_or_default().into_iter().peekable();
        let mut rows = state.messages.with(|messages| {
            let last_own = messages.iter().rev().find(|m| m.sender_type == me).map(|m| m.seq);
            let mut rows = Vec::with_capacity(messages.len() + 4);
            let mut current_day = None;
            let mut day_of = |day, rows: &mut Vec<Row>| {
                if current_day != Some(day) {
                    current_day = Some(day);
                    rows.push(Row::Day(day_label(day, today)));
                }
            };
            for m in messages {
                while let Some(note) = notes.next_if(|n| n.after_seq < m.seq) {
                    day_of(note.day, &mut rows);
                    rows.push(Row::Note(note));
                }
                day_of(m.day, &mut rows);
                let own = m.sender_type == me;
                let seen = own && Some(m.seq) == last_own && seen_up_to >= m.seq;
                let unsendable = may_unsend.run(m.clone());
                rows.push(Row::Message { message: m.clone(), own, show_name: !own || name_own, seen, unsendable });
            }
            for note in notes {
                day_of(note.day, &mut rows);
                rows.push(Row::Note(note));
            }
            rows
        });
        // One list for both, so the page carries one keyed list's code, not two.
        rows.extend(state.outgoing.get().into_iter().map(Row::Outgoing));
        rows
    };
    // Notes do not count: with only notes, the customer still has no messages.
    let is_empty = Memo::new(move |_| state.messages.with(Vec::is_empty) && state.outgoing.with(Vec::is_empty));

    view! {
        <ol class="chat-log" aria-live="polite" data-testid="chat-log">
            {move || is_empty.get().then(|| view! { <li class="chat-empty">{empty_text.clone()}</li> })}
            <For each=rows key=Row::key let:row>
                {render_row(row, &files_url, on_unsend, on_retry)}
            </For>
        </ol>
    }
    .into_any()
}

fn render_row(row: Row, files_url: &str, on_unsend: Callback<MessageId>, on_retry: Callback<String>) -> impl IntoView {
    match row {
        Row::Note(note) => EitherOf5::E(view! {
            <li class="msg note" data-testid="note">
                <div class="msg-name">{format!("Note · {}", note.author_name)}</div>
                <div class="msg-bubble"><p class="msg-body">{note.body}</p></div>
                <div class="msg-meta"><time>{note.time}</time></div>
            </li>
        }),
        Row::Outgoing(o) => EitherOf5::A(view! {
            <li class="msg own pending" data-testid="outgoing">
                <div class="msg-bubble">
                    {o.files.iter().map(|f| view! { <p class="file-pending">{format!("{} · {}", f.name, file_size(f.size))}</p> }).collect_view()}
                    {(!o.body.is_empty()).then(|| view! { <p class="msg-body">{o.body.clone()}</p> })}
                </div>
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
        }),
        Row::Day(label) => EitherOf5::B(view! { <li class="chat-day"><span>{label}</span></li> }),
        Row::Message { message, own, show_name, seen, .. } if message.deleted => {
            let side = if own { "msg own deleted" } else { "msg theirs deleted" };
            EitherOf5::C(view! {
                <li class=side data-seq=message.seq data-testid="message">
                    {show_name.then(|| view! { <div class="msg-name">{message.sender_name.clone()}</div> })}
                    <div class="msg-bubble"><p class="msg-body" data-testid="deleted">"Message deleted"</p></div>
                    <div class="msg-meta">
                        <time>{message.time.clone()}</time>
                        {seen.then(|| view! { <span class="msg-seen" data-testid="seen">" · Seen"</span> })}
                    </div>
                </li>
            })
        }
        Row::Message { message, own, show_name, seen, unsendable } => {
            let side = if own { "msg own" } else { "msg theirs" };
            EitherOf5::D(view! {
                <li class=side data-seq=message.seq data-testid="message">
                    {show_name.then(|| view! { <div class="msg-name">{message.sender_name.clone()}</div> })}
                    <div class="msg-bubble">
                        {message.files.iter().map(|f| render_file(f, files_url)).collect_view()}
                        {(!message.body.is_empty()).then(|| view! { <p class="msg-body">{message.body.clone()}</p> })}
                    </div>
                    <div class="msg-meta">
                        <time>{message.time.clone()}</time>
                        {seen.then(|| view! { <span class="msg-seen" data-testid="seen">" · Seen"</span> })}
                        {unsendable.then(|| view! { <MessageMenu id=message.id.clone() on_unsend/> })}
                    </div>
                </li>
            })
        }
    }
}

/// The message's menu: "⋯" opens it, its one item asks to confirm, Escape closes it. Each step is
/// a button and takes the focus, so the keyboard goes through it as a pointer does.
#[component]
fn MessageMenu(id: MessageId, on_unsend: Callback<MessageId>) -> impl IntoView {
    let step = RwSignal::new(MenuStep::Closed);
    let item = NodeRef::<leptos::html::Button>::new();
    let confirm = NodeRef::<leptos::html::Button>::new();
    Effect::new(move || {
        let target = match step.get() {
            MenuStep::Open => item.get(),
            MenuStep::Confirm => confirm.get(),
            MenuStep::Closed => None,
        };
        if let Some(button) = target {
            let _ = button.focus();
        }
    });
    let toggle = move |_| step.update(|s| *s = if *s == MenuStep::Closed { MenuStep::Open } else { MenuStep::Closed });
    view! {
        <span class="msg-menu" on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { step.set(MenuStep::Closed) }>
            <button
                type="button"
                class="link-button msg-action"
                aria-label="Message actions"
                aria-haspopup="menu"
                aria-expanded=move || (step.get() != MenuStep::Closed).to_string()
                on:click=toggle
            >
                "⋯"
            </button>
            {move || match step.get() {
                MenuStep::Closed => ().into_any(),
                MenuStep::Open => view! {
                    <span class="msg-menu-items" role="menu" aria-label="Message actions">
                        <button type="button" role="menuitem" class="link-button" node_ref=item
                            on:click=move |_| step.set(MenuStep::Confirm)>"Unsend"</button>
                    </span>
                }.into_any(),
                MenuStep::Confirm => {
                    let id = id.clone();
                    view! {
                        <span class="msg-confirm" role="group" aria-label="Unsend this message">
                            <span>"Remove it for everyone?"</span>
                            <button type="button" class="link-button danger" node_ref=confirm
                                on:click=move |_| { step.set(MenuStep::Closed); on_unsend.run(id.clone()); }>"Unsend"</button>
                            <button type="button" class="link-button" on:click=move |_| step.set(MenuStep::Closed)>"Cancel"</button>
                        </span>
                    }.into_any()
                }
            }}
        </span>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MenuStep {
    Closed,
    Open,
    Confirm,
}

/// The longer side of a photo as the chat shows it, in CSS pixels.
const PHOTO_SIDE: i64 = 240;

/// A photo as its thumbnail (its box sized before it loads, so nothing jumps), opening full size;
/// any other file as a card that downloads.
fn render_file(file: &FileView, files_url: &str) -> impl IntoView {
    let full = format!("{files_url}{}", file.id);
    if file.is_image() {
        let (w, h) = match (file.width, file.height) {
            (Some(w), Some(h)) if w > 0 && h > 0 => {
                let scale = (PHOTO_SIDE as f64 / w.max(h) as f64).min(1.0);
                (((w as f64) * scale).round() as i64, ((h as f64) * scale).round() as i64)
            }
            _ => (PHOTO_SIDE, PHOTO_SIDE),
        };
        view! {
            <a class="msg-photo" href=full.clone() target="_blank" rel="noopener" data-testid="photo">
                <img src=format!("{full}/thumb") width=w height=h alt=file.name.clone() loading="lazy"/>
            </a>
        }
        .into_any()
    } else {
        view! {
            <a class="file-card" href=full download=file.name.clone() data-testid="file-card">
                <span class="file-icon" aria-hidden="true">"PDF"</span>
                <span class="file-card-name">{file.name.clone()}</span>
                <span class="file-card-size">{file_size(file.size)}</span>
            </a>
        }
        .into_any()
    }
}
