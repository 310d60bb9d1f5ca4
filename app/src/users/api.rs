//! Server functions for managing an account's users (admins only).

use leptos::prelude::*;

use uuid::Uuid;

use super::{Invitation, InvitationOffer, User};
use crate::{auth::Role, error::AppError, ids::UserId};

#[cfg(feature = "ssr")]
use {
    super::{check_user_name, db, invitations},
    crate::{
        audit::{self, AuditKind, Change},
        auth::{
            registry,
            session::{self, require_account, Claimant},
            two_factor, Permission,
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
        actor: &caller.actor(),
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
    let account = caller.account_id();
    let mut tx = app_context()?.pool.begin().await?;
    let email = db::delete_invitation(&mut *tx, account, invitation_id)
        .await?
        .ok_or_else(|| AppError::not_found("Invitation"))?;
    let change = Change::new(AuditKind::InvitationCancelled, &email);
    audit::record(&mut *tx, account, &caller.actor(), change).await?;
    tx.commit().await?;
    Ok(())
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
    let ctx = app_context()?;
    let user = invitations::accept(&ctx, token.trim(), password).await?;
    two_factor::admit(&ctx, Claimant::User(user), "/overview", None).await
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
    let mut tx = ctx.pool.begin().await?;
    let name = user_named(&mut tx, caller.account_id(), user_id).await?;
    // Already so: nothing changes, nothing is recorded.
    if !db::set_user_disabled(&mut *tx, caller.account_id(), user_id, disabled).await? {
        return Ok(());
    }
    let kind = match disabled {
        true => AuditKind::UserDisabled,
        false => AuditKind::UserEnabled,
    };
    audit::record(
        &mut *tx,
        caller.account_id(),
        &caller.actor(),
        Change::new(kind, &name),
    )
    .await?;
    tx.commit().await?;
    ctx.keys.clear();
    Ok(())
}

/// Ends every session of a user of the account (they must sign in again); the caller's
/// own included, when it names itself.
#[server(prefix = "/api", endpoint = "users/end-sessions")]
pub async fn end_user_sessions(user_id: UserId) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageUsers).await?;
    let mut tx = app_context()?.pool.begin().await?;
    let name = user_named(&mut tx, caller.account_id(), user_id).await?;
    registry::end_all_of_user(&mut *tx, caller.account_id(), user_id).await?;
    let change = Change::new(AuditKind::UserSessionsEnded, &name);
    audit::record(&mut *tx, caller.account_id(), &caller.actor(), change).await?;
    tx.commit().await?;
    if user_id == caller.user_id() {
        session::end().await?;
        leptos_axum::redirect("/sign-in");
    }
    Ok(())
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
    let mut tx = ctx.pool.begin().await?;
    let name = user_named(&mut tx, caller.account_id(), user_id).await?;
    db::delete_user(&mut *tx, caller.account_id(), user_id).await?;
    let change = Change::new(AuditKind::UserDeleted, &name);
    audit::record(&mut *tx, caller.account_id(), &caller.actor(), change).await?;
    tx.commit().await?;
    ctx.keys.clear();
    Ok(())
}

/// Turns off a user's two-factor sign-in (they lost their authenticator and recovery
/// codes) and ends their sessions; in an account that requires it, they set up a new
/// authenticator at their next sign-in.
#[server(prefix = "/api", endpoint = "users/reset-two-factor")]
pub async fn reset_two_factor(user_id: UserId) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageUsers).await?;
    // One's own goes off on the Security page, which asks for the password.
    if user_id == caller.user_id() {
        return Err(AppError::Conflict {
            message: "Turn your own two-factor authentication off on the Security page.".to_owned(),
        });
    }
    let mut tx = app_context()?.pool.begin().await?;
    let name = user_named(&mut tx, caller.account_id(), user_id).await?;
    db::reset_two_factor(&mut *tx, caller.account_id(), user_id).await?;
    let change = Change::new(AuditKind::UserTwoFactorReset, &name);
    audit::record(&mut *tx, caller.account_id(), &caller.actor(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// The name of a user of the account, locked until the transaction ends (so it is the one
/// changed and recorded); not found if the account has no such user.
#[cfg(feature = "ssr")]
async fn user_named(
    tx: &mut sqlx::PgTransaction<'_>,
    account: &crate::ids::AccountId,
    user: UserId,
) -> Result<String, AppError> {
    db::lock_user_name(&mut **tx, account, user)
        .await?
        .ok_or_else(|| AppError::not_found("User"))
}
