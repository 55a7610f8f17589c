//! The saved-reply list in the reply box: typing `/` at the start opens it, the words after the
//! slash narrow it by name, arrows move, Enter or a click puts the reply in with the booking's
//! details filled in (for the operator to edit before sending), Escape closes it.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::model::{BookingDetailsView, SavedReplyView};
use crate::reply_template::fill;

/// What the composer needs from the list: its keys and the view above the text.
pub struct ReplyPicker {
    pub on_key: Callback<KeyboardEvent, bool>,
    pub view: ViewFn,
}

/// The replies whose name holds what follows the `/`, when the draft is one.
fn matches(draft: &str, replies: &[SavedReplyView]) -> Option<Vec<SavedReplyView>> {
    let query = draft.strip_prefix('/')?;
    if query.contains('\n') {
        return None;
    }
    let query = query.trim().to_lowercase();
    Some(replies.iter().filter(|r| r.name.to_lowercase().contains(&query)).cloned().collect())
}

/// `text_id` is the id of the text the list belongs to: while the list is open, the text names the
/// chosen option as its active descendant, so a screen reader follows the arrows while the focus
/// stays in the text.
pub fn reply_picker(
    draft: RwSignal<String>,
    replies: Signal<Vec<SavedReplyView>>,
    details: BookingDetailsView,
    text_id: &'static str,
) -> ReplyPicker {
    let chosen = RwSignal::new(0usize);
    // Escape closes the list until the draft changes.
    let closed_at = RwSignal::new(None::<String>);
    let shown = Memo::new(move |_| {
        let draft = draft.get();
        if closed_at.with(|at| at.as_ref() == Some(&draft)) {
            return None;
        }
        replies.with(|r| matches(&draft, r))
    });
    let option_id = move |i: usize| format!("{text_id}-reply-{i}");
    let list_id = format!("{text_id}-replies");
    // Set on the text from here, so the composer (the portal's too) carries none of it.
    Effect::new({
        let list_id = list_id.clone();
        move || {
            let active = shown.get().filter(|l| !l.is_empty()).map(|l| option_id(chosen.get().min(l.len() - 1)));
            let Some(text) = document().get_element_by_id(text_id) else { return };
            let _ = match active {
                Some(id) => {
                    text.set_attribute("aria-activedescendant", &id).and(text.set_attribute("aria-controls", &list_id))
                }
                None => text.remove_attribute("aria-activedescendant").and(text.remove_attribute("aria-controls")),
            };
        }
    });
    let details = StoredValue::new(details);
    let put_in = move |reply: &SavedReplyView| {
        draft.set(details.with_value(|d| fill(&reply.text, d)));
        chosen.set(0);
    };
    let on_key = Callback::new(move |ev: KeyboardEvent| {
        // Keys that finish an input method's word are the word's, not the list's.
        if ev.is_composing() {
            return false;
        }
        let Some(list) = shown.get_untracked() else { return false };
        match ev.key().as_str() {
            "Escape" => closed_at.set(Some(draft.get_untracked())),
            _ if list.is_empty() => return false,
            "ArrowDown" => chosen.update(|i| *i = (*i + 1) % list.len()),
            "ArrowUp" => chosen.update(|i| *i = (*i + list.len() - 1) % list.len()),
            "Enter" if !ev.shift_key() => put_in(&list[chosen.get_untracked().min(list.len() - 1)]),
            _ => return false,
        }
        true
    });
    let list_id = StoredValue::new(list_id);
    let view = ViewFn::from(move || {
        view! {
            {move || shown.get().map(|list| {
                let current = chosen.get().min(list.len().saturating_sub(1));
                view! {
                    <ul class="reply-picker" id=list_id.get_value() role="listbox" aria-label="Saved replies" data-testid="reply-picker">
                        {if list.is_empty() {
                            view! { <li class="muted">"No saved reply has that name."</li> }.into_any()
                        } else {
                            list.into_iter().enumerate().map(|(i, reply)| {
                                let preview = details.with_value(|d| fill(&reply.text, d));
                                view! {
                                    <li role="option" id=option_id(i) aria-selected=(i == current).to_string()
                                        // Before the text loses the focus: it stays in the text.
                                        on:mousedown=move |ev| { ev.prevent_default(); put_in(&reply); }>
                                        <strong>{reply.name.clone()}</strong>
                                        <span class="muted">{preview}</span>
                                    </li>
                                }
                            }).collect_view().into_any()
                        }}
                    </ul>
                }
            })}
        }
    });
    ReplyPicker { on_key, view }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SavedReplyId;

    fn reply(name: &str) -> SavedReplyView {
        SavedReplyView { id: SavedReplyId::new(name), name: name.into(), text: format!("{name} text") }
    }

    #[test]
    fn a_slash_at_the_start_lists_the_replies_whose_name_holds_what_follows() {
        let replies = [reply("Meeting point"), reply("What to bring"), reply("Weather check")];
        let names = |draft| matches(draft, &replies).map(|l| l.into_iter().map(|r| r.name).collect::<Vec<_>>());
        assert_eq!(names("/").unwrap().len(), 3);
        assert_eq!(names("/we").unwrap(), ["Weather check"]);
        assert_eq!(names("/BRING").unwrap(), ["What to bring"]);
        assert_eq!(names("/nothing").unwrap(), Vec::<String>::new());
        assert_eq!(names("Hello /meet"), None, "only at the start");
        assert_eq!(names("/meet\nmore"), None, "not once the text goes on");
    }
}
