//! `/dashboard/threads/{id}`: one conversation with its booking, the reply composer, read state.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::state::DashState;
use crate::api::inbox::{get_thread, thread_mark_read, thread_mark_unread, thread_poll, thread_reply};
use crate::model::{ReadState, SenderType, ThreadView};
use crate::ui::chat::{use_stick_to_bottom, ChatState, Composer, MessageList};
use crate::ui::poll::{page_is_visible, use_polling};

#[component]
pub fn ThreadPanel() -> impl IntoView {
    let params = use_params_map();
    let thread_id = move || params.read().get("id").unwrap_or_default();
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
        messages,
        read,
        today,
    } = view;
    let chat = ChatState::new(messages, read, today);
    let thread_id = StoredValue::new(thread_id);
    let panel_open = RwSignal::new(false);

    // What the list and the count show follows the thread's read state at once.
    let apply_read = move |read: ReadState| {
        let was_unread = chat.read.get_untracked().unread_for_operator > 0;
        chat.read.set(read);
        let now_unread = read.unread_for_operator > 0;
        dash.patch_row(&thread_id.get_value(), |row| row.unread = read.unread_for_operator);
        if was_unread != now_unread {
            dash.clock.update(|c| c.unread_threads = (c.unread_threads + if now_unread { 1 } else { -1 }).max(0));
        }
    };
    let mark_read = move || {
        if chat.read.with_untracked(|r| r.unread_for_operator > 0) && page_is_visible() {
            spawn_local(async move {
                if let Ok(read) = thread_mark_read(thread_id.get_value()).await {
                    apply_read(read);
                }
            });
        }
    };
    // Opening a thread reads it.
    Effect::new(move || mark_read());

    // Customer messages that came while the tab was hidden: read once the tab is seen again.
    let missed_while_hidden = StoredValue::new(false);
    use_polling(move || async move {
        if let Ok(news) = thread_poll(thread_id.get_value(), chat.last_seq()).await {
            let customer_wrote = news.messages.iter().any(|m| m.sender_type == SenderType::Customer);
            chat.receive(news.messages);
            chat.today.set(news.today);
            chat.read.set(news.read);
            dash.patch_row(&thread_id.get_value(), |row| row.unread = news.read.unread_for_operator);
            // A new customer message in the open thread is read, but only if someone can see it.
            if customer_wrote || missed_while_hidden.get_value() {
                if page_is_visible() {
                    missed_while_hidden.set_value(false);
                    mark_read();
                } else {
                    missed_while_hidden.set_value(true);
                }
            }
        }
    });

    let deliver = move |client_id: String, body: String| {
        spawn_local(async move {
            match thread_reply(thread_id.get_value(), client_id.clone(), body).await {
                Ok(message) => {
                    let preview = crate::text::preview(&message.body);
                    chat.receive(vec![message]);
                    // Replying reads the thread.
                    let mut read = chat.read.get_untracked();
                    read.operator_read_seq = chat.last_seq();
                    read.unread_for_operator = 0;
                    apply_read(read);
                    let now_ms = dash.clock.get_untracked().now_ms;
                    dash.patch_row(&thread_id.get_value(), |row| {
                        row.preview = preview;
                        row.last_sender = Some(SenderType::Operator);
                        row.last_message_ms = row.last_message_ms.max(now_ms);
                    });
                }
                Err(err) => chat.fail(&client_id, err.to_string()),
            }
        });
    };
    let send = move |body: String| {
        let client_id = uuid::Uuid::new_v4().to_string();
        chat.start_sending(client_id.clone(), body.clone());
        deliver(client_id, body);
    };
    let retry = move |client_id: String| {
        if let Some(body) = chat.retry(&client_id) {
            deliver(client_id, body);
        }
    };
    let mark_unread = move |_| {
        spawn_local(async move {
            if let Ok(read) = thread_mark_unread(thread_id.get_value()).await {
                apply_read(read);
            }
        });
    };

    let log = NodeRef::<leptos::html::Div>::new();
    use_stick_to_bottom(log, chat);

    let status_class = format!("pill status-{}", booking.status.as_str());
    let details = booking.clone();
    view! {
        <Title text=format!("{} · {}", booking.customer_name, booking.confirmation_code)/>
        <div class="thread">
            <header class="thread-header">
                <div class="thread-title">
                    <a href="/dashboard" class="thread-back" aria-label="Back to conversations">"←"</a>
                    <a href=format!("/dashboard/customers/{customer_id}") target="_blank" rel="noopener" class="thread-customer">
                        {booking.customer_name.clone()}
                    </a>
                    <span class=status_class>{booking.status.label()}</span>
                </div>
                <p class="thread-booking">
                    {format!("{} · {} · {} · {} · {}", booking.confirmation_code, booking.activity, booking.date, booking.start_time, booking.duration)}
                </p>
                <div class="thread-actions">
                    <button type="button" class="button" aria-expanded=move || panel_open.get().to_string()
                        on:click=move |_| panel_open.update(|o| *o = !*o)>
                        "View Booking"
                    </button>
                    <button type="button" class="button" on:click=mark_unread>"Mark as unread"</button>
                </div>
            </header>
            <div class="thread-body">
                <div class="chat-scroll" node_ref=log>
                    <MessageList
                        state=chat
                        me=SenderType::Operator
                        name_own=true
                        on_retry=retry
                        empty_text="No messages yet. Write the first one: the customer sees it the next time they open their booking."
                    />
                </div>
                <Show when=move || panel_open.get()>
                    <aside class="booking-panel" aria-label="Booking details" data-testid="booking-panel">
                        <h2>"Booking"</h2>
                        <dl>
                            <dt>"Confirmation"</dt><dd>{details.confirmation_code.clone()}</dd>
                            <dt>"Activity"</dt><dd>{details.activity.clone()}</dd>
                            <dt>"Date"</dt><dd>{details.date.clone()}</dd>
                            <dt>"Time"</dt><dd>{format!("{} ({})", details.start_time, details.duration)}</dd>
                            <dt>"Party"</dt><dd>{details.party_size}</dd>
                            <dt>"Status"</dt><dd>{details.status.label()}</dd>
                            <dt>"Location"</dt><dd>{details.location_name.clone()}</dd>
                            <dt>"Customer"</dt><dd>{details.customer_name.clone()}</dd>
                            <dt>"Email"</dt><dd>{customer_email.clone().unwrap_or_else(|| "—".into())}</dd>
                            <dt>"Phone"</dt><dd>{customer_phone.clone().unwrap_or_else(|| "—".into())}</dd>
                        </dl>
                        <p class="muted">{format!("Booking id {booking_id}")}</p>
                        <button type="button" class="button" on:click=move |_| panel_open.set(false)>"Close"</button>
                    </aside>
                </Show>
            </div>
            <div class="composer-bar">
                <Composer on_send=send placeholder="Reply to the customer…" label="Reply"/>
            </div>
        </div>
    }
    .into_any()
}
