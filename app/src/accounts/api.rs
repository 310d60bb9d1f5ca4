use leptos::prelude::*;

use super::AccountOverview;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::db,
    crate::{
        audit::{self, AuditKind, Change},
        auth::{session::require_account, Permission},
        server::app_context,
    },
};

/// The caller's account: id, name, user count and limits per region.
#[server(prefix = "/api", endpoint = "account/overview")]
pub async fn get_account_overview() -> Result<AccountOverview, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let pool = app_context()?.pool;
    let account = db::find_account(&pool, caller.account_id())
        .await?
        .ok_or_else(|| AppError::not_found("Account"))?;
    Ok(AccountOverview {
        account_id: caller.account_id().clone(),
        name: account.name,
        users: account.users,
        regions: db::list_region_limits(&pool, caller.account_id()).await?,
    })
}

/// Asks the operator to take the account out of the sandbox in `region`, saying what it
/// sends and the quotas it needs.
#[server(prefix = "/api", endpoint = "account/request-production-access")]
pub async fn request_production_access(
    region: String,
    use_case: String,
    max_24_hour_send: f64,
    max_send_rate: f64,
) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageUsers).await?;
    let use_case = use_case.trim();
    if use_case.chars().count() < 20 {
        return Err(AppError::field(
            "use_case",
            "Describe what you send, to whom, and how recipients sign up (at least 20 characters).",
        ));
    }
    if use_case.chars().count() > super::MAX_USE_CASE_CHARS {
        return Err(AppError::field(
            "use_case",
            format!("Use at most {} characters.", super::MAX_USE_CASE_CHARS),
        ));
    }
    if !(1.0..=1e9).contains(&max_24_hour_send) {
        return Err(AppError::field(
            "max_24_hour_send",
            "Ask for 1 to 1,000,000,000 recipients a day.",
        ));
    }
    if !(1.0..=1e5).contains(&max_send_rate) {
        return Err(AppError::field(
            "max_send_rate",
            "Ask for 1 to 100,000 recipients a second.",
        ));
    }
    let request = db::AccessRequest {
        use_case,
        max_24_hour_send,
        max_send_rate,
    };
    let account = caller.account_id();
    let mut tx = app_context()?.pool.begin().await?;
    if !db::request_production_access(&mut *tx, account, &region, &request).await? {
        return Err(AppError::Conflict {
            message: format!("Your account is not in the sandbox in {region}."),
        });
    }
    let asked =
        format!("{region}: {max_24_hour_send} recipients per 24 hours, {max_send_rate} per second");
    let change = Change::new(AuditKind::ProductionAccessRequested, &asked);
    audit::record(&mut *tx, account, &caller.actor(), change).await?;
    tx.commit().await?;
    Ok(())
}
