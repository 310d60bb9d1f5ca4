//! Inviting a user by mail. The admin names the user, its address and role; Sesame records
//! the invitation and mails the address, and tells the admin the same whatever the address:
//! "invitation sent". An address that does not sign in to Sesame yet gets a link (valid
//! 7 days) where its reader chooses a password and joins; one that already signs in to an
//! account gets word that it cannot join with this address, and no link. So no admin
//! learns which addresses have accounts elsewhere, and nobody is made a user of an account
//! without reading the address's mail. An invitation holds only while the admin who sent
//! it is an enabled admin of the account.

use std::time::Duration;

use secrecy::SecretString;

use super::{db, name_taken, InvitationOffer};
use crate::{
    audit::{self, Actor, AuditKind, Change},
    auth::{
        db::account_of_email, registration::MAX_LINKS_PER_ADDRESS_PER_HOUR, session, user_arn, Role,
    },
    email::EmailAddress,
    error::AppError,
    identities::email::new_token,
    ids::{AccountId, UserId},
    server::{errors::ConstraintExt, AppContext},
    system_mail::{self, Letter},
};

/// How long an invitation's link works.
pub const VALIDITY: Duration = Duration::from_secs(7 * 24 * 3600);

/// Invitation mails one account may have Sesame send in an hour (counted as sent, so
/// inviting the same address again, or cancelling and inviting, counts every time).
pub const MAX_PER_ACCOUNT_PER_HOUR: i64 = 20;

/// Who invites: the account and its admin.
pub struct Inviter<'a> {
    pub account: &'a AccountId,
    pub user: UserId,
    pub actor: &'a Actor,
}

/// Records the invitation and mails the address (see the module docs).
pub async fn invite(
    ctx: &AppContext,
    inviter: &Inviter<'_>,
    name: &str,
    email: &EmailAddress,
    role: Role,
) -> Result<(), AppError> {
    let mut tx = ctx.pool.begin().await?;
    let check = db::check_invitation(
        &mut *tx,
        inviter.account,
        name,
        email.as_str(),
        VALIDITY.as_secs_f64(),
    )
    .await?;
    // Both are the account's own business: its admin sees its users anyway.
    if check.email_taken {
        return Err(AppError::field(
            "email",
            "A user of this account signs in with this email.",
        ));
    }
    if check.name_taken {
        return Err(name_taken());
    }
    system_mail::db::lock_links_to(&mut *tx, email.as_str()).await?;
    let (to_address, by_account) =
        system_mail::db::links_last_hour(&mut *tx, email.as_str(), Some(inviter.account)).await?;
    if by_account >= MAX_PER_ACCOUNT_PER_HOUR {
        return Err(AppError::Throttled {
            retry_after_secs: 3600,
        });
    }
    // Past the address's hourly mail, the invitation is recorded as usual but an earlier
    // one (and its link, already mailed) is kept, and nothing is sent.
    let mailed = to_address < MAX_LINKS_PER_ADDRESS_PER_HOUR;
    let token = new_token();
    let invitation = (name, email.as_str(), role);
    db::put_invitation(
        &mut *tx,
        inviter.account,
        inviter.user,
        &token,
        invitation,
        mailed,
    )
    .await?;
    if mailed {
        let letterhead = ctx.letterhead();
        let taken = account_of_email(&mut *tx, email.as_str()).await?.is_some();
        let body = if taken {
            format!(
                "An admin of a Sesame account (\"{}\") invited this address to join it as a\r\n\
                 user. This address already signs in to another Sesame account, and an address\r\n\
                 signs in to one account only: ask them to invite another one.\r\n",
                check.account_name
            )
        } else {
            format!(
                "An admin of a Sesame account (\"{}\") invited you to join it as the user\r\n\
                 \"{name}\" ({role}). To join, open this link within 7 days and choose a password:\r\n\
                 \r\n\
                 {}/invitation/{token}\r\n\
                 \r\n\
                 If you do not know this account, ignore this message.\r\n",
                check.account_name, letterhead.origin
            )
        };
        let letter = Letter {
            account: None,
            requested_by: Some(inviter.account),
            identity: None,
            to: email.as_str(),
            subject: "You are invited to join a Sesame account",
            body: &body,
        };
        system_mail::post(&mut *tx, &letterhead, &letter).await?;
    }
    let invited = format!("{name} <{email}> as {}", role.as_str());
    let change = Change::new(AuditKind::UserInvited, &invited);
    audit::record(&mut *tx, inviter.account, inviter.actor, change).await?;
    tx.commit().await?;
    Ok(())
}

/// What the link's token offers, if it still works.
pub async fn inspect(ctx: &AppContext, token: &str) -> Result<InvitationOffer, AppError> {
    let found = db::find_invitation(&ctx.pool, token, VALIDITY.as_secs_f64())
        .await?
        .ok_or_else(expired)?;
    Ok(InvitationOffer {
        account_name: found.account_name,
        name: found.name,
        email: found.email,
        role: found
            .role
            .parse()
            .map_err(crate::server::errors::internal)?,
    })
}

/// Accepting: the user is created with the chosen password; the link is spent only then,
/// and a made-up token costs no password hash.
pub async fn accept(ctx: &AppContext, token: &str, password: String) -> Result<UserId, AppError> {
    crate::auth::password::check_rules(&password)?;
    inspect(ctx, token).await?;
    let hash = ctx.passwords.hash(SecretString::from(password)).await?;
    let mut tx = ctx.pool.begin().await?;
    let found = db::take_invitation(&mut *tx, token, VALIDITY.as_secs_f64())
        .await?
        .ok_or_else(expired)?;
    let role: Role = found
        .role
        .parse()
        .map_err(crate::server::errors::internal)?;
    let user = db::insert_user(
        &mut *tx,
        &found.account_id,
        &found.name,
        &found.email,
        &hash,
        role,
    )
    .await
    .on_constraints(&[
        ("account_user_email_key", signs_in_elsewhere),
        ("account_user_name_key", name_taken_since),
    ])?;
    // The new user joins by following the link: they are the actor.
    let arn = user_arn(&found.account_id, &found.name);
    let actor = session::request_actor(arn, session::Acting::AsUser).await?;
    let change = Change::new(AuditKind::UserJoined, &found.name);
    audit::record(&mut *tx, &found.account_id, &actor, change).await?;
    tx.commit().await?;
    Ok(user)
}

fn expired() -> AppError {
    AppError::not_found("Invitation")
}

fn signs_in_elsewhere() -> AppError {
    AppError::Conflict {
        message: "This address already signs in to Sesame; it cannot join another account."
            .to_owned(),
    }
}

fn name_taken_since() -> AppError {
    AppError::Conflict {
        message: "The account has a user of this name now; ask its admin to invite you again."
            .to_owned(),
    }
}
