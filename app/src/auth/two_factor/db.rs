//! Queries of two-factor sign-in (tables `user_totp`, `user_recovery_code`).

use sqlx::PgExecutor;

use crate::{ids::UserId, server::vault::Sealed};

/// Stores a new enrolling secret for the user, replacing one still enrolling, and returns
/// the address the user signs in with; `None` (and nothing changed) when the user's
/// authenticator is confirmed already.
pub async fn put_enrolling(
    db: impl PgExecutor<'_>,
    user: UserId,
    sealed: &Sealed,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"with stored as (
               insert into user_totp as t (user_id, secret_nonce, secret_ciphertext)
               values ($1, $2, $3)
               on conflict (user_id) do update
                   set secret_nonce = excluded.secret_nonce,
                       secret_ciphertext = excluded.secret_ciphertext,
                       created_at = now()
                   where t.confirmed_at is null
               returning user_id)
           select u.email from stored join account_user u using (user_id)"#,
        user as UserId,
        sealed.nonce,
        sealed.ciphertext
    )
    .fetch_optional(db)
    .await
}

/// The user's sealed secret: the confirmed one, or the one still enrolling.
pub async fn sealed_secret(
    db: impl PgExecutor<'_>,
    user: UserId,
    confirmed: bool,
) -> Result<Option<Sealed>, sqlx::Error> {
    sqlx::query_as!(
        Sealed,
        // language=PostgreSQL
        r#"select secret_nonce as nonce, secret_ciphertext as ciphertext from user_totp
           where user_id = $1 and (confirmed_at is not null) = $2"#,
        user as UserId,
        confirmed
    )
    .fetch_optional(db)
    .await
}

/// Confirms the enrolling authenticator sealed under `nonce` with the step of the code that
/// proved it; false when it is not the one enrolling any more (confirmed or replaced
/// meanwhile by another request).
pub async fn confirm(
    db: impl PgExecutor<'_>,
    user: UserId,
    step: i64,
    nonce: &[u8],
) -> Result<bool, sqlx::Error> {
    let confirmed = sqlx::query!(
        // language=PostgreSQL
        r#"update user_totp set confirmed_at = now(), last_used_step = $2
           where user_id = $1 and confirmed_at is null and secret_nonce = $3"#,
        user as UserId,
        step,
        nonce
    )
    .execute(db)
    .await?;
    Ok(confirmed.rows_affected() > 0)
}

/// Spends a step of the user's confirmed authenticator: true once per step, and only for a
/// step later than the last spent (a code seen once cannot sign in again).
pub async fn spend_step(
    db: impl PgExecutor<'_>,
    user: UserId,
    step: i64,
) -> Result<bool, sqlx::Error> {
    let spent = sqlx::query!(
        // language=PostgreSQL
        r#"update user_totp set last_used_step = $2
           where user_id = $1 and confirmed_at is not null and last_used_step < $2"#,
        user as UserId,
        step
    )
    .execute(db)
    .await?;
    Ok(spent.rows_affected() > 0)
}

/// Replaces the user's recovery codes.
pub async fn put_recovery_codes(
    db: impl PgExecutor<'_>,
    user: UserId,
    hashes: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"with dropped as (delete from user_recovery_code where user_id = $1)
           insert into user_recovery_code (user_id, code_hash)
           select $1, h from unnest($2::text[]) as h"#,
        user as UserId,
        hashes
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Spends one of the user's recovery codes: true once, and only while the user's
/// authenticator is on (codes outliving it by a race count for nothing).
pub async fn spend_recovery_code(
    db: impl PgExecutor<'_>,
    user: UserId,
    hash: &str,
) -> Result<bool, sqlx::Error> {
    let spent = sqlx::query!(
        // language=PostgreSQL
        r#"update user_recovery_code c set used_at = now()
           where c.user_id = $1 and c.code_hash = $2 and c.used_at is null
             and exists (select 1 from user_totp t
                         where t.user_id = $1 and t.confirmed_at is not null)"#,
        user as UserId,
        hash
    )
    .execute(db)
    .await?;
    Ok(spent.rows_affected() > 0)
}

/// Whether the user signs in with a second factor, how many recovery codes are left, and
/// whether the user's account requires a second factor.
pub struct Status {
    pub enabled: bool,
    pub recovery_codes_left: i64,
    pub required: bool,
}

pub async fn status(db: impl PgExecutor<'_>, user: UserId) -> Result<Status, sqlx::Error> {
    sqlx::query_as!(
        Status,
        // language=PostgreSQL
        r#"select exists (select 1 from user_totp where user_id = $1 and confirmed_at is not null)
                      as "enabled!",
                  (select count(*) from user_recovery_code where user_id = $1 and used_at is null)
                      as "recovery_codes_left!",
                  coalesce((select a.require_two_factor from account_user u join account a using (account_id)
                            where u.user_id = $1), false) as "required!""#,
        user as UserId
    )
    .fetch_one(db)
    .await
}

/// Turns two-factor sign-in off for the user: the authenticator and recovery codes go.
pub async fn remove(db: impl PgExecutor<'_>, user: UserId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"with codes as (delete from user_recovery_code where user_id = $1)
           delete from user_totp where user_id = $1"#,
        user as UserId
    )
    .execute(db)
    .await?;
    Ok(())
}
