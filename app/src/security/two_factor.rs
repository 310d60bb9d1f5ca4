//! Server functions of the Security page's two-factor card: turning two-factor sign-in on
//! (a new authenticator, proven by one of its codes), new recovery codes, turning it off.
//! Each acts on the calling user only.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{auth::Enrolment, error::AppError};

#[cfg(feature = "ssr")]
use {
    super::api::confirm_password,
    crate::{
        audit::{self, AuditKind, Change},
        auth::{
            registry,
            session::{client_ip, require_account},
            two_factor, Permission,
        },
        server::app_context,
    },
};

/// Whether the caller signs in with a second factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    pub recovery_codes_left: i64,
    /// The account requires it (it cannot be turned off).
    pub required: bool,
}

#[server(prefix = "/api", endpoint = "security/two-factor")]
pub async fn get_two_factor_status() -> Result<TwoFactorStatus, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let status = two_factor::db::status(&app_context()?.pool, caller.user_id()).await?;
    Ok(TwoFactorStatus {
        enabled: status.enabled,
        recovery_codes_left: status.recovery_codes_left,
        required: status.required,
    })
}

/// Starts setting up an authenticator (again: an earlier unfinished one is replaced), given
/// the password: a stolen session alone cannot put its own authenticator on the account.
#[server(prefix = "/api", endpoint = "security/two-factor-begin")]
pub async fn begin_two_factor(confirm_with: String) -> Result<Enrolment, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    confirm_password(&caller, "confirm_with", confirm_with).await?;
    let ctx = app_context()?;
    two_factor::begin(&ctx, caller.user_id())
        .await?
        .ok_or_else(two_factor::already_on)
}

/// Turns two-factor sign-in on with a code from the authenticator being set up, and signs
/// out every other session (signed in without it); returns the recovery codes, shown this
/// once.
#[server(prefix = "/api", endpoint = "security/two-factor-confirm")]
pub async fn confirm_two_factor(code: String) -> Result<Vec<String>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let ctx = app_context()?;
    let user = caller.user_id();
    let ip = client_ip().await?;
    let actor = caller.actor();
    let by = (caller.account_id(), &actor);
    let codes =
        two_factor::throttled(&ctx, ip, user, two_factor::confirm(&ctx, user, &code, by)).await?;
    registry::end_all_but(&ctx.pool, user, caller.session_handle()).await?;
    Ok(codes)
}

/// A fresh set of recovery codes in place of the old, given a code from the authenticator
/// (or one of the old recovery codes).
#[server(prefix = "/api", endpoint = "security/recovery-codes")]
pub async fn renew_recovery_codes(code: String) -> Result<Vec<String>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let ctx = app_context()?;
    let user = caller.user_id();
    let ip = client_ip().await?;
    let actor = caller.actor();
    two_factor::throttled(&ctx, ip, user, async {
        if !two_factor::check(&ctx, user, &code).await? {
            return Ok(None);
        }
        let by = (caller.account_id(), &actor);
        two_factor::renew_recovery_codes(&ctx, user, by)
            .await
            .map(Some)
    })
    .await
}

/// Turns two-factor sign-in off, given the password.
#[server(prefix = "/api", endpoint = "security/two-factor-disable")]
pub async fn disable_two_factor(confirm_with: String) -> Result<(), AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let pool = app_context()?.pool;
    if two_factor::db::status(&pool, caller.user_id())
        .await?
        .required
    {
        return Err(AppError::Conflict {
            message: "Your account requires two-factor authentication; an admin can stop \
                      requiring it on the Users page."
                .to_owned(),
        });
    }
    confirm_password(&caller, "confirm_with", confirm_with).await?;
    let mut tx = pool.begin().await?;
    two_factor::db::remove(&mut *tx, caller.user_id()).await?;
    let change = Change::new(AuditKind::TwoFactorDisabled, "");
    audit::record(&mut *tx, caller.account_id(), &caller.actor(), change).await?;
    tx.commit().await?;
    Ok(())
}
