//! The current location's Settings: the Customer Portal and Support Messaging switches, and when a
//! message that waits unread is followed by an email.

use leptos::prelude::*;

use super::dash_error::DashError;
use crate::model::LocationSettingsView;

#[server(endpoint = "location_settings")]
pub async fn get_location_settings() -> Result<LocationSettingsView, DashError> {
    let (_, location) = super::scope::current_location().await?;
    Ok(settings(location))
}

/// Saves everything at once; the portal, the server functions and the mailer obey it from the next
/// request. An email delay is in minutes; none: no such emails.
#[server(endpoint = "save_location_settings")]
pub async fn save_location_settings(
    portal_enabled: bool,
    messaging_enabled: bool,
    customer_email_minutes: Option<u32>,
    team_email_minutes: Option<u32>,
) -> Result<LocationSettingsView, DashError> {
    use crate::store::locations::LocationSettings;

    let minutes = |m: Option<u32>| m.map(|m| std::time::Duration::from_secs(u64::from(m) * 60));
    let (ctx, location) = super::scope::current_location().await?;
    let changed = LocationSettings {
        portal_enabled,
        messaging_enabled,
        customer_email_delay: minutes(customer_email_minutes),
        team_email_delay: minutes(team_email_minutes),
    };
    let saved = ctx.store.set_location_settings(&location.id, changed).await?;
    Ok(settings(saved))
}

#[cfg(feature = "ssr")]
fn settings(location: crate::store::locations::LocationRecord) -> LocationSettingsView {
    let minutes = |d: Option<std::time::Duration>| d.map(|d| (d.as_secs() / 60) as u32);
    LocationSettingsView {
        location: crate::model::LocationView { id: location.id, name: location.name },
        portal_enabled: location.portal_enabled,
        messaging_enabled: location.messaging_enabled,
        customer_email_minutes: minutes(location.customer_email_delay),
        team_email_minutes: minutes(location.team_email_delay),
        sends_email: expect_context::<crate::state::AppState>().sends_email,
    }
}
