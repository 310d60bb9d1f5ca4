//! Queries for signing in and resolving sessions.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

use super::CurrentUser;
use crate::ids::{AccountId, UserId};

/// What sign-in needs to know about a user found by email.
pub struct SignInUser {
    pub user_id: UserId,
    pub password_hash: String,
    /// The user or its account is disabled.
    pub disabled: bool,
    /// The database's time of the read: the password hash was the user's then.
    pub read_at: OffsetDateTime,
}

pub async fn find_sign_in_user(
    db: impl PgExecutor<'_>,
    email: &str,
) -> Result<Option<SignInUser>, sqlx::Error> {
    sqlx::query_as!(
        SignInUser,
        // language=PostgreSQL
        r#"select u.user_id as "user_id: UserId", u.password_hash,
                  (u.disabled_at is not null or a.disabled_at is not null) as "disabled!",
                  now() as "read_at!"
           from account_user u join account a using (account_id)
           where u.email = $1"#,
        email
    )
    .fetch_optional(db)
    .await
}

/// Whose a user is, and their name (for the audit log: their ARN).
pub struct UserOfAccount {
    pub account_id: AccountId,
    pub name: String,
}

pub async fn find_user_of_account(
    db: impl PgExecutor<'_>,
    user: UserId,
) -> Result<Option<UserOfAccount>, sqlx::Error> {
    sqlx::query_as!(
        UserOfAccount,
        // language=PostgreSQL
        r#"select account_id as "account_id: AccountId", name from account_user where user_id = $1"#,
        user as UserId
    )
    .fetch_optional(db)
    .await
}

/// An enabled user of an enabled account.
pub struct ActiveUser {
    pub account_id: AccountId,
    pub name: String,
    pub role: String,
}

/// The user of a registered session, if it is still one: enabled, of an enabled account,
/// and — where the account requires two-factor sign-in — with an authenticator (a sign-in
/// that raced the requirement being turned on ends here).
pub async fn find_active_user(
    db: impl PgExecutor<'_>,
    user_id: UserId,
    handle: Uuid,
) -> Result<Option<ActiveUser>, sqlx::Error> {
    sqlx::query_as!(
        ActiveUser,
        // language=PostgreSQL
        r#"select u.account_id as "account_id: AccountId", u.name, u.role
           from user_session s join account_user u using (user_id) join account a using (account_id)
           where s.handle = $2 and s.user_id = $1
             and u.disabled_at is null and a.disabled_at is null
             and (not a.require_two_factor
                  or exists (select 1 from authenticator t
                             where t.user_id = u.user_id and t.confirmed_at is not null))"#,
        user_id as UserId,
        handle
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

/// The signed-in user as the header shows it (the same rules as `find_active_user`).
pub async fn find_current_user(
    db: impl PgExecutor<'_>,
    user_id: UserId,
    handle: Uuid,
) -> Result<Option<CurrentUserRow>, sqlx::Error> {
    sqlx::query_as!(
        CurrentUserRow,
        // language=PostgreSQL
        r#"select u.account_id as "account_id: AccountId", a.name as account_name,
                  u.name as user_name, u.email, u.role
           from user_session s join account_user u using (user_id) join account a using (account_id)
           where s.handle = $2 and s.user_id = $1
             and u.disabled_at is null and a.disabled_at is null"#,
        user_id as UserId,
        handle
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

/// A signed-in operator, as each request checks them.
pub struct ActiveOperator {
    pub email: String,
    /// Only a session signed in with a second factor is theirs: the operator has an
    /// authenticator, or the platform requires one of every operator.
    pub second_factor_needed: bool,
}

pub async fn find_active_operator(
    db: impl PgExecutor<'_>,
    operator_id: Uuid,
) -> Result<Option<ActiveOperator>, sqlx::Error> {
    sqlx::query_as!(
        ActiveOperator,
        // language=PostgreSQL
        r#"select o.email,
                  (p.require_operator_two_factor
                   or exists (select 1 from authenticator t
                              where t.operator_id = o.operator_id and t.confirmed_at is not null))
                      as "second_factor_needed!"
           from operator o cross join platform_setting p where o.operator_id = $1"#,
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

/// The account whose user signs in with `email`, if any.
pub async fn account_of_email(
    db: impl PgExecutor<'_>,
    email: &str,
) -> Result<Option<AccountId>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select account_id as "account_id: AccountId" from account_user where email = $1"#,
        email
    )
    .fetch_optional(db)
    .await
}

/// A sign-up waiting for its link to be opened.
pub struct SignUpRequest {
    pub email: String,
    pub account_name: String,
}

/// Records a sign-up under the sha256 of its link's token.
pub async fn insert_sign_up_request(
    db: impl PgExecutor<'_>,
    token: &str,
    request: &SignUpRequest,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into sign_up_request (token_hash, email, account_name)
           values (encode(sha256(convert_to($1, 'UTF8')), 'hex'), $2, $3)"#,
        token,
        request.email,
        request.account_name
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The sign-up a link's token stands for, if it is younger than `validity_secs`.
pub async fn find_sign_up_request(
    db: impl PgExecutor<'_>,
    token: &str,
    validity_secs: f64,
) -> Result<Option<SignUpRequest>, sqlx::Error> {
    sqlx::query_as!(
        SignUpRequest,
        // language=PostgreSQL
        r#"select email, account_name from sign_up_request
           where token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')
             and created_at > now() - make_interval(secs => $2)"#,
        token,
        validity_secs
    )
    .fetch_optional(db)
    .await
}

/// Spends the link: removes its sign-up (and every other waiting for the same address)
/// and returns it — to one caller only, however many confirm at once.
pub async fn take_sign_up_request(
    db: impl PgExecutor<'_>,
    token: &str,
    validity_secs: f64,
) -> Result<Option<SignUpRequest>, sqlx::Error> {
    sqlx::query_as!(
        SignUpRequest,
        // language=PostgreSQL
        r#"with taken as (
               delete from sign_up_request
               where token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')
                 and created_at > now() - make_interval(secs => $2)
               returning email, account_name),
           others as (
               delete from sign_up_request r using taken t
               where r.email = t.email
                 and r.token_hash <> encode(sha256(convert_to($1, 'UTF8')), 'hex'))
           select email as "email!", account_name as "account_name!" from taken"#,
        token,
        validity_secs
    )
    .fetch_optional(db)
    .await
}

/// Deletes sign-ups whose link has expired.
pub async fn forget_expired_sign_ups(
    db: impl PgExecutor<'_>,
    validity_secs: f64,
) -> Result<u64, sqlx::Error> {
    let deleted = sqlx::query!(
        // language=PostgreSQL
        r#"delete from sign_up_request where created_at < now() - make_interval(secs => $1)"#,
        validity_secs
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected())
}

/// Records a password reset for the user under the sha256 of its link's token, replacing
/// any earlier one (only the latest link works).
pub async fn put_password_reset(
    db: impl PgExecutor<'_>,
    token: &str,
    user: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into password_reset (token_hash, user_id)
           values (encode(sha256(convert_to($1, 'UTF8')), 'hex'), $2)
           on conflict (user_id) do update set token_hash = excluded.token_hash, created_at = now()"#,
        token,
        user as UserId
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Whether the link `token` works: younger than `validity_secs`, for an enabled user.
pub async fn password_reset_works(
    db: impl PgExecutor<'_>,
    token: &str,
    validity_secs: f64,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select exists (
               select 1 from password_reset r
               join account_user u using (user_id) join account a using (account_id)
               where r.token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')
                 and r.created_at > now() - make_interval(secs => $2)
                 and u.disabled_at is null and a.disabled_at is null) as "works!""#,
        token,
        validity_secs
    )
    .fetch_one(db)
    .await
}

/// Spends the link, sets the user's password hash and ends every session of the user;
/// returns the user — to one caller only, however many reset at once.
pub async fn reset_password(
    db: impl PgExecutor<'_>,
    token: &str,
    validity_secs: f64,
    password_hash: &str,
) -> Result<Option<UserId>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"with taken as (
               delete from password_reset
               where token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')
                 and created_at > now() - make_interval(secs => $2)
               returning user_id),
           reset as (
               update account_user u
               set password_hash = $3, password_changed_at = now()
               from taken t join account_user v using (user_id) join account a using (account_id)
               where u.user_id = t.user_id and v.disabled_at is null and a.disabled_at is null
               returning u.user_id),
           ended as (
               delete from user_session s using reset r where s.user_id = r.user_id)
           select user_id as "user_id: UserId" from reset"#,
        token,
        validity_secs,
        password_hash
    )
    .fetch_optional(db)
    .await
}

/// Deletes password resets whose link has expired.
pub async fn forget_expired_password_resets(
    db: impl PgExecutor<'_>,
    validity_secs: f64,
) -> Result<u64, sqlx::Error> {
    let deleted = sqlx::query!(
        // language=PostgreSQL
        r#"delete from password_reset where created_at < now() - make_interval(secs => $1)"#,
        validity_secs
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected())
}
