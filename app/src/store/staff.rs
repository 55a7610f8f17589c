//! Staff: the team members who answer from the dashboard.

// `Value` is named by the derive's flatten code.
use surrealdb::types::{SurrealValue, Value};

use super::changes::Scope;
use super::error::is_duplicate_in;
use super::ids::Record;
use super::secrets::hash_password;
use super::{Store, StoreError};
use crate::ids::{LocationId, StaffId};
use crate::text::sender_display_name;

#[derive(Debug, Clone, PartialEq, SurrealValue)]
pub struct StaffRecord {
    pub id: StaffId,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    #[surreal(rename = "locations")]
    pub location_ids: Vec<LocationId>,
    /// The argon2id PHC string; never leaves the server.
    pub password_hash: String,
    #[surreal(flatten)]
    pub alerts: StaffAlerts,
}

/// How a staff member wants to hear of customer messages: their own choice, off until made.
#[derive(Debug, Clone, Copy, Default, PartialEq, SurrealValue)]
pub struct StaffAlerts {
    /// A desktop notification when a customer writes and the dashboard is not in front of them.
    #[surreal(rename = "alert_desktop")]
    pub desktop: bool,
    /// A short sound with it.
    #[surreal(rename = "alert_sound")]
    pub sound: bool,
    /// An email when a customer message waits unread at one of their locations.
    #[surreal(rename = "alert_email")]
    pub email: bool,
}

impl StaffRecord {
    /// How their replies are signed: "First Last", or "Support".
    pub fn display_name(&self) -> String {
        sender_display_name(self.first_name.as_deref(), self.last_name.as_deref())
    }

    /// What colleagues call them: "Jon is replying…" (their signature when they have no first name).
    pub fn short_name(&self) -> String {
        sender_display_name(self.first_name.as_deref(), None)
    }
}

/// What it takes to add a staff member.
pub struct NewStaff<'a> {
    pub email: &'a str,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub password: &'a str,
    pub location_ids: &'a [LocationId],
}

/// Emails are compared case-insensitively, so they are stored lowercased and trimmed.
fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Store {
    pub async fn create_staff(&self, new: NewStaff<'_>) -> Result<StaffRecord, StoreError> {
        let email = normalize_email(new.email);
        if !email.contains('@') {
            return Err(StoreError::Invalid(format!("{:?} is not an email address", new.email)));
        }
        let locations = new.location_ids.to_vec();
        let hash = hash_password(new.password).await;
        let sql = "CREATE ONLY staff CONTENT { email: $email, first_name: $first, last_name: $last, \
                   password_hash: $hash, locations: $locations }";
        // Sessions are kept with their staff member.
        let result = self
            .write(&[Scope::Anything], sql, |q| {
                q.bind(("email", email))
                    .bind(("first", new.first_name.map(str::to_owned)))
                    .bind(("last", new.last_name.map(str::to_owned)))
                    .bind(("hash", hash))
                    .bind(("locations", locations))
            })
            .await?
            .take::<Option<StaffRecord>>(0);
        match result {
            Ok(row) => row.ok_or(StoreError::NotFound),
            Err(err) if is_duplicate_in(&err, "staff_email") => {
                Err(StoreError::Invalid("a staff member with that email already exists".into()))
            }
            Err(err) => Err(err.into()),
        }
    }

    pub async fn staff_by_email(&self, email: &str) -> Result<Option<StaffRecord>, StoreError> {
        let mut response = self
            .db
            .read("SELECT * FROM staff WHERE email = $email LIMIT 1")
            .bind(("email", normalize_email(email)))
            .await?;
        Ok(response.take(0)?)
    }

    /// Saves a staff member's alerts.
    pub async fn set_staff_alerts(&self, id: &StaffId, alerts: StaffAlerts) -> Result<StaffRecord, StoreError> {
        let sql =
            "UPDATE ONLY $id SET alert_desktop = $desktop, alert_sound = $sound, alert_email = $email RETURN AFTER";
        // Sessions are kept with their staff member.
        let row: Option<StaffRecord> = self
            .write(&[Scope::Anything], sql, |q| {
                q.bind(("id", id.record()))
                    .bind(("desktop", alerts.desktop))
                    .bind(("sound", alerts.sound))
                    .bind(("email", alerts.email))
            })
            .await?
            .take(0)?;
        row.ok_or(StoreError::NotFound)
    }

    pub async fn staff(&self, id: &StaffId) -> Result<StaffRecord, StoreError> {
        let mut response = self.db.read("SELECT * FROM ONLY $id").bind(("id", id.record())).await?;
        let row: Option<StaffRecord> = response.take(0)?;
        row.ok_or(StoreError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::secrets::password_matches;

    #[tokio::test]
    async fn create_and_find_staff() {
        let store = Store::open_in_memory().await.unwrap();
        let loc = store.create_location("Harbour", "UTC").await.unwrap();
        let locations = vec![loc.id.clone()];
        let maya = store
            .create_staff(NewStaff {
                email: " Maya@Example.com ",
                first_name: Some("Maya"),
                last_name: Some("Lind"),
                password: "pw-maya",
                location_ids: &locations,
            })
            .await
            .unwrap();
        assert_eq!(maya.email, "maya@example.com");
        assert_eq!(maya.display_name(), "Maya Lind");
        assert!(maya.reach().covers(&loc.id));
        assert!(password_matches("pw-maya", &maya.password_hash).await);
        assert_ne!(maya.password_hash, "pw-maya");

        let found = store.staff_by_email("MAYA@example.com").await.unwrap().unwrap();
        assert_eq!(found, maya);
        assert_eq!(store.staff(&maya.id).await.unwrap(), maya);
        assert!(store.staff_by_email("nobody@example.com").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn emails_are_unique_and_nameless_staff_sign_as_support() {
        let store = Store::open_in_memory().await.unwrap();
        let new = || NewStaff {
            email: "desk@example.com",
            first_name: None,
            last_name: None,
            password: "pw",
            location_ids: &[],
        };
        let desk = store.create_staff(new()).await.unwrap();
        assert_eq!(desk.display_name(), "Support");
        assert_eq!(desk.alerts, StaffAlerts::default(), "no alerts until chosen");
        let alerts = StaffAlerts { desktop: true, sound: false, email: true };
        assert_eq!(store.set_staff_alerts(&desk.id, alerts).await.unwrap().alerts, alerts);
        assert_eq!(store.staff(&desk.id).await.unwrap().alerts, alerts);
        assert!(matches!(store.create_staff(new()).await, Err(StoreError::Invalid(_))));
    }
}
