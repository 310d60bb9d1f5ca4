//! Email-address identities: a verification message with a link (valid 24 hours), mailed
//! to the address as Sesame's own mail (`system_mail`).

use std::time::Duration;

use rand::{distributions::Alphanumeric, Rng};
use sqlx::PgConnection;
use uuid::Uuid;

use super::db;
use crate::{
    audit::{self, Actor, AuditKind, Change},
    error::AppError,
    ids::AccountId,
    system_mail::{self, Letter, Letterhead},
};

/// How long a verification link works (SES: 24 hours).
pub const LINK_VALIDITY: Duration = Duration::from_secs(24 * 3600);

/// Verification mails an account may have Sesame send in an hour, and one address may get
/// in an hour from all accounts together: anyone with an account can name any address, so
/// without these Sesame would mail-bomb it from the operator's own domain.
pub const MAX_PER_ACCOUNT_PER_HOUR: i64 = 20;
pub const MAX_PER_ADDRESS_PER_HOUR: i64 = 3;

/// A fresh link token (190 random bits).
pub fn new_token() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

/// What a verification mail is about.
pub struct Verification<'a> {
    pub account: &'a AccountId,
    pub identity: Uuid,
    pub address: &'a str,
    pub region: &'a str,
    pub token: &'a str,
}

/// Queues the verification message for the address, in the caller's transaction (it goes
/// out through the delivery route: only whoever reads the address's mail gets the link),
/// within the hourly limits; earlier mails for the identity that are still waiting are
/// given up (their link no longer works).
pub async fn send_verification(
    conn: &mut PgConnection,
    letterhead: &Letterhead,
    verification: &Verification<'_>,
) -> Result<(), AppError> {
    let (by_account, to_address) = system_mail::db::verifications_last_hour(
        &mut *conn,
        verification.account,
        verification.address,
    )
    .await?;
    if by_account >= MAX_PER_ACCOUNT_PER_HOUR || to_address >= MAX_PER_ADDRESS_PER_HOUR {
        return Err(AppError::Throttled {
            retry_after_secs: 3600,
        });
    }
    system_mail::db::supersede(&mut *conn, verification.identity).await?;
    let Verification {
        address, region, ..
    } = verification;
    let subject = format!("Sesame email address verification request in region {region}");
    let link = format!("{}/verify-email/{}", letterhead.origin, verification.token);
    let body = format!(
        "Someone asked to use {address} as a sending identity in Sesame (region {region}).\r\n\
         \r\n\
         To confirm that you own this address, open this link within 24 hours:\r\n\
         \r\n\
         {link}\r\n\
         \r\n\
         If you did not ask for this, ignore this message; nothing is sent from the address\r\n\
         until it is verified.\r\n"
    );
    let letter = Letter {
        account: Some(verification.account),
        requested_by: None,
        identity: Some(verification.identity),
        to: address,
        subject: &subject,
        body: &body,
    };
    system_mail::post(&mut *conn, letterhead, &letter).await?;
    Ok(())
}

/// Fails the address identities whose link expired unopened, each recorded in its
/// account's log as Sesame's verification worker's doing, in one transaction.
pub async fn expire_unopened(pool: &sqlx::PgPool) -> Result<usize, AppError> {
    let mut tx = pool.begin().await?;
    let expired = db::expire_email_verifications(&mut *tx, LINK_VALIDITY.as_secs_f64()).await?;
    let actor = Actor::sesame("verification");
    for identity in &expired {
        let change = Change::new(
            AuditKind::IdentityVerificationFailed,
            "link expired unopened",
        )
        .on(identity.identity_id, &identity.name);
        audit::record(&mut *tx, &identity.account_id, &actor, change).await?;
    }
    tx.commit().await?;
    Ok(expired.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_fresh() {
        assert_eq!(new_token().len(), 32);
        assert_ne!(new_token(), new_token());
    }
}
