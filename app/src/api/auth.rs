//! Signing in and out, who is signed in, and which of their locations the dashboard shows.

use leptos::prelude::*;

use super::dash_error::DashError;
use crate::model::StaffMe;

/// Checks an email and password; on success starts a session (cookie) and goes to the dashboard.
/// A wrong email and a wrong password get the same answer; repeated failures are refused for a while.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), DashError> {
    use std::sync::LazyLock;

    use crate::auth::cookie::session_cookie;
    use crate::auth::guard::request_is_https;
    use crate::auth::passwords::{hash_password, verify_password};
    use crate::auth::tokens::new_token;

    // Checked when the email is unknown, so that case takes as long as a wrong password.
    static DECOY_HASH: LazyLock<String> = LazyLock::new(|| hash_password(&crate::auth::tokens::new_token()));

    let store = expect_context::<crate::state::AppState>().store;
    let now = chrono::Utc::now();
    if store.login_throttled(&email, now).await? {
        return Err(DashError::TooManyAttempts.with_status());
    }
    let staff = store.staff_by_email(&email).await?;
    let hash = staff.as_ref().map_or(DECOY_HASH.as_str(), |s| s.password_hash.as_str());
    let matches = verify_password(&password, hash);
    let Some(staff) = staff.filter(|_| matches) else {
        store.record_failed_login(&email, now).await?;
        return Err(DashError::BadCredentials.with_status());
    };
    store.clear_failed_logins(&email).await?;
    let token = new_token();
    let expires = now + chrono::Duration::days(crate::auth::cookie::SESSION_DAYS);
    store.create_session(&staff.id, &token, staff.location_ids.first().map(String::as_str), expires).await?;
    let response = expect_context::<leptos_axum::ResponseOptions>();
    let cookie = session_cookie(&token, request_is_https().await);
    response.append_header(axum::http::header::SET_COOKIE, cookie.parse().map_err(|_| DashError::Server)?);
    leptos_axum::redirect("/dashboard");
    Ok(())
}

/// Ends the session and goes to the sign-in page.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), DashError> {
    use crate::auth::cookie::cleared_session_cookie;
    use crate::auth::guard::{request_is_https, staff_context, GuardError};

    match staff_context().await {
        Ok(ctx) => ctx.store.delete_session(&ctx.token).await?,
        Err(GuardError::SignedOut) => {}
        Err(err) => return Err(err.into()),
    }
    let response = expect_context::<leptos_axum::ResponseOptions>();
    let cookie = cleared_session_cookie(request_is_https().await);
    response.append_header(axum::http::header::SET_COOKIE, cookie.parse().map_err(|_| DashError::Server)?);
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in staff member, their locations and the current one.
#[server(endpoint = "me")]
pub async fn me() -> Result<StaffMe, DashError> {
    use crate::auth::guard::staff_context;
    use crate::model::LocationOption;

    let ctx = staff_context().await?;
    let mut locations = Vec::new();
    let mut current = None;
    for id in &ctx.session.staff.location_ids {
        let location = match ctx.store.location(id).await {
            Ok(l) => l,
            Err(crate::store::StoreError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        };
        let option = LocationOption { id: location.id.clone(), name: location.name.clone() };
        if ctx.location_id.as_deref() == Some(location.id.as_str()) {
            current = Some((option.clone(), location.portal_enabled, location.messaging_enabled));
        }
        locations.push(option);
    }
    let (location, portal_enabled, messaging_enabled) = match current {
        Some((l, p, m)) => (Some(l), p, m),
        None => (None, false, false),
    };
    Ok(StaffMe {
        display_name: ctx.session.staff.display_name(),
        email: ctx.session.staff.email.clone(),
        locations,
        location,
        portal_enabled,
        messaging_enabled,
    })
}

/// Shows another of the staff member's locations.
#[server(endpoint = "switch_location")]
pub async fn switch_location(location_id: String) -> Result<(), DashError> {
    let ctx = crate::auth::guard::staff_context().await?;
    if !ctx.session.staff.works_at(&location_id) {
        return Err(DashError::NotFound.with_status());
    }
    ctx.store.set_session_location(&ctx.token, &location_id).await?;
    Ok(())
}
