//! Signing in: the password check and the throttle in front of it. Each attempt is counted before
//! its password is checked, in the same statement that decides whether it may be checked at all,
//! so concurrent guesses cannot all slip through a check made before any of them was counted.

use chrono::{DateTime, Duration, Utc};
use surrealdb::types::{RecordId, SurrealValue};
use tokio::sync::OnceCell;

use super::changes::Scope;
use super::ids::record;
use super::retry::retrying;
use super::secrets::{hash_password, new_token, password_matches, token_hash};
use super::staff::StaffRecord;
use super::{Store, StoreError};

/// How many sign-in attempts an email may make within `THROTTLE_WINDOW` without a success.
pub const MAX_FAILED_LOGINS: i64 = 5;
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);

/// How an attempt to sign in ended.
#[derive(Debug, Clone, PartialEq)]
pub enum SignIn {
    Staff(StaffRecord),
    /// A wrong email and a wrong password look the same.
    WrongCredentials,
    /// Too many attempts for this email lately; the password was not checked.
    Throttled,
}

#[derive(SurrealValue)]
struct AttemptRecord {
    failures: i64,
}

/// The throttle's record for an email: keyed by a hash, so the table lists no addresses.
fn throttle_record(email: &str) -> RecordId {
    record("login_throttle", &token_hash(&email.trim().to_lowercase()))
}

/// Checked when the email is unknown, so that case takes as long as a wrong password.
static DECOY_HASH: OnceCell<String> = OnceCell::const_new();

impl Store {
    /// Checks an email and password, unless this email has had too many attempts lately.
    pub async fn sign_in(&self, email: &str, password: &str, now: DateTime<Utc>) -> Result<SignIn, StoreError> {
        if !self.count_sign_in_attempt(email, now).await? {
            return Ok(SignIn::Throttled);
        }
        let staff = self.staff_by_email(email).await?;
        let stored = match &staff {
            Some(s) => s.password_hash.clone(),
            None => DECOY_HASH.get_or_init(|| async { hash_password(&new_token()).await }).await.clone(),
        };
        let matches = password_matches(password, &stored).await;
        match staff {
            Some(staff) if matches => {
                self.write(&[Scope::Table("login_throttle")], "DELETE $id", |q| q.bind(("id", throttle_record(email))))
                    .await?
                    .check()?;
                Ok(SignIn::Staff(staff))
            }
            _ => Ok(SignIn::WrongCredentials),
        }
    }

    /// Counts an attempt for `email` and says whether it may go on to the password check: the
    /// attempts in the current window, this one included, are at most `MAX_FAILED_LOGINS`. A
    /// window older than `THROTTLE_WINDOW` starts over; a success removes the count.
    async fn count_sign_in_attempt(&self, email: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let id = throttle_record(email);
        let window = std::time::Duration::from_secs(THROTTLE_WINDOW.num_seconds() as u64);
        let counted: AttemptRecord = retrying(|| async {
            // Compared, not subtracted: a concurrent attempt's `now` may be a moment before the
            // window's start, and a negative duration is an error in SurrealQL.
            let sql = "UPSERT ONLY $id SET
                           failures = IF window_start = NONE OR window_start + $window < $now { 1 } ELSE { failures + 1 },
                           window_start = IF window_start = NONE OR window_start + $window < $now { $now } ELSE { window_start }
                       RETURN failures";
            let row: Option<AttemptRecord> = self
                .write(&[Scope::Table("login_throttle")], sql, |q| {
                    q.bind(("id", id.clone())).bind(("now", now)).bind(("window", window))
                })
                .await?
                .take(0)?;
            row.ok_or(StoreError::NotFound)
        })
        .await?;
        Ok(counted.failures <= MAX_FAILED_LOGINS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::staff::NewStaff;

    async fn with_staff() -> Store {
        let store = Store::open_in_memory().await.unwrap();
        let new = NewStaff {
            email: "who@example.com",
            first_name: None,
            last_name: None,
            password: "right",
            location_ids: &[],
        };
        store.create_staff(new).await.unwrap();
        store
    }

    #[tokio::test]
    async fn the_right_password_signs_in_and_clears_the_count() {
        let store = with_staff().await;
        let now = Utc::now();
        assert_eq!(store.sign_in("who@example.com", "wrong", now).await.unwrap(), SignIn::WrongCredentials);
        assert_eq!(store.sign_in("nobody@example.com", "right", now).await.unwrap(), SignIn::WrongCredentials);
        for _ in 0..MAX_FAILED_LOGINS - 2 {
            store.sign_in("Who@Example.com", "wrong", now).await.unwrap();
        }
        let SignIn::Staff(staff) = store.sign_in("who@example.com", "right", now).await.unwrap() else {
            panic!("the fifth attempt, with the right password, signs in");
        };
        assert_eq!(staff.email, "who@example.com");
        for _ in 0..MAX_FAILED_LOGINS {
            assert_eq!(store.sign_in("who@example.com", "wrong", now).await.unwrap(), SignIn::WrongCredentials);
        }
    }

    #[tokio::test]
    async fn too_many_attempts_wait_for_the_window_to_pass() {
        let store = with_staff().await;
        let now = Utc::now();
        for _ in 0..MAX_FAILED_LOGINS {
            assert_eq!(store.sign_in("who@example.com", "guess", now).await.unwrap(), SignIn::WrongCredentials);
        }
        assert_eq!(store.sign_in("who@example.com", "right", now).await.unwrap(), SignIn::Throttled);
        assert_eq!(
            store.sign_in("other@example.com", "guess", now).await.unwrap(),
            SignIn::WrongCredentials,
            "per email"
        );
        let later = now + THROTTLE_WINDOW + Duration::seconds(1);
        assert!(matches!(store.sign_in("who@example.com", "right", later).await.unwrap(), SignIn::Staff(_)));
    }

    /// Twenty wrong passwords for one email at the same moment: each is counted before it is
    /// checked, so exactly the limit reach the password check and the rest are refused unchecked.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_guesses_get_at_most_the_limit_of_password_checks() {
        let store = with_staff().await;
        let now = Utc::now();
        let guesses: Vec<_> = (0..20)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move { store.sign_in("who@example.com", &format!("guess-{n}"), now).await.unwrap() })
            })
            .collect();
        let mut checked = 0;
        for guess in guesses {
            match guess.await.unwrap() {
                SignIn::WrongCredentials => checked += 1,
                SignIn::Throttled => {}
                SignIn::Staff(_) => panic!("a wrong password signed in"),
            }
        }
        assert_eq!(checked, MAX_FAILED_LOGINS, "password checks among 20 concurrent guesses");
    }
}
