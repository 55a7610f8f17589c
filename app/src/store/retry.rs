//! Bounded retries for operations that lose a write conflict.

use std::future::Future;
use std::time::Duration;

use super::StoreError;

#[cfg(test)]
tokio::task_local! {
    /// Conflicts the operations of a task lost (`counting_conflicts`).
    static CONFLICTS: std::cell::Cell<u32>;
}

/// `op`'s output, and how many write conflicts its operations lost and retried.
#[cfg(test)]
pub(crate) async fn counting_conflicts<T>(op: impl Future<Output = T>) -> (T, u32) {
    CONFLICTS.scope(std::cell::Cell::new(0), async { (op.await, CONFLICTS.with(|c| c.get())) }).await
}

/// How many times an operation runs before giving up with `StoreError::Contended`.
pub(crate) const MAX_ATTEMPTS: u32 = 60;

/// Runs `op` until it succeeds or fails with something other than a conflict, at most
/// `MAX_ATTEMPTS` times, sleeping a random, growing while between attempts so that
/// colliding writers spread out instead of colliding again.
pub(crate) async fn retrying<T, F, Fut>(mut op: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    for attempt in 1..=MAX_ATTEMPTS {
        match op().await {
            Err(StoreError::Conflict) => {
                #[cfg(test)]
                let _ = CONFLICTS.try_with(|c| c.set(c.get() + 1));
                tokio::time::sleep(backoff(attempt)).await
            }
            done => return done,
        }
    }
    tracing::warn!(attempts = MAX_ATTEMPTS, "giving up after repeated write conflicts");
    Err(StoreError::Contended { attempts: MAX_ATTEMPTS })
}

/// Full jitter over a window that doubles from 2 ms up to 64 ms.
fn backoff(attempt: u32) -> Duration {
    let window_ms = 1u64 << attempt.clamp(1, 6);
    Duration::from_micros(rand::random_range(0..window_ms * 1000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn retries_conflicts_until_success() {
        let calls = AtomicU32::new(0);
        let result = retrying(|| async {
            if calls.fetch_add(1, Ordering::SeqCst) < 3 {
                Err(StoreError::Conflict)
            } else {
                Ok(7)
            }
        })
        .await;
        assert_eq!(result.unwrap(), 7);
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn gives_up_after_the_bound() {
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = retrying(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(StoreError::Conflict)
        })
        .await;
        assert!(matches!(result, Err(StoreError::Contended { attempts: MAX_ATTEMPTS })));
        assert_eq!(calls.load(Ordering::SeqCst), MAX_ATTEMPTS);
    }

    #[tokio::test]
    async fn other_errors_are_not_retried() {
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = retrying(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(StoreError::NotFound)
        })
        .await;
        assert!(matches!(result, Err(StoreError::NotFound)));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn backoff_stays_within_its_window() {
        for attempt in 1..=MAX_ATTEMPTS {
            assert!(backoff(attempt) < Duration::from_millis(64));
        }
    }
}
