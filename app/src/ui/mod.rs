//! Components: pages and the widgets they share.

pub mod chat;
pub mod home;
pub mod not_found;
pub mod poll;
pub mod portal;
