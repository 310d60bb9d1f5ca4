//! Queries on the mailbox.

use sqlx::PgExecutor;
use uuid::Uuid;

use super::{MailboxEntry, MailboxMessage};
use crate::ids::AccountId;

/// A message arriving in the mailbox.
pub struct Arrival<'a> {
    pub recipient: &'a str,
    pub sender: &'a str,
    pub subject: &'a str,
    pub raw: &'a [u8],
    /// The accepted message it delivers (sink mode): shown to the account that sent it.
    pub message_id: Option<&'a str>,
    /// Sesame's own mail about an account: shown to that account's admins.
    pub account: Option<&'a AccountId>,
}

/// Delivers a message into the mailbox.
pub async fn deliver(db: impl PgExecutor<'_>, arrival: &Arrival<'_>) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"insert into mailbox_message (mailbox_message_id, recipient, sender, subject, raw, message_id, account_id)
           values ($1, $2, $3, $4, $5, $6, $7) returning mailbox_message_id"#,
        Uuid::new_v4(),
        arrival.recipient,
        arrival.sender,
        arrival.subject,
        arrival.raw,
        arrival.message_id,
        arrival.account.map(AccountId::as_str)
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
        MailboxEntry {
            mailbox_message_id: r.mailbox_message_id,
            recipient: r.recipient,
            sender: r.sender,
            subject: r.subject,
            received: crate::server::shown(r.received_at),
        }
    }
}

/// What a user of the account may read, newest first: the copies its own sends delivered
/// into the mailbox (sink mode), and — for users who manage identities (`sesame_mail`) —
/// Sesame's own mail about the account (verification links, notices). Never mail another
/// account sent, and nothing on the strength of an address it names as an identity.
pub async fn list_for_account(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    sesame_mail: bool,
) -> Result<Vec<MailboxEntry>, sqlx::Error> {
    let rows = sqlx::query_as!(
        EntryRow,
        // language=PostgreSQL
        r#"select m.mailbox_message_id as "mailbox_message_id!", m.recipient as "recipient!",
                  m.sender as "sender!", m.subject as "subject!", m.received_at as "received_at!"
           from mailbox_message m
           where m.message_id in (select message_id from message where account_id = $1)
           union all
           select m.mailbox_message_id, m.recipient, m.sender, m.subject, m.received_at
           from mailbox_message m
           where $2 and m.account_id = $1
           order by 5 desc
           limit 200"#,
        account.as_str(),
        sesame_mail
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// One message, if the account may read it (as in `list_for_account`).
pub async fn find_for_account(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    sesame_mail: bool,
    id: Uuid,
) -> Result<Option<MailboxMessage>, sqlx::Error> {
    let row = sqlx::query!(
        // language=PostgreSQL
        r#"select m.mailbox_message_id, m.recipient, m.sender, m.subject, m.received_at, m.raw
           from mailbox_message m
           where m.mailbox_message_id = $2
             and (m.message_id in (select message_id from message where account_id = $1)
                  or ($3 and m.account_id = $1))"#,
        account.as_str(),
        id,
        sesame_mail
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        let parsed = mail_parser::MessageParser::new().parse(&r.raw);
        MailboxMessage {
            headers: parsed
                .as_ref()
                .map(|m| headers_of(m, &r.raw))
                .unwrap_or_default(),
            text: parsed.and_then(|m| m.body_text(0).map(|t| t.into_owned())),
            raw: String::from_utf8_lossy(&r.raw).into_owned(),
            entry: EntryRow {
                mailbox_message_id: r.mailbox_message_id,
                recipient: r.recipient,
                sender: r.sender,
                subject: r.subject,
                received_at: r.received_at,
            }
            .into(),
        }
    }))
}

/// Each header's name and raw value, unfolded.
fn headers_of(message: &mail_parser::Message<'_>, raw: &[u8]) -> Vec<(String, String)> {
    message
        .headers()
        .iter()
        .map(|h| {
            let value = raw
                .get(h.offset_start as usize..h.offset_end as usize)
                .unwrap_or_default();
            let value = String::from_utf8_lossy(value);
            (
                h.name.as_str().to_owned(),
                value.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect()
}
