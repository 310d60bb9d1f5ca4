use leptos::prelude::*;

use super::{AccountSummary, DeliveryOverview};
use crate::{error::AppError, ids::AccountId};

#[cfg(feature = "ssr")]
use {
    super::db,
    crate::{accounts::db as accounts, auth::session::require_operator, server::app_context},
};

/// How this Sesame delivers mail, and what waits in the queue.
#[server(prefix = "/api", endpoint = "operator/delivery")]
pub async fn delivery_status() -> Result<DeliveryOverview, AppError> {
    require_operator().await?;
    let ctx = app_context()?;
    let (queued, oldest) = db::queue_depth(&ctx.pool).await?;
    Ok(DeliveryOverview {
        mode: ctx.delivery.to_string(),
        queued_recipients: queued,
        oldest_queued: oldest.map(crate::server::shown),
    })
}

#[server(prefix = "/api", endpoint = "operator/accounts")]
pub async fn list_accounts() -> Result<Vec<AccountSummary>, AppError> {
    require_operator().await?;
    Ok(db::list_accounts(&app_context()?.pool).await?)
}

/// Disables an account (its users are signed out at their next request and cannot sign
/// in) or re-enables it.
#[server(prefix = "/api", endpoint = "operator/set-account-disabled")]
pub async fn set_account_disabled(account_id: AccountId, disabled: bool) -> Result<(), AppError> {
    let operator = require_operator().await?;
    let ctx = app_context()?;
    let found = db::set_account_disabled(&ctx.pool, &account_id, disabled).await?;
    ctx.keys.clear();
    tracing::info!(operator = %operator.operator_id(), account = %account_id, disabled, "operator changed an account");
    found
        .then_some(())
        .ok_or_else(|| AppError::not_found("Account"))
}

/// Takes an account out of the sandbox in a region (granting its request, if it made one).
#[server(prefix = "/api", endpoint = "operator/grant-production-access")]
pub async fn grant_production_access(
    account_id: AccountId,
    region: String,
) -> Result<(), AppError> {
    let operator = require_operator().await?;
    let found = accounts::set_sandbox(&app_context()?.pool, &account_id, &region, false).await?;
    tracing::info!(operator = %operator.operator_id(), account = %account_id, %region, "operator granted production access");
    found
        .then_some(())
        .ok_or_else(|| AppError::not_found("Account region"))
}
