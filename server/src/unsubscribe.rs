//! One-click unsubscribe (RFC 8058): a mail program POSTs to the `List-Unsubscribe` address of a
//! customer email, without a cookie or a page. The portal token in the path is the credential and
//! the answer says nothing about the booking. A GET of the same address is the page in `app`.

use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;

pub async fn one_click(State(state): State<AppState>, Path(token): Path<String>) -> (StatusCode, &'static str) {
    let store = &state.store;
    let access = match store.portal_access(&token).await {
        Ok(Some(access)) => access,
        Ok(None) => return (StatusCode::NOT_FOUND, "This link is not valid."),
        Err(err) => {
            tracing::error!(error = %err, "unsubscribe failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong; please try again.");
        }
    };
    match store.set_customer_emails(&access.booking.id, false, chrono::Utc::now()).await {
        Ok(_) => (StatusCode::OK, "You will get no more emails about this booking."),
        Err(err) => {
            tracing::error!(error = %err, "unsubscribe failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong; please try again.")
        }
    }
}
