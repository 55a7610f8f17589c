//! The start page: the demo's entry points.

use serde::{Deserialize, Serialize};

/// What the home page shows: the demo's entry points when the server runs with demo data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeView {
    pub demo: Option<DemoGuideView>,
}

/// Where a newcomer can click in the demo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoGuideView {
    pub portals: Vec<DemoPortalView>,
    pub staff: Vec<DemoLoginView>,
}

/// A demo booking's portal link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoPortalView {
    pub customer_name: String,
    pub activity: String,
    pub location_name: String,
    pub path: String,
}

/// A demo staff account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoLoginView {
    pub display_name: String,
    pub email: String,
    pub password: String,
}
