//! Telling a staff member that a customer wrote while they were not looking: a desktop
//! notification (and, if they chose it, a chime) for each new customer message the inbox poll
//! brings while the tab is hidden or another conversation is open; and the unread count on the
//! tab's icon.

use std::collections::HashMap;

use leptos::prelude::*;

use super::desktop::{chime, icon_href, notify, show_on_icon};
use super::state::DashState;
use crate::ids::ThreadId;
use crate::model::{InboxRowView, SenderType};

/// Which changed rows carry a customer message not announced yet. Pure, for tests.
#[derive(Debug, Clone)]
pub struct Announcer {
    /// The dashboard's start (server clock): what came before was on the list when it opened.
    since_ms: i64,
    /// Per thread, the last customer message already announced (or seen open).
    announced: HashMap<ThreadId, i64>,
}

impl Announcer {
    pub fn new(since_ms: i64) -> Self {
        Announcer { since_ms, announced: HashMap::new() }
    }

    /// The rows to announce among those a poll brought. A message in the conversation open in
    /// front of the person is not announced, and not later either.
    pub fn take<'a>(
        &mut self,
        rows: &'a [InboxRowView],
        open: Option<&ThreadId>,
        page_visible: bool,
    ) -> Vec<&'a InboxRowView> {
        let mut news = Vec::new();
        for row in rows {
            let known = self.announced.get(&row.thread_id).copied().unwrap_or(self.since_ms);
            if row.last_sender != Some(SenderType::Customer) || row.unread == 0 || row.last_message_ms <= known {
                continue;
            }
            self.announced.insert(row.thread_id.clone(), row.last_message_ms);
            if !(page_visible && open == Some(&row.thread_id)) {
                news.push(row);
            }
        }
        news
    }
}

/// Starts the tab icon's count and returns what the inbox poll calls with the rows it brought.
pub fn use_alerts(dash: DashState) -> impl Fn(&[InboxRowView]) + Clone + 'static {
    Effect::new(move || show_on_icon(&icon_href(dash.status.get().unread_threads)));
    let announcer = StoredValue::new(Announcer::new(dash.status.get_untracked().now_ms));
    let pathname = leptos_router::hooks::use_location().pathname;
    let navigate = leptos_router::hooks::use_navigate();
    move |rows: &[InboxRowView]| {
        let path = pathname.get_untracked();
        let open = path.strip_prefix("/dashboard/threads/").map(|id| ThreadId::new(id.to_owned()));
        let visible = crate::ui::poll::page_is_visible();
        let news: Vec<InboxRowView> = announcer
            .try_update_value(|a| a.take(rows, open.as_ref(), visible).into_iter().cloned().collect())
            .unwrap_or_default();
        let alerts = dash.me.get_untracked().alerts;
        for row in &news {
            if alerts.desktop {
                let to = format!("/dashboard/threads/{}", row.thread_id);
                let navigate = navigate.clone();
                notify(&row.customer_name, &row.preview, row.thread_id.as_str(), move || {
                    navigate(&to, Default::default())
                });
            }
        }
        if alerts.sound && !news.is_empty() {
            chime();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BookingStatus;

    fn row(thread: &str, sender: SenderType, at_ms: i64, unread: i64) -> InboxRowView {
        InboxRowView {
            thread_id: ThreadId::new(thread.to_owned()),
            customer_name: "Ana Silva".into(),
            activity: "Kayak".into(),
            code: "KAY7Q2".into(),
            booking_date: "Nov 24".into(),
            preview: "Hello".into(),
            last_sender: Some(sender),
            last_message_ms: at_ms,
            last_message_day: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            status: BookingStatus::Confirmed,
            unread,
            updated_ms: at_ms,
        }
    }

    fn ids(rows: Vec<&InboxRowView>) -> Vec<&str> {
        rows.into_iter().map(|r| r.thread_id.as_str()).collect()
    }

    #[test]
    fn new_customer_messages_are_announced_once_unless_open_in_front() {
        let mut announcer = Announcer::new(1_000);
        let open = ThreadId::new("t2".to_owned());
        let poll = [
            row("t1", SenderType::Customer, 2_000, 1),
            row("t2", SenderType::Customer, 2_000, 1),
            row("t3", SenderType::Operator, 2_000, 0),
            row("t4", SenderType::Customer, 900, 1),
            row("t5", SenderType::Customer, 2_000, 0),
        ];
        assert_eq!(
            ids(announcer.take(&poll, Some(&open), true)),
            ["t1"],
            "not the open one, a reply, an old or a read one"
        );
        assert!(announcer.take(&poll, None, false).is_empty(), "each message once, even when seen open");
        let next = [row("t1", SenderType::Customer, 3_000, 2), row("t2", SenderType::Customer, 3_000, 2)];
        assert_eq!(ids(announcer.take(&next, Some(&open), false)), ["t1", "t2"], "a hidden tab hears of the open one");
    }
}
