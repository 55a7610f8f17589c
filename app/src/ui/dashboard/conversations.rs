//! `/dashboard`: the Conversations list on the left (filters, search, more as you scroll) and the
//! open thread, if any, on the right.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_params_map;

use super::state::DashState;
use crate::api::inbox::get_inbox_page;
use crate::model::{InboxPage, InboxRow};
use crate::text::{relative_time, unread_badge};

#[component]
pub fn ConversationsPage() -> impl IntoView {
    let dash = expect_context::<DashState>();
    let page = Resource::new(
        move || (dash.unread_only.get(), dash.search.get()),
        |(unread_only, search)| get_inbox_page(unread_only, search, None),
    );
    // Owned here, not by the list, which is rebuilt whenever the filters change.
    let params = use_params_map();
    let open_id = Memo::new(move |_| params.read().get("id"));
    let messaging_off = move || {
        let me = dash.me.get();
        !(me.portal_enabled && me.messaging_enabled)
    };
    view! {
        <div class="conversations">
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
                        match page.await {
                            Ok(page) => view! { <InboxList page open_id/> }.into_any(),
                            Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            <section class="thread-pane">
                <Outlet/>
            </section>
        </div>
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

/// The rows of a freshly loaded first page, with more loaded as the list scrolls near its end.
#[component]
fn InboxList(page: InboxPage, open_id: Memo<Option<String>>) -> impl IntoView {
    let dash = expect_context::<DashState>();
    dash.rows.set(page.rows);
    dash.next.set(page.next);
    dash.status.set(page.status);
    let loading_more = RwSignal::new(false);
    let load_more = move || {
        let Some(cursor) = dash.next.get_untracked() else { return };
        if loading_more.get_untracked() {
            return;
        }
        loading_more.set(true);
        spawn_local(async move {
            let (unread_only, search) = (dash.unread_only.get_untracked(), dash.search.get_untracked());
            if let Ok(page) = get_inbox_page(unread_only, search, Some(cursor)).await {
                dash.rows.update(|rows| {
                    for row in page.rows {
                        if !rows.iter().any(|r| r.thread_id == row.thread_id) {
                            rows.push(row);
                        }
                    }
                });
                dash.next.set(page.next);
            }
            loading_more.set(false);
        });
    };
    let on_scroll = move |ev: leptos::ev::Event| {
        let el = event_target::<leptos::web_sys::HtmlElement>(&ev);
        if el.scroll_top() + el.client_height() >= el.scroll_height() - 200 {
            load_more();
        }
    };
    view! {
        <ol class="inbox-list" data-testid="inbox-list" on:scroll=on_scroll>
            <Show when=move || dash.rows.with(Vec::is_empty)>
                <li class="muted inbox-empty">"No conversations here."</li>
            </Show>
            // Keyed by everything a row shows, so a changed row is drawn anew.
            <For each=move || dash.rows.get() key=|row| format!("{row:?}") let:row>
                <InboxRowView row open_id/>
            </For>
            <Show when=move || dash.next.with(Option::is_some)>
                <li class="inbox-more">
                    <button type="button" class="link-button" on:click=move |_| load_more()>
                        {move || if loading_more.get() { "Loading…" } else { "Load more" }}
                    </button>
                </li>
            </Show>
        </ol>
    }
    .into_any()
}

#[component]
fn InboxRowView(row: InboxRow, open_id: Memo<Option<String>>) -> impl IntoView {
    let dash = expect_context::<DashState>();
    let id = StoredValue::new(row.thread_id.clone());
    let is_open = move || id.with_value(|id| open_id.get().as_deref() == Some(id.as_str()));
    let (ms, day) = (row.last_message_ms, row.last_message_day);
    let when = move || {
        let status = dash.status.get();
        relative_time((status.now_ms - ms) / 1000, day, status.today)
    };
    let badge = unread_badge(row.unread.max(0) as u32);
    let status_class = format!("pill status-{}", row.status.as_str());
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
                    <span class=status_class>{row.status.label()}</span>
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
