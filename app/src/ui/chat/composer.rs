//! Where a message is written. Enter sends, Shift+Enter breaks the line; the text is trimmed, and
//! a counter shows as the 4000-character limit nears. Photos and PDFs come from the paperclip (on
//! a phone: camera or gallery), a drop or a paste; each uploads at once and shows as a chip with
//! its name, size, progress and a remove button. A message is text, files, or both.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use super::upload::{precheck, ChosenFile};
use crate::model::FileView;
use crate::text::{file_size, length_counter, validate_message, BodyError};

/// A file in the composer, on its way up or ready to go with the message.
#[derive(Clone)]
struct Chip {
    key: usize,
    name: String,
    size: f64,
    progress: RwSignal<f64>,
    state: RwSignal<ChipState>,
}

#[derive(Debug, Clone, PartialEq)]
// The server renders no chips: only the browser's uploads end ready or failed.
#[cfg_attr(not(feature = "browser"), allow(dead_code))]
enum ChipState {
    Uploading,
    Ready(FileView),
    Failed(String),
}

const ACCEPTED: &str = "image/jpeg,image/png,image/webp,image/gif,application/pdf";

#[component]
pub fn Composer(
    /// Called with the trimmed text (empty only with files) and the uploaded files.
    #[prop(into)]
    on_send: Callback<(String, Vec<FileView>)>,
    /// Where files go; without it, the composer takes text only.
    #[prop(optional, into)]
    upload_url: Option<String>,
    #[prop(into)] placeholder: String,
    #[prop(into)] label: String,
    /// The draft, when the page around reads or changes it too (a saved reply put in); otherwise
    /// the composer's own.
    #[prop(optional)]
    draft: Option<RwSignal<String>>,
    /// Sees each key in the text first, and says whether it used it (the saved-reply list takes
    /// the arrows, Enter and Escape while it is open).
    #[prop(optional, into)]
    on_key: Option<Callback<KeyboardEvent, bool>>,
    /// Shown above the text (the saved-reply list). Passed in, not built in, so the portal's
    /// bundle carries none of it.
    #[prop(optional, into)]
    above: Option<ViewFn>,
) -> impl IntoView {
    let text = draft.unwrap_or_else(|| RwSignal::new(String::new()));
    let chips = RwSignal::new(Vec::<Chip>::new());
    let problems = RwSignal::new(Vec::<String>::new());
    let next_key = StoredValue::new(0usize);

    let ready = move || {
        chips.with(|c| {
            c.iter()
                .filter_map(|chip| match chip.state.get() {
                    ChipState::Ready(file) => Some(file),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    };
    let uploading = move || chips.with(|c| c.iter().any(|chip| chip.state.get() == ChipState::Uploading));
    let checked = move || text.with(|t| validate_message(t, ready().len()));
    let too_long = move || match checked() {
        Err(e @ BodyError::TooLong { .. }) => Some(e.to_string()),
        _ => None,
    };
    let counter = move || text.with(|t| length_counter(t.trim().chars().count()));
    let submit = move || {
        if uploading() {
            return;
        }
        if let Ok(body) = checked() {
            on_send.run((body, ready()));
            text.set(String::new());
            chips.set(Vec::new());
            problems.set(Vec::new());
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if on_key.is_some_and(|used| used.run(ev.clone())) {
            ev.prevent_default();
            return;
        }
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            submit();
        }
    };

    // Takes chosen files: checks each, then uploads it and shows its chip.
    let add_files = {
        let upload_url = upload_url.clone();
        move |files: Vec<(ChosenFile, SendWrapperFile)>| {
            let Some(url) = upload_url.clone() else { return };
            problems.set(Vec::new());
            for (chosen, file) in files {
                let counted = chips.with_untracked(|c| {
                    c.iter().filter(|chip| !matches!(chip.state.get_untracked(), ChipState::Failed(_))).count()
                });
                if let Err(problem) = precheck(&chosen, counted) {
                    problems.update(|p| p.push(problem));
                    continue;
                }
                let key = next_key.get_value();
                next_key.set_value(key + 1);
                let chip = Chip {
                    key,
                    name: chosen.name,
                    size: chosen.size,
                    progress: RwSignal::new(0.0),
                    state: RwSignal::new(ChipState::Uploading),
                };
                chips.update(|c| c.push(chip.clone()));
                start_upload(url.clone(), file, chip);
            }
        }
    };
    let picker = NodeRef::<leptos::html::Input>::new();

    view! {
        <form
            class="composer"
            on:submit=move |ev| { ev.prevent_default(); submit(); }
            on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop={
                let add_files = add_files.clone();
                move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    add_files(dropped_files(&ev));
                }
            }
            on:paste={
                let add_files = add_files.clone();
                move |ev: leptos::ev::ClipboardEvent| {
                    let files = pasted_files(&ev);
                    if !files.is_empty() {
                        ev.prevent_default();
                        add_files(files);
                    }
                }
            }
        >
            // First, so that it spans the row above the text and its buttons.
            {above.map(|above| above.run())}
            {upload_url.is_some().then(|| {
                let add_files = add_files.clone();
                view! {
                    <input
                        type="file"
                        multiple
                        accept=ACCEPTED
                        class="visually-hidden"
                        tabindex="-1"
                        aria-hidden="true"
                        data-testid="file-input"
                        node_ref=picker
                        on:change=move |ev| add_files(chosen_files(&ev))
                    />
                    <button
                        type="button"
                        class="button attach"
                        aria-label="Attach photos or files"
                        title="Attach photos or files (JPEG, PNG, WebP, GIF, PDF; up to 10 MB each)"
                        on:click=move |_| open_picker(picker)
                    >
                        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                            <path
                                d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5"
                                fill="none"
                                stroke="currentColor"
                                stroke-width="1.8"
                                stroke-linecap="round"
                            />
                        </svg>
                    </button>
                }
            })}
            <label class="visually-hidden" for="composer-text">{label}</label>
            <textarea
                id="composer-text"
                name="body"
                rows="2"
                placeholder=placeholder
                aria-describedby="composer-hint"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:keydown=on_keydown
            ></textarea>
            <button type="submit" class="button primary send" disabled=move || checked().is_err() || uploading()>
                "Send"
            </button>
            <ul class="file-chips" data-testid="file-chips">
                // Drawn anew when one comes or goes (a few at most); each keeps its own progress.
                {move || {
                    chips.get().into_iter().map(|chip| view! {
                        <FileChip chip on_remove=move |key| chips.update(|c| c.retain(|x| x.key != key))/>
                    }).collect_view()
                }}
            </ul>
            <div id="composer-hint" class="composer-hint">
                {move || problems.get().into_iter().map(|p| view! { <span class="error" role="alert">{p}</span> }).collect_view()}
                {move || too_long().map(|e| view! { <span class="error" role="alert">{e}</span> })}
                {move || counter().map(|c| view! { <span class="counter" data-testid="counter">{c}</span> })}
            </div>
        </form>
    }
    .into_any()
}

#[component]
fn FileChip(chip: Chip, #[prop(into)] on_remove: Callback<usize>) -> impl IntoView {
    let Chip { key, name, size, progress, state } = chip;
    let label = format!("Remove {name}");
    view! {
        <li class="file-chip" data-testid="file-chip">
            <span class="file-chip-name">{name.clone()}</span>
            <span class="muted">{file_size(size as i64)}</span>
            {move || match state.get() {
                ChipState::Uploading => view! {
                    <progress max="1" prop:value=move || progress.get() aria-label=format!("Uploading {name}")></progress>
                }.into_any(),
                ChipState::Ready(_) => view! { <span class="ok" data-testid="file-ready">"Ready"</span> }.into_any(),
                ChipState::Failed(why) => view! { <span class="error" role="alert">{why}</span> }.into_any(),
            }}
            <button type="button" class="link-button" aria-label=label on:click=move |_| on_remove.run(key)>
                "✕"
            </button>
        </li>
    }
}

/// A browser file, carried where a `Send` value is asked for (it never leaves the browser's thread).
#[cfg(feature = "browser")]
type SendWrapperFile = send_wrapper::SendWrapper<web_sys::File>;
#[cfg(not(feature = "browser"))]
type SendWrapperFile = ();

#[cfg(feature = "browser")]
fn from_list(list: Option<web_sys::FileList>) -> Vec<(ChosenFile, SendWrapperFile)> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|file| (ChosenFile { name: file.name(), size: file.size() }, send_wrapper::SendWrapper::new(file)))
        .collect()
}

#[cfg(feature = "browser")]
fn chosen_files(ev: &leptos::ev::Event) -> Vec<(ChosenFile, SendWrapperFile)> {
    let input = event_target::<web_sys::HtmlInputElement>(ev);
    let files = from_list(input.files());
    // Read before clearing: the same file can then be chosen again.
    input.set_value("");
    files
}

#[cfg(feature = "browser")]
fn dropped_files(ev: &leptos::ev::DragEvent) -> Vec<(ChosenFile, SendWrapperFile)> {
    from_list(ev.data_transfer().and_then(|d| d.files()))
}

#[cfg(feature = "browser")]
fn pasted_files(ev: &leptos::ev::ClipboardEvent) -> Vec<(ChosenFile, SendWrapperFile)> {
    from_list(ev.clipboard_data().and_then(|d| d.files()))
}

#[cfg(feature = "browser")]
fn open_picker(picker: NodeRef<leptos::html::Input>) {
    if let Some(input) = picker.get_untracked() {
        input.click();
    }
}

#[cfg(feature = "browser")]
fn start_upload(url: String, file: SendWrapperFile, chip: Chip) {
    leptos::task::spawn_local(async move {
        let progress = chip.progress;
        let result = super::upload::upload(&url, &file, move |p| {
            progress.try_set(p);
        })
        .await;
        chip.state.try_set(match result {
            Ok(stored) => ChipState::Ready(stored),
            Err(why) => ChipState::Failed(why),
        });
    });
}

#[cfg(not(feature = "browser"))]
fn chosen_files(_: &leptos::ev::Event) -> Vec<(ChosenFile, SendWrapperFile)> {
    Vec::new()
}

#[cfg(not(feature = "browser"))]
fn dropped_files(_: &leptos::ev::DragEvent) -> Vec<(ChosenFile, SendWrapperFile)> {
    Vec::new()
}

#[cfg(not(feature = "browser"))]
fn pasted_files(_: &leptos::ev::ClipboardEvent) -> Vec<(ChosenFile, SendWrapperFile)> {
    Vec::new()
}

#[cfg(not(feature = "browser"))]
fn open_picker(_: NodeRef<leptos::html::Input>) {}

#[cfg(not(feature = "browser"))]
fn start_upload(_: String, _: SendWrapperFile, _: Chip) {}
