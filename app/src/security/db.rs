//! Queries of the Security page that are not the registry's.

use sqlx::PgExecutor;

use crate::ids::UserId;

/// The address and password hash a user signs in with.
pub struct Password {
    pub email: String,
    pub hash: String,
}

pub async fn password_of(
    db: impl PgExecutor<'_>,
    user: UserId,
) -> Result<Option<Password>, sqlx::Error> {
    sqlx::query_as!(
        Password,
        // language=PostgreSQL
        r#"select email, password_hash as hash from account_user where user_id = $1"#,
        user as UserId
    )
    .fetch_optional(db)
    .await
}

pub async fn set_password(
    db: impl PgExecutor<'_>,
    user: UserId,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"update account_user set password_hash = $2 where user_id = $1"#,
        user as UserId,
        hash
    )
    .execute(db)
    .await?;
    Ok(())
}
