//! The customer's server functions. Each resolves the booking from the portal token's hash and
//! touches only that booking's thread; nothing else the customer sends names a record.

use leptos::prelude::*;
use leptos::server_fn::codec::{Postcard, PostcardEncoding};
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::ids::{AttachmentId, MessageId};
use crate::model::{
    ChatChangesView, EarlierMessagesView, MessageView, PortalEmailsView, PortalPageView, ReadStateView,
};

/// What can go wrong for a customer, in words they can act on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum PortalError {
    #[error("This link is not valid. Please use the link from your latest booking confirmation.")]
    LinkNotValid,
    #[error("The booking portal is unavailable right now. Please contact the business directly.")]
    PortalUnavailable,
    #[error("Messaging is turned off for this booking. Please contact the business directly.")]
    MessagingOff,
    #[error("{0}")]
    InvalidMessage(String),
    #[error("We are busy right now; your message was not sent. Please try again.")]
    Busy,
    #[error("Something went wrong on our side; please try again.")]
    Server,
    #[error("Could not reach the server. Check your connection and try again.")]
    Network,
}

impl FromServerFnError for PortalError {
    type Encoder = PostcardEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match super::CallFailure::from(value) {
            super::CallFailure::Network => PortalError::Network,
            super::CallFailure::NotUnderstood => PortalError::InvalidMessage(super::NOT_UNDERSTOOD.into()),
            super::CallFailure::Server => PortalError::Server,
        }
    }
}

/// The booking, its newest messages, and whether the customer may write.
#[server(endpoint = "portal_view", input = Postcard, output = Postcard)]
pub async fn portal_view(token: String) -> Result<PortalPageView, PortalError> {
    let store = expect_context::<crate::state::AppState>().store;
    load_portal_page(store, &token).await.map_err(guard::status)
}

/// What `/portal/{token}` shows. The server loads it before rendering the page, which then needs
/// no request of its own from the browser (`ui::portal::PortalPage`).
#[cfg(feature = "ssr")]
pub async fn load_portal_page(store: crate::store::Store, token: &str) -> Result<PortalPageView, PortalError> {
    use crate::api::present::{booking_summary, local_date, zone};

    let (store, access) = guard::open_in(store, token).await?;
    let tz = zone(&access.location);
    let today = local_date(chrono::Utc::now(), tz);
    let thread = store.thread_of_booking(&access.booking.id).await.map_err(guard::store_error)?;
    Ok(PortalPageView {
        booking: booking_summary(&access.booking, &access.customer, &access.location, today),
        can_write: access.location.messaging_enabled,
        opening: super::conversation::opening(&store, thread.as_ref(), tz).await.map_err(guard::store_error)?,
    })
}

/// The messages just before `before_seq`: "Load earlier messages".
#[server(endpoint = "portal_earlier", input = Postcard, output = Postcard)]
pub async fn portal_earlier(token: String, before_seq: i64) -> Result<EarlierMessagesView, PortalError> {
    let (store, access) = guard::open(&token).await?;
    let thread = store.thread_of_booking(&access.booking.id).await.map_err(guard::store_error)?;
    let tz = crate::api::present::zone(&access.location);
    super::conversation::earlier(&store, thread.as_ref(), before_seq, tz).await.map_err(guard::store_error)
}

/// Sends a customer message. The first one creates the booking's thread; a retry with the same
/// `client_id` returns the message already stored instead of a second one.
#[server(endpoint = "portal_send", input = Postcard, output = Postcard)]
pub async fn portal_send(
    token: String,
    client_id: String,
    body: String,
    /// Files uploaded for this message (`/portal/{token}/files`); none when left out.
    #[server(default)]
    files: Vec<AttachmentId>,
) -> Result<MessageView, PortalError> {
    use crate::api::present::{chat_message, zone};
    use crate::store::messages::NewMessage;
    use crate::text::validate_message;

    let (store, access) = guard::open(&token).await?;
    if !access.location.messaging_enabled {
        return Err(guard::status(PortalError::MessagingOff));
    }
    if uuid::Uuid::parse_str(&client_id).is_err() {
        return Err(guard::status(PortalError::InvalidMessage("The message id is not a UUID.".into())));
    }
    let body =
        validate_message(&body, files.len()).map_err(|e| guard::status(PortalError::InvalidMessage(e.to_string())))?;
    let now = chrono::Utc::now();
    let (thread, _) = store.get_or_create_thread(&access.booking.id, now).await.map_err(guard::store_error)?;
    let appended = store
        .append_message(NewMessage {
            thread_id: &thread.id,
            sender_type: crate::model::SenderType::Customer,
            staff_id: None,
            sender_name: &access.customer.full_name(),
            body: &body,
            client_id: &client_id,
            files: &files,
            at: now,
        })
        .await
        .map_err(guard::store_error)?;
    Ok(chat_message(appended.message, zone(&access.location)))
}

/// The messages after `after_seq` and both read cursors: what a poll every 7.5 s asks for.
/// With no news it reads the token's link and the thread, and sends back a few dozen bytes.
#[server(endpoint = "portal_poll", input = Postcard, output = Postcard)]
pub async fn portal_poll(
    token: String,
    after_seq: i64,
    /// The last change to sent messages the page has (0 when left out).
    #[server(default)]
    after_edit: i64,
) -> Result<ChatChangesView, PortalError> {
    let (store, access) = guard::open(&token).await?;
    let thread = store.thread_of_booking(&access.booking.id).await.map_err(guard::store_error)?;
    let tz = crate::api::present::zone(&access.location);
    let can_write = access.location.messaging_enabled;
    super::conversation::changes(&store, thread.as_ref(), (after_seq, after_edit), can_write, tz)
        .await
        .map_err(guard::store_error)
}

/// Unsends one of the customer's own messages: its text and files are erased for good.
#[server(endpoint = "portal_unsend", input = Postcard, output = Postcard)]
pub async fn portal_unsend(token: String, message_id: MessageId) -> Result<MessageView, PortalError> {
    use crate::store::unsend::Unsender;

    let (store, access) = guard::open(&token).await?;
    let thread = store.thread_of_booking(&access.booking.id).await.map_err(guard::store_error)?;
    let thread = thread.ok_or_else(|| guard::status(PortalError::LinkNotValid))?;
    let unsent = store
        .unsend_message(&thread.id, &message_id, Unsender::Customer, chrono::Utc::now())
        .await
        .map_err(guard::store_error)?;
    super::conversation::erase_files(&unsent.erased_files).await;
    Ok(crate::api::present::chat_message(unsent.message, crate::api::present::zone(&access.location)))
}

/// The customer has seen the conversation (the page is open and visible).
#[server(endpoint = "portal_mark_read", input = Postcard, output = Postcard)]
pub async fn portal_mark_read(token: String) -> Result<ReadStateView, PortalError> {
    use crate::api::present::read_state;
    use crate::model::SenderType;

    let (store, access) = guard::open(&token).await?;
    let thread = match store.thread_of_booking(&access.booking.id).await.map_err(guard::store_error)? {
        Some(t) if t.unread_for_customer > 0 || t.customer_read_seq < t.last_seq => {
            Some(store.mark_read(&t.id, SenderType::Customer, chrono::Utc::now()).await.map_err(guard::store_error)?)
        }
        other => other,
    };
    Ok(read_state(thread.as_ref()))
}

/// Whether the customer gets an email when a reply waits unread. Answers while the portal is off
/// too: a customer can always stop emails.
#[server(endpoint = "portal_emails")]
pub async fn portal_emails(token: String) -> Result<PortalEmailsView, PortalError> {
    let (_, access) = guard::link(&token).await?;
    Ok(guard::emails_view(&access))
}

/// Stops (or starts again) the emails about this booking.
#[server(endpoint = "portal_set_emails")]
pub async fn portal_set_emails(token: String, on: bool) -> Result<PortalEmailsView, PortalError> {
    let (store, mut access) = guard::link(&token).await?;
    access.booking =
        store.set_customer_emails(&access.booking.id, on, chrono::Utc::now()).await.map_err(guard::store_error)?;
    Ok(guard::emails_view(&access))
}

#[cfg(feature = "ssr")]
pub use guard::error_status;

#[cfg(feature = "ssr")]
mod guard {
    use axum::http::StatusCode;
    use leptos::prelude::*;

    use super::PortalError;
    use crate::state::AppState;
    use crate::store::bookings::PortalAccess;
    use crate::store::{Store, StoreError};

    /// The store and what the token opens, or the error the customer sees (with its HTTP status).
    pub(super) async fn open(token: &str) -> Result<(Store, PortalAccess), PortalError> {
        open_in(expect_context::<AppState>().store, token).await
    }

    pub(super) async fn open_in(store: Store, token: &str) -> Result<(Store, PortalAccess), PortalError> {
        let (store, access) = link_in(store, token).await?;
        if !access.location.portal_enabled {
            return Err(status(PortalError::PortalUnavailable));
        }
        Ok((store, access))
    }

    /// What the token opens, whether or not the location's portal is on.
    pub(super) async fn link(token: &str) -> Result<(Store, PortalAccess), PortalError> {
        link_in(expect_context::<AppState>().store, token).await
    }

    async fn link_in(store: Store, token: &str) -> Result<(Store, PortalAccess), PortalError> {
        match store.portal_access(token).await.map_err(store_error)? {
            None => Err(status(PortalError::LinkNotValid)),
            Some(access) => Ok((store, access)),
        }
    }

    pub(super) fn emails_view(access: &PortalAccess) -> crate::model::PortalEmailsView {
        use crate::api::present::{booking_summary, local_date, zone};

        let today = local_date(chrono::Utc::now(), zone(&access.location));
        crate::model::PortalEmailsView {
            booking: booking_summary(&access.booking, &access.customer, &access.location, today),
            emails_on: access.booking.emails_off_at.is_none(),
            has_address: access.customer.email.as_deref().is_some_and(|e| !e.is_empty()),
        }
    }

    pub(super) fn store_error(err: StoreError) -> PortalError {
        let mapped = match err {
            StoreError::InvalidBody(e) => PortalError::InvalidMessage(e.to_string()),
            StoreError::Invalid(why) => PortalError::InvalidMessage(why),
            StoreError::Contended { .. } | StoreError::Conflict => PortalError::Busy,
            StoreError::Unavailable(why) => {
                tracing::warn!(%why, "portal request: the database is unavailable");
                PortalError::Busy
            }
            StoreError::NotFound => PortalError::LinkNotValid,
            other => {
                tracing::error!(error = %other, "portal request failed");
                PortalError::Server
            }
        };
        status(mapped)
    }

    /// Sets the response's HTTP status for an error when answering a request (outside one, as
    /// when the portal page is loaded before rendering, there is nothing to set).
    pub(super) fn status(err: PortalError) -> PortalError {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(error_status(&err));
        }
        err
    }

    /// The HTTP status of each error, for the page and the server functions alike.
    pub fn error_status(err: &PortalError) -> StatusCode {
        match err {
            PortalError::LinkNotValid => StatusCode::NOT_FOUND,
            PortalError::PortalUnavailable | PortalError::MessagingOff => StatusCode::FORBIDDEN,
            PortalError::InvalidMessage(_) => StatusCode::BAD_REQUEST,
            PortalError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            PortalError::Server | PortalError::Network => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}
