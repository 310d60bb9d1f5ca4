//! Queries of two-factor sign-in (tables `authenticator`, `recovery_code`), whose rows are
//! a user's or an operator's: `holder_id` is either's id.

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::{auth::session::Claimant, server::vault::Sealed};

/// The holder's id, and the id column it goes in: (user, operator).
fn columns(holder: Claimant) -> (Uuid, Option<Uuid>, Option<Uuid>) {
    match holder {
        Claimant::User(user) => (holder.id(), Some(user.0), None),
        Claimant::Operator(operator) => (holder.id(), None, Some(operator)),
    }
}

/// Stores a new enrolling secret for the holder, replacing one still enrolling, and returns
/// the address the holder signs in with; `None` (and nothing changed) when the holder's
/// authenticator is confirmed already.
pub async fn put_enrolling(
    db: impl PgExecutor<'_>,
    holder: Claimant,
    sealed: &Sealed,
) -> Result<Option<String>, sqlx::Error> {
    let (_, user, operator) = columns(holder);
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"with stored as (
               insert into authenticator as t (user_id, operator_id, secret_nonce, secret_ciphertext)
               values ($1, $2, $3, $4)
               on conflict (holder_id) do update
                   set secret_nonce = excluded.secret_nonce,
                       secret_ciphertext = excluded.secret_ciphertext,
                       created_at = now()
                   where t.confirmed_at is null
               returning user_id, operator_id)
           select coalesce(u.email, o.email) as "email!" from stored s
           left join account_user u on u.user_id = s.user_id
           left join operator o on o.operator_id = s.operator_id"#,
        user,
        operator,
        sealed.nonce,
        sealed.ciphertext
    )
    .fetch_optional(db)
    .await
}

/// The holder's sealed secret: the confirmed one, or the one still enrolling.
pub async fn sealed_secret(
    db: impl PgExecutor<'_>,
    holder: Claimant,
    confirmed: bool,
) -> Result<Option<Sealed>, sqlx::Error> {
    sqlx::query_as!(
        Sealed,
        // language=PostgreSQL
        r#"select secret_nonce as nonce, secret_ciphertext as ciphertext from authenticator
           where holder_id = $1 and (confirmed_at is not null) = $2"#,
        columns(holder).0,
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
    holder: Claimant,
    step: i64,
    nonce: &[u8],
) -> Result<bool, sqlx::Error> {
    let confirmed = sqlx::query!(
        // language=PostgreSQL
        r#"update authenticator set confirmed_at = now(), last_used_step = $2
           where holder_id = $1 and confirmed_at is null and secret_nonce = $3"#,
        columns(holder).0,
        step,
        nonce
    )
    .execute(db)
    .await?;
    Ok(confirmed.rows_affected() > 0)
}

/// Spends a step of the holder's confirmed authenticator: true once per step, and only for
/// a step later than the last spent (a code seen once cannot sign in again).
pub async fn spend_step(
    db: impl PgExecutor<'_>,
    holder: Claimant,
    step: i64,
) -> Result<bool, sqlx::Error> {
    let spent = sqlx::query!(
        // language=PostgreSQL
        r#"update authenticator set last_used_step = $2
           where holder_id = $1 and confirmed_at is not null and last_used_step < $2"#,
        columns(holder).0,
        step
    )
    .execute(db)
    .await?;
    Ok(spent.rows_affected() > 0)
}

/// Replaces the holder's recovery codes.
pub async fn put_recovery_codes(
    db: impl PgExecutor<'_>,
    holder: Claimant,
    hashes: &[String],
) -> Result<(), sqlx::Error> {
    let (holder_id, user, operator) = columns(holder);
    sqlx::query!(
        // language=PostgreSQL
        r#"with dropped as (delete from recovery_code where holder_id = $1)
           insert into recovery_code (user_id, operator_id, code_hash)
           select $2, $3, h from unnest($4::text[]) as h"#,
        holder_id,
        user,
        operator,
        hashes
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Spends one of the holder's recovery codes: true once, and only while the holder's
/// authenticator is on (codes outliving it by a race count for nothing).
pub async fn spend_recovery_code(
    db: impl PgExecutor<'_>,
    holder: Claimant,
    hash: &str,
) -> Result<bool, sqlx::Error> {
    let spent = sqlx::query!(
        // language=PostgreSQL
        r#"update recovery_code c set used_at = now()
           where c.holder_id = $1 and c.code_hash = $2 and c.used_at is null
             and exists (select 1 from authenticator t
                         where t.holder_id = $1 and t.confirmed_at is not null)"#,
        columns(holder).0,
        hash
    )
    .execute(db)
    .await?;
    Ok(spent.rows_affected() > 0)
}

/// Whether the holder signs in with a second factor, how many recovery codes are left, and
/// whether a second factor is required of them (by a user's account; of every operator, by
/// the platform's setting).
pub struct Status {
    pub enabled: bool,
    pub recovery_codes_left: i64,
    pub required: bool,
}

pub async fn status(db: impl PgExecutor<'_>, holder: Claimant) -> Result<Status, sqlx::Error> {
    let (holder_id, user, operator) = columns(holder);
    sqlx::query_as!(
        Status,
        // language=PostgreSQL
        r#"select exists (select 1 from authenticator where holder_id = $1 and confirmed_at is not null)
                      as "enabled!",
                  (select count(*) from recovery_code where holder_id = $1 and used_at is null)
                      as "recovery_codes_left!",
                  coalesce((select a.require_two_factor from account_user u join account a using (account_id)
                            where u.user_id = $2),
                           (select p.require_operator_two_factor from platform_setting p
                            where $3::uuid is not null),
                           false) as "required!""#,
        holder_id,
        user,
        operator
    )
    .fetch_one(db)
    .await
}

/// Turns two-factor sign-in off for the holder: the authenticator (or one still being set
/// up) and recovery codes go; false when it was not on.
pub async fn remove(db: impl PgExecutor<'_>, holder: Claimant) -> Result<bool, sqlx::Error> {
    let removed = sqlx::query_scalar!(
        // language=PostgreSQL
        r#"with codes as (delete from recovery_code where holder_id = $1)
           delete from authenticator where holder_id = $1
           returning confirmed_at is not null as "on!""#,
        columns(holder).0
    )
    .fetch_optional(db)
    .await?;
    Ok(removed.unwrap_or(false))
}
