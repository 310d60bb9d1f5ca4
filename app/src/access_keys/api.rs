//! Server functions for the caller's own access keys (admins and senders).

use leptos::prelude::*;

use super::{AccessKey, NewAccessKey};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{
        db, issue_access_key,
        scope::{parse_expiry_days, parse_scope},
        KeyRequest, LIMIT_MESSAGE, MAX_ACTIVE_KEYS,
    },
    crate::{
        audit::{self, AuditKind, Change},
        auth::{session::require_account, Permission},
        server::app_context,
    },
};

#[server(prefix = "/api", endpoint = "access-keys/list")]
pub async fn list_access_keys() -> Result<Vec<AccessKey>, AppError> {
    let caller = require_account(Permission::ManageOwnAccessKeys).await?;
    Ok(db::list_access_keys(&app_context()?.pool, caller.account_id(), caller.user_id()).await?)
}

/// Creates a key, limited (when they are given) to source addresses, actions and
/// identities and to a number of days (`scope`); the answer holds the secret and the SMTP
/// password for `region`, once.
#[server(prefix = "/api", endpoint = "access-keys/create")]
pub async fn create_access_key(
    region: String,
    sources: Option<String>,
    actions: Option<String>,
    identities: Option<String>,
    expires_in_days: Option<String>,
) -> Result<NewAccessKey, AppError> {
    let caller = require_account(Permission::ManageOwnAccessKeys).await?;
    let ctx = app_context()?;
    if !ctx.settings.regions.contains(&region) {
        return Err(AppError::field(
            "region",
            format!("Sesame does not serve region `{region}`."),
        ));
    }
    let typed = |field: &Option<String>| field.clone().unwrap_or_default();
    let request = KeyRequest {
        region: &region,
        scope: parse_scope(&typed(&sources), &typed(&actions), &typed(&identities))?,
        expires_in_days: parse_expiry_days(&typed(&expires_in_days))?,
    };
    issue_access_key(
        &ctx.pool,
        &ctx.vault,
        caller.account_id(),
        caller.user_id(),
        &request,
        &caller.actor(),
    )
    .await
}

/// Activates or deactivates one of the caller's keys.
#[server(prefix = "/api", endpoint = "access-keys/set-active")]
pub async fn set_access_key_active(access_key_id: String, active: bool) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageOwnAccessKeys).await?;
    let pool = app_context()?.pool;
    let mut tx = pool.begin().await?;
    let count = db::lock_user_and_count_active(&mut tx, caller.account_id(), caller.user_id())
        .await?
        .ok_or(AppError::Unauthorized)?;
    let keys = db::list_access_keys(&mut *tx, caller.account_id(), caller.user_id()).await?;
    let key = keys
        .iter()
        .find(|k| k.access_key_id == access_key_id)
        .ok_or_else(|| AppError::not_found("Access key"))?;
    if key.active == active {
        // As asked already: nothing changes, nothing is recorded.
        return Ok(());
    }
    if active && count >= MAX_ACTIVE_KEYS {
        return Err(AppError::Conflict {
            message: LIMIT_MESSAGE.to_owned(),
        });
    }
    db::set_status(
        &mut *tx,
        caller.account_id(),
        caller.user_id(),
        &access_key_id,
        active,
    )
    .await?;
    let kind = match active {
        true => AuditKind::AccessKeyActivated,
        false => AuditKind::AccessKeyDeactivated,
    };
    let change = Change::new(kind, &access_key_id);
    audit::record(&mut *tx, caller.account_id(), &caller.actor(), change).await?;
    tx.commit().await?;
    app_context()?.keys.clear();
    Ok(())
}

#[server(prefix = "/api", endpoint = "access-keys/delete")]
pub async fn delete_access_key(access_key_id: String) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageOwnAccessKeys).await?;
    let ctx = app_context()?;
    let mut tx = ctx.pool.begin().await?;
    let account = caller.account_id();
    if !db::delete_access_key(&mut *tx, account, caller.user_id(), &access_key_id).await? {
        return Err(AppError::not_found("Access key"));
    }
    let change = Change::new(AuditKind::AccessKeyDeleted, &access_key_id);
    audit::record(&mut *tx, account, &caller.actor(), change).await?;
    tx.commit().await?;
    ctx.keys.clear();
    Ok(())
}
