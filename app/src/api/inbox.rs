//! The team's Conversations list: a page of it, and what changed after a poll's position.

use leptos::prelude::*;

use super::dash_error::DashError;
use crate::model::{InboxChangesView, InboxPageView, InboxStartView};

/// A page of the current location's conversations, newest message first.
#[server(endpoint = "inbox_page")]
pub async fn get_inbox_page(
    unread_only: bool,
    search: String,
    cursor: Option<String>,
) -> Result<InboxPageView, DashError> {
    use crate::store::inbox::InboxQuery;
    use crate::store::keyset::Position;

    let (ctx, location) = super::scope::current_location().await?;
    let after = match cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => {
            Some(Position::decode(c).ok_or_else(|| DashError::Invalid("Bad page cursor.".into()).with_status())?)
        }
        None => None,
    };
    let query = InboxQuery { unread_only, search: Some(search) };
    let now = chrono::Utc::now();
    let (entries, next) = ctx.store.inbox_page(&location.id, &query, after.as_ref(), 30).await?;
    let tz = super::present::zone(&location);
    Ok(InboxPageView {
        rows: entries.iter().map(|e| super::present::inbox_row(e, tz, now)).collect(),
        next: next.map(|c| c.encode()),
        status: status(&ctx.store, &location, now).await?,
    })
}

/// The current location's threads that changed after `after` (a previous answer's `next`), a page
/// at a time: while `more` is set, the caller asks again from the new `next` at once.
#[server(endpoint = "inbox_changes")]
pub async fn get_inbox_changes(after: String) -> Result<InboxChangesView, DashError> {
    use crate::store::inbox::ChangeCursor;

    let (ctx, location) = super::scope::current_location().await?;
    let cursor =
        ChangeCursor::decode(&after).ok_or_else(|| DashError::Invalid("Bad changes position.".into()).with_status())?;
    let changes = ctx.store.inbox_changes(&location.id, &cursor, 100).await?;
    let now = chrono::Utc::now();
    let tz = super::present::zone(&location);
    Ok(InboxChangesView {
        rows: changes.entries.iter().map(|e| super::present::inbox_row(e, tz, now)).collect(),
        next: changes.next.encode(),
        more: changes.more,
        status: status(&ctx.store, &location, now).await?,
    })
}

/// Where a dashboard that opens starts: the unread count, and the position to follow changes from.
/// It is read before the page's list, so a change in between comes once more (and replaces its
/// row with itself) rather than not at all.
#[server(endpoint = "inbox_start")]
pub async fn get_inbox_start() -> Result<InboxStartView, DashError> {
    let (ctx, location) = super::scope::current_location().await?;
    let from = ctx.store.inbox_cursor(&location.id).await?;
    let now = chrono::Utc::now();
    Ok(InboxStartView { status: status(&ctx.store, &location, now).await?, changes: from.encode() })
}

/// The server's clock and the location's unread count, sent with every inbox answer.
#[cfg(feature = "ssr")]
async fn status(
    store: &crate::store::Store,
    location: &crate::store::locations::LocationRecord,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<crate::model::InboxStatusView, DashError> {
    Ok(crate::model::InboxStatusView {
        now_ms: now.timestamp_millis(),
        today: super::present::local_date(now, super::present::zone(location)),
        unread_threads: store.unread_thread_count(&location.id).await?,
    })
}
