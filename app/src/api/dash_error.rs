//! The error every dashboard server function answers with, in words an operator can act on.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum DashError {
    #[error("Please sign in.")]
    SignedOut,
    #[error("The email or password is not right.")]
    BadCredentials,
    #[error("Too many failed sign-ins. Please wait a few minutes and try again.")]
    TooManyAttempts,
    #[error("Not found.")]
    NotFound,
    #[error("{0}")]
    Invalid(String),
    #[error("The server is busy; please try again.")]
    Busy,
    #[error("Something went wrong on our side; please try again.")]
    Server,
    #[error("Could not reach the server. Check your connection.")]
    Network,
}

impl FromServerFnError for DashError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match super::CallFailure::from(value) {
            super::CallFailure::Network => DashError::Network,
            super::CallFailure::NotUnderstood => DashError::Invalid(super::NOT_UNDERSTOOD.into()),
            super::CallFailure::Server => DashError::Server,
        }
    }
}

#[cfg(feature = "ssr")]
mod server {
    use axum::http::StatusCode;
    use leptos::prelude::*;

    use super::DashError;
    use crate::api::scope::GuardError;
    use crate::store::StoreError;

    impl DashError {
        /// Sets the response's HTTP status for this error and returns it.
        pub fn with_status(self) -> Self {
            let code = match self {
                DashError::SignedOut | DashError::BadCredentials => StatusCode::UNAUTHORIZED,
                DashError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
                DashError::NotFound => StatusCode::NOT_FOUND,
                DashError::Invalid(_) => StatusCode::BAD_REQUEST,
                DashError::Busy => StatusCode::SERVICE_UNAVAILABLE,
                DashError::Server | DashError::Network => StatusCode::INTERNAL_SERVER_ERROR,
            };
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(code);
            }
            self
        }
    }

    impl From<StoreError> for DashError {
        fn from(err: StoreError) -> Self {
            match err {
                StoreError::NotFound => DashError::NotFound,
                StoreError::InvalidBody(e) => DashError::Invalid(e.to_string()),
                StoreError::Invalid(e) => DashError::Invalid(e),
                StoreError::Conflict | StoreError::Contended { .. } => DashError::Busy,
                StoreError::Unavailable(why) => {
                    tracing::warn!(%why, "dashboard request: the database is unavailable");
                    DashError::Busy
                }
                other => {
                    tracing::error!(error = %other, "dashboard request failed");
                    DashError::Server
                }
            }
            .with_status()
        }
    }

    impl From<GuardError> for DashError {
        fn from(err: GuardError) -> Self {
            match err {
                GuardError::SignedOut => DashError::SignedOut.with_status(),
                GuardError::Store(e) => e.into(),
            }
        }
    }
}
