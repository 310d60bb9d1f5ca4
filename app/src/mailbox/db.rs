//! Queries on the mailbox.

use sqlx::PgExecutor;
use time::macros::format_description;
use uuid::Uuid;

use super::{MailboxEntry, MailboxMessage};
use crate::ids::AccountId;

/// Delivers a message into the mailbox.
pub async fn deliver(
    db: impl PgExecutor<'_>,
    recipient: &str,
    sender: &str,
    subject: &str,
    raw: &[u8],
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"insert into mailbox_message (mailbox_message_id, recipient, sender, subject, raw)
           values ($1, $2, $3, $4, $5) returning mailbox_message_id"#,
        Uuid::new_v4(),
        recipient,
        sender,
        subject,
        raw
    )
    .fetch_one(db)
    .await
}

struct EntryRow {
    mailbox_message_id: Uuid,
    recipient: String,
    sender: String,
    subject: String,
    received_at: time::OffsetDateTime,
}

impl From<EntryRow> for MailboxEntry {
    fn from(r: EntryRow) -> Self {
        let when = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
        MailboxEntry {
            mailbox_message_id: r.mailbox_message_id,
            recipient: r.recipient,
            sender: r.sender,
            subject: r.subject,
            received: r.received_at.format(when).unwrap_or_default(),
        }
    }
}

/// Messages to the account's email-address identities, newest first.
pub async fn list_for_account(
    db: impl PgExecutor<'_>,
    account: &AccountId,
) -> Result<Vec<MailboxEntry>, sqlx::Error> {
    let rows = sqlx::query_as!(
        EntryRow,
        // language=PostgreSQL
        r#"select m.mailbox_message_id, m.recipient, m.sender, m.subject, m.received_at
           from mailbox_message m
           where m.recipient in (select name from identity where account_id = $1 and kind = 'email_address')
           order by m.received_at desc
           limit 200"#,
        account.as_str()
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// One message, if it is addressed to one of the account's email-address identities.
pub async fn find_for_account(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    id: Uuid,
) -> Result<Option<MailboxMessage>, sqlx::Error> {
    let row = sqlx::query!(
        // language=PostgreSQL
        r#"select m.mailbox_message_id, m.recipient, m.sender, m.subject, m.received_at, m.raw
           from mailbox_message m
           where m.mailbox_message_id = $2
             and m.recipient in (select name from identity where account_id = $1 and kind = 'email_address')"#,
        account.as_str(),
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| MailboxMessage {
        text: mail_parser::MessageParser::new()
            .parse(&r.raw)
            .and_then(|m| m.body_text(0).map(|t| t.into_owned())),
        raw: String::from_utf8_lossy(&r.raw).into_owned(),
        entry: EntryRow {
            mailbox_message_id: r.mailbox_message_id,
            recipient: r.recipient,
            sender: r.sender,
            subject: r.subject,
            received_at: r.received_at,
        }
        .into(),
    }))
}
