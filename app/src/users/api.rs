//! Server functions for managing an account's users (admins only).

use leptos::prelude::*;

use uuid::Uuid;

use super::{Invitation, InvitationOffer, User};
use crate::{auth::Role, error::AppError, ids::UserId};

#[cfg(feature = "ssr")]
use {
    super::{check_user_name, db, invitations},
    crate::{
        auth::{
            registry,
            session::{self, require_account, Claimant},
            Permission,
        },
        email::EmailAddress,
        server::app_context,
    },
};

#[server(prefix = "/api", endpoint = "users/list")]
pub async fn list_users() -> Result<Vec<User>, AppError> {
    let caller = require_account(Permission::ManageUsers).await?;
    db::list_users(&app_context()?.pool, caller.account_id()).await
}

/// Invites a user to the caller's account: the address is mailed a link to join
/// (`invitations`). Answers the same whether or not the address signs in elsewhere.
#[server(prefix = "/api", endpoint = "users/invite")]
pub async fn invite_user(name: String, email: String, role: Role) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageUsers).await?;
    let name = name.trim().to_owned();
    check_user_name(&name)?;
    let email = EmailAddress::parse(&email).map_err(|m| AppError::field("email", m))?;
    let inviter = invitations::Inviter {
        account: caller.account_id(),
        user: caller.user_id(),
    };
    invitations::invite(&app_context()?, &inviter, &name, &email, role).await
}

/// The account's invitations not yet accepted.
#[server(prefix = "/api", endpoint = "users/invitations")]
pub async fn list_invitations() -> Result<Vec<Invitation>, AppError> {
    let caller = require_account(Permission::ManageUsers).await?;
    db::list_invitations(
        &app_context()?.pool,
        caller.account_id(),
        invitations::VALIDITY.as_secs_f64(),
    )
    .await
}

/// Withdraws an invitation (its link stops working).
#[server(prefix = "/api", endpoint = "users/cancel-invitation")]
pub async fn cancel_invitation(invitation_id: Uuid) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageUsers).await?;
    db::delete_invitation(&app_context()?.pool, caller.account_id(), invitation_id)
        .await?
        .then_some(())
        .ok_or_else(|| AppError::not_found("Invitation"))
}

/// What an invitation's link offers, without accepting it (mail scanners fetch links).
#[server(prefix = "/api", endpoint = "users/inspect-invitation")]
pub async fn inspect_invitation(token: String) -> Result<InvitationOffer, AppError> {
    invitations::inspect(&app_context()?, token.trim()).await
}

/// Accepting an invitation with a password of one's own: the user is created and signed
/// in. The token is the proof of reading the address's mail.
#[server(prefix = "/api", endpoint = "users/accept-invitation")]
pub async fn accept_invitation(token: String, password: String) -> Result<(), AppError> {
    let user = invitations::accept(&app_context()?, token.trim(), password).await?;
    session::establish(Claimant::User(user)).await?;
    leptos_axum::redirect("/overview");
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

/// Ends every session of a user of the account (they must sign in again); the caller's
/// own included, when it names itself.
#[server(prefix = "/api", endpoint = "users/end-sessions")]
pub async fn end_user_sessions(user_id: UserId) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageUsers).await?;
    registry::end_all_of_user(&app_context()?.pool, caller.account_id(), user_id)
        .await?
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
