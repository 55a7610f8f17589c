//! The queries a poll runs every 7.5 s must use an index, never scan a table: checked with
//! EXPLAIN against the real schema.

#[cfg(test)]
mod tests {
    use crate::ids::{LocationId, ThreadId};
    use crate::store::seed::{seed_demo, DEMO_PORTAL_TOKEN};
    use crate::store::Store;

    /// The plan SurrealDB chooses for `sql` (with `$params` bound), as text.
    async fn plan(store: &Store, sql: &str, location: &LocationId, thread: &ThreadId) -> String {
        let mut response = store
            .db
            .read(format!("EXPLAIN {sql}"))
            .bind(("location", location.clone()))
            .bind(("thread", thread.clone()))
            .bind(("hash", "0".repeat(64)))
            .bind(("after", 3i64))
            .bind(("since", chrono::Utc::now()))
            .await
            .unwrap();
        let value: surrealdb::types::Value = response.take(0).unwrap();
        format!("{value:?}")
    }

    #[tokio::test]
    async fn poll_queries_use_indexes() {
        let store = Store::open_in_memory().await.unwrap();
        seed_demo(&store).await.unwrap();
        let access = store.portal_access(DEMO_PORTAL_TOKEN).await.unwrap().unwrap();
        let (location, thread) = (access.location.id, ThreadId::of(&access.booking.id));
        for (what, sql, index) in [
            (
                "portal token",
                "SELECT * FROM portal_link WHERE token_hash = $hash AND revoked_at = NONE LIMIT 1",
                "portal_link_token",
            ),
            ("session token", "SELECT * FROM session WHERE token_hash = $hash LIMIT 1", "session_token"),
            (
                "new messages",
                "SELECT * FROM message WHERE thread = $thread AND seq > $after ORDER BY seq LIMIT 100",
                "message_seq",
            ),
            (
                "inbox changes",
                "SELECT * FROM thread WHERE location = $location AND updated_at > $since ORDER BY updated_at LIMIT 200",
                "thread_changes",
            ),
            (
                "inbox page",
                "SELECT * FROM thread WHERE location = $location ORDER BY inbox_rank, id LIMIT 31",
                "thread_inbox_rank",
            ),
            ("client id", "SELECT * FROM message WHERE thread = $thread AND client_id = 'x' LIMIT 1", "message_client"),
        ] {
            let plan = plan(&store, sql, &location, &thread).await;
            assert!(plan.contains(index), "{what}: expected an index scan on {index}, got {plan}");
            assert!(!plan.contains("TableScan"), "{what}: scans the whole table: {plan}");
            // surrealkv walks an index backwards in time that grows with the whole range.
            assert!(!plan.contains("Backward"), "{what}: walks its index backwards: {plan}");
        }
    }
}
