//! Email-address identities: a verification message with a link (valid 24 hours), put in
//! Sesame's mailbox until the delivery workers deliver mail for real.

use std::time::Duration;

use mail_builder::MessageBuilder;
use rand::{distributions::Alphanumeric, Rng};
use sqlx::PgExecutor;

use crate::{error::AppError, mailbox, server::errors::internal};

/// How long a verification link works (SES: 24 hours).
pub const LINK_VALIDITY: Duration = Duration::from_secs(24 * 3600);

/// A fresh link token (190 random bits).
pub fn new_token() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

/// The address verification mail comes from: `no-reply@` the public host (or
/// `sesame.localhost` when that is an IP address or localhost).
pub fn sender_address(origin: &str) -> String {
    let host = origin.split("://").nth(1).unwrap_or(origin);
    let host = host.split(['/', ':']).next().unwrap_or(host);
    let is_name = host.contains('.') && !host.chars().all(|c| c.is_ascii_digit() || c == '.');
    format!(
        "no-reply@{}",
        if is_name && host != "localhost" {
            host
        } else {
            "sesame.localhost"
        }
    )
}

/// Composes the verification message for `address` and puts it in the mailbox.
pub async fn send_verification(
    db: impl PgExecutor<'_>,
    origin: &str,
    address: &str,
    region: &str,
    token: &str,
) -> Result<(), AppError> {
    let sender = sender_address(origin);
    let subject = format!("Sesame email address verification request in region {region}");
    let link = format!("{origin}/verify-email/{token}");
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
    let raw = MessageBuilder::new()
        .from(("Sesame", sender.as_str()))
        .to(address)
        .subject(subject.as_str())
        .text_body(body)
        .write_to_vec()
        .map_err(internal)?;
    mailbox::db::deliver(
        db,
        &mailbox::db::Arrival {
            recipient: address,
            sender: &sender,
            subject: &subject,
            raw: &raw,
            message_id: None,
            account: None,
        },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_mail_comes_from_the_public_host() {
        assert_eq!(
            sender_address("https://mail.example.com"),
            "no-reply@mail.example.com"
        );
        assert_eq!(
            sender_address("https://mail.example.com:8443/x"),
            "no-reply@mail.example.com"
        );
        assert_eq!(
            sender_address("http://127.0.0.1:3000"),
            "no-reply@sesame.localhost"
        );
        assert_eq!(
            sender_address("http://localhost:3000"),
            "no-reply@sesame.localhost"
        );
    }

    #[test]
    fn tokens_are_long_and_fresh() {
        assert_eq!(new_token().len(), 32);
        assert_ne!(new_token(), new_token());
    }
}
