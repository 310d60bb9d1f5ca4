//! One message's delivery, read for the account that sent it.

use sqlx::PgPool;

use super::{DeliveryAttempt, MessageDetail, MessageEvent, RecipientOutcome};
use crate::{ids::AccountId, server::shown};

/// The message, if `account` sent it (another account's MessageId is simply not found).
pub async fn message_detail(
    pool: &PgPool,
    account: &AccountId,
    message_id: &str,
) -> Result<Option<MessageDetail>, sqlx::Error> {
    let Some(message) = sqlx::query!(
        // language=PostgreSQL
        r#"select message_id, created_at, region, envelope_from, from_address, from_arn, status, raw
           from message where account_id = $1 and message_id = $2"#,
        account.as_str(),
        message_id
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let recipients = sqlx::query_as!(
        RecipientOutcome,
        // language=PostgreSQL
        r#"select address, status, bounce_type, attempts, remote_host, last_reply
           from message_recipient where message_id = $1 order by position"#,
        message_id
    )
    .fetch_all(pool)
    .await?;
    let attempts = sqlx::query!(
        // language=PostgreSQL
        r#"select r.address, a.started_at, a.remote_host, a.reply, a.outcome
           from delivery_attempt a
           join message_recipient r on r.message_id = a.message_id and r.position = a.position
           where a.message_id = $1 order by a.delivery_attempt_id"#,
        message_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|a| DeliveryAttempt {
        recipient: a.address,
        at: shown(a.started_at),
        remote_host: a.remote_host,
        reply: a.reply,
        outcome: a.outcome,
    })
    .collect();
    let accepted = MessageEvent {
        at: shown(message.created_at),
        event_type: "Send".to_owned(),
        recipient: None,
        detail: "Accepted and queued for delivery.".to_owned(),
    };
    let later = sqlx::query!(
        // language=PostgreSQL
        r#"select e.created_at, e.event_type, r.address as "address?", e.detail, e.bounce_type,
                  e.bounce_sub_type, e.status, e.bounce_class, e.feedback_type
           from message_event e
           left join message_recipient r on r.message_id = e.message_id and r.position = e.position
           where e.message_id = $1 order by e.created_at, e.event_id"#,
        message_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|e| {
        // What kind of bounce or complaint, before the words of whoever reported it.
        let kind: Vec<String> = [
            e.bounce_type,
            e.bounce_sub_type,
            e.status,
            e.bounce_class,
            e.feedback_type,
        ]
        .into_iter()
        .flatten()
        .collect();
        MessageEvent {
            at: shown(e.created_at),
            event_type: e.event_type,
            recipient: e.address,
            detail: match kind.is_empty() {
                true => e.detail,
                false => format!("{} — {}", kind.join(" · "), e.detail),
            },
        }
    });
    Ok(Some(MessageDetail {
        message_id: message.message_id,
        accepted: shown(message.created_at),
        region: message.region,
        envelope_from: message.envelope_from,
        from_address: message.from_address,
        from_arn: message.from_arn,
        status: message.status,
        recipients,
        attempts,
        events: std::iter::once(accepted).chain(later).collect(),
        raw: String::from_utf8_lossy(&message.raw).into_owned(),
    }))
}
