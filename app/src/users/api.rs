//! Server functions for managing an account's users (admins only).

use leptos::prelude::*;

use super::User;
use crate::{auth::Role, error::AppError, ids::UserId};

#[cfg(feature = "ssr")]
use {
    super::{check_user_name, db, email_taken, name_taken},
    crate::{
        auth::{password, session::require_account, Permission},
        email::EmailAddress,
        server::{app_context, errors::ConstraintExt},
    },
    secrecy::SecretString,
};

#[server(prefix = "/api", endpoint = "users/list")]
pub async fn list_users() -> Result<Vec<User>, AppError> {
    let caller = require_account(Permission::ManageUsers).await?;
    db::list_users(&app_context()?.pool, caller.account_id()).await
}

/// Creates a user in the caller's account with an initial password.
#[server(prefix = "/api", endpoint = "users/create")]
pub async fn create_user(
    name: String,
    email: String,
    role: Role,
    password: String,
) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageUsers).await?;
    let ctx = app_context()?;
    let name = name.trim().to_owned();
    check_user_name(&name)?;
    let email = EmailAddress::parse(&email).map_err(|m| AppError::field("email", m))?;
    password::check_rules(&password)?;
    let hash = ctx.passwords.hash(SecretString::from(password)).await?;
    db::insert_user(
        &ctx.pool,
        caller.account_id(),
        &name,
        email.as_str(),
        &hash,
        role,
    )
    .await
    .on_constraints(&[
        ("account_user_email_key", email_taken),
        ("account_user_name_key", name_taken),
    ])?;
    Ok(())
}

/// Disables (ending their sessions at their next request) or re-enables a user.
#[server(prefix = "/api", endpoint = "users/set-disabled")]
pub async fn set_user_disabled(user_id: UserId, disabled: bool) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageUsers).await?;
    if user_id == caller.user_id() {
        return Err(AppError::Conflict {
            message: "You cannot disable yourself.".to_owned(),
        });
    }
    let ctx = app_context()?;
    let found = db::set_user_disabled(&ctx.pool, caller.account_id(), user_id, disabled).await?;
    ctx.keys.clear();
    found
        .then_some(())
        .ok_or_else(|| AppError::not_found("User"))
}

/// Deletes a user and their access keys.
#[server(prefix = "/api", endpoint = "users/delete")]
pub async fn delete_user(user_id: UserId) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageUsers).await?;
    if user_id == caller.user_id() {
        return Err(AppError::Conflict {
            message: "You cannot delete yourself.".to_owned(),
        });
    }
    let ctx = app_context()?;
    let found = db::delete_user(&ctx.pool, caller.account_id(), user_id).await?;
    ctx.keys.clear();
    found
        .then_some(())
        .ok_or_else(|| AppError::not_found("User"))
}
