//! Queries of the Security page that are not the registry's.

use sqlx::PgExecutor;

use crate::{
    auth::session::Claimant,
    ids::{AccountId, UserId},
};

/// The address and password hash a user or operator signs in with.
pub struct Password {
    pub email: String,
    pub hash: String,
}

pub async fn password_of(
    db: impl PgExecutor<'_>,
    holder: Claimant,
) -> Result<Option<Password>, sqlx::Error> {
    let (user, operator) = match holder {
        Claimant::User(user) => (Some(user.0), None),
        Claimant::Operator(operator) => (None, Some(operator)),
    };
    sqlx::query_as!(
        Password,
        // language=PostgreSQL
        r#"select email as "email!", password_hash as "hash!" from account_user where user_id = $1
           union all
           select email, password_hash from operator where operator_id = $2"#,
        user,
        operator
    )
    .fetch_optional(db)
    .await
}

/// Replaces the password hash `checked` with `hash`, if the session `handle` of the user
/// is still live; false (and nothing changed) otherwise.
pub async fn set_password(
    db: impl PgExecutor<'_>,
    user: UserId,
    checked: &str,
    hash: &str,
    handle: uuid::Uuid,
) -> Result<bool, sqlx::Error> {
    let set = sqlx::query!(
        // language=PostgreSQL
        r#"update account_user set password_hash = $3, password_changed_at = now()
           where user_id = $1 and password_hash = $2
             and exists (select 1 from user_session where handle = $4 and user_id = $1)"#,
        user as UserId,
        checked,
        hash,
        handle
    )
    .execute(db)
    .await?;
    Ok(set.rows_affected() > 0)
}

/// Records (or replaces) the user's pending change of address.
pub async fn put_email_change(
    db: impl PgExecutor<'_>,
    user: UserId,
    token: &str,
    new_email: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into email_change (user_id, token_hash, new_email)
           values ($1, encode(sha256(convert_to($2, 'UTF8')), 'hex'), $3)
           on conflict (user_id) do update
               set token_hash = excluded.token_hash, new_email = excluded.new_email,
                   created_at = now()"#,
        user as UserId,
        token,
        new_email
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The address a working link would confirm.
pub async fn email_change_to(
    db: impl PgExecutor<'_>,
    token: &str,
    validity_secs: f64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select new_email from email_change
           where token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')
             and created_at > now() - make_interval(secs => $2)"#,
        token,
        validity_secs
    )
    .fetch_optional(db)
    .await
}

/// A confirmed change of address.
pub struct ChangedEmail {
    pub account_id: AccountId,
    pub user_name: String,
    pub old_email: String,
    pub new_email: String,
}

/// Spends a working link and sets its address as the user's (one caller only, however
/// many confirm at once); a unique violation when the address was taken meanwhile.
pub async fn take_email_change(
    db: impl PgExecutor<'_>,
    token: &str,
    validity_secs: f64,
) -> Result<Option<ChangedEmail>, sqlx::Error> {
    sqlx::query_as!(
        ChangedEmail,
        // language=PostgreSQL
        r#"with taken as (
               delete from email_change
               where token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')
                 and created_at > now() - make_interval(secs => $2)
               returning user_id, new_email),
           old as (select u.user_id, u.email from account_user u join taken using (user_id))
           update account_user u set email = t.new_email
           from taken t join old using (user_id)
           where u.user_id = t.user_id
           returning u.account_id as "account_id: AccountId", u.name as user_name,
                     old.email as old_email, u.email as new_email"#,
        token,
        validity_secs
    )
    .fetch_optional(db)
    .await
}
