//! Signing up by mail. A sign-up (an account name and an address) is recorded and the
//! address is mailed, and the answer is the same whatever the address: "check your inbox".
//! An address new to Sesame gets a link (valid 24 hours) whose page asks for the password
//! and creates the account with its admin; an address that already signs in gets word of
//! that instead, and no link. So sign-up tells nobody whether an address has an account,
//! no account is made for an address whose mail was not read, and whoever asks for a
//! sign-up with another's address plants nothing: the password is chosen by the reader of
//! the link.

use std::{net::IpAddr, time::Duration};

use secrecy::SecretString;

use super::{
    db::{self, SignUpRequest},
    throttle::{self, Allowance},
};
use crate::{
    accounts::{self, AccountName, CreatedAccount},
    email::EmailAddress,
    error::AppError,
    identities::email::new_token,
    server::AppContext,
    system_mail::{self, Letter},
};

/// How long a sign-up link works.
pub const LINK_VALIDITY: Duration = Duration::from_secs(24 * 3600);

/// Sign-up and invitation mails one address gets in an hour, from everyone together; past
/// it a request is answered as usual and no mail goes. (A link already sent still works,
/// and whoever reads it chooses the password: asking in someone's name gains nothing.)
pub const MAX_LINKS_PER_ADDRESS_PER_HOUR: i64 = 3;

/// Sign-ups counted like password guesses (each may mail anyone) in 15 minutes: per client
/// and address, per address (`per_user`: the email), per client (`per_address`) — an
/// office behind one address signs up now and then, a mail bomber many times.
pub const SIGN_UP: Allowance = Allowance {
    per_address_and_user: 5,
    per_user: 20,
    per_address: 50,
};

/// Records the sign-up and mails the address (see the module docs).
pub async fn request(
    ctx: &AppContext,
    client: IpAddr,
    name: &AccountName,
    email: &EmailAddress,
) -> Result<(), AppError> {
    throttle::reserve(&ctx.pool, ("sign-up", SIGN_UP), client, email.as_str()).await?;
    let mut tx = ctx.pool.begin().await?;
    system_mail::db::lock_links_to(&mut *tx, email.as_str()).await?;
    let (to_address, _) = system_mail::db::links_last_hour(&mut *tx, email.as_str(), None).await?;
    if to_address >= MAX_LINKS_PER_ADDRESS_PER_HOUR {
        return Ok(());
    }
    let token = new_token();
    let request = SignUpRequest {
        email: email.as_str().to_owned(),
        account_name: name.as_str().to_owned(),
    };
    db::insert_sign_up_request(&mut *tx, &token, &request).await?;
    let letterhead = ctx.letterhead();
    let taken = db::account_of_email(&mut *tx, email.as_str())
        .await?
        .is_some();
    let (subject, body) = if taken {
        (
            "You already have a Sesame account",
            format!(
                "Someone (we hope you) asked to create a new Sesame account with this address,\r\n\
                 but it already signs in to one. Sign in at {}/sign-in instead.\r\n\
                 \r\n\
                 If you did not ask for this, ignore this message; nothing has changed.\r\n",
                letterhead.origin
            ),
        )
    } else {
        (
            "Finish creating your Sesame account",
            format!(
                "Someone (we hope you) asked to create a Sesame account with this address as\r\n\
                 its admin. To finish, open this link within 24 hours and choose a password:\r\n\
                 \r\n\
                 {}/sign-up/confirm/{token}\r\n\
                 \r\n\
                 If you did not ask for this, ignore this message; no account is created.\r\n",
                letterhead.origin
            ),
        )
    };
    let letter = Letter::about_no_account(email.as_str(), subject, &body);
    system_mail::post(&mut *tx, &letterhead, &letter).await?;
    tx.commit().await?;
    Ok(())
}

/// What the link's token stands for, if it still works.
pub async fn inspect(ctx: &AppContext, token: &str) -> Result<SignUpRequest, AppError> {
    db::find_sign_up_request(&ctx.pool, token, LINK_VALIDITY.as_secs_f64())
        .await?
        .ok_or_else(expired)
}

/// Confirming on the link's page, with the account's name (as asked for, or changed) and
/// the admin's password: creates the account. The link (and any other for the address) is
/// spent only if the account is made; a made-up token costs no password hash.
pub async fn confirm(
    ctx: &AppContext,
    token: &str,
    name: &AccountName,
    password: String,
) -> Result<CreatedAccount, AppError> {
    super::password::check_rules(&password)?;
    inspect(ctx, token).await?;
    let hash = ctx.passwords.hash(SecretString::from(password)).await?;
    let mut tx = ctx.pool.begin().await?;
    let found = db::take_sign_up_request(&mut *tx, token, LINK_VALIDITY.as_secs_f64())
        .await?
        .ok_or_else(expired)?;
    let email = EmailAddress::parse(&found.email).map_err(|m| AppError::field("email", m))?;
    let created = accounts::create_account(&mut tx, name, &email, &hash, &ctx.settings.regions)
        .await
        .map_err(|e| match e {
            AppError::FieldInvalid { ref field, .. } if field == "email" => AppError::Conflict {
                message: "This address already signs in to Sesame. Sign in instead.".to_owned(),
            },
            other => other,
        })?;
    tx.commit().await?;
    Ok(created)
}

/// A link that is unknown, used or older than a day: the page says to sign up again.
fn expired() -> AppError {
    AppError::not_found("Sign-up link")
}
