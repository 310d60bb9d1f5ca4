//! Server functions for partner links: the owner makes, lists and withdraws an identity's
//! links (making and withdrawing need `ManageIdentities`); the partner reads one and
//! accepts it (accepting speaks for the account, so it needs an admin too).

use leptos::prelude::*;
use uuid::Uuid;

use super::{Invitation, PartnerLink};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{db, InvitationState, Partner, MAX_OPEN, VALIDITY_DAYS},
    crate::{
        auth::{session::require_account, Permission},
        identities::email::new_token,
        ids::AccountId,
        server::{app_context, shown},
    },
};

/// Makes a link for one of the caller's identities; the answer is the link, shown once.
#[server(prefix = "/api", endpoint = "partners/make")]
pub async fn make_partner_link(identity_id: Uuid) -> Result<String, AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let ctx = app_context()?;
    let mut tx = ctx.pool.begin().await?;
    let open = db::lock_and_count_open(&mut tx, caller.account_id(), identity_id)
        .await?
        .ok_or_else(|| AppError::not_found("Identity"))?;
    if open >= MAX_OPEN {
        return Err(AppError::Conflict {
            message: format!("This identity has {MAX_OPEN} partner links open. Withdraw one, or wait until one is accepted or expires."),
        });
    }
    let token = new_token();
    db::insert(
        &mut *tx,
        caller.account_id(),
        identity_id,
        &token,
        VALIDITY_DAYS,
    )
    .await?;
    tx.commit().await?;
    Ok(format!("{}/partners/{token}", ctx.settings.public_origin))
}

/// The identity's links that are open or were accepted, newest first.
#[server(prefix = "/api", endpoint = "partners/list")]
pub async fn list_partner_links(identity_id: Uuid) -> Result<Vec<PartnerLink>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let rows = db::list(&app_context()?.pool, caller.account_id(), identity_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| PartnerLink {
            invitation_id: r.invitation_id,
            created: shown(r.created_at),
            expires: shown(r.expires_at),
            partner: r
                .partner_id
                .zip(r.partner_name)
                .map(|(account_id, name)| Partner { account_id, name }),
        })
        .collect())
}

/// Withdraws an open link: it no longer works.
#[server(prefix = "/api", endpoint = "partners/withdraw")]
pub async fn withdraw_partner_link(invitation_id: Uuid) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    if !db::withdraw(&app_context()?.pool, caller.account_id(), invitation_id).await? {
        return Err(AppError::not_found("Open partner link"));
    }
    Ok(())
}

/// The link `token` as the signed-in partner opening it sees it.
#[server(prefix = "/api", endpoint = "partners/read")]
pub async fn read_partner_invitation(token: String) -> Result<Invitation, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let found = find(&token).await?;
    let state = judge(&found, caller.account_id())?;
    Ok(invitation(found, state))
}

/// Accepts the link `token` for the caller's account: its owner learns the account's id
/// and name, to pick it in the policy generator.
#[server(prefix = "/api", endpoint = "partners/accept")]
pub async fn accept_partner_invitation(token: String) -> Result<Invitation, AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let pool = &app_context()?.pool;
    let found = find(&token).await?;
    if judge(&found, caller.account_id())? == InvitationState::Open
        && !db::accept(pool, token.trim(), caller.account_id()).await?
    {
        // Taken, withdrawn or expired since it was read: say which.
        let now = find(&token).await?;
        if judge(&now, caller.account_id())? != InvitationState::AcceptedByYou {
            return Err(AppError::Conflict {
                message: "This partner link is no longer open. Ask for a new one.".to_owned(),
            });
        }
    }
    Ok(invitation(found, InvitationState::AcceptedByYou))
}

/// The link, or "not found" for a token that is not one (also a withdrawn link's).
#[cfg(feature = "ssr")]
async fn find(token: &str) -> Result<db::FoundLink, AppError> {
    let token = token.trim();
    // A token is 32 characters; anything far longer is not worth hashing.
    if token.len() > 64 {
        return Err(AppError::not_found("Partner link"));
    }
    db::find(&app_context()?.pool, token)
        .await?
        .ok_or_else(|| AppError::not_found("Partner link"))
}

/// Where the link stands for the `viewer`'s account: open to it, accepted by it, or of
/// no use to it (and why).
#[cfg(feature = "ssr")]
fn judge(link: &db::FoundLink, viewer: &AccountId) -> Result<InvitationState, AppError> {
    let refused = |message: String| Err(AppError::Conflict { message });
    match &link.partner_id {
        Some(partner) if partner == viewer.as_str() => Ok(InvitationState::AcceptedByYou),
        Some(_) => refused(
            "This partner link was accepted by another account. Ask for a new one.".to_owned(),
        ),
        None if link.owner_id == viewer.as_str() => refused(format!(
            "This link is your own account's. Give it to the partner you want to send as {}.",
            link.identity
        )),
        None if link.expired => refused(format!(
            "This partner link has expired. Ask {} for a new one.",
            link.owner_name
        )),
        None => Ok(InvitationState::Open),
    }
}

#[cfg(feature = "ssr")]
fn invitation(link: db::FoundLink, state: InvitationState) -> Invitation {
    Invitation {
        owner_name: link.owner_name,
        owner_account: link.owner_id,
        identity: link.identity,
        region: link.region,
        state,
    }
}
