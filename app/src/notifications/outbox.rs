//! The outbox as the webhook workers see it: claim due notifications (one in flight per
//! destination, so a slow endpoint delays only itself), read the event a payload is built
//! from, and record each attempt with its effect on the destination.

use sqlx::{PgExecutor, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{payload::EventFacts, webhook::CallResult};
use crate::{ids::AccountId, server::vault::Sealed};

/// Where a notification goes.
pub enum Target {
    Webhook {
        destination_id: Uuid,
        url: String,
        secret: Sealed,
    },
    /// By email: a destination's address, or (no destination) forwarded feedback.
    Email {
        to: String,
        destination_id: Option<Uuid>,
        /// The destination's account, whose Mailbox keeps a sink copy (None: forwarded
        /// feedback, a copy for the sending account).
        owner: Option<AccountId>,
    },
}

impl Target {
    pub fn destination_id(&self) -> Option<Uuid> {
        match self {
            Self::Webhook { destination_id, .. } => Some(*destination_id),
            Self::Email { destination_id, .. } => *destination_id,
        }
    }
}

/// A notification a worker now holds until its lease ends.
pub struct Due {
    pub notification_id: Uuid,
    pub event_id: Uuid,
    /// Attempts so far, this one included.
    pub attempts: i32,
    pub created_at: OffsetDateTime,
    pub target: Target,
}

/// Claims the oldest due notification of up to `limit` enabled destinations that have
/// none in flight.
pub async fn claim_due(
    db: impl PgExecutor<'_>,
    limit: i64,
    lease_secs: f64,
) -> Result<Vec<Due>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"with ready as (
               select d.destination_id from event_destination d
               where d.enabled
                 and exists (select 1 from notification n where n.destination_id = d.destination_id
                                 and n.status = 'Pending' and n.next_attempt_at <= now())
                 and not exists (select 1 from notification n where n.destination_id = d.destination_id
                                     and n.status = 'Pending' and n.leased_until > now())
               limit $1
               for update skip locked),
           picked as (
               select (select n.notification_id from notification n
                       where n.destination_id = r.destination_id and n.status = 'Pending'
                         and n.next_attempt_at <= now()
                       order by n.next_attempt_at limit 1) as notification_id
               from ready r)
           update notification n
           set leased_until = now() + make_interval(secs => $2), attempts = n.attempts + 1
           from picked p, event_destination d
           where n.notification_id = p.notification_id and d.destination_id = n.destination_id
             and (n.leased_until is null or n.leased_until <= now())
           returning n.notification_id, n.event_id, n.attempts, n.created_at, d.destination_id,
                     d.url, d.email, d.secret_nonce, d.secret_ciphertext,
                     d.account_id as "account_id: AccountId""#,
        limit,
        lease_secs
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Due {
            notification_id: r.notification_id,
            event_id: r.event_id,
            attempts: r.attempts,
            created_at: r.created_at,
            target: match (r.url, r.email) {
                (Some(url), _) => Target::Webhook {
                    destination_id: r.destination_id,
                    url,
                    secret: Sealed {
                        nonce: r.secret_nonce,
                        ciphertext: r.secret_ciphertext,
                    },
                },
                (None, email) => Target::Email {
                    to: email.unwrap_or_default(),
                    destination_id: Some(r.destination_id),
                    owner: Some(r.account_id),
                },
            },
        })
        .collect())
}

/// Claims up to `limit` due email notifications (forwarded feedback).
pub async fn claim_due_emails(
    db: impl PgExecutor<'_>,
    limit: i64,
    lease_secs: f64,
) -> Result<Vec<Due>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"with due as (
               select notification_id from notification
               where status = 'Pending' and email_to is not null and next_attempt_at <= now()
                 and (leased_until is null or leased_until <= now())
               order by next_attempt_at
               limit $1
               for update skip locked)
           update notification n
           set leased_until = now() + make_interval(secs => $2), attempts = n.attempts + 1
           from due
           where n.notification_id = due.notification_id
           returning n.notification_id, n.event_id, n.attempts, n.created_at, n.email_to as "email_to!""#,
        limit,
        lease_secs
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Due {
            notification_id: r.notification_id,
            event_id: r.event_id,
            attempts: r.attempts,
            created_at: r.created_at,
            target: Target::Email {
                to: r.email_to,
                destination_id: None,
                owner: None,
            },
        })
        .collect())
}

/// What a payload is built from.
pub async fn event_facts(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
) -> Result<Option<EventFacts>, sqlx::Error> {
    let row = sqlx::query!(
        // language=PostgreSQL
        r#"select e.event_id, e.event_type, e.created_at, e.detail, r.address as "recipient?",
                  e.bounce_type, e.bounce_sub_type, e.status, e.feedback_type, e.reporting_mta,
                  m.message_id, m.created_at as sent_at, m.envelope_from, m.source_arn, m.account_id,
                  substring(m.raw from 1 for 65536) as "head!",
                  array(select address from message_recipient where message_id = m.message_id
                        order by position) as "destination!",
                  c.name as "configuration_set?", c.tags as "message_tags?"
           from message_event e
           join message m on m.message_id = e.message_id
           left join message_recipient r on r.message_id = e.message_id and r.position = e.position
           left join message_configuration_set c on c.message_id = e.message_id
           where e.event_id = $1"#,
        event_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| EventFacts {
        event_id: r.event_id.to_string(),
        event_type: r.event_type,
        at: r.created_at,
        detail: r.detail,
        recipient: r.recipient,
        bounce_type: r.bounce_type,
        bounce_sub_type: r.bounce_sub_type,
        status: r.status,
        feedback_type: r.feedback_type,
        reporting_mta: r.reporting_mta,
        message_id: r.message_id,
        sent_at: r.sent_at,
        source: r.envelope_from,
        source_arn: r.source_arn,
        sending_account: r.account_id,
        destination: r.destination,
        configuration_set: r.configuration_set,
        message_tags: r.message_tags.unwrap_or_default(),
        head: r.head,
    }))
}

/// What the worker decided after an attempt.
pub enum Next {
    Delivered,
    RetryAt(OffsetDateTime),
    /// Out of time (or the event is gone): no more attempts.
    GiveUp,
}

/// Records an attempt, the notification's next step, and (for a webhook) the
/// destination's failure count — disabling it once `disable_after` attempts in a row have
/// failed.
pub async fn record(
    pool: &PgPool,
    due: &Due,
    result: &CallResult,
    next: Next,
    disable_after: i32,
) -> Result<(), sqlx::Error> {
    let (status, retry_at) = match next {
        Next::Delivered => ("Delivered", None),
        Next::RetryAt(at) => ("Pending", Some(at)),
        Next::GiveUp => ("Failed", None),
    };
    let mut tx = pool.begin().await?;
    sqlx::query!(
        // language=PostgreSQL
        r#"with attempt as (
               insert into notification_attempt (notification_id, http_status, latency_ms, response)
               values ($1, $2, $3, $4))
           update notification
           set status = $5, next_attempt_at = coalesce($6, next_attempt_at), leased_until = null,
               finished_at = case when $5 = 'Pending' then null else now() end
           where notification_id = $1"#,
        due.notification_id,
        result.status.map(i32::from),
        result.latency_ms,
        result.response,
        status,
        retry_at
    )
    .execute(&mut *tx)
    .await?;
    let Some(destination_id) = due.target.destination_id() else {
        return tx.commit().await;
    };
    let reason = format!(
        "Disabled after {disable_after} failed deliveries in a row; the last: {}",
        result
            .status
            .map_or_else(|| result.response.clone(), |s| format!("HTTP {s}"))
    );
    sqlx::query!(
        // language=PostgreSQL
        r#"update event_destination
           set consecutive_failures = case when $2 then 0 else consecutive_failures + 1 end,
               enabled = enabled and ($2 or consecutive_failures + 1 < $3),
               disabled_reason = case when not $2 and enabled and consecutive_failures + 1 >= $3 then $4
                                      else disabled_reason end
           where destination_id = $1"#,
        destination_id,
        result.succeeded(),
        disable_after,
        reason
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}
