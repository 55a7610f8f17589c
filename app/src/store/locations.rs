//! Locations: where a business runs its activities, and whether its customers may write.

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
}

impl LocationRecord {
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

    /// Switches the Customer Portal and Support Messaging of a location.
    pub async fn set_location_switches(
        &self,
        id: &LocationId,
        portal_enabled: bool,
        messaging_enabled: bool,
    ) -> Result<LocationRecord, StoreError> {
        let sql = "UPDATE ONLY $id SET portal_enabled = $portal, messaging_enabled = $messaging RETURN AFTER";
        let mut response = self
            .write(&[Scope::Location(id)], sql, |q| {
                q.bind(("id", id.record())).bind(("portal", portal_enabled)).bind(("messaging", messaging_enabled))
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

    #[tokio::test]
    async fn create_read_and_switch() {
        let store = Store::open_in_memory().await.unwrap();
        assert!(!store.has_locations().await.unwrap());
        let loc = store.create_location("Harbour", "Europe/Oslo").await.unwrap();
        assert!(loc.customers_can_write());
        assert_eq!(store.location(&loc.id).await.unwrap(), loc);
        let off = store.set_location_switches(&loc.id, true, false).await.unwrap();
        assert!(!off.customers_can_write());
        assert!(store.has_locations().await.unwrap());
    }

    #[tokio::test]
    async fn unknown_time_zone_and_missing_location() {
        let store = Store::open_in_memory().await.unwrap();
        assert!(matches!(store.create_location("X", "Mars/Base").await, Err(StoreError::Invalid(_))));
        assert!(matches!(store.location(&LocationId::new("nope")).await, Err(StoreError::NotFound)));
        assert!(matches!(
            store.set_location_switches(&LocationId::new("nope"), true, true).await,
            Err(StoreError::NotFound)
        ));
    }
}
