//! `/dashboard/threads/{id}`: one conversation with its booking, the reply composer, read state.

use std::future::Future;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::conversations::InboxRows;
use super::notes::{note_writer, TeamNotes};
use super::reply_picker::reply_picker;
use super::replying::{announce_typing, Replying};
use super::shell::DashTitle;
use super::state::DashState;
use crate::api::dash_error::DashError;
use crate::api::saved_replies::list_saved_replies;
use crate::api::threads::{
    get_thread, thread_earlier, thread_mark_read, thread_mark_unread, thread_poll, thread_reply, thread_unsend,
};
use crate::ids::{AttachmentId, MessageId, ThreadId};
use crate::model::{ChatChangesView, EarlierMessagesView, MessageView, ReadStateView, SenderType, ThreadView};
use crate::ui::booking::{BookingFacts, StatusPill};
use crate::ui::chat::{use_chat_session, ChatChannel, ChatHooks, ChatLog, Composer};

#[component]
pub fn ThreadPanel() -> impl IntoView {
    let params = use_params_map();
    let thread_id = move || ThreadId::new(params.read().get("id").unwrap_or_default());
    let thread = Resource::new(thread_id, get_thread);
    view! {
        <Suspense fallback=|| view! { <p class="muted thread-placeholder">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match thread.await {
                    Ok(view) => view! { <OpenThread view/> }.into_any(),
                    Err(err) => view! {
                        <div class="thread-placeholder" role="alert">
                            <h2>"Conversation not found"</h2>
                            <p class="muted">{err.to_string()}</p>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A dashboard thread's server functions, for the chat session. The team's polls and earlier
/// pages bring notes and who is replying too: those go to the page's own signals here, and the
/// session gets what a customer's chat would.
#[derive(Clone)]
struct ThreadChannel {
    thread_id: ThreadId,
    notes: TeamNotes,
    replying: RwSignal<Vec<String>>,
}

impl ChatChannel for ThreadChannel {
    type Error = DashError;

    fn poll(
        &self,
        after_seq: i64,
        after_edit: i64,
    ) -> impl Future<Output = Result<ChatChangesView, DashError>> + Send + 'static {
        let (notes, replying) = (self.notes, self.replying);
        let poll = thread_poll(self.thread_id.clone(), after_seq, after_edit, notes.after());
        async move {
            let news = poll.await?;
            notes.polled(news.notes, news.note_seq);
            if replying.try_with_untracked(|r| *r != news.replying) == Some(true) {
                replying.try_set(news.replying);
            }
            Ok(news.chat)
        }
    }

    fn unsend(&self, message_id: MessageId) -> impl Future<Output = Result<MessageView, DashError>> + Send + 'static {
        thread_unsend(self.thread_id.clone(), message_id)
    }

    /// Staff may unsend any message of their location's threads (a card number a customer posted).
    fn may_unsend(_me: SenderType, _message: &MessageView) -> bool {
        true
    }

    fn send(
        &self,
        client_id: String,
        body: String,
        files: Vec<AttachmentId>,
    ) -> impl Future<Output = Result<MessageView, DashError>> + Send + 'static {
        thread_reply(self.thread_id.clone(), client_id, body, files)
    }

    fn upload_url(&self) -> String {
        format!("/dashboard/threads/{}/files", self.thread_id)
    }

    fn files_url(&self) -> String {
        "/dashboard/files/".to_owned()
    }

    fn mark_read(&self) -> impl Future<Output = Result<ReadStateView, DashError>> + Send + 'static {
        thread_mark_read(self.thread_id.clone())
    }

    fn earlier(
        &self,
        before_seq: i64,
    ) -> impl Future<Output = Result<EarlierMessagesView, DashError>> + Send + 'static {
        let notes = self.notes;
        let earlier = thread_earlier(self.thread_id.clone(), before_seq);
        async move {
            let page = earlier.await?;
            notes.receive(page.notes);
            Ok(page.page)
        }
    }
}

#[component]
fn OpenThread(view: ThreadView) -> impl IntoView {
    let dash = expect_context::<DashState>();
    let ThreadView {
        thread_id,
        booking_id,
        customer_id,
        booking,
        customer_email,
        customer_phone,
        details,
        opening,
        notes,
        note_seq,
    } = view;
    let panel_open = RwSignal::new(false);

    // The list's row and the unread count follow the thread's read state and replies at once.
    let row_id = StoredValue::new(thread_id.clone());
    let shown = expect_context::<InboxRows>().0;
    let on_read = Callback::new(move |(before, after): (ReadStateView, ReadStateView)| {
        shown.with_untracked(|shown| {
            dash.patch_row(shown, &row_id.get_value(), |row| row.unread = after.unread_for_operator)
        });
        let (was_unread, now_unread) = (before.unread_for_operator > 0, after.unread_for_operator > 0);
        if was_unread != now_unread {
            dash.status.update(|s| s.unread_threads = (s.unread_threads + if now_unread { 1 } else { -1 }).max(0));
        }
    });
    let on_sent = Callback::new(move |message: MessageView| {
        let now_ms = dash.status.get_untracked().now_ms;
        shown.with_untracked(|shown| {
            dash.patch_row(shown, &row_id.get_value(), |row| {
                row.preview = crate::text::preview(&message.body);
                row.last_sender = Some(SenderType::Operator);
                row.last_message_ms = row.last_message_ms.max(now_ms);
            })
        });
    });
    let notes = TeamNotes::new(notes, note_seq);
    let replying = RwSignal::new(Vec::new());
    let channel = ThreadChannel { thread_id: thread_id.clone(), notes, replying };
    let hooks = ChatHooks { on_read: Some(on_read), on_sent: Some(on_sent) };
    let session = use_chat_session(channel, SenderType::Operator, opening, true, hooks);
    let mark_unread = Action::new(move |thread_id: &ThreadId| {
        let thread_id = thread_id.clone();
        async move {
            if let Ok(read) = thread_mark_unread(thread_id).await {
                session.apply_read(read);
            }
        }
    });

    // The location's saved replies, asked for once in the browser: an action, not a resource, so
    // the server renders the thread without them and hydration finds the same page.
    let load_replies = Action::new(|_: &()| list_saved_replies());
    Effect::new(move || {
        load_replies.dispatch(());
    });
    let replies = Signal::derive(move || load_replies.value().get().and_then(Result::ok).unwrap_or_default());
    let draft = RwSignal::new(String::new());
    let picker = reply_picker(draft, replies, details, "composer-text");

    // The composer writes a reply, or on its Note tab a note only the team sees.
    let writing_note = RwSignal::new(false);
    let note_problem = RwSignal::new(None::<String>);
    let add_note = note_writer(thread_id.clone(), notes, draft, note_problem);
    announce_typing(thread_id.clone(), draft, writing_note);
    let composer = move || {
        let (on_key, above) = (picker.on_key, picker.view.clone());
        if writing_note.get() {
            view! {
                <Composer
                    on_send=move |(body, _): (String, Vec<crate::model::FileView>)| { add_note.dispatch(body); }
                    placeholder="Write a note for the team… (the customer never sees it)"
                    label="Note"
                    draft
                    on_key
                    above
                />
            }
            .into_any()
        } else {
            view! {
                <Composer
                    on_send=move |(body, files)| session.send(body, files)
                    upload_url=session.upload_url.get_value()
                    placeholder="Reply to the customer… (/ for saved replies)"
                    label="Reply"
                    draft
                    on_key
                    above
                />
            }
            .into_any()
        }
    };
    let tab = move |note: bool, label: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                class="composer-tab"
                aria-selected=move || (writing_note.get() == note).to_string()
                on:click=move |_| writing_note.set(note)
            >
                {label}
            </button>
        }
    };

    let booking_facts = booking.clone();
    view! {
        <DashTitle page=booking.customer_name.clone()/>
        <div class="thread">
            <header class="thread-header">
                <div class="thread-title">
                    <a href="/dashboard" class="thread-back" aria-label="Back to conversations">"←"</a>
                    <a href=format!("/dashboard/customers/{customer_id}") target="_blank" rel="noopener" class="thread-customer">
                        {booking.customer_name.clone()}
                    </a>
                    <StatusPill status=booking.status/>
                </div>
                <p class="thread-booking">
                    {format!("{} · {} · {} · {} · {}", booking.confirmation_code, booking.activity, booking.date, booking.start_time, booking.duration)}
                </p>
                <div class="thread-actions">
                    <button type="button" class="button" aria-expanded=move || panel_open.get().to_string()
                        on:click=move |_| panel_open.update(|o| *o = !*o)>
                        "View Booking"
                    </button>
                    <button type="button" class="button" on:click=move |_| { mark_unread.dispatch(row_id.get_value()); }>
                        "Mark as unread"
                    </button>
                </div>
            </header>
            <div class="thread-body">
                <ChatLog
                    session
                    notes=notes.list
                    name_own=true
                    label="Conversation"
                    empty_text="No messages yet. Write the first one: the customer sees it the next time they open their booking."
                />
                <Show when=move || panel_open.get()>
                    <aside class="booking-panel" aria-label="Booking details" data-testid="booking-panel">
                        <h2>"Booking"</h2>
                        <BookingFacts booking=booking_facts.clone() email=customer_email.clone() phone=customer_phone.clone()/>
                        <p class="muted">{format!("Booking id {booking_id}")}</p>
                        <button type="button" class="button" on:click=move |_| panel_open.set(false)>"Close"</button>
                    </aside>
                </Show>
            </div>
            <div class="composer-bar" class:writing-note=move || writing_note.get()>
                <div class="composer-top">
                    <div class="composer-tabs" role="tablist" aria-label="Write">
                        {tab(false, "Reply")}
                        {tab(true, "Note")}
                    </div>
                    <Replying names=replying/>
                </div>
                {composer}
                {move || note_problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            </div>
        </div>
    }
    .into_any()
}
