//! Server functions of the platform's two-factor requirement: whether every operator must
//! sign in with a second factor. Operators turn their own on with the two-factor card
//! (`security`), as users do.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::db,
    crate::{
        audit::{self, AuditKind, Change, Log},
        auth::{
            session::{require_operator, Claimant},
            two_factor,
        },
        server::app_context,
    },
};

#[server(prefix = "/api", endpoint = "operator/two-factor-required")]
pub async fn operator_two_factor_required() -> Result<bool, AppError> {
    require_operator().await?;
    Ok(db::operator_two_factor_required(&app_context()?.pool).await?)
}

/// Requires (or stops requiring) a second factor of every operator. The operator asking
/// must sign in with one already; other operators' sessions signed in without one end at
/// their next request, and they set one up at their next sign-in.
#[server(prefix = "/api", endpoint = "operator/require-two-factor")]
pub async fn require_operator_two_factor(required: bool) -> Result<(), AppError> {
    let operator = require_operator().await?;
    let ctx = app_context()?;
    let holder = Claimant::Operator(operator.operator_id());
    if required && !two_factor::db::status(&ctx.pool, holder).await?.enabled {
        return Err(AppError::Conflict {
            message: "Turn on two-factor authentication for yourself first, above.".to_owned(),
        });
    }
    let mut tx = ctx.pool.begin().await?;
    if db::set_operator_two_factor_required(&mut *tx, required).await? {
        let subject = if required { "required" } else { "not required" };
        let change = Change::new(AuditKind::TwoFactorRequirementChanged, subject);
        audit::record_in(&mut *tx, &Log::Platform, &operator.actor(), change).await?;
    }
    tx.commit().await?;
    Ok(())
}
