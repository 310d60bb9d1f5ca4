//! Issuing a key (shared by the access keys page and `sesame admin create-access-key`).

use sqlx::PgPool;

use super::{credentials, db, NewAccessKey, LIMIT_MESSAGE, MAX_ACTIVE_KEYS};
use crate::{
    audit::{self, Actor, AuditKind, Change},
    error::AppError,
    ids::{AccountId, UserId},
    server::vault::SecretVault,
};

/// Creates an active key for the user, its secret sealed under the master key, and returns
/// the secret and the SMTP password for `region` — the only time they leave the server.
pub async fn issue_access_key(
    pool: &PgPool,
    vault: &SecretVault,
    account: &AccountId,
    user: UserId,
    region: &str,
    actor: &Actor,
) -> Result<NewAccessKey, AppError> {
    let mut tx = pool.begin().await?;
    let active = db::lock_user_and_count_active(&mut tx, account, user)
        .await?
        .ok_or_else(|| AppError::not_found("User"))?;
    if active >= MAX_ACTIVE_KEYS {
        return Err(AppError::Conflict {
            message: LIMIT_MESSAGE.to_owned(),
        });
    }
    let access_key_id = credentials::generate_access_key_id();
    let secret = credentials::generate_secret();
    let sealed = vault.seal(secret.as_bytes(), &access_key_id);
    db::insert_access_key(&mut *tx, account, user, &access_key_id, &sealed).await?;
    let change = Change::new(AuditKind::AccessKeyCreated, &access_key_id);
    audit::record(&mut *tx, Some(account), actor, change).await?;
    tx.commit().await?;
    Ok(NewAccessKey {
        smtp_password: credentials::smtp_password(&secret, region),
        smtp_region: region.to_owned(),
        access_key_id,
        secret_access_key: secret,
    })
}
