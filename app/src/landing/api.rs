use leptos::prelude::*;

use super::PlatformStatus;
use crate::error::AppError;

/// Public: whether the database answers, and the regions served.
#[server(prefix = "/api", endpoint = "platform/status")]
pub async fn get_platform_status() -> Result<PlatformStatus, AppError> {
    let ctx = crate::server::context::app_context()?;
    let answers = super::db::database_answers(&ctx.pool).await?;
    Ok(PlatformStatus {
        database: if answers { "Reachable" } else { "Unreachable" }.to_owned(),
        regions: ctx.settings.regions.clone(),
    })
}
