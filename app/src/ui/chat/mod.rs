//! The conversation widgets both sides share: the message log, the composer, their state.

pub mod composer;
pub mod message_list;
pub mod state;

pub use composer::Composer;
pub use message_list::MessageList;
pub use state::{ChatState, Outgoing};
