//! Server functions of the two-factor card (on a user's Security page and an operator's):
//! turning two-factor sign-in on (a new authenticator, proven by one of its codes), new
//! recovery codes, turning it off. Each acts on the calling user or operator only.

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
            session::{self, client_ip, require_signed_in, SignedIn},
            two_factor,
        },
        server::app_context,
    },
};

/// Whether the caller signs in with a second factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    pub recovery_codes_left: i64,
    /// Their account (or, for an operator, the platform) requires it: it cannot be turned
    /// off.
    pub required: bool,
}

#[server(prefix = "/api", endpoint = "security/two-factor")]
pub async fn get_two_factor_status() -> Result<TwoFactorStatus, AppError> {
    let caller = require_signed_in().await?;
    let status = two_factor::db::status(&app_context()?.pool, caller.claimant()).await?;
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
    let caller = require_signed_in().await?;
    confirm_password(caller.claimant(), "confirm_with", confirm_with).await?;
    let ctx = app_context()?;
    two_factor::begin(&ctx, caller.claimant())
        .await?
        .ok_or_else(two_factor::already_on)
}

/// Turns two-factor sign-in on with a code from the authenticator being set up; a user's
/// every other session (signed in without it) is signed out. Returns the recovery codes,
/// shown this once.
#[server(prefix = "/api", endpoint = "security/two-factor-confirm")]
pub async fn confirm_two_factor(code: String) -> Result<Vec<String>, AppError> {
    let caller = require_signed_in().await?;
    let ctx = app_context()?;
    let holder = caller.claimant();
    let ip = client_ip().await?;
    let (log, actor) = (caller.log(), caller.actor());
    let confirmed = two_factor::confirm(&ctx, holder, &code, (&log, &actor));
    let codes = two_factor::throttled(&ctx, ip, holder, confirmed).await?;
    session::proved_second_factor().await?;
    if let SignedIn::User(user) = &caller {
        registry::end_all_but(&ctx.pool, user.user_id(), user.session_handle()).await?;
    }
    Ok(codes)
}

/// A fresh set of recovery codes in place of the old, given a code from the authenticator
/// (or one of the old recovery codes).
#[server(prefix = "/api", endpoint = "security/recovery-codes")]
pub async fn renew_recovery_codes(code: String) -> Result<Vec<String>, AppError> {
    let caller = require_signed_in().await?;
    let ctx = app_context()?;
    let holder = caller.claimant();
    let ip = client_ip().await?;
    let (log, actor) = (caller.log(), caller.actor());
    two_factor::throttled(&ctx, ip, holder, async {
        if !two_factor::check(&ctx, holder, &code).await? {
            return Ok(None);
        }
        two_factor::renew_recovery_codes(&ctx, holder, (&log, &actor))
            .await
            .map(Some)
    })
    .await
}

/// Turns two-factor sign-in off, given the password.
#[server(prefix = "/api", endpoint = "security/two-factor-disable")]
pub async fn disable_two_factor(confirm_with: String) -> Result<(), AppError> {
    let caller = require_signed_in().await?;
    let pool = app_context()?.pool;
    let holder = caller.claimant();
    if two_factor::db::status(&pool, holder).await?.required {
        let message = match caller {
            SignedIn::User(_) => {
                "Your account requires two-factor authentication; an admin can stop \
                 requiring it on the Users page."
            }
            SignedIn::Operator(_) => {
                "Two-factor authentication is required of every operator; stop requiring \
                 it first."
            }
        };
        return Err(AppError::Conflict {
            message: message.to_owned(),
        });
    }
    confirm_password(holder, "confirm_with", confirm_with).await?;
    let mut tx = pool.begin().await?;
    if two_factor::db::remove(&mut *tx, holder).await? {
        let change = Change::new(AuditKind::TwoFactorDisabled, "");
        audit::record_in(&mut *tx, &caller.log(), &caller.actor(), change).await?;
    }
    tx.commit().await?;
    Ok(())
}
