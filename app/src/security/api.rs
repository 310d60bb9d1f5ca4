//! Server functions of the Security page. Each acts on the calling user's own sessions and
//! password only: a session handle of anyone else's is not found.

use leptos::prelude::*;
use uuid::Uuid;

use super::SignedInSession;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{db, email_change},
    crate::{
        audit::{self, AuditKind, Change},
        auth::{
            authenticate,
            password::check_rules,
            registry,
            session::{self, require_account, Claimant},
            Permission,
        },
        email::EmailAddress,
        server::{app_context, errors::internal, shown::shown},
    },
    secrecy::SecretString,
};

/// The caller's live sessions, the most recently seen first.
#[server(prefix = "/api", endpoint = "security/sessions")]
pub async fn list_sessions() -> Result<Vec<SignedInSession>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let ctx = app_context()?;
    let rows = registry::list(&ctx.pool, caller.user_id(), ctx.settings.sessions).await?;
    Ok(rows
        .into_iter()
        .map(|r| SignedInSession {
            current: r.handle == caller.session_handle(),
            handle: r.handle,
            signed_in: shown(r.signed_in_at),
            last_seen: shown(r.last_seen_at),
            client_address: r.client_address,
            user_agent: r.user_agent,
        })
        .collect())
}

/// Ends one of the caller's sessions at its next request; ending the calling one signs out.
#[server(prefix = "/api", endpoint = "security/end-session")]
pub async fn end_session(handle: Uuid) -> Result<(), AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    if !registry::end(&app_context()?.pool, caller.user_id(), handle).await? {
        return Err(AppError::not_found("Session"));
    }
    if handle == caller.session_handle() {
        session::end().await?;
        leptos_axum::redirect("/sign-in");
    }
    Ok(())
}

/// Ends every session of the caller but the calling one.
#[server(prefix = "/api", endpoint = "security/end-other-sessions")]
pub async fn end_other_sessions() -> Result<(), AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let keep = caller.session_handle();
    registry::end_all_but(&app_context()?.pool, caller.user_id(), keep).await?;
    Ok(())
}

/// Changes the caller's password, given the current one (checked and throttled as a
/// sign-in is), and ends every other session of the caller in the same transaction.
#[server(prefix = "/api", endpoint = "security/change-password")]
pub async fn change_password(current_password: String, password: String) -> Result<(), AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    check_rules(&password)?;
    let ctx = app_context()?;
    let user = caller.user_id();
    let checked =
        confirm_password(Claimant::User(user), "current_password", current_password).await?;
    let hash = ctx.passwords.hash(SecretString::from(password)).await?;
    let handle = caller.session_handle();
    let mut tx = ctx.pool.begin().await?;
    // Only over the password just checked, from a session still live: a reset or another
    // change that landed while this one was hashing wins, and this one is refused.
    if !db::set_password(&mut *tx, user, &checked, &hash, handle).await? {
        return Err(AppError::Unauthorized);
    }
    registry::end_all_but(&mut *tx, user, handle).await?;
    let change = Change::new(AuditKind::PasswordChanged, "");
    audit::record(&mut *tx, caller.account_id(), &caller.actor(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Asks to sign in with another address, given the password: the new address is mailed a
/// link that makes the change (`email_change`).
#[server(prefix = "/api", endpoint = "security/change-email")]
pub async fn change_email(email: String, email_password: String) -> Result<(), AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let email = EmailAddress::parse(&email).map_err(|m| AppError::field("email", m))?;
    confirm_password(
        Claimant::User(caller.user_id()),
        "email_password",
        email_password,
    )
    .await?;
    email_change::request(&app_context()?, &caller, &email).await
}

/// The address a confirmation link would make the user's, if it still works.
#[server(prefix = "/api", endpoint = "security/inspect-email-change")]
pub async fn inspect_email_change(token: String) -> Result<String, AppError> {
    email_change::inspect(&app_context()?, token.trim()).await
}

/// Confirms a change of address from the link's page (a POST: mail scanners open links);
/// returns the new address.
#[server(prefix = "/api", endpoint = "security/confirm-email-change")]
pub async fn confirm_email_change(token: String) -> Result<String, AppError> {
    email_change::confirm(&app_context()?, token.trim()).await
}

/// Checks that `password` is `holder`'s, as sign-in checks it (the same throttle, so a
/// stolen session cookie is no way around the limit on guesses); a wrong one is "Incorrect
/// password." on `field`. Returns the hash it matched.
#[cfg(feature = "ssr")]
pub(super) async fn confirm_password(
    holder: Claimant,
    field: &str,
    password: String,
) -> Result<String, AppError> {
    let found = db::password_of(&app_context()?.pool, holder)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let email = EmailAddress::parse(&found.email).map_err(internal)?;
    let hash = found.hash.clone();
    authenticate(&email, password, async {
        Ok(Some((holder, found.hash, false)))
    })
    .await
    .map(|_| hash)
    .map_err(|e| match e {
        AppError::FieldInvalid { .. } => AppError::field(field, "Incorrect password."),
        other => other,
    })
}
