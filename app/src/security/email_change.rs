//! Changing the address a user signs in with. It is asked on the Security page with the
//! password, so a stolen session alone cannot move the account's mail elsewhere; it is
//! confirmed by the link mailed to the new address (valid an hour, once; asking again
//! replaces it), and the old address is told when it happens. An address that signs in to
//! Sesame already is mailed word of that instead of a link, and the page answers the same:
//! the form tells nobody which addresses have accounts. Mail to one address is capped per
//! hour with sign-up, reset and invitation links, and an account's requests with its
//! invitations.

use std::time::Duration;

use super::db;
use crate::{
    audit::{self, AuditKind, Change},
    auth::{
        db as auth_db,
        registration::MAX_LINKS_PER_ADDRESS_PER_HOUR,
        session::{self, AccountCtx},
        user_arn,
    },
    email::EmailAddress,
    error::AppError,
    identities::email::new_token,
    server::AppContext,
    system_mail::{self, Letter},
    users::invitations::MAX_PER_ACCOUNT_PER_HOUR,
};

/// How long a confirmation link works.
pub const LINK_VALIDITY: Duration = Duration::from_secs(3600);

/// Mails the new address a confirmation link — or, when it signs in to Sesame already,
/// word of that (see the module docs).
pub async fn request(
    ctx: &AppContext,
    caller: &AccountCtx,
    new_email: &EmailAddress,
) -> Result<(), AppError> {
    let to = new_email.as_str();
    let mut tx = ctx.pool.begin().await?;
    system_mail::db::lock_links_to(&mut *tx, to).await?;
    let (to_address, by_account) =
        system_mail::db::links_last_hour(&mut *tx, to, Some(caller.account_id())).await?;
    if by_account >= MAX_PER_ACCOUNT_PER_HOUR {
        return Err(AppError::Throttled {
            retry_after_secs: 3600,
        });
    }
    if to_address >= MAX_LINKS_PER_ADDRESS_PER_HOUR {
        return Ok(());
    }
    let origin = ctx.letterhead().origin;
    let body = if auth_db::find_sign_in_user(&mut *tx, to).await?.is_some() {
        "Someone signed in to Sesame asked to sign in with this address instead of their own,\r\n\
         but this address signs in to Sesame already, so nothing changes. If you did not ask\r\n\
         for this, ignore this message.\r\n"
            .to_owned()
    } else {
        let token = new_token();
        db::put_email_change(&mut *tx, caller.user_id(), &token, to).await?;
        format!(
            "Someone (we hope you) asked to sign in to Sesame with this address from now on.\r\n\
             To confirm, open this link within an hour:\r\n\
             \r\n\
             {origin}/confirm-email/{token}\r\n\
             \r\n\
             If you did not ask for this, ignore this message: nothing changes.\r\n"
        )
    };
    let letter = Letter {
        account: None,
        requested_by: Some(caller.account_id()),
        identity: None,
        to,
        subject: "Confirm your new Sesame sign-in address",
        body: &body,
    };
    system_mail::post(&mut *tx, &ctx.letterhead(), &letter).await?;
    tx.commit().await?;
    Ok(())
}

/// The new address a link would confirm, if it still works (mail scanners open links, so
/// opening one changes nothing).
pub async fn inspect(ctx: &AppContext, token: &str) -> Result<String, AppError> {
    db::email_change_to(&ctx.pool, token, LINK_VALIDITY.as_secs_f64())
        .await?
        .ok_or_else(expired)
}

/// Spends the link and makes its address the user's; the old address is told. Returns the
/// new address.
pub async fn confirm(ctx: &AppContext, token: &str) -> Result<String, AppError> {
    let mut tx = ctx.pool.begin().await?;
    let changed = db::take_email_change(&mut *tx, token, LINK_VALIDITY.as_secs_f64())
        .await
        .map_err(|e| match e {
            // Taken since the link was mailed.
            sqlx::Error::Database(e) if e.is_unique_violation() => taken(),
            other => other.into(),
        })?
        .ok_or_else(expired)?;
    let body = format!(
        "The address you sign in to Sesame with was changed to {} just now; this address no\r\n\
         longer signs in. If you did not do this, reset your password from the sign-in page\r\n\
         with the new address, or ask an admin of your account for help.\r\n",
        changed.new_email
    );
    let letter = Letter {
        account: Some(&changed.account_id),
        requested_by: None,
        identity: None,
        to: &changed.old_email,
        subject: "Your Sesame sign-in address was changed",
        body: &body,
    };
    system_mail::post(&mut *tx, &ctx.letterhead(), &letter).await?;
    // Whoever had the link had the new address's mail, on the user's behalf.
    let arn = user_arn(&changed.account_id, &changed.user_name);
    let actor = session::request_actor(arn, session::Acting::Claiming).await?;
    let subject = format!("{} → {}", changed.old_email, changed.new_email);
    let change = Change::new(AuditKind::EmailChanged, &subject);
    audit::record(&mut *tx, &changed.account_id, &actor, change).await?;
    tx.commit().await?;
    Ok(changed.new_email)
}

fn taken() -> AppError {
    AppError::Conflict {
        message: "That address signs in to Sesame already.".to_owned(),
    }
}

/// A link that is unknown, used, replaced or older than an hour.
fn expired() -> AppError {
    AppError::not_found("Email confirmation link")
}
