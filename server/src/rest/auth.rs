//! Who is calling: the location behind an `Authorization: Bearer <key>` header, with a per-key
//! rate limit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::error::ApiError;
use super::RestState;

/// The caller's location, from a live API key. Every query the REST API runs is scoped by it.
pub struct ApiCaller {
    pub location_id: app::ids::LocationId,
}

impl FromRequestParts<RestState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &RestState) -> Result<Self, ApiError> {
        let key = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(ApiError::unauthorized)?;
        let location_id = state.store.api_key_location(key).await?.ok_or_else(ApiError::unauthorized)?;
        if !state.limiter.allow(key) {
            return Err(ApiError::rate_limited());
        }
        Ok(ApiCaller { location_id })
    }
}

/// A token bucket per key: `burst` requests at once, refilled at `per_second`. Per server
/// process: behind a load balancer each instance allows this much.
#[derive(Clone)]
pub struct RateLimiter {
    buckets: Arc<Mutex<HashMap<String, (f64, Instant)>>>,
    burst: f64,
    per_second: f64,
}

impl RateLimiter {
    pub fn new(burst: u32, per_second: u32) -> Self {
        RateLimiter { buckets: Arc::default(), burst: f64::from(burst), per_second: f64::from(per_second) }
    }

    pub fn allow(&self, key: &str) -> bool {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let (tokens, last) = buckets.entry(app::store::secrets::token_hash(key)).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * self.per_second).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_refusal_per_key() {
        let limiter = RateLimiter::new(3, 1);
        assert!((0..3).all(|_| limiter.allow("a")));
        assert!(!limiter.allow("a"));
        assert!(limiter.allow("b"), "another key has its own bucket");
    }
}
