//! The Overview's one server function: it gathers what other pages show, for the caller.

use leptos::prelude::*;

use super::Overview;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::OwnedIdentity,
    crate::{
        accounts::db as accounts,
        auth::{session::require_account, Permission},
        billing::billing_statement,
        delegates::db as delegates,
        identities::db as identities,
        policies::list_shared_identities,
        server::app_context,
    },
};

/// The caller's account at a glance.
#[server(prefix = "/api", endpoint = "overview")]
pub async fn get_overview() -> Result<Overview, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let pool = app_context()?.pool;
    let me = caller.account_id();
    let account = accounts::find_account(&pool, me)
        .await?
        .ok_or_else(|| AppError::not_found("Account"))?;
    let partners = delegates::named_counts(&pool, me).await?;
    let identities = identities::list_identities(&pool, me, &Default::default())
        .await?
        .into_iter()
        .map(|identity| OwnedIdentity {
            partners: partners
                .iter()
                .find(|(id, _)| *id == identity.identity_id)
                .map_or(0, |(_, n)| *n),
            identity,
        })
        .collect();
    let statement = billing_statement(String::new()).await?;
    Ok(Overview {
        account_id: me.clone(),
        account_name: account.name,
        identities,
        shared: list_shared_identities().await?,
        regions: accounts::list_region_limits(&pool, me).await?,
        spend_this_month: statement.amount_shown,
        currency: statement.currency,
        has_sent: !statement.months.is_empty(),
    })
}
