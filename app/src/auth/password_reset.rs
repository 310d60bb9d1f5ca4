//! Resetting a forgotten password by mail. Asking names an address; the answer is the
//! same whatever it is ("we mailed it"), and so is the work done: an address that signs in
//! to an enabled user gets a link (valid an hour, once; only the latest works), any other
//! gets word that no user signs in with it. Whoever opens it chooses the password, and every
//! session of the user ends. Asking is throttled like signing in, and mail to one address is
//! capped per hour with sign-up and invitation links, so the form is no mail cannon.

use std::{net::IpAddr, time::Duration};

use secrecy::SecretString;

use super::{
    db,
    registration::{self, MAX_LINKS_PER_ADDRESS_PER_HOUR},
    session::{user_actor, Acting},
    throttle::{self, Allowance},
};
use crate::{
    audit::{self, AuditKind, Change},
    email::EmailAddress,
    error::AppError,
    identities::email::new_token,
    server::AppContext,
    system_mail::{self, Letter},
};

/// How long a reset link works.
pub const LINK_VALIDITY: Duration = Duration::from_secs(3600);

/// Reset requests are counted as sign-ups are (each may mail anyone), under their own keys.
pub const RESET: Allowance = registration::SIGN_UP;

/// Mails `email` a reset link if it signs in to an enabled user (see the module docs).
pub async fn request(
    ctx: &AppContext,
    client: IpAddr,
    email: &EmailAddress,
) -> Result<(), AppError> {
    throttle::reserve(&ctx.pool, ("password-reset", RESET), client, email.as_str()).await?;
    let mut tx = ctx.pool.begin().await?;
    system_mail::db::lock_links_to(&mut *tx, email.as_str()).await?;
    let (to_address, _) = system_mail::db::links_last_hour(&mut *tx, email.as_str(), None).await?;
    if to_address >= MAX_LINKS_PER_ADDRESS_PER_HOUR {
        return Ok(());
    }
    let user = db::find_sign_in_user(&mut *tx, email.as_str())
        .await?
        .filter(|u| !u.disabled);
    let letterhead = ctx.letterhead();
    let (subject, body) = match user {
        Some(user) => {
            let token = new_token();
            db::put_password_reset(&mut *tx, &token, user.user_id).await?;
            (
                "Reset your Sesame password",
                format!(
                    "Someone (we hope you) asked to reset the password you sign in to Sesame with.\r\n\
                     To choose a new one, open this link within an hour:\r\n\
                     \r\n\
                     {}/reset-password/{token}\r\n\
                     \r\n\
                     Choosing a new password signs you out everywhere. If you did not ask for\r\n\
                     this, ignore this message: your password has not changed.\r\n",
                    letterhead.origin
                ),
            )
        }
        None => (
            "Sesame password reset",
            "Someone (we hope you) asked to reset a Sesame password for this address, but no\r\n\
             enabled Sesame user signs in with it, so there is nothing to reset. If you did not\r\n\
             ask for this, ignore this message.\r\n"
                .to_owned(),
        ),
    };
    let letter = Letter::about_no_account(email.as_str(), subject, &body);
    system_mail::post(&mut *tx, &letterhead, &letter).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the link still works (its page says so before asking for a password).
pub async fn inspect(ctx: &AppContext, token: &str) -> Result<(), AppError> {
    if db::password_reset_works(&ctx.pool, token, LINK_VALIDITY.as_secs_f64()).await? {
        Ok(())
    } else {
        Err(expired())
    }
}

/// Sets the new password from the link's page and spends the link; every session of the
/// user ends. A made-up token costs no password hash.
pub async fn confirm(ctx: &AppContext, token: &str, password: String) -> Result<(), AppError> {
    super::password::check_rules(&password)?;
    inspect(ctx, token).await?;
    let hash = ctx.passwords.hash(SecretString::from(password)).await?;
    let mut tx = ctx.pool.begin().await?;
    let user = db::reset_password(&mut *tx, token, LINK_VALIDITY.as_secs_f64(), &hash)
        .await?
        .ok_or_else(expired)?;
    // Whoever had the link had the user's mail; the entry names the user they acted for.
    if let Some((account, actor)) = user_actor(user, Acting::Claiming).await? {
        let change = Change::new(AuditKind::PasswordReset, "");
        audit::record(&mut *tx, &account, &actor, change).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A link that is unknown, used, superseded or older than an hour.
fn expired() -> AppError {
    AppError::not_found("Password reset link")
}
