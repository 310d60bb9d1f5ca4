//! Server functions for signing up, in and out.

use leptos::prelude::*;

use super::{Enrolment, PendingSignUp, Principal, SecondStep, SetUpDone};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{
        db, password_reset, registration,
        session::{self, Claimant, Proof},
        throttle, two_factor,
    },
    crate::{accounts, email::EmailAddress, server::app_context},
    secrecy::SecretString,
};

/// Asks for an account with its first user, the account's admin: the address is mailed a
/// link to finish (`registration`). Answers the same whether or not it already has an
/// account: back to the sign-up page, which says to check the inbox (a plain form POST too).
#[server(prefix = "/api", endpoint = "auth/sign-up")]
pub async fn sign_up(account_name: String, email: String) -> Result<(), AppError> {
    let ctx = app_context()?;
    let email = EmailAddress::parse(&email).map_err(|m| AppError::field("email", m))?;
    let name = accounts::AccountName::parse(&account_name)
        .map_err(|m| AppError::field("account_name", m))?;
    let client = session::client_ip().await?;
    registration::request(&ctx, client, &name, &email).await?;
    leptos_axum::redirect("/sign-up?mailed");
    Ok(())
}

/// What a sign-up link would create, without creating it (mail scanners fetch links).
#[server(prefix = "/api", endpoint = "auth/inspect-sign-up")]
pub async fn inspect_sign_up(token: String) -> Result<PendingSignUp, AppError> {
    let pending = registration::inspect(&app_context()?, token.trim()).await?;
    Ok(PendingSignUp {
        account_name: pending.account_name,
        email: pending.email,
    })
}

/// Confirming a sign-up link (its page's form, a POST) with the account's name and the
/// admin's password: creates the account and signs its admin in. The token is the proof
/// of reading the address's mail.
#[server(prefix = "/api", endpoint = "auth/confirm-sign-up")]
pub async fn confirm_sign_up(
    token: String,
    account_name: String,
    password: String,
) -> Result<(), AppError> {
    let name = accounts::AccountName::parse(&account_name)
        .map_err(|m| AppError::field("account_name", m))?;
    let created = registration::confirm(&app_context()?, token.trim(), &name, password).await?;
    session::establish(Claimant::User(created.admin), None, Proof::Password).await?;
    leptos_axum::redirect("/overview");
    Ok(())
}

/// Signs an account user in with email and password, then goes to `next` (the page that
/// asked for sign-in, when it is one of this site's: `return_to`).
#[server(prefix = "/api", endpoint = "auth/sign-in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let ctx = app_context()?;
    let email = EmailAddress::parse(&email).map_err(|m| AppError::field("email", m))?;
    let mut read_at = None;
    let user = authenticate(&email, password, async {
        let user = db::find_sign_in_user(&ctx.pool, email.as_str()).await?;
        read_at = user.as_ref().map(|u| u.read_at);
        Ok(user.map(|u| (Claimant::User(u.user_id), u.password_hash, u.disabled)))
    })
    .await?;
    let next = super::return_to::after_sign_in(next.as_deref());
    two_factor::admit(&ctx, user, next, read_at).await
}

/// The second step of signing in a user or operator with two-factor sign-in on: a code
/// from their authenticator or a recovery code, for the sign-in this session holds.
/// Throttled as the password is, per user or operator.
#[server(prefix = "/api", endpoint = "auth/two-factor")]
pub async fn second_factor(code: String) -> Result<(), AppError> {
    let ctx = app_context()?;
    let pending = pending_sign_in().await?;
    let ip = session::client_ip().await?;
    let checked = two_factor::throttled(&ctx, ip, pending.claimant, async {
        Ok(two_factor::check(&ctx, pending.claimant, &code)
            .await?
            .then_some(()))
    })
    .await;
    if let Err(AppError::FieldInvalid { .. }) = checked {
        let why = "incorrect two-factor code";
        session::record_failed_sign_in(pending.claimant, why).await?;
    }
    checked?;
    let checked_at = pending.password_checked_at;
    session::establish(pending.claimant, checked_at, Proof::SecondFactor).await?;
    leptos_axum::redirect(&pending.next);
    Ok(())
}

/// The sign-in this session holds for its second step, or the field error that says to
/// start over.
#[cfg(feature = "ssr")]
async fn pending_sign_in() -> Result<session::PendingSignIn, AppError> {
    session::pending_sign_in()
        .await?
        .ok_or_else(|| AppError::field("code", "This sign-in has expired. Sign in again."))
}

/// What the second step of this session's sign-in asks for: a code, or (for a user whose
/// account requires two-factor sign-in, or an operator of a platform that does, who has
/// none yet) setting an authenticator up. `None` when the session holds no sign-in.
#[server(prefix = "/api", endpoint = "auth/second-step")]
pub async fn get_second_step() -> Result<Option<SecondStep>, AppError> {
    let Some(pending) = session::pending_sign_in().await? else {
        return Ok(None);
    };
    let status = two_factor::db::status(&app_context()?.pool, pending.claimant).await?;
    Ok(Some(SecondStep {
        set_up: !status.enabled,
    }))
}

/// Starts setting up the authenticator a required second step needs.
#[server(prefix = "/api", endpoint = "auth/two-factor-set-up-begin")]
pub async fn begin_required_two_factor() -> Result<Enrolment, AppError> {
    let pending = pending_sign_in().await?;
    two_factor::begin(&app_context()?, pending.claimant)
        .await?
        .ok_or_else(two_factor::already_on)
}

/// Finishes the required set-up with a code from the new authenticator, and signs in;
/// returns the recovery codes (shown this once) and where to go on.
#[server(prefix = "/api", endpoint = "auth/two-factor-set-up")]
pub async fn finish_required_two_factor(code: String) -> Result<SetUpDone, AppError> {
    let ctx = app_context()?;
    let pending = pending_sign_in().await?;
    let ip = session::client_ip().await?;
    let holder = pending.claimant;
    let (log, actor) = session::claimant_actor(holder, session::Acting::AsUser)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let by = (&log, &actor);
    let confirmed = two_factor::confirm(&ctx, holder, &code, by);
    let recovery_codes = two_factor::throttled(&ctx, ip, holder, confirmed).await?;
    let checked_at = pending.password_checked_at;
    session::establish(holder, checked_at, Proof::SecondFactor).await?;
    Ok(SetUpDone {
        recovery_codes,
        next: pending.next,
    })
}

/// Signs an operator in (operators belong to no account), with a second step as a user's
/// when they have two-factor sign-in on or the platform requires it.
#[server(prefix = "/api", endpoint = "auth/operator-sign-in")]
pub async fn operator_sign_in(email: String, password: String) -> Result<(), AppError> {
    let ctx = app_context()?;
    let email = EmailAddress::parse(&email).map_err(|m| AppError::field("email", m))?;
    let operator = authenticate(&email, password, async {
        let operator = db::find_sign_in_operator(&ctx.pool, email.as_str()).await?;
        Ok(operator.map(|o| (Claimant::Operator(o.operator_id), o.password_hash, false)))
    })
    .await?;
    two_factor::admit(&ctx, operator, "/operator", None).await
}

/// Asks for a password reset link for `email` (`password_reset`); answers the same
/// whatever the address: back to the page, which says to check the inbox.
#[server(prefix = "/api", endpoint = "auth/forgot-password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    let email = EmailAddress::parse(&email).map_err(|m| AppError::field("email", m))?;
    let client = session::client_ip().await?;
    password_reset::request(&app_context()?, client, &email).await?;
    leptos_axum::redirect("/sign-in/forgot?mailed");
    Ok(())
}

/// Whether a password reset link still works (its page asks before showing the form).
#[server(prefix = "/api", endpoint = "auth/inspect-password-reset")]
pub async fn inspect_password_reset(token: String) -> Result<(), AppError> {
    password_reset::inspect(&app_context()?, token.trim()).await
}

/// Sets a new password from a reset link; every earlier session of the user ends, and the
/// page goes to sign-in.
#[server(prefix = "/api", endpoint = "auth/reset-password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    password_reset::confirm(&app_context()?, token.trim(), password).await?;
    leptos_axum::redirect("/sign-in?reset");
    Ok(())
}

/// Ends the session, server-side.
#[server(prefix = "/api", endpoint = "auth/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    session::end().await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Who is signed in, if anyone.
#[server(prefix = "/api", endpoint = "auth/principal")]
pub async fn get_principal() -> Result<Option<Principal>, AppError> {
    let pool = app_context()?.pool;
    let Some(claims) = session::claims().await? else {
        return Ok(None);
    };
    match claims.claimant {
        Claimant::User(user_id) => {
            let Some(handle) = claims.handle else {
                return Ok(None);
            };
            let row = db::find_current_user(&pool, user_id, handle).await?;
            if row.is_some() {
                super::registry::touch(&pool, user_id, handle, session::client_ip().await?).await?;
            }
            row.map(|r| r.into_current_user().map(Principal::User))
                .transpose()
                .map_err(crate::server::errors::internal)
        }
        Claimant::Operator(_) => match session::require_operator().await {
            Ok(operator) => Ok(Some(Principal::Operator {
                email: operator.email().to_owned(),
            })),
            Err(AppError::Unauthorized) => Ok(None),
            Err(e) => Err(e),
        },
    }
}

/// The password check shared by both sign-ins: the attempt is reserved with the throttle
/// first (before any hashing), then the password verified (a dummy hash for unknown
/// emails, so timing reveals nothing). A disabled user or account is answered exactly as a
/// wrong password, so the answer never tells that the password was right.
/// `find` yields the claimant, its password hash and whether it is disabled.
#[cfg(feature = "ssr")]
pub(crate) async fn authenticate(
    email: &EmailAddress,
    password: String,
    find: impl std::future::Future<Output = Result<Option<(Claimant, String, bool)>, AppError>>,
) -> Result<Claimant, AppError> {
    let ctx = app_context()?;
    let ip = session::client_ip().await?;
    let counted = ("sign-in", throttle::SIGN_IN);
    throttle::reserve(&ctx.pool, counted, ip, email.as_str()).await?;
    let found = find.await?;
    let hash = found.as_ref().map(|(_, hash, _)| hash.clone());
    let matches = ctx
        .passwords
        .verify(SecretString::from(password), hash)
        .await?;
    match found {
        Some((claimant, _, false)) if matches => {
            throttle::release(&ctx.pool, counted, ip, email.as_str()).await?;
            Ok(claimant)
        }
        found => {
            if let Some((claimant, ..)) = found {
                // A right password here means the user or account is disabled.
                let why = match matches {
                    true => "user or account disabled",
                    false => "incorrect password",
                };
                session::record_failed_sign_in(claimant, why).await?;
            }
            Err(AppError::field("password", "Incorrect email or password."))
        }
    }
}
