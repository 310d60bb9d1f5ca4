//! Delegate activity on an owner's identity, and per-grant caps.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::ids::AccountId;

pub struct ActivityRow {
    pub delegate: String,
    pub delegate_name: Option<String>,
    pub messages: i64,
    pub recipients: i64,
    pub deliveries: i64,
    pub rated: i64,
    pub hard_bounces: i64,
    pub complaints: i64,
    pub last_sent: Option<OffsetDateTime>,
    pub cap: Option<i64>,
}

/// Per delegate account — every account that sent from the identity (as Source, From or
/// Return-Path, with the identity's owner as From's owner), is named in its policies, or has
/// a cap — its sends and their outcomes, most recent sender first. A delegate's display
/// name comes only once it has sent from the identity: naming an account id in a policy
/// must not be a way to look up any account's name.
pub async fn activity(
    db: impl PgExecutor<'_>,
    owner: &AccountId,
    identity: Uuid,
) -> Result<Vec<ActivityRow>, sqlx::Error> {
    sqlx::query_as!(
        ActivityRow,
        // language=PostgreSQL
        r#"with sent as (
               select m.account_id, count(*) as messages, sum(m.recipient_count)::bigint as recipients,
                      max(m.created_at) as last_sent,
                      coalesce(sum(o.deliveries), 0)::bigint as deliveries,
                      coalesce(sum(o.rated), 0)::bigint as rated,
                      coalesce(sum(o.hard_bounces), 0)::bigint as hard_bounces,
                      coalesce(sum(o.complaints), 0)::bigint as complaints
               from message m
               left join lateral (
                   select count(*) filter (where e.event_type = 'Delivery') as deliveries,
                          count(*) filter (where e.rated_outcome) as rated,
                          count(*) filter (where e.event_type = 'Bounce' and e.rated_against) as hard_bounces,
                          count(*) filter (where e.event_type = 'Complaint' and e.rated_against) as complaints
                   from message_event e where e.message_id = m.message_id) o on true
               where m.identity_owner = $1 and m.account_id <> $1
                 and $2 in (m.source_identity_id, m.from_identity_id, m.return_path_identity_id)
               group by m.account_id),
           named as (
               select distinct unnest(p.grantee_accounts) as account_id from identity_policy p
               where p.account_id = $1 and p.identity_id = $2),
           capped as (
               select c.delegate_account_id as account_id, c.max_24_hour_send from grant_cap c
               where c.account_id = $1 and c.identity_id = $2),
           delegates as (
               select account_id from sent union select account_id from named
               union select account_id from capped)
           select d.account_id as "delegate!",
                  (select a.name from account a
                   where a.account_id = d.account_id and s.account_id is not null) as "delegate_name?",
                  coalesce(s.messages, 0) as "messages!", coalesce(s.recipients, 0) as "recipients!",
                  coalesce(s.deliveries, 0) as "deliveries!", coalesce(s.rated, 0) as "rated!",
                  coalesce(s.hard_bounces, 0) as "hard_bounces!", coalesce(s.complaints, 0) as "complaints!",
                  s.last_sent as "last_sent?", c.max_24_hour_send as "cap?"
           from delegates d
           left join sent s on s.account_id = d.account_id
           left join capped c on c.account_id = d.account_id
           where d.account_id <> $1
           order by s.last_sent desc nulls last, d.account_id"#,
        owner.as_str(),
        identity
    )
    .fetch_all(db)
    .await
}

/// Sets (Some) or removes (None) the owner's daily cap on `delegate` for the identity;
/// returns the identity's name, None if the owner has no such identity.
pub async fn set_cap(
    db: impl PgExecutor<'_>,
    owner: &AccountId,
    identity: Uuid,
    delegate: &AccountId,
    max_24_hour_send: Option<i64>,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"with target as (select identity_id, name from identity where account_id = $1 and identity_id = $2),
           removed as (
               delete from grant_cap c using target t
               where $4::bigint is null and c.account_id = $1 and c.identity_id = t.identity_id
                 and c.delegate_account_id = $3),
           put as (
               insert into grant_cap (account_id, identity_id, delegate_account_id, max_24_hour_send)
               select $1, t.identity_id, $3, $4 from target t where $4::bigint is not null
               on conflict (account_id, identity_id, delegate_account_id)
               do update set max_24_hour_send = excluded.max_24_hour_send, updated_at = now())
           select (select name from target) as name"#,
        owner.as_str(),
        identity,
        delegate.as_str(),
        max_24_hour_send
    )
    .fetch_one(db)
    .await
}

/// Per identity of `owner` that has policies: how many other accounts they name.
pub async fn named_counts(
    db: impl PgExecutor<'_>,
    owner: &AccountId,
) -> Result<Vec<(Uuid, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"select p.identity_id, count(distinct g.account_id) as "accounts!"
           from identity_policy p cross join unnest(p.grantee_accounts) as g(account_id)
           where p.account_id = $1 and g.account_id <> $1
           group by p.identity_id"#,
        owner.as_str()
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.identity_id, r.accounts))
        .collect())
}
