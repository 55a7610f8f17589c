//! Staff sessions (only the cookie token's hash is stored) and the sign-in throttle.

use chrono::{DateTime, Duration, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::changes::Scope;
use super::ids::{key, record};
use super::retry::retrying;
use super::staff::Staff;
use super::{Store, StoreError};
use crate::auth::tokens::token_hash;

/// How many failed sign-ins an email may have within `THROTTLE_WINDOW` before further tries wait.
pub const MAX_FAILED_LOGINS: i64 = 5;
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);

/// A signed-in staff member and the location their dashboard shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub staff: Staff,
    pub location_id: Option<String>,
    pub expires_at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct SessionRow {
    staff: RecordId,
    location: Option<RecordId>,
    expires_at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct ThrottleRow {
    failures: i64,
    window_start: DateTime<Utc>,
}

/// The throttle's record for an email: keyed by a hash, so the table lists no addresses.
fn throttle_record(email: &str) -> RecordId {
    record("login_throttle", &token_hash(&email.trim().to_lowercase()))
}

impl Store {
    /// Stores a new session for `token` (its hash only), valid until `expires_at`.
    pub async fn create_session(
        &self,
        staff_id: &str,
        token: &str,
        location_id: Option<&str>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.db
            .query(
                "CREATE session CONTENT { staff: $staff, token_hash: $hash, location: $location,
                     created_at: time::now(), expires_at: $expires }",
            )
            .bind(("staff", record("staff", staff_id)))
            .bind(("hash", token_hash(token)))
            .bind(("location", location_id.map(|l| record("location", l))))
            .bind(("expires", expires_at))
            .await?
            .check()?;
        Ok(())
    }

    /// The session a cookie token opens, if it exists and has not expired.
    pub async fn session(&self, token: &str, now: DateTime<Utc>) -> Result<Option<Session>, StoreError> {
        let hash = token_hash(token);
        let load = || self.read_session(&hash, now);
        let session = self
            .remembered(
                |c| &c.sessions,
                &hash,
                load,
                |clock, reading, session: &Option<Session>| {
                    session.as_ref()?;
                    clock.finish_read(reading, &[Scope::Session(&hash)])
                },
            )
            .await?;
        // A kept session still ends on time.
        Ok(session.filter(|s| s.expires_at > now))
    }

    async fn read_session(&self, hash: &str, now: DateTime<Utc>) -> Result<Option<Session>, StoreError> {
        let mut response = self
            .db
            .query("SELECT staff, location, expires_at FROM session WHERE token_hash = $hash AND expires_at > $now LIMIT 1")
            .bind(("hash", hash.to_owned()))
            .bind(("now", now))
            .await?;
        let Some(row) = response.take::<Option<SessionRow>>(0)? else {
            return Ok(None);
        };
        let staff = match self.staff(&key(&row.staff)).await {
            Ok(staff) => staff,
            Err(StoreError::NotFound) => return Ok(None),
            Err(err) => return Err(err),
        };
        Ok(Some(Session { staff, location_id: row.location.as_ref().map(key), expires_at: row.expires_at }))
    }

    /// Points a session at another location.
    pub async fn set_session_location(&self, token: &str, location_id: &str) -> Result<(), StoreError> {
        let hash = token_hash(token);
        let update = self
            .db
            .query("UPDATE session SET location = $location WHERE token_hash = $hash")
            .bind(("hash", hash.clone()))
            .bind(("location", record("location", location_id)));
        self.changing(&[Scope::Session(&hash)], update).await?.check()?;
        Ok(())
    }

    /// Ends a session (log out).
    pub async fn delete_session(&self, token: &str) -> Result<(), StoreError> {
        let hash = token_hash(token);
        let delete = self.db.query("DELETE session WHERE token_hash = $hash").bind(("hash", hash.clone()));
        self.changing(&[Scope::Session(&hash)], delete).await?.check()?;
        Ok(())
    }

    /// Whether sign-in for this email is paused after too many failures.
    pub async fn login_throttled(&self, email: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut response = self.db.query("SELECT * FROM ONLY $id").bind(("id", throttle_record(email))).await?;
        let row: Option<ThrottleRow> = response.take(0)?;
        Ok(row.is_some_and(|r| r.failures >= MAX_FAILED_LOGINS && now - r.window_start < THROTTLE_WINDOW))
    }

    /// Counts a failed sign-in; a window older than `THROTTLE_WINDOW` starts over.
    pub async fn record_failed_login(&self, email: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        let id = throttle_record(email);
        retrying(|| async {
            self.db
                .query(
                    "UPSERT ONLY $id SET
                         failures = IF window_start = NONE OR $now - window_start > $window { 1 } ELSE { failures + 1 },
                         window_start = IF window_start = NONE OR $now - window_start > $window { $now } ELSE { window_start };",
                )
                .bind(("id", id.clone()))
                .bind(("now", now))
                .bind(("window", std::time::Duration::from_secs(THROTTLE_WINDOW.num_seconds() as u64)))
                .await?
                .check()?;
            Ok(())
        })
        .await
    }

    /// A successful sign-in clears the count.
    pub async fn clear_failed_logins(&self, email: &str) -> Result<(), StoreError> {
        self.db.query("DELETE $id").bind(("id", throttle_record(email))).await?.check()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::tokens::new_token;
    use crate::store::staff::NewStaff;

    async fn staff(store: &Store) -> Staff {
        store
            .create_staff(NewStaff {
                email: "s@example.com",
                first_name: Some("S"),
                last_name: None,
                password: "pw",
                location_ids: &[],
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn sessions_open_until_they_expire_or_end() {
        let store = Store::open_in_memory().await.unwrap();
        let staff = staff(&store).await;
        let location = store.create_location("Harbour", "UTC").await.unwrap();
        let token = new_token();
        let now = Utc::now();
        store.create_session(&staff.id, &token, None, now + Duration::hours(1)).await.unwrap();

        let session = store.session(&token, now).await.unwrap().expect("open");
        assert_eq!(session.staff.id, staff.id);
        assert_eq!(session.location_id, None);
        store.set_session_location(&token, &location.id).await.unwrap();
        assert_eq!(store.session(&token, now).await.unwrap().unwrap().location_id, Some(location.id));

        assert!(store.session(&token, now + Duration::hours(2)).await.unwrap().is_none(), "expired");
        assert!(store.session(&new_token(), now).await.unwrap().is_none(), "unknown token");
        let mut r = store.db.query("SELECT VALUE token_hash FROM session").await.unwrap();
        assert_eq!(r.take::<Vec<String>>(0).unwrap(), vec![token_hash(&token)], "only the hash is kept");

        store.delete_session(&token).await.unwrap();
        assert!(store.session(&token, now).await.unwrap().is_none(), "logged out");
    }

    #[tokio::test]
    async fn failed_logins_throttle_then_reset() {
        let store = Store::open_in_memory().await.unwrap();
        let now = Utc::now();
        for _ in 0..MAX_FAILED_LOGINS - 1 {
            store.record_failed_login("Who@Example.com", now).await.unwrap();
        }
        assert!(!store.login_throttled("who@example.com", now).await.unwrap());
        store.record_failed_login("who@example.com", now).await.unwrap();
        assert!(store.login_throttled("who@example.com", now).await.unwrap());
        assert!(!store.login_throttled("other@example.com", now).await.unwrap(), "per email");
        let later = now + THROTTLE_WINDOW + Duration::seconds(1);
        assert!(!store.login_throttled("who@example.com", later).await.unwrap(), "the window passes");
        store.record_failed_login("who@example.com", later).await.unwrap();
        assert!(!store.login_throttled("who@example.com", later).await.unwrap(), "a new window starts at one");
        store.clear_failed_logins("who@example.com").await.unwrap();
        assert!(!store.login_throttled("who@example.com", now).await.unwrap());
    }
}
