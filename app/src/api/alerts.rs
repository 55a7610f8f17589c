//! The signed-in staff member's own alerts: desktop notifications, their sound, and emails about
//! customer messages that wait unread. Each person sets only their own.

use leptos::prelude::*;

use super::dash_error::DashError;
use crate::model::AlertsView;

/// Saves the signed-in staff member's alerts; every location they work at follows them.
#[server(endpoint = "save_my_alerts")]
pub async fn save_my_alerts(desktop: bool, sound: bool, email: bool) -> Result<AlertsView, DashError> {
    use crate::store::staff::StaffAlerts;

    let ctx = super::scope::staff_context().await?;
    let saved = ctx.store.set_staff_alerts(&ctx.session.staff.id, StaffAlerts { desktop, sound, email }).await?;
    Ok(alerts_view(saved.alerts))
}

#[cfg(feature = "ssr")]
pub(crate) fn alerts_view(alerts: crate::store::staff::StaffAlerts) -> AlertsView {
    AlertsView { desktop: alerts.desktop, sound: alerts.sound, email: alerts.email }
}
