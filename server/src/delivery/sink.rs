//! `sink` mode: "delivery" into Sesame's own mailbox, one copy per recipient, all or none —
//! a copy of an accepted message for its sending account, or Sesame's own mail for the
//! account it concerns. Sesame's mail about no account (a sign-up's link) is kept by no
//! Mailbox: only the operator reads it (`sesame admin mail`).

use app::mailbox::db::{deliver, Arrival};
use mail_parser::MessageParser;
use sqlx::PgPool;

use super::transport::{Concerning, Envelope, Outcome, RecipientResult, Reply};

pub async fn deliver_all(pool: &PgPool, envelope: &Envelope<'_>) -> Vec<Outcome> {
    let parsed = MessageParser::new().parse_headers(envelope.data);
    let subject = parsed
        .as_ref()
        .and_then(|m| m.subject())
        .unwrap_or("(no subject)");
    let sender = parsed
        .as_ref()
        .and_then(|m| m.from())
        .and_then(|from| from.first())
        .and_then(|from| from.address())
        .unwrap_or(envelope.from);
    let stored = store(pool, envelope, sender, subject).await;
    let result = match stored {
        Ok(()) => {
            RecipientResult::Delivered(Reply::new(250, "2.0.0 Ok: stored in the Sesame mailbox"))
        }
        Err(e) => {
            tracing::error!(message_id = envelope.message_id, error = %e, "the mailbox could not store a message");
            RecipientResult::Deferred(Reply::new(
                451,
                "4.3.0 the Sesame mailbox could not store the message",
            ))
        }
    };
    Outcome::all(0..envelope.recipients.len(), "sink", &result)
}

async fn store(
    pool: &PgPool,
    envelope: &Envelope<'_>,
    sender: &str,
    subject: &str,
) -> Result<(), sqlx::Error> {
    let (message_id, account) = match envelope.about {
        Concerning::Message => (Some(envelope.message_id), None),
        Concerning::Account(account) => (None, Some(account)),
        Concerning::Nobody => return Ok(()),
    };
    let mut tx = pool.begin().await?;
    for recipient in envelope.recipients {
        let arrival = Arrival {
            recipient: &recipient.to_ascii_lowercase(),
            sender,
            subject,
            raw: envelope.data,
            message_id,
            account,
        };
        deliver(&mut *tx, &arrival).await?;
    }
    tx.commit().await
}
