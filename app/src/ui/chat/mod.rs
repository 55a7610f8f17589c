//! The conversation widgets both sides share: the message log, the composer, their state.

pub mod composer;
pub mod message_list;
pub mod state;
pub mod stick_to_bottom;

pub use composer::Composer;
pub use message_list::MessageList;
pub use state::{ChatState, Outgoing};
pub use stick_to_bottom::use_stick_to_bottom;
