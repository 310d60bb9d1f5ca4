//! Queries on access keys. Every function takes the account first and filters by it.

use sqlx::{PgExecutor, PgTransaction};
use time::{macros::format_description, OffsetDateTime};

use super::AccessKey;
use crate::{
    ids::{AccountId, UserId},
    server::vault::Sealed,
};

fn format_time(t: OffsetDateTime) -> String {
    t.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute] UTC"
    ))
    .unwrap_or_default()
}

/// Locks the user's row for the rest of the transaction and counts their active keys, so
/// two concurrent creations cannot both pass the two-key limit. None: no such user.
pub async fn lock_user_and_count_active(
    tx: &mut PgTransaction<'_>,
    account: &AccountId,
    user: UserId,
) -> Result<Option<i64>, sqlx::Error> {
    let locked = sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select user_id as "user_id: UserId" from account_user
           where account_id = $1 and user_id = $2 for update"#,
        account.as_str(),
        user as UserId
    )
    .fetch_optional(&mut **tx)
    .await?;
    if locked.is_none() {
        return Ok(None);
    }
    let active = sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select count(*) as "count!" from access_key
           where account_id = $1 and user_id = $2 and status = 'Active'"#,
        account.as_str(),
        user as UserId
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(Some(active))
}

pub async fn insert_access_key(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    user: UserId,
    access_key_id: &str,
    secret: &Sealed,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into access_key (access_key_id, account_id, user_id, secret_nonce, secret_ciphertext)
           values ($1, $2, $3, $4, $5)"#,
        access_key_id,
        account.as_str(),
        user as UserId,
        secret.nonce,
        secret.ciphertext
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn list_access_keys(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    user: UserId,
) -> Result<Vec<AccessKey>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"select access_key_id, status, created_at, last_used_at from access_key
           where account_id = $1 and user_id = $2 order by created_at"#,
        account.as_str(),
        user as UserId
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AccessKey {
            access_key_id: r.access_key_id,
            active: r.status == "Active",
            created: format_time(r.created_at),
            last_used: r.last_used_at.map(format_time),
        })
        .collect())
}

/// Sets a key's status; false if the user has no such key.
pub async fn set_status(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    user: UserId,
    access_key_id: &str,
    active: bool,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        // language=PostgreSQL
        r#"update access_key set status = case when $4 then 'Active' else 'Inactive' end
           where account_id = $1 and user_id = $2 and access_key_id = $3"#,
        account.as_str(),
        user as UserId,
        access_key_id,
        active
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Deletes a key; false if the user has no such key.
pub async fn delete_access_key(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    user: UserId,
    access_key_id: &str,
) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query!(
        // language=PostgreSQL
        r#"delete from access_key where account_id = $1 and user_id = $2 and access_key_id = $3"#,
        account.as_str(),
        user as UserId,
        access_key_id
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected() == 1)
}
