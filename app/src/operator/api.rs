use leptos::prelude::*;

use super::{AccessRequest, AccountSummary, DeliveryOverview};
use crate::{error::AppError, ids::AccountId};

#[cfg(feature = "ssr")]
use {
    super::db,
    crate::{
        accounts::db as accounts,
        audit::{self, AuditKind, Change},
        auth::session::require_operator,
        server::app_context,
    },
};

/// How this Sesame delivers mail, and what waits in the queue.
#[server(prefix = "/api", endpoint = "operator/delivery")]
pub async fn delivery_status() -> Result<DeliveryOverview, AppError> {
    require_operator().await?;
    let ctx = app_context()?;
    let (queued, oldest) = db::queue_depth(&ctx.pool).await?;
    Ok(DeliveryOverview {
        mode: ctx.settings.delivery.to_string(),
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
    let mut tx = ctx.pool.begin().await?;
    let Some(changed) = db::set_account_disabled(&mut *tx, &account_id, disabled).await? else {
        return Err(AppError::not_found("Account"));
    };
    if !changed {
        return Ok(());
    }
    let kind = match disabled {
        true => AuditKind::AccountDisabled,
        false => AuditKind::AccountEnabled,
    };
    audit::record(
        &mut *tx,
        &account_id,
        &operator.actor(),
        Change::new(kind, ""),
    )
    .await?;
    tx.commit().await?;
    ctx.keys.clear();
    tracing::info!(operator = %operator.operator_id(), account = %account_id, disabled, "operator changed an account");
    Ok(())
}

/// Pending production-access requests with their use cases.
#[server(prefix = "/api", endpoint = "operator/access-requests")]
pub async fn access_requests() -> Result<Vec<AccessRequest>, AppError> {
    require_operator().await?;
    Ok(db::access_requests(&app_context()?.pool).await?)
}

/// Takes an account out of the sandbox in a region with new quotas (granting its request,
/// if it made one).
#[server(prefix = "/api", endpoint = "operator/grant-production-access")]
pub async fn grant_production_access(
    account_id: AccountId,
    region: String,
    max_24_hour_send: f64,
    max_send_rate: f64,
) -> Result<(), AppError> {
    let operator = require_operator().await?;
    // SES's -1 means unlimited; otherwise a positive count.
    if !(max_24_hour_send == -1.0 || max_24_hour_send >= 1.0) || !max_24_hour_send.is_finite() {
        return Err(AppError::field(
            "max_24_hour_send",
            "Give at least 1 recipient a day, or -1 for no limit.",
        ));
    }
    if !(max_send_rate >= 1.0 && max_send_rate.is_finite()) {
        return Err(AppError::field(
            "max_send_rate",
            "Give at least 1 recipient a second.",
        ));
    }
    let mut tx = app_context()?.pool.begin().await?;
    let quotas = (max_24_hour_send, max_send_rate);
    if !accounts::grant_production_access(&mut *tx, &account_id, &region, quotas.0, quotas.1)
        .await?
    {
        return Err(AppError::not_found("Account region"));
    }
    let granted =
        format!("{region}: {max_24_hour_send} recipients per 24 hours, {max_send_rate} per second");
    let change = Change::new(AuditKind::ProductionAccessGranted, &granted);
    audit::record(&mut *tx, &account_id, &operator.actor(), change).await?;
    tx.commit().await?;
    tracing::info!(operator = %operator.operator_id(), account = %account_id, %region, max_24_hour_send, max_send_rate, "operator granted production access");
    Ok(())
}

/// Turns a production-access request down (the account stays in the sandbox and may ask
/// again).
#[server(prefix = "/api", endpoint = "operator/decline-production-access")]
pub async fn decline_production_access(
    account_id: AccountId,
    region: String,
) -> Result<(), AppError> {
    let operator = require_operator().await?;
    let mut tx = app_context()?.pool.begin().await?;
    if !accounts::decline_production_access(&mut *tx, &account_id, &region).await? {
        return Err(AppError::not_found("Production access request"));
    }
    let change = Change::new(AuditKind::ProductionAccessDeclined, &region);
    audit::record(&mut *tx, &account_id, &operator.actor(), change).await?;
    tx.commit().await?;
    tracing::info!(operator = %operator.operator_id(), account = %account_id, %region, "operator declined production access");
    Ok(())
}
