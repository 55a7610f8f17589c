//! Deciding the emails that are due: one transaction per thread clears its due time and writes
//! the email rows, so however many servers scan at once, a stretch gets its emails exactly once.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::super::changes::Scope;
use super::super::error::{first_cause, is_conflict};
use super::super::ids::Record;
use super::super::{Store, StoreError};
use crate::ids::{LocationId, ThreadId};

/// A thread whose email is due.
#[derive(SurrealValue)]
struct DueRecord {
    id: ThreadId,
    location: LocationId,
    due: DateTime<Utc>,
}

/// The customer, if the booking's emails are on, they gave an address and the portal the email
/// links to is open.
const CUSTOMER_EMAIL: &str = "
    IF $t.booking.emails_off_at = NONE AND string::len($t.booking.customer.email ?? '') > 0
        AND $t.location.portal_enabled = true {
        CREATE email CONTENT { kind: 'customer_reply', thread: $thread, location: $t.location,
            recipient: $t.booking.customer.email, after_seq: $t.customer_read_seq, through_seq: $t.last_seq,
            status: 'pending', next_attempt_at: $now, created_at: $now, updated_at: $now };
    };";

/// Each staff member of the location who chose these emails.
const TEAM_EMAIL: &str = "
    FOR $s IN (SELECT id, email FROM staff WHERE alert_email = true AND locations CONTAINS $t.location) {
        CREATE email CONTENT { kind: 'team_waiting', thread: $thread, location: $t.location, staff: $s.id,
            recipient: $s.email, after_seq: $t.operator_read_seq, through_seq: $t.last_seq,
            status: 'pending', next_attempt_at: $now, created_at: $now, updated_at: $now };
    };";

impl Store {
    /// Decides the emails due at `now` (up to `limit` threads of each kind). Returns how many
    /// unread stretches were handled, whether or not anyone was to be emailed about them.
    pub async fn decide_due_emails(&self, now: DateTime<Utc>, limit: usize) -> Result<usize, StoreError> {
        let mut handled = 0;
        for (due_field, emails) in [("customer_email_due", CUSTOMER_EMAIL), ("team_email_due", TEAM_EMAIL)] {
            // The lower bound keeps the threads without a due time (NONE sorts first) out of the
            // index range.
            let due: Vec<DueRecord> = self
                .db
                .read(format!(
                    "SELECT id, location, {due_field} AS due FROM thread
                     WHERE {due_field} > $epoch AND {due_field} <= $now LIMIT $limit"
                ))
                .bind(("epoch", DateTime::UNIX_EPOCH))
                .bind(("now", now))
                .bind(("limit", limit as i64))
                .await?
                .take(0)?;
            for thread in &due {
                let sql = format!(
                    "BEGIN TRANSACTION;
                     LET $t = (UPDATE ONLY $thread SET {due_field} = NONE WHERE {due_field} = $due RETURN BEFORE);
                     IF $t = NONE {{ THROW 'already decided' }};
                     {emails}
                     COMMIT TRANSACTION;"
                );
                let changes = [Scope::Booking(&thread.id), Scope::Location(&thread.location), Scope::Table("email")];
                let response = self
                    .write(&changes, sql, |q| {
                        q.bind(("thread", thread.id.record())).bind(("due", thread.due)).bind(("now", now))
                    })
                    .await?;
                match first_cause(response) {
                    Ok(_) => handled += 1,
                    // Another server decided it, or the customer read it meanwhile.
                    Err(err) if err.is_thrown() || is_conflict(&err) => {}
                    Err(err) => return Err(err.into()),
                }
            }
        }
        Ok(handled)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration as StdDuration;

    use tokio::task::JoinSet;

    use super::*;
    use crate::model::SenderType;
    use crate::store::bookings::tests::{another_booking, booking_fixture};
    use crate::store::emails::{EmailKind, EmailRecord, EmailStatus};
    use crate::store::locations::LocationSettings;
    use crate::store::staff::{NewStaff, StaffAlerts};
    use crate::store::test_support::{at, backends, say, thread_fixture};

    async fn emails(store: &Store, thread: &ThreadId) -> Vec<EmailRecord> {
        store.thread_emails(thread).await.unwrap()
    }

    #[tokio::test]
    async fn a_reply_left_unread_past_the_delay_brings_one_email_per_unread_stretch() {
        for (backend, store, _dir) in backends().await {
            let (booking, thread) = thread_fixture(&store, "MAIL01-0001").await;
            let thread = &thread.id;
            say(&store, thread, SenderType::Customer, "Hello", &[], 0).await;
            say(&store, thread, SenderType::Operator, "Hello", &[], 1).await;
            assert_eq!(store.decide_due_emails(at(10), 10).await.unwrap(), 0, "{backend}: nine minutes is not ten");
            assert_eq!(store.decide_due_emails(at(11), 10).await.unwrap(), 1, "{backend}");
            let sent = emails(&store, thread).await;
            assert_eq!(sent.len(), 1, "{backend}");
            let email = &sent[0];
            assert_eq!(
                (email.kind, email.status, email.recipient.as_str()),
                (EmailKind::CustomerReply, EmailStatus::Pending, "ana@example.com")
            );
            assert_eq!((email.after_seq, email.through_seq, email.next_attempt_at), (1, 2, at(11)), "{backend}");
            assert_eq!(email.location_id, booking.location_id);

            // More replies in the same unread stretch: no more email.
            say(&store, thread, SenderType::Operator, "Hello", &[], 12).await;
            assert_eq!(store.decide_due_emails(at(60), 10).await.unwrap(), 0, "{backend}");
            // Read, then a new reply: a new stretch, a new email.
            store.mark_read(thread, SenderType::Customer, at(61)).await.unwrap();
            say(&store, thread, SenderType::Operator, "Hello", &[], 70).await;
            assert_eq!(store.decide_due_emails(at(80), 10).await.unwrap(), 1, "{backend}");
            let sent = emails(&store, thread).await;
            assert_eq!(sent.len(), 2, "{backend}");
            assert_eq!((sent[1].after_seq, sent[1].through_seq), (3, 4), "{backend}: only what came after the read");
        }
    }

    #[tokio::test]
    async fn a_reply_read_before_the_delay_brings_none() {
        let store = Store::open_in_memory().await.unwrap();
        let (_, thread) = thread_fixture(&store, "MAIL02-0001").await;
        say(&store, &thread.id, SenderType::Operator, "Hello", &[], 0).await;
        store.mark_read(&thread.id, SenderType::Customer, at(5)).await.unwrap();
        assert_eq!(store.decide_due_emails(at(60), 10).await.unwrap(), 0);
        // The customer writing back reads the reply too.
        say(&store, &thread.id, SenderType::Operator, "Hello", &[], 61).await;
        say(&store, &thread.id, SenderType::Customer, "Hello", &[], 62).await;
        assert_eq!(store.decide_due_emails(at(75), 10).await.unwrap(), 0);
        assert!(emails(&store, &thread.id).await.is_empty());
    }

    #[tokio::test]
    async fn no_customer_email_when_the_location_turned_them_off_or_the_customer_did() {
        let store = Store::open_in_memory().await.unwrap();
        let (location, customer, booking) = booking_fixture(&store, "MAIL03-0001").await;
        let (thread, _) = store.get_or_create_thread(&booking.id, at(0)).await.unwrap();
        store.set_customer_emails(&booking.id, false, at(0)).await.unwrap();
        say(&store, &thread.id, SenderType::Operator, "Hello", &[], 0).await;
        assert_eq!(store.decide_due_emails(at(30), 10).await.unwrap(), 1, "decided: nobody to email");
        assert!(emails(&store, &thread.id).await.is_empty());

        let off = LocationSettings { customer_email_delay: None, ..location.settings() };
        store.set_location_settings(&location.id, off).await.unwrap();
        let other = another_booking(&store, &location, &customer, "MAIL03-0002").await;
        let (thread, _) = store.get_or_create_thread(&other.id, at(0)).await.unwrap();
        say(&store, &thread.id, SenderType::Operator, "Hello", &[], 0).await;
        assert_eq!(store.decide_due_emails(at(600), 10).await.unwrap(), 0, "nothing is ever due");
        assert!(emails(&store, &thread.id).await.is_empty());
    }

    #[tokio::test]
    async fn team_emails_go_to_the_staff_of_that_location_who_chose_them() {
        let store = Store::open_in_memory().await.unwrap();
        let (location, _, booking) = booking_fixture(&store, "MAIL04-0001").await;
        let elsewhere = store.create_location("Elsewhere", "UTC").await.unwrap();
        let here = [location.id.clone()];
        let there = [elsewhere.id.clone()];
        let mut staff = Vec::new();
        for (email, locations, wants) in [
            ("a@example.com", &here[..], true),
            ("b@example.com", &here[..], false),
            ("c@example.com", &there[..], true),
        ] {
            let new = NewStaff { email, first_name: None, last_name: None, password: "pw", location_ids: locations };
            let member = store.create_staff(new).await.unwrap();
            store.set_staff_alerts(&member.id, StaffAlerts { email: wants, ..StaffAlerts::default() }).await.unwrap();
            staff.push(member);
        }
        let (thread, _) = store.get_or_create_thread(&booking.id, at(0)).await.unwrap();
        say(&store, &thread.id, SenderType::Customer, "Hello", &[], 0).await;
        say(&store, &thread.id, SenderType::Customer, "Hello", &[], 3).await;
        assert_eq!(store.decide_due_emails(at(14), 10).await.unwrap(), 0, "fifteen minutes from the first");
        assert_eq!(store.decide_due_emails(at(15), 10).await.unwrap(), 1);
        let sent = emails(&store, &thread.id).await;
        assert_eq!(sent.len(), 1);
        assert_eq!((sent[0].kind, sent[0].recipient.as_str()), (EmailKind::TeamWaiting, "a@example.com"));
        assert_eq!((sent[0].staff_id.as_ref(), sent[0].after_seq, sent[0].through_seq), (Some(&staff[0].id), 0, 2));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn deciders_running_at_once_make_each_email_once() {
        for (backend, store, _dir) in backends().await {
            let (location, customer, _) = booking_fixture(&store, "MAIL05-0000").await;
            let mut threads = Vec::new();
            for n in 0..10 {
                let booking = another_booking(&store, &location, &customer, &format!("MAIL05-{:04}", n + 1)).await;
                let (thread, _) = store.get_or_create_thread(&booking.id, at(0)).await.unwrap();
                say(&store, &thread.id, SenderType::Operator, "Hello", &[], 0).await;
                threads.push(thread.id);
            }
            let mut deciders = JoinSet::new();
            for _ in 0..8 {
                let store = store.clone();
                deciders.spawn(async move { store.decide_due_emails(at(30), 100).await.unwrap() });
            }
            let mut handled = 0;
            while let Some(n) = deciders.join_next().await {
                handled += n.unwrap();
            }
            assert_eq!(handled, 10, "{backend}");
            for thread in &threads {
                assert_eq!(emails(&store, thread).await.len(), 1, "{backend}");
            }
        }
    }

    #[tokio::test]
    async fn the_due_scan_uses_its_index() {
        let store = Store::open_in_memory().await.unwrap();
        let delay = StdDuration::from_secs(600);
        let (location, _, _) = booking_fixture(&store, "MAIL06-0001").await;
        assert_eq!(location.customer_email_delay, Some(delay));
        for field in ["customer_email_due", "team_email_due"] {
            let plan: surrealdb::types::Value = store
                .db
                .read(format!("EXPLAIN SELECT id FROM thread WHERE {field} > $epoch AND {field} <= $now LIMIT 10"))
                .bind(("epoch", DateTime::UNIX_EPOCH))
                .bind(("now", at(0)))
                .await
                .unwrap()
                .take(0)
                .unwrap();
            let plan = format!("{plan:?}");
            assert!(plan.contains(&format!("thread_{field}")) && !plan.contains("TableScan"), "{plan}");
        }
    }
}
