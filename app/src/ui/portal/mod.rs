//! The customer's page, `/portal/{token}`: their booking and their conversation with the team.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::portal::{portal_mark_read, portal_poll, portal_send, portal_view, PortalError};
use crate::model::{BookingSummary, PortalSnapshot, SenderType};
use crate::ui::chat::{use_stick_to_bottom, ChatState, Composer, MessageList};
use crate::ui::poll::{page_is_visible, use_polling};

#[component]
pub fn PortalPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let view = Resource::new(token, portal_view);
    view! {
        <Suspense fallback=|| view! { <p class="page">"Loading your booking…"</p> }>
            {move || Suspend::new(async move {
                match view.await {
                    Ok(portal) => view! { <PortalChat token=token() portal/> }.into_any(),
                    Err(err) => view! { <PortalProblem err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A link that is not valid, a portal that is off, or a failure: a plain page that says which.
#[component]
fn PortalProblem(err: PortalError) -> impl IntoView {
    let heading = match err {
        PortalError::LinkNotValid => "Link not valid",
        PortalError::PortalUnavailable => "Portal unavailable",
        _ => "Something went wrong",
    };
    view! {
        <Title text=format!("{heading} · Parley")/>
        <main class="page narrow portal-problem">
            <h1>{heading}</h1>
            <p>{err.to_string()}</p>
        </main>
    }
}

#[component]
fn PortalChat(token: String, portal: PortalSnapshot) -> impl IntoView {
    let PortalSnapshot { booking, can_write, messages, read, today } = portal;
    let chat = ChatState::new(messages, read, today);
    let can_write = RwSignal::new(can_write);
    let token = StoredValue::new(token);

    let activity = booking.activity.clone();
    let title = move || match chat.read.get().unread_for_customer {
        0 => format!("{activity} · Parley"),
        n => format!("({n}) {activity} · Parley"),
    };

    // Marks the conversation read for the customer, if there is anything unread and they can see it.
    let mark_read = move || {
        if chat.read.with_untracked(|r| r.unread_for_customer > 0) && page_is_visible() {
            spawn_local(async move {
                if let Ok(read) = portal_mark_read(token.get_value()).await {
                    chat.read.set(read);
                }
            });
        }
    };

    use_polling(move || async move {
        // A failed poll changes nothing; the next one asks again.
        if let Ok(news) = portal_poll(token.get_value(), chat.last_seq()).await {
            chat.receive(news.messages);
            chat.read.set(news.read);
            chat.today.set(news.today);
            can_write.set(news.can_write);
            mark_read();
        }
    });
    Effect::new(move || mark_read());

    let deliver = move |client_id: String, body: String| {
        spawn_local(async move {
            match portal_send(token.get_value(), client_id.clone(), body).await {
                Ok(message) => {
                    chat.receive(vec![message]);
                    chat.read.update(|r| {
                        r.unread_for_customer = 0;
                        r.customer_read_seq = chat.last_seq();
                    });
                }
                Err(PortalError::MessagingOff) => {
                    can_write.set(false);
                    chat.fail(&client_id, PortalError::MessagingOff.to_string());
                }
                Err(err) => chat.fail(&client_id, err.to_string()),
            }
        });
    };
    let send = move |body: String| {
        let client_id = new_client_id();
        chat.start_sending(client_id.clone(), body.clone());
        deliver(client_id, body);
    };
    let retry = move |client_id: String| {
        if let Some(body) = chat.retry(&client_id) {
            deliver(client_id, body);
        }
    };

    let log = NodeRef::<leptos::html::Div>::new();
    use_stick_to_bottom(log, chat);

    view! {
        <Title text=title/>
        <div class="portal">
            <BookingHeader booking/>
            <div class="chat-scroll" node_ref=log>
                <MessageList
                    state=chat
                    me=SenderType::Customer
                    on_retry=retry
                    empty_text="No messages yet. Ask the team anything about your booking."
                />
            </div>
            <div class="composer-bar">
                <Show
                    when=move || can_write.get()
                    fallback=|| view! {
                        <p class="notice" role="status" data-testid="messaging-off">
                            "Messaging is turned off for this booking. Please contact the business directly."
                        </p>
                    }
                >
                    <Composer on_send=send placeholder="Write a message…" label="Message to the team"/>
                </Show>
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn BookingHeader(booking: BookingSummary) -> impl IntoView {
    let status_class = format!("pill status-{}", booking.status.as_str());
    view! {
        <header class="portal-header">
            <p class="portal-location">{booking.location_name}</p>
            <h1>{booking.activity}</h1>
            <p class="portal-when">
                {format!("{} · {} · {}", booking.date, booking.start_time, booking.duration)}
            </p>
            <p class="portal-facts">
                <span>{format!("Party of {}", booking.party_size)}</span>
                <span>{format!("Confirmation {}", booking.confirmation_code)}</span>
                <span class=status_class>{booking.status.label()}</span>
            </p>
        </header>
    }
}

/// A fresh idempotency key for one message, made in the browser.
fn new_client_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
