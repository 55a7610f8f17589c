//! Signing in and out, who is signed in, and which of their locations the dashboard shows.

use leptos::prelude::*;

use super::dash_error::DashError;
use crate::ids::LocationId;
use crate::model::StaffView;

/// Checks an email and password; on success starts a session (cookie) and goes to `next` (a path
/// on this site; the dashboard otherwise). A wrong email and a wrong password get the same
/// answer; repeated attempts for one email are refused for a while.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), DashError> {
    use super::cookie::{session_cookie, SESSION_DAYS};
    use super::scope::request_is_https;
    use crate::store::sign_in::SignIn;

    let store = expect_context::<crate::state::AppState>().store;
    let now = chrono::Utc::now();
    let staff = match store.sign_in(&email, &password, now).await? {
        SignIn::Staff(staff) => staff,
        SignIn::WrongCredentials => return Err(DashError::BadCredentials.with_status()),
        SignIn::Throttled => return Err(DashError::TooManyAttempts.with_status()),
    };
    let expires = now + chrono::Duration::days(SESSION_DAYS);
    let token = store.create_session(&staff.id, staff.location_ids.first(), expires).await?;
    let response = expect_context::<leptos_axum::ResponseOptions>();
    let cookie = session_cookie(&token, request_is_https().await);
    response.append_header(axum::http::header::SET_COOKIE, cookie.parse().map_err(|_| DashError::Server)?);
    leptos_axum::redirect(crate::paths::local_path(next.as_deref()));
    Ok(())
}

/// Ends the session and goes to the sign-in page.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), DashError> {
    use super::cookie::cleared_session_cookie;
    use super::scope::{request_is_https, staff_context, GuardError};

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
pub async fn me() -> Result<StaffView, DashError> {
    use super::scope::staff_context;
    use crate::model::LocationView;

    let ctx = staff_context().await?;
    let mut locations = Vec::new();
    let mut current = None;
    for id in &ctx.session.staff.location_ids {
        let location = match ctx.store.location(id).await {
            Ok(l) => l,
            Err(crate::store::StoreError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        };
        let option = LocationView { id: location.id.clone(), name: location.name.clone() };
        if ctx.location_id.as_deref() == Some(location.id.as_str()) {
            current = Some((option.clone(), location.portal_enabled, location.messaging_enabled));
        }
        locations.push(option);
    }
    let (location, portal_enabled, messaging_enabled) = match current {
        Some((l, p, m)) => (Some(l), p, m),
        None => (None, false, false),
    };
    Ok(StaffView {
        display_name: ctx.session.staff.display_name(),
        email: ctx.session.staff.email.clone(),
        locations,
        location,
        portal_enabled,
        messaging_enabled,
        alerts: super::alerts::alerts_view(ctx.session.staff.alerts),
    })
}

/// Shows another of the staff member's locations.
#[server(endpoint = "switch_location")]
pub async fn switch_location(location_id: LocationId) -> Result<(), DashError> {
    let ctx = super::scope::staff_context().await?;
    ctx.store.set_session_location(&ctx.token, ctx.session.staff.reach(), &location_id).await?;
    Ok(())
}
