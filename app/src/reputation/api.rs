//! Server functions: an account's own reputation, and the operator's review queue and
//! decisions.

use leptos::prelude::*;

use super::{ReputationOverview, ReviewCase};
use crate::{error::AppError, ids::AccountId};

#[cfg(feature = "ssr")]
use {
    super::{db, service, EnforcementStatus, RegionReputation, StatusChange},
    crate::{
        auth::{
            db::find_operator_email,
            session::{require_account, require_operator},
            Permission,
        },
        server::{app_context, shown},
    },
};

#[cfg(feature = "ssr")]
const DAY: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[month repr:short] [day]");

/// The last 14 UTC days, oldest first (the chart shows days without sends as zero).
#[cfg(feature = "ssr")]
fn two_weeks() -> impl Iterator<Item = time::Date> {
    let today = time::OffsetDateTime::now_utc().date();
    (0..14)
        .rev()
        .map(move |back| today - time::Duration::days(back))
}

#[cfg(feature = "ssr")]
fn parsed(status: &str) -> EnforcementStatus {
    EnforcementStatus::parse(status).unwrap_or(EnforcementStatus::Healthy)
}

/// The caller's status, rates, daily rates and history in every region it sends in.
#[server(prefix = "/api", endpoint = "reputation/overview")]
pub async fn get_reputation() -> Result<ReputationOverview, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let ctx = app_context()?;
    let account = caller.account_id();
    let mut regions = Vec::new();
    for standing in db::standings(&ctx.pool, &ctx.settings.reputation, Some(account)).await? {
        let counted = db::daily_rates(&ctx.pool, account, &standing.region).await?;
        let daily = two_weeks()
            .map(|day| {
                let rates = counted
                    .iter()
                    .find(|(at, _)| at.date() == day)
                    .map(|(_, r)| *r)
                    .unwrap_or_default();
                let label = day.format(DAY).unwrap_or_default();
                (label, rates.bounce_rate(), rates.complaint_rate())
            })
            .collect();
        let history = db::history(&ctx.pool, account, &standing.region)
            .await?
            .into_iter()
            .map(|h| StatusChange {
                at: shown(h.created_at),
                from: parsed(&h.from_status),
                to: parsed(&h.to_status),
                decided_by: h.decided_by,
                reason: h.reason,
            })
            .collect();
        regions.push(RegionReputation {
            region: standing.region,
            status: standing.status,
            status_since: shown(standing.status_changed_at),
            rates: standing.rates,
            daily,
            history,
        });
    }
    Ok(ReputationOverview {
        thresholds: ctx.settings.reputation.clone(),
        regions,
    })
}

/// Accounts under review or paused, for the operator console.
#[server(prefix = "/api", endpoint = "operator/review-cases")]
pub async fn review_cases() -> Result<Vec<ReviewCase>, AppError> {
    require_operator().await?;
    let ctx = app_context()?;
    let mut reviewed = Vec::new();
    for c in db::review_cases(&ctx.pool).await? {
        let rates = db::standings(&ctx.pool, &ctx.settings.reputation, Some(&c.account_id))
            .await?
            .into_iter()
            .find(|s| s.region == c.region)
            .map(|s| s.rates)
            .unwrap_or_default();
        reviewed.push(ReviewCase {
            account_id: c.account_id,
            account_name: c.name,
            region: c.region,
            status: parsed(&c.enforcement_status),
            status_since: shown(c.status_changed_at),
            rates,
            last_reason: c.last_reason,
        });
    }
    Ok(reviewed)
}

/// The operator's decision on an account in a region: reinstate (Healthy), keep under
/// review, or pause. The rates start afresh from the decision.
#[server(prefix = "/api", endpoint = "operator/set-enforcement-status")]
pub async fn set_enforcement_status(
    account_id: AccountId,
    region: String,
    status: String,
    reason: String,
) -> Result<(), AppError> {
    let operator = require_operator().await?;
    let ctx = app_context()?;
    let to = EnforcementStatus::parse(&status)
        .ok_or_else(|| AppError::field("status", "Use Healthy, UnderReview or Paused."))?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "Say why (the account's admins are told).",
        ));
    }
    let decided_by = find_operator_email(&ctx.pool, operator.operator_id())
        .await?
        .ok_or(AppError::Unauthorized)?;
    let current = db::standings(&ctx.pool, &ctx.settings.reputation, Some(&account_id))
        .await?
        .into_iter()
        .find(|s| s.region == region)
        .ok_or_else(|| AppError::not_found("Account region"))?;
    if current.status == to {
        return Err(AppError::Conflict {
            message: format!("The account is already {} in {region}.", to.label()),
        });
    }
    let change = db::Change {
        account: &account_id,
        region: &region,
        from: current.status,
        to,
        decided_by: &decided_by,
        reason,
        rates: None,
        restart_window: true,
    };
    let actor = operator.actor();
    if !service::change_status(&ctx.pool, &ctx.letterhead(), &change, &actor).await? {
        return Err(AppError::Conflict {
            message: "The status changed meanwhile; look again.".to_owned(),
        });
    }
    Ok(())
}
