//! Webhook endpoints and deliveries. Events in the outbox are fanned out into one delivery per
//! subscribed endpoint; the dispatcher (server/src/webhooks.rs) claims due deliveries, sends them
//! and records the outcome here. Everything survives a restart: it is all rows.

mod deliveries;
mod endpoints;
mod outbox;

pub use deliveries::{AttemptOutcome, DeliveryRecord, DeliveryStatus};
pub use endpoints::{EndpointRecord, EVENT_TYPES};
pub use outbox::{EventMessage, EventRecord};
