use leptos::prelude::*;

use super::Statement;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::{
    auth::{session::require_account, Permission},
    server::app_context,
};

/// The caller's statement for `month` (`YYYY-MM`; empty: this month).
#[server(prefix = "/api", endpoint = "billing/statement")]
pub async fn billing_statement(month: String) -> Result<Statement, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let ctx = app_context()?;
    let month = match month.trim() {
        "" => time::OffsetDateTime::now_utc()
            .format(time::macros::format_description!("[year]-[month]"))
            .map_err(crate::server::errors::internal)?,
        given => given.to_owned(),
    };
    super::statement::statement(&ctx.pool, &ctx.settings.prices, caller.account_id(), &month).await
}
