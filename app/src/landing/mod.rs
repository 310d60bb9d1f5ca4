//! The landing page: what Sesame is, for whom, and how to start on this deployment.

mod api;
mod page;

pub use api::{get_deployment, GetDeployment};
pub use page::LandingPage;

use serde::{Deserialize, Serialize};

/// What a visitor needs to know about this deployment to start (nothing more: no versions,
/// no counts — a public page is an attacker's first read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    /// The regions accounts send in.
    pub regions: Vec<String>,
    /// Where SES clients point (`--endpoint-url`, `endpoint_url=`).
    pub api_endpoint: String,
}
