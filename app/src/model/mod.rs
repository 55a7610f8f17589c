//! Wire types shared by the server and the browser (`*View`): plain serde structs, string ids, no
//! database types. One file per part of the app; everything is re-exported here.

mod booking;
mod broadcast;
mod chat;
mod dashboard;
pub mod day;
mod home;
mod integrations;
mod note;
mod saved_reply;

pub use booking::*;
pub use broadcast::*;
pub use chat::*;
pub use dashboard::*;
pub use home::*;
pub use integrations::*;
pub use note::*;
pub use saved_reply::*;
