//! Server functions, one file per audience. Each checks who is asking, calls the store, maps errors.

pub mod home;
pub mod portal;
#[cfg(feature = "ssr")]
pub(crate) mod present;
