use leptos::prelude::*;

use super::PlatformStatus;
use crate::error::AppError;

/// Public: the database version, how many accounts exist and the regions served.
#[server(prefix = "/api", endpoint = "platform/status")]
pub async fn get_platform_status() -> Result<PlatformStatus, AppError> {
    let ctx = crate::server::context::app_context()?;
    let (version, accounts) = super::db::platform_counts(&ctx.pool).await?;
    Ok(PlatformStatus {
        database: format!(
            "PostgreSQL {}",
            version.split_whitespace().next().unwrap_or_default()
        ),
        accounts,
        regions: ctx.regions.to_vec(),
    })
}
