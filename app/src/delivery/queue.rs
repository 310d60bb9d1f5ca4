//! The outbound queue as the delivery workers see it: claim due recipients under a lease,
//! load what is needed to send their messages, record what happened.

use sqlx::{PgExecutor, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{feedback::Bounce, server::vault::Sealed};

/// A recipient a worker now holds until its lease ends.
pub struct Claimed {
    pub message_id: String,
    pub position: i16,
    pub address: String,
    /// Attempts so far, this one included.
    pub attempts: i32,
}

/// Claims up to `batch` due recipients, oldest due first. The lease is the recipient's
/// next_attempt_at pushed `lease_secs` ahead: if the worker dies, the recipient is due
/// again when the lease ends; if it lives, recording the attempt replaces it.
pub async fn claim_due(
    db: impl PgExecutor<'_>,
    batch: i64,
    lease_secs: f64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    sqlx::query_as!(
        Claimed,
        // language=PostgreSQL
        r#"with due as (
               select message_id, position from message_recipient
               where status = 'Queued' and next_attempt_at <= now()
               order by next_attempt_at
               limit $1
               for update skip locked)
           update message_recipient r
           set next_attempt_at = now() + make_interval(secs => $2), attempts = r.attempts + 1
           from due
           where r.message_id = due.message_id and r.position = due.position
           returning r.message_id, r.position, r.address, r.attempts"#,
        batch,
        lease_secs
    )
    .fetch_all(db)
    .await
}

/// The DKIM key a message is signed with: the most specific verified domain identity of
/// the From identity's owner that covers the From address.
pub struct SigningIdentity {
    pub identity_id: Uuid,
    pub domain: String,
    pub selector: String,
    pub algorithm: String,
    pub private_key: Sealed,
}

/// A claimed message, as it will be sent.
pub struct Outbound {
    pub message_id: String,
    /// The sending account (whose suppression list applies).
    pub account_id: String,
    pub envelope_from: String,
    pub raw: Vec<u8>,
    pub created_at: OffsetDateTime,
    pub signing: Option<SigningIdentity>,
}

pub async fn outbound(
    db: impl PgExecutor<'_>,
    message_ids: &[String],
) -> Result<Vec<Outbound>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"select m.message_id, m.account_id, m.envelope_from, m.raw, m.created_at,
                  k.identity_id as "identity_id?", k.name as "domain?", k.dkim_selector as "selector?",
                  k.dkim_algorithm as "algorithm?", k.dkim_private_nonce as "nonce?",
                  k.dkim_private_ciphertext as "ciphertext?"
           from message m
           left join lateral (
               select i.identity_id, i.name, i.dkim_selector, i.dkim_algorithm,
                      i.dkim_private_nonce, i.dkim_private_ciphertext
               from identity i
               where i.account_id = m.identity_owner and i.region = m.region and i.kind = 'domain'
                 and counts_as_verified(i.verification_status)
                 and i.dkim_private_ciphertext is not null
                 and (split_part(m.from_address, '@', 2) = i.name
                      or right(split_part(m.from_address, '@', 2), length(i.name) + 1) = '.' || i.name)
               order by length(i.name) desc
               limit 1) k on true
           where m.message_id = any($1)"#,
        message_ids
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let signing = match (
                r.identity_id,
                r.domain,
                r.selector,
                r.algorithm,
                r.nonce,
                r.ciphertext,
            ) {
                (
                    Some(identity_id),
                    Some(domain),
                    Some(selector),
                    Some(algorithm),
                    Some(nonce),
                    Some(ciphertext),
                ) => Some(SigningIdentity {
                    identity_id,
                    domain,
                    selector,
                    algorithm,
                    private_key: Sealed { nonce, ciphertext },
                }),
                _ => None,
            };
            Outbound {
                message_id: r.message_id,
                account_id: r.account_id,
                envelope_from: r.envelope_from,
                raw: r.raw,
                created_at: r.created_at,
                signing,
            }
        })
        .collect())
}

/// What one attempt meant for one recipient.
pub enum Verdict {
    Delivered,
    /// Tried again at `retry_at`.
    Deferred {
        retry_at: OffsetDateTime,
    },
    /// A 5xx (or still 4xx at the maximum age, or not attempted: suppressed), classed.
    Bounced(Bounce),
}

pub struct Attempt {
    pub position: i16,
    pub remote_host: String,
    pub reply: String,
    pub verdict: Verdict,
}

/// Records the attempts on one message (its recipients' outcomes, the attempt log, the
/// timeline events and the suppression list), then the message's own status. A recipient
/// already final (another worker took over after a lease ran out and finished first) keeps
/// its outcome, and a final event is recorded once.
pub async fn record_attempts(
    pool: &PgPool,
    message_id: &str,
    started_at: OffsetDateTime,
    attempts: &[Attempt],
) -> Result<(), sqlx::Error> {
    let mut positions = Vec::with_capacity(attempts.len());
    let mut hosts = Vec::with_capacity(attempts.len());
    let mut replies = Vec::with_capacity(attempts.len());
    let mut outcomes = Vec::with_capacity(attempts.len());
    let mut retry_ats: Vec<Option<OffsetDateTime>> = Vec::with_capacity(attempts.len());
    let mut bounces: Vec<Option<&Bounce>> = Vec::with_capacity(attempts.len());
    for attempt in attempts {
        positions.push(attempt.position);
        hosts.push(attempt.remote_host.as_str());
        replies.push(attempt.reply.as_str());
        let (outcome, retry_at, bounce) = match &attempt.verdict {
            Verdict::Delivered => ("Delivered", None, None),
            Verdict::Deferred { retry_at } => ("Deferred", Some(*retry_at), None),
            Verdict::Bounced(bounce) => ("Bounced", None, Some(bounce)),
        };
        outcomes.push(outcome);
        retry_ats.push(retry_at);
        bounces.push(bounce);
    }
    let bounce_types: Vec<Option<&str>> =
        bounces.iter().map(|b| b.map(|b| b.bounce_type)).collect();
    let sub_types: Vec<Option<&str>> = bounces.iter().map(|b| b.map(|b| b.sub_type)).collect();
    let statuses: Vec<Option<&str>> = bounces
        .iter()
        .map(|b| b.and_then(|b| b.status.as_deref()))
        .collect();
    let classes: Vec<Option<&str>> = bounces.iter().map(|b| b.map(|b| b.class)).collect();
    let suppress: Vec<bool> = bounces
        .iter()
        .map(|b| b.is_some_and(|b| b.suppress))
        .collect();
    let mut tx = pool.begin().await?;
    sqlx::query!(
        // language=PostgreSQL
        r#"with attempt as (
               select * from unnest($2::smallint[], $3::text[], $4::text[], $5::text[],
                                    $6::timestamptz[], $7::text[], $9::text[], $10::text[],
                                    $11::text[], $12::bool[])
                   as a(position, remote_host, reply, outcome, retry_at, bounce_type,
                        bounce_sub_type, status, bounce_class, suppress)),
           logged as (
               insert into delivery_attempt (message_id, position, started_at, remote_host, reply, outcome)
               select $1, position, $8, remote_host, reply, outcome from attempt),
           event as (
               insert into message_event (event_id, message_id, position, event_type, detail,
                                          bounce_type, bounce_sub_type, status, bounce_class,
                                          reporting_mta, suppresses)
               select gen_random_uuid(), $1, position,
                      case outcome when 'Delivered' then 'Delivery' when 'Bounced' then 'Bounce'
                                   else 'DeliveryDelay' end,
                      reply, bounce_type, bounce_sub_type, status, bounce_class, remote_host,
                      suppress
               from attempt
               on conflict (message_id, position, event_type)
                   where event_type in ('Delivery', 'Bounce', 'Complaint')
               -- A bounce recorded before without suppressing (a DSN about a full mailbox)
               -- is marked when this one suppresses: the list is written by its trigger.
               do update set suppresses = true
                   where excluded.suppresses and not message_event.suppresses)
           update message_recipient r
           set status = case a.outcome when 'Deferred' then 'Queued' else a.outcome end,
               next_attempt_at = coalesce(a.retry_at, r.next_attempt_at),
               remote_host = a.remote_host,
               last_reply = a.reply,
               bounce_type = a.bounce_type,
               finished_at = case when a.outcome <> 'Deferred' then now() end
           from attempt a
           where r.message_id = $1 and r.position = a.position and r.status = 'Queued'"#,
        message_id,
        &positions,
        &hosts as &[&str],
        &replies as &[&str],
        &outcomes as &[&str],
        &retry_ats as &[Option<OffsetDateTime>],
        &bounce_types as &[Option<&str>],
        started_at,
        &sub_types as &[Option<&str>],
        &statuses as &[Option<&str>],
        &classes as &[Option<&str>],
        &suppress
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        // language=PostgreSQL
        r#"update message m
           set status = case when s.queued then 'Queued'
                             when s.delivered = s.total then 'Delivered'
                             when s.delivered > 0 then 'PartiallyDelivered'
                             else 'Bounced' end
           from (select bool_or(status = 'Queued') as queued,
                        count(*) filter (where status = 'Delivered') as delivered,
                        count(*) as total
                 from message_recipient where message_id = $1) s
           where m.message_id = $1"#,
        message_id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}
