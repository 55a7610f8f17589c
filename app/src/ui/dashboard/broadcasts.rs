//! Messaging a whole departure: choosing one on the Bookings page, `/dashboard/departure` (its
//! bookings to tick and the message), and `/dashboard/broadcasts/{id}` (who has it, seen it,
//! replied), which follows the customers' reading as it polls.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::reply_picker::reply_picker;
use super::shell::DashTitle;
use crate::api::broadcasts::{broadcast, broadcasts, departure, departures, send_broadcast};
use crate::api::saved_replies::list_saved_replies;
use crate::ids::{BookingId, BroadcastId};
use crate::model::{BookingDetailsView, BookingStatus, BroadcastView, DepartureBookingView, DepartureDetailView};
use crate::reply_template::DETAILS;
use crate::text::seen_summary;
use crate::ui::booking::StatusPill;
use crate::ui::poll::use_polling;

/// Where the message to a departure is written.
fn departure_href(activity: &str, starts_at: &str) -> String {
    use leptos_router::location::Url;
    format!("/dashboard/departure?activity={}&starts_at={}", Url::escape(activity), Url::escape(starts_at))
}

/// On the Bookings page: the coming departures to choose from, and the messages sent to them.
#[component]
pub fn DepartureChooser() -> impl IntoView {
    // A day to look at (a busy location has many departures); empty: from today on.
    let day = RwSignal::new(String::new());
    let list = Resource::new(move || day.get(), departures);
    let sent = Resource::new(|| (), |_| broadcasts());
    // What the list shows chosen: nothing until the person picks, which is its first departure.
    let chosen = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    view! {
        <section class="card departures" aria-labelledby="departures-heading">
            <h2 id="departures-heading">"Message a departure"</h2>
            <p class="muted">"One message into the conversation of every booking of an activity at one start time."</p>
            <label class="departure-day" for="departure-day">"Day"</label>
            <input id="departure-day" class="departure-day" type="date" aria-describedby="departure-day-hint"
                on:change=move |ev| { chosen.set(None); day.set(event_target_value(&ev)); }/>
            <span id="departure-day-hint" class="muted">" Empty: from today on."</span>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let navigate = navigate.clone();
                    Suspend::new(async move {
                    match list.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No departures then."</p> }.into_any(),
                        Ok(list) => {
                            let hrefs: Vec<String> = list.iter().map(|d| departure_href(&d.activity, &d.starts_at)).collect();
                            let first = hrefs[0].clone();
                            view! {
                                <form class="departure-form" on:submit=move |ev| {
                                    ev.prevent_default();
                                    navigate(&chosen.get_untracked().unwrap_or_else(|| first.clone()), Default::default());
                                }>
                                    <label for="departure">"Departure"</label>
                                    <select id="departure" on:change=move |ev| chosen.set(Some(event_target_value(&ev)))>
                                        {list.into_iter().zip(hrefs).map(|(d, href)| view! {
                                            <option value=href>
                                                {format!("{} · {} · {} — {} confirmed{}", d.activity, d.date, d.start_time, d.confirmed,
                                                    if d.cancelled > 0 { format!(", {} cancelled", d.cancelled) } else { String::new() })}
                                            </option>
                                        }).collect_view()}
                                    </select>
                                    <button type="submit" class="button primary">"Write to this departure"</button>
                                </form>
                            }.into_any()
                        }
                        Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                    }
                })}}
            </Transition>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    sent.await.ok().filter(|s| !s.is_empty()).map(|sent| view! {
                        <h3>"Sent to departures"</h3>
                        <ul class="booking-list" data-testid="broadcast-list">
                            {sent.into_iter().map(|b| view! {
                                <li>
                                    <A href=format!("/dashboard/broadcasts/{}", b.id)>
                                        <span class="booking-name">{format!("{} · {} · {}", b.activity, b.date, b.start_time)}</span>
                                        <span class="muted">{format!("{} by {}", b.sent_at, b.sender_name)}</span>
                                        <span class="seen-count">{seen_summary(b.seen, b.recipients)}</span>
                                    </A>
                                </li>
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Suspense>
        </section>
    }
}

/// `/dashboard/departure?activity=…&starts_at=…`
#[component]
pub fn DeparturePage() -> impl IntoView {
    let query = use_query_map();
    let key = move || query.with(|q| (q.get("activity").unwrap_or_default(), q.get("starts_at").unwrap_or_default()));
    let detail = Resource::new(key, |(activity, starts_at)| departure(activity, starts_at));
    view! {
        <DashTitle page="Message a departure"/>
        <main class="page narrow broadcast-compose">
            <p><A href="/dashboard/bookings">"← Bookings"</A></p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(detail) => view! { <BroadcastForm detail/> }.into_any(),
                        Err(err) => view! {
                            <h1>"Departure not found"</h1>
                            <p class="muted">{err.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// What a saved reply puts in a broadcast's text: its booking details still in braces, to be
/// filled in for each booking when it is sent.
fn details_in_braces() -> BookingDetailsView {
    let braces = |name: &str| format!("{{{name}}}");
    BookingDetailsView {
        first_name: braces("first_name"),
        last_name: braces("last_name"),
        activity: braces("activity"),
        date: braces("date"),
        start_time: braces("start_time"),
        duration: braces("duration"),
        party_size: braces("party_size"),
        confirmation_code: braces("confirmation_code"),
        location: braces("location"),
    }
}

#[component]
fn BroadcastForm(detail: DepartureDetailView) -> impl IntoView {
    let DepartureDetailView { departure, bookings } = detail;
    let (confirmed, others): (Vec<DepartureBookingView>, Vec<DepartureBookingView>) =
        bookings.into_iter().partition(|b| b.status == BookingStatus::Confirmed);
    // Confirmed bookings are ticked to begin with; cancelled (and complete) ones only when ticked.
    let ticked = RwSignal::new(confirmed.iter().map(|b| b.booking_id.clone()).collect::<Vec<BookingId>>());
    let draft = RwSignal::new(String::new());
    let load_replies = Action::new(|_: &()| list_saved_replies());
    Effect::new(move || {
        load_replies.dispatch(());
    });
    let replies = Signal::derive(move || load_replies.value().get().and_then(Result::ok).unwrap_or_default());
    let picker = reply_picker(draft, replies, details_in_braces(), "broadcast-text");
    // One id per form: a double click or a retry sends the same broadcast, stored once.
    let client_id = StoredValue::new(uuid::Uuid::new_v4().to_string());
    let (activity, starts_at) =
        (StoredValue::new(departure.activity.clone()), StoredValue::new(departure.starts_at.clone()));
    let send = Action::new(move |(body, ids): &(String, Vec<BookingId>)| {
        let fields = (client_id.get_value(), activity.get_value(), starts_at.get_value(), body.clone(), ids.clone());
        async move { send_broadcast(fields.0, fields.1, fields.2, fields.3, fields.4).await }
    });
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(id)) = send.value().get() {
            navigate(&format!("/dashboard/broadcasts/{id}"), Default::default());
        }
    });
    let problem = move || send.value().get().and_then(Result::err).map(|e| e.to_string());
    let count = move || ticked.with(Vec::len);
    let submit = move || {
        if !send.pending().get_untracked() && count() > 0 && !draft.with_untracked(|d| d.trim().is_empty()) {
            send.dispatch((draft.get_untracked(), ticked.get_untracked()));
        }
    };
    let row = move |b: DepartureBookingView| {
        let id = b.booking_id.clone();
        let checked = {
            let id = id.clone();
            move || ticked.with(|t| t.contains(&id))
        };
        view! {
            <li>
                <label class="recipient">
                    <input type="checkbox" prop:checked=checked on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ticked.update(|t| {
                            t.retain(|x| x != &id);
                            if on { t.push(id.clone()); }
                        });
                    }/>
                    <span class="booking-name">{b.customer_name}</span>
                    <span class="muted">{format!("{} · party of {}", b.confirmation_code, b.party_size)}</span>
                    <StatusPill status=b.status/>
                </label>
            </li>
        }
    };
    let variables = DETAILS.iter().map(|d| format!("{{{d}}}")).collect::<Vec<_>>().join(" ");
    view! {
        <h1>"Message a departure"</h1>
        <p class="departure-line" data-testid="departure">
            {format!("{} · {} · {}", departure.activity, departure.date, departure.start_time)}
        </p>
        <form class="broadcast-form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <fieldset>
                <legend>{format!("Confirmed ({})", confirmed.len())}</legend>
                <ul class="recipients" data-testid="confirmed">{confirmed.into_iter().map(row).collect_view()}</ul>
            </fieldset>
            {(!others.is_empty()).then(|| view! {
                <fieldset>
                    <legend>"Cancelled or complete: not messaged unless ticked"</legend>
                    <ul class="recipients" data-testid="not-confirmed">{others.into_iter().map(row).collect_view()}</ul>
                </fieldset>
            })}
            <label for="broadcast-text">"Message"</label>
            <div class="broadcast-text">
                {picker.view.run()}
                <textarea
                    id="broadcast-text"
                    rows="5"
                    placeholder="Write once; it goes into each booking's own conversation. / for saved replies."
                    aria-describedby="broadcast-hint"
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=move |ev| if picker.on_key.run(ev.clone()) { ev.prevent_default() }
                ></textarea>
            </div>
            <p id="broadcast-hint" class="muted">{format!("Booking details in braces are filled in for each booking: {variables}")}</p>
            {move || problem().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            <button type="submit" class="button primary"
                disabled=move || send.pending().get() || count() == 0 || draft.with(|d| d.trim().is_empty())>
                {move || match (send.pending().get(), count()) {
                    (true, _) => "Sending…".to_owned(),
                    (false, 1) => "Send to 1 booking".to_owned(),
                    (false, n) => format!("Send to {n} bookings"),
                }}
            </button>
        </form>
    }
}

/// `/dashboard/broadcasts/{id}`: per booking sent, seen, replied, read again at every poll.
#[component]
pub fn BroadcastPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || BroadcastId::new(params.read().get("id").unwrap_or_default());
    let version = RwSignal::new(0u64);
    let page = Resource::new(move || (id(), version.get()), |(id, _)| broadcast(id));
    use_polling(move || async move {
        version.try_update(|v| *v += 1);
    });
    view! {
        <DashTitle page="Message to a departure"/>
        <main class="page narrow broadcast-page">
            <p><A href="/dashboard/bookings">"← Bookings"</A></p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(view) => view! { <BroadcastDetails view/> }.into_any(),
                        Err(err) => view! { <h1>"Not found"</h1><p class="muted">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn BroadcastDetails(view: BroadcastView) -> impl IntoView {
    let BroadcastView { summary, body, recipients } = view;
    let replied = recipients.iter().filter(|r| r.replied).count();
    view! {
        <h1>{format!("{} · {} · {}", summary.activity, summary.date, summary.start_time)}</h1>
        <p class="broadcast-summary" data-testid="broadcast-summary">
            <strong>{seen_summary(summary.seen, summary.recipients)}</strong>
            {format!(" · {replied} replied · sent {} by {}", summary.sent_at, summary.sender_name)}
        </p>
        <blockquote class="broadcast-body">{body}</blockquote>
        <table class="recipients-table" data-testid="recipients">
            <thead><tr><th scope="col">"Booking"</th><th scope="col">"Sent"</th><th scope="col">"Seen"</th><th scope="col">"Replied"</th></tr></thead>
            <tbody>
                {recipients.into_iter().map(|r| {
                    let mark = |on: bool| if on { "✓" } else { "—" };
                    view! {
                        <tr data-testid="recipient">
                            <th scope="row">
                                <A href=format!("/dashboard/threads/{}", r.thread_id)>{r.customer_name.clone()}</A>
                                <span class="muted">{format!(" {}", r.confirmation_code)}</span>
                            </th>
                            <td data-testid="sent" aria-label=if r.sent { "sent" } else { "not sent" }>{mark(r.sent)}</td>
                            <td data-testid="seen" aria-label=if r.seen { "seen" } else { "not seen" }>{mark(r.seen)}</td>
                            <td data-testid="replied" aria-label=if r.replied { "replied" } else { "no reply" }>{mark(r.replied)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
