//! Queries on users. Every function takes the account first and filters by it.

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
        r#"select user_id as "user_id: UserId", name, email, role,
                  disabled_at is not null as "disabled!", created_at
           from account_user where account_id = $1 order by name"#,
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

/// Disables or enables a user of the account; false if the account has no such user.
pub async fn set_user_disabled(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    user: UserId,
    disabled: bool,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        // language=PostgreSQL
        r#"update account_user set disabled_at = case when $3 then coalesce(disabled_at, now()) end
           where account_id = $1 and user_id = $2"#,
        account.as_str(),
        user as UserId,
        disabled
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() == 1)
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
