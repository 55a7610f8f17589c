//! The current location's Customer Portal and Support Messaging switches.

use leptos::prelude::*;

use super::dash_error::DashError;
use crate::model::LocationSettingsView;

#[server(endpoint = "location_settings")]
pub async fn get_location_settings() -> Result<LocationSettingsView, DashError> {
    let (_, location) = super::scope::current_location().await?;
    Ok(settings(location))
}

/// Saves both switches at once; the portal and the server functions obey them from the next request.
#[server(endpoint = "save_location_settings")]
pub async fn save_location_settings(
    portal_enabled: bool,
    messaging_enabled: bool,
) -> Result<LocationSettingsView, DashError> {
    let (ctx, location) = super::scope::current_location().await?;
    let saved = ctx.store.set_location_switches(&location.id, portal_enabled, messaging_enabled).await?;
    Ok(settings(saved))
}

#[cfg(feature = "ssr")]
fn settings(location: crate::store::locations::LocationRecord) -> LocationSettingsView {
    LocationSettingsView {
        location: crate::model::LocationView { id: location.id, name: location.name },
        portal_enabled: location.portal_enabled,
        messaging_enabled: location.messaging_enabled,
    }
}
