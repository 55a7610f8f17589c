//! `/dashboard`: the Conversations list on the left (filters, search, more as you scroll) and the
//! open thread, if any, on the right.

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_params_map;

use super::state::{merge_rows, DashState};
use crate::api::inbox::get_inbox_page;
use crate::model::InboxRowView;
use crate::text::{relative_time, unread_badge};
use crate::ui::booking::StatusPill;

/// The list as shown: its loaded pages merged with what changed since. The open thread patches its
/// row through it.
#[derive(Debug, Clone, Copy)]
pub struct InboxRows(pub Memo<Vec<InboxRowView>>);

/// Pages loaded after the first, for the filters they were loaded with.
#[derive(Debug, Clone, Default, PartialEq)]
struct MorePages {
    filters: Option<(bool, String)>,
    rows: Vec<InboxRowView>,
    next: Option<String>,
}

#[component]
pub fn ConversationsPage() -> impl IntoView {
    let dash = expect_context::<DashState>();
    let filters = Memo::new(move |_| (dash.unread_only.get(), dash.search.get()));
    let first = Resource::new(move || filters.get(), |(unread_only, search)| get_inbox_page(unread_only, search, None));
    let more = RwSignal::new(MorePages::default());
    // Where the next page starts, for the filters shown now.
    let next = Memo::new(move |_| {
        let filters = filters.get();
        match more.with(|m| (m.filters.as_ref() == Some(&filters)).then(|| m.next.clone())) {
            Some(next) => next,
            None => first.get().and_then(Result::ok).and_then(|page| page.next),
        }
    });
    let rows = Memo::new(move |_| {
        let Some(Ok(page)) = first.get() else { return Vec::new() };
        let (unread_only, search) = filters.get();
        let mut rows = page.rows;
        more.with(|m| {
            if m.filters == Some((unread_only, search.clone())) {
                rows.extend(m.rows.iter().cloned());
            }
        });
        let searching = !search.trim().is_empty();
        merge_rows(&mut rows, dash.changed.get(), unread_only, searching, next.get().is_some());
        rows
    });
    provide_context(InboxRows(rows));
    let load_more = Action::new(move |cursor: &String| {
        let (cursor, (unread_only, search)) = (cursor.clone(), filters.get_untracked());
        async move {
            if let Ok(page) = get_inbox_page(unread_only, search.clone(), Some(cursor)).await {
                more.try_update(|m| {
                    if m.filters != Some((unread_only, search.clone())) {
                        *m = MorePages { filters: Some((unread_only, search)), ..MorePages::default() };
                    }
                    for row in page.rows {
                        if !m.rows.iter().any(|o| o.thread_id == row.thread_id) {
                            m.rows.push(row);
                        }
                    }
                    m.next = page.next;
                });
            }
        }
    });
    let load_more = move || {
        if let Some(cursor) = next.get_untracked().filter(|_| !load_more.pending().get_untracked()) {
            load_more.dispatch(cursor);
        }
    };
    let params = use_params_map();
    let open_id = Memo::new(move |_| params.read().get("id"));
    let messaging_off = move || {
        let me = dash.me.get();
        !(me.portal_enabled && me.messaging_enabled)
    };
    view! {
        <main class="conversations">
            <h1 class="visually-hidden">"Conversations"</h1>
            <section class="inbox" aria-label="Conversations">
                <Show when=messaging_off>
                    <p class="notice" role="status" data-testid="messaging-off-notice">
                        "Customers cannot write to this location: the Customer Portal or Support Messaging is off. "
                        <A href="/dashboard/settings">"Turn messaging on in Settings"</A>
                    </p>
                </Show>
                <InboxFilters/>
                <Transition fallback=|| view! { <p class="muted inbox-empty">"Loading conversations…"</p> }>
                    {move || Suspend::new(async move {
                        match first.await {
                            Ok(_) => view! { <InboxList rows open_id next load_more/> }.into_any(),
                            Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            <section class="thread-pane" aria-label="Conversation">
                <Outlet/>
            </section>
        </main>
    }
}

#[component]
fn InboxFilters() -> impl IntoView {
    let dash = expect_context::<DashState>();
    let filter_button = move |unread: bool, label: &'static str| {
        view! {
            <button
                type="button"
                class="filter"
                aria-pressed=move || (dash.unread_only.get() == unread).to_string()
                on:click=move |_| dash.unread_only.set(unread)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="inbox-tools">
            <div class="filters" role="group" aria-label="Show">
                {filter_button(false, "All")}
                {filter_button(true, "Unread")}
            </div>
            <label class="visually-hidden" for="inbox-search">"Search conversations"</label>
            <input
                id="inbox-search"
                type="search"
                placeholder="Search name, code, activity, message"
                prop:value=move || dash.search.get()
                on:change=move |ev| dash.search.set(event_target_value(&ev))
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    if value.is_empty() {
                        dash.search.set(value);
                    }
                }
            />
        </div>
    }
}

/// The rows, with more loaded as the list scrolls near its end.
#[component]
fn InboxList(
    rows: Memo<Vec<InboxRowView>>,
    open_id: Memo<Option<String>>,
    next: Memo<Option<String>>,
    load_more: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let on_scroll = move |ev: leptos::ev::Event| {
        let el = event_target::<leptos::web_sys::HtmlElement>(&ev);
        if el.scroll_top() + el.client_height() >= el.scroll_height() - 200 {
            load_more();
        }
    };
    view! {
        <ol class="inbox-list" data-testid="inbox-list" on:scroll=on_scroll>
            <Show when=move || rows.with(Vec::is_empty)>
                <li class="muted inbox-empty">"No conversations here."</li>
            </Show>
            // A row is drawn anew when its thread changes.
            <For each=move || rows.get() key=|row| (row.thread_id.clone(), row.updated_ms) let:row>
                <InboxItem row open_id/>
            </For>
            <Show when=move || next.with(Option::is_some)>
                <li class="inbox-more">
                    <button type="button" class="link-button" on:click=move |_| load_more()>"Load more"</button>
                </li>
            </Show>
        </ol>
    }
    .into_any()
}

#[component]
fn InboxItem(row: InboxRowView, open_id: Memo<Option<String>>) -> impl IntoView {
    let dash = expect_context::<DashState>();
    let id = StoredValue::new(row.thread_id.clone());
    let is_open = move || id.with_value(|id| open_id.get().as_deref() == Some(id.as_str()));
    let (ms, day) = (row.last_message_ms, row.last_message_day);
    let when = move || {
        let status = dash.status.get();
        relative_time((status.now_ms - ms) / 1000, day, status.today)
    };
    let badge = unread_badge(row.unread.max(0) as u32);
    view! {
        <li>
            <a
                href=format!("/dashboard/threads/{}", row.thread_id)
                class="inbox-row"
                class:open=is_open
                class:unread={row.unread > 0}
                data-testid="inbox-row"
                aria-current=move || is_open().then_some("page")
            >
                <span class="row-top">
                    <span class="row-name">{row.customer_name.clone()}</span>
                    <span class="row-time">{when}</span>
                </span>
                <span class="row-meta">
                    {format!("{} · {} · {}", row.activity, row.code, row.booking_date)}
                    " "
                    <StatusPill status=row.status/>
                </span>
                <span class="row-bottom">
                    <span class="row-preview">{row.preview.clone()}</span>
                    {badge.map(|b| view! { <span class="badge" data-testid="row-unread">{b}</span> })}
                </span>
            </a>
        </li>
    }
}

/// What the right side shows when no thread is open.
#[component]
pub fn NoThreadOpen() -> impl IntoView {
    view! { <p class="muted thread-placeholder">"Choose a conversation to read and reply."</p> }
}
