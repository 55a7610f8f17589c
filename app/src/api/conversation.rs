//! What both sides' chat server functions answer alike: the newest page a chat opens with, the
//! page before the oldest message shown, and what changed after a seq.

use chrono::Utc;
use chrono_tz::Tz;

use super::present::{chat_message, local_date, read_state};
use crate::model::{ChatChangesView, ChatOpeningView, EarlierMessagesView, MESSAGE_PAGE};
use crate::store::threads::ThreadRecord;
use crate::store::{Store, StoreError};

/// Deletes the bytes of files an unsend erased (their rows are gone already). A failure leaves
/// bytes nobody can reach any more, so it is logged, not shown.
pub(crate) async fn erase_files(files: &[crate::ids::AttachmentId]) {
    let blobs = leptos::prelude::expect_context::<crate::state::AppState>().blobs;
    for id in files {
        if let Err(err) = blobs.delete(id).await {
            tracing::warn!(error = %err, file = %id, "an unsent message's file stays in storage");
        }
    }
}

/// The newest `MESSAGE_PAGE` messages of a thread (none while a booking has no thread yet).
pub(crate) async fn opening(
    store: &Store,
    thread: Option<&ThreadRecord>,
    tz: Tz,
) -> Result<ChatOpeningView, StoreError> {
    let messages = match thread {
        Some(t) => store.messages_before(&t.id, t.last_seq + 1, MESSAGE_PAGE).await?,
        None => Vec::new(),
    };
    Ok(ChatOpeningView {
        has_earlier: messages.first().is_some_and(|m| m.seq > 1),
        messages: messages.into_iter().map(|m| chat_message(m, tz)).collect(),
        read: read_state(thread),
        today: local_date(Utc::now(), tz),
        edit_seq: thread.map_or(0, |t| t.edit_seq),
    })
}

/// The `MESSAGE_PAGE` messages just before `before_seq`.
pub(crate) async fn earlier(
    store: &Store,
    thread: Option<&ThreadRecord>,
    before_seq: i64,
    tz: Tz,
) -> Result<EarlierMessagesView, StoreError> {
    let messages = match thread {
        Some(t) => store.messages_before(&t.id, before_seq.min(t.last_seq + 1), MESSAGE_PAGE).await?,
        None => Vec::new(),
    };
    Ok(EarlierMessagesView {
        has_earlier: messages.first().is_some_and(|m| m.seq > 1),
        messages: messages.into_iter().map(|m| chat_message(m, tz)).collect(),
    })
}

/// The messages after `after_seq`, those up to it changed after edit `after_edit` (each read only
/// when the thread says there are some), and both read cursors: what a poll every 7.5 s asks for.
pub(crate) async fn changes(
    store: &Store,
    thread: Option<&ThreadRecord>,
    (after_seq, after_edit): (i64, i64),
    can_write: bool,
    tz: Tz,
) -> Result<ChatChangesView, StoreError> {
    let messages = match thread {
        Some(t) if t.last_seq > after_seq => store.messages_after(&t.id, after_seq.max(0), 1000).await?,
        _ => Vec::new(),
    };
    let edited = match thread {
        Some(t) if t.edit_seq > after_edit => store.messages_edited(&t.id, after_edit, after_seq).await?,
        _ => Vec::new(),
    };
    Ok(ChatChangesView {
        messages: messages.into_iter().map(|m| chat_message(m, tz)).collect(),
        edited: edited.into_iter().map(|m| chat_message(m, tz)).collect(),
        edit_seq: thread.map_or(0, |t| t.edit_seq),
        read: read_state(thread),
        can_write,
        today: local_date(Utc::now(), tz),
    })
}
