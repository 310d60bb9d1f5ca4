//! Changing an account's status: the change, its history entry, its audit entry and the
//! admins' mail in one transaction, so a change is never recorded without its notice or
//! the other way round.

use sqlx::PgPool;

use super::{assess::assess, db, Thresholds};
use crate::{
    audit::{self, Actor, AuditKind},
    error::AppError,
    system_mail::Letterhead,
};

/// Records `change` (see `db::change_status`); false if the status had moved on already.
pub async fn change_status(
    pool: &PgPool,
    letterhead: &Letterhead,
    change: &db::Change<'_>,
    actor: &Actor,
) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    if !db::change_status(&mut tx, change).await? {
        return Ok(false);
    }
    super::notice::mail_admins(&mut tx, letterhead, change).await?;
    let subject = format!(
        "{}: {} → {} ({})",
        change.region,
        change.from.label(),
        change.to.label(),
        change.reason
    );
    let entry = audit::Change::new(AuditKind::EnforcementChanged, &subject);
    audit::record(&mut *tx, change.account, actor, entry).await?;
    tx.commit().await?;
    tracing::info!(account = %change.account, region = change.region, from = change.from.as_str(),
                   to = change.to.as_str(), decided_by = change.decided_by, "enforcement status changed");
    Ok(true)
}

/// One round of automatic judgement over every account region with counted outcomes;
/// returns how many statuses changed.
pub async fn assess_all(
    pool: &PgPool,
    letterhead: &Letterhead,
    thresholds: &Thresholds,
) -> Result<usize, AppError> {
    let mut changed = 0;
    for standing in db::standings(pool, thresholds, None).await? {
        let Some((to, reason)) = assess(standing.status, &standing.rates, thresholds) else {
            continue;
        };
        let change = db::Change {
            account: &standing.account_id,
            region: &standing.region,
            from: standing.status,
            to,
            decided_by: "automatic",
            reason: &reason,
            rates: Some(&standing.rates),
            restart_window: false,
        };
        if change_status(pool, letterhead, &change, &Actor::sesame("reputation")).await? {
            changed += 1;
        }
    }
    Ok(changed)
}
