//! Staff sessions: only the hash of a session's token is stored.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::changes::{stamps_of, Scope};
use super::ids::Record;
use super::reach::Reach;
use super::read_cache::Guard;
use super::secrets::{new_token, token_hash};
use super::staff::StaffRecord;
use super::{Store, StoreError};
use crate::ids::{LocationId, StaffId};

/// A signed-in staff member and the location their dashboard shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub staff: StaffRecord,
    pub location_id: Option<LocationId>,
    pub expires_at: DateTime<Utc>,
}

/// A session with its staff member read along the link (none if the staff member is gone).
#[derive(SurrealValue)]
struct SessionRecord {
    staff: Option<StaffRecord>,
    location: Option<LocationId>,
    expires_at: DateTime<Utc>,
}

impl Store {
    /// Starts a session valid until `expires_at` and returns its token, of which only the hash is kept.
    pub async fn create_session(
        &self,
        staff_id: &StaffId,
        location_id: Option<&LocationId>,
        expires_at: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let token = new_token();
        let hash = token_hash(&token);
        let sql = "CREATE session CONTENT { staff: $staff, token_hash: $hash, location: $location,
                       created_at: time::now(), expires_at: $expires }";
        self.write(&[Scope::Session(&hash)], sql, |q| {
            q.bind(("staff", staff_id.record()))
                .bind(("hash", hash.clone()))
                .bind(("location", location_id.map(Record::record)))
                .bind(("expires", expires_at))
        })
        .await?
        .check()?;
        Ok(token)
    }

    /// The session a cookie token opens, if it exists and has not expired.
    pub async fn session(&self, token: &str, now: DateTime<Utc>) -> Result<Option<Session>, StoreError> {
        let hash = token_hash(token);
        let load = || self.read_session(&hash, now);
        let session = self
            .remembered_by(
                |c| &c.sessions,
                &hash,
                load,
                |session: &Option<Session>| {
                    // A dashboard's request reads its location next.
                    let ahead = session.as_ref()?.location_id.as_ref().map(|l| stamps_of(&[Scope::Location(l)]));
                    Some(Guard { rows: stamps_of(&[Scope::Session(&hash)]), ahead: ahead.unwrap_or_default() })
                },
            )
            .await?;
        // A kept session still ends on time.
        Ok(session.filter(|s| s.expires_at > now))
    }

    async fn read_session(&self, hash: &str, now: DateTime<Utc>) -> Result<Option<Session>, StoreError> {
        let mut response = self
            .db
            .read(
                "SELECT staff.* AS staff, location, expires_at FROM session
                 WHERE token_hash = $hash AND expires_at > $now LIMIT 1",
            )
            .bind(("hash", hash.to_owned()))
            .bind(("now", now))
            .await?;
        let row: Option<SessionRecord> = response.take(0)?;
        Ok(row
            .and_then(|row| Some(Session { staff: row.staff?, location_id: row.location, expires_at: row.expires_at })))
    }

    /// Points a session at another location within its staff member's reach.
    pub async fn set_session_location(
        &self,
        token: &str,
        reach: Reach<'_>,
        location_id: &LocationId,
    ) -> Result<(), StoreError> {
        if !reach.covers(location_id) {
            return Err(StoreError::NotFound);
        }
        let hash = token_hash(token);
        let sql = "UPDATE session SET location = $location WHERE token_hash = $hash";
        self.write(&[Scope::Session(&hash)], sql, |q| {
            q.bind(("hash", hash.clone())).bind(("location", location_id.record()))
        })
        .await?
        .check()?;
        Ok(())
    }

    /// Ends a session (log out).
    pub async fn delete_session(&self, token: &str) -> Result<(), StoreError> {
        let hash = token_hash(token);
        self.write(&[Scope::Session(&hash)], "DELETE session WHERE token_hash = $hash", |q| {
            q.bind(("hash", hash.clone()))
        })
        .await?
        .check()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::store::staff::NewStaff;

    async fn staff(store: &Store) -> StaffRecord {
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
        let now = Utc::now();
        let token = store.create_session(&staff.id, None, now + Duration::hours(1)).await.unwrap();

        let session = store.session(&token, now).await.unwrap().expect("open");
        assert_eq!(session.staff.id, staff.id);
        assert_eq!(session.location_id, None);
        let elsewhere = store.create_location("Elsewhere", "UTC").await.unwrap();
        let reach = [location.id.clone()];
        let staff_here = StaffRecord { location_ids: reach.to_vec(), ..staff.clone() };
        assert!(matches!(
            store.set_session_location(&token, staff_here.reach(), &elsewhere.id).await,
            Err(StoreError::NotFound)
        ));
        store.set_session_location(&token, staff_here.reach(), &location.id).await.unwrap();
        assert_eq!(store.session(&token, now).await.unwrap().unwrap().location_id, Some(location.id));

        assert!(store.session(&token, now + Duration::hours(2)).await.unwrap().is_none(), "expired");
        assert!(store.session(&new_token(), now).await.unwrap().is_none(), "unknown token");
        let mut r = store.db.read("SELECT VALUE token_hash FROM session").await.unwrap();
        assert_eq!(r.take::<Vec<String>>(0).unwrap(), vec![token_hash(&token)], "only the hash is kept");

        store.delete_session(&token).await.unwrap();
        assert!(store.session(&token, now).await.unwrap().is_none(), "logged out");
    }
}
