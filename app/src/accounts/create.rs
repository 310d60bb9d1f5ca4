//! Creating an account with its first user (shared by sign-up and `sesame admin`).

use sqlx::PgTransaction;

use super::{db, AccountName};
use crate::{
    auth::Role,
    email::EmailAddress,
    error::AppError,
    ids::{AccountId, UserId},
    server::errors::ConstraintExt,
    users,
};

/// The name of an account's first user.
pub const FIRST_USER_NAME: &str = "admin";

pub struct CreatedAccount {
    pub account_id: AccountId,
    pub admin: UserId,
}

/// Inserts the account (a fresh random id), its limits in every region (sandboxed, SES's
/// defaults) and its admin user, inside the caller's transaction.
pub async fn create_account(
    tx: &mut PgTransaction<'_>,
    name: &AccountName,
    email: &EmailAddress,
    password_hash: &str,
    regions: &[String],
) -> Result<CreatedAccount, AppError> {
    // Ids are random in a space of 10^12; a collision is rare, and retried.
    let mut account_id = None;
    for _ in 0..5 {
        let candidate = AccountId::generate();
        if db::insert_account(&mut **tx, &candidate, name.as_str()).await? {
            account_id = Some(candidate);
            break;
        }
    }
    let account_id = account_id
        .ok_or_else(|| crate::server::errors::internal("no free account id after 5 tries"))?;
    db::insert_region_limits(&mut **tx, &account_id, regions).await?;
    let admin = users::db::insert_user(
        &mut **tx,
        &account_id,
        FIRST_USER_NAME,
        email.as_str(),
        password_hash,
        Role::Admin,
    )
    .await
    .on_constraint("account_user_email_key", users::email_taken)?;
    Ok(CreatedAccount { account_id, admin })
}
