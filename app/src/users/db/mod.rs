//! Queries on users (and, in `invitations`, on invitations to become one). Every function
//! takes the account first and filters by it.

mod invitations;

pub use invitations::*;

use sqlx::PgExecutor;
use time::{macros::format_description, OffsetDateTime};
use uuid::Uuid;

use super::User;
use crate::{
    auth::{user_arn, Role},
    ids::{AccountId, UserId},
};

/// Creates a user; fails on `account_user_email_key` or `account_user_name_key` when taken.
pub async fn insert_user(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    name: &str,
    email: &str,
    password_hash: &str,
    role: Role,
) -> Result<UserId, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"insert into account_user (user_id, account_id, name, email, password_hash, role)
           values ($1, $2, $3, $4, $5, $6) returning user_id as "user_id: UserId""#,
        Uuid::new_v4(),
        account.as_str(),
        name,
        email,
        password_hash,
        role.as_str()
    )
    .fetch_one(db)
    .await
}

struct UserRow {
    user_id: UserId,
    name: String,
    email: String,
    role: String,
    disabled: bool,
    two_factor: bool,
    created_at: OffsetDateTime,
}

impl UserRow {
    fn into_user(self, account: &AccountId) -> Result<User, String> {
        let created = self
            .created_at
            .format(format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .map_err(|e| e.to_string())?;
        Ok(User {
            arn: user_arn(account, &self.name),
            user_id: self.user_id,
            name: self.name,
            email: self.email,
            role: self.role.parse()?,
            disabled: self.disabled,
            two_factor: self.two_factor,
            created,
        })
    }
}

pub async fn list_users(
    db: impl PgExecutor<'_>,
    account: &AccountId,
) -> Result<Vec<User>, crate::error::AppError> {
    let rows = sqlx::query_as!(
        UserRow,
        // language=PostgreSQL
        r#"select u.user_id as "user_id: UserId", u.name, u.email, u.role,
                  u.disabled_at is not null as "disabled!",
                  t.confirmed_at is not null as "two_factor!", u.created_at
           from account_user u left join authenticator t using (user_id)
           where u.account_id = $1 order by u.name"#,
        account.as_str()
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            r.into_user(account)
                .map_err(crate::server::errors::internal)
        })
        .collect()
}

/// Finds a user by email within the account (for the admin CLI).
pub async fn find_user_id_by_email(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    email: &str,
) -> Result<Option<UserId>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select user_id as "user_id: UserId" from account_user where account_id = $1 and email = $2"#,
        account.as_str(),
        email
    )
    .fetch_optional(db)
    .await
}

/// Disables or enables a user of the account; false when they were so already (or the
/// account has no such user).
pub async fn set_user_disabled(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    user: UserId,
    disabled: bool,
) -> Result<bool, sqlx::Error> {
    // Disabling ends the user's sessions too, so enabling them again brings none back.
    let updated = sqlx::query_scalar!(
        // language=PostgreSQL
        r#"with updated as (
               update account_user set disabled_at = case when $3 then now() end
               where account_id = $1 and user_id = $2 and (disabled_at is not null) <> $3
               returning user_id),
           ended as (
               delete from user_session s using updated u where $3 and s.user_id = u.user_id)
           select count(*) as "updated!" from updated"#,
        account.as_str(),
        user as UserId,
        disabled
    )
    .fetch_one(db)
    .await?;
    Ok(updated == 1)
}

/// Deletes a user of the account (and its access keys); false if there is no such user.
pub async fn delete_user(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    user: UserId,
) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query!(
        // language=PostgreSQL
        r#"delete from account_user where account_id = $1 and user_id = $2"#,
        account.as_str(),
        user as UserId
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

/// A user's name (its ARN is built from it).
pub async fn find_user_name(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    user: UserId,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select name from account_user where account_id = $1 and user_id = $2"#,
        account.as_str(),
        user as UserId
    )
    .fetch_optional(db)
    .await
}

/// A user's name, the row locked until the transaction ends (a change to the user and its
/// audit entry then agree on who it was).
pub async fn lock_user_name(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    user: UserId,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select name from account_user where account_id = $1 and user_id = $2 for update"#,
        account.as_str(),
        user as UserId
    )
    .fetch_optional(db)
    .await
}

/// Requires (or stops requiring) two-factor sign-in of the account's users; when it is
/// required, the sessions of users without it end (they set it up at their next sign-in).
/// False (and nothing changed) when it was so already.
pub async fn set_two_factor_required(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    required: bool,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"with required as (
               update account set require_two_factor = $2
               where account_id = $1 and require_two_factor <> $2
               returning account_id),
           ended as (
               delete from user_session s using account_user u, required r
               where $2 and s.user_id = u.user_id and u.account_id = r.account_id
                 and not exists (select 1 from authenticator t
                                 where t.user_id = u.user_id and t.confirmed_at is not null))
           select exists (select 1 from required) as "changed!""#,
        account.as_str(),
        required
    )
    .fetch_one(db)
    .await
}

/// Turns a user's two-factor sign-in off (a lost authenticator and recovery codes) and
/// ends their sessions; false when the account has no such user.
pub async fn reset_two_factor(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    user: UserId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"with target as (
               select user_id from account_user where user_id = $2 and account_id = $1),
           authenticators as (delete from authenticator t using target where t.user_id = target.user_id),
           codes as (delete from recovery_code c using target where c.user_id = target.user_id),
           sessions as (delete from user_session s using target where s.user_id = target.user_id)
           select count(*) as "found!" from target"#,
        account.as_str(),
        user as UserId
    )
    .fetch_one(db)
    .await
    .map(|found| found > 0)
}

/// Whether the account requires two-factor sign-in.
pub async fn two_factor_required(
    db: impl PgExecutor<'_>,
    account: &AccountId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select require_two_factor from account where account_id = $1"#,
        account.as_str()
    )
    .fetch_one(db)
    .await
}
