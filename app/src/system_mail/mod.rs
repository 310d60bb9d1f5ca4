//! Sesame's own mail to people — address verification links, reputation notices: composed
//! here and put in a durable outbox (`system_mail`) in the same transaction as the change
//! it reports, then delivered by the system-mail workers through the configured delivery
//! route like any message, with retries and a recorded outcome. Only the `sink` route,
//! where no mail leaves the machine, keeps it — in the Mailbox of the account it concerns,
//! never anyone else's.
//!
//! This is what makes a verification link proof of owning an address: it reaches only
//! whoever reads that address's mail.

pub mod db;

use std::sync::Arc;

use mail_builder::{headers::raw::Raw, MessageBuilder};
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::{error::AppError, ids::AccountId, server::errors::internal};

/// Who Sesame's own mail comes from, and where the links in it point.
#[derive(Debug, Clone)]
pub struct Letterhead {
    /// The system sender, a bare address (`[delivery] system_sender`).
    pub from: Arc<str>,
    /// The origin users reach Sesame at.
    pub origin: Arc<str>,
}

/// One message from Sesame to a person.
pub struct Letter<'a> {
    /// The account the mail is about: only its Mailbox may keep a sink copy. None before
    /// there is one (a sign-up's link, an invitation): no Mailbox keeps it.
    pub account: Option<&'a AccountId>,
    /// For mail about no account: the account whose action sent it (an invitation's), to
    /// count against its limits.
    pub requested_by: Option<&'a AccountId>,
    /// The address identity a verification mail is for (its page shows the outcome).
    pub identity: Option<Uuid>,
    pub to: &'a str,
    pub subject: &'a str,
    /// Plain text, CRLF line breaks.
    pub body: &'a str,
}

impl<'a> Letter<'a> {
    /// Mail about no account that no account's action asked for (a sign-up's link, a
    /// password reset's).
    pub fn about_no_account(to: &'a str, subject: &'a str, body: &'a str) -> Self {
        Self {
            account: None,
            requested_by: None,
            identity: None,
            to,
            subject,
            body,
        }
    }
}

/// Composes `letter` and queues it for delivery, inside the caller's transaction.
pub async fn post(
    db: impl PgExecutor<'_>,
    letterhead: &Letterhead,
    letter: &Letter<'_>,
) -> Result<Uuid, AppError> {
    let raw = MessageBuilder::new()
        .from(("Sesame", letterhead.from.as_ref()))
        .to(letter.to)
        .subject(letter.subject)
        // RFC 3834: no auto-replies to this, please.
        .header("Auto-Submitted", Raw::new("auto-generated"))
        .text_body(letter.body)
        .write_to_vec()
        .map_err(internal)?;
    let id = Uuid::new_v4();
    db::insert(
        db,
        &db::NewSystemMail {
            system_mail_id: id,
            account: letter.account,
            requested_by: letter.requested_by,
            identity: letter.identity,
            sender: &letterhead.from,
            recipient: letter.to,
            subject: letter.subject,
            raw: &raw,
        },
    )
    .await?;
    Ok(id)
}

/// The address Sesame's mail comes from when none is configured: `no-reply@` the feedback
/// domain, else the host users reach Sesame at (`sesame.localhost` when that is an IP
/// address or localhost, which make no mail domain — fine for the sink, not for real mail).
pub fn default_sender(feedback_domain: Option<&str>, host: &str) -> String {
    if let Some(domain) = feedback_domain {
        return format!("no-reply@{domain}");
    }
    let is_name = host.contains('.') && host.parse::<std::net::IpAddr>().is_err();
    format!(
        "no-reply@{}",
        if is_name && host != "localhost" {
            host
        } else {
            "sesame.localhost"
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_comes_from_the_feedback_domain_or_the_public_host() {
        assert_eq!(
            default_sender(Some("feedback.example.com"), "127.0.0.1"),
            "no-reply@feedback.example.com"
        );
        assert_eq!(
            default_sender(None, "mail.example.com"),
            "no-reply@mail.example.com"
        );
        for no_domain in ["127.0.0.1", "localhost", "::1"] {
            assert_eq!(default_sender(None, no_domain), "no-reply@sesame.localhost");
        }
    }
}
