//! The team's dashboard: a shell with navigation around the Conversations, Settings and booking pages.

pub mod alerts;
pub mod api_keys;
pub mod bookings;
pub mod broadcasts;
pub mod conversations;
pub mod customer;
pub mod desktop;
pub mod notes;
pub mod notifications;
pub mod reply_picker;
pub mod replying;
pub mod save_status;
pub mod saved_replies;
pub mod settings;
pub mod shell;
pub mod state;
pub mod thread;
pub mod webhooks;

pub use shell::DashboardShell;
