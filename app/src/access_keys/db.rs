//! Queries on access keys. Every function takes the account first and filters by it.

use sqlx::{PgExecutor, PgTransaction};
use time::{macros::format_description, OffsetDateTime};

use super::{
    scope::{KeyLimits, KeyScope},
    AccessKey,
};
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

/// Stores a new key with its scope, expiring `expires_in_days` from now (None: never).
pub async fn insert_access_key(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    user: UserId,
    access_key_id: &str,
    secret: &Sealed,
    (scope, expires_in_days): (&KeyScope, Option<i64>),
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into access_key (access_key_id, account_id, user_id, secret_nonce, secret_ciphertext,
                                   allowed_sources, allowed_actions, allowed_identities, expires_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(days => $9::int))"#,
        access_key_id,
        account.as_str(),
        user as UserId,
        secret.nonce,
        secret.ciphertext,
        &scope.sources,
        &scope.actions,
        &scope.identities,
        expires_in_days.map(|d| d as i32),
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
        r#"select access_key_id, status, created_at, last_used_at, last_used_region,
                  last_used_action, allowed_sources, allowed_actions, allowed_identities,
                  expires_at, coalesce(expires_at <= now(), false) as "expired!"
           from access_key
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
            last_used_region: r.last_used_region,
            last_used_action: r.last_used_action,
            scope: KeyScope {
                sources: r.allowed_sources,
                actions: r.allowed_actions,
                identities: r.allowed_identities,
            },
            expires: r.expires_at.map(format_time),
            expired: r.expired,
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

/// The key an API request is signed with, and the standing of its user and account.
#[derive(Clone)]
pub struct SigningKey {
    pub account_id: AccountId,
    pub user_id: UserId,
    pub user_name: String,
    pub role: String,
    pub active: bool,
    pub user_disabled: bool,
    pub account_disabled: bool,
    /// Past its expiry: refused as an unknown key.
    pub expired: bool,
    pub limits: KeyLimits,
    /// Used within the last minute: no need to record the use again.
    pub used_recently: bool,
    pub secret: Sealed,
}

impl SigningKey {
    /// Active, of an enabled user, and not expired: a key that is not is refused as an
    /// unknown one (its account may be disabled: that has its own answer).
    pub fn usable(&self) -> bool {
        self.active && !self.user_disabled && !self.expired
    }
}

/// Resolves an API credential by key id alone — the key id is how a signed request says
/// which account it belongs to, as a session cookie does for pages.
pub async fn find_signing_key(
    db: impl PgExecutor<'_>,
    access_key_id: &str,
) -> Result<Option<SigningKey>, sqlx::Error> {
    let row = sqlx::query!(
        // language=PostgreSQL
        r#"select k.account_id as "account_id: AccountId", k.user_id as "user_id: UserId",
                  u.name, u.role, k.status = 'Active' as "active!",
                  u.disabled_at is not null as "user_disabled!",
                  a.disabled_at is not null as "account_disabled!",
                  coalesce(k.last_used_at > now() - interval '1 minute', false) as "used_recently!",
                  coalesce(k.expires_at <= now(), false) as "expired!",
                  k.allowed_sources, k.allowed_actions, k.allowed_identities,
                  k.secret_nonce, k.secret_ciphertext
           from access_key k
           join account_user u on u.account_id = k.account_id and u.user_id = k.user_id
           join account a on a.account_id = k.account_id
           where k.access_key_id = $1"#,
        access_key_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| SigningKey {
        account_id: r.account_id,
        user_id: r.user_id,
        user_name: r.name,
        role: r.role,
        active: r.active,
        user_disabled: r.user_disabled,
        account_disabled: r.account_disabled,
        expired: r.expired,
        limits: KeyLimits::stored(&r.allowed_sources, r.allowed_actions, r.allowed_identities),
        used_recently: r.used_recently,
        secret: Sealed {
            nonce: r.secret_nonce,
            ciphertext: r.secret_ciphertext,
        },
    }))
}

/// Records that a key was used, where and for what, at most once a minute (not a write
/// per request).
pub async fn touch_last_used(
    db: impl PgExecutor<'_>,
    access_key_id: &str,
    region: &str,
    action: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"update access_key set last_used_at = now(), last_used_region = $2, last_used_action = $3
           where access_key_id = $1
             and (last_used_at is null or last_used_at < now() - interval '1 minute')"#,
        access_key_id,
        region,
        action
    )
    .execute(db)
    .await?;
    Ok(())
}
