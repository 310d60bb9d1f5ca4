//! Requiring two-factor sign-in: of every user of an account (its admins decide, on the
//! Users page) or of every operator (operators decide, on their Security page). Whoever
//! asks must sign in with it already; sessions opened without it end, and those without an
//! authenticator set one up at their next sign-in.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::{
    audit::{self, AuditKind, Change, Log},
    auth::{
        session::{require_account, require_operator, Claimant},
        two_factor, Permission,
    },
    operator::db as operators,
    server::app_context,
    users::db as users,
};

/// Of whom a second factor is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequiredOf {
    /// Every user of the caller's account.
    AccountUsers,
    /// Every operator of the platform.
    Operators,
}

/// Who asks (checked for the scope), and the log their change goes in.
#[cfg(feature = "ssr")]
async fn asking(of: RequiredOf) -> Result<(Claimant, Log, audit::Actor), AppError> {
    Ok(match of {
        RequiredOf::AccountUsers => {
            let admin = require_account(Permission::ManageUsers).await?;
            let log = Log::Account(admin.account_id().clone());
            (Claimant::User(admin.user_id()), log, admin.actor())
        }
        RequiredOf::Operators => {
            let operator = require_operator().await?;
            let actor = operator.actor();
            (
                Claimant::Operator(operator.operator_id()),
                Log::Platform,
                actor,
            )
        }
    })
}

#[server(prefix = "/api", endpoint = "security/two-factor-required")]
pub async fn two_factor_required(of: RequiredOf) -> Result<bool, AppError> {
    let (_, log, _) = asking(of).await?;
    let pool = app_context()?.pool;
    Ok(match &log {
        Log::Account(account) => users::two_factor_required(&pool, account).await?,
        Log::Platform => operators::operator_two_factor_required(&pool).await?,
    })
}

/// Requires (or stops requiring) a second factor of `of`, recorded when it changes.
#[server(prefix = "/api", endpoint = "security/require-two-factor")]
pub async fn require_two_factor(of: RequiredOf, required: bool) -> Result<(), AppError> {
    let (holder, log, actor) = asking(of).await?;
    let ctx = app_context()?;
    if required && !two_factor::db::status(&ctx.pool, holder).await?.enabled {
        let where_to = match of {
            RequiredOf::AccountUsers => "on the Security page",
            RequiredOf::Operators => "above",
        };
        return Err(AppError::Conflict {
            message: format!("Turn on two-factor authentication for yourself first, {where_to}."),
        });
    }
    let mut tx = ctx.pool.begin().await?;
    let changed = match &log {
        Log::Account(account) => {
            users::set_two_factor_required(&mut *tx, account, required).await?
        }
        Log::Platform => operators::set_operator_two_factor_required(&mut *tx, required).await?,
    };
    if changed {
        let subject = if required { "required" } else { "not required" };
        let change = Change::new(AuditKind::TwoFactorRequirementChanged, subject);
        audit::record_in(&mut *tx, &log, &actor, change).await?;
    }
    tx.commit().await?;
    Ok(())
}
