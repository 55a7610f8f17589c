//! Components: pages and the widgets they share.

pub mod booking;
pub mod chat;
pub mod dashboard;
pub mod home;
pub mod login;
pub mod not_found;
pub mod page_title;
pub mod poll;
pub mod portal;
