//! Components: pages and the widgets they share.

pub mod home;
pub mod not_found;
