//! Settings → Saved replies: the location's answers to what customers ask all day, with the
//! booking's details in braces, filled in when a reply is used in a conversation.

use leptos::prelude::*;

use crate::api::saved_replies::{list_saved_replies, CreateSavedReply, DeleteSavedReply, UpdateSavedReply};
use crate::ids::SavedReplyId;
use crate::reply_template::DETAILS;

#[component]
pub fn SavedRepliesSection() -> impl IntoView {
    let create = ServerAction::<CreateSavedReply>::new();
    let update = ServerAction::<UpdateSavedReply>::new();
    let delete = ServerAction::<DeleteSavedReply>::new();
    let replies = Resource::new(
        move || (create.version().get(), update.version().get(), delete.version().get()),
        |_| list_saved_replies(),
    );
    // The form: a new reply, or the one being changed.
    let editing = RwSignal::new(None::<SavedReplyId>);
    let name = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let clear = move || {
        editing.set(None);
        name.set(String::new());
        text.set(String::new());
    };
    Effect::new(move || {
        let saved = matches!(create.value().get(), Some(Ok(_))) || matches!(update.value().get(), Some(Ok(_)));
        if saved {
            clear();
        }
    });
    let error = move || {
        let failed = create.value().get().and_then(Result::err);
        let failed = failed.or_else(|| update.value().get().and_then(Result::err));
        failed.or_else(|| delete.value().get().and_then(Result::err)).map(|e| e.to_string())
    };
    let pending = move || create.pending().get() || update.pending().get();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (name, text) = (name.get_untracked(), text.get_untracked());
        match editing.get_untracked() {
            Some(reply_id) => {
                update.dispatch(UpdateSavedReply { reply_id, name, text });
            }
            None => {
                create.dispatch(CreateSavedReply { name, text });
            }
        }
    };
    let details = DETAILS.iter().map(|d| format!("{{{d}}}")).collect::<Vec<_>>().join(" ");

    view! {
        <section class="card saved-replies">
            <h2>"Saved replies"</h2>
            <p class="muted">
                "Answers to what customers ask every day. In a conversation, type / in the reply box to pick one. "
                "These booking details are filled in: " <code>{details}</code>
            </p>
            <form class="form" on:submit=on_submit data-testid="saved-reply-form">
                <label for="saved-reply-name">"Name"</label>
                <input id="saved-reply-name" type="text" required maxlength="60" placeholder="Meeting point"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <label for="saved-reply-text">"Text"</label>
                <textarea id="saved-reply-text" rows="4" required
                    placeholder="Hi {first_name}! We meet at the boathouse 20 minutes before {start_time}."
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=pending>
                        {move || if editing.get().is_some() { "Save changes" } else { "Add reply" }}
                    </button>
                    {move || editing.get().is_some().then(|| view! {
                        <button type="button" class="button" on:click=move |_| clear()>"Cancel"</button>
                    })}
                </div>
            </form>
            {move || error().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match replies.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No saved replies yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="endpoint-list" data-testid="saved-replies">
                                {list.into_iter().map(|reply| {
                                    let (edit_id, delete_id) = (reply.id.clone(), reply.id.clone());
                                    let (edit_name, edit_text) = (reply.name.clone(), reply.text.clone());
                                    view! {
                                        <li>
                                            <strong>{reply.name.clone()}</strong>
                                            <p class="saved-reply-text">{reply.text.clone()}</p>
                                            <div class="endpoint-actions">
                                                <button type="button" class="button"
                                                    aria-label=format!("Edit {}", reply.name)
                                                    on:click=move |_| {
                                                        editing.set(Some(edit_id.clone()));
                                                        name.set(edit_name.clone());
                                                        text.set(edit_text.clone());
                                                    }>
                                                    "Edit"
                                                </button>
                                                <button type="button" class="button"
                                                    aria-label=format!("Delete {}", reply.name)
                                                    on:click=move |_| {
                                                        if editing.get_untracked().as_ref() == Some(&delete_id) {
                                                            clear();
                                                        }
                                                        delete.dispatch(DeleteSavedReply { reply_id: delete_id.clone() });
                                                    }>
                                                    "Delete"
                                                </button>
                                            </div>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
