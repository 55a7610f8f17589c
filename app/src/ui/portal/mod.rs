//! The customer's page, `/portal/{token}`: their booking and their conversation with the team.

mod emails;
pub mod page_data;

pub use emails::PortalEmailsPage;
pub use page_data::{PageData, PortalPageData};

use std::future::Future;

use leptos::prelude::*;

use crate::api::portal::{portal_earlier, portal_mark_read, portal_poll, portal_send, portal_unsend, PortalError};
use crate::ids::{AttachmentId, MessageId};
use crate::model::{
    BookingView, ChatChangesView, EarlierMessagesView, MessageView, PortalPageView, ReadStateView, SenderType,
};
use crate::text::page_title;
use crate::ui::booking::StatusPill;
use crate::ui::chat::{use_chat_session, ChatChannel, ChatHooks, ChatLog, Composer};
use crate::ui::page_title::set_page_title;

/// The customer's page. The server renders it for the first paint; the portal bundle then renders
/// it anew in the browser over that copy (`portal/src/lib.rs`) instead of hydrating it, which
/// keeps hydration's code out of the bundle. No router: the token comes from the address itself
/// (the request's on the server, `location` in the browser; both see the same path), and the data
/// travels inside the page (`page_data`), so no request is needed for the first view.
#[component]
pub fn PortalPage(page: PortalPageData) -> impl IntoView {
    let token = token_in_address();
    match page {
        Ok(portal) => view! { <PortalChat token portal/> }.into_any(),
        Err(err) => view! { <PortalProblem err/> }.into_any(),
    }
}

/// The `{token}` of `/portal/{token}` in the address of this page.
fn token_in_address() -> String {
    #[cfg(feature = "ssr")]
    let path = use_context::<axum::http::request::Parts>().map(|parts| parts.uri.path().to_owned());
    #[cfg(not(feature = "ssr"))]
    let path = window().location().pathname().ok();
    token_in_path(&path.unwrap_or_default()).to_owned()
}

fn token_in_path(path: &str) -> &str {
    let rest = path.strip_prefix("/portal/").unwrap_or_default();
    rest.split('/').next().unwrap_or_default()
}

/// A link that is not valid, a portal that is off, or a failure: a plain page that says which.
#[component]
fn PortalProblem(err: PortalError) -> impl IntoView {
    let heading = match err {
        PortalError::LinkNotValid => "Link not valid",
        PortalError::PortalUnavailable => "Portal unavailable",
        _ => "Something went wrong",
    };
    set_page_title(move || format!("{heading} · Parley"));
    view! {
        <main class="page narrow portal-problem">
            <h1>{heading}</h1>
            <p>{err.to_string()}</p>
        </main>
    }
}

/// The portal's server functions, for the chat session.
#[derive(Clone)]
struct PortalChannel {
    token: String,
}

impl ChatChannel for PortalChannel {
    type Error = PortalError;

    fn poll(
        &self,
        after_seq: i64,
        after_edit: i64,
    ) -> impl Future<Output = Result<ChatChangesView, PortalError>> + Send + 'static {
        portal_poll(self.token.clone(), after_seq, after_edit)
    }

    fn unsend(&self, message_id: MessageId) -> impl Future<Output = Result<MessageView, PortalError>> + Send + 'static {
        portal_unsend(self.token.clone(), message_id)
    }

    fn send(
        &self,
        client_id: String,
        body: String,
        files: Vec<AttachmentId>,
    ) -> impl Future<Output = Result<MessageView, PortalError>> + Send + 'static {
        portal_send(self.token.clone(), client_id, body, files)
    }

    fn upload_url(&self) -> String {
        format!("/portal/{}/files", self.token)
    }

    fn files_url(&self) -> String {
        format!("/portal/{}/files/", self.token)
    }

    fn mark_read(&self) -> impl Future<Output = Result<ReadStateView, PortalError>> + Send + 'static {
        portal_mark_read(self.token.clone())
    }

    fn earlier(
        &self,
        before_seq: i64,
    ) -> impl Future<Output = Result<EarlierMessagesView, PortalError>> + Send + 'static {
        portal_earlier(self.token.clone(), before_seq)
    }

    fn stops_writing(error: &PortalError) -> bool {
        *error == PortalError::MessagingOff
    }
}

#[component]
fn PortalChat(token: String, portal: PortalPageView) -> impl IntoView {
    let PortalPageView { booking, can_write, opening } = portal;
    let session =
        use_chat_session(PortalChannel { token }, SenderType::Customer, opening, can_write, ChatHooks::default());
    let activity = booking.activity.clone();
    set_page_title(move || page_title(session.chat.read.get().unread_for_customer, &activity));
    // Polls set it every time; the composer is drawn again (a draft lost) only when it changes.
    let can_write = Memo::new(move |_| session.can_write.get());

    view! {
        <main class="portal">
            <BookingHeader booking/>
            <ChatLog
                session
                label="Conversation with the team"
                empty_text="No messages yet. Ask the team anything about your booking."
            />
            <div class="composer-bar">
                {move || if can_write.get() {
                    view! {
                        <Composer
                            on_send=move |(body, files)| session.send(body, files)
                            upload_url=session.upload_url.get_value()
                            placeholder="Write a message…"
                            label="Message to the team"
                        />
                    }
                    .into_any()
                } else {
                    view! {
                        <p class="notice" role="status" data-testid="messaging-off">
                            "Messaging is turned off for this booking. Please contact the business directly."
                        </p>
                    }
                    .into_any()
                }}
            </div>
        </main>
    }
    .into_any()
}

#[component]
fn BookingHeader(booking: BookingView) -> impl IntoView {
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
                <StatusPill status=booking.status/>
            </p>
        </header>
    }
}

#[cfg(test)]
mod tests {
    use super::token_in_path;

    #[test]
    fn the_token_is_the_path_segment_after_portal() {
        assert_eq!(token_in_path("/portal/demo-portal-ana"), "demo-portal-ana");
        assert_eq!(token_in_path("/portal/demo-portal-ana/"), "demo-portal-ana");
        assert_eq!(token_in_path("/portal/"), "");
        assert_eq!(token_in_path("/dashboard"), "");
    }
}
