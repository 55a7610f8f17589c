//! Server functions, one file per audience. Each checks who is asking, calls the store, maps errors.

pub mod alerts;
pub mod api_keys;
pub mod auth;
pub mod bookings;
pub mod broadcasts;
#[cfg(feature = "ssr")]
mod conversation;
#[cfg(feature = "ssr")]
pub mod cookie;
pub mod dash_error;
pub mod home;
pub mod inbox;
pub mod portal;
#[cfg(feature = "bench")]
pub mod portal_wire;
#[cfg(feature = "ssr")]
pub mod present;
pub mod saved_replies;
#[cfg(feature = "ssr")]
pub mod scope;
pub mod settings;
pub mod threads;
pub mod webhooks;

use leptos::server_fn::error::ServerFnErrorErr;

/// How a call failed on its way to a server function or back, for the audience's own error type.
pub(crate) enum CallFailure {
    /// The request or its answer did not get through.
    Network,
    /// The arguments did not decode.
    NotUnderstood,
    Server,
}

impl From<ServerFnErrorErr> for CallFailure {
    fn from(err: ServerFnErrorErr) -> Self {
        match err {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => CallFailure::Network,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Deserialization(_) => {
                CallFailure::NotUnderstood
            }
            _ => CallFailure::Server,
        }
    }
}

/// What a request that did not decode is told.
pub(crate) const NOT_UNDERSTOOD: &str = "The request was not understood.";
