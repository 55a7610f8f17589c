//! "Jon is replying…": this person's typing is announced to colleagues at most every few seconds
//! while their reply draft changes, and colleagues' typing comes back on the thread's poll. An idle
//! page sends nothing, and nothing here holds back a send.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::threads::thread_typing;
use crate::ids::ThreadId;
use crate::text::replying_label;

/// How often typing is told to the server at most. Well inside the time it shows for
/// (`store::typing::TYPING_SHOWS_FOR`), so steady typing keeps showing without a gap.
const ANNOUNCE_EVERY: Duration = Duration::from_secs(3);

/// Announces typing in `draft` (not while a note is written: a note is no reply).
pub fn announce_typing(thread_id: ThreadId, draft: RwSignal<String>, writing_note: RwSignal<bool>) {
    let announce = Action::new(move |_: &()| {
        let thread_id = thread_id.clone();
        // A failed announcement only means colleagues do not see it: nothing to tell this person.
        async move { thread_typing(thread_id).await.ok() }
    });
    let resting = StoredValue::new(false);
    Effect::new(move |opened: Option<()>| {
        let blank = draft.with(|d| d.trim().is_empty());
        // The first run is the page opening, not typing.
        if opened.is_none() || blank || writing_note.get_untracked() || resting.get_value() {
            return;
        }
        resting.set_value(true);
        announce.dispatch(());
        set_timeout(
            move || {
                resting.try_set_value(false);
            },
            ANNOUNCE_EVERY,
        );
    });
}

/// Colleagues replying in this thread, as the last poll said.
#[component]
pub fn Replying(names: RwSignal<Vec<String>>) -> impl IntoView {
    view! {
        <p class="replying" aria-live="polite" data-testid="replying">
            {move || names.with(|n| replying_label(n))}
        </p>
    }
}
