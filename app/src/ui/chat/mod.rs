//! The conversation both sides share: the session that drives it, the log, the composer.

pub mod composer;
pub mod log;
pub mod message_list;
pub mod session;
pub mod state;
pub mod upload;

pub use composer::Composer;
pub use log::ChatLog;
pub use session::{use_chat_session, ChatChannel, ChatHooks, ChatSession};
pub use state::{ChatState, Outgoing};
