use leptos::prelude::*;

use super::AccountOverview;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::db,
    crate::{
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

/// Asks the operator to take the account out of the sandbox in `region`.
#[server(prefix = "/api", endpoint = "account/request-production-access")]
pub async fn request_production_access(region: String) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageUsers).await?;
    let requested =
        db::request_production_access(&app_context()?.pool, caller.account_id(), &region).await?;
    requested.then_some(()).ok_or_else(|| AppError::Conflict {
        message: format!("Your account is not in the sandbox in {region}."),
    })
}
