//! Queries for signing in and resolving sessions.

use sqlx::PgExecutor;
use uuid::Uuid;

use super::CurrentUser;
use crate::ids::{AccountId, UserId};

/// What sign-in needs to know about a user found by email.
pub struct SignInUser {
    pub user_id: UserId,
    pub password_hash: String,
    /// The user or its account is disabled.
    pub disabled: bool,
}

pub async fn find_sign_in_user(
    db: impl PgExecutor<'_>,
    email: &str,
) -> Result<Option<SignInUser>, sqlx::Error> {
    sqlx::query_as!(
        SignInUser,
        // language=PostgreSQL
        r#"select u.user_id as "user_id: UserId", u.password_hash,
                  (u.disabled_at is not null or a.disabled_at is not null) as "disabled!"
           from account_user u join account a using (account_id)
           where u.email = $1"#,
        email
    )
    .fetch_optional(db)
    .await
}

/// An enabled user of an enabled account.
pub struct ActiveUser {
    pub account_id: AccountId,
    pub role: String,
}

pub async fn find_active_user(
    db: impl PgExecutor<'_>,
    user_id: UserId,
) -> Result<Option<ActiveUser>, sqlx::Error> {
    sqlx::query_as!(
        ActiveUser,
        // language=PostgreSQL
        r#"select u.account_id as "account_id: AccountId", u.role
           from account_user u join account a using (account_id)
           where u.user_id = $1 and u.disabled_at is null and a.disabled_at is null"#,
        user_id as UserId
    )
    .fetch_optional(db)
    .await
}

pub struct CurrentUserRow {
    account_id: AccountId,
    account_name: String,
    user_name: String,
    email: String,
    role: String,
}

impl CurrentUserRow {
    pub fn into_current_user(self) -> Result<CurrentUser, String> {
        Ok(CurrentUser {
            account_id: self.account_id,
            account_name: self.account_name,
            user_name: self.user_name,
            email: self.email,
            role: self.role.parse()?,
        })
    }
}

pub async fn find_current_user(
    db: impl PgExecutor<'_>,
    user_id: UserId,
) -> Result<Option<CurrentUserRow>, sqlx::Error> {
    sqlx::query_as!(
        CurrentUserRow,
        // language=PostgreSQL
        r#"select u.account_id as "account_id: AccountId", a.name as account_name,
                  u.name as user_name, u.email, u.role
           from account_user u join account a using (account_id)
           where u.user_id = $1 and u.disabled_at is null and a.disabled_at is null"#,
        user_id as UserId
    )
    .fetch_optional(db)
    .await
}

pub struct SignInOperator {
    pub operator_id: Uuid,
    pub password_hash: String,
}

pub async fn find_sign_in_operator(
    db: impl PgExecutor<'_>,
    email: &str,
) -> Result<Option<SignInOperator>, sqlx::Error> {
    sqlx::query_as!(
        SignInOperator,
        // language=PostgreSQL
        r#"select operator_id, password_hash from operator where email = $1"#,
        email
    )
    .fetch_optional(db)
    .await
}

pub async fn find_operator_email(
    db: impl PgExecutor<'_>,
    operator_id: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select email from operator where operator_id = $1"#,
        operator_id
    )
    .fetch_optional(db)
    .await
}

/// Creates an operator; fails on `operator_email_key` if the email is taken.
pub async fn insert_operator(
    db: impl PgExecutor<'_>,
    email: &str,
    password_hash: &str,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"insert into operator (operator_id, email, password_hash) values ($1, $2, $3)
           returning operator_id"#,
        Uuid::new_v4(),
        email,
        password_hash
    )
    .fetch_one(db)
    .await
}
