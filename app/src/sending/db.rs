//! Queries of the send path: the sending account's quota (counted under a lock on its
//! region row, so concurrent sends — from any number of Sesame processes — cannot pass
//! it), the identities that may authorize an address, and enqueuing a message.

use sqlx::{PgExecutor, PgTransaction};

use crate::ids::AccountId;

/// The sending account's standing in a region, read under a lock held until the end of
/// the caller's transaction.
pub struct LockedQuota {
    pub sandbox: bool,
    pub max_24_hour_send: f64,
    pub max_send_rate: f64,
    /// Recipients accepted in the last 24 hours and in the last second.
    pub sent_last_24_hours: i64,
    pub sent_last_second: i64,
}

pub async fn lock_quota(
    tx: &mut PgTransaction<'_>,
    account: &AccountId,
    region: &str,
) -> Result<Option<LockedQuota>, sqlx::Error> {
    let Some(limits) = sqlx::query!(
        // language=PostgreSQL
        r#"select sandbox, max_24_hour_send, max_send_rate from account_region
           where account_id = $1 and region = $2 for update"#,
        account.as_str(),
        region
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    // clock_timestamp(), not now(): now() is when the transaction began, before the wait
    // for the lock, and would shift the windows under contention.
    let sent = sqlx::query!(
        // language=PostgreSQL
        r#"select coalesce(sum(recipient_count), 0)::bigint as "day!",
                  coalesce(sum(recipient_count) filter (where created_at > clock_timestamp() - interval '1 second'), 0)::bigint as "second!"
           from message
           where account_id = $1 and region = $2 and created_at > clock_timestamp() - interval '24 hours'"#,
        account.as_str(),
        region
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(Some(LockedQuota {
        sandbox: limits.sandbox,
        max_24_hour_send: limits.max_24_hour_send,
        max_send_rate: limits.max_send_rate,
        sent_last_24_hours: sent.day,
        sent_last_second: sent.second,
    }))
}

/// Recipients the account sent to in a region over the last 24 hours.
pub async fn sent_last_24_hours(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select coalesce(sum(recipient_count), 0)::bigint as "sent!" from message
           where account_id = $1 and region = $2 and created_at > now() - interval '24 hours'"#,
        account.as_str(),
        region
    )
    .fetch_one(db)
    .await
}

/// Whether the owner's region is in the sandbox (None: the owner does not use the region).
pub async fn in_sandbox(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
) -> Result<Option<bool>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select sandbox from account_region where account_id = $1 and region = $2"#,
        account.as_str(),
        region
    )
    .fetch_optional(db)
    .await
}

/// An identity that may cover an address, with its verification status.
pub struct CandidateIdentity {
    pub name: String,
    pub verification_status: String,
}

/// The owner's identities in `region` among `names` (an address and its enclosing domains).
pub async fn identities_named(
    db: impl PgExecutor<'_>,
    owner: &AccountId,
    region: &str,
    names: &[String],
) -> Result<Vec<CandidateIdentity>, sqlx::Error> {
    sqlx::query_as!(
        CandidateIdentity,
        // language=PostgreSQL
        r#"select name, verification_status from identity
           where account_id = $1 and region = $2 and name = any($3)"#,
        owner.as_str(),
        region,
        names
    )
    .fetch_all(db)
    .await
}

/// A message about to be enqueued.
pub struct NewMessage<'a> {
    pub message_id: &'a str,
    pub account: &'a AccountId,
    pub region: &'a str,
    pub envelope_from: &'a str,
    pub from_address: &'a str,
    pub source_arn: &'a str,
    pub from_arn: &'a str,
    pub return_path_arn: &'a str,
    pub identity_owner: &'a AccountId,
    pub raw: &'a [u8],
    pub recipients: &'a [String],
}

/// Stores the message and one row per recipient (in the caller's transaction).
pub async fn enqueue(tx: &mut PgTransaction<'_>, new: &NewMessage<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into message (message_id, account_id, region, envelope_from, from_address,
                                source_arn, from_arn, return_path_arn, identity_owner, raw,
                                recipient_count, created_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, clock_timestamp())"#,
        new.message_id,
        new.account.as_str(),
        new.region,
        new.envelope_from,
        new.from_address,
        new.source_arn,
        new.from_arn,
        new.return_path_arn,
        new.identity_owner.as_str(),
        new.raw,
        new.recipients.len() as i32
    )
    .execute(&mut **tx)
    .await?;
    let positions: Vec<i16> = (0..new.recipients.len() as i16).collect();
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into message_recipient (message_id, position, address)
           select $1, * from unnest($2::smallint[], $3::text[])"#,
        new.message_id,
        &positions,
        new.recipients
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The account's latest accepted messages, newest first.
pub async fn list_messages(
    db: impl PgExecutor<'_>,
    account: &AccountId,
) -> Result<Vec<super::MessageSummary>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"select m.message_id, m.created_at, m.region, m.from_address, m.status, m.from_arn,
                  m.identity_owner <> m.account_id as "delegated!",
                  array(select r.address || ': ' || r.status from message_recipient r
                        where r.message_id = m.message_id order by r.position) as "recipients!"
           from message m where m.account_id = $1 order by m.created_at desc limit 100"#,
        account.as_str()
    )
    .fetch_all(db)
    .await?;
    let when =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    Ok(rows
        .into_iter()
        .map(|r| super::MessageSummary {
            message_id: r.message_id,
            created: r.created_at.format(when).unwrap_or_default(),
            region: r.region,
            from_address: r.from_address,
            recipients: r.recipients,
            status: r.status,
            from_arn: r.from_arn,
            delegated: r.delegated,
        })
        .collect())
}

/// One 15-minute interval of `GetSendStatistics`.
pub struct StatisticsPoint {
    pub interval_start: time::OffsetDateTime,
    /// Recipients accepted in the interval.
    pub delivery_attempts: i64,
    pub bounces: i64,
}

/// The account's sending in a region over the last two weeks, in 15-minute intervals.
pub async fn send_statistics(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
) -> Result<Vec<StatisticsPoint>, sqlx::Error> {
    sqlx::query_as!(
        StatisticsPoint,
        // language=PostgreSQL
        r#"select date_bin('15 minutes', m.created_at, timestamptz 'epoch') as "interval_start!",
                  sum(m.recipient_count)::bigint as "delivery_attempts!",
                  sum((select count(*) from message_recipient r
                       where r.message_id = m.message_id and r.status = 'Bounced'))::bigint as "bounces!"
           from message m
           where m.account_id = $1 and m.region = $2 and m.created_at > now() - interval '14 days'
           group by 1 order by 1"#,
        account.as_str(),
        region
    )
    .fetch_all(db)
    .await
}

/// The message a send with this idempotency key produced in the last 24 hours, if any
/// (read under the quota lock, so a concurrent retry waits for the first to commit).
pub async fn find_idempotent(
    tx: &mut PgTransaction<'_>,
    account: &AccountId,
    key: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select message_id from idempotency_key
           where account_id = $1 and key = $2 and created_at > clock_timestamp() - interval '24 hours'"#,
        account.as_str(),
        key
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Records the key of an accepted send (replacing an expired use of the same key).
pub async fn record_idempotent(
    tx: &mut PgTransaction<'_>,
    account: &AccountId,
    key: &str,
    message_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into idempotency_key (account_id, key, message_id) values ($1, $2, $3)
           on conflict (account_id, key)
           do update set message_id = excluded.message_id, created_at = now()"#,
        account.as_str(),
        key,
        message_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What one delegate account sent as one of the owner's identities.
pub struct DelegateActivityRow {
    pub delegate: String,
    pub messages: i64,
    pub recipients: i64,
    pub bounced: i64,
    pub last_sent: time::OffsetDateTime,
}

/// Per delegate account: sends that used the owner's identity `arn` (as Source, From or
/// Return-Path), most recent first.
pub async fn delegate_activity(
    db: impl PgExecutor<'_>,
    owner: &AccountId,
    arn: &str,
) -> Result<Vec<DelegateActivityRow>, sqlx::Error> {
    sqlx::query_as!(
        DelegateActivityRow,
        // language=PostgreSQL
        r#"select m.account_id as delegate, count(*) as "messages!",
                  sum(m.recipient_count)::bigint as "recipients!",
                  sum((select count(*) from message_recipient r
                       where r.message_id = m.message_id and r.status = 'Bounced'))::bigint as "bounced!",
                  max(m.created_at) as "last_sent!"
           from message m
           where m.identity_owner = $1 and m.account_id <> $1
             and $2 in (m.source_arn, m.from_arn, m.return_path_arn)
           group by m.account_id order by max(m.created_at) desc"#,
        owner.as_str(),
        arn
    )
    .fetch_all(db)
    .await
}
