//! When to try a webhook delivery or an email again after a failed attempt.

use chrono::{DateTime, Utc};

/// When to try again: exponential from `base`, capped at `cap`, with ±25% jitter; after
/// `give_up_after` since it was first due, it is marked failed instead.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub base: chrono::Duration,
    pub cap: chrono::Duration,
    pub give_up_after: chrono::Duration,
}

impl RetryPolicy {
    /// Production: 5 s, 10 s, 20 s … up to 2 h between attempts, for 25 hours.
    pub const STANDARD: RetryPolicy = RetryPolicy {
        base: chrono::Duration::seconds(5),
        cap: chrono::Duration::hours(2),
        give_up_after: chrono::Duration::hours(25),
    };

    /// The wait after failed attempt number `attempt` (1 for the first), before jitter.
    pub fn delay(&self, attempt: i64) -> chrono::Duration {
        let factor = 1i64 << (attempt.clamp(1, 30) - 1);
        self.base.checked_mul(factor as i32).unwrap_or(self.cap).min(self.cap)
    }

    /// When to try again after a failed attempt at `now` of something first due at `since` and
    /// tried `attempts` times before, or `None` to give up.
    pub fn retry_at(&self, since: DateTime<Utc>, attempts: i64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if now - since >= self.give_up_after {
            return None;
        }
        let delay = self.delay(attempts + 1);
        let jitter = 0.75 + rand::random::<f64>() * 0.5;
        Some(now + chrono::Duration::milliseconds((delay.num_milliseconds() as f64 * jitter) as i64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_the_cap_and_give_up_after_a_day() {
        let policy = RetryPolicy::STANDARD;
        let seconds = |attempt| policy.delay(attempt).num_seconds();
        assert_eq!([seconds(1), seconds(2), seconds(3), seconds(4)], [5, 10, 20, 40]);
        assert_eq!(seconds(20), 7200, "capped at two hours");
        assert_eq!(seconds(64), 7200, "no overflow");
    }
}
