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
    set: (&str, &str),
    actor: &Actor,
) -> Result<bool, AppError> {
    change(
        pool,
        (account, actor),
        set,
        AuditKind::ConfigurationSetCreated,
    )
    .await
}

/// Deletes set `name` in `region` (its destinations go with it); false if there is none.
pub async fn delete(
    pool: &PgPool,
    account: &AccountId,
    set: (&str, &str),
    actor: &Actor,
) -> Result<bool, AppError> {
    change(
        pool,
        (account, actor),
        set,
        AuditKind::ConfigurationSetDeleted,
    )
    .await
}

/// The change `kind` names and its entry, in one transaction; false if it changed nothing.
async fn change(
    pool: &PgPool,
    (account, actor): (&AccountId, &Actor),
    (region, name): (&str, &str),
    kind: AuditKind,
) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    let changed = match kind {
        AuditKind::ConfigurationSetCreated => {
            db::create_set(&mut *tx, account, region, name).await?
        }
        _ => db::delete_set(&mut *tx, account, region, name).await?,
    };
    if !changed {
        return Ok(false);
    }
    let subject = format!("{name} ({region})");
    audit::record(&mut *tx, account, actor, Change::new(kind, &subject)).await?;
    tx.commit().await?;
    Ok(true)
}
