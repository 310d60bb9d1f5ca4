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
