//! Settings → Saved replies: the current location's replies, for every staff member there.

use leptos::prelude::*;

use super::dash_error::DashError;
use crate::ids::SavedReplyId;
use crate::model::SavedReplyView;

#[server(endpoint = "saved_replies")]
pub async fn list_saved_replies() -> Result<Vec<SavedReplyView>, DashError> {
    let (ctx, location) = super::scope::current_location().await?;
    Ok(ctx.store.saved_replies(&location.id).await?.into_iter().map(view).collect())
}

/// A new reply. A text whose braces do not name a booking detail is refused with the part at fault.
#[server(endpoint = "create_saved_reply")]
pub async fn create_saved_reply(name: String, text: String) -> Result<SavedReplyView, DashError> {
    use crate::store::saved_replies::NewSavedReply;

    let (ctx, location) = super::scope::current_location().await?;
    Ok(view(ctx.store.create_saved_reply(&location.id, NewSavedReply { name: &name, text: &text }).await?))
}

#[server(endpoint = "update_saved_reply")]
pub async fn update_saved_reply(
    reply_id: SavedReplyId,
    name: String,
    text: String,
) -> Result<SavedReplyView, DashError> {
    use crate::store::saved_replies::NewSavedReply;

    let (ctx, location) = super::scope::current_location().await?;
    let reply = NewSavedReply { name: &name, text: &text };
    Ok(view(ctx.store.update_saved_reply(&location.id, &reply_id, reply).await?))
}

#[server(endpoint = "delete_saved_reply")]
pub async fn delete_saved_reply(reply_id: SavedReplyId) -> Result<(), DashError> {
    let (ctx, location) = super::scope::current_location().await?;
    ctx.store.delete_saved_reply(&location.id, &reply_id).await?;
    Ok(())
}

#[cfg(feature = "ssr")]
fn view(reply: crate::store::saved_replies::SavedReplyRecord) -> SavedReplyView {
    SavedReplyView { id: reply.id, name: reply.name, text: reply.text }
}
