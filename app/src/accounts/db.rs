//! Queries on accounts and their per-region limits.

use sqlx::{PgExecutor, PgTransaction};

use super::RegionLimits;
use crate::ids::AccountId;

/// Inserts an account; false if the id is already taken.
pub async fn insert_account(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    name: &str,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query!(
        // language=PostgreSQL
        r#"insert into account (account_id, name) values ($1, $2) on conflict (account_id) do nothing"#,
        account.as_str(),
        name
    )
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Gives the account limits in each region it has none in yet (SES's sandbox defaults).
pub async fn insert_region_limits(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    regions: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into account_region (account_id, region)
           select $1, region from unnest($2::text[]) as region
           on conflict do nothing"#,
        account.as_str(),
        regions
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Gives every account limits in every configured region (run at startup, so a newly
/// configured region has rows for old accounts).
pub async fn insert_missing_region_limits(
    db: impl PgExecutor<'_>,
    regions: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into account_region (account_id, region)
           select account_id, region from account cross join unnest($1::text[]) as region
           on conflict do nothing"#,
        regions
    )
    .execute(db)
    .await?;
    Ok(())
}

pub struct AccountRow {
    pub name: String,
    pub users: i64,
}

pub async fn find_account(
    db: impl PgExecutor<'_>,
    account: &AccountId,
) -> Result<Option<AccountRow>, sqlx::Error> {
    sqlx::query_as!(
        AccountRow,
        // language=PostgreSQL
        r#"select name, (select count(*) from account_user u where u.account_id = a.account_id) as "users!"
           from account a where account_id = $1"#,
        account.as_str()
    )
    .fetch_optional(db)
    .await
}

pub async fn list_region_limits(
    db: impl PgExecutor<'_>,
    account: &AccountId,
) -> Result<Vec<RegionLimits>, sqlx::Error> {
    sqlx::query_as!(
        RegionLimits,
        // language=PostgreSQL
        r#"select r.region, r.sandbox, r.max_24_hour_send, r.max_send_rate,
                  sent_last_24_hours(r.account_id, r.region) as "sent_last_24_hours!",
                  r.production_access_requested_at is not null as "production_access_requested!",
                  r.production_access_use_case, r.enforcement_status
           from account_region r where r.account_id = $1 order by r.region"#,
        account.as_str()
    )
    .fetch_all(db)
    .await
}

/// What an admin asks for when it asks to leave the sandbox.
pub struct AccessRequest<'a> {
    pub use_case: &'a str,
    pub max_24_hour_send: f64,
    pub max_send_rate: f64,
}

/// Records (or restates) a request to leave the sandbox in a region; false unless the
/// account is in the sandbox there.
pub async fn request_production_access(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
    request: &AccessRequest<'_>,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        // language=PostgreSQL
        r#"update account_region
           set production_access_requested_at = now(), production_access_use_case = $3,
               production_access_max_24_hour_send = $4, production_access_max_send_rate = $5
           where account_id = $1 and region = $2 and sandbox"#,
        account.as_str(),
        region,
        request.use_case,
        request.max_24_hour_send,
        request.max_send_rate
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Moves an account into or out of the sandbox in a region (settling any request to leave
/// it); false if it has no such region.
pub async fn set_sandbox(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
    sandbox: bool,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        // language=PostgreSQL
        r#"update account_region set sandbox = $3, production_access_requested_at = null
           where account_id = $1 and region = $2"#,
        account.as_str(),
        region,
        sandbox
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Grants production access in a region with new quotas (settling the request); false if
/// the account has no such region.
pub async fn grant_production_access(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
    max_24_hour_send: f64,
    max_send_rate: f64,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        // language=PostgreSQL
        r#"update account_region
           set sandbox = false, max_24_hour_send = $3, max_send_rate = $4,
               production_access_requested_at = null
           where account_id = $1 and region = $2"#,
        account.as_str(),
        region,
        max_24_hour_send,
        max_send_rate
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Turns a pending request down; false if there was none.
pub async fn decline_production_access(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        // language=PostgreSQL
        r#"update account_region set production_access_requested_at = null
           where account_id = $1 and region = $2 and production_access_requested_at is not null"#,
        account.as_str(),
        region
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Sets an account's quotas in a region; false if it has no such region.
pub async fn set_quota(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
    max_24_hour_send: f64,
    max_send_rate: f64,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        // language=PostgreSQL
        r#"update account_region set max_24_hour_send = $3, max_send_rate = $4
           where account_id = $1 and region = $2"#,
        account.as_str(),
        region,
        max_24_hour_send,
        max_send_rate
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Locks the account's row for a region until the caller's transaction ends, serialising
/// creations that count against a per-region limit; false if the account does not use the
/// region.
pub async fn lock_region(
    tx: &mut PgTransaction<'_>,
    account: &AccountId,
    region: &str,
) -> Result<bool, sqlx::Error> {
    let locked = sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select region from account_region where account_id = $1 and region = $2 for update"#,
        account.as_str(),
        region
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(locked.is_some())
}
