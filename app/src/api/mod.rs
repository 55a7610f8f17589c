//! Server functions, one file per audience. Each checks who is asking, calls the store, maps errors.

pub mod api_keys;
pub mod auth;
pub mod bookings;
#[cfg(feature = "ssr")]
mod conversation;
#[cfg(feature = "ssr")]
pub mod cookie;
pub mod dash_error;
pub mod home;
pub mod inbox;
pub mod portal;
#[cfg(feature = "ssr")]
pub(crate) mod present;
#[cfg(feature = "ssr")]
pub mod scope;
pub mod settings;
pub mod threads;
pub mod webhooks;
