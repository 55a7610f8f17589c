//! The team's server functions for conversations: the list, its changes, a thread, replies and
//! read state. Every call starts from the session; a thread of a location the staff member does
//! not work at answers as not found.

use leptos::prelude::*;

use super::dash_error::DashError;
use crate::model::{ChatMessage, InboxChanges, InboxPage, ReadState, ThreadChanges, ThreadView};

/// A page of the current location's conversations, newest message first.
#[server(endpoint = "inbox_page")]
pub async fn get_inbox_page(unread_only: bool, search: String, cursor: Option<String>) -> Result<InboxPage, DashError> {
    use crate::store::inbox::InboxQuery;
    use crate::store::threads::InboxCursor;

    let (ctx, location) = scope::current_location().await?;
    let after = match cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => {
            Some(InboxCursor::decode(c).ok_or_else(|| DashError::Invalid("Bad page cursor.".into()).with_status())?)
        }
        None => None,
    };
    let query = InboxQuery { unread_only, search: Some(search) };
    let now = chrono::Utc::now();
    let (entries, next) = ctx.store.inbox_page(&location.id, &query, after.as_ref(), 30).await?;
    let tz = super::present::zone(&location);
    Ok(InboxPage {
        rows: entries.iter().map(|e| super::present::inbox_row(e, tz, now)).collect(),
        next: next.map(|c| c.encode()),
        clock: scope::clock(&ctx, &location, now).await?,
    })
}

/// The current location's threads that changed since `since_ms` (a previous answer's clock).
#[server(endpoint = "inbox_changes")]
pub async fn get_inbox_changes(since_ms: i64) -> Result<InboxChanges, DashError> {
    let (ctx, location) = scope::current_location().await?;
    let now = chrono::Utc::now();
    // A few seconds of overlap: a write that committed late with an earlier time is still seen.
    let since = chrono::DateTime::from_timestamp_millis(since_ms - 5_000).unwrap_or(now);
    let entries = ctx.store.inbox_changes(&location.id, since).await?;
    let tz = super::present::zone(&location);
    Ok(InboxChanges {
        rows: entries.iter().map(|e| super::present::inbox_row(e, tz, now)).collect(),
        clock: scope::clock(&ctx, &location, now).await?,
    })
}

/// The server's clock and the location's unread count, for a dashboard that starts up.
#[server(endpoint = "inbox_clock")]
pub async fn get_inbox_clock() -> Result<crate::model::InboxClock, DashError> {
    let (ctx, location) = scope::current_location().await?;
    scope::clock(&ctx, &location, chrono::Utc::now()).await
}

/// A thread with its booking and history.
#[server(endpoint = "thread_view")]
pub async fn get_thread(thread_id: String) -> Result<ThreadView, DashError> {
    use super::present::{booking_summary, chat_message, local_date, read_state, zone};

    let (ctx, entry) = scope::thread(&thread_id).await?;
    let location = ctx.store.location(&entry.thread.location_id).await?;
    let tz = zone(&location);
    let today = local_date(chrono::Utc::now(), tz);
    let messages = ctx.store.messages_after(&entry.thread.id, 0, 1000).await?;
    Ok(ThreadView {
        thread_id: entry.thread.id.clone(),
        booking_id: entry.booking.id.clone(),
        customer_id: entry.customer.id.clone(),
        booking: booking_summary(&entry.booking, &entry.customer, &location, today),
        customer_email: entry.customer.email.clone(),
        customer_phone: entry.customer.phone.clone(),
        messages: messages.into_iter().map(|m| chat_message(m, tz)).collect(),
        read: read_state(Some(&entry.thread)),
        today,
    })
}

/// New messages of a thread after `after_seq`, and both read cursors.
#[server(endpoint = "thread_poll")]
pub async fn thread_poll(thread_id: String, after_seq: i64) -> Result<ThreadChanges, DashError> {
    use super::present::{chat_message, local_date, read_state, zone};

    let (ctx, thread, location) = scope::thread_only(&thread_id).await?;
    let tz = zone(&location);
    let messages = if thread.last_seq > after_seq {
        ctx.store.messages_after(&thread.id, after_seq.max(0), 1000).await?
    } else {
        Vec::new()
    };
    Ok(ThreadChanges {
        messages: messages.into_iter().map(|m| chat_message(m, tz)).collect(),
        read: read_state(Some(&thread)),
        today: local_date(chrono::Utc::now(), tz),
    })
}

/// The team has read the thread.
#[server(endpoint = "thread_mark_read")]
pub async fn thread_mark_read(thread_id: String) -> Result<ReadState, DashError> {
    let (ctx, thread, _) = scope::thread_only(&thread_id).await?;
    let thread = ctx.store.mark_read(&thread.id, crate::model::SenderType::Operator, chrono::Utc::now()).await?;
    Ok(super::present::read_state(Some(&thread)))
}

/// Puts the unread badge back, from the last customer message.
#[server(endpoint = "thread_mark_unread")]
pub async fn thread_mark_unread(thread_id: String) -> Result<ReadState, DashError> {
    let (ctx, thread, _) = scope::thread_only(&thread_id).await?;
    let thread = ctx.store.mark_unread(&thread.id, crate::model::SenderType::Operator, chrono::Utc::now()).await?;
    Ok(super::present::read_state(Some(&thread)))
}

/// A reply from the signed-in staff member, signed with their name (or "Support").
#[server(endpoint = "thread_reply")]
pub async fn thread_reply(thread_id: String, client_id: String, body: String) -> Result<ChatMessage, DashError> {
    use crate::store::messages::NewMessage;

    let (ctx, thread, location) = scope::thread_only(&thread_id).await?;
    if uuid::Uuid::parse_str(&client_id).is_err() {
        return Err(DashError::Invalid("The message id is not a UUID.".into()).with_status());
    }
    let staff = &ctx.session.staff;
    let appended = ctx
        .store
        .append_message(NewMessage {
            thread_id: &thread.id,
            sender_type: crate::model::SenderType::Operator,
            staff_id: Some(&staff.id),
            sender_name: &staff.display_name(),
            body: &body,
            client_id: &client_id,
            at: chrono::Utc::now(),
        })
        .await?;
    Ok(super::present::chat_message(appended.message, super::present::zone(&location)))
}

#[cfg(feature = "ssr")]
pub(crate) mod scope {
    use chrono::{DateTime, Utc};

    use super::DashError;
    use crate::auth::guard::{staff_context, StaffContext};
    use crate::model::InboxClock;
    use crate::store::inbox::InboxEntry;
    use crate::store::locations::Location;
    use crate::store::threads::Thread;
    use crate::store::StoreError;

    /// The signed-in staff member and the location their dashboard shows.
    pub(crate) async fn current_location() -> Result<(StaffContext, Location), DashError> {
        let ctx = staff_context().await?;
        let id = ctx.location_id.clone().ok_or_else(|| DashError::NotFound.with_status())?;
        let location = ctx.store.location(&id).await?;
        Ok((ctx, location))
    }

    /// A thread, if it belongs to one of the staff member's locations.
    pub(crate) async fn thread_only(thread_id: &str) -> Result<(StaffContext, Thread, Location), DashError> {
        let ctx = staff_context().await?;
        let thread = ctx.store.thread(thread_id).await?;
        if !ctx.session.staff.works_at(&thread.location_id) {
            return Err(StoreError::NotFound.into());
        }
        let location = ctx.store.location(&thread.location_id).await?;
        Ok((ctx, thread, location))
    }

    /// A thread with its booking and customer, under the same rule.
    pub(crate) async fn thread(thread_id: &str) -> Result<(StaffContext, InboxEntry), DashError> {
        let ctx = staff_context().await?;
        let entry = ctx.store.inbox_entry(thread_id).await?;
        if !ctx.session.staff.works_at(&entry.thread.location_id) {
            return Err(StoreError::NotFound.into());
        }
        Ok((ctx, entry))
    }

    pub(crate) async fn clock(
        ctx: &StaffContext,
        location: &Location,
        now: DateTime<Utc>,
    ) -> Result<InboxClock, DashError> {
        Ok(InboxClock {
            now_ms: now.timestamp_millis(),
            today: super::super::present::local_date(now, super::super::present::zone(location)),
            since_ms: now.timestamp_millis(),
            unread_threads: ctx.store.unread_thread_count(&location.id).await?,
        })
    }
}
