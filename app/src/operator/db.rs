//! Platform-wide queries for operators (and the admin CLI).

use sqlx::PgExecutor;
use time::macros::format_description;

use super::{AccessRequest, AccountSummary};
use crate::ids::AccountId;

pub async fn list_accounts(db: impl PgExecutor<'_>) -> Result<Vec<AccountSummary>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"select a.account_id as "account_id: AccountId", a.name, a.created_at,
                  a.disabled_at is not null as "disabled!",
                  (select count(*) from account_user u where u.account_id = a.account_id) as "users!",
                  array(select region from account_region r
                        where r.account_id = a.account_id and r.sandbox order by region) as "sandbox_regions!"
           from account a order by a.created_at desc"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AccountSummary {
            account_id: r.account_id,
            name: r.name,
            users: r.users,
            created: r
                .created_at
                .format(format_description!("[year]-[month]-[day]"))
                .unwrap_or_default(),
            disabled: r.disabled,
            sandbox_regions: r.sandbox_regions,
        })
        .collect())
}

/// Pending production-access requests, oldest first.
pub async fn access_requests(db: impl PgExecutor<'_>) -> Result<Vec<AccessRequest>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"select r.account_id as "account_id: AccountId", a.name, r.region,
                  r.production_access_requested_at as "requested_at!",
                  coalesce(r.production_access_use_case, '') as "use_case!",
                  coalesce(r.production_access_max_24_hour_send, 50000) as "max_24_hour_send!",
                  coalesce(r.production_access_max_send_rate, 14) as "max_send_rate!"
           from account_region r join account a on a.account_id = r.account_id
           where r.sandbox and r.production_access_requested_at is not null
           order by r.production_access_requested_at"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AccessRequest {
            account_id: r.account_id,
            account_name: r.name,
            region: r.region,
            requested: crate::server::shown(r.requested_at),
            use_case: r.use_case,
            max_24_hour_send: r.max_24_hour_send,
            max_send_rate: r.max_send_rate,
        })
        .collect())
}

/// Disables or re-enables an account: whether that changed it (false: it was so already);
/// `None` if there is no such account.
pub async fn set_account_disabled(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    disabled: bool,
) -> Result<Option<bool>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"with target as (
               select account_id, disabled_at is not null as was from account
               where account_id = $1 for update),
           updated as (
               update account a set disabled_at = case when $2 then now() end from target t
               where a.account_id = t.account_id and t.was <> $2)
           select was <> $2 as "changed!" from target"#,
        account.as_str(),
        disabled
    )
    .fetch_optional(db)
    .await
}

/// Recipients waiting for delivery, and when the oldest of their messages was accepted.
pub async fn queue_depth(
    db: impl PgExecutor<'_>,
) -> Result<(i64, Option<time::OffsetDateTime>), sqlx::Error> {
    let row = sqlx::query!(
        // language=PostgreSQL
        r#"select count(*) as "queued!", min(m.created_at) as oldest
           from message_recipient r join message m on m.message_id = r.message_id
           where r.status = 'Queued'"#
    )
    .fetch_one(db)
    .await?;
    Ok((row.queued, row.oldest))
}

/// Whether the platform requires every operator to sign in with a second factor.
pub async fn operator_two_factor_required(db: impl PgExecutor<'_>) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select require_operator_two_factor from platform_setting"#
    )
    .fetch_one(db)
    .await
}

/// Requires (or stops requiring) every operator to sign in with a second factor; false when
/// it was so already (nothing changed).
pub async fn set_operator_two_factor_required(
    db: impl PgExecutor<'_>,
    required: bool,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        // language=PostgreSQL
        r#"update platform_setting set require_operator_two_factor = $1
           where require_operator_two_factor <> $1"#,
        required
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() > 0)
}
