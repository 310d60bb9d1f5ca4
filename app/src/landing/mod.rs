//! The landing page: what Sesame is, and a live status read from the database.

mod api;
#[cfg(feature = "ssr")]
mod db;
mod page;

pub use api::{get_platform_status, GetPlatformStatus};
pub use page::LandingPage;

use serde::{Deserialize, Serialize};

/// What the landing page shows about this deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformStatus {
    /// "Reachable" (versions and counts are nobody's business on a public page).
    pub database: String,
    pub regions: Vec<String>,
}
