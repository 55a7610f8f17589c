//! The team's server functions for one conversation: the thread with its booking, earlier
//! messages, polls, replies and read state. Every call goes through the tenancy check: a thread of
//! a location the staff member does not work at answers as not found.

use leptos::prelude::*;

use super::dash_error::DashError;
use crate::ids::{AttachmentId, MessageId, ThreadId};
use crate::model::{MessageView, NoteView, ReadStateView, ThreadChangesView, ThreadEarlierView, ThreadView};

/// A thread with its booking and its newest messages.
#[server(endpoint = "thread_view")]
pub async fn get_thread(thread_id: ThreadId) -> Result<ThreadView, DashError> {
    use super::present::{booking_details, booking_summary, local_date, zone};

    let (ctx, entry) = super::scope::thread_entry(&thread_id).await?;
    let location = ctx.store.location(&entry.thread.location_id).await?;
    let tz = zone(&location);
    let today = local_date(chrono::Utc::now(), tz);
    let opening = super::conversation::opening(&ctx.store, Some(&entry.thread), tz).await?;
    let notes = notes_among(&ctx.store, &entry.thread.id, &opening.messages, tz).await?;
    Ok(ThreadView {
        thread_id: entry.thread.id.clone(),
        booking_id: entry.booking.id.clone(),
        customer_id: entry.customer.id.clone(),
        booking: booking_summary(&entry.booking, &entry.customer, &location, today),
        customer_email: entry.customer.email.clone(),
        customer_phone: entry.customer.phone.clone(),
        details: booking_details(&entry.booking, &entry.customer, &location, today),
        opening,
        notes,
        note_seq: entry.thread.last_note_seq,
    })
}

/// The notes that go with a page of messages: those after any of them, and those before the first
/// message when the page starts the thread.
#[cfg(feature = "ssr")]
async fn notes_among(
    store: &crate::store::Store,
    thread_id: &ThreadId,
    page: &[MessageView],
    tz: chrono_tz::Tz,
) -> Result<Vec<NoteView>, crate::store::StoreError> {
    let (first, last) = (page.first().map_or(0, |m| m.seq), page.last().map_or(0, |m| m.seq));
    let from = if first <= 1 { 0 } else { first };
    let notes = store.notes_among(thread_id, from, last).await?;
    Ok(notes.into_iter().map(|n| super::present::note_view(n, tz)).collect())
}

/// The messages just before `before_seq`, with the notes among them: "Load earlier messages".
#[server(endpoint = "thread_earlier")]
pub async fn thread_earlier(thread_id: ThreadId, before_seq: i64) -> Result<ThreadEarlierView, DashError> {
    let (ctx, thread, location) = super::scope::thread(&thread_id).await?;
    let tz = super::present::zone(&location);
    let page = super::conversation::earlier(&ctx.store, Some(&thread), before_seq, tz).await?;
    let notes = notes_among(&ctx.store, &thread.id, &page.messages, tz).await?;
    Ok(ThreadEarlierView { page, notes })
}

/// New messages of a thread after `after_seq`, both read cursors, the notes after `after_note`,
/// and which colleagues are replying.
#[server(endpoint = "thread_poll")]
pub async fn thread_poll(
    thread_id: ThreadId,
    after_seq: i64,
    /// The last change to sent messages the page has (0 from pages older than unsend).
    #[server(default)]
    after_edit: i64,
    /// The last note the page has.
    #[server(default)]
    after_note: i64,
) -> Result<ThreadChangesView, DashError> {
    let (ctx, thread, location) = super::scope::thread(&thread_id).await?;
    let tz = super::present::zone(&location);
    let chat = super::conversation::changes(&ctx.store, Some(&thread), (after_seq, after_edit), true, tz).await?;
    // Read only when the thread says there are some: an empty poll stays a poll of kept reads.
    const NOTES_PER_POLL: usize = 1000;
    let notes = match thread.last_note_seq > after_note {
        true => ctx.store.notes_after(&thread.id, after_note.max(0), NOTES_PER_POLL).await?,
        false => Vec::new(),
    };
    // A full page may not be all of them: the next poll asks from its last one.
    let note_seq = match notes.last() {
        Some(last) if notes.len() == NOTES_PER_POLL => last.note_seq,
        _ => thread.last_note_seq,
    };
    let replying = ctx.store.replying(&thread.id, &ctx.session.staff.id, chrono::Utc::now()).await?;
    Ok(ThreadChangesView {
        chat,
        notes: notes.into_iter().map(|n| super::present::note_view(n, tz)).collect(),
        note_seq,
        replying,
    })
}

/// A note for the team, in the thread among its messages. The customer never sees it.
#[server(endpoint = "thread_note")]
pub async fn thread_note(thread_id: ThreadId, client_id: String, body: String) -> Result<NoteView, DashError> {
    use crate::store::notes::NewNote;

    let (ctx, thread, location) = super::scope::thread(&thread_id).await?;
    if uuid::Uuid::parse_str(&client_id).is_err() {
        return Err(DashError::Invalid("The note id is not a UUID.".into()).with_status());
    }
    let staff = &ctx.session.staff;
    let note = ctx
        .store
        .add_note(NewNote {
            thread_id: &thread.id,
            staff_id: &staff.id,
            author_name: &staff.display_name(),
            body: &body,
            client_id: &client_id,
            at: chrono::Utc::now(),
        })
        .await?;
    Ok(super::present::note_view(note, super::present::zone(&location)))
}

/// The signed-in staff member is typing a reply in the thread: colleagues' polls show it for a
/// few seconds. The page calls it at most every few seconds while they type.
#[server(endpoint = "thread_typing")]
pub async fn thread_typing(thread_id: ThreadId) -> Result<(), DashError> {
    let (ctx, thread, _) = super::scope::thread(&thread_id).await?;
    let staff = &ctx.session.staff;
    ctx.store.note_typing(&thread.id, &staff.id, &staff.short_name(), chrono::Utc::now()).await?;
    Ok(())
}

/// Unsends a message of the thread (any of them: staff moderate their location's threads). Its
/// text and files are erased for good.
#[server(endpoint = "thread_unsend")]
pub async fn thread_unsend(thread_id: ThreadId, message_id: MessageId) -> Result<MessageView, DashError> {
    use crate::store::unsend::Unsender;

    let (ctx, thread, location) = super::scope::thread(&thread_id).await?;
    let unsent = ctx.store.unsend_message(&thread.id, &message_id, Unsender::Staff, chrono::Utc::now()).await?;
    super::conversation::erase_files(&unsent.erased_files).await;
    Ok(super::present::chat_message(unsent.message, super::present::zone(&location)))
}

/// The team has read the thread.
#[server(endpoint = "thread_mark_read")]
pub async fn thread_mark_read(thread_id: ThreadId) -> Result<ReadStateView, DashError> {
    let (ctx, thread, _) = super::scope::thread(&thread_id).await?;
    let thread = ctx.store.mark_read(&thread.id, crate::model::SenderType::Operator, chrono::Utc::now()).await?;
    Ok(super::present::read_state(Some(&thread)))
}

/// Puts the unread badge back, from the last customer message.
#[server(endpoint = "thread_mark_unread")]
pub async fn thread_mark_unread(thread_id: ThreadId) -> Result<ReadStateView, DashError> {
    let (ctx, thread, _) = super::scope::thread(&thread_id).await?;
    let thread = ctx.store.mark_unread(&thread.id, crate::model::SenderType::Operator, chrono::Utc::now()).await?;
    Ok(super::present::read_state(Some(&thread)))
}

/// A reply from the signed-in staff member, signed with their name (or "Support").
#[server(endpoint = "thread_reply")]
pub async fn thread_reply(
    thread_id: ThreadId,
    client_id: String,
    body: String,
    /// Files uploaded for this reply (`/dashboard/threads/{id}/files`).
    #[server(default)]
    files: Vec<AttachmentId>,
) -> Result<MessageView, DashError> {
    use crate::store::messages::NewMessage;

    let (ctx, thread, location) = super::scope::thread(&thread_id).await?;
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
            files: &files,
            at: chrono::Utc::now(),
        })
        .await?;
    Ok(super::present::chat_message(appended.message, super::present::zone(&location)))
}
