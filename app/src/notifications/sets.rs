//! Creating and deleting configuration sets — the one way the console and both API
//! versions do it — each change recorded in the audit log.

use sqlx::PgPool;

use super::db;
use crate::{
    audit::{self, Actor, AuditKind, Change},
    error::AppError,
    ids::AccountId,
};

/// Creates set `name` in `region`; false if the account has one of that name there.
pub async fn create(
    pool: &PgPool,
    account: &AccountId,
    (region, name): (&str, &str),
    actor: &Actor,
) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    if !db::create_set(&mut *tx, account, region, name).await? {
        return Ok(false);
    }
    let subject = format!("{name} ({region})");
    let change = Change::new(AuditKind::ConfigurationSetCreated, &subject);
    audit::record(&mut *tx, account, actor, change).await?;
    tx.commit().await?;
    Ok(true)
}

/// Deletes set `name` in `region` (its destinations go with it); false if there is none.
pub async fn delete(
    pool: &PgPool,
    account: &AccountId,
    (region, name): (&str, &str),
    actor: &Actor,
) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    if !db::delete_set(&mut *tx, account, region, name).await? {
        return Ok(false);
    }
    let subject = format!("{name} ({region})");
    let change = Change::new(AuditKind::ConfigurationSetDeleted, &subject);
    audit::record(&mut *tx, account, actor, change).await?;
    tx.commit().await?;
    Ok(true)
}
