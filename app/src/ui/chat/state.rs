//! What a chat view holds in the browser: confirmed messages by seq, messages still on their
//! way, both read cursors, and "today" as the server last said it.

use chrono::NaiveDate;
use leptos::prelude::*;

use crate::model::{FileView, MessageView, ReadStateView};

/// A message this person sent that the server has not confirmed yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub client_id: String,
    pub body: String,
    pub files: Vec<FileView>,
    /// Why the last attempt failed; `None` while it is on its way.
    pub failed: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct ChatState {
    pub messages: RwSignal<Vec<MessageView>>,
    pub outgoing: RwSignal<Vec<Outgoing>>,
    pub read: RwSignal<ReadStateView>,
    pub today: RwSignal<NaiveDate>,
    /// The thread's last change to sent messages this view has: polls ask for the ones after it.
    pub edit_seq: StoredValue<i64>,
}

impl ChatState {
    pub fn new(messages: Vec<MessageView>, read: ReadStateView, today: NaiveDate) -> Self {
        ChatState {
            messages: RwSignal::new(messages),
            outgoing: RwSignal::new(Vec::new()),
            read: RwSignal::new(read),
            today: RwSignal::new(today),
            edit_seq: StoredValue::new(0),
        }
    }

    /// The highest seq held: polls ask for what came after it.
    pub fn last_seq(&self) -> i64 {
        self.messages.try_with_untracked(|m| m.last().map_or(0, |m| m.seq)).unwrap_or(0)
    }

    /// The lowest seq held: "Load earlier messages" asks for what came before it.
    pub fn first_seq(&self) -> i64 {
        self.messages.try_with_untracked(|m| m.first().map_or(1, |m| m.seq)).unwrap_or(1)
    }

    /// Adds messages from a poll, a send or an earlier page, and retires the outgoing ones they confirm.
    pub fn receive(&self, new: Vec<MessageView>) {
        if new.is_empty() {
            return;
        }
        // try_: the answer to a send may come after the view is gone.
        self.outgoing.try_update(|out| out.retain(|o| !new.iter().any(|m| m.client_id == o.client_id)));
        self.messages.try_update(|messages| merge_messages(messages, new));
    }

    /// A message starts on its way.
    pub fn start_sending(&self, client_id: String, body: String, files: Vec<FileView>) {
        self.outgoing.try_update(|out| out.push(Outgoing { client_id, body, files, failed: None }));
    }

    /// Sending failed: the person sees why and can retry.
    pub fn fail(&self, client_id: &str, reason: String) {
        self.outgoing.try_update(|out| {
            if let Some(o) = out.iter_mut().find(|o| o.client_id == client_id) {
                o.failed = Some(reason);
            }
        });
    }

    /// A failed message goes on its way again; returns its body and files for the retry.
    pub fn retry(&self, client_id: &str) -> Option<(String, Vec<FileView>)> {
        let mut again = None;
        self.outgoing.try_update(|out| {
            if let Some(o) = out.iter_mut().find(|o| o.client_id == client_id) {
                o.failed = None;
                again = Some((o.body.clone(), o.files.clone()));
            }
        });
        again
    }
}

/// Merges `new` into `messages`, keeping seq order and each seq once.
pub fn merge_messages(messages: &mut Vec<MessageView>, new: Vec<MessageView>) {
    for message in new {
        match messages.binary_search_by_key(&message.seq, |m| m.seq) {
            Ok(at) => messages[at] = message,
            Err(at) => messages.insert(at, message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SenderType;

    fn message(seq: i64) -> MessageView {
        MessageView {
            files: Vec::new(),
            deleted: false,
            id: crate::ids::MessageId::new(format!("m{seq}")),
            seq,
            sender_type: SenderType::Customer,
            sender_name: "Ana".into(),
            body: format!("body {seq}"),
            client_id: format!("c{seq}"),
            day: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            time: "10:00".into(),
        }
    }

    #[test]
    fn merge_keeps_order_and_drops_duplicates() {
        let mut messages = vec![message(1), message(3)];
        merge_messages(&mut messages, vec![message(4), message(2), message(3)]);
        assert_eq!(messages.iter().map(|m| m.seq).collect::<Vec<_>>(), [1, 2, 3, 4]);
    }
}
