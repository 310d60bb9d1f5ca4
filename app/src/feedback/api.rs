//! Server functions for the account's suppression list.

use leptos::prelude::*;

use super::SuppressedDestination;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::suppression,
    crate::{
        auth::{session::require_account, Permission},
        email::EmailAddress,
        server::app_context,
    },
};

/// Entries shown at a time.
pub const PAGE_SIZE: i64 = 100;

/// The list, newest first, filtered by an address fragment and a reason (`BOUNCE`,
/// `COMPLAINT`; empty: both).
#[server(prefix = "/api", endpoint = "suppression/list")]
pub async fn list_suppressed(
    search: String,
    reason: String,
) -> Result<Vec<SuppressedDestination>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let reason = match reason.as_str() {
        "" => None,
        given => Some(
            suppression::parse_reason(given)
                .ok_or_else(|| AppError::field("reason", "Use BOUNCE or COMPLAINT."))?,
        ),
    };
    let search = Some(search.trim()).filter(|s| !s.is_empty());
    let entries = suppression::list(
        &app_context()?.pool,
        caller.account_id(),
        search,
        reason,
        PAGE_SIZE,
        0,
    )
    .await?;
    Ok(entries
        .into_iter()
        .map(SuppressedDestination::from)
        .collect())
}

/// Puts an address on the list by hand (or changes its reason).
#[server(prefix = "/api", endpoint = "suppression/add")]
pub async fn add_suppressed(email_address: String, reason: String) -> Result<(), AppError> {
    let caller = require_account(Permission::Send).await?;
    let address = EmailAddress::parse(email_address.trim())
        .map_err(|e| AppError::field("email_address", e))?;
    let reason = suppression::parse_reason(&reason)
        .ok_or_else(|| AppError::field("reason", "Use BOUNCE or COMPLAINT."))?;
    let pool = &app_context()?.pool;
    suppression::put(
        pool,
        caller.account_id(),
        address.as_str(),
        reason,
        &caller.actor(),
    )
    .await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "suppression/remove")]
pub async fn remove_suppressed(email_address: String) -> Result<(), AppError> {
    let caller = require_account(Permission::Send).await?;
    let pool = &app_context()?.pool;
    let actor = caller.actor();
    let removed = suppression::delete(pool, caller.account_id(), &email_address, &actor).await?;
    removed
        .then_some(())
        .ok_or_else(|| AppError::not_found("Suppressed address"))
}
