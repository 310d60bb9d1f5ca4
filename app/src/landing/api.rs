use leptos::prelude::*;

use super::Deployment;
use crate::error::AppError;

/// Public: the regions served and the API endpoint.
#[server(prefix = "/api", endpoint = "deployment")]
pub async fn get_deployment() -> Result<Deployment, AppError> {
    let settings = &crate::server::context::app_context()?.settings;
    Ok(Deployment {
        regions: settings.regions.clone(),
        api_endpoint: settings.public_origin.clone(),
    })
}
