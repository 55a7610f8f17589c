//! One chat session for both sides: the customer's portal and the team's open thread hold the
//! same state and do the same things with it (send, show pending and failed messages, retry, poll,
//! mark read when the person can see it, load earlier messages). Only the server functions they
//! call differ, and those come in through a `ChatChannel`.

use std::future::Future;

use leptos::html::Div;
use leptos::prelude::*;

use super::state::ChatState;
use crate::ids::{AttachmentId, MessageId};
use crate::model::{
    ChatChangesView, ChatOpeningView, EarlierMessagesView, FileView, MessageView, ReadStateView, SenderType,
};
use crate::ui::poll::{page_is_visible, use_polling};

/// The server functions behind one conversation.
pub trait ChatChannel: Clone + Send + Sync + 'static {
    type Error: std::fmt::Display + Send + Sync + 'static;
    fn poll(
        &self,
        after_seq: i64,
        after_edit: i64,
    ) -> impl Future<Output = Result<ChatChangesView, Self::Error>> + Send + 'static;
    fn unsend(&self, message_id: MessageId) -> impl Future<Output = Result<MessageView, Self::Error>> + Send + 'static;
    /// Whether this side may unsend `message`: a customer their own, staff any.
    fn may_unsend(me: SenderType, message: &MessageView) -> bool {
        message.sender_type == me
    }
    fn send(
        &self,
        client_id: String,
        body: String,
        files: Vec<AttachmentId>,
    ) -> impl Future<Output = Result<MessageView, Self::Error>> + Send + 'static;
    /// Where this side uploads a file, and the address its files are read at ("…/files/"),
    /// followed by the file's id (and "/thumb" for a photo's small copy).
    fn upload_url(&self) -> String;
    fn files_url(&self) -> String;
    fn mark_read(&self) -> impl Future<Output = Result<ReadStateView, Self::Error>> + Send + 'static;
    fn earlier(
        &self,
        before_seq: i64,
    ) -> impl Future<Output = Result<EarlierMessagesView, Self::Error>> + Send + 'static;
    /// Whether a failed send means this side may not write any more (messaging was turned off).
    fn stops_writing(_error: &Self::Error) -> bool {
        false
    }
}

/// What the page around a chat wants to hear of it.
#[derive(Default)]
pub struct ChatHooks {
    /// The read state changed: (before, after).
    pub on_read: Option<Callback<(ReadStateView, ReadStateView)>>,
    /// A message this person sent was stored.
    pub on_sent: Option<Callback<MessageView>>,
}

/// A conversation as one side sees and drives it.
#[derive(Clone, Copy)]
pub struct ChatSession {
    pub chat: ChatState,
    pub me: SenderType,
    /// Older messages exist than the first one held.
    pub has_earlier: RwSignal<bool>,
    pub can_write: RwSignal<bool>,
    /// The scrolling log, which keeps its place when earlier messages come in above.
    pub log: NodeRef<Div>,
    /// Where files go up and are read ("…/files/" + id).
    pub upload_url: StoredValue<String>,
    pub files_url: StoredValue<String>,
    send: Action<(String, String, Vec<FileView>), ()>,
    unsend: Action<MessageId, ()>,
    /// Why the last unsend failed, until the next one.
    pub unsend_problem: RwSignal<Option<String>>,
    may_unsend: fn(SenderType, &MessageView) -> bool,
    earlier: Action<(), ()>,
    on_read: Option<Callback<(ReadStateView, ReadStateView)>>,
    /// The distance from the log's bottom to keep while earlier messages are put above.
    keep_from_bottom: StoredValue<Option<i32>>,
    /// The log follows new messages: the person is at its bottom, or has just sent one.
    pub(super) follow: StoredValue<bool>,
}

impl ChatSession {
    /// Sends a message (its body and files already checked by the composer).
    pub fn send(&self, body: String, files: Vec<FileView>) {
        let client_id = uuid::Uuid::new_v4().to_string();
        self.follow.set_value(true);
        self.chat.start_sending(client_id.clone(), body.clone(), files.clone());
        self.send.dispatch((client_id, body, files));
    }

    /// Sends a failed message again, with its first client id, so it is stored once.
    pub fn retry(&self, client_id: String) {
        if let Some((body, files)) = self.chat.retry(&client_id) {
            self.send.dispatch((client_id, body, files));
        }
    }

    /// Unsends a message, for everyone (the other side sees it within a poll).
    pub fn unsend(&self, message_id: MessageId) {
        self.unsend_problem.set(None);
        self.unsend.dispatch(message_id);
    }

    pub fn may_unsend(&self, message: &MessageView) -> bool {
        !message.deleted && (self.may_unsend)(self.me, message)
    }

    /// Loads the page of messages before the oldest one held, keeping the log where it is.
    pub fn load_earlier(&self) {
        if self.earlier.pending().get_untracked() {
            return;
        }
        self.keep_from_bottom.set_value(self.log.get_untracked().map(|el| el.scroll_height() - el.scroll_top()));
        self.earlier.dispatch(());
    }

    pub fn loading_earlier(&self) -> bool {
        self.earlier.pending().get()
    }

    /// Takes a read state from elsewhere (the team's "Mark as unread").
    pub fn apply_read(&self, read: ReadStateView) {
        apply_read(self.chat, self.on_read, read);
    }

    /// How far from the log's bottom to keep it, once, after earlier messages came in.
    pub(super) fn take_kept_distance(&self) -> Option<i32> {
        self.keep_from_bottom.try_update_value(Option::take).flatten()
    }
}

fn apply_read(chat: ChatState, on_read: Option<Callback<(ReadStateView, ReadStateView)>>, read: ReadStateView) {
    let Some(before) = chat.read.try_get_untracked() else { return };
    chat.read.try_set(read);
    if let Some(on_read) = on_read {
        on_read.run((before, read));
    }
}

/// Starts a chat session on what the page opened with, polling until the page goes away.
pub fn use_chat_session<C: ChatChannel>(
    channel: C,
    me: SenderType,
    opening: ChatOpeningView,
    can_write: bool,
    hooks: ChatHooks,
) -> ChatSession {
    let ChatOpeningView { messages, has_earlier, read, today, edit_seq } = opening;
    let (upload_url, files_url) = (StoredValue::new(channel.upload_url()), StoredValue::new(channel.files_url()));
    let chat = ChatState::new(messages, read, today);
    chat.edit_seq.set_value(edit_seq);
    let has_earlier = RwSignal::new(has_earlier);
    let can_write = RwSignal::new(can_write);
    let ChatHooks { on_read, on_sent } = hooks;
    // Messages from the other side arrived that this person has not been seen to read yet.
    let unseen = StoredValue::new(read.unread_for(me) > 0);

    let mark_read = Action::new({
        let channel = channel.clone();
        move |_: &()| {
            let channel = channel.clone();
            async move {
                if let Ok(read) = channel.mark_read().await {
                    apply_read(chat, on_read, read);
                }
            }
        }
    });
    // Reads what arrived, but only while someone can see it.
    let read_if_seen = move || {
        if unseen.get_value() && page_is_visible() && !mark_read.pending().get_untracked() {
            unseen.set_value(false);
            mark_read.dispatch(());
        }
    };

    let send = Action::new({
        let channel = channel.clone();
        move |(client_id, body, files): &(String, String, Vec<FileView>)| {
            let (channel, client_id, body) = (channel.clone(), client_id.clone(), body.clone());
            let files = files.iter().map(|f| f.id.clone()).collect();
            async move {
                match channel.send(client_id.clone(), body, files).await {
                    Ok(message) => {
                        chat.receive(vec![message.clone()]);
                        if let Some(mut read) = chat.read.try_get_untracked() {
                            read.read_up_to(me, chat.last_seq());
                            apply_read(chat, on_read, read);
                        }
                        if let Some(on_sent) = on_sent {
                            on_sent.run(message);
                        }
                    }
                    Err(err) => {
                        if C::stops_writing(&err) {
                            can_write.try_set(false);
                        }
                        chat.fail(&client_id, err.to_string());
                    }
                }
            }
        }
    });

    let unsend_problem = RwSignal::new(None::<String>);
    let unsend = Action::new({
        let channel = channel.clone();
        move |message_id: &MessageId| {
            let (channel, message_id) = (channel.clone(), message_id.clone());
            async move {
                match channel.unsend(message_id).await {
                    Ok(message) => chat.receive(vec![message]),
                    Err(err) => {
                        unsend_problem.try_set(Some(format!("Not unsent: {err}")));
                    }
                }
            }
        }
    });

    let earlier = Action::new({
        let channel = channel.clone();
        move |_: &()| {
            let channel = channel.clone();
            async move {
                if let Ok(page) = channel.earlier(chat.first_seq()).await {
                    chat.receive(page.messages);
                    has_earlier.try_set(page.has_earlier);
                }
            }
        }
    });

    use_polling(move || {
        let channel = channel.clone();
        async move {
            // A failed poll changes nothing; the next one asks again.
            let Ok(news) = channel.poll(chat.last_seq(), chat.edit_seq.get_value()).await else { return };
            if news.messages.iter().any(|m| m.sender_type != me) {
                unseen.set_value(true);
            }
            chat.receive(news.messages);
            chat.receive(news.edited);
            chat.edit_seq.set_value(news.edit_seq);
            chat.today.try_set(news.today);
            can_write.try_set(news.can_write);
            apply_read(chat, on_read, news.read);
            read_if_seen();
        }
    });
    // Opening a conversation reads it.
    Effect::new(read_if_seen);

    ChatSession {
        chat,
        me,
        has_earlier,
        can_write,
        log: NodeRef::new(),
        upload_url,
        files_url,
        send,
        unsend,
        unsend_problem,
        may_unsend: C::may_unsend,
        earlier,
        on_read,
        keep_from_bottom: StoredValue::new(None),
        follow: StoredValue::new(true),
    }
}
