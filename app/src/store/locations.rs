//! Locations: where a business runs its activities, whether its customers may write, and when
//! a message that waits unread is followed by an email.

use std::time::Duration;

use surrealdb::types::SurrealValue;

use crate::ids::LocationId;

use super::changes::Scope;
use super::ids::Record;
use super::{Store, StoreError};

/// A location: where a business runs its activities.
#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct LocationRecord {
    pub id: LocationId,
    pub name: String,
    pub timezone: String,
    pub portal_enabled: bool,
    pub messaging_enabled: bool,
    /// How long a team message may wait unread before the customer is emailed; `None`: never.
    pub customer_email_delay: Option<Duration>,
    /// How long a customer message may wait unread before the team is emailed; `None`: never.
    pub team_email_delay: Option<Duration>,
}

/// What a location's Settings change, all at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocationSettings {
    pub portal_enabled: bool,
    pub messaging_enabled: bool,
    pub customer_email_delay: Option<Duration>,
    pub team_email_delay: Option<Duration>,
}

/// The longest an email may be put off: a day.
pub const MAX_EMAIL_DELAY: Duration = Duration::from_secs(24 * 60 * 60);

impl LocationRecord {
    /// Its Settings as they are, to change some of them.
    pub fn settings(&self) -> LocationSettings {
        LocationSettings {
            portal_enabled: self.portal_enabled,
            messaging_enabled: self.messaging_enabled,
            customer_email_delay: self.customer_email_delay,
            team_email_delay: self.team_email_delay,
        }
    }

    /// Customers may write only when both the portal and Support Messaging are on.
    pub fn customers_can_write(&self) -> bool {
        self.portal_enabled && self.messaging_enabled
    }
}

impl Store {
    /// Creates a location with its portal and messaging switched on. `timezone` is an IANA name.
    pub async fn create_location(&self, name: &str, timezone: &str) -> Result<LocationRecord, StoreError> {
        if timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(StoreError::Invalid(format!("unknown time zone {timezone:?}")));
        }
        let sql = "CREATE ONLY location CONTENT { name: $name, timezone: $timezone }";
        let mut response = self
            .write(&[Scope::Table("location")], sql, |q| {
                q.bind(("name", name.to_owned())).bind(("timezone", timezone.to_owned()))
            })
            .await?;
        let row: Option<LocationRecord> = response.take(0)?;
        row.ok_or(StoreError::NotFound)
    }

    pub async fn location(&self, id: &LocationId) -> Result<LocationRecord, StoreError> {
        let load = || async {
            let mut response = self.db.read("SELECT * FROM ONLY $id").bind(("id", id.record())).await?;
            let row: Option<LocationRecord> = response.take(0)?;
            row.ok_or(StoreError::NotFound)
        };
        self.remembered_in(|c| &c.locations, id, Scope::Location(id), load).await
    }

    /// Saves a location's Settings: the Customer Portal and Support Messaging switches and the
    /// email delays (each from a minute to a day, or none).
    pub async fn set_location_settings(
        &self,
        id: &LocationId,
        settings: LocationSettings,
    ) -> Result<LocationRecord, StoreError> {
        for delay in [settings.customer_email_delay, settings.team_email_delay].into_iter().flatten() {
            if delay < Duration::from_secs(60) || delay > MAX_EMAIL_DELAY {
                return Err(StoreError::Invalid("An email delay is between a minute and a day.".into()));
            }
        }
        let sql = "UPDATE ONLY $id SET portal_enabled = $portal, messaging_enabled = $messaging,
                       customer_email_delay = $customer_delay, team_email_delay = $team_delay RETURN AFTER";
        let mut response = self
            .write(&[Scope::Location(id)], sql, |q| {
                q.bind(("id", id.record()))
                    .bind(("portal", settings.portal_enabled))
                    .bind(("messaging", settings.messaging_enabled))
                    .bind(("customer_delay", settings.customer_email_delay))
                    .bind(("team_delay", settings.team_email_delay))
            })
            .await?;
        let row: Option<LocationRecord> = response.take(0)?;
        row.ok_or(StoreError::NotFound)
    }

    /// Whether the database holds any location at all (a new database holds none).
    pub async fn has_locations(&self) -> Result<bool, StoreError> {
        let mut response = self.db.read("SELECT VALUE id FROM location LIMIT 1").await?;
        let ids: Vec<LocationId> = response.take(0)?;
        Ok(!ids.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn switches(portal_enabled: bool, messaging_enabled: bool) -> LocationSettings {
        LocationSettings { portal_enabled, messaging_enabled, customer_email_delay: None, team_email_delay: None }
    }

    #[tokio::test]
    async fn create_read_and_switch() {
        let store = Store::open_in_memory().await.unwrap();
        assert!(!store.has_locations().await.unwrap());
        let loc = store.create_location("Harbour", "Europe/Oslo").await.unwrap();
        assert!(loc.customers_can_write());
        assert_eq!(store.location(&loc.id).await.unwrap(), loc);
        assert_eq!(
            (loc.customer_email_delay, loc.team_email_delay),
            (Some(Duration::from_secs(600)), Some(Duration::from_secs(900))),
            "emails after 10 and 15 minutes unless the location says otherwise"
        );
        let settings = LocationSettings {
            portal_enabled: true,
            messaging_enabled: false,
            customer_email_delay: None,
            team_email_delay: Some(Duration::from_secs(300)),
        };
        let saved = store.set_location_settings(&loc.id, settings).await.unwrap();
        assert!(!saved.customers_can_write());
        assert_eq!((saved.customer_email_delay, saved.team_email_delay), (None, Some(Duration::from_secs(300))));
        assert_eq!(store.location(&loc.id).await.unwrap(), saved);
        for bad in [Duration::from_secs(59), MAX_EMAIL_DELAY + Duration::from_secs(1)] {
            let settings = LocationSettings { customer_email_delay: Some(bad), ..settings };
            assert!(matches!(store.set_location_settings(&loc.id, settings).await, Err(StoreError::Invalid(_))));
        }
        assert!(store.has_locations().await.unwrap());
    }

    #[tokio::test]
    async fn unknown_time_zone_and_missing_location() {
        let store = Store::open_in_memory().await.unwrap();
        assert!(matches!(store.create_location("X", "Mars/Base").await, Err(StoreError::Invalid(_))));
        assert!(matches!(store.location(&LocationId::new("nope")).await, Err(StoreError::NotFound)));
        assert!(matches!(
            store.set_location_settings(&LocationId::new("nope"), switches(true, true)).await,
            Err(StoreError::NotFound)
        ));
    }
}
