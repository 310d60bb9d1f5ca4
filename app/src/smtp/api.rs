//! The SMTP settings page's server function.

use leptos::prelude::*;

use super::SmtpSettings;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::{
    access_keys::db as keys,
    auth::{session::require_account, Permission},
    server::app_context,
};

#[server(prefix = "/api", endpoint = "smtp/settings")]
pub async fn get_smtp_settings() -> Result<SmtpSettings, AppError> {
    let caller = require_account(Permission::ManageOwnAccessKeys).await?;
    let ctx = app_context()?;
    let user_names = keys::list_access_keys(&ctx.pool, caller.account_id(), caller.user_id())
        .await?
        .into_iter()
        .filter(|k| k.active)
        .map(|k| k.access_key_id)
        .collect();
    Ok(SmtpSettings {
        endpoint: ctx.settings.smtp.clone(),
        user_names,
    })
}
